// The Data flow tab: the seed's torch.nn.Sequential modules with the shapes trace(net) prints,
// traced live on the document's data or on random normal inputs, and the controls that choose
// them (data, N, seed, loss scale). Clicking a module box selects it. Traces run on a worker
// (model::FlowService), only while the tab is visible; a change made while it is hidden is
// traced once when it shows.
#pragma once

#include <QString>
#include <QWidget>

#include <memory>

#include "figures/figures.hpp"
#include "model/document.hpp"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;

namespace nnlens::model {
class FlowService;
struct FlowFrame;
}  // namespace nnlens::model

namespace nnlens::widgets {

class FigureView;

class FlowPanel : public QWidget {
    Q_OBJECT

  public:
    explicit FlowPanel(model::Document* doc, QWidget* parent = nullptr);
    FigureView* view() const { return m_view; }

    // The selected module (0-based, as print(net) numbers them).
    int module() const;
    void setModule(int module);
    // The selected module's tensors from `first` (where the floor shows fewer than all), and
    // where the figure puts its modules and the tensors' pager.
    void showTensors(int first);
    figures::FlowLayout flowLayout() const;
    // What the trace ran on, for the export: the options of `nnlens-cli render --figure flow`.
    figures::FlowSource source() const;
    // The controls (tests drive them).
    QComboBox* dataChoice() const { return m_data; }
    QSpinBox* samples() const { return m_samples; }
    QSpinBox* seed() const { return m_seed; }
    QDoubleSpinBox* lossScale() const { return m_scale; }
    // The last trace shown (null when it failed: status() says why).
    std::shared_ptr<const ModuleTrace> trace() const;
    QString status() const;
    // Traces now when the shown trace is out of date (even while the tab is hidden: the export
    // needs it) and waits until it is shown; false when it did not finish within `timeoutMs`.
    bool waitForTrace(int timeoutMs = 10000);
    // Another view of this trace is shown (the Statistics tab) or hidden: while one is, the
    // trace follows the network as it does while this tab is shown.
    void setWatched(bool on);
    // Traces asked of the worker so far (none while the tab is hidden).
    int traceRequests() const { return m_traceRequests; }

  signals:
    void moduleChanged(int module);
    // A new trace is shown (the worker's time for it).
    void traceShown(double traceMs);
    // After every retrace (trace() and status() are new; the Statistics tab draws this trace).
    void traced();

  protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void showEvent(QShowEvent* event) override;

  private:
    void retrace();
    void requestTrace();
    void showTrace(const std::shared_ptr<const model::FlowFrame>& frame);
    void networkShapeMaybeChanged();

    model::Document* m_doc;
    int m_watchers = 0;  // other views of the trace that are shown
    FigureView* m_view = nullptr;
    QComboBox* m_data = nullptr;
    QSpinBox* m_samples = nullptr;
    QSpinBox* m_seed = nullptr;
    QDoubleSpinBox* m_scale = nullptr;
    QLabel* m_status = nullptr;
    int m_inputs = -1;  // the network's inputs the N default was chosen for
    model::FlowService* m_service = nullptr;
    bool m_stale = true;            // changed since the last request (made while hidden)
    std::uint64_t m_requested = 0;  // the newest request's generation
    std::uint64_t m_shown = 0;      // the generation of the trace shown
    int m_requestedSamples = 100;   // the newest request's N
    QString m_requestedStatus;      // what the status line says once it is shown
    int m_traceRequests = 0;
};

}  // namespace nnlens::widgets
