// The memory a network's maps (or a command's result over them) may take: one rule for the
// window's map worker, its Grid points box and the CLI's grid, render and forward.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "limits.hpp"
#include "network.hpp"

namespace nnlens {

// The nodes of every layer, summed: the maps a grid evaluation makes.
inline std::int64_t nodeCount(const Network& net) {
    std::int64_t nodes = 0;
    for (const Layer& layer : net.layers)
        nodes += layer.outputs();
    return nodes;
}

// The largest grid side n whose n * n * nodes values of `bytesPerValue` bytes each keep within
// `budget` (not clamped to the grid limits).
inline std::int64_t largestGrid(std::int64_t nodes, double bytesPerValue,
                                double budget = kMapMemoryBudget) {
    const double perPoint = bytesPerValue * static_cast<double>(std::max<std::int64_t>(nodes, 1));
    return static_cast<std::int64_t>(std::sqrt(budget / perPoint));
}

}  // namespace nnlens
