// FlowService: one worker thread, a single pending request under a mutex (the newest replaces an
// older one not yet started), each trace sent by a queued signal.
#include "flow_service.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <new>
#include <utility>

#include "core/error.hpp"
#include "core/trace.hpp"

namespace nnlens::model {

FlowService::FlowService(QObject* parent) : QObject(parent) {
    qRegisterMetaType<std::shared_ptr<const FlowFrame>>();
    m_thread = std::thread([this] { run(); });
}

FlowService::~FlowService() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    m_thread.join();
    m_done.notify_all();
}

std::uint64_t FlowService::request(const Network& net, const figures::FlowSource& source) {
    Request next{net, source, 0};  // copied outside the lock
    std::uint64_t generation = 0;
    {
        std::lock_guard lock(m_mutex);
        generation = ++m_nextGeneration;
        next.generation = generation;
        m_pending = std::move(next);
    }
    m_wake.notify_one();
    return generation;
}

std::uint64_t FlowService::requested() const {
    std::lock_guard lock(m_mutex);
    return m_nextGeneration;
}

std::shared_ptr<const FlowFrame> FlowService::latest() const {
    std::lock_guard lock(m_mutex);
    return m_latest;
}

bool FlowService::waitFor(std::uint64_t generation, int timeoutMs) {
    std::unique_lock lock(m_mutex);
    return m_done.wait_for(lock, std::chrono::milliseconds(timeoutMs), [&] {
        return m_doneGeneration >= generation || m_stop;
    }) && m_doneGeneration >= generation;
}

void FlowService::run() {
    for (;;) {
        Request req;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [&] { return m_stop || m_pending.has_value(); });
            if (m_stop) return;
            req = std::move(*m_pending);
            m_pending.reset();
        }
        const auto start = std::chrono::steady_clock::now();
        auto frame = std::make_shared<FlowFrame>();
        frame->generation = req.generation;
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
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count();
        std::shared_ptr<const FlowFrame> done = std::move(frame);
        {
            std::lock_guard lock(m_mutex);
            m_latest = done;
            m_doneGeneration = std::max(m_doneGeneration, req.generation);
        }
        m_done.notify_all();
        emit traced(done);
    }
}

}  // namespace nnlens::model
