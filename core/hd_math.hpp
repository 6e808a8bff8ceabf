// The elementary functions the formulas in activation.hpp and loss.hpp are written with, for one
// float on the host and on the device. core/lanes.hpp overloads the same names for eight floats at
// once (host only), so that each formula is written once and runs vectorised on the CPU.
#pragma once

#include <cmath>

#include "hd.hpp"

namespace nnlens::hd {

NNLENS_HD float vexp(float x) {
    return expf(x);
}
NNLENS_HD float vexpm1(float x) {
    return expm1f(x);
}
NNLENS_HD float vlog(float x) {
    return logf(x);
}
NNLENS_HD float vlog1p(float x) {
    return log1pf(x);
}
NNLENS_HD float vtanh(float x) {
    return tanhf(x);
}
NNLENS_HD float vsin(float x) {
    return sinf(x);
}
NNLENS_HD float vabs(float x) {
    return fabsf(x);
}
// v in every element of a T (lanes.hpp specialises it for Lanes).
template <typename T>
NNLENS_HD T splat(float v) {
    return T(v);
}
// c ? a : b, element by element for lanes.
NNLENS_HD float select(bool c, float a, float b) {
    return c ? a : b;
}

}  // namespace nnlens::hd
