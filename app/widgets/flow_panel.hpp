// The Data flow tab: the seed's torch.nn.Sequential modules with the shapes trace(net) prints,
// traced live on the document's data or on random normal inputs, and the controls that choose
// them (data, N, seed, loss scale). Clicking a module box selects it.
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
    // What the trace ran on, for the export: the options of `nnlens-cli render --figure flow`.
    figures::FlowSource source() const;
    // The controls (tests drive them).
    QComboBox* dataChoice() const { return m_data; }
    QSpinBox* samples() const { return m_samples; }
    QSpinBox* seed() const { return m_seed; }
    QDoubleSpinBox* lossScale() const { return m_scale; }
    // The last trace (null when it failed: status() says why).
    std::shared_ptr<const ModuleTrace> trace() const;
    QString status() const;

  signals:
    void moduleChanged(int module);
    // After every retrace (trace() and status() are new; the Statistics tab draws this trace).
    void traced();

  protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

  private:
    void retrace();
    void networkShapeMaybeChanged();

    model::Document* m_doc;
    FigureView* m_view = nullptr;
    QComboBox* m_data = nullptr;
    QSpinBox* m_samples = nullptr;
    QSpinBox* m_seed = nullptr;
    QDoubleSpinBox* m_scale = nullptr;
    QLabel* m_status = nullptr;
    int m_inputs = -1;  // the network's inputs the N default was chosen for
};

}  // namespace nnlens::widgets
