// The Statistics tab: the notebook's statistical perspective (stats_figure) of the Data flow
// tab's trace, so both tabs show the same tensors. Its data, N, seed and loss-scale controls are
// the Data flow tab's, mirrored both ways; bins and the W-vs-dW module are its own. A right click
// on a plot exports that plot alone; File > Export exports the page.
#pragma once

#include <QImage>
#include <QString>
#include <QWidget>

#include "figures/figures.hpp"
#include "figures/stats_figure.hpp"
#include "model/document.hpp"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;

namespace nnlens::widgets {

class FigureView;
class FlowPanel;

class StatsPanel : public QWidget {
    Q_OBJECT

  public:
    StatsPanel(model::Document* doc, FlowPanel* flow, QWidget* parent = nullptr);
    FigureView* view() const { return m_view; }

    // The controls (tests drive them).
    QSpinBox* bins() const { return m_bins; }
    QComboBox* moduleChoice() const { return m_module; }  // the Linear modules, data: the index
    QComboBox* dataChoice() const { return m_data; }
    QSpinBox* samples() const { return m_samples; }
    QSpinBox* seed() const { return m_seed; }
    QDoubleSpinBox* lossScale() const { return m_scale; }
    QString status() const;

    // The Linear module whose W against dW is drawn.
    int module() const;
    void setModule(int module);

    // The page as the view lays it out now: where the text floor shows fewer plots than there
    // are, which ones and the "◀" / "▶" marks; showPlots(first) turns to plots from `first`.
    figures::StatsLayout statsLayout() const;
    void showPlots(int first);

    // The plot under `pos` in the view (-1: none), and one plot alone as an image: what the
    // context menu's export writes.
    int plotAt(QPointF pos) const;
    QImage plotImage(int plot, QSize size, const figures::FigureStyle& style) const;
    // Saves plot `plot` at `size` as PNG (no dialog); false with `error` set on failure.
    bool exportPlot(int plot, QSize size, const figures::FigureStyle& style, const QString& path,
                    QString* error) const;

  protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    // While shown, the flow's trace follows the network (it traces only for shown views).
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

  private:
    void followTrace();
    void refillModules();
    void showPlotMenu(QPoint globalPos, int plot);
    void plotExportDialog(int plot);

    model::Document* m_doc;
    FlowPanel* m_flow;
    FigureView* m_view = nullptr;
    QSpinBox* m_bins = nullptr;
    QComboBox* m_module = nullptr;
    QComboBox* m_data = nullptr;
    QSpinBox* m_samples = nullptr;
    QSpinBox* m_seed = nullptr;
    QDoubleSpinBox* m_scale = nullptr;
    QLabel* m_status = nullptr;
};

}  // namespace nnlens::widgets
