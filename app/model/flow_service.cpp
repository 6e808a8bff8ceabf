// FlowService: a LatestWorker traces the newest request; each trace is sent by a queued signal.
#include "flow_service.hpp"

#include <chrono>
#include <exception>
#include <new>
#include <utility>

#include "core/error.hpp"
#include "core/trace.hpp"

namespace nnlens::model {

FlowService::FlowService(QObject* parent) : QObject(parent) {
    qRegisterMetaType<std::shared_ptr<const FlowFrame>>();
    m_worker.start(&FlowService::trace, [this](std::shared_ptr<const FlowFrame> frame) {
        emit traced(std::move(frame));
    });
}

FlowService::~FlowService() {
    m_worker.stop();
}

std::uint64_t FlowService::request(const Network& net, const figures::FlowSource& source) {
    return m_worker.submit(Request{net, source});  // copied outside the worker's lock
}

std::uint64_t FlowService::requested() const {
    return m_worker.requested();
}

std::shared_ptr<const FlowFrame> FlowService::latest() const {
    return m_worker.latest();
}

bool FlowService::waitFor(std::uint64_t generation, int timeoutMs) {
    return m_worker.waitFor(generation, timeoutMs);
}

std::shared_ptr<const FlowFrame> FlowService::trace(Request& req, std::uint64_t generation) {
    const auto start = std::chrono::steady_clock::now();
    auto frame = std::make_shared<FlowFrame>();
    frame->generation = generation;
    try {
        frame->trace = figures::traceFlow(req.net, req.source);
    } catch (const InputError& e) {
        frame->error = QString::fromUtf8(e.what());
    } catch (const std::bad_alloc&) {
        frame->error = QStringLiteral("not enough memory for the trace (try a smaller N)");
    } catch (const std::exception& e) {
        frame->error = QString::fromUtf8(e.what());
    }
    frame->traceMs =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return frame;
}

}  // namespace nnlens::model
