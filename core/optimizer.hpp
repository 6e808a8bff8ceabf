// Optimizers sgd, momentum and adam with PyTorch's update rules and state, on a flat parameter
// buffer.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hd.hpp"

namespace nnlens {

enum class OptimizerKind : std::uint8_t { Sgd, Momentum, Adam };

struct OptimizerInfo {
    OptimizerKind id;
    std::string_view name;       // in files, on the command line and in menus
    std::string_view rule;       // the update, as PyTorch documents it
    std::string_view reference;  // the PyTorch call it matches
};

// The table, in menu order; indexed by the enum's value.
inline constexpr std::array<OptimizerInfo, 3> kOptimizers{{
    {OptimizerKind::Sgd, "sgd", "p -= lr g", "torch.optim.SGD(lr)"},
    {OptimizerKind::Momentum, "momentum", "b = 0.9 b + g; p -= lr b",
     "torch.optim.SGD(lr, momentum=0.9)"},
    {OptimizerKind::Adam, "adam", "p -= lr m^ / (sqrt(v^) + 1e-8)",
     "torch.optim.Adam(lr, betas=(0.9, 0.999), eps=1e-8)"},
}};

const OptimizerInfo& optimizerInfo(OptimizerKind k);
std::string_view optimizerName(OptimizerKind k);
std::optional<OptimizerKind> optimizerFromName(std::string_view name);
// "sgd, momentum, adam" for error messages and help.
std::string knownOptimizerNames();

struct OptimizerConfig {
    OptimizerKind kind = OptimizerKind::Adam;
    float lr = 1e-3f;
    float momentum = 0.9f;  // torch.optim.SGD(momentum=0.9)
    float beta1 = 0.9f;     // torch.optim.Adam defaults
    float beta2 = 0.999f;
    float eps = 1e-8f;
    // Regularization (spec section 10, Playground's): the loss gains l1 sum|W| + l2/2 sum W^2
    // over every layer's weights, biases excluded; its gradient joins dW before the update.
    float l1 = 0.0f;
    float l2 = 0.0f;
};

// Throws InputError unless l1 and l2 are finite and >= 0 (`where` names them: "--l1",
// "training.l1").
void checkPenalty(double value, const std::string& where);

// Per-step scalars, computed on the host in double as PyTorch does in Python.
struct OptimizerStepScalars {
    float lr = 0.0f;
    float stepSize = 0.0f;             // adam: lr / (1 - beta1^t)
    float biasCorrection2Sqrt = 1.0f;  // adam: sqrt(1 - beta2^t)
    bool firstStep = true;             // momentum: the buffer starts as a copy of the gradient
};

// The scalars of step number `step` (0-based) for `cfg`: what nextScalars() gives, for device
// backends that keep the moments on the device.
OptimizerStepScalars optimizerScalars(const OptimizerConfig& cfg, std::int64_t step);

namespace hd {

// The penalty's gradient for one weight: l1 sign(w) + l2 w, sign(0) = 0 (torch.sign).
NNLENS_HD float penaltyGradient(float w, float l1, float l2) {
    const float sign = w > 0.0f ? 1.0f : (w < 0.0f ? -1.0f : 0.0f);
    return l1 * sign + l2 * w;
}

// p -= lr g
NNLENS_HD float sgdUpdate(float p, float g, float lr) {
    return p - lr * g;
}

// buf = g (first step) or momentum buf + g; p -= lr buf
NNLENS_HD float momentumUpdate(float p, float g, float& buf, float lr, float momentum, bool first) {
    buf = first ? g : momentum * buf + g;
    return p - lr * buf;
}

// m = lerp(m, g, 1 - beta1); v = beta2 v + (1 - beta2) g^2;
// p -= stepSize m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
NNLENS_HD float adamUpdate(float p, float g, float& m, float& v, float beta1, float beta2,
                           float eps, float stepSize, float bc2Sqrt) {
    m = m + (1.0f - beta1) * (g - m);
    v = beta2 * v + (1.0f - beta2) * g * g;
    const float denom = sqrtf(v) / bc2Sqrt + eps;
    return p - stepSize * (m / denom);
}

}  // namespace hd

class Optimizer {
  public:
    Optimizer(OptimizerConfig cfg, std::size_t parameterCount);

    // Writes the updated parameters (parameterCount of them) to `out`, which may equal `params`,
    // and advances the state. Returns false when an updated parameter is not finite.
    bool step(const float* params, const float* grad, float* out);

    // The seed's get_lr / set_lr.
    float learningRate() const { return m_cfg.lr; }
    void setLearningRate(float lr) { m_cfg.lr = lr; }
    const OptimizerConfig& config() const { return m_cfg; }

    struct State {
        std::int64_t steps = 0;
        std::vector<float> m;  // momentum buffer / adam exp_avg
        std::vector<float> v;  // adam exp_avg_sq
        float lr = 0.0f;
    };
    State state() const { return {m_steps, m_m, m_v, m_cfg.lr}; }
    void setState(const State& s);
    std::int64_t steps() const { return m_steps; }

    // The scalars of the next step (exposed so device backends apply the same update).
    OptimizerStepScalars nextScalars() const;

  private:
    OptimizerConfig m_cfg;
    std::size_t m_count;
    std::int64_t m_steps = 0;
    std::vector<float> m_m;
    std::vector<float> m_v;
};

}  // namespace nnlens
