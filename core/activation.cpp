// Activation lookups over the table in activation.hpp.
#include "activation.hpp"

#include "table.hpp"

namespace nnlens {

const ActivationInfo& activationInfo(Activation a) {
    return kActivations[static_cast<std::size_t>(a)];
}

std::string_view activationName(Activation a) {
    return activationInfo(a).name;
}

std::optional<Activation> activationFromName(std::string_view name) {
    return findByName(kActivations, name);
}

std::string knownActivationNames() {
    return joinNames(kActivations);
}

}  // namespace nnlens
