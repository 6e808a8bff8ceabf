// Reading the files the window opens: built-in resources whole, anything else bounded.
#pragma once

#include <QString>

#include <cstdint>
#include <string>
#include <string_view>

namespace nnlens::model {

// The bytes of `path`: a built-in resource (":/presets/...") through Qt, anything else through
// core's readFile (a regular file of at most `maxBytes`: a named pipe, a device or a larger file
// is refused before it is read). Throws InputError with the reason only ("not a regular file (a
// named pipe)", "larger than the 436 MB a network file can need"): the caller names the file.
std::string readWindowFile(const QString& path, std::int64_t maxBytes, std::string_view what);

}  // namespace nnlens::model
