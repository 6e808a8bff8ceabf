// The activation panel (plot_activations, with a choice of curves) and the softmax panel
// (plot_softmax, with its range and the seed's two presets), and the losses panel (each loss and
// its gradient, with chi2's sigma and the loss to emphasise).
#pragma once

#include <QWidget>

#include <map>

#include "figures/figures.hpp"
#include "model/document.hpp"

class QCheckBox;
class QComboBox;
class QLabel;
class QDoubleSpinBox;

namespace nnlens::widgets {

class FigureView;

class ActivationPanel : public QWidget {
    Q_OBJECT

  public:
    explicit ActivationPanel(model::Document* doc, QWidget* parent = nullptr);
    FigureView* view() const { return m_view; }
    QCheckBox* checkBox(Activation a) const;
    // A lesson's exercise (#20): no highlight of the selected layer's activation, the answer.
    void setHideAnswers(bool hide) {
        m_hideAnswers = hide;
        refresh();
    }

  private:
    void refresh();  // highlight the selected layer's activation

    model::Document* m_doc;
    bool m_hideAnswers = false;
    FigureView* m_view = nullptr;
    std::map<Activation, QCheckBox*> m_boxes;
};

class SoftmaxPanel : public QWidget {
    Q_OBJECT

  public:
    explicit SoftmaxPanel(model::Document* doc, QWidget* parent = nullptr);
    FigureView* view() const { return m_view; }
    void setRange(double lo, double hi);
    // The notebook's per-panel colour scaling (its imshow default) instead of the fixed 0..1.
    QCheckBox* perPanelBox() const { return m_perPanel; }

  private:
    FigureView* m_view = nullptr;
    QCheckBox* m_perPanel = nullptr;
    QDoubleSpinBox* m_lo = nullptr;
    QDoubleSpinBox* m_hi = nullptr;
};

class LossesPanel : public QWidget {
    Q_OBJECT

  public:
    explicit LossesPanel(model::Document* doc, QWidget* parent = nullptr);
    FigureView* view() const { return m_view; }
    QDoubleSpinBox* sigmaBox() const { return m_sigma; }
    QComboBox* highlightBox() const { return m_highlight; }
    // "ce: 3 classes, ...": shown while the ce panel is.
    QLabel* ceNote() const { return m_ceNote; }
    // The panels as the view lays them out now (three at a time where the text floor needs it);
    // showLosses(first) turns to the three from `first`.
    figures::LossesLayout lossesLayout() const;
    void showLosses(int first);

  protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

  private:
    FigureView* m_view = nullptr;
    QDoubleSpinBox* m_sigma = nullptr;
    QComboBox* m_highlight = nullptr;
    QLabel* m_ceNote = nullptr;
    void updateCeNote();
};

}  // namespace nnlens::widgets
