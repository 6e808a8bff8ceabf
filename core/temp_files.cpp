// Temporary files of atomic saves: a fixed table of paths that a signal handler may read, and the
// handler that removes them.
#include "temp_files.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

namespace nnlens {

namespace {

// A slot is Free, then Filling (one thread owns it and copies the path in), then Ready (the
// handler may unlink it), then Free again. std::atomic<int> is lock-free, so the handler may read
// it.
enum SlotState : int { kFree = 0, kFilling = 1, kReady = 2 };

struct Slot {
    std::atomic<int> state{kFree};
    char path[kMaxTempPath];
};
static_assert(std::atomic<int>::is_always_lock_free);

Slot g_slots[kMaxTempFiles];

constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};
struct sigaction g_previous[std::size(kSignals)];

void removeTempFiles(int sig) {
    const int savedErrno = errno;
    for (Slot& slot : g_slots) {
        if (slot.state.load(std::memory_order_acquire) == kReady) ::unlink(slot.path);
    }
    // The previous disposition (the default: end the process), then the same signal again; it
    // is blocked while this handler runs and arrives as soon as it returns.
    for (std::size_t i = 0; i < std::size(kSignals); ++i) {
        if (kSignals[i] == sig) ::sigaction(sig, &g_previous[i], nullptr);
    }
    ::raise(sig);
    errno = savedErrno;
}

}  // namespace

void installTempFileCleanup() {
    static std::atomic<bool> installed{false};
    if (installed.exchange(true)) return;
    // A file size limit (ulimit -f) then makes write() fail with EFBIG, which every writer reports
    // ("cannot write (File too large)") and survives, instead of ending the process.
    ::signal(SIGXFSZ, SIG_IGN);
    for (std::size_t i = 0; i < std::size(kSignals); ++i) {
        struct sigaction previous {};
        if (::sigaction(kSignals[i], nullptr, &previous) != 0) continue;
        if (previous.sa_handler == SIG_IGN) continue;  // nohup, a background job: stays ignored
        g_previous[i] = previous;
        struct sigaction action {};
        action.sa_handler = removeTempFiles;
        sigemptyset(&action.sa_mask);
        // Block the other cleanup signals while one runs: the table is walked once.
        for (const int other : kSignals)
            sigaddset(&action.sa_mask, other);
        action.sa_flags = SA_RESTART;
        ::sigaction(kSignals[i], &action, nullptr);
    }
}

TempFileGuard::TempFileGuard(const std::string& path) {
    if (path.size() >= static_cast<std::size_t>(kMaxTempPath)) return;
    for (int i = 0; i < kMaxTempFiles; ++i) {
        int expected = kFree;
        if (g_slots[i].state.compare_exchange_strong(expected, kFilling,
                                                     std::memory_order_acquire)) {
            std::memcpy(g_slots[i].path, path.c_str(), path.size() + 1);
            g_slots[i].state.store(kReady, std::memory_order_release);
            m_slot = i;
            return;
        }
    }
}

TempFileGuard::~TempFileGuard() {
    if (m_slot >= 0) g_slots[m_slot].state.store(kFree, std::memory_order_release);
}

}  // namespace nnlens
