// LrScanJob: core's lrScan on a worker thread; results and progress come back queued.
#include "lr_scan_job.hpp"

#include <QMetaObject>

#include <exception>
#include <utility>

#include "core/error.hpp"
#include "core/trainer.hpp"

namespace nnlens::model {

LrScanJob::LrScanJob(TrainingService::BackendFactory factory, QObject* parent)
    : QObject(parent), m_factory(std::move(factory)) {
    qRegisterMetaType<LrScanResult>();
}

LrScanJob::~LrScanJob() {
    cancel();
    wait();
}

void LrScanJob::cancel() {
    m_cancel = true;
}

void LrScanJob::wait() {
    if (m_thread.joinable()) m_thread.join();
}

bool LrScanJob::start(const Network& net, std::shared_ptr<const Dataset> data,
                      const TrainingSettings& settings, const LrScanConfig& scan, QString* error) {
    cancel();
    wait();
    if (!data || data->size() == 0) {
        if (error) *error = tr("no data to scan with");
        return false;
    }
    const int rows = trainingRows(data->size(), settings.valSplit);
    std::unique_ptr<Backend> backend = m_factory ? m_factory() : nullptr;
    if (!backend) backend = std::make_unique<CpuBackend>();
    std::unique_ptr<TrainingSession> session;
    try {
        if (rows < 1) throw InputError("no rows left for training after the validation split");
        session = backend->startTraining(net, *data, settings.loss, settings.optimizerConfig());
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
    m_cancel = false;
    m_running = true;
    m_thread = std::thread([this, backend = std::move(backend), session = std::move(session), data,
                            rows, scan]() mutable {
        try {
            const LrScanResult result = lrScan(
                *session, rows, scan,
                [this](int done, int steps) {
                    QMetaObject::invokeMethod(
                        this, [this, done, steps] { emit progress(done, steps); },
                        Qt::QueuedConnection);
                },
                &m_cancel);
            session.reset();
            backend.reset();
            QMetaObject::invokeMethod(
                this,
                [this, result] {
                    m_running = false;
                    emit finished(result);
                },
                Qt::QueuedConnection);
        } catch (const std::exception& e) {
            QMetaObject::invokeMethod(
                this,
                [this, message = QString::fromStdString(e.what())] {
                    m_running = false;
                    emit failed(message);
                },
                Qt::QueuedConnection);
        }
    });
    return true;
}

}  // namespace nnlens::model
