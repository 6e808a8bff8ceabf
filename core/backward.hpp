// Backward pass: the loss of a trace against targets and dL/dW, dL/db, dL/ds, dL/dout for every
// layer.
#pragma once

#include <vector>

#include "dataset.hpp"
#include "forward.hpp"
#include "loss.hpp"

namespace nnlens {

struct LayerGradients {
    Matrix dW;    // (n_in, n_out)
    Vector db;    // (n_out)
    Matrix dS;    // (N, n_out)
    Matrix dOut;  // (N, n_out)
};

struct Gradients {
    float loss = 0.0f;
    std::vector<LayerGradients> layers;
};

// Checks that `data` fits `net` for `loss` (input width, target width, labels in range, sigma
// present for chi2, sigma > 0, bce targets in [0, 1]); throws InputError naming the problem.
// `source` (a file name) starts the message.
void checkData(const Network& net, const Dataset& data, LossConfig loss, const std::string& source);

// The loss of `out` (N, K) against `data`'s targets; when `dout` is given it receives dL/dout.
// `outIsSoftmax` selects the NLL form of ce (spec section 3). With a softmax output, ce given the
// last layer's `logits` (s, (N, K)) is computed through log-softmax (finite wherever s is), and
// `ds` (when given) receives dL/ds directly: the caller skips that layer's softmax backward.
float evaluateLoss(LossConfig cfg, const Eigen::Ref<const Matrix>& out, const Dataset& data,
                   bool outIsSoftmax, Matrix* dout, const Matrix* logits = nullptr,
                   Matrix* ds = nullptr);
// Whether evaluateLoss fuses the loss with the last layer (ce after softmax): dL/ds comes from
// the loss and the last layer's activation backward is skipped.
bool fusedSoftmaxLoss(LossConfig cfg, bool outIsSoftmax);

// Gradients of the loss of `trace` (made by forward() on data.x) with respect to every tensor.
// `lossScale` K multiplies the loss (the seed's `100 * torch.mean(..)`): dL/dout is scaled once,
// before the chain rule, so every gradient is that of K L as autograd computes it.
Gradients backward(const Network& net, const Trace& trace, const Dataset& data, LossConfig cfg,
                   float lossScale = 1.0f);

}  // namespace nnlens
