// A minimal fork-join pool: workers sleep on a condition variable and take one chunk each per call.
#include "parallel.hpp"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace nnlens {

namespace {

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
            m_stop = true;
        }
        m_wake.notify_all();
        for (auto& t : m_threads)
            t.join();
    }

    int threads() const { return static_cast<int>(m_threads.size()) + 1; }

    void run(std::int64_t n, int chunks,
             const std::function<void(std::int64_t, std::int64_t)>& fn) {
        std::unique_lock call(m_callMutex);  // one parallel region at a time
        {
            std::lock_guard lock(m_mutex);
            m_fn = &fn;
            m_n = n;
            m_chunks = chunks;
            m_pending = chunks - 1;
            ++m_generation;
        }
        m_wake.notify_all();
        fn(0, chunkEnd(0));
        std::unique_lock lock(m_mutex);
        m_done.wait(lock, [this] { return m_pending == 0; });
        m_fn = nullptr;
    }

  private:
    std::int64_t chunkEnd(int i) const { return m_n * (i + 1) / m_chunks; }

    void loop(int index) {
        std::uint64_t seen = 0;
        for (;;) {
            const std::function<void(std::int64_t, std::int64_t)>* fn = nullptr;
            std::int64_t begin = 0, end = 0;
            {
                std::unique_lock lock(m_mutex);
                m_wake.wait(lock, [&] { return m_stop || m_generation != seen; });
                if (m_stop) return;
                seen = m_generation;
                if (index >= m_chunks) continue;
                fn = m_fn;
                begin = m_n * index / m_chunks;
                end = chunkEnd(index);
            }
            (*fn)(begin, end);
            {
                std::lock_guard lock(m_mutex);
                if (--m_pending == 0) m_done.notify_one();
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
    int m_pending = 0;
    std::uint64_t m_generation = 0;
    bool m_stop = false;
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
    if (chunks <= 1) {
        fn(0, n);
        return;
    }
    pool().run(n, chunks, fn);
}

}  // namespace nnlens
