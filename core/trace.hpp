// Data flow and statistics (spec section 8): a network split into torch.nn.Sequential's modules,
// the tensors that flow through them forwards and backwards (the seed's trace() and module.grad),
// and a summary of each tensor (mean, std, min, max, histogram).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "backward.hpp"
#include "dataset.hpp"
#include "forward.hpp"
#include "grid.hpp"
#include "loss.hpp"
#include "network.hpp"
#include "types.hpp"

namespace nnlens {

// One module of the seed's torch.nn.Sequential: a layer's Linear (X W + b) or its activation.
struct Module {
    int layer = 0;                               // the layer (0-based) the module belongs to
    bool linear = true;                          // the Linear part; else the activation
    Activation activation = Activation::Linear;  // the layer's activation

    // "linear" for a Linear module, else the activation's name ("tanh", "relu", "softmax", ...).
    std::string_view kind() const;
};

// Module 2i is layer i+1's Linear, module 2i+1 its activation; a `linear` activation adds no
// module (so the seed's 8-4-3-2 relu/relu/linear network has modules 0..4).
std::vector<Module> splitModules(const Network& net);

// mean, std (ddof 0, accumulated in double), min and max of a tensor's values, and their
// histogram as the grid's histograms count it: numpy.histogram over [min, max] in equal bins
// (edges in double, the last bin closed; min = max gives [min - 0.5, min + 0.5]). min, max and
// the histogram take the finite values; a NaN or an infinity makes mean and std NaN or infinite.
struct TensorSummary {
    double mean = 0.0;
    double std = 0.0;
    double min = 0.0;  // 0 when no value is finite
    double max = 0.0;
    Histogram hist;  // hist.min and hist.max are the first and last edge

    // numpy.linspace(hist.min, hist.max, bins + 1): the bins' edges.
    std::vector<double> edges() const;
};

// Throws InputError unless 1 <= bins <= kMaxBins.
TensorSummary summarize(const float* values, std::int64_t count, int bins);

struct TraceConfig {
    std::optional<LossConfig> loss;  // no loss: the forward pass only (no gradients)
    float lossScale = 1.0f;          // K: the loss is K L and every gradient K dL/d.
    int bins = 50;                   // histogram bins of every summary
};

struct ModuleSummary {
    TensorSummary in;
    TensorSummary out;
    std::optional<TensorSummary> grad;  // dL/d(module output), with a loss
    // A Linear module's parameters and, with a loss, their gradients.
    std::optional<TensorSummary> weight, bias, weightGrad, biasGrad;
};

// The forward pass of a data set through every module and, with a loss, the backward pass: the
// tensors themselves (for pictures) and their summaries.
struct ModuleTrace {
    Network net;                           // the parameters traced (W and b of the Linear modules)
    std::vector<Module> modules;           // splitModules(net)
    Trace forward;                         // s and out of every layer
    std::optional<Gradients> gradients;    // with a loss: dW, db, dS, dOut of every layer
    std::vector<ModuleSummary> summaries;  // one per module

    int size() const { return static_cast<int>(modules.size()); }
    std::optional<float> loss() const;  // K L, with a loss

    // The tensors of module m (0 <= m < size()), each (N, features) but W (n_in, n_out) and the
    // biases. A Linear module's input is the previous layer's out (the data for module 0) and its
    // output the layer's s; an activation module goes from s to out. grad() is dL/d(output): dS
    // for a Linear module, dOut for an activation. When a layer's activation is linear, s = out
    // and dS = dOut, and its Linear module gives out and dOut (the next module's input).
    const Matrix& input(int m) const;
    const Matrix& output(int m) const;
    const Matrix* grad(int m) const;        // null without a loss
    const Matrix* weight(int m) const;      // null for an activation module
    const Vector* bias(int m) const;        // null for an activation module
    const Matrix* weightGrad(int m) const;  // null for an activation module or without a loss
    const Vector* biasGrad(int m) const;
};

// The data set a loss sees in a trace: when the data has no target columns (no y, no label), the
// targets are zeros of the output's shape (for ce: class 0), so mse is the seed's
// torch.mean(Xout ** 2). Otherwise `data` as it is.
Dataset withZeroTargets(const Network& net, const Dataset& data, LossConfig loss);

// Runs the trace on the CPU. Checks the data first (its width, and for the loss its targets, as
// checkData does with `source` naming the file) and the config (bins 1..kMaxBins, a finite
// lossScale); throws InputError naming the problem.
ModuleTrace traceModules(const Network& net, const Dataset& data, const TraceConfig& cfg,
                         const std::string& source = {});

}  // namespace nnlens
