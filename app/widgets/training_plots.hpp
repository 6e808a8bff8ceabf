// TrainingPlots: the Training dock's figures under its controls: the loss per epoch (log y,
// hover for the values) with the timeline slider and "Continue from here" under it, and, for
// regression data, the fit plot (targets and predictions against the row order or a column, the
// notebook's sin(t)cos(t) figure), in a splitter so that both show while the network learns.
// Where the dock is too short for both at a readable size (presentation mode on a projector), one
// at a time under a Loss / Fit tab bar, the fit first (#20: its axes were 55 px high).
#pragma once

#include <QWidget>

#include "figures/figures.hpp"
#include "model/document.hpp"
#include "model/training_controller.hpp"

class QComboBox;
class QLabel;
class QPushButton;
class QSlider;
class QSplitter;
class QTabBar;

namespace nnlens::widgets {

class FigureView;

// The run's history as the loss figure draws it (the curves and the changes' marks).
std::shared_ptr<const figures::LossHistory> lossHistoryOf(const model::TrainingHistory& h);

class TrainingPlots : public QWidget {
    Q_OBJECT

  public:
    TrainingPlots(model::Document* doc, model::TrainingController* training,
                  QWidget* parent = nullptr);

    FigureView* lossView() const { return m_loss; }
    FigureView* fitView() const { return m_fit; }
    // The fit plot's x axis: "" for the row order, else an input or extra column ("x1", "t").
    QString fitColumn() const;
    // Both plots at once (else one at a time under the tab bar); the fit plot is wanted.
    bool bothShown() const;
    bool fitWanted() const { return m_fitWanted; }
    QTabBar* plotTabs() const { return m_plotTabs; }
    // The height at which both plots show at a readable size (the timeline's rows included).
    int bothHeight() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

  protected:
    void resizeEvent(QResizeEvent* event) override;
    bool event(QEvent* event) override;

  private:
    // Both plots, or the tab's one, for the height there is.
    void updatePlotMode();
    // The timeline label's row: as tall as "Continue from here" beside it, shown or not.
    int timelineRowHeight() const;
    void updateTimeline();
    void updateLoss();
    // The fit plot follows the data: shown for regression data only, its column choices are
    // the data's inputs and extra columns (t first when the data have it, as the notebook plots).
    void updateFitData();

    model::Document* m_doc;
    model::TrainingController* m_training;
    FigureView* m_loss = nullptr;
    QSlider* m_timeline = nullptr;
    QLabel* m_timelineLabel = nullptr;
    QPushButton* m_continue = nullptr;
    QWidget* m_fitPane = nullptr;
    QTabBar* m_plotTabs = nullptr;
    QSplitter* m_splitter = nullptr;
    bool m_splitChosen = false;  // the user dragged the handle: the split stays theirs
    int m_splitRoom = -1;        // the splitter's height the 2 : 3 split was made for
    bool m_fitWanted = false;
    FigureView* m_fit = nullptr;
    QComboBox* m_fitColumn = nullptr;
};

}  // namespace nnlens::widgets
