// Loss functions: per-element terms and their gradients with respect to the network output (spec
// section 3).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "activation.hpp"
#include "hd.hpp"

namespace nnlens {

enum class Loss { Mse, L2, Chi2, Bce, BceLogits, Ce };
enum class Reduction { Mean, Sum };

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
        case Loss::BceLogits:  // max(o, 0) - o y + log1p(exp(-|o|))
            return fmaxf(o, 0.0f) - o * y + log1pf(expf(-fabsf(o)));
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
    float m = out[0];
    for (int k = 1; k < c; ++k)
        m = fmaxf(m, out[k * stride]);
    float sum = 0.0f;
    for (int k = 0; k < c; ++k)
        sum += expf(out[k * stride] - m);
    const float lse = m + logf(sum);
    if (grad) {
        for (int k = 0; k < c; ++k)
            grad[k * stride] = expf(out[k * stride] - lse);
        grad[label * stride] -= 1.0f;
    }
    return lse - out[label * stride];
}

}  // namespace hd
}  // namespace nnlens
