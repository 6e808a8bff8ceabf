// Forward pass: S = X W + b, Out = phi(S) for every layer, keeping each layer's tensors (the seed's
// trace()).
#pragma once

#include <vector>

#include <Eigen/Core>

#include "network.hpp"
#include "types.hpp"

namespace nnlens {

struct LayerTrace {
    Matrix s;    // (N, n_out) pre-activation X W + b
    Matrix out;  // (N, n_out) phi(s)
};

struct Trace {
    Matrix input;                    // (N, F): the first layer's input (the features, or x)
    std::vector<LayerTrace> layers;  // one per layer, in order
    const Matrix& output() const { return layers.empty() ? input : layers.back().out; }
};

// Runs `x` (N, net.inputs) through the input features and every layer (block.hpp's functions, rows
// split over the cores). Throws InputError when x has the wrong width.
Trace forward(const Network& net, const Matrix& x);

}  // namespace nnlens
