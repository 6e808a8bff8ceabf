// Training in the window, driven offscreen with QTest through the real widgets: Play trains and
// the maps change, Pause stops, edits pause, a run is one undo step, the window's run equals
// `nnlens-cli train`, divergence keeps finite parameters, points are added, moved and deleted,
// a bad CSV keeps the data, and the timeline shows the stored parameters bit for bit.
#include <QAbstractButton>
#include <QAccessible>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QFontMetricsF>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QTabBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolButton>
#include <QUndoStack>
#include <QWheelEvent>

#include <cmath>
#include <cstring>

#include "core/dataset.hpp"
#include "core/epoch_series.hpp"
#include "core/lesson.hpp"
#include "core/network_io.hpp"
#include "gui/gui_bench.hpp"
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

    void mapsAreDraftedWhilePlayingAndFullWhenPaused() {
        spiralLesson();
        const int n = doc().network().view.n;
        QVERIFY(n > 128);
        const auto side = [&] {
            const auto frame = window().graphView()->frame();
            return frame && !frame->maps.empty() ? frame->maps.config.n : -1;
        };
        QTRY_COMPARE(side(), n);
        QVERIFY(training().play());
        // The frames of the moving network: at most 128 points a side.
        QTRY_VERIFY_WITH_TIMEOUT(window().graphView()->frame() &&
                                     window().graphView()->frame()->generation > 1 && side() == 128,
                                 20000);
        training().pause();
        // The paused network is drawn at the file's grid, from exactly the paused parameters.
        QTRY_VERIFY_WITH_TIMEOUT(side() == n && window().graphView()->frame()->generation >=
                                                    window().requestedGeneration(),
                                 20000);
        QVERIFY(sameParameters(*window().graphView()->frame()->network, doc().network()));
        // A step is not a run: its frame is full.
        QVERIFY(training().step());
        QTRY_VERIFY_WITH_TIMEOUT(!training().running(), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(
            window().graphView()->frame()->generation >= window().requestedGeneration(), 20000);
        QCOMPARE(side(), n);
    }

    // #19 item 7: the dock showed 0.000001, 1 000 000, 705 032 704 and 0.95 for a lesson's lr
    // 1e-9, batch 5 000 000, seed 5 000 000 000 and val_split 0.99, and Save wrote those back.
    void theDockShowsAndKeepsWhatTheFileSays() {
        QTemporaryDir tmp;
        const QString path = tmp.filePath(QStringLiteral("extreme.nnlens.json"));
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(R"({"format": "nnlens.network", "version": 1, "inputs": 2,
                "layers": [{"activation": "tanh", "weights": [[1], [0]], "bias": [0]}],
                "data": {"generate": {"kind": "xor", "n": 50}, "val_split": 0.99},
                "training": {"loss": "mse", "optimizer": "adam", "lr": 1e-9, "batch": 5000000,
                             "seed": 5000000000, "epochs": 3}})");
        }
        QVERIFY2(window().openFile(path), qPrintable(window().lastError()));
        auto* panel = window().trainingPanel();
        QCOMPARE(panel->findChild<QDoubleSpinBox*>("lrSpin")->text(), QStringLiteral("1e-09"));
        QCOMPARE(panel->findChild<QSpinBox*>("batchSpin")->value(), 5000000);
        QCOMPARE(panel->findChild<QDoubleSpinBox*>("seedSpin")->text(),
                 QStringLiteral("5000000000"));
        QCOMPARE(panel->findChild<QDoubleSpinBox*>("valSplitSpin")->text(),
                 QStringLiteral("0.990"));
        // Another control changes: the rest stay exactly as the file says.
        panel->findChild<QCheckBox*>("shuffleCheck")->click();
        QString error;
        QVERIFY2(doc().save(&error), qPrintable(error));
        const Lesson lesson = lessonOf(readNetwork(path.toStdString()));
        QCOMPARE(lesson.training->lr, 1e-9);
        QCOMPARE(lesson.training->batch, 5000000);
        QCOMPARE(lesson.training->seed, std::uint64_t{5000000000});
        QCOMPARE(lesson.data->valSplit, 0.99);
        QCOMPARE(lesson.training->shuffle, false);
        // A rate typed in scientific notation is taken as typed.
        auto* lr = panel->findChild<QDoubleSpinBox*>("lrSpin");
        lr->clear();
        QTest::keyClicks(lr, QStringLiteral("3e-7"));
        QTest::keyClick(lr, Qt::Key_Return);
        QCOMPARE(doc().trainingSettings().lr, 3e-7f);
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

    // The lecturer's demo: knock a weight off while it learns and watch it recover. The edit is
    // its own undo step after the segment so far, the run keeps playing, from the edited value.
    void editWhilePlayingGoesOnFromTheEdit() {
        spiralLesson();
        const Network before = doc().network();
        QVERIFY(training().play());
        QTRY_VERIFY_WITH_TIMEOUT(training().snapshot()->epoch >= 1, 20000);
        QTRY_VERIFY(!sameParameters(doc().network(), before));  // the window shows the run
        // A tiny rate (live, too) so that the edited weight stays where it was put.
        model::TrainingSettings s = doc().trainingSettings();
        s.lr = 1e-9f;  // Adam moves a weight <= ~3 lr a step: 1e-7 drifted 1e-3 in 15 000 steps
        doc().setTrainingSettings(s);
        const int steps = doc().undoStack()->count();
        QVERIFY(doc().setParameter({0, 0, 0}, 1.25f));
        QVERIFY(training().playing());
        QCOMPARE(doc().undoStack()->count(), steps + 2);  // the segment, then the edit
        QVERIFY(doc().undoStack()->text(steps).startsWith("Train to epoch"));
        const std::int64_t stepAtEdit = training().snapshot()->step;
        const std::uint64_t generation = training().service()->generation();
        QTRY_VERIFY_WITH_TIMEOUT(training().snapshot()->generation >= generation &&
                                     training().snapshot()->step > stepAtEdit + 100,
                                 20000);
        QTRY_VERIFY(std::abs(doc().network().layers[0].W(0, 0) - 1.25f) < 1e-3f);
        training().pause();
        QVERIFY(std::abs(doc().network().layers[0].W(0, 0) - 1.25f) < 1e-3f);
        QVERIFY(sameParameters(doc().network(), *training().snapshot()->network));
    }

    // Playground's knobs while it plays (#21): L2 turned on goes live (the penalty line grows,
    // the same run); a feature ticked reshapes the first layer and the run goes on with it.
    void penaltyAndFeatureWhilePlaying() {
        spiralLesson();
        QVERIFY(training().play());
        QTRY_VERIFY_WITH_TIMEOUT(training().snapshot()->epoch >= 1, 20000);
        model::TrainingSettings s = doc().trainingSettings();
        s.l2 = 0.01f;
        doc().setTrainingSettings(s);
        QVERIFY(training().playing());
        QTRY_VERIFY_WITH_TIMEOUT(training().service()->settings().l2 == 0.01f, 5000);
        const int epochAtL2 = training().snapshot()->epoch;
        QTRY_VERIFY_WITH_TIMEOUT(training().snapshot()->epoch >= epochAtL2 + 2, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(training().service()->history().penalty.epochs() > 0 &&
                                     training().service()->history().penalty.last() > 0.0f,
                                 20000);
        // A feature: one undo step, and the run goes on with three rows in the first layer.
        QVERIFY(doc().setFeature(Feature::SinX1, true));
        QVERIFY(training().playing());
        QTRY_VERIFY_WITH_TIMEOUT(training().snapshot()->network->features.size() == 3, 20000);
        const int epochAtFeature = training().snapshot()->epoch;
        QTRY_VERIFY_WITH_TIMEOUT(training().snapshot()->epoch > epochAtFeature, 20000);
        QCOMPARE(training().snapshot()->network->layers[0].W.rows(), Eigen::Index(3));
        training().pause();
        QCOMPARE(doc().network().features.size(), std::size_t(3));
        QVERIFY(std::isfinite(doc().network().layers[0].W.sum()));
    }

    // Undo while training undoes the segment so far; the run goes on from the network before it.
    void undoWhileTrainingGoesOnFromTheUndoneNetwork() {
        spiralLesson();
        const Network before = doc().network();
        QVERIFY(training().play());
        QTRY_VERIFY_WITH_TIMEOUT(training().snapshot()->epoch >= 1, 20000);
        QTRY_VERIFY(!sameParameters(doc().network(), before));  // the window shows the run
        model::TrainingSettings s = doc().trainingSettings();
        s.lr = 1e-9f;  // live: the run stays near where the undo puts it (Adam: <= ~3 lr a step)
        doc().setTrainingSettings(s);
        doc().guardedUndo();  // Edit > Undo
        QVERIFY(training().playing());
        QVERIFY(sameParameters(doc().network(), before));
        QVERIFY(doc().undoStack()->redoText().startsWith("Train to epoch"));
        const std::uint64_t generation = training().service()->generation();
        const std::int64_t stepAtUndo = training().snapshot()->step;
        QTRY_VERIFY_WITH_TIMEOUT(training().snapshot()->generation >= generation &&
                                     training().snapshot()->step > stepAtUndo + 10,
                                 20000);
        QTRY_VERIFY(!sameParameters(doc().network(), before));
        training().pause();
        QVERIFY(training().snapshot()->generation >= generation);
        // The run went on from `before` (close to it still); that is the next undo step.
        QVERIFY(doc().undoStack()->undoText().startsWith("Train to epoch"));
        const float drift =
            (doc().network().layers[0].W - before.layers[0].W).cwiseAbs().maxCoeff();
        QVERIFY2(drift < 1e-3f, qPrintable(QString::number(drift)));
    }

    // A new learning rate typed while it plays: the maps keep moving, the change is marked, and
    // Pause holds the trained network, the one the epoch counter and the timeline's end name.
    void lrChangeKeepsTheMapsMovingAndPauseHoldsTheTrainedNetwork() {
        spiralLesson();
        QVERIFY(training().play());
        QTRY_VERIFY_WITH_TIMEOUT(training().snapshot()->epoch >= 2, 20000);
        auto* lr = window().trainingPanel()->findChild<QDoubleSpinBox*>("lrSpin");
        QVERIFY(lr);
        lr->setFocus();
        lr->selectAll();
        QTest::keyClicks(lr, "0.003");
        QTest::keyClick(lr, Qt::Key_Return);
        QCOMPARE(doc().trainingSettings().lr, 0.003f);
        QVERIFY(training().playing());
        QTRY_VERIFY(!training().service()->history().changes.empty());
        QVERIFY(training().service()->history().changes.back().text.contains("learning rate"));
        QCOMPARE(training().service()->settings().lr, 0.003f);
        // The maps and the network go on changing for a second after the change.
        const int epochAtChange = training().snapshot()->epoch;
        const std::uint64_t generation = window().requestedGeneration();
        const Network atChange = doc().network();
        QTest::qWait(1000);
        QVERIFY(training().snapshot()->epoch > epochAtChange);
        QVERIFY(window().requestedGeneration() > generation);
        QVERIFY(!sameParameters(doc().network(), atChange));
        training().pause();
        if (auto* dock = window().findChild<QDockWidget*>("trainingDock")) dock->raise();
        shot(QStringLiteral("training-live-lr"));
        const auto snap = training().snapshot();
        QVERIFY(sameParameters(doc().network(), *snap->network));
        const auto timeline = training().service()->timeline();
        QVERIFY(sameParameters(*timeline.back().network, *snap->network));
        QCOMPARE(timeline.back().step, snap->step);
        QCOMPARE(doc().undoStack()->undoText(),
                 QStringLiteral("Train to epoch %1 (step %2)").arg(snap->epoch).arg(snap->step));
        // Save writes it too.
        QTemporaryDir tmp;
        QVERIFY(window().saveAs(tmp.filePath("t.nnlens.json")));
        QVERIFY(sameParameters(readNetwork(tmp.filePath("t.nnlens.json").toStdString()),
                               *snap->network));
        // Play goes on from there, with no restart message.
        QSignalSpy message(&training(), &model::TrainingController::message);
        QVERIFY(training().play());
        training().pause();
        for (const auto& m : message)
            QVERIFY2(!m.at(0).toString().contains("restarted"), qPrintable(m.at(0).toString()));
    }

    void batchChangeChangesStepsPerEpochAtOnce() {
        spiralLesson();  // 200 rows, batch 10: 20 steps per epoch
        QVERIFY(training().play());
        QTRY_VERIFY_WITH_TIMEOUT(training().snapshot()->epoch >= 1, 20000);
        QCOMPARE(training().snapshot()->batchesPerEpoch, 20);
        auto* batch = window().trainingPanel()->findChild<QSpinBox*>("batchSpin");
        QVERIFY(batch);
        batch->setValue(50);
        QVERIFY(training().playing());
        QTRY_COMPARE_WITH_TIMEOUT(training().snapshot()->batchesPerEpoch, 4, 5000);
        const int epoch = training().snapshot()->epoch;
        QTRY_VERIFY_WITH_TIMEOUT(training().snapshot()->epoch > epoch + 2, 20000);
        training().pause();
    }

    // A lesson trains its epochs and pauses (Keras' fit(epochs=...)); Play again trains as many
    // more. Its default speed spreads the run over seconds; full speed is one step away.
    void lessonStopsAtItsEpochs() {
        QVERIFY(window().openPreset(":/presets/lesson-sincos-2-3-1.nnlens.json"));
        const int epochs = doc().trainingSettings().epochs;  // the notebook's fit(epochs=500)
        QCOMPARE(epochs, 500);
        QVERIFY(doc().trainingSettings().stopAtEpochs);
        auto* speed = window().trainingPanel()->findChild<QSlider*>("speedSlider");
        QVERIFY(speed);
        const double rate = widgets::TrainingPanel::speedRate(speed->value());
        QVERIFY2(rate > 0 && epochs / rate >= 4 && epochs / rate <= 12,
                 qPrintable(QString::number(rate)));
        speed->setValue(speed->maximum());  // full speed
        auto* progress = window().trainingPanel()->findChild<QProgressBar*>("playProgress");
        QVERIFY(progress && progress->isVisibleTo(window().trainingPanel()));
        QSignalSpy message(&training(), &model::TrainingController::message);
        QVERIFY(training().play());
        QTRY_VERIFY_WITH_TIMEOUT(!training().running(), 60000);
        QCOMPARE(training().snapshot()->epoch, epochs);
        QCOMPARE(progress->value(), progress->maximum());
        QTRY_VERIFY(!message.isEmpty());
        QVERIFY2(message.last().at(0).toString().contains(QStringLiteral("%1 epochs").arg(epochs)),
                 qPrintable(message.last().at(0).toString()));
        QVERIFY(training().play());
        QTRY_VERIFY_WITH_TIMEOUT(!training().running(), 60000);
        QCOMPARE(training().snapshot()->epoch, 2 * epochs);
        // A plain network plays until paused.
        spiralLesson();
        QVERIFY(!doc().trainingSettings().stopAtEpochs);
        QCOMPARE(speed->value(), speed->maximum());
        QVERIFY(!progress->isVisibleTo(window().trainingPanel()));
    }

    void spaceWorksFromTheLayersDock() {
        spiralLesson();
        QSpinBox* nodes = nullptr;
        for (QSpinBox* box : window().findChildren<QSpinBox*>()) {
            if (box->window() == &window() && box->isVisible() &&
                box->accessibleName().contains("Nodes", Qt::CaseInsensitive)) {
                nodes = box;
                break;
            }
        }
        QVERIFY(nodes);
        nodes->setFocus();
        QTRY_VERIFY(nodes->hasFocus());
        QTest::keyClick(nodes, Qt::Key_Space);
        QVERIFY(training().playing());
        QTest::keyClick(nodes, Qt::Key_Space);
        QVERIFY(!training().playing());
        QCOMPARE(nodes->value(), doc().network().layers[0].outputs());
        // A check box or button with the focus: Space is still Play.
        auto* shuffle = window().trainingPanel()->findChild<QCheckBox*>("shuffleCheck");
        QVERIFY(shuffle);
        const bool checked = shuffle->isChecked();
        shuffle->setFocus();
        QTest::keyClick(shuffle, Qt::Key_Space);
        QVERIFY(training().playing());
        QCOMPARE(shuffle->isChecked(), checked);
        QTest::keyClick(shuffle, Qt::Key_Space);
        QVERIFY(!training().playing());
    }

    // Step and Epoch run on the worker: the GUI thread goes on (a timer fires) while a long
    // epoch runs, and Pause ends it at once.
    void epochNeverBlocksTheGuiThread() {
        QVERIFY(window().openPreset(kSpiral));
        QVERIFY(window().dataPanel()->generate(QStringLiteral("spiral"), 20000, 0.1, 1));
        model::TrainingSettings s;
        s.batch = 1;  // 20 000 steps: seconds of work
        doc().setTrainingSettings(s);
        QVERIFY(training().epoch());
        QVERIFY(training().running());
        int ticks = 0;
        QTimer timer;
        connect(&timer, &QTimer::timeout, this, [&] { ++ticks; });
        timer.start(10);
        QTRY_VERIFY_WITH_TIMEOUT(ticks >= 5, 10000);
        training().pause();
        QVERIFY(!training().running());
        QVERIFY(sameParameters(doc().network(), *training().snapshot()->network));
        QVERIFY(training().snapshot()->step > 0);
    }

    // A long full-speed run: the loss history stays bounded (decimated after its head, min/max per
    // bucket), the timeline within its budget, the process's memory near where it started.
    void longRunStaysInsideItsMemoryBound() {
        QVERIFY(window().openPreset(kSpiral));
        QVERIFY(window().dataPanel()->generate(QStringLiteral("spiral"), 20, 0.1, 1));
        model::TrainingSettings s;
        s.batch = 20;  // one step per epoch: many epochs per second
        doc().setTrainingSettings(s);
        QVERIFY(training().play());
        QTest::qWait(1000);
        const double rssStart = gui::rssMb();
        QTRY_VERIFY_WITH_TIMEOUT(
            training().snapshot()->epoch > EpochSeries::kHead + 4 * EpochSeries::kMaxBuckets,
            60000);
        QTest::qWait(3000);
        const double rssEnd = gui::rssMb();
        QVERIFY(training().playing());
        training().pause();
        const model::TrainingHistory h = training().service()->history();
        QCOMPARE(h.trainLoss.epochs(), training().snapshot()->epoch);
        QVERIFY(h.trainLoss.pointCount() <=
                std::size_t(EpochSeries::kHead + EpochSeries::kMaxBuckets));
        QVERIFY(h.trainLoss.bucketWidth() >= 2);
        QVERIFY(h.trainLoss.bytes() < 200'000);
        qInfo("epochs %d, RSS %.1f -> %.1f MB", training().snapshot()->epoch, rssStart, rssEnd);
#if !defined(__SANITIZE_ADDRESS__)
        QVERIFY2(rssEnd - rssStart < 100.0, qPrintable(QString::number(rssEnd - rssStart)));
#endif
        // The loss plot hovers a decimated point: its range is named (every bucket but the last
        // is full, so the first after the head covers bucketWidth() epochs).
        const EpochSeries::Point bucket = h.trainLoss.at(EpochSeries::kHead + 1);
        QCOMPARE(bucket.last - bucket.first + 1, h.trainLoss.bucketWidth());
    }

    // Every control says what it is to a screen reader (its accessible name).
    void everyControlHasAnAccessibleName() {
        spiralLesson();
        doc().setSelection({1, 0});  // the Inspector's rows of a hidden node
        QTest::qWait(50);
        QStringList unnamed;
        for (QWidget* w : window().findChildren<QWidget*>()) {
            const bool control =
                qobject_cast<QAbstractButton*>(w) || qobject_cast<QAbstractSlider*>(w) ||
                qobject_cast<QAbstractSpinBox*>(w) || qobject_cast<QComboBox*>(w) ||
                (qobject_cast<QLineEdit*>(w) &&
                 !qobject_cast<QAbstractSpinBox*>(w->parentWidget()) &&
                 !qobject_cast<QComboBox*>(w->parentWidget()));
            if (!control || qobject_cast<QScrollBar*>(w)) continue;
            // Qt's own parts of a table, a tab bar or a dock title (named by their owner).
            const QString cls = QString::fromLatin1(w->metaObject()->className());
            if (cls == QStringLiteral("QTableCornerButton") ||
                w->objectName().startsWith(QStringLiteral("qt_")))
                continue;
            if (w->window() != &window()) continue;
            QAccessibleInterface* a = QAccessible::queryAccessibleInterface(w);
            if (!a || a->text(QAccessible::Name).trimmed().isEmpty()) {
                unnamed << QStringLiteral("%1 %2 (%3)")
                               .arg(QString::fromLatin1(w->metaObject()->className()),
                                    w->objectName(),
                                    w->parentWidget()
                                        ? QString::fromLatin1(
                                              w->parentWidget()->metaObject()->className())
                                        : QString());
            }
        }
        unnamed.removeDuplicates();
        QVERIFY2(unnamed.isEmpty(), qPrintable(unnamed.join(QStringLiteral("\n"))));
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
            QVERIFY(test::trainEpoch(training()));
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
        // Back to the parameters before the run (its last finite ones are huge), a smaller
        // rate, and Play goes on (a fresh optimizer state, the epochs counted on).
        doc().guardedUndo();
        QVERIFY(finite(doc().network()));
        s.lr = 0.001f;
        doc().setTrainingSettings(s);
        const int epoch = training().snapshot()->epoch;
        QVERIFY(training().play());
        QTRY_VERIFY_WITH_TIMEOUT(training().snapshot()->epoch > epoch + 2, 20000);
        QVERIFY(training().playing());
        training().pause();
        QVERIFY(finite(doc().network()));
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

    // #20: on the XOR lesson's 200 points a click near (not on) a point adds one, one undo
    // step each; a right click near a point adds a class-0 point; editing shows the output
    // layer large (the Focus layout) and gives the layout back after.
    void pointsAreAddedBesideOthersOnACrowdedMap() {
        QVERIFY(window().openPreset(QStringLiteral(":/presets/lesson-xor-2-4-1.nnlens.json")));
        QVERIFY(doc().data());
        const int n = doc().data()->size();
        QVERIFY(n >= 100);
        widgets::FigureView* graph = window().graphView();
        const figures::MapLayout before = graph->options().mapLayout;
        window().dataPanel()->findChild<QCheckBox*>("editPoints")->setChecked(true);
        QCOMPARE(graph->options().mapLayout, figures::MapLayout::Focus);
        QCOMPARE(doc().selection().layer, static_cast<int>(doc().network().layers.size()) - 1);
        QTRY_VERIFY(graph->frame() && graph->frame()->network &&
                    sameParameters(graph->shownNetwork(), doc().network()));
        test::settleLayout(window());
        const auto layout =
            figures::layoutGraph(graph->shownNetwork(), QRectF(graph->rect()), graph->options());
        const QRectF map = layout.maps.back().front();
        const double r = doc().network().view.range;
        const auto pixelOf = [&](double x1, double x2) {
            return QPointF(map.left() + (x1 + r) / (2 * r) * map.width(),
                           map.top() + (r - x2) / (2 * r) * map.height());
        };
        // Beside an existing point: outside its marker, inside the old 7 px grab radius.
        const double marker = figures::pointMarkerRadius(map.width(), graph->options().style);
        const QPointF at = pixelOf(doc().data()->x(0, 0), doc().data()->x(0, 1));
        const QPoint beside = (at + QPointF(marker + 2.5, 0.0)).toPoint();
        const int steps = doc().undoStack()->count();
        QTest::mouseClick(graph, Qt::LeftButton, {}, beside);
        QCOMPARE(doc().data()->size(), n + 1);
        QCOMPARE(doc().undoStack()->count(), steps + 1);
        QCOMPARE(doc().data()->labels.back(), 1);
        QTest::mouseClick(graph, Qt::RightButton, {}, (at + QPointF(0.0, marker + 2.5)).toPoint());
        QCOMPARE(doc().data()->size(), n + 2);
        QCOMPARE(doc().undoStack()->count(), steps + 2);
        QCOMPARE(doc().data()->labels.back(), 0);
        // On the marker itself a press grabs it: a press and release without a move adds nothing.
        QTest::mouseClick(graph, Qt::LeftButton, {}, at.toPoint());
        QCOMPARE(doc().data()->size(), n + 2);
        window().dataPanel()->findChild<QCheckBox*>("editPoints")->setChecked(false);
        QCOMPARE(graph->options().mapLayout, before);
    }

    // The Training dock where it is short (#20: at 1280 x 800 its fit plot was 188 px below the
    // dock's edge): the settings fold into one line that says what the run uses, the plots stay
    // in view; a click unfolds them and that choice stays whatever the dock's height.
    // The wheel over a slider of the scrolling Training dock scrolls the dock; it turns a control
    // only once the control has focus (#20: scrolling moved the timeline to epoch 142 and the
    // next Play dropped the epochs after it).
    void wheelScrollsTheDockNotItsSliders() {
        QVERIFY(window().openPreset(":/presets/lesson-sincos-2-3-1.nnlens.json"));
        auto* dock = window().findChild<QDockWidget*>("trainingDock");
        QVERIFY(dock);
        dock->raise();
        for (int e = 0; e < 5; ++e)
            QVERIFY(test::trainEpoch(training()));
        QCoreApplication::processEvents();
        auto* timeline = window().findChild<QSlider*>("timelineSlider");
        auto* lr = window().trainingPanel()->findChild<QDoubleSpinBox*>("lrSpin");
        QVERIFY(timeline && lr);
        const auto wheel = [](QWidget* w) {
            const QPointF at(w->width() / 2.0, w->height() / 2.0);
            QWheelEvent event(at, w->mapToGlobal(at), QPoint(), QPoint(0, -120), Qt::NoButton,
                              Qt::NoModifier, Qt::NoScrollPhase, false);
            QCoreApplication::sendEvent(w, &event);
        };
        const int epoch = timeline->value();
        const double rate = lr->value();
        window().trainingPanel()->setFocus();
        wheel(timeline);
        wheel(lr);
        QCOMPARE(timeline->value(), epoch);
        QCOMPARE(lr->value(), rate);
        // Clicked (focused), the control takes the wheel.
        timeline->setFocus();
        QVERIFY(timeline->hasFocus());
        wheel(timeline);
        QVERIFY(timeline->value() != epoch);
    }

    void shortTrainingDockFoldsItsSettings() {
        QVERIFY(window().openPreset(":/presets/lesson-sincos-2-3-1.nnlens.json"));
        auto* dock = window().findChild<QDockWidget*>("trainingDock");
        QVERIFY(dock);
        dock->raise();
        widgets::TrainingPanel* panel = window().trainingPanel();
        QToolButton* toggle = panel->settingsToggle();
        QVERIFY(toggle);
        QCOMPARE(toggle->accessibleName(), QStringLiteral("Training settings"));
        const QSize before = window().size();
        window().resize(before.width(), 780);
        QTRY_VERIFY(!panel->settingsShown());
        QVERIFY(toggle->text().contains(QStringLiteral("mse")));
        QVERIFY(toggle->text().contains(QStringLiteral("adam")));
        QVERIFY(toggle->toolTip().contains(QStringLiteral("batch")));
        // The plots in view: the dock does not scroll.
        auto* area = qobject_cast<QScrollArea*>(dock->widget());
        QVERIFY(area);
        QTRY_COMPARE(area->verticalScrollBar()->maximum(), 0);
        QVERIFY(window().trainingPlots()->fitView()->isVisible());
        // Tall again: the settings come back.
        window().resize(before.width(), 1000);
        QTRY_VERIFY(panel->settingsShown());
        // The user's choice stays.
        toggle->click();
        QVERIFY(!panel->settingsShown());
        window().resize(before.width(), 1010);
        QCoreApplication::processEvents();
        QVERIFY(!panel->settingsShown());
        toggle->click();
        QVERIFY(panel->settingsShown());
        // Unfolded, the settings fit the dock's width: it never scrolls sideways.
        QTRY_COMPARE(area->horizontalScrollBar()->maximum(), 0);
        // #20 (walk 5): unfolded by the user in a dock too short for them and the plots, the
        // plots fold (the header says so) and the dock does not scroll; folding the settings
        // brings the plots back; the header's arrow says which.
        window().resize(before.width(), 640);
        QTRY_VERIFY(panel->plotsFolded());
        QVERIFY(panel->settingsShown());
        QVERIFY(toggle->text().startsWith(QChar(0x25be)));
        QVERIFY(toggle->text().contains(QStringLiteral("plots")));
        QTRY_COMPARE(area->verticalScrollBar()->maximum(), 0);
        QVERIFY(!window().trainingPlots()->isVisible());
        toggle->click();
        QVERIFY(!panel->settingsShown());
        QVERIFY(toggle->text().startsWith(QChar(0x25b8)));
        QTRY_VERIFY(!panel->plotsFolded());
        QVERIFY(window().trainingPlots()->isVisible());
        QTRY_COMPARE(area->verticalScrollBar()->maximum(), 0);
        window().resize(before);
    }

    // #20: where the dock is too short for the loss and the fit plot at a readable size, one at a
    // time under a Loss / Fit tab bar, the fit first; the timeline stays under either; tall
    // again, both. The fit's axes keep four lines of tick text (they were 55 px).
    void shortTrainingDockShowsOnePlotAtATime() {
        QVERIFY(window().openPreset(":/presets/lesson-sincos-2-3-1.nnlens.json"));
        auto* dock = window().findChild<QDockWidget*>("trainingDock");
        QVERIFY(dock);
        dock->raise();
        widgets::TrainingPlots* plots = window().trainingPlots();
        QTabBar* tabs = plots->plotTabs();
        QCOMPARE(tabs->accessibleName(), QStringLiteral("Training plot shown"));
        const QSize before = window().size();
        window().resize(before.width(), 1000);
        QTRY_VERIFY(plots->bothShown());
        QVERIFY(plots->lossView()->isVisible());
        QVERIFY(plots->fitView()->isVisible());
        window().resize(before.width(), 640);
        QTRY_VERIFY(!plots->bothShown());
        QVERIFY(tabs->isVisible());
        QCOMPARE(tabs->tabText(tabs->currentIndex()), QStringLiteral("Fit"));
        QVERIFY(plots->fitView()->isVisible());
        QVERIFY(!plots->lossView()->isVisible());
        const double line = QFontMetricsF(plots->fitView()->options().style.font(10.0)).height();
        const QRectF axes = figures::fitPlotArea(QRectF(plots->fitView()->rect()), doc().network(),
                                                 plots->fitView()->options());
        QVERIFY2(axes.height() >= 4.0 * line, qPrintable(QString::number(axes.height())));
        auto* timeline = plots->findChild<QSlider*>("timelineSlider");
        QVERIFY(timeline && timeline->isVisible());
        // The Loss tab: the loss plot, the timeline still there.
        tabs->setCurrentIndex(1);
        QVERIFY(plots->lossView()->isVisible());
        QVERIFY(!plots->fitView()->isVisible());
        QVERIFY(timeline->isVisible());
        // The dock does not scroll.
        auto* area = qobject_cast<QScrollArea*>(dock->widget());
        QVERIFY(area);
        QTRY_COMPARE(area->verticalScrollBar()->maximum(), 0);
        // Tall again: both, and no tab bar.
        window().resize(before.width(), 1000);
        QTRY_VERIFY(plots->bothShown());
        QVERIFY(!tabs->isVisible());
        QVERIFY(plots->lossView()->isVisible());
        QVERIFY(plots->fitView()->isVisible());
        // Classification data: the loss alone, never a tab bar.
        spiralLesson();
        window().resize(before.width(), 640);
        QCoreApplication::processEvents();
        QVERIFY(!tabs->isVisible());
        QVERIFY(plots->lossView()->isVisible());
        window().resize(before);
    }

    // #20: the Data dock's generator says what the lesson has (200 points, not the default 500),
    // the training figures call a paused run's rate the last run's, and the timeline's label
    // is whole.
    void dataDockAndFiguresSayWhatIsThere() {
        QVERIFY(window().openPreset(QStringLiteral(":/presets/lesson-xor-2-4-1.nnlens.json")));
        const int n = doc().data()->size();
        auto* points = window().dataPanel()->findChild<QSpinBox*>("dataPoints");
        QVERIFY(points);
        QCOMPARE(points->value(), n);
        QVERIFY(doc().setData(nullptr, QStringLiteral("clear")));
        QVERIFY(window().dataPanel()->generate(QStringLiteral("circle"), 123, 0.1, 4));
        QCOMPARE(points->value(), 123);

        auto* speed = window().trainingPanel()->findChild<QSlider*>("speedSlider");
        QVERIFY(speed);
        window().training()->play();
        QTRY_VERIFY_WITH_TIMEOUT(
            window().trainingPanel()->statusText().contains(QStringLiteral("samples/s")), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(
            !window().trainingPanel()->statusText().contains(QStringLiteral("- samples/s")), 20000);
        window().training()->pause();
        QTRY_VERIFY(!window().training()->running());
        QTRY_VERIFY(window().trainingPanel()->statusText().contains(
            QStringLiteral("samples/s in the last run")));
        auto* label = window().trainingPlots()->findChild<QLabel*>("timelineLabel");
        QVERIFY(label);
        QTRY_VERIFY(label->text().startsWith(QStringLiteral("Epoch ")));
        test::settleLayout(window());
        QVERIFY2(label->width() >= label->fontMetrics().horizontalAdvance(label->text()),
                 qPrintable(label->text()));
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
            QVERIFY(test::trainEpoch(training()));
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
        QVERIFY(training().service()->history().trainLoss.epochs() >= 1);
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
        QVERIFY(test::trainEpoch(training()));
        const float first = *training().snapshot()->trainLoss;
        for (int e = 0; e < 20; ++e)
            QVERIFY(test::trainEpoch(training()));
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
        // At one size before and after (the dock's figures gain lines as the run starts, which
        // may move the plots by a few pixels).
        const QSize size(300, 240);
        const figures::FigureStyle style = plots->fitView()->options().style;
        const QImage before = plots->fitView()->renderImage(size, style);
        QVERIFY(!isBlank(plots->fitView()->grab().toImage()));
        QVERIFY(!isBlank(before));
        for (int e = 0; e < 30; ++e)
            QVERIFY(test::trainEpoch(training()));
        QCoreApplication::processEvents();
        const QImage after = plots->fitView()->renderImage(size, style);
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
            QVERIFY(test::trainEpoch(training()));
        auto* slider = window().findChild<QSlider*>("timelineSlider");
        auto* resume = window().findChild<QPushButton*>("continueButton");
        QVERIFY(slider && resume);
        QCOMPARE(slider->maximum(), 4);
        QCOMPARE(slider->value(), 4);
        QVERIFY(!resume->isEnabled());
        QVERIFY(resume->isHidden());  // shown only while an earlier epoch is
        const auto timeline = training().service()->timeline();
        slider->setValue(1);  // as a drag does
        QCOMPARE(training().shownEpoch(), 1);
        QVERIFY(sameParameters(doc().network(), *timeline[1].network));
        QVERIFY(resume->isEnabled());
        QVERIFY(!resume->isHidden());
        if (auto* dock = window().findChild<QDockWidget*>("trainingDock")) dock->raise();
        shot(QStringLiteral("training-timeline"));
        QTest::mouseClick(resume, Qt::LeftButton);
        QVERIFY(training().running());
        QTRY_VERIFY_WITH_TIMEOUT(training().snapshot()->epoch >= 2, 20000);
        training().pause();
        // The history was cut at epoch 1 and counts on from there.
        QVERIFY(training().service()->history().trainLoss.epochs() >= 2);
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
