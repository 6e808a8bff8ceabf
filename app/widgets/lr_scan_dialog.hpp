// LrScanDialog: Training > Learning-rate scan: the notebook's lr_scan on the document's network,
// data and training settings, run on a worker with progress and Cancel, plotted as
// `nnlens-cli render --figure lr-scan` draws it; "Use this rate" sets the recommended rate.
#pragma once

#include <QDialog>

#include <memory>

#include "core/lr_scan.hpp"
#include "figures/figures.hpp"
#include "model/document.hpp"
#include "model/lr_scan_job.hpp"
#include "model/training_controller.hpp"

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTimer;

namespace nnlens::widgets {

class FigureView;

class LrScanDialog : public QDialog {
    Q_OBJECT

  public:
    // `factory` makes the scan's engine (the window's Engine choice); the scan trains a session
    // of its own, so the document's parameters are never touched.
    LrScanDialog(model::Document* doc, model::TrainingController* training,
                 model::TrainingService::BackendFactory factory, QWidget* parent = nullptr);
    ~LrScanDialog() override;

    // Starts a scan with the fields' rates and steps (pausing training); false with the reason
    // shown in the dialog when it cannot start.
    bool run();
    void cancel();
    bool running() const;

    // The last finished scan as the figure draws it (null before one has finished).
    std::shared_ptr<const figures::LrScanCurve> curve() const { return m_curve; }
    // The last finished scan as the engine returned it.
    const LrScanResult& result() const { return m_result; }
    // The message line (errors, "stopped", ...), for tests.
    QString messageText() const;
    FigureView* plotView() const { return m_plot; }
    model::LrScanJob* job() const { return m_job; }

  signals:
    // "Export PNG…": the window opens its export dialog on the lr-scan figure.
    void exportRequested();

  public slots:
    // Close, Escape and the window's close button: cancels a running scan.
    void reject() override;

  private:
    void onFinished(const LrScanResult& result);
    void showMessage(const QString& text, bool failure);
    void setRunning(bool on);
    void useRate();

    model::Document* m_doc;
    model::TrainingController* m_training;
    model::LrScanJob* m_job = nullptr;
    QLineEdit* m_start = nullptr;
    QLineEdit* m_stop = nullptr;
    QSpinBox* m_steps = nullptr;
    QPushButton* m_run = nullptr;
    QPushButton* m_cancel = nullptr;
    QPushButton* m_use = nullptr;
    QPushButton* m_export = nullptr;
    QProgressBar* m_progress = nullptr;
    FigureView* m_plot = nullptr;
    QLabel* m_summary = nullptr;
    QLabel* m_message = nullptr;
    LrScanResult m_result;
    std::shared_ptr<const figures::LrScanCurve> m_curve;
    QTimer* m_progressTimer = nullptr;
    int m_requestedSteps = 0;
    int m_done = 0;  // the newest step count the worker reported
};

}  // namespace nnlens::widgets
