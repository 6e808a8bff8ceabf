// GUI bench: drives the real slider and waits for the real repaint; prints what a user feels.
#include "gui_bench.hpp"

#include <QApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QSlider>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <vector>

#include "main_window.hpp"
#include "widgets/figure_view.hpp"
#include "widgets/inspector.hpp"

namespace nnlens::gui {

namespace {

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

}  // namespace

QJsonObject runGuiBench(MainWindow& window, int frames) {
    window.setErrorDialogs(false);
    window.openPreset(QStringLiteral(":/presets/spiral-2-8-8-8-1.nnlens.json"));
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
    return QJsonObject{
        {QStringLiteral("network"), shape.join(QLatin1Char('-'))},
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
}

}  // namespace nnlens::gui
