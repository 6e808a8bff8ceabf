// Files as every part of nnlens reads and writes them: bounded reads of regular files only, and
// atomic writes (a temporary file beside the target, then a rename), one file or several at once.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "limits.hpp"

namespace nnlens {

// Reads a whole file of at most `maxBytes`. Anything but a regular file (or a symbolic link to
// one) is refused before it is opened for reading, so a named pipe never blocks and a device never
// streams: "<path>: not a regular file (a named pipe)". Throws InputError "<path>: cannot open
// (reason)", or "<path>: larger than the 436 MB a network file can need" (`what` names the kind
// of file) before reading a file that is larger.
std::string readFile(const std::string& path, std::int64_t maxBytes = kMaxNetworkFileBytes,
                     std::string_view what = "a network file");

// Writes `text` to `path` atomically (temporary file in the same folder, then rename). Throws
// std::runtime_error naming the path when the folder is not writable or the disk (or a file size
// limit, EFBIG) refuses the bytes; InputError when `path` is a device or a pipe (never replaced).
// Nothing is left behind on failure and the old file is untouched.
void writeFileAtomic(const std::string& path, std::string_view text);

// Writes several files as one step: every temporary file is written first, then all are renamed.
// A failure before the renames leaves every old file; a failed rename puts back the files already
// replaced (each old file is kept under a hard link until all renames are done).
void writeFilesAtomic(const std::vector<std::pair<std::string, std::string>>& files);

// "436 MB", "1 GB", "1000 bytes": a size for a message.
std::string byteSize(std::int64_t bytes);
// strerror's text for `err`.
std::string systemMessage(int err);

}  // namespace nnlens
