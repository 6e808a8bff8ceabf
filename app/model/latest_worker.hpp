// LatestWorker: one background thread that computes the newest request only. A request that
// arrives while another waits replaces it (an optional merge carries what the older one knew), so
// a slider drag or a training run never queues stale work. MapService and FlowService are built
// on it; each frame goes to `deliver` on the worker thread (the services emit a queued signal).
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

namespace nnlens::model {

template <class Request, class Frame>
class LatestWorker {
  public:
    using FramePtr = std::shared_ptr<const Frame>;
    // Computes the frame of `request` (generation `generation`); never throws.
    using Process = std::function<FramePtr(Request& request, std::uint64_t generation)>;
    using Deliver = std::function<void(FramePtr frame)>;
    // Folds the waiting request `older` into `newer`, which replaces it.
    using Merge = std::function<void(const Request& older, Request& newer)>;

    LatestWorker() = default;
    LatestWorker(const LatestWorker&) = delete;
    LatestWorker& operator=(const LatestWorker&) = delete;
    ~LatestWorker() { stop(); }

    void start(Process process, Deliver deliver, Merge merge = {}) {
        m_process = std::move(process);
        m_deliver = std::move(deliver);
        m_merge = std::move(merge);
        m_thread = std::thread([this] { run(); });
    }

    // Stops and joins the thread (the request being computed finishes first); wakes every
    // waitFor(). The owner calls it before anything `process` uses is destroyed.
    void stop() {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_wake.notify_all();
        if (m_thread.joinable()) m_thread.join();
        m_done.notify_all();
    }

    // Queues `request` (moved in: copy a large one before, outside any lock). Returns its
    // generation, counted from 1.
    std::uint64_t submit(Request request) {
        std::uint64_t generation = 0;
        {
            std::lock_guard lock(m_mutex);
            generation = ++m_nextGeneration;
            if (m_pending && m_merge) m_merge(m_pending->request, request);
            m_pending = Pending{std::move(request), generation};
        }
        m_wake.notify_one();
        return generation;
    }

    std::uint64_t requested() const {
        std::lock_guard lock(m_mutex);
        return m_nextGeneration;
    }

    FramePtr latest() const {
        std::lock_guard lock(m_mutex);
        return m_latest;
    }

    // Blocks until the frame of `generation` (or a newer one) is done.
    bool waitFor(std::uint64_t generation, int timeoutMs) {
        std::unique_lock lock(m_mutex);
        return m_done.wait_for(lock, std::chrono::milliseconds(timeoutMs), [&] {
            return m_doneGeneration >= generation || m_stop;
        }) && m_doneGeneration >= generation;
    }

  private:
    struct Pending {
        Request request;
        std::uint64_t generation = 0;
    };

    void run() {
        for (;;) {
            std::optional<Pending> next;
            {
                std::unique_lock lock(m_mutex);
                m_wake.wait(lock, [&] { return m_stop || m_pending.has_value(); });
                if (m_stop) return;
                next = std::move(m_pending);
                m_pending.reset();
            }
            FramePtr frame = m_process(next->request, next->generation);
            {
                std::lock_guard lock(m_mutex);
                m_latest = frame;
                m_doneGeneration = std::max(m_doneGeneration, next->generation);
            }
            m_done.notify_all();
            m_deliver(std::move(frame));
        }
    }

    Process m_process;
    Deliver m_deliver;
    Merge m_merge;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_done;
    std::optional<Pending> m_pending;
    bool m_stop = false;
    std::uint64_t m_nextGeneration = 0;
    std::uint64_t m_doneGeneration = 0;
    FramePtr m_latest;
    std::thread m_thread;
};

}  // namespace nnlens::model
