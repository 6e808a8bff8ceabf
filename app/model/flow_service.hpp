// FlowService: traces the data flow (figures::traceFlow) off the GUI thread, as MapService does
// the maps: requests coalesce (the newest wins), so a network changing at every training frame
// never queues up stale traces; each finished trace arrives by signal.
#pragma once

#include <QMetaType>
#include <QObject>
#include <QString>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "core/network.hpp"
#include "figures/figures.hpp"

namespace nnlens::model {

struct FlowFrame {
    std::shared_ptr<const ModuleTrace> trace;  // null when the trace failed (error says why)
    QString error;
    std::uint64_t generation = 0;  // the request's generation
    double traceMs = 0.0;          // on the worker
};

class FlowService : public QObject {
    Q_OBJECT

  public:
    explicit FlowService(QObject* parent = nullptr);
    ~FlowService() override;  // stops and joins the worker

    // Queues a trace of `net` (copied) on `source`. Returns the request's generation.
    std::uint64_t request(const Network& net, const figures::FlowSource& source);
    std::uint64_t requested() const;
    std::shared_ptr<const FlowFrame> latest() const;
    // Blocks until the frame of `generation` (or a newer one) is done.
    bool waitFor(std::uint64_t generation, int timeoutMs = 10000);

  signals:
    // Queued to the receiver's thread.
    void traced(std::shared_ptr<const nnlens::model::FlowFrame> frame);

  private:
    void run();

    struct Request {
        Network net;
        figures::FlowSource source;
        std::uint64_t generation = 0;
    };

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_done;
    std::optional<Request> m_pending;
    bool m_stop = false;
    std::uint64_t m_nextGeneration = 0;
    std::uint64_t m_doneGeneration = 0;
    std::shared_ptr<const FlowFrame> m_latest;
    std::thread m_thread;
};

}  // namespace nnlens::model

Q_DECLARE_METATYPE(std::shared_ptr<const nnlens::model::FlowFrame>)
