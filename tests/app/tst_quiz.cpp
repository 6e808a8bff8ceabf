// The notebook's "which activation?" exercise: the quiz figure (six maps of one unit, names
// hidden until revealed, order shuffled with a seed, the selected node's w and b), the Quiz tab
// driven offscreen (Reveal, Shuffle, sliders), its export equal to nnlens-cli render, and the
// arrow exercise (the weight arrows hidden until shown).
#include <QAction>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>
#include <set>

#include "core/network_io.hpp"
#include "figures/figures.hpp"
#include "test_window.hpp"
#include "widgets/figure_view.hpp"
#include "widgets/quiz_panel.hpp"

using namespace nnlens;
using figures::FigureKind;
using figures::FigureOptions;

namespace {

Network preset(const char* name) {
    return readNetwork(std::string(NNLENS_SOURCE_DIR) + "/resources/presets/" + name +
                       ".nnlens.json");
}

QImage render(const Network& net, const FigureOptions& opt, QSize size = {1200, 360}) {
    return figures::renderFigure(FigureKind::Quiz, net, nullptr, size, opt);
}

// The pixel of input (x1, x2) in a map over [-r, r]^2 drawn into `rect`.
QPoint plane(const QRectF& rect, double r, double x1, double x2) {
    return QPoint(static_cast<int>(rect.left() + (x1 + r) / (2 * r) * rect.width()),
                  static_cast<int>(rect.bottom() - (x2 + r) / (2 * r) * rect.height()));
}

bool isBlue(QRgb c) {
    return qBlue(c) > qRed(c) + 80;
}
bool isNearWhite(QRgb c) {
    return qRed(c) > 225 && qGreen(c) > 225 && qBlue(c) > 225;
}

// Pixels of (almost) pure black inside `rect`: the weight arrow (the dashed line is grey).
int blackPixels(const QImage& img, const QRectF& rect) {
    int n = 0;
    for (int y = static_cast<int>(rect.top()) + 2; y < static_cast<int>(rect.bottom()) - 2; ++y) {
        for (int x = static_cast<int>(rect.left()) + 2; x < static_cast<int>(rect.right()) - 2;
             ++x) {
            const QRgb c = img.pixel(x, y);
            n += qRed(c) < 30 && qGreen(c) < 30 && qBlue(c) < 30;
        }
    }
    return n;
}

}  // namespace

class TestQuiz : public QObject {
    Q_OBJECT

  private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
    }

    void ordersAreSeededPermutations() {
        const std::vector<Activation> notebook = figures::notebookQuizOrder();
        QCOMPARE(notebook.size(), std::size_t{6});
        QCOMPARE(notebook[0], Activation::Linear);  // the notebook's (a), for calibration
        QCOMPARE(notebook[5], Activation::Elu);
        std::set<std::vector<Activation>> seen;
        for (std::uint64_t seed = 0; seed < 20; ++seed) {
            std::vector<Activation> order = figures::quizOrder(seed);
            QCOMPARE(order, figures::quizOrder(seed));  // reproducible
            seen.insert(order);
            std::sort(order.begin(), order.end());
            std::vector<Activation> six = notebook;
            std::sort(six.begin(), six.end());
            QCOMPARE(order, six);  // each activation once
        }
        QVERIFY2(seen.size() >= 15, "20 seeds give (almost) 20 different orders");
        QCOMPARE(figures::quizLetter(0), QStringLiteral("(a)"));
        QCOMPARE(figures::quizLetter(5), QStringLiteral("(f)"));
    }

    void theUnitIsTheSelectedFirstLayerNode() {
        const Network quadrant = preset("quadrant-selector");  // W = [[2, 0], [-1, -2]]
        const figures::QuizUnit second = figures::quizUnit(quadrant, {0, 1});
        QVERIFY(second.fromNetwork);
        QCOMPARE(second.w[0], 0.0f);
        QCOMPARE(second.w[1], -2.0f);
        QCOMPARE(second.b, 0.0f);
        // A later layer, or a network without 2 inputs: the notebook's w = [2, 1], b = 1.
        for (const figures::QuizUnit& u : {figures::quizUnit(quadrant, {1, 0}),
                                           figures::quizUnit(preset("nn-graph-8-4-3-2"), {0, 0})}) {
            QVERIFY(!u.fromNetwork);
            QCOMPARE(u.w[0], 2.0f);
            QCOMPARE(u.w[1], 1.0f);
            QCOMPARE(u.b, 1.0f);
        }
    }

    // The notebook's hints, read off the maps: at x = (-3, 3), s = 2 (-3) + 3 + 1 = -2.
    void eachMapIsTheUnitUnderItsActivation() {
        const Network net = preset("single-unit");
        FigureOptions opt;
        const QImage img = render(net, opt);
        const std::vector<QRectF> maps = figures::layoutQuiz(QRectF(img.rect()), net, opt);
        QCOMPARE(maps.size(), std::size_t{6});
        for (const QRectF& m : maps) {
            QVERIFY(QRectF(img.rect()).contains(m));
            QVERIFY(m.width() >= 150);  // large enough to read in a room
            QCOMPARE(m.width(), m.height());
        }
        const std::vector<Activation> order = figures::notebookQuizOrder();
        for (std::size_t i = 0; i < maps.size(); ++i) {
            const QRgb c = img.pixel(plane(maps[i], 3.0, -2.8, 2.8));
            switch (order[i]) {
                case Activation::Relu:  // "(c) goes asymptotically to zero (white)"
                    QVERIFY2(isNearWhite(c), "relu is 0 where s < 0");
                    break;
                case Activation::Tanh:
                case Activation::Softsign:
                    QVERIFY2(isBlue(c), "tanh and softsign go to a negative constant");
                    break;
                case Activation::Sigmoid:  // never negative: "so sigmoid is ruled out"
                    QVERIFY2(!isBlue(c), "sigmoid is positive everywhere");
                    break;
                default:
                    break;
            }
        }
    }

    void revealWritesTheNamesAndChangesNoMap() {
        const Network net = preset("single-unit");
        FigureOptions opt;
        opt.quizOrder = figures::quizOrder(7);
        const QImage hidden = render(net, opt);
        opt.quizReveal = true;
        const QImage shown = render(net, opt);
        const std::vector<QRectF> maps = figures::layoutQuiz(QRectF(hidden.rect()), net, opt);
        for (const QRectF& m : maps) {
            const QRect r = m.toAlignedRect();
            QCOMPARE(hidden.copy(r), shown.copy(r));
        }
        // Under the maps, the labels differ.
        const QRect labels(0, static_cast<int>(maps.front().bottom()) + 2, hidden.width(),
                           hidden.height() - static_cast<int>(maps.front().bottom()) - 2);
        QVERIFY(hidden.copy(labels) != shown.copy(labels));
    }

    void theArrowExerciseHidesOnlyTheArrow() {
        const Network net = preset("single-unit");
        FigureOptions opt;
        const QImage with = render(net, opt);
        opt.arrows = false;
        const QImage without = render(net, opt);
        const std::vector<QRectF> maps = figures::layoutQuiz(QRectF(with.rect()), net, opt);
        QVERIFY(blackPixels(with, maps.front()) > 100);
        QCOMPARE(blackPixels(without, maps.front()), 0);
        // The unit figure too, and the dashed s = 0 line stays (grey pixels remain).
        FigureOptions unit;
        unit.arrows = false;
        const QImage u = figures::renderFigure(FigureKind::Unit, net, nullptr, {600, 600}, unit);
        unit.arrows = true;
        const QImage v = figures::renderFigure(FigureKind::Unit, net, nullptr, {600, 600}, unit);
        QVERIFY(u != v);
    }

    void theTabRevealsShufflesAndFollowsTheSliders() {
        const auto window = test::makeTestWindow();
        QVERIFY(window);
        QVERIFY(window->openPreset(QStringLiteral(":/presets/quadrant-selector.nnlens.json")));
        auto* answers = window->findChild<QAction*>(QStringLiteral("answersAction"));
        QVERIFY(answers && answers->isChecked());
        window->showTab(QStringLiteral("quiz"));
        QCOMPARE(window->currentTabName(), QStringLiteral("quiz"));
        // Outside a lesson too, the quiz hides what gives it away (the Inspector's activation),
        // and the Network tab shows it again.
        QVERIFY(!answers->isChecked());
        window->showTab(QStringLiteral("network"));
        QVERIFY(answers->isChecked());
        window->showTab(QStringLiteral("quiz"));
        QVERIFY(!answers->isChecked());
        widgets::QuizPanel* quiz = window->quizPanel();
        QVERIFY(quiz->view()->isVisible());
        QVERIFY(!quiz->view()->options().quizReveal);
        quiz->revealButton()->click();
        QVERIFY(quiz->view()->options().quizReveal);
        // Shuffle: a new order, names hidden again.
        const auto before = quiz->view()->options().quizOrder;
        for (int i = 0; i < 5 && quiz->view()->options().quizOrder == before; ++i)
            quiz->shuffleButton()->click();
        QVERIFY(quiz->view()->options().quizOrder != before);
        QVERIFY(!quiz->view()->options().quizReveal);
        QVERIFY(!quiz->revealButton()->isChecked());
        // The selected node's w: a slider edit changes every map.
        window->document()->setSelection({0, 0});
        const QImage a = quiz->view()->grab().toImage();
        QVERIFY(window->document()->setParameter({0, 0, 1}, 1.5f));
        QTest::qWait(50);
        const QImage b = quiz->view()->grab().toImage();
        QVERIFY(a != b);
        quiz->revealButton()->click();
        QTest::qWait(50);
        const QString shots = qEnvironmentVariable("NNLENS_SHOT_DIR");
        if (!shots.isEmpty()) window->grab().save(shots + QStringLiteral("/quiz.png"));
        quiz->revealButton()->click();
        // View > Weight Arrows reaches the quiz as every map view.
        auto* arrows = window->findChild<QAction*>(QStringLiteral("arrowsAction"));
        QVERIFY(arrows && arrows->isChecked());
        arrows->trigger();
        QVERIFY(!quiz->view()->options().arrows);
        QVERIFY(!window->graphView()->options().arrows);
        arrows->trigger();
        QVERIFY(window->graphView()->options().arrows);
    }

    // The notebook lesson's quiz step (3): the Network tab's map is one of the answers, so it is
    // hidden with the rest until View > Show Answers; the arrow exercise (step 4) shows its map.
    void theQuizStepHidesTheNetworkMaps() {
        const auto window = test::makeTestWindow();
        QVERIFY(window);
        QVERIFY(window->openLessonPlan(QStringLiteral(":/lessons/notebook.nnlens-lesson.json")));
        QVERIFY(window->goToStep(2));
        QCOMPARE(window->currentTabName(), QStringLiteral("quiz"));
        QVERIFY(window->graphView()->options().hideMaps);
        // What the Network tab draws: grey, no red or blue of the map.
        figures::FigureOptions opt = window->graphView()->options();
        opt.showSelection = false;  // its orange frame is not the map
        const Network& net = window->document()->network();
        const QImage hidden =
            figures::renderFigure(figures::FigureKind::Graph, net, nullptr, QSize(400, 300), opt);
        opt.hideMaps = false;
        const QImage shown =
            figures::renderFigure(figures::FigureKind::Graph, net, nullptr, QSize(400, 300), opt);
        const auto saturated = [](const QImage& img) {
            int n = 0;
            for (int y = 0; y < img.height(); ++y)
                for (int x = 0; x < img.width() * 3 / 4; ++x) {  // left of the colour bar
                    const QColor c = img.pixelColor(x, y);
                    n += std::abs(c.red() - c.blue()) > 80;
                }
            return n;
        };
        QVERIFY2(saturated(hidden) < 50, qPrintable(QString::number(saturated(hidden))));
        QVERIFY(saturated(shown) > 5000);
        auto* answers = window->findChild<QAction*>(QStringLiteral("answersAction"));
        QVERIFY(answers && !answers->isChecked());
        answers->trigger();
        QVERIFY(!window->graphView()->options().hideMaps);
        answers->trigger();
        QVERIFY(window->graphView()->options().hideMaps);
        QVERIFY(window->goToStep(3));  // the arrow exercise hides answers, not the map
        QVERIFY(!window->graphView()->options().hideMaps);
    }

    void theExportEqualsTheCliRender() {
        const auto window = test::makeTestWindow();
        QVERIFY(window);
        const QString path =
            QStringLiteral(NNLENS_SOURCE_DIR "/resources/presets/single-unit.nnlens.json");
        QVERIFY(window->openFile(path));
        window->showTab(QStringLiteral("quiz"));
        window->quizPanel()->setSeed(42);
        window->quizPanel()->setRevealed(true);
        figures::FigureStyle style;
        const QSize size(1200, 360);
        const QImage exported = window->exportImage(FigureKind::Quiz, size, style);
        QTemporaryDir dir;
        const QString png = dir.filePath(QStringLiteral("quiz.png"));
        QProcess cli;
        cli.start(QStringLiteral(NNLENS_CLI_PATH),
                  {QStringLiteral("render"), path, QStringLiteral("--figure"),
                   QStringLiteral("quiz"), QStringLiteral("--seed"), QStringLiteral("42"),
                   QStringLiteral("--reveal"), QStringLiteral("--width"), QStringLiteral("1200"),
                   QStringLiteral("--height"), QStringLiteral("360"), QStringLiteral("-o"), png});
        QVERIFY(cli.waitForFinished(60000));
        QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
        const QImage rendered(png);
        QCOMPARE(rendered.size(), size);
        QCOMPARE(rendered.convertToFormat(QImage::Format_ARGB32),
                 exported.convertToFormat(QImage::Format_ARGB32));
    }

    void theCliRefusesQuizOptionsElsewhere() {
        QTemporaryDir dir;
        QProcess cli;
        cli.start(QStringLiteral(NNLENS_CLI_PATH),
                  {QStringLiteral("render"),
                   QStringLiteral(NNLENS_SOURCE_DIR "/resources/presets/single-unit.nnlens.json"),
                   QStringLiteral("--figure"), QStringLiteral("graph"), QStringLiteral("--reveal"),
                   QStringLiteral("-o"), dir.filePath(QStringLiteral("g.png"))});
        QVERIFY(cli.waitForFinished(60000));
        QCOMPARE(cli.exitCode(), 2);
        QVERIFY(QString::fromUtf8(cli.readAllStandardError()).contains(QStringLiteral("--reveal")));
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("g.png"))));
    }
};

QTEST_MAIN(TestQuiz)
#include "tst_quiz.moc"
