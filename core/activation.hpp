// Activation functions: the table every menu, message and figure reads, and one formula per
// activation and per derivative, shared by the CPU (one float or eight at once) and CUDA.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hd.hpp"
#include "hd_math.hpp"
#if !defined(__CUDACC__)
#include "lanes.hpp"
#endif

namespace nnlens {

// The seed's seven activations, softmax (last layer, per sample row) and three modern extras.
enum class Activation : std::uint8_t {
    Linear,
    Relu,
    Elu,
    Softplus,
    Sigmoid,
    Tanh,
    Softsign,
    Softmax,
    LeakyRelu,
    Gelu,
    Silu,
};

// The seed's plot_activations splits activations by their behaviour as s -> +inf: the left panel
// grows without bound (relu, elu, softplus), the right one saturates (sigmoid, tanh, softsign).
enum class ActivationGroup : std::uint8_t { Unbounded, Saturating, PerRow };

struct ActivationInfo {
    Activation id;
    std::string_view name;  // in network files, on the command line and in menus
    ActivationGroup group;  // the plot_activations panel it is drawn in
    bool fromSeed;          // one of the seed's six (plot_activations' defaults)
    std::uint32_t colour;   // 0xRRGGBB of its curve (matplotlib's tab10; the seed's C0..C2 first)
    std::string_view formula;  // phi(s) as the seed writes it
};

// The table, in menu order; indexed by the enum's value.
inline constexpr std::array<ActivationInfo, 11> kActivations{{
    {Activation::Linear, "linear", ActivationGroup::Unbounded, false, 0x7f7f7f, "s"},
    {Activation::Relu, "relu", ActivationGroup::Unbounded, true, 0x1f77b4, "max(0, s)"},
    {Activation::Elu, "elu", ActivationGroup::Unbounded, true, 0xff7f0e,
     "max(0, s) + min(0, exp(s) - 1)"},
    {Activation::Softplus, "softplus", ActivationGroup::Unbounded, true, 0x2ca02c,
     "log(1 + exp(s))"},
    {Activation::Sigmoid, "sigmoid", ActivationGroup::Saturating, true, 0xd62728,
     "1 / (1 + exp(-s))"},
    {Activation::Tanh, "tanh", ActivationGroup::Saturating, true, 0x9467bd, "tanh(s)"},
    {Activation::Softsign, "softsign", ActivationGroup::Saturating, true, 0x8c564b,
     "s / (|s| + 1)"},
    {Activation::Softmax, "softmax", ActivationGroup::PerRow, false, 0x7f7f7f,
     "exp(s_j) / sum_k exp(s_k)"},
    {Activation::LeakyRelu, "leaky_relu", ActivationGroup::Unbounded, false, 0xe377c2,
     "max(0.01 s, s)"},
    {Activation::Gelu, "gelu", ActivationGroup::Unbounded, false, 0xbcbd22,
     "s/2 (1 + tanh(sqrt(2/pi) (s + 0.044715 s^3)))"},
    {Activation::Silu, "silu", ActivationGroup::Unbounded, false, 0x17becf, "s / (1 + exp(-s))"},
}};
inline constexpr int kActivationCount = static_cast<int>(kActivations.size());
static_assert(kActivations[static_cast<int>(Activation::Silu)].id == Activation::Silu);

inline constexpr float kLeakyReluSlope = 0.01f;

const ActivationInfo& activationInfo(Activation a);
std::string_view activationName(Activation a);
std::optional<Activation> activationFromName(std::string_view name);
// "linear, relu, elu, ..." for error messages and help.
std::string knownActivationNames();

namespace hd {

// The formulas below are templates over T = float (host and device) or Lanes (host, eight at
// once); select(), vexp(), ... come from hd_math.hpp and lanes.hpp.

// sigmoid(s) = 1 / (1 + exp(-s)) (seed: "logistic function"), with e = exp(-|s|) <= 1 so that
// neither side overflows.
template <typename T>
NNLENS_HD T sigmoid(const T& s) {
    const T e = vexp(-vabs(s));
    return select(s >= 0.0f, 1.0f / (1.0f + e), e / (1.0f + e));
}

// softplus(s) = log(1 + exp(s)) = max(s, 0) + log1p(exp(-|s|)); for |s| > 30 the correction is
// below float resolution, so the two ends are s and exp(s) (PyTorch cuts at 20).
inline constexpr float kSoftplusCut = 30.0f;
template <typename T>
NNLENS_HD T softplus(const T& s) {
    const T stable = select(s > 0.0f, s, 0.0f) + vlog1p(vexp(-vabs(s)));
    return select(s > kSoftplusCut, s, select(s < -kSoftplusCut, vexp(s), stable));
}

// gelu, tanh approximation: 0.5 s (1 + tanh(sqrt(2/pi) (s + 0.044715 s^3))).
inline constexpr float kGeluC = 0.7978845608028654f;  // sqrt(2 / pi)
inline constexpr float kGeluA = 0.044715f;

// phi(s) for every element-wise activation. Softmax is not element-wise: it returns s unchanged
// and callers use softmaxRow().
template <typename T>
NNLENS_HD T activate(Activation a, const T& s) {
    switch (a) {
        case Activation::Linear:
            return s;
        case Activation::Relu:  // max(0, s)
            return select(s > 0.0f, s, 0.0f);
        case Activation::Elu:  // max(0, s) + min(0, expm1(s))
            return select(s > 0.0f, s, vexpm1(s));
        case Activation::Softplus:
            return softplus(s);
        case Activation::Sigmoid:
            return sigmoid(s);
        case Activation::Tanh:
            return vtanh(s);
        case Activation::Softsign:  // s / (|s| + 1)
            return s / (vabs(s) + 1.0f);
        case Activation::LeakyRelu:
            return select(s > 0.0f, s, kLeakyReluSlope * s);
        case Activation::Gelu:
            return 0.5f * s * (1.0f + vtanh(kGeluC * (s + kGeluA * s * s * s)));
        case Activation::Silu:  // s sigmoid(s)
            return s * sigmoid(s);
        case Activation::Softmax:
            return s;
    }
    return s;
}

// dphi/ds at s, given out = phi(s) (several derivatives are cheapest from the output).
// relu'(0) = 0 as in PyTorch. Softmax has no element-wise derivative (see softmaxBackwardRow()).
template <typename T>
NNLENS_HD T derivative(Activation a, const T& s, const T& out) {
    switch (a) {
        case Activation::Linear:
            return splat<T>(1.0f);
        case Activation::Relu:
            return select(s > 0.0f, 1.0f, 0.0f);
        case Activation::Elu:  // d/ds expm1(s) = exp(s) = out + 1
            return select(s > 0.0f, 1.0f, out + 1.0f);
        case Activation::Softplus:  // d/ds log(1 + exp(s)) = sigmoid(s)
            return sigmoid(s);
        case Activation::Sigmoid:  // sigma (1 - sigma)
            return out * (1.0f - out);
        case Activation::Tanh:  // 1 - tanh^2
            return 1.0f - out * out;
        case Activation::Softsign: {  // 1 / (1 + |s|)^2
            const T d = 1.0f + vabs(s);
            return 1.0f / (d * d);
        }
        case Activation::LeakyRelu:
            return select(s > 0.0f, 1.0f, kLeakyReluSlope);
        case Activation::Gelu: {
            // 0.5 (1 + t) + 0.5 s (1 - t^2) c (1 + 3 a s^2), t = tanh(c (s + a s^3))
            const T t = vtanh(kGeluC * (s + kGeluA * s * s * s));
            return 0.5f * (1.0f + t) +
                   0.5f * s * (1.0f - t * t) * kGeluC * (1.0f + 3.0f * kGeluA * s * s);
        }
        case Activation::Silu: {  // sigma (1 + s (1 - sigma))
            const T g = sigmoid(s);
            return g * (1.0f + s * (1.0f - g));
        }
        case Activation::Softmax:
            return splat<T>(1.0f);
    }
    return splat<T>(1.0f);
}

// The seed's softmax(), "subtract out max(y) to improve the numerical accuracy", in two parts
// that softmax, log-sum-exp and the cross-entropy share: the row's maximum m, and
// sum_k exp(s_k - m) over one row of n values `stride` apart.
NNLENS_HD float rowMax(const float* s, int n, int stride = 1) {
    float m = s[0];
    for (int k = 1; k < n; ++k)
        m = fmaxf(m, s[k * stride]);
    return m;
}

NNLENS_HD float sumExpShifted(const float* s, float m, int n, int stride = 1) {
    float sum = 0.0f;
    for (int k = 0; k < n; ++k)
        sum += expf(s[k * stride] - m);
    return sum;
}

// p = softmax(s) = exp(s - m) / sum_k exp(s_k - m) over one row. `s` and `p` may alias.
NNLENS_HD void softmaxRow(const float* s, float* p, int n, int stride = 1) {
    const float m = rowMax(s, n, stride);
    const float inv = 1.0f / sumExpShifted(s, m, n, stride);
    for (int k = 0; k < n; ++k)
        p[k * stride] = expf(s[k * stride] - m) * inv;
}

// dL/ds from dL/dp for p = softmax(s): dS_i = p_i (dP_i - sum_j dP_j p_j).
NNLENS_HD void softmaxBackwardRow(const float* p, const float* dp, float* ds, int n,
                                  int stride = 1) {
    float dot = 0.0f;
    for (int k = 0; k < n; ++k)
        dot += dp[k * stride] * p[k * stride];
    for (int k = 0; k < n; ++k)
        ds[k * stride] = p[k * stride] * (dp[k * stride] - dot);
}

}  // namespace hd
}  // namespace nnlens
