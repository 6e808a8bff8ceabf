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

// Grid maps: points per side of a map (the seed's n_grid) and histogram bins (n_bins).
inline constexpr int kMinGrid = 2;
inline constexpr int kMaxGrid = 4096;
inline constexpr int kMaxBins = 1024;

// Generated data sets (nnlens-cli dataset, the window's Data dock).
inline constexpr int kMaxGeneratedRows = 10'000'000;

// The window keeps every node's s, out and coloured image (12 bytes a grid point) within this.
inline constexpr double kMapMemoryBudget = 1.5e9;

}  // namespace nnlens
