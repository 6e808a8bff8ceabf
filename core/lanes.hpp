// Lanes: eight floats processed as one (an AVX register, or two SSE ones), and the overloads of
// hd_math.hpp's functions for them. Host only: the formulas in activation.hpp and loss.hpp are
// templates over float (host and device) and Lanes (the CPU's vectorised loops).
#pragma once

#if defined(__CUDACC__)
#error "lanes.hpp is host-only; kernels use the float formulas"
#endif

#include <Eigen/Core>

#include "hd_math.hpp"

namespace nnlens {

using Lanes = Eigen::Array<float, 8, 1>;
inline constexpr int kLaneWidth = 8;

namespace hd {

inline Lanes vexp(const Lanes& x) {
    return x.exp();
}
inline Lanes vexpm1(const Lanes& x) {
    return x.expm1();
}
inline Lanes vlog(const Lanes& x) {
    return x.log();
}
inline Lanes vlog1p(const Lanes& x) {
    return x.log1p();
}
inline Lanes vtanh(const Lanes& x) {
    return x.tanh();
}
inline Lanes vabs(const Lanes& x) {
    return x.abs();
}

template <>
inline Lanes splat<Lanes>(float v) {
    return Lanes::Constant(v);
}

inline Lanes asLanes(float v) {
    return Lanes::Constant(v);
}
template <typename D>
Lanes asLanes(const Eigen::ArrayBase<D>& v) {
    return v;
}

// c ? a : b per lane; a and b may be lanes, expressions or a float.
template <typename C, typename A, typename B>
Lanes select(const Eigen::ArrayBase<C>& c, const A& a, const B& b) {
    return c.select(asLanes(a), asLanes(b));
}

}  // namespace hd
}  // namespace nnlens
