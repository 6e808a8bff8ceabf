// Input features: names, the rules of a feature list, and the feature matrix on the CPU.
#include "features.hpp"

#include <algorithm>
#include <string>

#include "error.hpp"

namespace nnlens {

std::optional<Feature> featureFromName(std::string_view name) {
    for (std::size_t i = 0; i < kFeatureNames.size(); ++i) {
        if (kFeatureNames[i] == name) return static_cast<Feature>(i);
    }
    return std::nullopt;
}

std::string knownFeatureNames() {
    std::string out;
    for (const std::string_view name : kFeatureNames) {
        if (!out.empty()) out += ", ";
        out += name;
    }
    return out;
}

std::string inputName(std::span<const Feature> features, int k) {
    if (k >= 0 && static_cast<std::size_t>(k) < features.size()) {
        return std::string(featureName(features[static_cast<std::size_t>(k)]));
    }
    return "x" + std::to_string(k + 1);
}

bool plainFeatures(std::span<const Feature> features) {
    return features.empty() ||
           (features.size() == 2 && features[0] == Feature::X1 && features[1] == Feature::X2);
}

void checkFeatures(std::span<const Feature> features, int inputs) {
    if (features.empty()) return;
    if (inputs != 2) {
        throw InputError("features: input features need a network with 2 inputs; this one has " +
                         std::to_string(inputs));
    }
    for (std::size_t i = 0; i < features.size(); ++i) {
        if (std::find(features.begin(), features.begin() + static_cast<std::ptrdiff_t>(i),
                      features[i]) != features.begin() + static_cast<std::ptrdiff_t>(i)) {
            throw InputError("features: \"" + std::string(featureName(features[i])) +
                             "\" is listed twice");
        }
    }
}

Matrix featureMatrix(std::span<const Feature> features, const Matrix& x) {
    if (features.empty()) return x;
    if (x.cols() != 2) {
        throw InputError("x: input features are computed from 2 columns (x1, x2); x has " +
                         std::to_string(x.cols()));
    }
    const Eigen::Index n = x.rows();
    Matrix phi(n, static_cast<Eigen::Index>(features.size()));
    const float* x1 = x.col(0).data();
    const float* x2 = x.col(1).data();
    for (std::size_t f = 0; f < features.size(); ++f) {
        float* dst = phi.col(static_cast<Eigen::Index>(f)).data();
        const Feature kind = features[f];
        for (Eigen::Index i = 0; i < n; ++i)
            dst[i] = hd::feature(kind, x1[i], x2[i]);
    }
    return phi;
}

}  // namespace nnlens
