// LrScanJob: the notebook's learning-rate scan on a worker thread, with progress and Cancel. It
// trains a session of its own, so the document's parameters are never touched.
#pragma once

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <thread>

#include "core/lr_scan.hpp"
#include "training_service.hpp"

namespace nnlens::model {

class LrScanJob : public QObject {
    Q_OBJECT

  public:
    explicit LrScanJob(TrainingService::BackendFactory factory = {}, QObject* parent = nullptr);
    ~LrScanJob() override;  // cancels and joins

    // Starts a scan of `net` on the training rows of `data` (the settings' loss, optimizer,
    // batch, seed, shuffling and validation split); false with `error` when it cannot start.
    bool start(const Network& net, std::shared_ptr<const Dataset> data,
               const TrainingSettings& settings, const LrScanConfig& scan, QString* error);
    void cancel();
    bool running() const { return m_running; }
    // Blocks until the worker has ended (tests).
    void wait();

  signals:
    void progress(int done, int steps);
    void finished(const nnlens::LrScanResult& result);
    void failed(const QString& message);

  private:
    TrainingService::BackendFactory m_factory;
    std::thread m_thread;
    std::atomic<bool> m_cancel{false};
    std::atomic<bool> m_running{false};
};

}  // namespace nnlens::model

Q_DECLARE_METATYPE(nnlens::LrScanResult)
