// TrainingPanel: controls and figures of the Training dock.
#include "training_panel.hpp"

#include <QAbstractSlider>
#include <QAbstractSpinBox>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

#include "core/backward.hpp"
#include "core/error.hpp"
#include "core/loss.hpp"
#include "core/optimizer.hpp"
#include "text/number_text.hpp"
#include "wheel_guard.hpp"

namespace nnlens::widgets {

namespace {

// Learning rate slider: 1e-5 .. 1 in 100 steps per decade... 20 per decade is enough to drag.
constexpr int kLrStepsPerDecade = 20;

// The learning rate as the file and --lr have it: any float > 0 up to 1e30, shown with a
// float's digits ("1e-09", "0.01"), typed in plain or scientific notation; the arrows step by a
// twentieth of a decade, as the slider does. (QDoubleSpinBox rounds its value to its decimals:
// 6 turned a lesson's 1e-9 into 0.000001.)
class RateSpinBox : public QDoubleSpinBox {
  public:
    explicit RateSpinBox(QWidget* parent) : QDoubleSpinBox(parent) {
        setDecimals(60);  // no rounding of the value down to the smallest float
        setRange(static_cast<double>(std::numeric_limits<float>::denorm_min()), 1e30);
        // A typed rate takes effect when it is complete (Enter or leaving the box), not per key.
        setKeyboardTracking(false);
    }
    QString textFromValue(double v) const override {
        return QString::number(static_cast<float>(v), 'g', 7);
    }
    double valueFromText(const QString& text) const override { return text.trimmed().toDouble(); }
    QValidator::State validate(QString& text, int&) const override {
        const QString t = text.trimmed();
        bool ok = false;
        const double v = t.toDouble(&ok);
        if (ok && static_cast<float>(v) > 0.0f) {
            return v >= minimum() && v <= maximum() ? QValidator::Acceptable
                                                    : QValidator::Intermediate;
        }
        static const QRegularExpression partial(
            QStringLiteral("^[0-9]*\\.?[0-9]*([eE][-+]?[0-9]*)?$"));
        return partial.match(t).hasMatch() ? QValidator::Intermediate : QValidator::Invalid;
    }
    void stepBy(int steps) override {
        setValue(std::clamp(value() * std::pow(10.0, steps / double(kLrStepsPerDecade)), minimum(),
                            maximum()));
    }
};
constexpr double kLrMinExp = -5.0;
constexpr double kLrMaxExp = 1.0;

int lrToSlider(double lr) {
    return static_cast<int>(std::lround((std::log10(lr) - kLrMinExp) * kLrStepsPerDecade));
}

QString number(double v) {
    return QString::fromStdString(text::formatNumber(v, 4));
}

}  // namespace

double TrainingPanel::speedRate(int position) {
    static constexpr std::array<double, kSpeedSteps> rates{1, 2, 5, 10, 20, 50, 100, 200, 500, 0};
    return rates[static_cast<std::size_t>(std::clamp(position, 0, kSpeedSteps - 1))];
}

int TrainingPanel::watchableSpeed(int epochs) {
    // The run spread over about kWatchSeconds: long enough to watch the maps take shape in a
    // lecture, short enough to keep the room (the step nearest in ratio; full speed past 500/s).
    int best = kSpeedSteps - 1;
    double bestDistance = INFINITY;
    for (int i = 0; i < kSpeedSteps - 1; ++i) {
        const double seconds = std::max(1, epochs) / speedRate(i);
        const double distance = std::abs(std::log(seconds / kWatchSeconds));
        if (distance < bestDistance) {
            bestDistance = distance;
            best = i;
        }
    }
    return bestDistance < std::log(2.0) ? best : kSpeedSteps - 1;
}

TrainingPanel::TrainingPanel(model::Document* doc, model::TrainingController* training,
                             QWidget* parent)
    : QWidget(parent), m_doc(doc), m_training(training) {
    auto* layout = new QVBoxLayout(this);

    // Two rows of two: the four buttons fit a narrow dock at a projector's text size (#20).
    auto* buttons = new QGridLayout;
    m_play = new QPushButton(tr("Play"), this);
    setObjectName(QStringLiteral("trainingPanel"));
    m_play->setObjectName(QStringLiteral("playButton"));
    m_play->setToolTip(tr("Train until paused (Space)"));
    m_play->setAccessibleName(tr("Play"));
    m_step = new QPushButton(tr("Step"), this);
    m_step->setObjectName(QStringLiteral("stepButton"));
    m_step->setToolTip(tr("One minibatch"));
    m_epoch = new QPushButton(tr("Epoch"), this);
    m_epoch->setObjectName(QStringLiteral("epochButton"));
    m_epoch->setToolTip(tr("One pass over the training rows"));
    m_reset = new QPushButton(tr("Reset"), this);
    m_reset->setObjectName(QStringLiteral("resetButton"));
    m_reset->setToolTip(
        tr("Re-initialise every parameter with the seed (PyTorch's default rule) and forget the "
           "run"));
    buttons->addWidget(m_play, 0, 0);
    buttons->addWidget(m_step, 0, 1);
    buttons->addWidget(m_epoch, 1, 0);
    buttons->addWidget(m_reset, 1, 1);
    layout->addLayout(buttons);

    auto* speedRow = new QHBoxLayout;
    m_speed = new QSlider(Qt::Horizontal, this);
    m_speed->setObjectName(QStringLiteral("speedSlider"));
    m_speed->setRange(0, kSpeedSteps - 1);
    m_speed->setValue(kSpeedSteps - 1);
    m_speed->setAccessibleName(tr("Training speed"));
    m_speed->setToolTip(tr("Epochs per second while playing; the right end is full speed"));
    m_speedLabel = new QLabel(this);
    m_speedLabel->setMinimumWidth(90);
    auto* speedName = new QLabel(tr("Speed"), this);
    speedName->setBuddy(m_speed);
    speedRow->addWidget(speedName);
    speedRow->addWidget(m_speed, 1);
    speedRow->addWidget(m_speedLabel);
    layout->addLayout(speedRow);

    // A lesson's Play trains its epochs and pauses: how far this Play has come.
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("playProgress"));
    m_progress->setAccessibleName(tr("Training progress"));
    m_progress->setTextVisible(true);
    m_progress->setVisible(false);
    layout->addWidget(m_progress);

    // The settings under a toggle that folds them into one line ("Settings: mse, adam, lr
    // 0.001"): where the dock is too short for them and the plots (1280 x 800, #20: the fit plot
    // was 188 px below the dock's edge), they fold by themselves until the user chooses.
    m_settingsToggle = new QToolButton(this);
    m_settingsToggle->setObjectName(QStringLiteral("trainingSettingsToggle"));
    m_settingsToggle->setAccessibleName(tr("Training settings"));
    m_settingsToggle->setCheckable(true);
    m_settingsToggle->setChecked(true);
    m_settingsToggle->setAutoRaise(true);
    m_settingsToggle->setToolButtonStyle(Qt::ToolButtonTextOnly);  // its arrow in the text
    m_settingsToggle->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    layout->addWidget(m_settingsToggle);
    m_settings = new QWidget(this);
    m_settings->setObjectName(QStringLiteral("trainingSettings"));
    auto* form = new QFormLayout(m_settings);
    form->setContentsMargins(0, 0, 0, 0);
    // A label above its field where the dock is too narrow for both on a line (presentation
    // mode's text in a third of the screen scrolled the dock sideways).
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    m_loss = new QComboBox(this);
    m_loss->setObjectName(QStringLiteral("lossCombo"));
    for (const LossInfo& info : kLosses) {
        m_loss->addItem(QString::fromUtf8(info.name.data(), qsizetype(info.name.size())),
                        static_cast<int>(info.id));
        m_loss->setItemData(m_loss->count() - 1,
                            QString::fromUtf8(info.formula.data(), qsizetype(info.formula.size())),
                            Qt::ToolTipRole);
    }
    m_lossReason = new QLabel(this);
    m_lossReason->setWordWrap(true);
    m_lossReason->setObjectName(QStringLiteral("lossReason"));
    m_loss->setAccessibleName(tr("Loss"));
    m_optimizer = new QComboBox(this);
    m_optimizer->setObjectName(QStringLiteral("optimizerCombo"));
    m_optimizer->setAccessibleName(tr("Optimizer"));
    for (const OptimizerInfo& info : kOptimizers) {
        m_optimizer->addItem(QString::fromUtf8(info.name.data(), qsizetype(info.name.size())),
                             static_cast<int>(info.id));
    }
    auto* lrRow = new QHBoxLayout;
    m_lrSlider = new QSlider(Qt::Horizontal, this);
    m_lrSlider->setRange(0, static_cast<int>((kLrMaxExp - kLrMinExp) * kLrStepsPerDecade));
    m_lrSlider->setObjectName(QStringLiteral("lrSlider"));
    m_lrSlider->setToolTip(tr("Learning rate, logarithmic: 1e-5 to 1"));
    m_lrSlider->setAccessibleName(tr("Learning rate slider"));
    m_lr = new RateSpinBox(this);
    m_lr->setObjectName(QStringLiteral("lrSpin"));
    m_lr->setAccessibleName(tr("Learning rate"));
    m_lr->setToolTip(
        tr("Learning rate: > 0 and at most 1e30 (spec section 6); arrows step by "
           "a twentieth of a decade"));
    m_lrScan = new QPushButton(tr("LR scan…"), this);
    m_lrScan->setObjectName(QStringLiteral("lrScanButton"));
    m_lrScan->setToolTip(tr("The notebook's learning-rate scan on this network and data"));
    m_lrScan->setAccessibleName(tr("Learning-rate scan"));
    // The rate and the scan on the form's row, the slider under them the dock's width (beside
    // them it shrank to a stub, #20).
    lrRow->addWidget(m_lr, 1);
    lrRow->addWidget(m_lrScan);
    m_batch = new QSpinBox(this);
    m_batch->setObjectName(QStringLiteral("batchSpin"));
    m_batch->setAccessibleName(tr("Batch size"));
    m_batch->setRange(1, std::numeric_limits<int>::max());  // as train --batch
    m_batch->setKeyboardTracking(false);
    m_epochsPerPlay = new QSpinBox(this);
    m_epochsPerPlay->setObjectName(QStringLiteral("epochsPerPlaySpin"));
    m_epochsPerPlay->setAccessibleName(tr("Epochs per Play"));
    m_epochsPerPlay->setRange(0, std::numeric_limits<int>::max());
    m_epochsPerPlay->setSpecialValueText(tr("until paused"));
    m_epochsPerPlay->setKeyboardTracking(false);
    m_epochsPerPlay->setToolTip(
        tr("Play trains this many epochs and pauses (a lesson's \"epochs\", Keras' "
           "fit(epochs=...)); 0: until paused"));
    m_valSplit = new QDoubleSpinBox(this);
    m_valSplit->setObjectName(QStringLiteral("valSplitSpin"));
    m_valSplit->setAccessibleName(tr("Validation split"));
    m_valSplit->setKeyboardTracking(false);
    // [0, 1) as --val-split, to 3 decimals; a file's finer value is kept until changed here.
    m_valSplit->setRange(0.0, 0.999);
    m_valSplit->setSingleStep(0.05);
    m_valSplit->setDecimals(3);
    m_valSplit->setToolTip(tr("Keras' validation_split: the last fraction of the rows validates"));
    m_seed = new QDoubleSpinBox(this);
    m_seed->setObjectName(QStringLiteral("seedSpin"));
    m_seed->setAccessibleName(tr("Seed"));
    m_seed->setKeyboardTracking(false);
    m_seed->setDecimals(0);
    m_seed->setRange(0.0, 9007199254740992.0);  // every whole number up to 2^53, exactly
    m_seed->setToolTip(tr("Shuffling and Reset's initialisation"));
    auto* regRow = new QHBoxLayout;
    m_regularization = new QComboBox(this);
    m_regularization->setObjectName(QStringLiteral("regularizationCombo"));
    m_regularization->setAccessibleName(tr("Regularization"));
    m_regularization->addItem(tr("None"), 0);
    m_regularization->addItem(QStringLiteral("L1"), 1);
    m_regularization->addItem(QStringLiteral("L2"), 2);
    // Never narrower than its longest item: squeezed beside the rate, "None" showed as "Nor".
    m_regularization->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_regularization->setToolTip(
        tr("Adds l1 sum|W| (L1) or l2/2 sum W^2 (L2) of every weight, biases excluded, to each "
           "batch's loss, as Playground does; the loss plot shows it as a lighter line"));
    m_regRate = new RateSpinBox(this);
    m_regRate->setObjectName(QStringLiteral("regularizationRateSpin"));
    m_regRate->setAccessibleName(tr("Regularization rate"));
    m_regRate->setToolTip(
        tr("The regularization rate (Playground's): > 0; arrows step by a "
           "twentieth of a decade"));
    m_regRate->setValue(0.001);
    regRow->addWidget(m_regularization);
    regRow->addWidget(m_regRate, 1);
    m_shuffle = new QCheckBox(tr("Shuffle"), this);
    m_shuffle->setToolTip(tr("A fresh order of the training rows each epoch, from the seed"));
    m_shuffle->setAccessibleName(tr("Shuffle each epoch"));
    m_shuffle->setObjectName(QStringLiteral("shuffleCheck"));
    form->addRow(tr("Loss"), m_loss);
    form->addRow(QString(), m_lossReason);
    form->addRow(tr("Optimizer"), m_optimizer);
    form->addRow(tr("Learning rate"), lrRow);
    form->addRow(m_lrSlider);
    form->addRow(tr("Batch size"), m_batch);
    form->addRow(tr("Epochs per Play"), m_epochsPerPlay);
    form->addRow(tr("Validation split"), m_valSplit);
    form->addRow(tr("Regularization"), regRow);
    // The seed and shuffling share a row: the Regularization row took its place, and the
    // settings stay as tall as they were (both plots still fit a 1080-line screen).
    auto* seedRow = new QHBoxLayout;
    seedRow->addWidget(m_seed, 1);
    seedRow->addWidget(m_shuffle);
    form->addRow(tr("Seed"), seedRow);
    layout->addWidget(m_settings);
    connect(m_settingsToggle, &QToolButton::clicked, this, [this](bool on) {
        m_settingsChosen = true;  // the user's choice stays, whatever the dock's height
        setSettingsShown(on);
        fitSettings();
    });
    setSettingsShown(true);

    m_figures = new QLabel(this);
    m_figures->setObjectName(QStringLiteral("trainingFigures"));
    m_figures->setTextFormat(Qt::RichText);  // numbers only; lines break with <br>
    // and wrap where the dock is narrow: "Loss: train 0.0123, validation 0.0456" made the dock
    // scroll sideways once a run had a validation loss.
    m_figures->setWordWrap(true);
    m_figures->setAlignment(Qt::AlignLeft | Qt::AlignTop);  // its four lines' room below the text
    m_figures->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_figures);
    m_plotArea = new QVBoxLayout;
    // Takes the room the plots leave while they are folded (stretch 0: the plots' stretch 1 wins
    // while they are shown), so the rows above keep their spacing.
    m_plotArea->addStretch(0);
    layout->addLayout(m_plotArea, 1);

    connect(m_play, &QPushButton::clicked, this, [this] { m_training->togglePlay(); });
    connect(m_step, &QPushButton::clicked, this, [this] { m_training->step(); });
    connect(m_epoch, &QPushButton::clicked, this, [this] { m_training->epoch(); });
    connect(m_reset, &QPushButton::clicked, this, [this] { m_training->reset(); });
    connect(m_lrScan, &QPushButton::clicked, this, [this] { emit lrScanRequested(); });
    connect(m_speed, &QSlider::valueChanged, this, [this](int v) {
        const double rate = speedRate(v);
        m_speedLabel->setText(rate > 0 ? tr("%1 epochs/s").arg(rate) : tr("full speed"));
        m_training->setEpochsPerSecond(rate);
    });
    m_speedLabel->setText(tr("full speed"));
    connect(m_lrSlider, &QSlider::valueChanged, this, [this](int v) { setLrFromSlider(v); });
    connect(m_lr, &QDoubleSpinBox::valueChanged, this, [this](double v) {
        if (m_syncing) return;
        const QSignalBlocker block(m_lrSlider);
        m_lrSlider->setValue(lrToSlider(v));
        change([v](model::TrainingSettings& s) { s.lr = static_cast<float>(v); });
    });
    connect(m_loss, &QComboBox::currentIndexChanged, this, [this] {
        const auto loss = static_cast<Loss>(m_loss->currentData().toInt());
        change([loss](model::TrainingSettings& s) {
            if (loss != s.loss.loss) s.loss = {loss, defaultReduction(loss)};
        });
    });
    connect(m_optimizer, &QComboBox::currentIndexChanged, this, [this] {
        const auto kind = static_cast<OptimizerKind>(m_optimizer->currentData().toInt());
        change([kind](model::TrainingSettings& s) { s.optimizer = kind; });
    });
    connect(m_batch, &QSpinBox::valueChanged, this,
            [this](int v) { change([v](model::TrainingSettings& s) { s.batch = v; }); });
    connect(m_epochsPerPlay, &QSpinBox::valueChanged, this, [this](int v) {
        change([v](model::TrainingSettings& s) {
            s.stopAtEpochs = v > 0;
            if (v > 0) s.epochs = v;
        });
    });
    connect(m_valSplit, &QDoubleSpinBox::valueChanged, this,
            [this](double v) { change([v](model::TrainingSettings& s) { s.valSplit = v; }); });
    connect(m_seed, &QDoubleSpinBox::valueChanged, this, [this](double v) {
        change([v](model::TrainingSettings& s) { s.seed = static_cast<std::uint64_t>(v); });
    });
    connect(m_regularization, &QComboBox::currentIndexChanged, this,
            [this] { applyRegularization(); });
    connect(m_regRate, &QDoubleSpinBox::valueChanged, this, [this] { applyRegularization(); });
    connect(m_shuffle, &QCheckBox::toggled, this,
            [this](bool on) { change([on](model::TrainingSettings& s) { s.shuffle = on; }); });

    connect(m_doc, &model::Document::trainingSettingsChanged, this, [this] { syncFromDocument(); });
    connect(m_doc, &model::Document::dataChanged, this, [this] { updateLossChoices(); });
    connect(m_doc, &model::Document::networkChanged, this, [this](model::EditHint hint) {
        // Training's frames keep the shapes (checkData over every row would cost each frame).
        if (!hint.training && (hint.shape || hint.node < 0)) updateLossChoices();
    });
    connect(m_training, &model::TrainingController::progressed, this, [this] {
        updateFigures();
        updateProgress();
    });
    connect(m_training, &model::TrainingController::runningChanged, this, [this](bool on) {
        m_play->setText(on ? tr("Pause") : tr("Play"));
        m_play->setAccessibleName(on ? tr("Pause") : tr("Play"));
        updateFigures();
        updateProgress();
    });
    syncFromDocument();
    updateFigures();
    // The wheel scrolls the dock until a control is clicked (WheelGuard).
    for (QWidget* control : findChildren<QWidget*>()) {
        if (qobject_cast<QAbstractSlider*>(control) || qobject_cast<QAbstractSpinBox*>(control) ||
            qobject_cast<QComboBox*>(control))
            WheelGuard::guard(control);
    }
}

void TrainingPanel::setLrFromSlider(int position) {
    if (m_syncing) return;
    const double lr = std::pow(10.0, kLrMinExp + position / double(kLrStepsPerDecade));
    const QSignalBlocker block(m_lr);
    m_lr->setValue(lr);
    change([lr](model::TrainingSettings& s) { s.lr = static_cast<float>(lr); });
}

void TrainingPanel::syncFromDocument() {
    m_syncing = true;
    const model::TrainingSettings& s = m_doc->trainingSettings();
    m_loss->setCurrentIndex(m_loss->findData(static_cast<int>(s.loss.loss)));
    m_optimizer->setCurrentIndex(m_optimizer->findData(static_cast<int>(s.optimizer)));
    m_lr->setValue(s.lr);
    m_lrSlider->setValue(lrToSlider(s.lr));
    m_batch->setValue(s.batch);
    m_valSplit->setValue(s.valSplit);
    m_seed->setValue(static_cast<double>(s.seed));
    m_shuffle->setChecked(s.shuffle);
    // Which penalty the settings hold; "L1 and L2" appears only for a file with both.
    const int both = m_regularization->findData(3);
    if (s.l1 > 0.0f && s.l2 > 0.0f && both < 0) m_regularization->addItem(tr("L1 and L2"), 3);
    if (!(s.l1 > 0.0f && s.l2 > 0.0f) && both >= 0) m_regularization->removeItem(both);
    const int kind = s.l1 > 0.0f ? (s.l2 > 0.0f ? 3 : 1) : (s.l2 > 0.0f ? 2 : 0);
    m_regularization->setCurrentIndex(m_regularization->findData(kind));
    if (kind != 0) m_regRate->setValue(kind == 1 ? s.l1 : s.l2);
    m_regRate->setEnabled(kind != 0);
    m_epochsPerPlay->setValue(s.stopAtEpochs ? s.epochs : 0);
    // A lesson opened (or its epochs changed): the speed that makes its run watchable; a plain
    // network trains at full speed. A speed chosen by hand stays until then.
    const int lessonEpochs = s.stopAtEpochs ? s.epochs : 0;
    if (lessonEpochs != m_lessonEpochs) {
        m_lessonEpochs = lessonEpochs;
        m_speed->setValue(lessonEpochs > 0 ? watchableSpeed(lessonEpochs) : kSpeedSteps - 1);
    }
    m_syncing = false;
    updateLossChoices();
    updateProgress();
    updateSettingsSummary();
}

QSize TrainingPanel::minimumSizeHint() const {
    // As wide as the settings need, folded or not: the dock is sized for the panel (presentation
    // mode fits it to this), and unfolding them in a narrower one scrolled it sideways (#20).
    QSize size = QWidget::minimumSizeHint();
    if (m_settings && layout()) {
        const QMargins m = layout()->contentsMargins();
        size.setWidth(
            std::max(size.width(), m_settings->minimumSizeHint().width() + m.left() + m.right()));
    }
    return size;
}

bool TrainingPanel::settingsShown() const {
    return !m_settings->isHidden();
}

void TrainingPanel::setSettingsShown(bool on) {
    m_settings->setVisible(on);
    {
        const QSignalBlocker block(m_settingsToggle);
        m_settingsToggle->setChecked(on);
    }
    updateSettingsSummary();
}

void TrainingPanel::setPlotsFolded(bool folded) {
    if (folded == m_plotsFolded) return;
    m_plotsFolded = folded;
    for (int i = 0; i < m_plotArea->count(); ++i) {
        if (QWidget* w = m_plotArea->itemAt(i)->widget()) w->setVisible(!folded);
    }
    updateSettingsSummary();
}

void TrainingPanel::updateSettingsSummary() {
    // Folded, the line says what the run uses; the whole list is in the tooltip.
    const model::TrainingSettings& s = m_doc->trainingSettings();
    const QString loss = m_loss->currentText();
    const QString optimizer = m_optimizer->currentText();
    const QString lr = m_lr->textFromValue(m_lr->value());
    // The arrow as text, so that it grows with presentation mode's font (an arrow icon stays a
    // dot on a 4K projector).
    // settingsShown(), not isVisible(): before the dock is shown the settings are not visible
    // yet, and the header showed the folded arrow above unfolded settings (#20, walk 5).
    const bool shown = settingsShown();
    m_settingsToggle->setText(shown
                                  ? (m_plotsFolded ? tr("\u25be Settings (fold them for the plots)")
                                                   : tr("\u25be Settings"))
                                  : tr("\u25b8 Settings: %1, %2, lr %3").arg(loss, optimizer, lr));
    m_settingsToggle->setToolTip(
        tr("Loss %1, optimizer %2, learning rate %3, batch %4, validation %5, seed %6; click to %7")
            .arg(loss, optimizer, lr)
            .arg(s.batch)
            .arg(m_valSplit->value())
            .arg(m_seed->value(), 0, 'f', 0)
            .arg(shown ? tr("fold them") : tr("show them")));
}

int TrainingPanel::leastHeight() const {
    // The layout's least height at this width: wrapped labels take more lines than its plain
    // minimum counts (#21: at 4K in presentation mode the loss plot lost 6 px to one).
    QLayout* l = layout();
    const int least = l->minimumSize().height();
    return l->hasHeightForWidth() ? std::max(least, l->minimumHeightForWidth(width())) : least;
}

void TrainingPanel::fitSettings() {
    // Shown while the dock has room for them and everything under them; folded otherwise,
    // unless the user chose.
    const QWidget* room = m_room;
    if (!room || !layout()) return;
    if (m_settingsChosen) {
        // The user's choice stays; when the settings they opened and the plots at their least
        // cannot both fit, the plots fold until the settings do (never a scrolling dock).
        int plots = 0;
        for (int i = 0; i < m_plotArea->count(); ++i) {
            if (const QWidget* w = m_plotArea->itemAt(i)->widget())
                plots += w->minimumSizeHint().height() + layout()->spacing();
        }
        const int need = leastHeight() + (m_plotsFolded ? plots : 0);
        setPlotsFolded(settingsShown() && room->height() < need);
        return;
    }
    // Folded settings measure less than they take once shown (in presentation mode at 4K, 554 px
    // against 603): the larger of the hint and what they took when last shown.
    if (m_settings->isVisible())
        m_settingsHeight = std::max(m_settingsHeight, m_settings->minimumSizeHint().height());
    const int hidden = m_settings->isVisible()
                           ? 0
                           : std::max(m_settingsHeight, m_settings->minimumSizeHint().height()) +
                                 layout()->spacing();
    // The plots before the settings: room for them at the size they ask for (both the loss and
    // the fit plot), not just their least (one at a time).
    int plots = 0;
    for (int i = 0; i < m_plotArea->count(); ++i) {
        if (const QWidget* w = m_plotArea->itemAt(i)->widget(); w && !w->isHidden())
            plots += std::max(0, w->sizeHint().height() - w->minimumSizeHint().height());
    }
    const bool fits = room->height() >= leastHeight() + hidden + plots;
    if (fits != m_settings->isVisible()) setSettingsShown(fits);
}

bool TrainingPanel::event(QEvent* event) {
    // The room is the dock's scroll viewport (else the parent's): watch its size.
    if (event->type() == QEvent::Show || event->type() == QEvent::ParentChange) {
        QWidget* room = parentWidget();
        for (QWidget* w = parentWidget(); w; w = w->parentWidget()) {
            if (auto* area = qobject_cast<QScrollArea*>(w)) {
                room = area->viewport();
                break;
            }
        }
        if (room != m_room) {
            if (m_room) m_room->removeEventFilter(this);
            m_room = room;
            if (m_room) m_room->installEventFilter(this);
        }
    }
    const bool handled = QWidget::event(event);
    // Presentation mode's font: the figures' least height in it; the settings' height as last
    // shown belongs to the old font.
    if (event->type() == QEvent::FontChange) {
        m_settingsHeight = 0;
        updateFigures();
    }
    if (event->type() == QEvent::Show) fitSettings();
    return handled;
}

bool TrainingPanel::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_room && event->type() == QEvent::Resize) fitSettings();
    return QWidget::eventFilter(watched, event);
}

void TrainingPanel::updateProgress() {
    // Shown while Play stops by itself (a lesson), so that the dock does not jump when it starts.
    const model::TrainingSettings& s = m_doc->trainingSettings();
    const int target = m_training->playTarget();
    const bool show = s.stopAtEpochs || target > 0;
    if (show) {
        const auto snap = m_training->snapshot();
        const int now = snap ? snap->epoch : 0;
        if (target > 0) {
            const int start = m_training->playStartEpoch();
            m_progress->setRange(0, std::max(1, target - start));
            m_progress->setValue(std::clamp(now - start, 0, target - start));
            m_progress->setFormat(tr("Epoch %1 of %2").arg(now).arg(target));
        } else {
            m_progress->setRange(0, std::max(1, s.epochs));
            m_progress->setValue(0);
            m_progress->setFormat(
                tr("Play trains epochs %1 to %2").arg(now + 1).arg(now + s.epochs));
        }
    }
    if (m_progress->isVisibleTo(this) != show) m_progress->setVisible(show);
}

void TrainingPanel::applyRegularization() {
    const int kind = m_regularization->currentData().toInt();
    m_regRate->setEnabled(kind != 0);
    const auto rate = static_cast<float>(m_regRate->value());
    change([kind, rate](model::TrainingSettings& s) {
        // "L1 and L2" (a file's pair) shows and edits the L2 rate; its L1 rate stays.
        if (kind == 3) {
            s.l2 = rate;
            return;
        }
        s.l1 = kind == 1 ? rate : 0.0f;
        s.l2 = kind == 2 ? rate : 0.0f;
    });
}

void TrainingPanel::change(const std::function<void(model::TrainingSettings&)>& edit) {
    if (m_syncing) return;
    model::TrainingSettings s = m_doc->trainingSettings();
    edit(s);
    m_doc->setTrainingSettings(s);
}

void TrainingPanel::updateLossChoices() {
    // Each loss that does not fit the output layer and the data is disabled, its reason shown in
    // its tooltip and, for the chosen one, under the box.
    auto* model = qobject_cast<QStandardItemModel*>(m_loss->model());
    const std::shared_ptr<const Dataset> rows = m_doc->data();
    QString chosenReason;
    for (int i = 0; i < m_loss->count(); ++i) {
        const LossInfo& info = lossInfo(static_cast<Loss>(m_loss->itemData(i).toInt()));
        QString reason;
        if (rows) {
            try {
                checkData(m_doc->network(), *rows, {info.id, info.defaultReduction}, "the data");
            } catch (const InputError& e) {
                reason = QString::fromStdString(e.what());
            }
        }
        const QString formula =
            QString::fromUtf8(info.formula.data(), qsizetype(info.formula.size()));
        if (QStandardItem* item = model ? model->item(i) : nullptr) {
            item->setEnabled(reason.isEmpty());
            item->setToolTip(reason.isEmpty() ? formula : reason);
        }
        if (i == m_loss->currentIndex()) chosenReason = reason;
    }
    m_lossReason->setText(chosenReason);
    m_lossReason->setVisible(!chosenReason.isEmpty());
    const bool canTrain = rows && rows->size() > 0 && chosenReason.isEmpty();
    for (QPushButton* b : {m_play, m_step, m_epoch, m_lrScan})
        b->setEnabled(canTrain || m_training->running());
    const model::TrainingSettings& settings = m_doc->trainingSettings();
    m_play->setToolTip(!canTrain ? tr("Needs data (Data dock) and a loss that fits them")
                       : settings.stopAtEpochs ? tr("Train %n more epochs, then pause (Space)",
                                                    nullptr, settings.epochs)
                                               : tr("Train until paused (Space)"));
    if (canTrain != m_trainable) {
        m_trainable = canTrain;
        emit trainableChanged(canTrain);
    }
}

QString TrainingPanel::statusText() const {
    return m_figures->text();
}

void TrainingPanel::updateFigures() {
    // Room for the four lines a run shows from the start, so that the plots under the figures
    // keep their size when training begins: measured as the label lays out four rich-text lines,
    // which are a few pixels taller than four line spacings.
    if (m_figuresFont != m_figures->font().key()) {
        m_figuresFont = m_figures->font().key();
        QLabel probe;
        probe.setFont(m_figures->font());
        probe.setTextFormat(Qt::RichText);
        probe.setMargin(m_figures->margin());
        probe.setText(QStringLiteral("0<br>0<br>0<br>0"));
        m_figures->setMinimumHeight(probe.sizeHint().height());
    }
    const auto snap = m_training->snapshot();
    if (!snap) {
        m_figures->setText(tr("Epoch 0, step 0<br>No run yet"));
        return;
    }
    QString lines = tr("Epoch %1, step %2").arg(snap->epoch).arg(snap->step);
    if (snap->batchesPerEpoch > 0 && snap->stepInEpoch > 0)
        lines += tr(" (%1/%2 of the next)").arg(snap->stepInEpoch).arg(snap->batchesPerEpoch);
    // The rate while the run goes; paused, the last run's, said as such.
    if (snap->samplesPerSecond > 0) {
        lines +=
            snap->running
                ? tr("<br>%L1 samples/s").arg(qRound64(snap->samplesPerSecond))
                : tr("<br>%L1 samples/s in the last run").arg(qRound64(snap->samplesPerSecond));
    } else if (snap->running) {
        lines += tr("<br>- samples/s");
    }
    lines += tr("<br>Loss: train %1").arg(snap->trainLoss ? number(*snap->trainLoss) : tr("-"));
    if (snap->valLoss) lines += tr(", validation %1").arg(number(*snap->valLoss));
    if (snap->trainAccuracy) {
        lines += tr("<br>Accuracy: train %1 %")
                     .arg(number(std::round(*snap->trainAccuracy * 1000) / 10));
        if (snap->valAccuracy)
            lines +=
                tr(", validation %1 %").arg(number(std::round(*snap->valAccuracy * 1000) / 10));
    }
    m_figures->setText(lines);
}

}  // namespace nnlens::widgets
