// TrainingPanel: the Training dock: Play/Pause, Step, Epoch, Reset and the speed; the loss,
// optimizer, learning rate (logarithmic slider, spin box, LR scan), batch, validation split and
// seed; and the run's figures (epoch, step, samples per second, losses, accuracy), always shown.
#pragma once

#include <functional>

#include <QPointer>
#include <QString>
#include <QWidget>

#include "model/document.hpp"
#include "model/training_controller.hpp"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSlider;
class QSpinBox;
class QToolButton;
class QProgressBar;
class QVBoxLayout;

namespace nnlens::widgets {

class TrainingPanel : public QWidget {
    Q_OBJECT

  public:
    TrainingPanel(model::Document* doc, model::TrainingController* training,
                  QWidget* parent = nullptr);

    // The speed slider's rates: epochs per second, 0 for "as fast as the engine goes".
    static double speedRate(int position);
    static constexpr int kSpeedSteps = 10;
    // The speed step that spreads `epochs` over about kWatchSeconds (a lesson's default speed).
    static int watchableSpeed(int epochs);
    static constexpr double kWatchSeconds = 8.0;

    // The plot area under the figures (the window puts the loss plot and timeline there).
    QVBoxLayout* plotArea() const { return m_plotArea; }
    // For tests: the status line of the run ("epoch 12, step 480, ...").
    QString statusText() const;
    // Whether there are data and a loss that fits them (Play, Step, Epoch and LR scan enabled).
    bool trainable() const { return m_trainable; }
    // The settings' fold: shown, or one line that names the loss, optimizer and rate.
    bool settingsShown() const;
    bool plotsFolded() const { return m_plotsFolded; }
    QToolButton* settingsToggle() const { return m_settingsToggle; }
    QSize minimumSizeHint() const override;

  signals:
    // "LR scan…": the window opens its learning-rate scan dialog.
    void lrScanRequested();
    void trainableChanged(bool trainable);

  protected:
    bool event(QEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

  private:
    void setSettingsShown(bool on);
    void updateSettingsSummary();
    // Folds the settings where the parent is too short for them and the plots.
    void fitSettings();
    void syncFromDocument();
    void updateLossChoices();
    void updateFigures();
    // Changes one setting (the control that changed), leaving every other value as it is: a
    // file's value that a control cannot show (lr 1e-9, seed 5e9) is never rewritten (#19).
    void change(const std::function<void(model::TrainingSettings&)>& edit);
    void setLrFromSlider(int position);
    void updateProgress();

    model::Document* m_doc;
    model::TrainingController* m_training;
    QPushButton* m_play = nullptr;
    QPushButton* m_step = nullptr;
    QPushButton* m_epoch = nullptr;
    QPushButton* m_reset = nullptr;
    QPushButton* m_lrScan = nullptr;
    QSlider* m_speed = nullptr;
    QLabel* m_speedLabel = nullptr;
    QComboBox* m_loss = nullptr;
    QComboBox* m_optimizer = nullptr;
    QSlider* m_lrSlider = nullptr;
    QDoubleSpinBox* m_lr = nullptr;
    QSpinBox* m_batch = nullptr;
    QDoubleSpinBox* m_valSplit = nullptr;
    QDoubleSpinBox* m_seed = nullptr;  // whole numbers past int's range (a file's 5e9)
    QSpinBox* m_epochsPerPlay = nullptr;
    QProgressBar* m_progress = nullptr;
    int m_lessonEpochs = -1;  // the epochs per Play the speed was last chosen for
    QCheckBox* m_shuffle = nullptr;
    // Playground's Regularization (none, L1, L2; "L1 and L2" only for a file with both) and its
    // rate (spec section 10's training.l1, l2), live during Play.
    QComboBox* m_regularization = nullptr;
    QDoubleSpinBox* m_regRate = nullptr;
    void applyRegularization();
    QLabel* m_lossReason = nullptr;
    QLabel* m_figures = nullptr;
    QString m_figuresFont;  // the key of the font m_figures' least height was measured in
    QVBoxLayout* m_plotArea = nullptr;
    QToolButton* m_settingsToggle = nullptr;
    QWidget* m_settings = nullptr;
    QPointer<QWidget> m_room;       // the parent whose height the settings fit
    bool m_settingsChosen = false;  // the user folded or unfolded them
    // The plots folded while the settings the user opened leave them no room (#20, walk 5: the
    // dock scrolled 307 px at 1280 x 800 in presentation mode, Play out of sight).
    bool m_plotsFolded = false;
    int m_settingsHeight = 0;  // the settings' least height when last shown (fitSettings)
    int leastHeight() const;
    void setPlotsFolded(bool folded);
    bool m_syncing = false;
    bool m_trainable = false;
};

}  // namespace nnlens::widgets
