// The bodies of block.hpp's functions. Included by block_generic.cpp (any x86-64) and
// block_avx2.cpp (built with AVX2 and FMA) inside their own namespace; block.cpp picks one at run
// time. No other file includes this.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include <Eigen/Core>

#include "activation.hpp"
#include "binning.hpp"
#include "block.hpp"
#include "grid.hpp"
#include "lanes.hpp"
#include "limits.hpp"

namespace nnlens::block::NNLENS_BLOCK_ISA {

namespace {

constexpr int kMaxBlockedWidth = 32;  // inputs (or outputs) whose lanes the blocked loops keep
constexpr Index kFewRows = 64;  // a minibatch: linearBackward's specialised kernels run row by row

using ConstMap = Eigen::Map<const Eigen::MatrixXf, 0, Eigen::OuterStride<>>;
using MutMap = Eigen::Map<Eigen::MatrixXf, 0, Eigen::OuterStride<>>;

// Rows [r, r + count) of column p, count <= 8, as lanes; lanes past count are 0.
inline Lanes load(const float* p, Index count) {
    if (count == kLaneWidth) return Eigen::Map<const Lanes>(p);
    Lanes v = Lanes::Zero();
    for (Index i = 0; i < count; ++i)
        v[i] = p[i];
    return v;
}

inline void store(float* p, const Lanes& v, Index count) {
    if (count == kLaneWidth) {
        Eigen::Map<Lanes>{p} = v;
        return;
    }
    for (Index i = 0; i < count; ++i)
        p[i] = v[i];
}

// Calls f(std::integral_constant<Activation, a>{}): inside f the activation is a constant, so the
// formula's switch folds away and the loops below are straight vector code.
template <int I = 0, typename F>
void withActivation(Activation a, F&& f) {
    if constexpr (I < kActivationCount) {
        if (static_cast<int>(a) == I) {
            f(std::integral_constant<Activation, static_cast<Activation>(I)>{});
            return;
        }
        withActivation<I + 1>(a, f);
    }
}

// f applied to v[0, n) eight at a time (a short last group is padded, so every element goes
// through the same vectorised formula), results in out. flatten: f and the formula it calls are
// inlined into the loop.
template <typename F>
[[gnu::flatten]] void mapLanes(const float* v, float* out, Index n, F f) {
    for (Index i = 0; i < n; i += kLaneWidth) {
        const Index count = std::min<Index>(kLaneWidth, n - i);
        store(out + i, f(load(v + i, count)), count);
    }
}

template <typename F>
[[gnu::flatten]] void mapLanes3(const float* a, const float* b, const float* c, float* out, Index n,
                                F f) {
    for (Index i = 0; i < n; i += kLaneWidth) {
        const Index count = std::min<Index>(kLaneWidth, n - i);
        store(out + i, f(load(a + i, count), load(b + i, count), load(c + i, count)), count);
    }
}

}  // namespace

namespace {

// S = X W + b for nodes [j0, j1), eight rows at a time: the inputs of a row block stay in
// registers while every node's sum is formed. NIN is the input count when known at compile time
// (the loops unroll), else 0 and nIn (<= kMaxBlockedWidth) says it.
template <int NIN>
void blockedForward(const float* X, Index ldX, int nIn, const float* W, const float* b, float* S,
                    Index ldS, Index rows, int j0, int j1) {
    constexpr int kSlots = NIN > 0 ? NIN : kMaxBlockedWidth;
    const int n = NIN > 0 ? NIN : nIn;
    Lanes xs[kSlots];
    for (Index r = 0; r < rows; r += kLaneWidth) {
        const Index count = std::min<Index>(kLaneWidth, rows - r);
        for (int k = 0; k < n; ++k)
            xs[k] = load(X + k * ldX + r, count);
        for (int j = j0; j < j1; ++j) {
            const float* w = W + static_cast<Index>(j) * n;
            Lanes acc = Lanes::Constant(b[j]);
            for (int k = 0; k < n; ++k)
                acc += xs[k] * w[k];
            store(S + j * ldS + r, acc, count);
        }
    }
}

}  // namespace

void linearForward(const float* X, Index ldX, int nIn, const float* W, const float* b, int nOut,
                   float* S, Index ldS, Index rows, int j0, int j1) {
    if (nIn > kMaxBlockedWidth) {
        MutMap s(S, rows, nOut, Eigen::OuterStride<>(ldS));
        s.noalias() = ConstMap(X, rows, nIn, Eigen::OuterStride<>(ldX)) *
                      Eigen::Map<const Eigen::MatrixXf>(W, nIn, nOut);
        s.rowwise() += Eigen::Map<const Eigen::RowVectorXf>(b, nOut);
        return;
    }
    switch (nIn) {
        case 1:
            return blockedForward<1>(X, ldX, nIn, W, b, S, ldS, rows, j0, j1);
        case 2:
            return blockedForward<2>(X, ldX, nIn, W, b, S, ldS, rows, j0, j1);
        case 3:
            return blockedForward<3>(X, ldX, nIn, W, b, S, ldS, rows, j0, j1);
        case 4:
            return blockedForward<4>(X, ldX, nIn, W, b, S, ldS, rows, j0, j1);
        case 8:
            return blockedForward<8>(X, ldX, nIn, W, b, S, ldS, rows, j0, j1);
        case 16:
            return blockedForward<16>(X, ldX, nIn, W, b, S, ldS, rows, j0, j1);
        default:
            return blockedForward<0>(X, ldX, nIn, W, b, S, ldS, rows, j0, j1);
    }
}

void activationForward(Activation a, const float* S, Index ldS, float* O, Index ldO, Index rows,
                       int j0, int j1, int nOut) {
    if (a == Activation::Softmax) {
        if (S != O) {
            for (int j = 0; j < nOut; ++j)
                std::copy(S + j * ldS, S + j * ldS + rows, O + j * ldO);
        }
        for (Index r = 0; r < rows; ++r)  // softmaxRow may work in place
            hd::softmaxRow(O + r, O + r, nOut, static_cast<int>(ldO));
        return;
    }
    withActivation(a, [&](auto A) {
        const auto phi = [](const Lanes& s) { return hd::activate(decltype(A)::value, s); };
        if (ldS == rows && ldO == rows && j0 == 0 && j1 == nOut) {
            mapLanes(S, O, rows * nOut, phi);  // one contiguous run: no short group per column
            return;
        }
        for (int j = j0; j < j1; ++j)
            mapLanes(S + j * ldS, O + j * ldO, rows, phi);
    });
}

void activationBackward(Activation a, const float* S, const float* O, const float* dOut, float* dS,
                        Index ld, Index rows, int nOut) {
    if (a == Activation::Softmax) {
        for (Index r = 0; r < rows; ++r)
            hd::softmaxBackwardRow(O + r, dOut + r, dS + r, nOut, static_cast<int>(ld));
        return;
    }
    withActivation(a, [&](auto A) {
        const auto chain = [](const Lanes& s, const Lanes& out, const Lanes& d) {
            return Lanes(d * hd::derivative(decltype(A)::value, s, out));
        };
        if (ld == rows) {
            mapLanes3(S, O, dOut, dS, rows * nOut, chain);
            return;
        }
        for (int j = 0; j < nOut; ++j)
            mapLanes3(S + j * ld, O + j * ld, dOut + j * ld, dS + j * ld, rows, chain);
    });
}

namespace {

// linearBackward for a minibatch with NOUT nodes (a compile-time width) and at most 8 * GIN
// inputs: row by row, the lanes over the inputs, every accumulator in a register.
//   db += dS[r, :];  dW[:, j] += X[r, :] dS[r, j];  dX[r, :] = sum_j dS[r, j] W[:, j]
template <int GIN, int NOUT>
void minibatchBackward(const float* X, Index ldX, int nIn, const float* dS, Index ldS, Index rows,
                       const float* W, float* dW, float* db, float* dX, Index ldDX) {
    const auto width = [nIn](int g) { return std::min(kLaneWidth, nIn - g * kLaneWidth); };
    Lanes wCol[NOUT][GIN];
    Lanes dwCol[NOUT][GIN];
    for (int j = 0; j < NOUT; ++j) {
        for (int g = 0; g < GIN; ++g) {
            wCol[j][g] = load(W + static_cast<Index>(j) * nIn + g * kLaneWidth, width(g));
            dwCol[j][g].setZero();
        }
    }
    // X's rows, transposed up front: loading a vector right after storing its eight floats one
    // by one would stall on every row.
    constexpr int kRowWidth = GIN * kLaneWidth;
    alignas(32) float xt[kFewRows * kRowWidth];
    for (Index r = 0; r < rows; ++r) {
        for (int k = 0; k < kRowWidth; ++k)
            xt[r * kRowWidth + k] = k < nIn ? X[k * ldX + r] : 0.0f;
    }
    float dbAcc[NOUT] = {};
    for (Index r = 0; r < rows; ++r) {
        Lanes xr[GIN];
        Lanes dxr[GIN];
        for (int g = 0; g < GIN; ++g) {
            xr[g] = Eigen::Map<const Lanes>(xt + r * kRowWidth + g * kLaneWidth);
            dxr[g].setZero();
        }
        for (int j = 0; j < NOUT; ++j) {
            const float dsj = dS[j * ldS + r];
            dbAcc[j] += dsj;
            for (int g = 0; g < GIN; ++g) {
                dwCol[j][g] += xr[g] * dsj;
                dxr[g] += wCol[j][g] * dsj;
            }
        }
        if (dX) {
            for (int g = 0; g < GIN; ++g) {
                for (int k = 0; k < width(g); ++k)
                    dX[(g * kLaneWidth + k) * ldDX + r] = dxr[g][k];
            }
        }
    }
    for (int j = 0; j < NOUT; ++j) {
        db[j] = dbAcc[j];
        for (int g = 0; g < GIN; ++g)
            store(dW + static_cast<Index>(j) * nIn + g * kLaneWidth, dwCol[j][g], width(g));
    }
}

using MinibatchBackward = void (*)(const float*, Index, int, const float*, Index, Index,
                                   const float*, float*, float*, float*, Index);

// The minibatchBackward instance for these widths, or null when there is none.
template <int GIN>
MinibatchBackward minibatchKernelFor(int nOut) {
    switch (nOut) {
        case 1:
            return minibatchBackward<GIN, 1>;
        case 2:
            return minibatchBackward<GIN, 2>;
        case 3:
            return minibatchBackward<GIN, 3>;
        case 4:
            return minibatchBackward<GIN, 4>;
        case 8:
            return minibatchBackward<GIN, 8>;
        case 16:
            return minibatchBackward<GIN, 16>;
        default:
            return nullptr;
    }
}

MinibatchBackward minibatchKernel(int nIn, int nOut) {
    if (nIn <= kLaneWidth) return minibatchKernelFor<1>(nOut);
    if (nIn <= 2 * kLaneWidth) return minibatchKernelFor<2>(nOut);
    return nullptr;
}

}  // namespace

void linearBackward(const float* X, Index ldX, int nIn, const float* dS, Index ldS, Index rows,
                    int nOut, const float* W, float* dW, float* db, float* dX, Index ldDX) {
    const bool blocked = nIn <= kMaxBlockedWidth && nOut <= kMaxBlockedWidth;
    if (!blocked) {
        const ConstMap ds(dS, rows, nOut, Eigen::OuterStride<>(ldS));
        const ConstMap x(X, rows, nIn, Eigen::OuterStride<>(ldX));
        Eigen::Map<Eigen::RowVectorXf>(db, nOut) = ds.colwise().sum();  // db = sum_r dS[r, :]
        Eigen::Map<Eigen::MatrixXf>(dW, nIn, nOut).noalias() = x.transpose() * ds;  // dW = X^T dS
        if (dX) {
            MutMap(dX, rows, nIn, Eigen::OuterStride<>(ldDX)).noalias() =
                ds * Eigen::Map<const Eigen::MatrixXf>(W, nIn, nOut).transpose();  // dX = dS W^T
        }
        return;
    }
    if (rows <= kFewRows) {
        if (const MinibatchBackward kernel = minibatchKernel(nIn, nOut)) {
            kernel(X, ldX, nIn, dS, ldS, rows, W, dW, db, dX, ldDX);
            return;
        }
        // Other widths take the many-rows loops below, which hold for any row count.
    }
    // Many rows: eight rows at a time, the lanes over the rows.
    //   dW[k, j] = sum_r X[r, k] dS[r, j] into per-lane partial sums, added up at the end;
    //   db[j] likewise;  dX[r, k] = sum_j dS[r, j] W[k, j]
    Lanes acc[kMaxBlockedWidth * kMaxBlockedWidth];
    Lanes dbAcc[kMaxBlockedWidth];
    for (int c = 0; c < nIn * nOut; ++c)
        acc[c].setZero();
    for (int j = 0; j < nOut; ++j)
        dbAcc[j].setZero();
    Lanes xs[kMaxBlockedWidth];
    Lanes d[kMaxBlockedWidth];
    for (Index r = 0; r < rows; r += kLaneWidth) {
        const Index count = std::min<Index>(kLaneWidth, rows - r);
        for (int k = 0; k < nIn; ++k)
            xs[k] = load(X + k * ldX + r, count);
        for (int j = 0; j < nOut; ++j) {
            d[j] = load(dS + j * ldS + r, count);
            dbAcc[j] += d[j];
            for (int k = 0; k < nIn; ++k)
                acc[j * nIn + k] += xs[k] * d[j];
        }
        if (dX) {
            for (int k = 0; k < nIn; ++k) {
                Lanes sum = Lanes::Zero();
                for (int j = 0; j < nOut; ++j)
                    sum += d[j] * W[static_cast<Index>(j) * nIn + k];
                store(dX + k * ldDX + r, sum, count);
            }
        }
    }
    for (int c = 0; c < nIn * nOut; ++c)
        dW[c] = acc[c].sum();
    for (int j = 0; j < nOut; ++j)
        db[j] = dbAcc[j].sum();
}

bool optimizerStep(const OptimizerConfig& cfg, const OptimizerStepScalars& k, const float* p,
                   const float* gIn, float* mIn, float* vIn, float* out, std::size_t n) {
    // Local copies: the stores below cannot alias them, so the loops vectorise.
    const float* __restrict g = gIn;
    float* __restrict m = mIn;
    float* __restrict v = vIn;
    const float lr = k.lr, stepSize = k.stepSize, bc2Sqrt = k.biasCorrection2Sqrt;
    const float mu = cfg.momentum, b1 = cfg.beta1, b2 = cfg.beta2, eps = cfg.eps;
    const bool first = k.firstStep;
    switch (cfg.kind) {
        case OptimizerKind::Sgd:
            for (std::size_t i = 0; i < n; ++i)
                out[i] = hd::sgdUpdate(p[i], g[i], lr);
            break;
        case OptimizerKind::Momentum:
            for (std::size_t i = 0; i < n; ++i)
                out[i] = hd::momentumUpdate(p[i], g[i], m[i], lr, mu, first);
            break;
        case OptimizerKind::Adam:
            for (std::size_t i = 0; i < n; ++i)
                out[i] = hd::adamUpdate(p[i], g[i], m[i], v[i], b1, b2, eps, stepSize, bc2Sqrt);
            break;
    }
    // A float is NaN or infinite exactly when its exponent bits are all ones; the integer test
    // vectorises where isfinite() would not.
    std::uint32_t bad = 0;
    for (std::size_t i = 0; i < n; ++i) {
        std::uint32_t bits;
        std::memcpy(&bits, out + i, sizeof bits);
        bad |= static_cast<std::uint32_t>((bits & 0x7f800000u) == 0x7f800000u);
    }
    return bad == 0;
}

void countBins(const HistogramEdges& b, const float* values, std::int64_t count,
               std::int64_t* counts) {
    constexpr int kBlock = 256;
    constexpr float kEdge = 4e-3f;
    // The block's bins, then four sets of counters (bins + the spare slot for values left out).
    // One struct fixes their distances: the counters of the first bins sit 1-2 KiB past a
    // multiple of 4 KiB from the bins and from each other, so that a counter's store never
    // looks like (aliases, to the store buffer) a later load of the bins or of another lane.
    struct Scratch {
        std::array<std::int32_t, kBlock> guess;
        std::array<std::array<std::int32_t, 1100>, 4> lanes;
    };
    static_assert(sizeof(std::array<std::int32_t, kBlock>) == 1024);
    static_assert(kMaxBins + 1 <= 1100, "a lane holds every bin and the spare slot");
    Scratch scratch;  // 18 KiB on the stack: no allocation per map
    auto& guess = scratch.guess;
    auto& local = scratch.lanes;
    for (auto& lane : local)
        lane.fill(0);
    const int bins = b.bins;
    const float first = static_cast<float>(b.first);
    const float scale = b.scale;
    const float* t = b.thresholds.data();
    const float lo = t[0];
    const float hi = b.lastFloor;
    const float top = static_cast<float>(bins - 1);
    // The guess is only that good when the first edge is a float itself (it is the data's
    // minimum unless every value is equal, when it is min - 0.5); else every value goes the
    // exact way.
    const float edge = static_cast<double>(first) == b.first ? kEdge : 0.5f;
    const auto flush = [&] {
        for (auto& lane : local) {
            for (int k = 0; k < bins; ++k)
                counts[k] += lane[static_cast<std::size_t>(k)];
            lane.fill(0);
        }
    };
    std::int64_t sinceFlush = 0;
    for (std::int64_t i0 = 0; i0 < count; i0 += kBlock) {
        const int n = static_cast<int>(std::min<std::int64_t>(kBlock, count - i0));
        const float* v = values + i0;
        // Two passes over the block. First (vectorised) the guess f = (v - first) * bins /
        // (last - first): its error is a few float roundings, far below 1e-3 of a bin for up to
        // 1024 bins, so when f is not within kEdge of a whole number, floor(f) is numpy's bin.
        // Values near an edge, and values outside [first, last] (NaN included), are marked -1
        // and get the exact treatment (hd::histogramBin) in the second pass, which counts.
        // (Bitwise & and selects, no branches, so that the loop vectorises.)
        for (int i = 0; i < n; ++i) {
            const float x = v[i];
            const int inside = static_cast<int>(x >= lo) & static_cast<int>(x <= hi);
            const float raw = ((inside ? x : first) - first) * scale;
            // raw is finite: x is inside [lo, hi] or replaced by first, and histogramEdges()
            // keeps scale finite. min/max (not a select) keep the loop vectorised.
            const float f = std::min(std::max(raw, 0.0f), top);
            const auto k = static_cast<std::int32_t>(f);
            const float frac = f - static_cast<float>(k);
            const int sure =
                inside & static_cast<int>(frac > edge) & static_cast<int>(frac < 1.0f - edge);
            guess[static_cast<std::size_t>(i)] = sure ? k : -1;
        }
        // Then the counts, in four sets of counters so that runs of one bin (maps are smooth)
        // do not wait on each other's increments.
        const auto bin = [&](int at) {
            const std::int32_t k = guess[static_cast<std::size_t>(at)];
            return static_cast<std::size_t>(
                k >= 0 ? k : hd::histogramBin(v[at], first, scale, t, bins, lo, hi));
        };
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            ++local[0][bin(i)];
            ++local[1][bin(i + 1)];
            ++local[2][bin(i + 2)];
            ++local[3][bin(i + 3)];
        }
        for (; i < n; ++i)
            ++local[0][bin(i)];
        // 32-bit counters: fold them into the totals long before they could overflow.
        sinceFlush += n;
        if (sinceFlush >= (std::int64_t{1} << 30)) {
            flush();
            sinceFlush = 0;
        }
    }
    flush();
}

Range finiteRange(const float* v, Index n) {
    const Eigen::Map<const Eigen::ArrayXf> a(v, n);
    // PropagateNaN: a NaN anywhere makes lo or hi NaN and sends us to the careful loop below
    // (the default may skip past a NaN and return too narrow a range).
    float lo = n > 0 ? a.minCoeff<Eigen::PropagateNaN>() : std::numeric_limits<float>::infinity();
    float hi = n > 0 ? a.maxCoeff<Eigen::PropagateNaN>() : -std::numeric_limits<float>::infinity();
    if (std::isfinite(lo) && std::isfinite(hi)) return {lo, hi};
    lo = std::numeric_limits<float>::infinity();
    hi = -lo;
    for (Index i = 0; i < n; ++i) {
        if (std::isfinite(v[i])) {
            lo = std::min(lo, v[i]);
            hi = std::max(hi, v[i]);
        }
    }
    return {lo, hi};
}

}  // namespace nnlens::block::NNLENS_BLOCK_ISA
