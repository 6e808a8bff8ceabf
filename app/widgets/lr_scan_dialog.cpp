// LrScanDialog: the fields, the worker's progress, the plot and the rate it recommends.
#include "lr_scan_dialog.hpp"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>

#include <cmath>
#include <optional>

#include "core/backward.hpp"
#include "core/error.hpp"
#include "core/loss.hpp"
#include "core/optimizer.hpp"
#include "core/trainer.hpp"
#include "figure_view.hpp"
#include "text/number_text.hpp"

namespace nnlens::widgets {

namespace {

QString number(double v) {
    return QString::fromStdString(text::formatNumber(v, 4));
}

QString name(std::string_view s) {
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

// A rate typed in a field ("1e-6", "0.5"): a finite number above 0, else nullopt.
std::optional<double> rateOf(const QLineEdit* field) {
    bool ok = false;
    const double v = QLocale::c().toDouble(field->text().trimmed(), &ok);
    if (!ok || !std::isfinite(v) || !(v > 0.0)) return std::nullopt;
    return v;
}

// The index of the lowest finite loss, or -1 when none is finite.
int lowestLoss(const std::vector<float>& loss) {
    int best = -1;
    for (std::size_t i = 0; i < loss.size(); ++i) {
        if (std::isfinite(loss[i]) && (best < 0 || loss[i] < loss[static_cast<std::size_t>(best)]))
            best = static_cast<int>(i);
    }
    return best;
}

}  // namespace

LrScanDialog::LrScanDialog(model::Document* doc, model::TrainingController* training,
                           model::TrainingService::BackendFactory factory, QWidget* parent)
    : QDialog(parent),
      m_doc(doc),
      m_training(training),
      m_job(new model::LrScanJob(std::move(factory), this)) {
    setWindowTitle(tr("Learning-rate scan"));
    setModal(false);
    auto* layout = new QVBoxLayout(this);

    auto* intro = new QLabel(
        tr("One minibatch step per rate, log-spaced from the start rate to the stop rate, on the "
           "current network, data and Training settings; the scan stops when the loss exceeds "
           "10 × the first. The network is not changed."),
        this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    const LrScanConfig defaults;
    auto* fields = new QHBoxLayout;
    m_start = new QLineEdit(QString::fromStdString(text::formatNumber(defaults.start)), this);
    m_start->setObjectName(QStringLiteral("lrScanStart"));
    m_stop = new QLineEdit(QString::fromStdString(text::formatNumber(defaults.stop)), this);
    m_stop->setObjectName(QStringLiteral("lrScanStop"));
    for (QLineEdit* e : {m_start, m_stop}) {
        e->setMaximumWidth(110);
        e->setToolTip(tr("A rate above 0, e.g. 1e-6"));
    }
    m_steps = new QSpinBox(this);
    m_steps->setObjectName(QStringLiteral("lrScanSteps"));
    m_steps->setRange(kMinLrScanSteps, kMaxLrScanSteps);
    m_steps->setValue(defaults.steps);
    m_steps->setToolTip(tr("Number of rates (one minibatch step each)"));
    fields->addWidget(new QLabel(tr("Start rate"), this));
    fields->addWidget(m_start);
    fields->addSpacing(12);
    fields->addWidget(new QLabel(tr("Stop rate"), this));
    fields->addWidget(m_stop);
    fields->addSpacing(12);
    fields->addWidget(new QLabel(tr("Steps"), this));
    fields->addWidget(m_steps);
    fields->addStretch(1);
    layout->addLayout(fields);

    auto* runRow = new QHBoxLayout;
    m_run = new QPushButton(tr("Run"), this);
    m_run->setObjectName(QStringLiteral("lrScanRun"));
    m_run->setDefault(true);
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setObjectName(QStringLiteral("lrScanCancel"));
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("lrScanProgress"));
    m_progress->setRange(0, defaults.steps);
    m_progress->setValue(0);
    m_progress->setFormat(tr("%v of %m rates"));
    runRow->addWidget(m_run);
    runRow->addWidget(m_cancel);
    runRow->addWidget(m_progress, 1);
    layout->addLayout(runRow);

    m_plot = new FigureView(figures::FigureKind::LrScan, doc, this);
    m_plot->setObjectName(QStringLiteral("lrScanPlot"));
    m_plot->setMinimumSize(480, 300);
    layout->addWidget(m_plot, 1);

    m_summary = new QLabel(tr("No scan yet."), this);
    m_summary->setObjectName(QStringLiteral("lrScanSummary"));
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_summary);
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("lrScanMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();
    layout->addWidget(m_message);

    auto* buttons = new QDialogButtonBox(this);
    m_use = buttons->addButton(tr("Use this rate"), QDialogButtonBox::ActionRole);
    m_use->setObjectName(QStringLiteral("lrScanUse"));
    m_use->setToolTip(tr("Set the Training dock's learning rate to the recommended rate"));
    m_export = buttons->addButton(tr("Export PNG…"), QDialogButtonBox::ActionRole);
    m_export->setObjectName(QStringLiteral("lrScanExport"));
    buttons->addButton(QDialogButtonBox::Close);
    layout->addWidget(buttons);

    connect(m_run, &QPushButton::clicked, this, [this] { run(); });
    connect(m_cancel, &QPushButton::clicked, this, [this] { cancel(); });
    connect(m_use, &QPushButton::clicked, this, [this] { useRate(); });
    connect(m_export, &QPushButton::clicked, this, [this] { emit exportRequested(); });
    connect(buttons, &QDialogButtonBox::rejected, this, &LrScanDialog::reject);
    // A step can take microseconds: the bar shows the newest count at most every 40 ms (a
    // progress bar repaints on each new value).
    m_progressTimer = new QTimer(this);
    m_progressTimer->setSingleShot(true);
    m_progressTimer->setInterval(40);
    connect(m_progressTimer, &QTimer::timeout, this, [this] { m_progress->setValue(m_done); });
    connect(m_job, &model::LrScanJob::progress, this, [this](int done, int) {
        m_done = done;
        if (!m_progressTimer->isActive()) m_progressTimer->start();
    });
    connect(m_job, &model::LrScanJob::finished, this,
            [this](const LrScanResult& result) { onFinished(result); });
    connect(m_job, &model::LrScanJob::failed, this, [this](const QString& message) {
        m_progressTimer->stop();
        setRunning(false);
        showMessage(tr("The scan failed: %1").arg(message), true);
    });
    setRunning(false);
    resize(640, 600);
    // A scan belongs to the network and data it ran on: another shape, other data or another
    // file makes its rate stale (the plot stays, "Use this rate" waits for a new run).
    const auto stale = [this] {
        if (!m_curve || running() || !m_use->isEnabled()) return;
        m_use->setEnabled(false);
        showMessage(tr("The network or the data changed since this scan: run it again to use "
                       "its rate."),
                    false);
    };
    connect(m_doc, &model::Document::dataChanged, this, stale);
    connect(m_doc, &model::Document::filePathChanged, this, stale);
    connect(m_doc, &model::Document::networkChanged, this, [stale](model::EditHint hint) {
        if (hint.shape) stale();
    });
}

LrScanDialog::~LrScanDialog() {
    m_job->cancel();
    m_job->wait();
}

bool LrScanDialog::running() const {
    return m_job->running();
}

QString LrScanDialog::messageText() const {
    return m_message->text();
}

bool LrScanDialog::run() {
    if (running()) return false;
    const std::optional<double> start = rateOf(m_start);
    if (!start) {
        showMessage(tr("Start rate: \"%1\" is not a number above 0").arg(m_start->text()), true);
        return false;
    }
    const std::optional<double> stop = rateOf(m_stop);
    if (!stop) {
        showMessage(tr("Stop rate: \"%1\" is not a number above 0").arg(m_stop->text()), true);
        return false;
    }
    if (!(*stop > *start)) {
        showMessage(
            tr("Stop rate: %1 must be above the start rate %2").arg(number(*stop), number(*start)),
            true);
        return false;
    }
    const std::shared_ptr<const Dataset> rows = m_doc->data();
    if (!rows || rows->size() == 0) {
        showMessage(tr("No data to scan with: generate or import a data set in the Data dock."),
                    true);
        return false;
    }
    const model::TrainingSettings& s = m_doc->trainingSettings();
    try {
        checkData(m_doc->network(), *rows, s.loss, "the data");
    } catch (const InputError& e) {
        showMessage(tr("Cannot scan: %1").arg(QString::fromStdString(e.what())), true);
        return false;
    }

    // The scan and a run must not train at once; the run ends as its one undo step.
    if (m_training && m_training->running()) m_training->pause();
    LrScanConfig cfg;
    cfg.start = *start;
    cfg.stop = *stop;
    cfg.steps = m_steps->value();
    cfg.batch = s.batch;
    cfg.shuffle = s.shuffle;
    cfg.seed = s.seed;
    QString error;
    if (!m_job->start(m_doc->network(), rows, s, cfg, &error)) {
        showMessage(tr("Cannot scan: %1").arg(error), true);
        return false;
    }
    m_requestedSteps = cfg.steps;
    m_done = 0;
    m_progress->setRange(0, cfg.steps);
    m_progress->setValue(0);
    showMessage(tr("Scanning %1 rates with %2, %3 loss, batch %4 on %5 training rows…")
                    .arg(cfg.steps)
                    .arg(name(optimizerInfo(s.optimizer).name), name(lossInfo(s.loss.loss).name))
                    .arg(s.batch)
                    .arg(trainingRows(rows->size(), s.valSplit)),
                false);
    setRunning(true);
    return true;
}

void LrScanDialog::cancel() {
    m_job->cancel();
}

void LrScanDialog::reject() {
    cancel();
    QDialog::reject();
}

void LrScanDialog::setRunning(bool on) {
    m_run->setEnabled(!on);
    m_cancel->setEnabled(on);
    for (QWidget* w : std::initializer_list<QWidget*>{m_start, m_stop, m_steps})
        w->setEnabled(!on);
    m_use->setEnabled(!on && m_curve);
    m_export->setEnabled(!on && m_curve);
}

void LrScanDialog::onFinished(const LrScanResult& result) {
    const int done = static_cast<int>(result.loss.size());
    m_progressTimer->stop();
    m_progress->setValue(done);
    const int best = lowestLoss(result.loss);
    if (best < 0) {
        // Nothing to plot or recommend; the previous scan stays shown.
        setRunning(false);
        showMessage(done == 0 ? tr("Cancelled before the first rate.")
                              : tr("Every loss of the scan is NaN or infinite (%1 rates): the "
                                   "network's outputs on the data are not finite.")
                                    .arg(done),
                    done != 0);
        return;
    }
    m_result = result;
    auto curve = std::make_shared<figures::LrScanCurve>();
    curve->lr = result.lr;
    curve->loss = result.loss;
    curve->recommended = result.recommended;
    m_curve = curve;
    figures::FigureOptions opt = m_plot->options();
    opt.scan = m_curve;
    m_plot->setOptions(opt);
    const auto b = static_cast<std::size_t>(best);
    m_summary->setText(
        tr("Lowest loss %1 at rate %2.  Recommended rate: %3 (half of it).")
            .arg(number(result.loss[b]), number(result.lr[b]), number(result.recommended)));
    if (result.cancelled) {
        showMessage(tr("Cancelled after %1 of %2 rates; the plot shows those.")
                        .arg(done)
                        .arg(m_requestedSteps),
                    false);
    } else if (done < m_requestedSteps) {
        showMessage(tr("Stopped after %1 of %2 rates: the loss rose above 10 × the first or was "
                       "no longer finite.")
                        .arg(done)
                        .arg(m_requestedSteps),
                    false);
    } else {
        showMessage(QString(), false);
    }
    setRunning(false);
}

void LrScanDialog::showMessage(const QString& text, bool failure) {
    m_message->setText(text);
    m_message->setStyleSheet(failure ? QStringLiteral("color: #b00020;") : QString());
    m_message->setVisible(!text.isEmpty());
}

void LrScanDialog::useRate() {
    if (!m_curve) return;
    model::TrainingSettings s = m_doc->trainingSettings();
    s.lr = static_cast<float>(m_result.recommended);
    m_doc->setTrainingSettings(s);
    showMessage(tr("Learning rate set to %1.").arg(number(s.lr)), false);
}

}  // namespace nnlens::widgets
