// The CUDA kernels' launches, declared in plain C++: pointers to device memory and core's own
// enums and structs. Each returns the launch's cudaError_t instead of checking it, so the caller
// wraps it in NNLENS_CUDA_CHECK and a failure names the caller's file and line.
#pragma once

#include <cstddef>
#include <cstdint>

#include <cuda_runtime_api.h>

#include "core/activation.hpp"
#include "core/features.hpp"
#include "core/limits.hpp"
#include "core/loss.hpp"
#include "core/optimizer.hpp"

namespace nnlens::gpu {

// One layer inside a flat parameter buffer: W (n_in, n_out) row-major at `w`, b (n_out) at `b`.
struct LayerDesc {
    int in = 0;
    int out = 0;
    Activation activation = Activation::Linear;
    std::int64_t w = 0;
    std::int64_t b = 0;
};

// A network as the grid kernel sees it, passed by value as a kernel parameter: every launch has
// its own copy, so two evaluators (a map worker and a training view, say) never share it.
struct GridLayers {
    LayerDesc layer[kMaxLayers];
    std::int64_t offset[kMaxLayers];  // s and out of layer l start at offset[l]; node j at + j N
    int depth = 0;
    int features = 0;                     // input features (0: the first layer reads x1, x2)
    Feature feature[kFeatureKinds] = {};  // in the first layer's row order
};

inline constexpr int kGridMaxWidth = 64;  // widest layer the fused grid kernel handles

// Where one step of a multi-step training call stands on the device: the optimizer launch of step
// `step` does nothing when an earlier step failed or its loss is not finite, and marks a failure
// (loss or update not finite) in *firstBad (atomicMin, so it holds the first failed step).
struct StepGuard {
    const double* lossSum = nullptr;  // (device) the step's summed loss terms
    double divisor = 1.0;             // loss = lossSum / divisor: the term count (mean) or 1 (sum)
    int step = 0;                     // the step's index in the call
    int* firstBad = nullptr;          // (device) the first failed step; the step count when none
};

// ---- batches: activations row-major (n, width), one sample a row ----

// dst[i, :] = src[rows[i], :] for floats (cols wide) and ints (labels, cols = 1).
[[nodiscard]] cudaError_t gatherRows(const float* src, int cols, const int* rows, int n,
                                     float* dst);
[[nodiscard]] cudaError_t gatherLabels(const int* src, const int* rows, int n, int* dst);
// S = X W + b, Out = phi(S) (softmax: per row).
[[nodiscard]] cudaError_t layerForward(const float* x, const float* params, const LayerDesc& L,
                                       int n, float* s, float* out);
// Loss terms of out (n, k) against y / labels / sigma (null when absent); adds the sum of terms
// to *lossSum and writes dL/dout = term gradient * gradScale. ce after softmax (softmaxOut) goes
// through the last layer's `logits` (its s) and also writes dL/ds into `ds` (the caller skips
// that layer's activation backward; fusedSoftmaxLoss in core/backward.hpp).
[[nodiscard]] cudaError_t lossForward(Loss loss, const float* out, const float* logits,
                                      const float* y, const int* labels, const float* sigma, int n,
                                      int k, bool softmaxOut, float gradScale, float* dout,
                                      float* ds, double* lossSum);
// dS = dOut .* phi'(S) (softmax: the per-row Jacobian product).
[[nodiscard]] cudaError_t activationBackward(Activation activation, const float* s,
                                             const float* out, const float* dout, int n, int k,
                                             float* ds);
// dW = X^T dS (row-major (in, out)), db = column sums of dS; a block reduction over the n rows.
// With weights W (else null), dW gains the penalty's gradient l1 sign(W) + l2 W.
[[nodiscard]] cudaError_t weightGradients(const float* x, const float* ds, int n, int in, int out,
                                          float* dW, float* db, const float* W = nullptr,
                                          float l1 = 0.0f, float l2 = 0.0f);
// dX = dS W^T.
[[nodiscard]] cudaError_t inputGradients(const float* ds, const float* params, const LayerDesc& L,
                                         int n, float* dx);
// One optimizer step over `count` parameters with core's update rule for `kind`, writing pOut
// and advancing the moments m (momentum, adam) and v (adam), unless `guard` says the step failed
// before its update (see StepGuard). Throws InputError for a kind that is none of core's.
[[nodiscard]] cudaError_t optimizerStep(OptimizerKind kind, const float* p, const float* g,
                                        float* pOut, float* m, float* v, std::size_t count,
                                        const OptimizerConfig& cfg, const OptimizerStepScalars& k,
                                        const StepGuard& guard);
// params = next unless step `step` or an earlier one failed (*firstBad <= step): a failed step
// leaves the parameters of before it.
[[nodiscard]] cudaError_t commitStep(const float* next, float* params, std::size_t count, int step,
                                     const int* firstBad);

// ---- grid maps: node maps column-major (N = n*n points per node) ----

// s and out of every node of layers [first, depth) over the grid, one thread per point; layer
// `first` reads its inputs from the grid (first == 0) or from the stored out of layer first - 1.
// With node >= 0 only that node of layer `first` is recomputed (unless the layer is softmax) and
// the others' stored outputs feed the next layer. xi: the n grid coordinates; s and out: per layer
// at layers.offset[l], node j at + j * N. No layer may be wider than kGridMaxWidth.
[[nodiscard]] cudaError_t gridForward(const float* params, std::size_t paramCount,
                                      const GridLayers& layers, int first, int node,
                                      const float* xi, int n, float* s, float* out);
// Per node column (`nodes` columns of N values from `values`): min and max of the finite values
// (ranges[2 j], ranges[2 j + 1]); and of `absOf` (may be null) the largest finite |value|
// (absMax[j]).
[[nodiscard]] cudaError_t columnRanges(const float* values, const float* absOf, std::int64_t N,
                                       int nodes, float* ranges, float* absMax);
// numpy.histogram counts per node: thresholds (nodes, bins + 1), params (nodes, 4) = first,
// scale, lo, hi; counts (nodes, bins) are added to.
[[nodiscard]] cudaError_t histograms(const float* values, std::int64_t N, int nodes, int bins,
                                     const float* thresholds, const float* params,
                                     unsigned long long* counts);

}  // namespace nnlens::gpu
