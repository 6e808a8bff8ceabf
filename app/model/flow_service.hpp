// FlowService: traces the data flow (figures::traceFlow) off the GUI thread, as MapService does
// the maps: requests coalesce (the newest wins), so a network changing at every training frame
// never queues up stale traces; each finished trace arrives by signal.
#pragma once

#include <QMetaType>
#include <QObject>
#include <QString>

#include <memory>

#include "core/network.hpp"
#include "figures/figures.hpp"
#include "latest_worker.hpp"

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
    struct Request {
        Network net;
        figures::FlowSource source;
    };
    static std::shared_ptr<const FlowFrame> trace(Request& req, std::uint64_t generation);

    LatestWorker<Request, FlowFrame> m_worker;
};

}  // namespace nnlens::model

Q_DECLARE_METATYPE(std::shared_ptr<const nnlens::model::FlowFrame>)
