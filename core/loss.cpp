// Loss lookups over the table in loss.hpp (the formulas live there too).
#include "loss.hpp"

#include "table.hpp"

namespace nnlens {

const LossInfo& lossInfo(Loss l) {
    return kLosses[static_cast<std::size_t>(l)];
}

std::string_view lossName(Loss l) {
    return lossInfo(l).name;
}

std::optional<Loss> lossFromName(std::string_view name) {
    return findByName(kLosses, name);
}

std::string knownLossNames() {
    return joinNames(kLosses);
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
    return lossInfo(l).defaultReduction;
}

}  // namespace nnlens
