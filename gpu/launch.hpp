// The CUDA kernels' launches, declared in plain C++ (pointers to device memory, no CUDA types).
#pragma once

#include <cstddef>
#include <cstdint>

namespace nnlens::gpu {

// One layer inside a flat parameter buffer: W (n_in, n_out) row-major at `w`, b (n_out) at `b`.
struct LayerDesc {
    int in = 0;
    int out = 0;
    int activation = 0;  // nnlens::Activation
    std::int64_t w = 0;
    std::int64_t b = 0;
};

inline constexpr int kMaxLayers = 64;
inline constexpr int kGridMaxWidth = 64;  // widest layer the fused grid kernel keeps in registers

// ---- batches: activations row-major (n, width), one sample a row ----

// dst[i, :] = src[rows[i], :] for floats (cols wide) and ints (labels, cols = 1).
void gatherRows(const float* src, int cols, const int* rows, int n, float* dst);
void gatherLabels(const int* src, const int* rows, int n, int* dst);
// S = X W + b, Out = phi(S) (softmax: per row).
void layerForward(const float* x, const float* params, const LayerDesc& L, int n, float* s,
                  float* out);
// Loss terms of out (n, k) against y / labels / sigma (null when absent); adds the sum of terms
// to *lossSum and writes dL/dout = term gradient * gradScale.
void lossForward(int loss, const float* out, const float* y, const int* labels, const float* sigma,
                 int n, int k, bool softmaxOut, float gradScale, float* dout, double* lossSum);
// dS = dOut .* phi'(S) (softmax: the per-row Jacobian product).
void activationBackward(int activation, const float* s, const float* out, const float* dout, int n,
                        int k, float* ds);
// dW = X^T dS (row-major (in, out)), db = column sums of dS.
void weightGradients(const float* x, const float* ds, int n, int in, int out, float* dW, float* db);
// dX = dS W^T.
void inputGradients(const float* ds, const float* params, const LayerDesc& L, int n, float* dx);
// One optimizer step over `count` parameters (kind: nnlens::OptimizerKind), writing pOut;
// sets *bad to 1 when an updated parameter is not finite.
void optimizerStep(int kind, const float* p, const float* g, float* pOut, float* m, float* v,
                   std::size_t count, float lr, float momentum, bool firstStep, float beta1,
                   float beta2, float eps, float stepSize, float bc2Sqrt, int* bad);

// ---- grid maps: node maps column-major (N = n*n points per node) ----

// Every node of every layer over the grid, one thread per point, all layers in registers.
// xi: the n grid coordinates; s and out: per layer at offsets[l], node j at + j * N.
void gridFused(const float* params, std::size_t paramCount, const LayerDesc* layers, int depth,
               const float* xi, int n, const std::int64_t* offsets, float* s, float* out);
// Per node column (`nodes` columns of N values from `values`): min and max of the finite values
// (ranges[2 j], ranges[2 j + 1]); and of `absOf` (may be null) the largest finite |value|
// (absMax[j]).
void columnRanges(const float* values, const float* absOf, std::int64_t N, int nodes, float* ranges,
                  float* absMax);
// numpy.histogram counts per node: thresholds (nodes, bins + 1), params (nodes, 4) = first,
// scale, lo, hi; counts (nodes, bins) are added to.
void histograms(const float* values, std::int64_t N, int nodes, int bins, const float* thresholds,
                const float* params, unsigned long long* counts);

}  // namespace nnlens::gpu
