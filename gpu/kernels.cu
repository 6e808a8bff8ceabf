// CUDA kernels: every formula comes from core's NNLENS_HD functions (activation, loss, optimizer,
// bin).
#include <algorithm>
#include <string>

#include <cuda_runtime.h>

#include "core/activation.hpp"
#include "core/binning.hpp"
#include "core/error.hpp"
#include "core/loss.hpp"
#include "core/optimizer.hpp"
#include "launch.hpp"

namespace nnlens::gpu {

namespace {

constexpr int kThreads = 256;
constexpr unsigned kFullMask = 0xffffffffu;

unsigned blocksFor(std::int64_t n) {
    return static_cast<unsigned>((n + kThreads - 1) / kThreads);
}

__global__ void gatherRowsKernel(const float* src, int cols, const int* rows, int n, float* dst) {
    const std::int64_t t = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x;
    if (t >= static_cast<std::int64_t>(n) * cols) return;
    const int i = static_cast<int>(t / cols), c = static_cast<int>(t % cols);
    dst[t] = src[static_cast<std::int64_t>(rows[i]) * cols + c];
}

__global__ void gatherLabelsKernel(const int* src, const int* rows, int n, int* dst) {
    const int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) dst[i] = src[rows[i]];
}

// s[i, j] = b[j] + sum_k x[i, k] W[k, j]; out = phi(s) for element-wise activations.
__global__ void layerKernel(const float* x, const float* P, LayerDesc L, int n, float* s,
                            float* out) {
    const std::int64_t t = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x;
    if (t >= static_cast<std::int64_t>(n) * L.out) return;
    const int i = static_cast<int>(t / L.out), j = static_cast<int>(t % L.out);
    float acc = P[L.b + j];
    const float* xi = x + static_cast<std::int64_t>(i) * L.in;
    for (int k = 0; k < L.in; ++k)
        acc += xi[k] * P[L.w + static_cast<std::int64_t>(k) * L.out + j];
    s[t] = acc;
    if (L.activation != Activation::Softmax) out[t] = hd::activate(L.activation, acc);
}

__global__ void softmaxRowsKernel(const float* s, int n, int k, float* out) {
    const int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        hd::softmaxRow(s + static_cast<std::int64_t>(i) * k, out + static_cast<std::int64_t>(i) * k,
                       k);
}

__global__ void lossElementsKernel(Loss loss, const float* out, const float* y, const float* sigma,
                                   std::int64_t count, float gradScale, float* dout,
                                   double* lossSum) {
    const std::int64_t t = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x;
    if (t >= count) return;
    const float sg = sigma ? sigma[t] : 1.0f;
    atomicAdd(lossSum, static_cast<double>(hd::lossTerm(loss, out[t], y[t], sg)));
    dout[t] = hd::lossTermGradient(loss, out[t], y[t], sg) * gradScale;
}

__global__ void crossEntropyKernel(const float* out, const float* logits, const int* labels, int n,
                                   int k, bool softmaxOut, float gradScale, float* dout, float* ds,
                                   double* lossSum) {
    const int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    const std::int64_t row = static_cast<std::int64_t>(i) * k;
    float* g = dout + row;
    float term = 0.0f;
    if (softmaxOut) {
        // Through the logits: finite where -log out[label] would be inf (#19).
        term = hd::softmaxCrossEntropyRow(logits + row, out + row, k, 1, labels[i], ds + row, g);
        for (int c = 0; c < k; ++c)
            ds[row + c] *= gradScale;
    } else {
        term = hd::crossEntropyRow(out + row, k, 1, labels[i], false, g);
    }
    for (int c = 0; c < k; ++c)
        g[c] *= gradScale;
    atomicAdd(lossSum, static_cast<double>(term));
}

__global__ void activationBackwardKernel(Activation activation, const float* s, const float* out,
                                         const float* dout, std::int64_t count, float* ds) {
    const std::int64_t t = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x;
    if (t < count) ds[t] = dout[t] * hd::derivative(activation, s[t], out[t]);
}

__global__ void softmaxBackwardKernel(const float* out, const float* dout, int n, int k,
                                      float* ds) {
    const int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        const std::int64_t o = static_cast<std::int64_t>(i) * k;
        hd::softmaxBackwardRow(out + o, dout + o, ds + o, k);
    }
}

// The sum of every thread's v, valid in thread 0: shuffles within each warp, then the warps'
// sums through shared memory and one more warp of shuffles. Always the same order, so the same
// result on every run. blockDim.x must be a multiple of 32 and every thread of the block must call.
__device__ float blockSum(float v) {
    __shared__ float warpSums[32];
    for (int o = 16; o > 0; o /= 2)
        v += __shfl_down_sync(kFullMask, v, o);
    const unsigned lane = threadIdx.x % 32, warp = threadIdx.x / 32;
    if (lane == 0) warpSums[warp] = v;
    __syncthreads();
    if (warp == 0) {
        v = lane < blockDim.x / 32 ? warpSums[lane] : 0.0f;
        for (int o = 16; o > 0; o /= 2)
            v += __shfl_down_sync(kFullMask, v, o);
    }
    return v;
}

// dW[k, j] = sum_i x[i, k] dS[i, j] and db[j] = sum_i dS[i, j] (k == in): one block per parameter
// (blockIdx.x = j, blockIdx.y = k); its threads take every blockDim-th row of the batch and
// blockSum() adds their partial sums.
__global__ void weightGradKernel(const float* __restrict__ x, const float* __restrict__ ds, int n,
                                 int in, int out, float* dW, float* db, const float* W, float l1,
                                 float l2) {
    const int j = static_cast<int>(blockIdx.x), k = static_cast<int>(blockIdx.y);
    float acc = 0.0f;
    for (int i = static_cast<int>(threadIdx.x); i < n; i += static_cast<int>(blockDim.x)) {
        const float d = ds[static_cast<std::int64_t>(i) * out + j];
        acc += k == in ? d : x[static_cast<std::int64_t>(i) * in + k] * d;
    }
    acc = blockSum(acc);
    if (threadIdx.x == 0) {
        if (k == in) {
            db[j] = acc;
        } else {
            const std::int64_t at = static_cast<std::int64_t>(k) * out + j;
            // Training with regularization: the penalty's gradient joins dW (spec section 10).
            dW[at] = W ? acc + hd::penaltyGradient(W[at], l1, l2) : acc;
        }
    }
}

// dx[i, k] = sum_j ds[i, j] W[k, j]
__global__ void inputGradKernel(const float* ds, const float* P, LayerDesc L, int n, float* dx) {
    const std::int64_t t = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x;
    if (t >= static_cast<std::int64_t>(n) * L.in) return;
    const int i = static_cast<int>(t / L.in), k = static_cast<int>(t % L.in);
    const float* d = ds + static_cast<std::int64_t>(i) * L.out;
    const float* w = P + L.w + static_cast<std::int64_t>(k) * L.out;
    float acc = 0.0f;
    for (int j = 0; j < L.out; ++j)
        acc += d[j] * w[j];
    dx[t] = acc;
}

// One thread per parameter; the kind is a template argument, chosen by an exhaustive switch on the
// host, so no kind falls through to another's rule.
template <OptimizerKind K>
__global__ void optimizerKernel(const float* p, const float* g, float* pOut, float* m, float* v,
                                std::size_t count, OptimizerConfig cfg, OptimizerStepScalars k,
                                StepGuard guard) {
    const std::size_t t = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
    if (t >= count) return;
    // Only this launch's own threads write *firstBad meanwhile, and only with guard.step, so this
    // test reads the same either way.
    if (*static_cast<volatile const int*>(guard.firstBad) < guard.step) return;
    const float loss = static_cast<float>(*guard.lossSum / guard.divisor);
    if (!isfinite(loss)) {  // as the CPU session: no update, no change to the moments
        if (t == 0) atomicMin(guard.firstBad, guard.step);
        return;
    }
    float r;
    if constexpr (K == OptimizerKind::Sgd) {
        r = hd::sgdUpdate(p[t], g[t], k.lr);
    } else if constexpr (K == OptimizerKind::Momentum) {
        r = hd::momentumUpdate(p[t], g[t], m[t], k.lr, cfg.momentum, k.firstStep);
    } else {
        static_assert(K == OptimizerKind::Adam);
        r = hd::adamUpdate(p[t], g[t], m[t], v[t], cfg.beta1, cfg.beta2, cfg.eps, k.stepSize,
                           k.biasCorrection2Sqrt);
    }
    pOut[t] = r;
    if (!isfinite(r)) atomicMin(guard.firstBad, guard.step);
}

__global__ void commitKernel(const float* next, float* params, std::size_t count, int step,
                             const int* firstBad) {
    const std::size_t t = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
    if (t<count&& * firstBad> step) params[t] = next[t];
}

// One thread per grid point runs layers [first, depth) and writes every recomputed node's s and
// out, column-major per layer (coalesced: neighbouring threads, neighbouring points). The layer
// table is a __grid_constant__ parameter: read in place from the launch's parameter bank, never
// copied per thread and never shared with another launch.
template <int kWidth>
__global__ void gridKernel(const float* __restrict__ P, int paramCount, bool sharedParams,
                           const __grid_constant__ GridLayers G, int first, int node,
                           const float* __restrict__ xi, int n, float* __restrict__ s,
                           float* __restrict__ out) {
    extern __shared__ float shared[];
    const float* W = P;
    if (sharedParams) {
        for (int i = threadIdx.x; i < paramCount; i += blockDim.x)
            shared[i] = P[i];
        __syncthreads();
        W = shared;
    }
    const std::int64_t N = static_cast<std::int64_t>(n) * n;
    const std::int64_t k = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x;
    if (k >= N) return;
    // One point's inputs (a) and sums (z) of the current layer. They are indexed at run time, so
    // they live in per-thread local memory (cached in L1), not in registers; kWidth bounds that
    // footprint by the widest layer.
    float a[kWidth];
    float z[kWidth];
    if (first == 0) {
        const float x1 = xi[k % n];  // x_i[col]
        const float x2 = xi[k / n];  // x_i[row]
        if (G.features == 0) {
            a[0] = x1;
            a[1] = x2;
        } else {
            for (int f = 0; f < G.features; ++f)
                a[f] = hd::feature(G.feature[f], x1, x2);
        }
    } else {
        const std::int64_t o = G.offset[first - 1];
        for (int i = 0; i < G.layer[first - 1].out; ++i)
            a[i] = out[o + i * N + k];
    }
    for (int l = first; l < G.depth; ++l) {
        const LayerDesc& L = G.layer[l];
        const std::int64_t o = G.offset[l];
        const bool single = l == first && node >= 0 && L.activation != Activation::Softmax;
        const int j0 = single ? node : 0, j1 = single ? node + 1 : L.out;
        for (int j = j0; j < j1; ++j) {
            float acc = W[L.b + j];
            for (int i = 0; i < L.in; ++i)
                acc += a[i] * W[L.w + i * L.out + j];
            z[j] = acc;
            s[o + j * N + k] = acc;
        }
        if (L.activation == Activation::Softmax) {
            hd::softmaxRow(z, a, L.out);
        } else {
            // The nodes this pass leaves alone feed the next layer with their stored outputs.
            if (single && l + 1 < G.depth) {
                for (int j = 0; j < L.out; ++j)
                    a[j] = out[o + j * N + k];
            }
            for (int j = j0; j < j1; ++j)
                a[j] = hd::activate(L.activation, z[j]);
        }
        for (int j = j0; j < j1; ++j)
            out[o + j * N + k] = a[j];
    }
}

// One block per column: min and max of the finite values, and the largest finite |absOf|.
__global__ void columnRangeKernel(const float* values, const float* absOf, std::int64_t N,
                                  float* ranges, float* absMax) {
    __shared__ float lo[kThreads], hi[kThreads], am[kThreads];
    const std::int64_t base = blockIdx.x * N;
    float l = INFINITY, h = -INFINITY, m = 0.0f;
    for (std::int64_t i = threadIdx.x; i < N; i += blockDim.x) {
        const float v = values[base + i];
        if (isfinite(v)) {
            l = fminf(l, v);
            h = fmaxf(h, v);
        }
        if (absOf) {
            const float o = fabsf(absOf[base + i]);
            if (isfinite(o)) m = fmaxf(m, o);
        }
    }
    lo[threadIdx.x] = l;
    hi[threadIdx.x] = h;
    am[threadIdx.x] = m;
    __syncthreads();
    for (int stride = blockDim.x / 2; stride > 0; stride /= 2) {
        if (threadIdx.x < stride) {
            lo[threadIdx.x] = fminf(lo[threadIdx.x], lo[threadIdx.x + stride]);
            hi[threadIdx.x] = fmaxf(hi[threadIdx.x], hi[threadIdx.x + stride]);
            am[threadIdx.x] = fmaxf(am[threadIdx.x], am[threadIdx.x + stride]);
        }
        __syncthreads();
    }
    if (threadIdx.x == 0) {
        const bool any = lo[0] <= hi[0];
        ranges[2 * blockIdx.x] = any ? lo[0] : 0.0f;
        ranges[2 * blockIdx.x + 1] = any ? hi[0] : 0.0f;
        if (absMax) absMax[blockIdx.x] = am[0];
    }
}

// blockIdx.y is the node; shared-memory counts, then one atomic add per bin and block.
__global__ void histogramKernel(const float* values, std::int64_t N, int bins,
                                const float* thresholds, const float* params,
                                unsigned long long* counts) {
    extern __shared__ unsigned int local[];
    const int node = blockIdx.y;
    for (int b = threadIdx.x; b <= bins; b += blockDim.x)
        local[b] = 0;
    __syncthreads();
    const float* t = thresholds + static_cast<std::int64_t>(node) * (bins + 1);
    const float first = params[4 * node], scale = params[4 * node + 1];
    const float lo = params[4 * node + 2], hi = params[4 * node + 3];
    const float* v = values + static_cast<std::int64_t>(node) * N;
    for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < N;
         i += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
        atomicAdd(&local[hd::histogramBin(v[i], first, scale, t, bins, lo, hi)], 1u);
    }
    __syncthreads();
    for (int b = threadIdx.x; b < bins; b += blockDim.x) {
        if (local[b])
            atomicAdd(&counts[static_cast<std::int64_t>(node) * bins + b],
                      static_cast<unsigned long long>(local[b]));
    }
}

}  // namespace

// Every wrapper launches nothing for an empty batch (a grid of 0 blocks is a launch error) and
// returns cudaGetLastError() of its launches for the caller's NNLENS_CUDA_CHECK.

cudaError_t gatherRows(const float* src, int cols, const int* rows, int n, float* dst) {
    if (n == 0 || cols == 0) return cudaSuccess;
    gatherRowsKernel<<<blocksFor(static_cast<std::int64_t>(n) * cols), kThreads>>>(src, cols, rows,
                                                                                   n, dst);
    return cudaGetLastError();
}

cudaError_t gatherLabels(const int* src, const int* rows, int n, int* dst) {
    if (n == 0) return cudaSuccess;
    gatherLabelsKernel<<<blocksFor(n), kThreads>>>(src, rows, n, dst);
    return cudaGetLastError();
}

cudaError_t layerForward(const float* x, const float* params, const LayerDesc& L, int n, float* s,
                         float* out) {
    if (n == 0 || L.out == 0) return cudaSuccess;
    layerKernel<<<blocksFor(static_cast<std::int64_t>(n) * L.out), kThreads>>>(x, params, L, n, s,
                                                                               out);
    if (L.activation != Activation::Softmax) return cudaGetLastError();
    if (const cudaError_t e = cudaGetLastError(); e != cudaSuccess) return e;
    softmaxRowsKernel<<<blocksFor(n), kThreads>>>(s, n, L.out, out);
    return cudaGetLastError();
}

cudaError_t lossForward(Loss loss, const float* out, const float* logits, const float* y,
                        const int* labels, const float* sigma, int n, int k, bool softmaxOut,
                        float gradScale, float* dout, float* ds, double* lossSum) {
    if (n == 0 || k == 0) return cudaSuccess;
    if (loss == Loss::Ce) {
        crossEntropyKernel<<<blocksFor(n), kThreads>>>(out, logits, labels, n, k, softmaxOut,
                                                       gradScale, dout, ds, lossSum);
    } else {
        const std::int64_t count = static_cast<std::int64_t>(n) * k;
        lossElementsKernel<<<blocksFor(count), kThreads>>>(loss, out, y, sigma, count, gradScale,
                                                           dout, lossSum);
    }
    return cudaGetLastError();
}

cudaError_t activationBackward(Activation activation, const float* s, const float* out,
                               const float* dout, int n, int k, float* ds) {
    if (n == 0 || k == 0) return cudaSuccess;
    if (activation == Activation::Softmax) {
        softmaxBackwardKernel<<<blocksFor(n), kThreads>>>(out, dout, n, k, ds);
    } else {
        const std::int64_t count = static_cast<std::int64_t>(n) * k;
        activationBackwardKernel<<<blocksFor(count), kThreads>>>(activation, s, out, dout, count,
                                                                 ds);
    }
    return cudaGetLastError();
}

cudaError_t weightGradients(const float* x, const float* ds, int n, int in, int out, float* dW,
                            float* db, const float* W, float l1, float l2) {
    if (out == 0) return cudaSuccess;
    // A warp per 32 rows up to kThreads; small batches leave no block mostly idle.
    const int threads = std::clamp((n + 31) / 32 * 32, 32, kThreads);
    const dim3 grid(static_cast<unsigned>(out), static_cast<unsigned>(in + 1));
    weightGradKernel<<<grid, threads>>>(x, ds, n, in, out, dW, db, W, l1, l2);
    return cudaGetLastError();
}

cudaError_t inputGradients(const float* ds, const float* params, const LayerDesc& L, int n,
                           float* dx) {
    if (n == 0 || L.in == 0) return cudaSuccess;
    inputGradKernel<<<blocksFor(static_cast<std::int64_t>(n) * L.in), kThreads>>>(ds, params, L, n,
                                                                                  dx);
    return cudaGetLastError();
}

cudaError_t optimizerStep(OptimizerKind kind, const float* p, const float* g, float* pOut, float* m,
                          float* v, std::size_t count, const OptimizerConfig& cfg,
                          const OptimizerStepScalars& k, const StepGuard& guard) {
    const unsigned blocks = blocksFor(static_cast<std::int64_t>(count));
    switch (kind) {
        case OptimizerKind::Sgd:
            if (count == 0) return cudaSuccess;
            optimizerKernel<OptimizerKind::Sgd>
                <<<blocks, kThreads>>>(p, g, pOut, m, v, count, cfg, k, guard);
            return cudaGetLastError();
        case OptimizerKind::Momentum:
            if (count == 0) return cudaSuccess;
            optimizerKernel<OptimizerKind::Momentum>
                <<<blocks, kThreads>>>(p, g, pOut, m, v, count, cfg, k, guard);
            return cudaGetLastError();
        case OptimizerKind::Adam:
            if (count == 0) return cudaSuccess;
            optimizerKernel<OptimizerKind::Adam>
                <<<blocks, kThreads>>>(p, g, pOut, m, v, count, cfg, k, guard);
            return cudaGetLastError();
    }
    throw InputError("optimizer kind " + std::to_string(static_cast<int>(kind)) +
                     " is none of sgd, momentum, adam");
}

cudaError_t commitStep(const float* next, float* params, std::size_t count, int step,
                       const int* firstBad) {
    if (count == 0) return cudaSuccess;
    commitKernel<<<blocksFor(static_cast<std::int64_t>(count)), kThreads>>>(next, params, count,
                                                                            step, firstBad);
    return cudaGetLastError();
}

cudaError_t gridForward(const float* params, std::size_t paramCount, const GridLayers& layers,
                        int first, int node, const float* xi, int n, float* s, float* out) {
    if (first >= layers.depth) return cudaSuccess;
    int width = std::max(2, layers.features);  // the first layer's input
    for (int l = 0; l < layers.depth; ++l)
        width = std::max(width, layers.layer[l].out);
    if (width > kGridMaxWidth) return cudaErrorInvalidValue;
    const std::size_t bytes = paramCount * sizeof(float);
    const bool useShared = bytes <= 40 * 1024;
    const std::int64_t N = static_cast<std::int64_t>(n) * n;
    const std::size_t shared = useShared ? bytes : 0;
    const auto count = static_cast<int>(paramCount);
    // The same instantiation for a network's compute and its updates (it depends on the shape
    // only), so an update repeats compute()'s arithmetic exactly.
    if (width <= 16) {
        gridKernel<16><<<blocksFor(N), kThreads, shared>>>(params, count, useShared, layers, first,
                                                           node, xi, n, s, out);
    } else {
        gridKernel<kGridMaxWidth><<<blocksFor(N), kThreads, shared>>>(
            params, count, useShared, layers, first, node, xi, n, s, out);
    }
    return cudaGetLastError();
}

cudaError_t columnRanges(const float* values, const float* absOf, std::int64_t N, int nodes,
                         float* ranges, float* absMax) {
    if (nodes == 0) return cudaSuccess;
    columnRangeKernel<<<static_cast<unsigned>(nodes), kThreads>>>(values, absOf, N, ranges, absMax);
    return cudaGetLastError();
}

cudaError_t histograms(const float* values, std::int64_t N, int nodes, int bins,
                       const float* thresholds, const float* params, unsigned long long* counts) {
    if (nodes == 0) return cudaSuccess;
    const unsigned perNode =
        static_cast<unsigned>(std::min<std::int64_t>(64, (N + kThreads - 1) / kThreads));
    const dim3 grid(perNode, static_cast<unsigned>(nodes));
    histogramKernel<<<grid, kThreads, static_cast<std::size_t>(bins + 1) * sizeof(unsigned)>>>(
        values, N, bins, thresholds, params, counts);
    return cudaGetLastError();
}

}  // namespace nnlens::gpu
