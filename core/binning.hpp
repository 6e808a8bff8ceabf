// numpy.histogram's bin of one value, as an NNLENS_HD function shared by the CPU path and the CUDA
// kernel.
#pragma once

#include "hd.hpp"

namespace nnlens::hd {

// The bin of x for `bins` equal bins whose exact (double) edges are represented by float
// thresholds t[0..bins] (t[i] is the smallest float >= edge i, so float compares are exact).
// `first` and `scale` = bins / (last - first) give a guess that is within one bin of the truth;
// numpy's corrections finish it. Returns `bins` (a spare slot) for x outside [lo, hi], NaN
// included, where hi is the largest float <= the last edge.
NNLENS_HD int histogramBin(float x, float first, float scale, const float* t, int bins, float lo,
                           float hi) {
    if (!(x >= lo && x <= hi)) return bins;
    float f = (x - first) * scale;
    const float top = static_cast<float>(bins - 1);
    f = f > 0.0f ? (f < top ? f : top) : 0.0f;  // a NaN guess (0 * inf) becomes bin 0
    int k = static_cast<int>(f);
    // Usually one step at most; more only when rounded edges coincide (a constant map at
    // |v| >= ~5e15, where the guess has no scale). k stays in [0, bins - 1].
    while (k > 0 && x < t[k])
        --k;
    while (k < bins - 1 && x >= t[k + 1])
        ++k;
    return k;
}

}  // namespace nnlens::hd
