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
    Matrix input;                    // (N, D)
    std::vector<LayerTrace> layers;  // one per layer, in order
    const Matrix& output() const { return layers.empty() ? input : layers.back().out; }
};

// Runs `x` (N, net.inputs) through every layer. Throws InputError when x has the wrong width.
Trace forward(const Network& net, const Matrix& x);

// out = phi(s), element-wise (softmax: per row), vectorised with Eigen. Equal to hd::activate()
// up to float rounding (tested).
void applyActivation(Activation a, const Eigen::Ref<const Matrix>& s, Eigen::Ref<Matrix> out);
// dS = dOut .* phi'(s) (softmax: the per-row Jacobian product). `ds` may alias `dout`.
void applyActivationBackward(Activation a, const Eigen::Ref<const Matrix>& s,
                             const Eigen::Ref<const Matrix>& out,
                             const Eigen::Ref<const Matrix>& dout, Eigen::Ref<Matrix> ds);

}  // namespace nnlens
