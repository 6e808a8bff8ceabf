// Training in the window, driven offscreen with QTest through the real widgets: Play trains and
// the maps change, Pause stops, edits pause, a run is one undo step, the window's run equals
// `nnlens-cli train`, divergence keeps finite parameters, points are added, moved and deleted,
// a bad CSV keeps the data, and the timeline shows the stored parameters bit for bit.
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QLabel>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

#include <cmath>
#include <cstring>

#include "core/dataset.hpp"
#include "core/network_io.hpp"
#include "gui/main_window.hpp"
#include "test_window.hpp"
#include "widgets/data_panel.hpp"
#include "widgets/figure_view.hpp"
#include "widgets/training_panel.hpp"
#include "widgets/training_plots.hpp"

using namespace nnlens;

namespace {

const QString kSpiral = QStringLiteral(":/presets/spiral-2-8-8-8-1.nnlens.json");

// True when every pixel has the colour of the first (nothing drawn).
bool isBlank(const QImage& image) {
    const QImage rgb = image.convertToFormat(QImage::Format_RGB32);
    const QRgb first = rgb.pixel(0, 0);
    for (int y = 0; y < rgb.height(); ++y)
        for (int x = 0; x < rgb.width(); ++x)
            if (rgb.pixel(x, y) != first) return false;
    return true;
}

bool sameParameters(const Network& a, const Network& b) {
    if (a.layers.size() != b.layers.size()) return false;
    for (std::size_t l = 0; l < a.layers.size(); ++l) {
        const Layer& x = a.layers[l];
        const Layer& y = b.layers[l];
        if (x.W.rows() != y.W.rows() || x.W.cols() != y.W.cols() ||
            std::memcmp(x.W.data(), y.W.data(), sizeof(float) * std::size_t(x.W.size())) != 0 ||
            std::memcmp(x.b.data(), y.b.data(), sizeof(float) * std::size_t(x.b.size())) != 0) {
            return false;
        }
    }
    return true;
}

bool finite(const Network& n) {
    for (const Layer& l : n.layers)
        if (!l.W.allFinite() || !l.b.allFinite()) return false;
    return true;
}

}  // namespace

class TestTrainingWindow : public QObject {
    Q_OBJECT

    std::unique_ptr<gui::MainWindow> m_window;
    gui::MainWindow& window() { return *m_window; }
    model::Document& doc() { return *m_window->document(); }
    model::TrainingController& training() { return *m_window->training(); }

    // Spiral preset with 200 generated spiral points and the given settings.
    void spiralLesson(float lr = 0.01f, double valSplit = 0.0) {
        QVERIFY(window().openPreset(kSpiral));
        QVERIFY(window().dataPanel()->generate(QStringLiteral("spiral"), 200, 0.1, 1));
        model::TrainingSettings s;
        s.lr = lr;
        s.valSplit = valSplit;
        s.seed = 5;
        doc().setTrainingSettings(s);
    }

    void shot(const QString& name) {
        // Screenshots for people, when asked for (NNLENS_SHOT_DIR); the rows never depend on it.
        const QString dir = qEnvironmentVariable("NNLENS_SHOT_DIR");
        if (dir.isEmpty()) return;
        QTRY_VERIFY_WITH_TIMEOUT(
            window().graphView()->paintedGeneration() >= window().requestedGeneration(), 20000);
        window().grab().save(QDir(dir).filePath(name + ".png"));
    }

  private slots:
    void init() {
        m_window = test::makeTestWindow();
        QVERIFY(m_window);
        // A new window has nothing to save (the training panel must not dirty it).
        QVERIFY2(!doc().isModified(), qPrintable(doc().undoStack()->undoText()));
    }
    void cleanup() { m_window.reset(); }

    void aHiddenNewWindowIsNotModified() {
        gui::MainWindow hidden;
        QVERIFY2(!hidden.document()->isModified(),
                 qPrintable(hidden.document()->undoStack()->undoText()));
    }

    void playTrainsAndTheMapsFollow() {
        spiralLesson();
        const Network before = doc().network();
        const std::uint64_t generation = window().requestedGeneration();
        auto* play = window().trainingPanel()->findChild<QPushButton*>("playButton");
        QVERIFY(play && play->isEnabled());
        QSignalSpy progressed(&training(), &model::TrainingController::progressed);
        QTest::mouseClick(play, Qt::LeftButton);
        QVERIFY(training().running());
        QCOMPARE(play->text(), QStringLiteral("Pause"));
        QTRY_VERIFY_WITH_TIMEOUT(training().snapshot() && training().snapshot()->epoch >= 3, 20000);
        // The document (sliders, diagram) and the maps follow the parameters.
        // (the snapshot is there before its queued signal reaches the window)
        QTRY_VERIFY(!sameParameters(doc().network(), before));
        QTRY_VERIFY(window().requestedGeneration() > generation);
        QVERIFY(progressed.count() > 0);
        QTest::keyClick(&window(), Qt::Key_Space);  // Pause
        QVERIFY(!training().running());
        QCOMPARE(play->text(), QStringLiteral("Play"));
        shot(QStringLiteral("training-spiral"));
        QVERIFY(window().trainingPanel()->statusText().contains("Accuracy: train"));
    }

    void pauseStopsAtOnceAndShowsTheFinalParameters() {
        spiralLesson();
        QVERIFY(training().play());
        QTRY_VERIFY_WITH_TIMEOUT(training().snapshot() && training().snapshot()->step > 50, 20000);
        training().pause();
        const auto snap = training().snapshot();
        QVERIFY(!snap->running);
        QVERIFY(sameParameters(doc().network(), *snap->network));
        QTest::qWait(100);
        QCOMPARE(training().snapshot()->serial, snap->serial);
        QVERIFY(sameParameters(doc().network(), *snap->network));
    }

    void runIsOneUndoStepRestoringExactParameters() {
        spiralLesson();
        const Network before = doc().network();
        const int steps = doc().undoStack()->count();
        QVERIFY(training().play());
        QTRY_VERIFY_WITH_TIMEOUT(training().snapshot()->epoch >= 2, 20000);
        training().pause();
        const Network after = doc().network();
        QCOMPARE(doc().undoStack()->count(), steps + 1);
        QVERIFY(doc().undoStack()->undoText().startsWith("Train to epoch"));
        doc().guardedUndo();
        QVERIFY(sameParameters(doc().network(), before));
        doc().guardedRedo();
        QVERIFY(sameParameters(doc().network(), after));
    }

    void editingPausesAndPlayContinuesFromTheEdit() {
        spiralLesson();
        QVERIFY(training().play());
        QTRY_VERIFY_WITH_TIMEOUT(training().snapshot()->epoch >= 1, 20000);
        const int steps = doc().undoStack()->count();
        QVERIFY(doc().setParameter({0, 0, 0}, 1.25f));
        QVERIFY(!training().running());
        // The run, then the edit: two undo steps.
        QCOMPARE(doc().undoStack()->count(), steps + 2);
        QCOMPARE(doc().network().layers[0].W(0, 0), 1.25f);
        QSignalSpy message(&training(), &model::TrainingController::message);
        QVERIFY(training().play());
        QVERIFY(message.count() >= 1);
        QVERIFY(message.last().at(0).toString().contains("optimizer state restarted"));
        training().pause();
    }

    void undoWhileTrainingEndsTheRunFirst() {
        spiralLesson();
        const Network before = doc().network();
        QVERIFY(training().play());
        QTRY_VERIFY_WITH_TIMEOUT(training().snapshot()->epoch >= 1, 20000);
        doc().guardedUndo();  // Edit > Undo
        QVERIFY(!training().running());
        QVERIFY(sameParameters(doc().network(), before));
    }

    void windowRunEqualsCliTrain() {
        spiralLesson(0.01f, 0.2);
        QTemporaryDir tmp;
        const QString net = tmp.filePath("start.nnlens.json");
        const QString csv = tmp.filePath("spiral.csv");
        const QString out = tmp.filePath("trained.nnlens.json");
        writeNetwork(doc().network(), net.toStdString());
        writeCsv(*doc().data(), csv.toStdString());
        for (int e = 0; e < 4; ++e)
            QVERIFY(training().epoch());
        QCOMPARE(training().snapshot()->epoch, 4);
        QProcess cli;
        cli.start(NNLENS_CLI_PATH,
                  {"train",  net,    "--data",    csv,   "--loss",   "mse", "--optimizer", "adam",
                   "--lr",   "0.01", "--batch",   "10",  "--epochs", "4",   "--val-split", "0.2",
                   "--seed", "5",    "--backend", "cpu", "-o",       out});
        QVERIFY(cli.waitForFinished(60000));
        QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
        QVERIFY(sameParameters(doc().network(), readNetwork(out.toStdString())));
    }

    void divergentRunStopsWithFiniteParameters() {
        spiralLesson(1.0f);
        model::TrainingSettings s = doc().trainingSettings();
        s.optimizer = OptimizerKind::Sgd;
        s.lr = 1e30f;
        doc().setTrainingSettings(s);
        Network net = doc().network();
        QVERIFY(doc().setActivation(int(net.layers.size()) - 1, Activation::Linear));
        QSignalSpy message(&training(), &model::TrainingController::message);
        QVERIFY(training().play());
        QTRY_VERIFY_WITH_TIMEOUT(!training().running(), 20000);
        QTRY_VERIFY(message.count() > 0);
        QVERIFY2(message.last().at(0).toString().contains("diverged"),
                 qPrintable(message.last().at(0).toString()));
        QVERIFY(message.last().at(1).toBool());
        QVERIFY(finite(doc().network()));
        QVERIFY(window().lastError().contains("diverged"));
    }

    void pointsAreAddedMovedAndDeleted() {
        QVERIFY(window().openPreset(kSpiral));
        QCOMPARE(doc().data(), nullptr);
        widgets::FigureView* graph = window().graphView();
        window().dataPanel()->findChild<QCheckBox*>("editPoints")->setChecked(true);
        QVERIFY(graph->pointEditing());
        // A click lands on the maps the user sees: wait until they show the opened network
        // (the previous one stays on screen until its maps are computed).
        QTRY_VERIFY(graph->frame() && graph->frame()->network &&
                    sameParameters(graph->shownNetwork(), doc().network()));
        // The output map's rectangle as the figure lays it out now: [-r, r]^2, x2 up.
        const double r = doc().network().view.range;
        const auto pixelOf = [&](double x1, double x2) {
            const auto layout = figures::layoutGraph(graph->shownNetwork(), QRectF(graph->rect()),
                                                     graph->options());
            const QRectF map = layout.maps.back().front();
            return QPointF(map.left() + (x1 + r) / (2 * r) * map.width(),
                           map.top() + (r - x2) / (2 * r) * map.height())
                .toPoint();
        };
        const QSize viewSize = graph->size();
        QPoint centre = pixelOf(0, 0);
        QVERIFY(graph->inputAt(centre).has_value());
        QTest::mouseClick(graph, Qt::LeftButton, {}, centre);
        QVERIFY(doc().data());
        QCOMPARE(doc().data()->size(), 1);
        QCOMPARE(doc().data()->y(0, 0), 1.0f);
        QCOMPARE(doc().data()->labels.at(0), 1);
        QTest::mouseClick(graph, Qt::LeftButton, Qt::ShiftModifier, pixelOf(1.5, 0));
        QCOMPARE(doc().data()->size(), 2);
        QCOMPARE(doc().data()->y(1, 0), 0.0f);
        QVERIFY(std::abs(doc().data()->x(1, 0) - 1.5f) < 0.2f);
        // Drag the first point up: one undo step for the whole drag.
        const int steps = doc().undoStack()->count();
        centre = pixelOf(0, 0);
        const QPoint up = pixelOf(0, 1.0);
        QTest::mousePress(graph, Qt::LeftButton, {}, centre);
        QTest::mouseMove(graph, (centre + up) / 2);
        QTest::mouseMove(graph, up);
        QTest::mouseRelease(graph, Qt::LeftButton, {}, up);
        QCOMPARE(doc().undoStack()->count(), steps + 1);
        QVERIFY(std::abs(doc().data()->x(0, 1) - 1.0f) < 0.2f);
        QVERIFY(std::abs(doc().data()->x(0, 0)) < 0.2f);
        // Delete the point under the mouse.
        QTest::mouseMove(graph, pixelOf(1.5, 0));
        QTest::keyClick(graph, Qt::Key_Delete);
        QCOMPARE(doc().data()->size(), 1);
        doc().guardedUndo();
        QCOMPARE(doc().data()->size(), 2);
        // The maps stay where they were while points come and go (no jumping under the mouse).
        QCoreApplication::processEvents();
        QCOMPARE(graph->size(), viewSize);
    }

    void badCsvKeepsTheData() {
        spiralLesson();
        const auto data = doc().data();
        QTemporaryDir tmp;
        QFile bad(tmp.filePath("bad.csv"));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("x1,x2,y1\n0.5,abc,1\n");
        bad.close();
        QString error;
        QVERIFY(!window().dataPanel()->importCsv(bad.fileName(), &error));
        QVERIFY2(error.contains("bad.csv") && error.contains("line 2"), qPrintable(error));
        QCOMPARE(doc().data(), data);
        QFile three(tmp.filePath("three.csv"));
        QVERIFY(three.open(QIODevice::WriteOnly));
        three.write("x1,x2,x3,y1\n0,0,0,1\n");
        three.close();
        QVERIFY(!window().dataPanel()->importCsv(three.fileName(), &error));
        QVERIFY2(error.contains("3 input columns"), qPrintable(error));
        QCOMPARE(doc().data(), data);
    }

    void timelineShowsStoredParametersBitForBit() {
        spiralLesson();
        for (int e = 0; e < 5; ++e)
            QVERIFY(training().epoch());
        const auto timeline = training().service()->timeline();
        QCOMPARE(int(timeline.size()), 6);
        training().showEpoch(2);
        QCOMPARE(training().shownEpoch(), 2);
        QVERIFY(sameParameters(doc().network(), *timeline[2].network));
        training().showEpoch(0);
        QVERIFY(sameParameters(doc().network(), *timeline[0].network));
        // Continue from here: trains on from epoch 0's parameters, the history cut there.
        QVERIFY(training().continueFromShown());
        QTRY_VERIFY_WITH_TIMEOUT(training().snapshot()->epoch >= 1, 20000);
        training().pause();
        QVERIFY(training().service()->history().trainLoss.size() >= 1);
    }

    void sincosLessonOpensTrainsAndRoundTrips() {
        // The notebook's example from Presets: its data and settings come with it; Play learns.
        QVERIFY(window().openPreset(":/presets/lesson-sincos-2-3-1.nnlens.json"));
        QVERIFY(doc().lessonError().isEmpty());
        QVERIFY(doc().data());
        QCOMPARE(doc().data()->size(), 100);
        QCOMPARE(doc().trainingSettings().optimizer, OptimizerKind::Adam);
        QCOMPARE(doc().trainingSettings().lr, 0.001f);
        QCOMPARE(doc().trainingSettings().valSplit, 0.2);
        QVERIFY(training().epoch());
        const float first = *training().snapshot()->trainLoss;
        for (int e = 0; e < 20; ++e)
            QVERIFY(training().epoch());
        QVERIFY(*training().snapshot()->trainLoss < first);
        shot(QStringLiteral("training-sincos"));
        // Save writes the lesson with the window's settings; opening it gives them back.
        model::TrainingSettings s = doc().trainingSettings();
        s.lr = 0.004f;
        s.batch = 20;
        doc().setTrainingSettings(s);
        QTemporaryDir tmp;
        const QString path = tmp.filePath("sincos.nnlens.json");
        QVERIFY(window().saveAs(path));
        QVERIFY(window().openPreset(kSpiral));
        QVERIFY(window().openFile(path));
        QCOMPARE(doc().trainingSettings().lr, 0.004f);
        QCOMPARE(doc().trainingSettings().batch, 20);
        QCOMPARE(doc().data()->size(), 100);
        QVERIFY(!doc().isModified());
    }

    // The notebook's fit plot in the Training dock: for regression data only, against t by
    // default (the sincos generator's extra column), and it follows the network as it learns.
    void fitPlotFollowsTraining() {
        QVERIFY(window().openPreset(":/presets/lesson-sincos-2-3-1.nnlens.json"));
        widgets::TrainingPlots* plots = window().trainingPlots();
        QVERIFY(plots->fitView()->isVisibleTo(&window()));
        QCOMPARE(plots->fitColumn(), QStringLiteral("t"));
        QCOMPARE(plots->fitView()->options().fitColumn, std::string("t"));
        QVERIFY(plots->fitView()->options().data == doc().data());
        const QImage before = plots->fitView()->grab().toImage();
        QVERIFY(!isBlank(before));
        for (int e = 0; e < 30; ++e)
            QVERIFY(training().epoch());
        QCoreApplication::processEvents();
        const QImage after = plots->fitView()->grab().toImage();
        QCOMPARE(after.size(), before.size());
        QVERIFY(after != before);  // the prediction line moved
        if (auto* dock = window().findChild<QDockWidget*>("trainingDock")) dock->raise();
        shot(QStringLiteral("training-sincos-fit"));
        // The row order instead of t: the x axis changes.
        auto* column = plots->findChild<QComboBox*>("fitColumn");
        QVERIFY(column);
        column->setCurrentIndex(column->findData(QString()));
        QCOMPARE(plots->fitView()->options().fitColumn, std::string());
        QVERIFY(plots->fitView()->grab().toImage() != after);
        // Classification data have no fit plot.
        spiralLesson();
        QVERIFY(!plots->fitView()->isVisibleTo(&window()));
    }

    void missingLessonDataIsReportedAndTheNetworkOpens() {
        QTemporaryDir tmp;
        Network net = Network::initialized(2, {{1, Activation::Tanh}}, 1);
        net.extra["data"] = {{"file", "gone.csv"}};
        const QString path = tmp.filePath("lesson.nnlens.json");
        writeNetwork(net, path.toStdString());
        QVERIFY(window().openFile(path));
        QVERIFY2(doc().lessonError().contains("gone.csv"), qPrintable(doc().lessonError()));
        QVERIFY(window().lastError().contains("gone.csv"));
        QCOMPARE(doc().data(), nullptr);
        QCOMPARE(doc().filePath(), path);
    }

    void timelineSliderScrubsAndContinues() {
        spiralLesson();
        for (int e = 0; e < 4; ++e)
            QVERIFY(training().epoch());
        auto* slider = window().findChild<QSlider*>("timelineSlider");
        auto* resume = window().findChild<QPushButton*>("continueButton");
        QVERIFY(slider && resume);
        QCOMPARE(slider->maximum(), 4);
        QCOMPARE(slider->value(), 4);
        QVERIFY(!resume->isEnabled());
        const auto timeline = training().service()->timeline();
        slider->setValue(1);  // as a drag does
        QCOMPARE(training().shownEpoch(), 1);
        QVERIFY(sameParameters(doc().network(), *timeline[1].network));
        QVERIFY(resume->isEnabled());
        if (auto* dock = window().findChild<QDockWidget*>("trainingDock")) dock->raise();
        shot(QStringLiteral("training-timeline"));
        QTest::mouseClick(resume, Qt::LeftButton);
        QVERIFY(training().running());
        QTRY_VERIFY_WITH_TIMEOUT(training().snapshot()->epoch >= 2, 20000);
        training().pause();
        // The history was cut at epoch 1 and counts on from there.
        QVERIFY(training().service()->history().trainLoss.size() >= 2);
        QCOMPARE(slider->maximum(), training().snapshot()->epoch);
    }

    void lossChoicesFollowTheData() {
        spiralLesson();
        auto* reason = window().trainingPanel()->findChild<QLabel*>("lossReason");
        QVERIFY(reason);
        model::TrainingSettings s = doc().trainingSettings();
        s.loss = {Loss::Chi2, Reduction::Sum};  // spiral has no sigma
        doc().setTrainingSettings(s);
        QVERIFY2(!reason->text().isEmpty(), "chi2 without sigma must say why");
        auto* play = window().trainingPanel()->findChild<QPushButton*>("playButton");
        QVERIFY(!play->isEnabled());
    }
};

QTEST_MAIN(TestTrainingWindow)
#include "tst_training_window.moc"
