// Optimizer state and steps; each element update is the NNLENS_HD formula from optimizer.hpp, run
// by block::optimizerStep.
#include "optimizer.hpp"

#include "table.hpp"

#include "block.hpp"
#include "error.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace nnlens {

const OptimizerInfo& optimizerInfo(OptimizerKind k) {
    return kOptimizers[static_cast<std::size_t>(k)];
}

std::string_view optimizerName(OptimizerKind k) {
    return optimizerInfo(k).name;
}

std::optional<OptimizerKind> optimizerFromName(std::string_view name) {
    return findByName(kOptimizers, name);
}

std::string knownOptimizerNames() {
    return joinNames(kOptimizers);
}

void checkPenalty(double value, const std::string& where) {
    if (!std::isfinite(value) || value < 0.0) {
        throw InputError(where + ": expected a finite number >= 0, got " + std::to_string(value));
    }
}

Optimizer::Optimizer(OptimizerConfig cfg, std::size_t parameterCount)
    : m_cfg(cfg), m_count(parameterCount) {
    if (static_cast<std::size_t>(cfg.kind) >= kOptimizers.size()) {
        throw InputError("unknown optimizer kind " + std::to_string(static_cast<int>(cfg.kind)) +
                         " (known: " + knownOptimizerNames() + ")");
    }
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
    ++m_steps;
    return block::optimizerStep(m_cfg, k, params, grad, m_m.empty() ? nullptr : m_m.data(),
                                m_v.empty() ? nullptr : m_v.data(), out, m_count);
}

}  // namespace nnlens
