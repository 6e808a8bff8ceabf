// Activation functions and their derivatives: one scalar formula each, shared by the CPU and CUDA
// paths.
#pragma once

#include <cmath>
#include <optional>
#include <string>
#include <string_view>

#include "hd.hpp"

namespace nnlens {

// The seed's seven activations, softmax (last layer, per sample row) and three modern extras.
enum class Activation {
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

inline constexpr int kActivationCount = 11;
inline constexpr float kLeakyReluSlope = 0.01f;

std::string_view activationName(Activation a);
std::optional<Activation> activationFromName(std::string_view name);
// "linear, relu, elu, ..." for error messages.
std::string knownActivationNames();

namespace hd {

// sigmoid(s) = 1 / (1 + exp(-s)), evaluated so that neither branch overflows (seed: "logistic
// function").
NNLENS_HD float sigmoid(float s) {
    if (s >= 0.0f) {
        return 1.0f / (1.0f + expf(-s));
    }
    const float e = expf(s);
    return e / (1.0f + e);
}

// softplus(s) = log(1 + exp(s)) = max(s, 0) + log1p(exp(-|s|)); for |s| > 30 the correction is
// below float resolution, so the two branches return s and exp(s) directly (PyTorch uses threshold
// 20).
NNLENS_HD float softplus(float s) {
    if (s > 30.0f) return s;
    if (s < -30.0f) return expf(s);
    return fmaxf(s, 0.0f) + log1pf(expf(-fabsf(s)));
}

// gelu, tanh approximation: 0.5 s (1 + tanh(sqrt(2/pi) (s + 0.044715 s^3))).
inline constexpr float kGeluC = 0.7978845608028654f;  // sqrt(2 / pi)
inline constexpr float kGeluA = 0.044715f;

// phi(s) for every element-wise activation. Softmax is not element-wise: it returns s unchanged and
// callers use softmaxRow().
NNLENS_HD float activate(Activation a, float s) {
    switch (a) {
        case Activation::Linear:
            return s;
        case Activation::Relu:
            return s > 0.0f ? s : 0.0f;
        case Activation::Elu:  // max(0, s) + min(0, expm1(s))
            return s > 0.0f ? s : expm1f(s);
        case Activation::Softplus:
            return softplus(s);
        case Activation::Sigmoid:
            return sigmoid(s);
        case Activation::Tanh:
            return tanhf(s);
        case Activation::Softsign:  // s / (|s| + 1)
            return s / (fabsf(s) + 1.0f);
        case Activation::LeakyRelu:
            return s > 0.0f ? s : kLeakyReluSlope * s;
        case Activation::Gelu: {
            const float t = tanhf(kGeluC * (s + kGeluA * s * s * s));
            return 0.5f * s * (1.0f + t);
        }
        case Activation::Silu:  // s sigmoid(s)
            return s * sigmoid(s);
        case Activation::Softmax:
            return s;
    }
    return s;
}

// dphi/ds at s, given out = phi(s) (several derivatives are cheapest from the output).
// relu'(0) = 0 as in PyTorch. Softmax has no element-wise derivative (see softmaxBackwardRow()).
NNLENS_HD float derivative(Activation a, float s, float out) {
    switch (a) {
        case Activation::Linear:
            return 1.0f;
        case Activation::Relu:
            return s > 0.0f ? 1.0f : 0.0f;
        case Activation::Elu:  // d/ds expm1(s) = exp(s) = out + 1
            return s > 0.0f ? 1.0f : out + 1.0f;
        case Activation::Softplus:  // d/ds log(1 + exp(s)) = sigmoid(s)
            return sigmoid(s);
        case Activation::Sigmoid:  // sigma (1 - sigma)
            return out * (1.0f - out);
        case Activation::Tanh:  // 1 - tanh^2
            return 1.0f - out * out;
        case Activation::Softsign: {  // 1 / (1 + |s|)^2
            const float d = 1.0f + fabsf(s);
            return 1.0f / (d * d);
        }
        case Activation::LeakyRelu:
            return s > 0.0f ? 1.0f : kLeakyReluSlope;
        case Activation::Gelu: {
            // 0.5 (1 + t) + 0.5 s (1 - t^2) c (1 + 3 a s^2), t = tanh(c (s + a s^3))
            const float t = tanhf(kGeluC * (s + kGeluA * s * s * s));
            return 0.5f * (1.0f + t) +
                   0.5f * s * (1.0f - t * t) * kGeluC * (1.0f + 3.0f * kGeluA * s * s);
        }
        case Activation::Silu: {  // sigma (1 + s (1 - sigma))
            const float g = sigmoid(s);
            return g * (1.0f + s * (1.0f - g));
        }
        case Activation::Softmax:
            return 1.0f;
    }
    return 1.0f;
}

// p = softmax(s) over one row of n values, with the maximum subtracted first (seed: softmax()).
// `s` and `p` may alias.
NNLENS_HD void softmaxRow(const float* s, float* p, int n, int stride = 1) {
    float m = s[0];
    for (int k = 1; k < n; ++k)
        m = fmaxf(m, s[k * stride]);
    float sum = 0.0f;
    for (int k = 0; k < n; ++k) {
        const float e = expf(s[k * stride] - m);
        p[k * stride] = e;
        sum += e;
    }
    const float inv = 1.0f / sum;
    for (int k = 0; k < n; ++k)
        p[k * stride] *= inv;
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
