// A minimal fork-join pool: workers sleep on a condition variable and take one chunk each per call.
#include "parallel.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace nnlens {

namespace {

constexpr int kSpins = 20000;  // ~50-100 us of pause instructions

inline void pause() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

// True while a thread runs a chunk (the pool's threads always): a parallelFor called from inside
// a chunk runs on that thread, since the pool is busy with the outer region.
thread_local bool t_inWorker = false;

class Pool {
  public:
    Pool() {
        const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
        const unsigned workers = std::min(hw, 16u) - 1;
        for (unsigned i = 0; i < workers; ++i) {
            m_threads.emplace_back([this, i] { loop(static_cast<int>(i) + 1); });
        }
    }
    ~Pool() {
        {
            std::lock_guard lock(m_mutex);
            m_stop.store(true);
        }
        m_wake.notify_all();
        for (auto& t : m_threads)
            t.join();
    }

    int threads() const { return static_cast<int>(m_threads.size()) + 1; }

    void run(std::int64_t n, int chunks,
             const std::function<void(std::int64_t, std::int64_t)>& fn) {
        // One parallel region at a time. A second caller (training while the maps compute, say)
        // does not wait for the pool: it runs its range on its own thread, which is a core's
        // worth of work already, so neither waits on the other's region.
        std::unique_lock call(m_callMutex, std::try_to_lock);
        if (!call.owns_lock()) {
            fn(0, n);
            return;
        }
        {
            std::lock_guard lock(m_mutex);
            m_fn = &fn;
            m_n = n;
            m_chunks = chunks;
            m_pending.store(chunks - 1, std::memory_order_relaxed);
            m_generation.store(m_generation.load(std::memory_order_relaxed) + 1,
                               std::memory_order_release);
        }
        m_wake.notify_all();
        t_inWorker = true;
        guarded(fn, 0, chunkEnd(0));
        t_inWorker = false;
        // The other chunks usually end within microseconds: spin a little before sleeping.
        for (int i = 0; i < kSpins && m_pending.load(std::memory_order_acquire) != 0; ++i)
            pause();
        std::unique_lock lock(m_mutex);
        m_done.wait(lock, [this] { return m_pending.load(std::memory_order_acquire) == 0; });
        m_fn = nullptr;
        // Every chunk has ended: the first exception (bad_alloc for a huge grid, say) goes to the
        // caller, as if the work had run on its thread.
        if (m_error) std::rethrow_exception(std::exchange(m_error, nullptr));
    }

  private:
    std::int64_t chunkEnd(int i) const { return m_n * (i + 1) / m_chunks; }

    // Runs one chunk; an exception is kept (the first one) instead of ending the thread.
    void guarded(const std::function<void(std::int64_t, std::int64_t)>& fn, std::int64_t begin,
                 std::int64_t end) {
        try {
            fn(begin, end);
        } catch (...) {
            std::lock_guard lock(m_errorMutex);
            if (!m_error) m_error = std::current_exception();
        }
    }

    void loop(int index) {
        std::uint64_t seen = 0;
        for (;;) {
            const std::function<void(std::int64_t, std::int64_t)>* fn = nullptr;
            std::int64_t begin = 0, end = 0;
            // A slider drag starts region after region: spin a little before sleeping, since
            // waking a sleeping thread costs more than a whole small region.
            for (int i = 0; i < kSpins && m_generation.load(std::memory_order_acquire) == seen &&
                            !m_stop.load(std::memory_order_relaxed);
                 ++i) {
                pause();
            }
            {
                std::unique_lock lock(m_mutex);
                m_wake.wait(lock, [&] {
                    return m_stop.load(std::memory_order_relaxed) ||
                           m_generation.load(std::memory_order_relaxed) != seen;
                });
                if (m_stop.load(std::memory_order_relaxed)) return;
                seen = m_generation.load(std::memory_order_relaxed);
                if (index >= m_chunks) continue;
                fn = m_fn;
                begin = m_n * index / m_chunks;
                end = chunkEnd(index);
            }
            t_inWorker = true;
            guarded(*fn, begin, end);
            if (m_pending.fetch_sub(1, std::memory_order_acq_rel) == 1) {
                std::lock_guard lock(m_mutex);  // the waiter checks under the lock: no lost wake-up
                m_done.notify_one();
            }
        }
    }

    std::vector<std::thread> m_threads;
    std::mutex m_callMutex;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_done;
    const std::function<void(std::int64_t, std::int64_t)>* m_fn = nullptr;
    std::int64_t m_n = 0;
    int m_chunks = 1;
    std::atomic<int> m_pending{0};
    std::atomic<std::uint64_t> m_generation{0};
    std::atomic<bool> m_stop{false};
    std::mutex m_errorMutex;
    std::exception_ptr m_error;  // the first exception a chunk threw in this region
};

Pool& pool() {
    static Pool p;
    return p;
}

}  // namespace

int parallelThreads() {
    return pool().threads();
}

void parallelFor(std::int64_t n, std::int64_t minChunk,
                 const std::function<void(std::int64_t, std::int64_t)>& fn) {
    if (n <= 0) return;
    const std::int64_t byWork = std::max<std::int64_t>(1, n / std::max<std::int64_t>(1, minChunk));
    const int chunks = static_cast<int>(std::min<std::int64_t>(byWork, parallelThreads()));
    if (chunks <= 1 || t_inWorker) {
        fn(0, n);
        return;
    }
    pool().run(n, chunks, fn);
}

}  // namespace nnlens
