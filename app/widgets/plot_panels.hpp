// The activation panel (plot_activations, with a choice of curves) and the softmax panel
// (plot_softmax, with its range and the seed's two presets).
#pragma once

#include <QWidget>

#include <map>

#include "model/document.hpp"

class QCheckBox;
class QDoubleSpinBox;

namespace nnlens::widgets {

class FigureView;

class ActivationPanel : public QWidget {
    Q_OBJECT

  public:
    explicit ActivationPanel(model::Document* doc, QWidget* parent = nullptr);
    FigureView* view() const { return m_view; }
    QCheckBox* checkBox(Activation a) const;

  private:
    void refresh();  // highlight the selected layer's activation

    model::Document* m_doc;
    FigureView* m_view = nullptr;
    std::map<Activation, QCheckBox*> m_boxes;
};

class SoftmaxPanel : public QWidget {
    Q_OBJECT

  public:
    explicit SoftmaxPanel(model::Document* doc, QWidget* parent = nullptr);
    FigureView* view() const { return m_view; }
    void setRange(double lo, double hi);

  private:
    FigureView* m_view = nullptr;
    QDoubleSpinBox* m_lo = nullptr;
    QDoubleSpinBox* m_hi = nullptr;
};

}  // namespace nnlens::widgets
