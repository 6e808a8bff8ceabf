// Loss functions: per-element terms and their gradients with respect to the network output (spec
// section 3).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "activation.hpp"
#include "hd.hpp"

namespace nnlens {

enum class Loss : std::uint8_t { Mse, L2, Chi2, Bce, BceLogits, Ce };
enum class Reduction : std::uint8_t { Mean, Sum };

// What a loss compares the output with (spec section 2).
enum class LossTargets : std::uint8_t {
    Values,       // y1..yK, one per output
    Probability,  // y1..yK in [0, 1]
    Labels,       // one integer column "label", 0..C-1
};

struct LossInfo {
    Loss id;
    std::string_view name;       // in files, on the command line and in menus
    Reduction defaultReduction;  // spec section 3: sum for chi2 and l2, else mean
    LossTargets targets;
    bool needsSigma;             // chi2: columns sigma or sigma1..sigmaK
    std::string_view formula;    // as the seed writes it
    std::string_view reference;  // the PyTorch call it matches
};

// The table, in menu order; indexed by the enum's value.
inline constexpr std::array<LossInfo, 6> kLosses{{
    {Loss::Mse, "mse", Reduction::Mean, LossTargets::Values, false, "mean (out - y)^2",
     "torch.nn.MSELoss()"},
    {Loss::L2, "l2", Reduction::Sum, LossTargets::Values, false, "1/2 |out - y|^2",
     "the seed's L2 norm"},
    {Loss::Chi2, "chi2", Reduction::Sum, LossTargets::Values, true, "sum ((out - y) / sigma)^2",
     "the seed's chi-square"},
    {Loss::Bce, "bce", Reduction::Mean, LossTargets::Probability, false,
     "-mean [y log p + (1 - y) log(1 - p)], p = out", "torch.nn.BCELoss()"},
    {Loss::BceLogits, "bce_logits", Reduction::Mean, LossTargets::Probability, false,
     "-mean [y log p + (1 - y) log(1 - p)], p = sigmoid(out)", "torch.nn.BCEWithLogitsLoss()"},
    {Loss::Ce, "ce", Reduction::Mean, LossTargets::Labels, false, "-mean log softmax(out)[label]",
     "torch.nn.CrossEntropyLoss()"},
}};

const LossInfo& lossInfo(Loss l);
std::string_view lossName(Loss l);
std::optional<Loss> lossFromName(std::string_view name);
std::string knownLossNames();
std::string_view reductionName(Reduction r);
std::optional<Reduction> reductionFromName(std::string_view name);
// mean for every loss but chi2 and l2, whose default is sum.
Reduction defaultReduction(Loss l);

struct LossConfig {
    Loss loss = Loss::Mse;
    Reduction reduction = Reduction::Mean;
};

namespace hd {

// What the sum of the loss terms of n samples with k outputs is divided by: the number of terms
// for mean (n for ce, which has one term a sample; n k otherwise), 1 for sum (spec section 3).
NNLENS_HD double lossDivisor(LossConfig cfg, double n, double k) {
    if (cfg.reduction == Reduction::Sum) return 1.0;
    return cfg.loss == Loss::Ce ? n : n * k;
}

// log clamped at -100, as torch.nn.BCELoss does.
NNLENS_HD float clampedLog(float p) {
    const float l = logf(p);
    return l > -100.0f ? l : -100.0f;
}

// One term of an element-wise loss (everything except ce) for output `o`, target `y` and
// uncertainty `sigma` (chi2 only). The reduction is applied by the caller.
NNLENS_HD float lossTerm(Loss loss, float o, float y, float sigma) {
    switch (loss) {
        case Loss::Mse:  // (o - y)^2
            return (o - y) * (o - y);
        case Loss::L2:  // 1/2 (o - y)^2
            return 0.5f * (o - y) * (o - y);
        case Loss::Chi2: {  // ((o - y) / sigma)^2
            const float r = (o - y) / sigma;
            return r * r;
        }
        case Loss::Bce:  // -(y log p + (1 - y) log(1 - p)), p = o
            return -(y * clampedLog(o) + (1.0f - y) * clampedLog(1.0f - o));
        case Loss::BceLogits:  // -(y log sigmoid(o) + (1 - y) log(1 - sigmoid(o))) = softplus(o) -
                               // o y
            return softplus(o) - o * y;
        case Loss::Ce:
            return 0.0f;
    }
    return 0.0f;
}

// d term / d o for lossTerm() (before the reduction's 1/count).
NNLENS_HD float lossTermGradient(Loss loss, float o, float y, float sigma) {
    switch (loss) {
        case Loss::Mse:
            return 2.0f * (o - y);
        case Loss::L2:
            return o - y;
        case Loss::Chi2:
            return 2.0f * (o - y) / (sigma * sigma);
        case Loss::Bce: {  // PyTorch: (p - y) / max(p (1 - p), 1e-12)
            const float d = o * (1.0f - o);
            return (o - y) / (d > 1e-12f ? d : 1e-12f);
        }
        case Loss::BceLogits:  // sigmoid(o) - y
            return sigmoid(o) - y;
        case Loss::Ce:
            return 0.0f;
    }
    return 0.0f;
}

// Cross-entropy of one sample with C outputs (stride apart) and integer label.
// probabilities == false: out are logits, term = logsumexp(out) - out[label], dO = softmax(out) -
// onehot. probabilities == true (last layer is softmax): term = -log out[label], dO = -onehot /
// out[label]. Writes d term / d out into `grad` (may be null) and returns the term.
NNLENS_HD float crossEntropyRow(const float* out, int c, int stride, int label, bool probabilities,
                                float* grad) {
    if (probabilities) {
        const float p = out[label * stride];
        if (grad) {
            for (int k = 0; k < c; ++k)
                grad[k * stride] = 0.0f;
            grad[label * stride] = -1.0f / p;
        }
        return -logf(p);
    }
    // log sum_k exp(out_k) - out_label, with the row's maximum m taken out first
    const float m = rowMax(out, c, stride);
    const float term = logf(sumExpShifted(out, m, c, stride)) + (m - out[label * stride]);
    if (grad) {
        softmaxRow(out, grad, c, stride);  // d logsumexp / d out = softmax(out)
        grad[label * stride] -= 1.0f;
    }
    return term;
}

// Cross-entropy of one sample whose last layer is softmax, through that layer's logits `s`
// (log-softmax, #19): term = logsumexp(s) - s[label], which equals -log out[label] wherever that
// is finite and stays finite where out[label] underflows to 0 (then -log p is inf and -1/p NaN in
// the softmax backward). `ds` (may be null) receives d term / d s = out - onehot, so the softmax
// backward is skipped; `dout` (may be null) d term / d out = -onehot / out[label], with out[label]
// at least the smallest normal float so that it stays finite.
NNLENS_HD float softmaxCrossEntropyRow(const float* s, const float* out, int c, int stride,
                                       int label, float* ds, float* dout) {
    const float m = rowMax(s, c, stride);
    const float term = logf(sumExpShifted(s, m, c, stride)) + (m - s[label * stride]);
    if (ds) {
        for (int k = 0; k < c; ++k)
            ds[k * stride] = out[k * stride];
        ds[label * stride] -= 1.0f;
    }
    if (dout) {
        for (int k = 0; k < c; ++k)
            dout[k * stride] = 0.0f;
        const float p = out[label * stride];
        dout[label * stride] = -1.0f / (p > 1.17549435e-38f ? p : 1.17549435e-38f);
    }
    return term;
}

}  // namespace hd
}  // namespace nnlens
