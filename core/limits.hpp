// Every size limit of nnlens, once: network files, data sets, grid maps and histograms obey these,
// and the CLI's help, the window's controls and the messages read them from here.
#pragma once

#include <cstdint>

namespace nnlens {

// Network shape (spec section 1).
inline constexpr int kMaxLayers = 64;
inline constexpr int kMaxNodes = 4096;   // nodes in one layer
inline constexpr int kMaxInputs = 4096;  // input dimension D
inline constexpr std::int64_t kMaxParameters = 16 * 1024 * 1024;

// JSON nesting in a network file: the format needs 4 levels (top, layers, a layer, weights);
// anything deeper is refused before it is parsed, so no recursion (a copy, a dump, a message that
// shows the value) can run out of stack.
inline constexpr int kMaxJsonDepth = 64;

// What parsing a network file may build, bounded before memory runs out (#12): every JSON value
// of a valid file is a parameter or one of far fewer others (a weights row, a layer, a key), so a
// file with more values than kMaxJsonValues cannot be valid. What the format does not read (unknown
// keys, kept and written back; anything in "view" besides its three numbers) may take at most
// kMaxUnknownJsonBytes in memory, counted as 16 bytes a value plus the bytes of its strings.
inline constexpr std::int64_t kMaxUnknownJsonBytes = std::int64_t{16} << 20;
inline constexpr std::int64_t kMaxJsonValues = kMaxParameters + (std::int64_t{4} << 20);

// File sizes, refused before they are read into memory (and, from a pipe or a device that does
// not tell its size, at the first byte past the limit).
// A network file: 25 bytes a parameter (the longest number formatNetwork writes,
// "-1.1754943508222875e-38", and its ", "), plus 16 MiB for the rest (the keys, the rows'
// brackets and indentation, name, description, unknown keys): about 436 MB.
inline constexpr std::int64_t kMaxNetworkFileBytes = kMaxParameters * 25 + (std::int64_t{16} << 20);

// Grid maps: points per side of a map (the seed's n_grid) and histogram bins (n_bins).
inline constexpr int kMinGrid = 2;
inline constexpr int kMaxGrid = 4096;
inline constexpr int kMaxBins = 1024;

// Generated data sets (nnlens-cli dataset, the window's Data dock).
inline constexpr int kMaxGeneratedRows = 10'000'000;
// A CSV: the largest data set nnlens generates (kMaxGeneratedRows rows of 4 columns: x1, x2, y1
// and sigma or label) with every number as long as numpy's "%.18e" writes it (24 characters) and
// its separator: 1 GB.
inline constexpr std::int64_t kMaxCsvFileBytes = std::int64_t{kMaxGeneratedRows} * 4 * 25;

// The window keeps every node's s, out and coloured image (12 bytes a grid point) within this.
inline constexpr double kMapMemoryBudget = 1.5e9;

}  // namespace nnlens
