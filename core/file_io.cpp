// Bounded reads and atomic writes, on POSIX calls: the temporary file is registered for removal
// by the signal handlers (temp_files.hpp) from the moment it exists.
#include "file_io.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <system_error>

#include "error.hpp"
#include "random.hpp"
#include "temp_files.hpp"

namespace nnlens {

std::string byteSize(std::int64_t bytes) {
    char buf[32];
    if (bytes >= 1'000'000'000) {
        std::snprintf(buf, sizeof buf, "%.3g GB", static_cast<double>(bytes) / 1e9);
    } else if (bytes >= 1'000'000) {
        std::snprintf(buf, sizeof buf, "%.0f MB", static_cast<double>(bytes) / 1e6);
    } else {
        std::snprintf(buf, sizeof buf, "%lld bytes", static_cast<long long>(bytes));
    }
    return buf;
}

std::string systemMessage(int err) {
    return std::system_category().message(err);
}

namespace {

// What a file that is not regular is, for "not a regular file (a named pipe)".
const char* nodeKind(mode_t mode) {
    if (S_ISDIR(mode)) return "a folder";
    if (S_ISFIFO(mode)) return "a named pipe";
    if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a file";
}

// A temporary file written and flushed beside its target, not yet renamed over it.
struct Prepared {
    std::string target;  // as the caller named it (messages)
    std::string path;    // the file to replace (a symbolic link's target)
    std::string tmp;
    std::unique_ptr<TempFileGuard> guard;
};

std::runtime_error failure(const std::string& path, const char* what, int err) {
    return std::runtime_error(path + ": " + what + " (" + systemMessage(err) + ")");
}

Prepared prepare(const std::string& target, std::string_view text) {
    Prepared out;
    out.target = target;
    // Through a symbolic link to its target (the link stays a link), and never over a device
    // node or a pipe: replacing those with a regular file would lose them. (A folder is left to
    // the rename, which fails.)
    out.path = target;
    struct stat link {};
    if (::lstat(target.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
        std::error_code ec;
        const auto resolved = std::filesystem::weakly_canonical(target, ec);
        if (!ec) out.path = resolved.string();
    }
    const std::string& path = out.path;
    struct stat node {};
    if (::stat(path.c_str(), &node) == 0 && !S_ISREG(node.st_mode) && !S_ISDIR(node.st_mode)) {
        throw InputError(target + ": is not a regular file (not replaced)");
    }

    // "<path>.tmp-XXXXXX" beside the target, so the rename stays within one file system.
    static std::atomic<std::uint64_t> counter{0};
    Random rng(
        static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
        (static_cast<std::uint64_t>(::getpid()) << 32) ^ counter.fetch_add(1));
    int fd = -1;
    // The file is registered for removal on SIGINT/SIGTERM (installTempFileCleanup) as it is
    // created: those signals wait while both happen, so none can leave it behind unregistered.
    {
        sigset_t cleanupSignals, previousMask;
        sigemptyset(&cleanupSignals);
        for (const int sig : {SIGINT, SIGTERM, SIGHUP})
            sigaddset(&cleanupSignals, sig);
        ::pthread_sigmask(SIG_BLOCK, &cleanupSignals, &previousMask);
        for (int attempt = 0; attempt < 100; ++attempt) {
            out.tmp = path + ".tmp-";
            for (int k = 0; k < 6; ++k)
                out.tmp += "abcdefghijklmnopqrstuvwxyz0123456789"[rng.below(36)];
            fd = ::open(out.tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
            if (fd >= 0 || errno != EEXIST) break;
        }
        const int openErrno = errno;
        if (fd >= 0) out.guard = std::make_unique<TempFileGuard>(out.tmp);
        ::pthread_sigmask(SIG_SETMASK, &previousMask, nullptr);
        errno = openErrno;
    }
    if (fd < 0) throw failure(path, "cannot write", errno);

    const auto abandon = [&](const char* what, int err) {
        if (fd >= 0) ::close(fd);
        ::unlink(out.tmp.c_str());
        return failure(path, what, err);
    };

    // Keep the permissions of a file being replaced.
    struct stat existing {};
    if (::stat(path.c_str(), &existing) == 0) ::fchmod(fd, existing.st_mode & 07777);

    // A file size limit (ulimit -f) gives EFBIG here: SIGXFSZ is ignored (installTempFileCleanup).
    const char* p = text.data();
    std::size_t left = text.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw abandon("cannot write", errno);
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) throw abandon("cannot write", errno);
    const int closed = ::close(fd);
    fd = -1;
    if (closed != 0) throw abandon("cannot write", errno);
    return out;
}

// Makes a rename in `path`'s folder durable; failing here loses nothing already written.
void syncFolderOf(const std::string& path) {
    const std::size_t slash = path.rfind('/');
    const std::string dir = slash == std::string::npos
                                ? std::string(".")
                                : path.substr(0, std::max<std::size_t>(slash, 1));
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
}

}  // namespace

void writeFileAtomic(const std::string& target, std::string_view text) {
    Prepared file = prepare(target, text);
    if (::rename(file.tmp.c_str(), file.path.c_str()) != 0) {
        const int err = errno;
        ::unlink(file.tmp.c_str());
        throw failure(file.path, "cannot replace", err);
    }
    syncFolderOf(file.path);
}

void writeFilesAtomic(const std::vector<std::pair<std::string, std::string>>& files) {
    std::vector<Prepared> prepared;
    prepared.reserve(files.size());
    try {
        for (const auto& [path, text] : files)
            prepared.push_back(prepare(path, text));
    } catch (...) {
        for (const Prepared& p : prepared)
            ::unlink(p.tmp.c_str());
        throw;
    }
    // Each old file stays reachable under "<tmp>.old" (a hard link) until every rename is done.
    std::vector<std::string> backups(prepared.size());
    for (std::size_t i = 0; i < prepared.size(); ++i) {
        const std::string backup = prepared[i].tmp + ".old";
        if (::link(prepared[i].path.c_str(), backup.c_str()) == 0) backups[i] = backup;
    }
    std::size_t done = 0;
    for (; done < prepared.size(); ++done) {
        if (::rename(prepared[done].tmp.c_str(), prepared[done].path.c_str()) != 0) break;
    }
    if (done < prepared.size()) {
        const int err = errno;
        // Put back what was replaced (a file that did not exist before is removed again).
        for (std::size_t i = 0; i < done; ++i) {
            if (!backups[i].empty()) {
                ::rename(backups[i].c_str(), prepared[i].path.c_str());
                backups[i].clear();
            } else {
                ::unlink(prepared[i].path.c_str());
            }
        }
        for (std::size_t i = done; i < prepared.size(); ++i)
            ::unlink(prepared[i].tmp.c_str());
        for (const std::string& b : backups)
            if (!b.empty()) ::unlink(b.c_str());
        throw failure(prepared[done].path, "cannot replace", err);
    }
    for (const std::string& b : backups)
        if (!b.empty()) ::unlink(b.c_str());
    for (const Prepared& p : prepared)
        syncFolderOf(p.path);
}

std::string readFile(const std::string& path, std::int64_t maxBytes, std::string_view what) {
    // Checked before the open: opening a named pipe for reading blocks until a writer comes.
    struct stat before {};
    if (::stat(path.c_str(), &before) == 0 && !S_ISREG(before.st_mode)) {
        throw InputError(path + ": not a regular file (" + nodeKind(before.st_mode) + ")");
    }
    // O_NONBLOCK: a pipe put there since the check still does not block the open.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) throw InputError(path + ": cannot open (" + systemMessage(errno) + ")");
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw InputError(path + ": not a regular file (" + nodeKind(st.st_mode) + ")");
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    const auto tooLarge = [&] {
        ::close(fd);
        return InputError(path + ": larger than the " + byteSize(maxBytes) + " " +
                          std::string(what) + " can need");
    };
    // A regular file says its size: refused before anything is allocated. It is still read
    // against the limit (it may grow while it is read).
    if (st.st_size > maxBytes) throw tooLarge();
    std::string text;
    text.reserve(static_cast<std::size_t>(st.st_size));
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            const int err = errno;
            ::close(fd);
            throw InputError(path + ": cannot read (" + systemMessage(err) + ")");
        }
        if (n == 0) break;
        if (static_cast<std::int64_t>(text.size()) + n > maxBytes) throw tooLarge();
        text.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return text;
}

}  // namespace nnlens
