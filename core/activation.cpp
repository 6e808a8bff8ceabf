// Activation names: the spelling used in network files and on the command line.
#include "activation.hpp"

#include <array>

namespace nnlens {

namespace {

constexpr std::array<std::pair<Activation, std::string_view>, kActivationCount> kNames{{
    {Activation::Linear, "linear"},
    {Activation::Relu, "relu"},
    {Activation::Elu, "elu"},
    {Activation::Softplus, "softplus"},
    {Activation::Sigmoid, "sigmoid"},
    {Activation::Tanh, "tanh"},
    {Activation::Softsign, "softsign"},
    {Activation::Softmax, "softmax"},
    {Activation::LeakyRelu, "leaky_relu"},
    {Activation::Gelu, "gelu"},
    {Activation::Silu, "silu"},
}};

}  // namespace

std::string_view activationName(Activation a) {
    for (const auto& [act, name] : kNames) {
        if (act == a) return name;
    }
    return "linear";
}

std::optional<Activation> activationFromName(std::string_view name) {
    for (const auto& [act, n] : kNames) {
        if (n == name) return act;
    }
    return std::nullopt;
}

std::string knownActivationNames() {
    std::string s;
    for (const auto& [act, name] : kNames) {
        if (!s.empty()) s += ", ";
        s += name;
    }
    return s;
}

}  // namespace nnlens
