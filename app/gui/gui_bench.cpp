// GUI bench: drives the real slider and waits for the real repaint; prints what a user feels.
#include "gui_bench.hpp"

#include <QAction>

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QSlider>
#include <QSpinBox>
#include <QThread>
#include <QTimer>

#include <unistd.h>

#include <algorithm>
#include <functional>
#include <vector>

#include "core/dataset.hpp"
#include "core/trace.hpp"
#include "figures/stats_figure.hpp"
#include "main_window.hpp"
#include "model/training_controller.hpp"
#include "widgets/data_panel.hpp"
#include "widgets/figure_view.hpp"
#include "widgets/flow_panel.hpp"
#include "widgets/inspector.hpp"
#include "widgets/stats_panel.hpp"

namespace nnlens::gui {

// The resident set size in MB (/proc/self/statm), 0 where there is none.
double rssMb() {
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly)) return 0.0;
    const QList<QByteArray> fields = statm.readAll().split(' ');
    if (fields.size() < 2) return 0.0;
    return fields[1].toDouble() * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

namespace {

// Processes events for `ms` (sleeping in the event loop).
void runFor(int ms) {
    QElapsedTimer t;
    t.start();
    QTimer heartbeat;
    heartbeat.start(10);
    while (t.elapsed() < ms)
        QApplication::processEvents(QEventLoop::WaitForMoreEvents);
}

double percentile(std::vector<double> v, double q) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    const auto i = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
}

QJsonObject summary(const std::vector<double>& v) {
    return QJsonObject{{QStringLiteral("median"), percentile(v, 0.5)},
                       {QStringLiteral("p90"), percentile(v, 0.9)},
                       {QStringLiteral("max"), percentile(v, 1.0)},
                       {QStringLiteral("min"), percentile(v, 0.0)}};
}

// Processes events until the graph has painted `generation`; false after `timeoutMs`.
bool waitForPaint(MainWindow& window, std::uint64_t generation, int timeoutMs) {
    QElapsedTimer timer;
    timer.start();
    // Sleeps in the event loop (a busy loop here would steal a core from the map worker); the
    // heartbeat wakes it up to check the timeout.
    QTimer heartbeat;
    heartbeat.start(50);
    while (window.graphView()->paintedGeneration() < generation) {
        QApplication::processEvents(QEventLoop::WaitForMoreEvents);
        if (timer.elapsed() > timeoutMs) return false;
    }
    return true;
}

// Counts the paint events a widget receives.
class PaintCounter : public QObject {
  public:
    int paints = 0;
    bool eventFilter(QObject* watched, QEvent* event) override {
        if (event->type() == QEvent::Paint) ++paints;
        return QObject::eventFilter(watched, event);
    }
};

// Trains on for `seconds` with the Data flow tab shown: how often a new trace reaches the
// screen, and what a trace and a paint cost.
QJsonObject flowWhileTraining(MainWindow& window, double seconds) {
    model::TrainingController& training = *window.training();
    widgets::FlowPanel* flow = window.flowPanel();
    window.showTab(QStringLiteral("flow"));
    std::vector<double> traceMs, paintMs;
    QObject guard;
    QObject::connect(flow, &widgets::FlowPanel::traceShown, &guard, [&](double ms) {
        traceMs.push_back(ms);
        paintMs.push_back(flow->view()->lastPaintMs());  // the paint of the trace before
    });
    int snapshots = 0;  // networks the document showed: what the flow could follow at most
    QObject::connect(window.document(), &model::Document::networkChanged, &guard,
                     [&] { ++snapshots; });
    PaintCounter counter;
    flow->view()->installEventFilter(&counter);
    QElapsedTimer clock;
    clock.start();
    if (!training.play()) return {{QStringLiteral("error"), window.lastError()}};
    QTimer heartbeat;
    heartbeat.start(20);
    while (static_cast<double>(clock.elapsed()) < seconds * 1000.0)
        QApplication::processEvents(QEventLoop::WaitForMoreEvents);
    const double elapsed = static_cast<double>(clock.nsecsElapsed()) / 1e9;
    training.pause();
    flow->view()->removeEventFilter(&counter);
    window.showTab(QStringLiteral("network"));
    return QJsonObject{
        {QStringLiteral("seconds"), elapsed},
        {QStringLiteral("snapshots_per_s"), static_cast<double>(snapshots) / elapsed},
        {QStringLiteral("updates_per_s"), static_cast<double>(traceMs.size()) / elapsed},
        {QStringLiteral("paints_per_s"), static_cast<double>(counter.paints) / elapsed},
        {QStringLiteral("trace_ms"), summary(traceMs)},
        {QStringLiteral("paint_ms"), summary(paintMs)},
    };
}

}  // namespace

QJsonObject runGuiBench(MainWindow& window, int frames, bool featureColumn) {
    window.setErrorDialogs(false);
    window.openPreset(QStringLiteral(":/presets/spiral-2-8-8-8-1.nnlens.json"));
    if (featureColumn) {
        if (auto* action = window.findChild<QAction*>(QStringLiteral("featuresAction")))
            action->setChecked(true);
    }
    window.document()->setSelection({0, 0});
    window.show();
    if (!waitForPaint(window, window.requestedGeneration(), 20000)) {
        return {{QStringLiteral("error"), QStringLiteral("the first frame never painted")}};
    }
    widgets::Inspector* inspector = window.inspector();
    QSlider* slider = inspector->slider(inspector->rowCount() - 1);  // LYR1-NODE1's bias
    slider->setSliderDown(true);  // a drag: one undo step, as a user's
    std::vector<double> total, compute, paint, toFrame, setValue, unitPaint, diagramPaint;
    QElapsedTimer timer;
    qint64 frameAt = 0;  // when the newest frame reached the GUI thread
    const auto connection = QObject::connect(
        window.mapService(), &model::MapService::frameReady, &window,
        [&](const std::shared_ptr<const model::MapFrame>&) { frameAt = timer.nsecsElapsed(); });
    for (int i = 0; i < frames; ++i) {
        // Back and forth over the middle of the range: every step changes every map.
        const int position = 400 + (i % 100) * 2;
        timer.start();
        slider->setValue(position == slider->value() ? position + 1 : position);
        setValue.push_back(static_cast<double>(timer.nsecsElapsed()) / 1e6);
        if (!waitForPaint(window, window.requestedGeneration(), 10000)) {
            return {{QStringLiteral("error"), QStringLiteral("a frame never painted")}};
        }
        total.push_back(static_cast<double>(timer.nsecsElapsed()) / 1e6);
        toFrame.push_back(static_cast<double>(frameAt) / 1e6);
        compute.push_back(window.mapService()->latest()->computeMs);
        paint.push_back(window.graphView()->lastPaintMs());
        unitPaint.push_back(window.inspector()->unitView()->lastPaintMs());
        diagramPaint.push_back(window.diagramView()->lastPaintMs());
    }
    slider->setSliderDown(false);
    QObject::disconnect(connection);
    const auto& net = window.document()->network();
    QStringList shape{QString::number(net.inputs)};
    for (const auto& layer : net.layers)
        shape << QString::number(layer.outputs());
    QJsonObject result{
        {QStringLiteral("network"), shape.join(QLatin1Char('-'))},
        {QStringLiteral("feature_column"), featureColumn},
        {QStringLiteral("grid"), net.view.n},
        {QStringLiteral("frames"), frames},
        {QStringLiteral("window"),
         QStringLiteral("%1x%2").arg(window.width()).arg(window.height())},
        {QStringLiteral("platform"), QApplication::platformName()},
        {QStringLiteral("backend"), window.backendName()},
        {QStringLiteral("cpu_threads"), QThread::idealThreadCount()},
        {QStringLiteral("slider_to_repaint_ms"), summary(total)},
        {QStringLiteral("maps_compute_ms"), summary(compute)},
        {QStringLiteral("figure_paint_ms"), summary(paint)},
        {QStringLiteral("unit_paint_ms"), summary(unitPaint)},
        {QStringLiteral("diagram_paint_ms"), summary(diagramPaint)},
        // From the slider's change to the maps' arrival on the GUI thread (the rest is painting).
        {QStringLiteral("slider_to_maps_ms"), summary(toFrame)},
        // The GUI thread's own work inside QSlider::setValue (document, undo, widgets).
        {QStringLiteral("set_value_ms"), summary(setValue)},
        {QStringLiteral("undo_steps"), window.document()->undoStack()->count()},
    };
    result.insert(QStringLiteral("stats"), runStatsBench(window, std::max(10, frames / 4)));
    return result;
}

QJsonObject runStatsBench(MainWindow& window, int repaints) {
    // The notebook's 100-200-100-10 with N = 500 normal inputs on the Statistics tab.
    window.setErrorDialogs(false);
    if (!window.openPreset(QStringLiteral(":/presets/statistical-perspective.nnlens.json"))) {
        return {{QStringLiteral("error"), window.lastError()}};
    }
    window.resize(1280, 800);
    window.show();
    window.showTab(QStringLiteral("stats"));
    widgets::FigureView* view = window.statsPanel()->view();
    QApplication::processEvents();
    const Network net = window.document()->network();
    figures::FlowSource source;
    source.samples = figures::defaultFlowSamples(net);
    std::vector<double> trace, statistic, allStatistics, repaint, repaintBins;
    std::shared_ptr<const ModuleTrace> traced;
    QElapsedTimer timer;
    for (int i = 0; i < repaints; ++i) {
        timer.start();
        traced = figures::traceFlow(net, source);
        trace.push_back(static_cast<double>(timer.nsecsElapsed()) / 1e6);
        // Each plot's statistic (a histogram's summary, a scatter's ranges), alone and together,
        // in 64 bins: computed anew (in the trace's 50 bins the plots take the trace's).
        const auto plots = figures::statsPlots(net, figures::defaultStatsModule(net));
        QElapsedTimer all;
        all.start();
        for (const figures::StatsPlot& plot : plots) {
            timer.start();
            const figures::StatsPlotData data = figures::statsPlotData(*traced, plot, 64);
            statistic.push_back(static_cast<double>(timer.nsecsElapsed()) / 1e6);
            if (!data.hist && data.count == 0 && plot.kind != figures::StatsPlotKind::WeightGrad) {
                return {{QStringLiteral("error"), QStringLiteral("a plot without data")}};
            }
        }
        allStatistics.push_back(static_cast<double>(all.nsecsElapsed()) / 1e6);
        // The tab's repaint as the screen shows it: in the trace's 50 bins, and in 64 bins
        // (every histogram summarised again inside the paint).
        window.statsPanel()->bins()->setValue(50);
        view->repaint();
        repaint.push_back(view->lastPaintMs());
        window.statsPanel()->bins()->setValue(64);
        view->repaint();
        repaintBins.push_back(view->lastPaintMs());
    }
    window.statsPanel()->bins()->setValue(50);
    return QJsonObject{
        {QStringLiteral("network"), QStringLiteral("100-200-100-10")},
        {QStringLiteral("samples"), source.samples},
        {QStringLiteral("view"), QStringLiteral("%1x%2").arg(view->width()).arg(view->height())},
        {QStringLiteral("repaints"), repaints},
        {QStringLiteral("trace_ms"), summary(trace)},
        {QStringLiteral("statistic_ms"), summary(statistic)},
        {QStringLiteral("all_statistics_ms"), summary(allStatistics)},
        {QStringLiteral("stats_repaint_ms"), summary(repaint)},
        {QStringLiteral("stats_repaint_64_bins_ms"), summary(repaintBins)},
    };
}

QJsonObject runTrainBench(MainWindow& window, const QString& dataPath, double limitSeconds,
                          double soakSeconds) {
    window.setErrorDialogs(false);
    window.resize(1280, 800);
    window.openPreset(QStringLiteral(":/presets/spiral-2-8-8-8-1.nnlens.json"));
    model::Document& doc = *window.document();
    GridConfig view = doc.network().view;
    view.n = 250;
    doc.setView(view);
    if (dataPath.isEmpty()) {
        window.dataPanel()->generate(QStringLiteral("spiral"), 500, 0.1, 1);
    } else {
        QString error;
        if (!window.dataPanel()->importCsv(dataPath, &error)) return {{"error", error}};
    }
    model::TrainingSettings settings;
    settings.loss = {Loss::Mse, Reduction::Mean};
    settings.optimizer = OptimizerKind::Adam;
    settings.lr = 0.01f;
    settings.batch = 10;
    doc.setTrainingSettings(settings);
    window.show();
    if (!waitForPaint(window, window.requestedGeneration(), 20000)) {
        return {{QStringLiteral("error"), QStringLiteral("the first frame never painted")}};
    }

    model::TrainingController& training = *window.training();
    QElapsedTimer clock;
    std::vector<double> paints;  // ms since Play of each painted map frame
    std::vector<double> lags;    // lateness of the 16 ms timer, ms
    QObject guard;
    QObject::connect(window.graphView(), &widgets::FigureView::framePainted, &guard,
                     [&] { paints.push_back(static_cast<double>(clock.nsecsElapsed()) / 1e6); });
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    double lastTick = 0.0;
    QObject::connect(&tick, &QTimer::timeout, &guard, [&] {
        const double now = static_cast<double>(clock.nsecsElapsed()) / 1e6;
        if (lastTick > 0.0) lags.push_back(std::max(0.0, now - lastTick - 16.0));
        lastTick = now;
    });
    double toTarget = -1.0;
    double accuracy = 0.0;
    double accuracyAtTarget = 0.0;
    QObject::connect(&training, &model::TrainingController::progressed, &guard, [&] {
        const auto snap = training.snapshot();
        if (!snap || !snap->trainAccuracy) return;
        accuracy = *snap->trainAccuracy;
        if (toTarget < 0.0 && accuracy >= 0.95) {
            toTarget = static_cast<double>(clock.nsecsElapsed()) / 1e9;
            accuracyAtTarget = accuracy;
        }
    });

    training.setEpochsPerSecond(0.0);
    const int tracesBefore = window.flowPanel()->traceRequests();
    clock.start();
    tick.start(16);
    if (!training.play()) return {{QStringLiteral("error"), window.lastError()}};
    QTimer heartbeat;
    heartbeat.start(20);
    // Training reaches the target long before a frame rate can be measured (tens of ms), so
    // Play goes on for at least kDrawSeconds: fps, frame intervals and GUI lag are taken over
    // that whole time, while the maps follow the training at full speed.
    const double drawSeconds = std::max(3.0, soakSeconds);
    limitSeconds = std::max(limitSeconds, drawSeconds);
    double rssStart = 0.0;  // after the first second (allocations of the start settle)
    double rssStartAt = 0.0;
    while ((toTarget < 0.0 || static_cast<double>(clock.elapsed()) < drawSeconds * 1000.0) &&
           static_cast<double>(clock.elapsed()) < limitSeconds * 1000.0) {
        QApplication::processEvents(QEventLoop::WaitForMoreEvents);
        if (rssStart == 0.0 && clock.elapsed() >= 1000) {
            rssStart = rssMb();
            rssStartAt = static_cast<double>(clock.nsecsElapsed()) / 1e9;
        }
    }
    const double seconds = static_cast<double>(clock.nsecsElapsed()) / 1e9;
    const double rssEnd = rssMb();
    // Pause, as the button does: from the click to the button's flip (runningChanged).
    QElapsedTimer pauseClock;
    pauseClock.start();
    training.togglePlay();
    const double firstPauseMs = static_cast<double>(pauseClock.nsecsElapsed()) / 1e6;
    tick.stop();
    const auto snap = training.snapshot();
    const std::int64_t steps = snap ? snap->step : 0;
    const int rows = doc.data() ? doc.data()->size() : 0;
    const double epochs = snap ? snap->epoch : 0;
    // Samples trained: whole epochs of the rows plus the running epoch's steps.
    const double samples =
        epochs * rows + (snap ? static_cast<double>(snap->stepInEpoch) * settings.batch : 0.0);

    std::vector<double> intervals;
    for (std::size_t i = 1; i < paints.size(); ++i)
        intervals.push_back(paints[i] - paints[i - 1]);
    QJsonObject result{
        {QStringLiteral("rows"), rows},
        {QStringLiteral("seconds_to_target"),
         toTarget >= 0.0 ? QJsonValue(toTarget) : QJsonValue()},
        {QStringLiteral("seconds"), seconds},
        {QStringLiteral("accuracy"), accuracy},
        {QStringLiteral("accuracy_at_target"),
         toTarget >= 0.0 ? QJsonValue(accuracyAtTarget) : QJsonValue()},
        {QStringLiteral("epochs"), epochs},
        {QStringLiteral("steps"), static_cast<double>(steps)},
        {QStringLiteral("samples_per_s"), seconds > 0 ? samples / seconds : 0.0},
        {QStringLiteral("fps"), seconds > 0 ? static_cast<double>(paints.size()) / seconds : 0.0},
        {QStringLiteral("frame_interval_ms_p90"), percentile(intervals, 0.9)},
        {QStringLiteral("frame_interval_ms_median"), percentile(intervals, 0.5)},
        {QStringLiteral("gui_lag_ms_p99"), percentile(lags, 0.99)},
        {QStringLiteral("gui_lag_ms_max"), percentile(lags, 1.0)},
        {QStringLiteral("pause_ms"), firstPauseMs},
        {QStringLiteral("rss_mb"), rssEnd},
        {QStringLiteral("rss_growth_mb_per_min"),
         seconds > rssStartAt + 0.5 ? (rssEnd - rssStart) / (seconds - rssStartAt) * 60.0
                                    : QJsonValue()},
        {QStringLiteral("backend"), training.service()->backendName()},
        {QStringLiteral("grid"), doc.network().view.n},
        // Data flow traces asked for while its tab was hidden (none should be).
        {QStringLiteral("flow_traces_while_hidden"),
         window.flowPanel()->traceRequests() - tracesBefore},
    };
    // Live changes while it plays: the frames shown in the second after each (Playground's
    // knobs), and Pause five more times (a Play of 0.3 s before each).
    QJsonObject live;
    std::size_t painted = paints.size();
    const auto framesFor = [&](const QString& what, const std::function<void()>& change) {
        change();
        const std::size_t before = paints.size();
        QElapsedTimer t;
        t.start();
        runFor(1000);
        const double fps = static_cast<double>(paints.size() - before) * 1e9 /
                           static_cast<double>(t.nsecsElapsed());
        const auto s = training.snapshot();
        live.insert(what,
                    QJsonObject{{QStringLiteral("fps"), fps},
                                {QStringLiteral("epoch"), s ? s->epoch : 0},
                                {QStringLiteral("batches_per_epoch"), s ? s->batchesPerEpoch : 0}});
    };
    training.play();
    runFor(300);
    framesFor(QStringLiteral("lr"), [&] {
        model::TrainingSettings s = doc.trainingSettings();
        s.lr = 0.003f;
        doc.setTrainingSettings(s);
    });
    framesFor(QStringLiteral("batch"), [&] {
        model::TrainingSettings s = doc.trainingSettings();
        s.batch = 32;
        doc.setTrainingSettings(s);
    });
    framesFor(QStringLiteral("optimizer"), [&] {
        model::TrainingSettings s = doc.trainingSettings();
        s.optimizer = OptimizerKind::Momentum;
        doc.setTrainingSettings(s);
    });
    std::vector<double> pauses{firstPauseMs};
    for (int i = 0; i < 5; ++i) {
        if (!training.playing()) training.play();
        runFor(300);
        QElapsedTimer t;
        t.start();
        training.togglePlay();
        pauses.push_back(static_cast<double>(t.nsecsElapsed()) / 1e6);
    }
    live.insert(QStringLiteral("pause_ms"), summary(pauses));
    live.insert(QStringLiteral("frames"), static_cast<double>(paints.size() - painted));
    result.insert(QStringLiteral("live"), live);
    // Then the same run goes on with the Data flow tab shown.
    result.insert(QStringLiteral("flow_tab"), flowWhileTraining(window, 2.0));
    return result;
}

}  // namespace nnlens::gui
