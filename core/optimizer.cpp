// Optimizer state and steps; each element update is the NNLENS_HD formula from optimizer.hpp.
#include "optimizer.hpp"

#include <bit>
#include <cmath>
#include <stdexcept>

namespace nnlens {

std::string_view optimizerName(OptimizerKind k) {
    switch (k) {
        case OptimizerKind::Sgd:
            return "sgd";
        case OptimizerKind::Momentum:
            return "momentum";
        case OptimizerKind::Adam:
            return "adam";
    }
    return "sgd";
}

std::optional<OptimizerKind> optimizerFromName(std::string_view name) {
    if (name == "sgd") return OptimizerKind::Sgd;
    if (name == "momentum") return OptimizerKind::Momentum;
    if (name == "adam") return OptimizerKind::Adam;
    return std::nullopt;
}

bool allFinite(const float* values, std::size_t n) {
    // A float is NaN or infinite exactly when its exponent bits are all ones; the integer test
    // vectorises where isfinite() would not.
    std::uint32_t bad = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const auto bits = std::bit_cast<std::uint32_t>(values[i]);
        bad |= static_cast<std::uint32_t>((bits & 0x7f800000u) == 0x7f800000u);
    }
    return bad == 0;
}

Optimizer::Optimizer(OptimizerConfig cfg, std::size_t parameterCount)
    : m_cfg(cfg), m_count(parameterCount) {
    if (m_cfg.kind != OptimizerKind::Sgd) m_m.assign(parameterCount, 0.0f);
    if (m_cfg.kind == OptimizerKind::Adam) m_v.assign(parameterCount, 0.0f);
}

void Optimizer::setState(const State& s) {
    if (s.m.size() != m_m.size() || s.v.size() != m_v.size()) {
        throw std::invalid_argument("Optimizer::setState: state of another shape");
    }
    m_steps = s.steps;
    m_m = s.m;
    m_v = s.v;
    m_cfg.lr = s.lr;
}

OptimizerStepScalars optimizerScalars(const OptimizerConfig& cfg, std::int64_t step) {
    OptimizerStepScalars k;
    k.lr = cfg.lr;
    k.firstStep = step == 0;
    if (cfg.kind == OptimizerKind::Adam) {
        // PyTorch computes these in Python floats (double).
        const double t = static_cast<double>(step + 1);
        const double bc1 = 1.0 - std::pow(static_cast<double>(cfg.beta1), t);
        const double bc2 = 1.0 - std::pow(static_cast<double>(cfg.beta2), t);
        k.stepSize = static_cast<float>(static_cast<double>(cfg.lr) / bc1);
        k.biasCorrection2Sqrt = static_cast<float>(std::sqrt(bc2));
    }
    return k;
}

OptimizerStepScalars Optimizer::nextScalars() const {
    return optimizerScalars(m_cfg, m_steps);
}

bool Optimizer::step(const float* params, const float* grad, float* out) {
    const OptimizerStepScalars k = nextScalars();
    const std::size_t n = m_count;
    switch (m_cfg.kind) {
        case OptimizerKind::Sgd:
            for (std::size_t i = 0; i < n; ++i)
                out[i] = hd::sgdUpdate(params[i], grad[i], k.lr);
            break;
        case OptimizerKind::Momentum: {
            float* buf = m_m.data();
            const float mu = m_cfg.momentum;
            for (std::size_t i = 0; i < n; ++i) {
                out[i] = hd::momentumUpdate(params[i], grad[i], buf[i], k.lr, mu, k.firstStep);
            }
            break;
        }
        case OptimizerKind::Adam: {
            float* m = m_m.data();
            float* v = m_v.data();
            const float b1 = m_cfg.beta1, b2 = m_cfg.beta2, eps = m_cfg.eps;
            for (std::size_t i = 0; i < n; ++i) {
                out[i] = hd::adamUpdate(params[i], grad[i], m[i], v[i], b1, b2, eps, k.stepSize,
                                        k.biasCorrection2Sqrt);
            }
            break;
        }
    }
    ++m_steps;
    return allFinite(out, n);
}

}  // namespace nnlens
