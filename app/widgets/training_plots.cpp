#include "training_plots.hpp"

#include <QAbstractSlider>
#include <QAbstractSpinBox>
#include <QComboBox>
#include <QEvent>
#include <QFontMetricsF>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSlider>
#include <QSplitter>
#include <QStyle>
#include <QTabBar>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "core/metrics.hpp"
#include "core/trainer.hpp"
#include "figure_view.hpp"
#include "wheel_guard.hpp"

namespace nnlens::widgets {

std::shared_ptr<const figures::LossHistory> lossHistoryOf(const model::TrainingHistory& h) {
    auto out = std::make_shared<figures::LossHistory>();
    out->train = h.trainLoss;
    out->val = h.valLoss;
    out->penalty = h.penalty;
    out->changes.reserve(h.changes.size());
    for (const model::RunChange& c : h.changes)
        out->changes.push_back({c.epoch, c.text});
    return out;
}

TrainingPlots::TrainingPlots(model::Document* doc, model::TrainingController* training,
                             QWidget* parent)
    : QWidget(parent), m_doc(doc), m_training(training) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    // One plot at a time where the dock is short: the tab names the one shown.
    m_plotTabs = new QTabBar(this);
    m_plotTabs->setObjectName(QStringLiteral("trainingPlotTabs"));
    m_plotTabs->setAccessibleName(tr("Training plot shown"));
    m_plotTabs->addTab(tr("Fit"));
    m_plotTabs->addTab(tr("Loss"));
    m_plotTabs->setTabToolTip(0, tr("Targets and predictions (the dock is too short for both)"));
    m_plotTabs->setTabToolTip(1, tr("The loss per epoch (the dock is too short for both)"));
    m_plotTabs->setExpanding(true);
    m_plotTabs->setDrawBase(false);
    m_plotTabs->setVisible(false);
    layout->addWidget(m_plotTabs);
    auto* splitter = new QSplitter(Qt::Vertical, this);
    m_splitter = splitter;
    splitter->setObjectName(QStringLiteral("trainingPlotSplitter"));
    splitter->setChildrenCollapsible(false);
    layout->addWidget(splitter, 1);

    // The loss per epoch.
    m_loss = new FigureView(figures::FigureKind::Loss, m_doc, splitter);
    m_loss->setObjectName(QStringLiteral("lossView"));
    m_loss->setMinimumHeight(160);
    splitter->addWidget(m_loss);

    // The fit plot: targets and predictions, for regression data.
    m_fitPane = new QWidget(splitter);
    auto* fitLayout = new QVBoxLayout(m_fitPane);
    fitLayout->setContentsMargins(0, 0, 0, 0);
    auto* columnRow = new QHBoxLayout;
    auto* columnLabel = new QLabel(tr("Fit against"), m_fitPane);
    m_fitColumn = new QComboBox(m_fitPane);
    m_fitColumn->setObjectName(QStringLiteral("fitColumn"));
    m_fitColumn->setAccessibleName(tr("Fit against"));
    m_fitColumn->setToolTip(tr("The x axis of the fit plot: the row order or a column"));
    columnLabel->setBuddy(m_fitColumn);
    columnRow->addWidget(columnLabel);
    columnRow->addWidget(m_fitColumn, 1);
    fitLayout->addLayout(columnRow);
    m_fit = new FigureView(figures::FigureKind::Fit, m_doc, m_fitPane);
    m_fit->setObjectName(QStringLiteral("fitView"));
    m_fit->setMinimumHeight(160);
    fitLayout->addWidget(m_fit, 1);
    splitter->addWidget(m_fitPane);
    // The fit plot the larger: its curve is what a regression lesson watches.
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    connect(splitter, &QSplitter::splitterMoved, this, [this] { m_splitChosen = true; });

    // The timeline under both plots, shown whichever plot is: scrub back through the run. The
    // label on its own line above the slider: "Epoch 113162 of 250000" whole, and the slider the
    // dock's width (#20: beside it, the label was cut).
    m_timeline = new QSlider(Qt::Horizontal, this);
    m_timeline->setObjectName(QStringLiteral("timelineSlider"));
    m_timeline->setAccessibleName(tr("Timeline: the epoch shown"));
    m_timeline->setToolTip(tr("Show the network as it was at an earlier epoch"));
    m_timeline->setRange(0, 0);
    m_timelineLabel = new QLabel(tr("Epoch 0"), this);
    m_timelineLabel->setObjectName(QStringLiteral("timelineLabel"));
    m_timelineLabel->setBuddy(m_timeline);
    // The label and, while an earlier epoch is shown, Continue from here on one row above the
    // slider: the button takes no row of its own (#20, walk 6: in presentation mode at 1280 x 800
    // its row made the Training dock scroll, the button cut at the dock's edge).
    auto* timelineRow = new QHBoxLayout;
    timelineRow->setContentsMargins(0, 0, 0, 0);
    timelineRow->addWidget(m_timelineLabel, 1);
    layout->addLayout(timelineRow);
    layout->addWidget(m_timeline);
    m_continue = new QPushButton(tr("Continue from here"), this);
    m_continue->setObjectName(QStringLiteral("continueButton"));
    m_continue->setToolTip(tr("Train on from the epoch shown; the later epochs are dropped"));
    // Shown while an earlier epoch is shown, the only time it does something (#20: at 1280 x 800
    // in presentation mode the disabled button hung under the dock's edge); the label's row keeps
    // its height either way (timelineRowHeight).
    m_continue->setEnabled(false);
    m_continue->setVisible(false);
    timelineRow->addWidget(m_continue);
    connect(m_plotTabs, &QTabBar::currentChanged, this, [this] { updatePlotMode(); });

    connect(m_timeline, &QSlider::valueChanged, this, [this](int epoch) {
        if (m_timeline->signalsBlocked()) return;
        m_training->showEpoch(epoch);
    });
    connect(m_continue, &QPushButton::clicked, this, [this] { m_training->continueFromShown(); });
    connect(m_training, &model::TrainingController::progressed, this, [this] {
        updateTimeline();
        updateLoss();
    });
    connect(m_fitColumn, &QComboBox::currentIndexChanged, this, [this] {
        figures::FigureOptions opt = m_fit->options();
        opt.fitColumn = fitColumn().toStdString();
        m_fit->setOptions(opt);
    });
    connect(m_doc, &model::Document::dataChanged, this, [this] { updateFitData(); });
    // The wheel scrolls the dock until a control is clicked (WheelGuard).
    for (QWidget* control : findChildren<QWidget*>()) {
        if (qobject_cast<QAbstractSlider*>(control) || qobject_cast<QAbstractSpinBox*>(control) ||
            qobject_cast<QComboBox*>(control))
            WheelGuard::guard(control);
    }
    connect(m_doc, &model::Document::trainingSettingsChanged, this, [this] { updateFitData(); });
    updateFitData();
}

bool TrainingPlots::bothShown() const {
    return !m_plotTabs->isVisibleTo(this);
}

int TrainingPlots::bothHeight() const {
    // Each plot's axes at least five lines of its tick text: the fit plot has its legend's rows
    // above them and its ticks and label below (11 lines), the loss plot its ticks (9 lines).
    const double line = QFontMetricsF(m_fit->options().style.font(10.0)).height();
    const int loss = std::max(m_loss->minimumHeight(), static_cast<int>(std::ceil(9.0 * line)));
    int height = loss;
    if (m_fitWanted) {
        const int fit = std::max(m_fit->minimumHeight(), static_cast<int>(std::ceil(11.0 * line)));
        height += fit + m_fitColumn->sizeHint().height() + m_fitPane->layout()->spacing() +
                  style()->pixelMetric(QStyle::PM_SplitterWidth, nullptr, this);
    }
    // The timeline's rows.
    const int spacing = layout()->spacing();
    return height + timelineRowHeight() + m_timeline->sizeHint().height() + 2 * spacing;
}

int TrainingPlots::timelineRowHeight() const {
    // The label's row is as tall as Continue from here whether the button shows or not, so that
    // showing it moves nothing and needs no room the dock does not have (#20, walk 6: its own row
    // made the Training dock scroll in presentation mode at 1280 x 800).
    return std::max(m_timelineLabel->sizeHint().height(), m_continue->sizeHint().height());
}

QSize TrainingPlots::sizeHint() const {
    return {QWidget::sizeHint().width(), bothHeight()};
}

QSize TrainingPlots::minimumSizeHint() const {
    // One plot under the tab bar: the least this needs; both show from bothHeight() on.
    QSize size = QWidget::minimumSizeHint();
    if (!m_fitWanted) return size;
    const int spacing = layout()->spacing();
    const int one = std::max(
        m_loss->minimumHeight(),
        m_fit->minimumHeight() + m_fitColumn->sizeHint().height() + m_fitPane->layout()->spacing());
    size.setHeight(m_plotTabs->sizeHint().height() + one + timelineRowHeight() +
                   m_timeline->sizeHint().height() + 3 * spacing);
    return size;
}

void TrainingPlots::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    updatePlotMode();
}

bool TrainingPlots::event(QEvent* event) {
    const bool handled = QWidget::event(event);
    // Presentation mode's text: the plots' least heights change.
    if (event->type() == QEvent::FontChange || event->type() == QEvent::Show ||
        event->type() == QEvent::LayoutRequest) {
        if (const int h = timelineRowHeight(); m_timelineLabel->minimumHeight() != h)
            m_timelineLabel->setMinimumHeight(h);
        updatePlotMode();
        updateGeometry();
    }
    return handled;
}

void TrainingPlots::updatePlotMode() {
    const bool both = !m_fitWanted || height() >= bothHeight();
    m_plotTabs->setVisible(!both);
    m_loss->setVisible(both || m_plotTabs->currentIndex() == 1);
    m_fitPane->setVisible(m_fitWanted && (both || m_plotTabs->currentIndex() == 0));
    // Two fifths to the loss, three to the fit (the splitter's stretch only shares what the
    // plots' preferred sizes leave), until the user drags the handle.
    // Once per height: this runs on every layout request (the timeline's label changes with each
    // epoch a run shows).
    const int room = m_splitter->height() - m_splitter->handleWidth();
    if (!both || !m_fitWanted) {
        m_splitRoom = -1;  // the split is made again when both show
    } else if (!m_splitChosen && room > 0 && room != m_splitRoom) {
        m_splitRoom = room;
        m_splitter->setSizes({room * 2 / 5, room - room * 2 / 5});
    }
}

QString TrainingPlots::fitColumn() const {
    return m_fitColumn->currentData().toString();
}

void TrainingPlots::updateTimeline() {
    const auto snap = m_training->snapshot();
    const int last = snap ? snap->epoch : 0;
    const int shown = m_training->shownEpoch();
    const QSignalBlocker block(m_timeline);
    m_timeline->setRange(0, last);
    m_timeline->setValue(shown >= 0 ? shown : last);
    const bool scrubbing = shown >= 0 && shown < last;
    // Beside the button, "of N" where the row has room for it.
    QString text =
        shown >= 0 ? tr("Epoch %1 of %2").arg(shown).arg(last) : tr("Epoch %1").arg(last);
    if (scrubbing && m_timelineLabel->fontMetrics().horizontalAdvance(text) +
                             m_continue->sizeHint().width() + layout()->spacing() >
                         contentsRect().width())
        text = tr("Epoch %1").arg(shown);
    m_timelineLabel->setText(text);
    m_continue->setEnabled(scrubbing);
    if (m_continue->isHidden() == scrubbing) m_continue->setVisible(scrubbing);
}

void TrainingPlots::updateLoss() {
    figures::FigureOptions opt = m_loss->options();
    opt.history = lossHistoryOf(m_training->service()->history());
    opt.markEpoch.reset();
    if (m_training->shownEpoch() > 0) opt.markEpoch = m_training->shownEpoch();
    m_loss->setOptions(opt);
}

void TrainingPlots::updateFitData() {
    const std::shared_ptr<const Dataset> rows = m_doc->data();
    const bool regression = rows && rows->size() > 0 && rows->targets() > 0 &&
                            rows->inputs() == m_doc->network().inputs && !isClassification(*rows);
    m_fitWanted = regression;
    updatePlotMode();
    // The choices: t (and any other extra column) first, as the notebook plots against t.
    QStringList columns;
    if (rows) {
        for (const std::string& name : rows->extraNames)
            columns << QString::fromStdString(name);
        for (int k = 0; k < rows->inputs(); ++k)
            columns << QStringLiteral("x%1").arg(k + 1);
    }
    QStringList current;
    for (int i = 0; i < m_fitColumn->count(); ++i)
        current << m_fitColumn->itemData(i).toString();
    if (current != QStringList{QString()} + columns) {
        const QString keep = fitColumn();
        const QSignalBlocker block(m_fitColumn);
        m_fitColumn->clear();
        m_fitColumn->addItem(tr("row order"), QString());
        for (const QString& c : columns)
            m_fitColumn->addItem(c, c);
        const int again = m_fitColumn->findData(keep);
        const bool hasExtra = rows && !rows->extraNames.empty();
        m_fitColumn->setCurrentIndex(again > 0 ? again : (hasExtra ? 1 : 0));
    }
    figures::FigureOptions opt = m_fit->options();
    opt.data = regression ? rows : nullptr;
    opt.trainRows = rows ? trainingRows(rows->size(), m_doc->trainingSettings().valSplit) : -1;
    opt.fitColumn = fitColumn().toStdString();
    m_fit->setOptions(opt);
}

}  // namespace nnlens::widgets
