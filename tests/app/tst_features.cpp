// Playground's input features in the window (#21): the Document's edit, the feature column with
// its check boxes (found by accessible name, as a screen reader finds them), the Inspector's
// names, and the pixels of the column.
#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "core/dataset.hpp"
#include "core/network_io.hpp"
#include "test_window.hpp"
#include "widgets/inspector.hpp"
#include "widgets/training_plots.hpp"

using namespace nnlens;

namespace {

QCheckBox* boxNamed(QWidget& root, const QString& accessibleName) {
    for (QCheckBox* box : root.findChildren<QCheckBox*>()) {
        if (box->accessibleName() == accessibleName && box->isVisible()) return box;
    }
    return nullptr;
}

// The control of type T with this accessible name (a screen reader's way to find it).
template <typename T>
T* named(QWidget& root, const QString& accessibleName) {
    for (T* w : root.findChildren<T*>()) {
        if (w->accessibleName() == accessibleName) return w;
    }
    return nullptr;
}

}  // namespace

class TestFeatures : public QObject {
    Q_OBJECT

  private slots:
    void documentTurnsFeaturesOnAndOff();
    void lastFeatureStays();
    void windowColumnAndInspector();
    void regularizationControls();
    void hiddenColumnStaysHidden();
    void bothPenaltiesKeepL1();
    void quizNeedsPlainInputs();
    void playgroundLessonPlan();
};

void TestFeatures::documentTurnsFeaturesOnAndOff() {
    model::Document doc;
    Network net = Network::initialized(2, {{3, Activation::Tanh}, {1, Activation::Sigmoid}}, 4);
    doc.setNetwork(net);
    const Matrix before = net.layers[0].W;
    // x1^2 goes after x2 (Playground's order): row 2; rows 0 and 1 keep their bits.
    QVERIFY(doc.setFeature(Feature::X1Squared, true));
    const Network& on = doc.network();
    QCOMPARE(on.features, (std::vector<Feature>{Feature::X1, Feature::X2, Feature::X1Squared}));
    QCOMPARE(on.layers[0].W.rows(), Eigen::Index(3));
    QVERIFY(on.layers[0].W.topRows(2) == before);
    // New weights from PyTorch's initialisation for 3 inputs: |w| <= 3^-1/2, not all zero.
    QVERIFY((on.layers[0].W.row(2).array().abs() <= 1.0f / std::sqrt(3.0f)).all());
    QVERIFY(!on.layers[0].W.row(2).isZero());
    QCOMPARE(on.layers[1].W, net.layers[1].W);
    // sin(x1) before x1^2? No: after it, at the end; x1*x2 between them.
    QVERIFY(doc.setFeature(Feature::SinX1, true));
    QVERIFY(doc.setFeature(Feature::X1X2, true));
    QCOMPARE(doc.network().features,
             (std::vector<Feature>{Feature::X1, Feature::X2, Feature::X1Squared, Feature::X1X2,
                                   Feature::SinX1}));
    // Off removes that row only.
    const Matrix five = doc.network().layers[0].W;
    QVERIFY(doc.setFeature(Feature::X2, false));
    QCOMPARE(doc.network().layers[0].W.rows(), Eigen::Index(4));
    QVERIFY(doc.network().layers[0].W.row(0) == five.row(0));
    QVERIFY(doc.network().layers[0].W.bottomRows(3) == five.bottomRows(3));
    // One undo step per toggle; all the way back the file has no features again.
    for (int i = 0; i < 4; ++i)
        doc.undoStack()->undo();
    QVERIFY(doc.network().features.empty());
    QCOMPARE(doc.network().layers[0].W, before);
    // Exactly x1, x2 is written without the key.
    QVERIFY(doc.setFeature(Feature::X2Squared, true));
    QVERIFY(doc.setFeature(Feature::X2Squared, false));
    QVERIFY(doc.network().features.empty());
    QVERIFY(formatNetwork(doc.network()).find("features") == std::string::npos);
}

void TestFeatures::lastFeatureStays() {
    model::Document doc;
    Network net = Network::initialized(2, {{2, Activation::Tanh}}, 5, {Feature::SinX2});
    doc.setNetwork(net);
    QSignalSpy refused(&doc, &model::Document::editRefused);
    QVERIFY(!doc.setFeature(Feature::SinX2, false));
    QCOMPARE(refused.count(), 1);
    QVERIFY(refused.front().front().toString().contains("at least one input feature"));
    QCOMPARE(doc.network().features, std::vector<Feature>{Feature::SinX2});
    // A network of 3 inputs has no features to turn on.
    model::Document three;
    three.setNetwork(Network::initialized(3, {{2, Activation::Tanh}}, 5));
    QVERIFY(!three.setFeature(Feature::X1Squared, true));
}

void TestFeatures::windowColumnAndInspector() {
    auto window = test::makeTestWindow();
    QVERIFY(window);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("squares.nnlens.json"));
    Network net = Network::initialized(2, {{3, Activation::Tanh}, {1, Activation::Sigmoid}}, 7,
                                       {Feature::X1Squared, Feature::X2Squared});
    net.name = "Squares";
    writeNetwork(net, path.toStdString());
    QVERIFY(window->openFile(path));
    // A network with features shows the column at once.
    auto* action = window->findChild<QAction*>(QStringLiteral("featuresAction"));
    QVERIFY(action && action->isChecked());
    QVERIFY(test::waitForMaps(*window));
    test::settleLayout(*window);
    QCheckBox* square = boxNamed(*window, QStringLiteral("Input feature x1^2"));
    QCheckBox* sine = boxNamed(*window, QStringLiteral("Input feature sin(x1)"));
    QVERIFY(square && sine);
    QVERIFY(square->isChecked());
    QVERIFY(!sine->isChecked());
    // Each box sits on its own feature's map, inside the graph view.
    const auto layout =
        figures::layoutGraph(window->graphView()->shownNetwork(),
                             QRectF(window->graphView()->rect()), window->graphView()->options());
    QCOMPARE(layout.features.size(), std::size_t(kFeatureKinds));
    QVERIFY(layout.features[static_cast<int>(Feature::SinX1)].contains(
        QRectF(sine->geometry()).center()));
    // The column's pixels: x1's map runs from blue (left) to red (right), even when faded.
    QVERIFY(test::waitForMaps(*window));
    const QImage shot = window->graphView()->grab().toImage();
    const QRectF x1 = layout.features[0];
    const QColor left = shot.pixelColor(QPointF(x1.left() + 3, x1.center().y()).toPoint());
    const QColor right = shot.pixelColor(QPointF(x1.right() - 3, x1.center().y()).toPoint());
    QVERIFY2(left.blue() > left.red() && right.red() > right.blue(),
             qPrintable(left.name() + QStringLiteral(" ") + right.name()));
    // Ticking sin(x1) adds its row (one undo step), and the Inspector names it.
    window->document()->setSelection({0, 1});
    sine->click();
    QCOMPARE(window->document()->network().features,
             (std::vector<Feature>{Feature::X1Squared, Feature::X2Squared, Feature::SinX1}));
    QCOMPARE(window->document()->network().layers[0].W.rows(), Eigen::Index(3));
    test::settleLayout(*window);
    QStringList names;
    for (QLabel* label : window->inspector()->findChildren<QLabel*>())
        names << label->text();
    QVERIFY2(names.contains(QStringLiteral("w from sin(x1)")), qPrintable(names.join("|")));
    // The Inspector says why the first-layer arrow is gone.
    auto* note = window->inspector()->findChild<QLabel*>(QStringLiteral("arrowNote"));
    QVERIFY(note && note->isVisible());
    QVERIFY(note->text().contains(QStringLiteral("x1^2, x2^2, sin(x1)")));
    // A click on a feature's map (not its box) turns it off again.
    QVERIFY(test::waitForMaps(*window));
    test::settleLayout(*window);
    const auto again =
        figures::layoutGraph(window->graphView()->shownNetwork(),
                             QRectF(window->graphView()->rect()), window->graphView()->options());
    QTest::mouseClick(window->graphView(), Qt::LeftButton, {},
                      again.features[static_cast<int>(Feature::SinX1)].center().toPoint());
    QCOMPARE(window->document()->network().features,
             (std::vector<Feature>{Feature::X1Squared, Feature::X2Squared}));
    window->document()->undoStack()->undo();
    QCOMPARE(window->document()->network().layers[0].W.rows(), Eigen::Index(3));
    // Hidden column: no boxes.
    action->setChecked(false);
    test::settleLayout(*window);
    QVERIFY(!boxNamed(*window, QStringLiteral("Input feature x1^2")));
}

void TestFeatures::regularizationControls() {
    // Playground's Regularization and rate in the Training dock: found by accessible name, they
    // set the settings' l2; training then keeps a penalty per epoch that the loss plot draws.
    auto window = test::makeTestWindow();
    QVERIFY(window);
    model::Document* doc = window->document();
    doc->setNetwork(Network::initialized(2, {{4, Activation::Tanh}, {1, Activation::Sigmoid}}, 3));
    QVERIFY(doc->setData(std::make_shared<const Dataset>(generateDataset("circle", 60, 0.1, 2)),
                         QStringLiteral("data")));
    auto* kind = named<QComboBox>(*window, QStringLiteral("Regularization"));
    auto* rate = named<QDoubleSpinBox>(*window, QStringLiteral("Regularization rate"));
    QVERIFY(kind && rate);
    QCOMPARE(kind->currentText(), QStringLiteral("None"));
    QVERIFY(!rate->isEnabled());
    kind->setCurrentIndex(kind->findText(QStringLiteral("L2")));
    rate->setValue(0.03);
    QCOMPARE(doc->trainingSettings().l2, 0.03f);
    QCOMPARE(doc->trainingSettings().l1, 0.0f);
    QVERIFY(test::trainEpoch(*window->training()));
    QVERIFY(test::trainEpoch(*window->training()));
    const auto history = widgets::lossHistoryOf(window->training()->service()->history());
    QVERIFY(history->hasPenalty());
    QCOMPARE(history->penalty.epochs(), 2);
    // The penalty's line in the loss plot: pixels of its colour.
    figures::FigureOptions opt;
    opt.history = history;
    const QImage plot = figures::renderFigure(figures::FigureKind::Loss, doc->network(), nullptr,
                                              QSize(640, 400), opt);
    int light = 0;
    for (int y = 0; y < plot.height(); ++y)
        for (int x = 0; x < plot.width(); ++x) {
            const QColor c = plot.pixelColor(x, y);
            light += std::abs(c.red() - 0x8f) < 12 && std::abs(c.green() - 0xbb) < 12 &&
                     std::abs(c.blue() - 0xd9) < 12;
        }
    QVERIFY2(light > 30, qPrintable(QString::number(light)));
    // L1 moves the rate over; None clears both.
    kind->setCurrentIndex(kind->findText(QStringLiteral("L1")));
    QCOMPARE(doc->trainingSettings().l1, 0.03f);
    QCOMPARE(doc->trainingSettings().l2, 0.0f);
    kind->setCurrentIndex(kind->findText(QStringLiteral("None")));
    QCOMPARE(doc->trainingSettings().l1, 0.0f);
    QVERIFY(!rate->isEnabled());
}

void TestFeatures::hiddenColumnStaysHidden() {
    // Hidden by hand, the column stays hidden through slider steps (every networkChanged); a new
    // feature list shows it again.
    auto window = test::makeTestWindow();
    QVERIFY(window);
    model::Document* doc = window->document();
    doc->setNetwork(Network::initialized(2, {{3, Activation::Tanh}, {1, Activation::Sigmoid}}, 7,
                                         {Feature::X1Squared, Feature::X2Squared}));
    auto* action = window->findChild<QAction*>(QStringLiteral("featuresAction"));
    QVERIFY(action && action->isChecked());
    action->setChecked(false);
    for (int step = 0; step < 5; ++step)
        QVERIFY(doc->setParameter({0, 1, 0}, 0.1f * static_cast<float>(step), 1));
    QVERIFY(!action->isChecked());
    QVERIFY(doc->setFeature(Feature::X1X2, true));
    QVERIFY(action->isChecked());
}

void TestFeatures::bothPenaltiesKeepL1() {
    // A file with both penalties shows "L1 and L2" and the L2 rate; editing that rate keeps L1.
    auto window = test::makeTestWindow();
    QVERIFY(window);
    model::Document* doc = window->document();
    model::TrainingSettings s = doc->trainingSettings();
    s.l1 = 0.01f;
    s.l2 = 0.02f;
    doc->setTrainingSettings(s);
    auto* kind = named<QComboBox>(*window, QStringLiteral("Regularization"));
    auto* rate = named<QDoubleSpinBox>(*window, QStringLiteral("Regularization rate"));
    QVERIFY(kind && rate);
    QCOMPARE(kind->currentText(), QStringLiteral("L1 and L2"));
    QCOMPARE(static_cast<float>(rate->value()), 0.02f);
    rate->setValue(0.05);
    QCOMPARE(doc->trainingSettings().l1, 0.01f);
    QCOMPARE(doc->trainingSettings().l2, 0.05f);
}

void TestFeatures::quizNeedsPlainInputs() {
    // The quiz draws one unit over (x1, x2): a first layer on features (one row here) has none.
    const Network one = Network::initialized(2, {{2, Activation::Tanh}, {1, Activation::Sigmoid}},
                                             5, {Feature::X1X2});
    QVERIFY(!figures::quizUnit(one, {0, 1}).fromNetwork);
    const Network plain = Network::initialized(2, {{2, Activation::Tanh}}, 5, {});
    QVERIFY(figures::quizUnit(plain, {0, 1}).fromNetwork);
}

void TestFeatures::playgroundLessonPlan() {
    // The built-in plan walks the seven Playground lessons; each step's network and settings come
    // from its preset (the column shows the features; the L2 step sets the Regularization).
    auto window = test::makeTestWindow();
    QVERIFY(window);
    QVERIFY(window->openLessonPlan(QStringLiteral(":/lessons/playground.nnlens-lesson.json")));
    QCOMPARE(window->lessonStepCount(), 7);
    auto* action = window->findChild<QAction*>(QStringLiteral("featuresAction"));
    QVERIFY(window->goToStep(0));
    QCOMPARE(window->document()->network().features,
             (std::vector<Feature>{Feature::X1Squared, Feature::X2Squared}));
    QVERIFY(action->isChecked());
    QVERIFY(window->document()->data() && window->document()->data()->size() == 200);
    QVERIFY(window->goToStep(1));
    QVERIFY(window->document()->network().features.empty());
    QVERIFY(action->isChecked());  // the column stays for the "tick them" exercise
    for (int step = 2; step < 7; ++step)
        QVERIFY(window->goToStep(step));
    // The overfitting steps' wide network has no features: the column gives its maps the room.
    QVERIFY(!action->isChecked());
    QCOMPARE(window->document()->trainingSettings().l2, 0.01f);
    auto* kind = named<QComboBox>(*window, QStringLiteral("Regularization"));
    QVERIFY(kind);
    QCOMPARE(kind->currentText(), QStringLiteral("L2"));
}

QTEST_MAIN(TestFeatures)
#include "tst_features.moc"
