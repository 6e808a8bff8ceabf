// Temporary files of atomic saves: removed when a signal ends the process in the middle of a write.
#pragma once

#include <string>

namespace nnlens {

// Installs handlers for SIGINT, SIGTERM and SIGHUP that remove every temporary file a TempFileGuard
// holds, then restore the previous disposition and raise the signal again: the process still ends
// as that signal says (a shell reports "Terminated", exit status 128 + n). A signal that is ignored
// stays ignored. Call once, early in main(); without it a signal leaves the temporary file behind
// (the target is never touched). It also ignores SIGXFSZ, so that a file size limit (ulimit -f) is
// a write error (EFBIG) that the writer reports, not the end of the process.
void installTempFileCleanup();

// Registers a temporary file while it exists (writeFileAtomic holds one around its write). The
// table is fixed (kMaxTempFiles paths of up to kMaxTempPath bytes) and async-signal-safe: the
// handler only reads it and calls unlink(). A path that does not fit, or a full table, is simply
// not registered.
class TempFileGuard {
  public:
    explicit TempFileGuard(const std::string& path);
    ~TempFileGuard();
    TempFileGuard(const TempFileGuard&) = delete;
    TempFileGuard& operator=(const TempFileGuard&) = delete;

    bool registered() const { return m_slot >= 0; }

  private:
    int m_slot = -1;
};

inline constexpr int kMaxTempFiles = 32;
inline constexpr int kMaxTempPath = 4096;  // PATH_MAX on Linux, with its terminating NUL

}  // namespace nnlens
