// Loss and reduction names and defaults (the formulas live in loss.hpp).
#include "loss.hpp"

#include <array>

namespace nnlens {

namespace {

constexpr std::array<std::pair<Loss, std::string_view>, 6> kLossNames{{
    {Loss::Mse, "mse"},
    {Loss::L2, "l2"},
    {Loss::Chi2, "chi2"},
    {Loss::Bce, "bce"},
    {Loss::BceLogits, "bce_logits"},
    {Loss::Ce, "ce"},
}};

}  // namespace

std::string_view lossName(Loss l) {
    for (const auto& [loss, name] : kLossNames) {
        if (loss == l) return name;
    }
    return "mse";
}

std::optional<Loss> lossFromName(std::string_view name) {
    for (const auto& [loss, n] : kLossNames) {
        if (n == name) return loss;
    }
    return std::nullopt;
}

std::string knownLossNames() {
    std::string s;
    for (const auto& [loss, name] : kLossNames) {
        if (!s.empty()) s += ", ";
        s += name;
    }
    return s;
}

std::string_view reductionName(Reduction r) {
    return r == Reduction::Mean ? "mean" : "sum";
}

std::optional<Reduction> reductionFromName(std::string_view name) {
    if (name == "mean") return Reduction::Mean;
    if (name == "sum") return Reduction::Sum;
    return std::nullopt;
}

Reduction defaultReduction(Loss l) {
    return (l == Loss::Chi2 || l == Loss::L2) ? Reduction::Sum : Reduction::Mean;
}

}  // namespace nnlens
