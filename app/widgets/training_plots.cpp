#include "training_plots.hpp"

#include <QAbstractSlider>
#include <QAbstractSpinBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSlider>
#include <QSplitter>
#include <QVBoxLayout>

#include "core/metrics.hpp"
#include "core/trainer.hpp"
#include "figure_view.hpp"
#include "wheel_guard.hpp"

namespace nnlens::widgets {

std::shared_ptr<const figures::LossHistory> lossHistoryOf(const model::TrainingHistory& h) {
    auto out = std::make_shared<figures::LossHistory>();
    out->train = h.trainLoss;
    out->val = h.valLoss;
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
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(QStringLiteral("trainingPlotSplitter"));
    splitter->setChildrenCollapsible(false);
    layout->addWidget(splitter);

    // The loss per epoch, and the timeline under it: scrub back through the run.
    auto* lossPane = new QWidget(splitter);
    auto* lossLayout = new QVBoxLayout(lossPane);
    lossLayout->setContentsMargins(0, 0, 0, 0);
    m_loss = new FigureView(figures::FigureKind::Loss, m_doc, lossPane);
    m_loss->setObjectName(QStringLiteral("lossView"));
    m_loss->setMinimumHeight(160);
    lossLayout->addWidget(m_loss, 1);
    m_timeline = new QSlider(Qt::Horizontal, lossPane);
    m_timeline->setObjectName(QStringLiteral("timelineSlider"));
    m_timeline->setAccessibleName(tr("Timeline: the epoch shown"));
    m_timeline->setToolTip(tr("Show the network as it was at an earlier epoch"));
    m_timeline->setRange(0, 0);
    // The label on its own line above the slider: "Epoch 113162 of 250000" whole, and the
    // slider the dock's width (#20: beside it, the label was cut).
    m_timelineLabel = new QLabel(tr("Epoch 0"), lossPane);
    m_timelineLabel->setObjectName(QStringLiteral("timelineLabel"));
    m_timelineLabel->setBuddy(m_timeline);
    lossLayout->addWidget(m_timelineLabel);
    lossLayout->addWidget(m_timeline);
    m_continue = new QPushButton(tr("Continue from here"), lossPane);
    m_continue->setObjectName(QStringLiteral("continueButton"));
    m_continue->setToolTip(tr("Train on from the epoch shown; the later epochs are dropped"));
    m_continue->setEnabled(false);
    lossLayout->addWidget(m_continue);
    splitter->addWidget(lossPane);

    // The fit plot: targets and predictions, for regression data.
    m_fitPane = new QWidget(splitter);
    auto* fitLayout = new QVBoxLayout(m_fitPane);
    fitLayout->setContentsMargins(0, 0, 0, 0);
    auto* columnRow = new QHBoxLayout;
    auto* columnLabel = new QLabel(tr("Fit against"), m_fitPane);
    m_fitColumn = new QComboBox(m_fitPane);
    m_fitColumn->setObjectName(QStringLiteral("fitColumn"));
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
    // The fit plot the larger: its curve is what a regression lesson watches, while the loss pane
    // also holds the timeline's rows.
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);

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
    m_timelineLabel->setText(shown >= 0 ? tr("Epoch %1 of %2").arg(shown).arg(last)
                                        : tr("Epoch %1").arg(last));
    m_continue->setEnabled(shown >= 0 && shown < last);
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
    m_fitPane->setVisible(regression);
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
