// Input features: TensorFlow Playground's fixed stage before the first layer (x1, x2, x1^2, x2^2,
// x1*x2, sin x1, sin x2), one formula shared by the CPU and CUDA (spec section 10).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hd.hpp"
#include "hd_math.hpp"
#if !defined(__CUDACC__)
#include "types.hpp"
#endif

namespace nnlens {

enum class Feature : std::uint8_t { X1, X2, X1Squared, X2Squared, X1X2, SinX1, SinX2 };

inline constexpr int kFeatureKinds = 7;

// The names files, the command line and the window use, in Playground's order.
inline constexpr std::array<std::string_view, kFeatureKinds> kFeatureNames{
    "x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"};

namespace hd {

// One feature of the point (x1, x2).
NNLENS_HD float feature(Feature f, float x1, float x2) {
    switch (f) {
        case Feature::X1:
            return x1;
        case Feature::X2:
            return x2;
        case Feature::X1Squared:
            return x1 * x1;
        case Feature::X2Squared:
            return x2 * x2;
        case Feature::X1X2:
            return x1 * x2;
        case Feature::SinX1:
            return hd::vsin(x1);
        case Feature::SinX2:
            return hd::vsin(x2);
    }
    return 0.0f;
}

}  // namespace hd

#if !defined(__CUDACC__)

inline std::string_view featureName(Feature f) {
    return kFeatureNames[static_cast<std::size_t>(f)];
}
std::optional<Feature> featureFromName(std::string_view name);
// "x1, x2, x1^2, x2^2, x1*x2, sin(x1), sin(x2)"
std::string knownFeatureNames();

// Whether the first layer sees the plane itself: no features, or exactly x1, x2 (the only case
// where a first-layer node has a weight arrow).
bool plainFeatures(std::span<const Feature> features);

// The name of the first layer's input k (0-based): the feature's name, or x1, x2, ... without
// features.
std::string inputName(std::span<const Feature> features, int k);

// Throws InputError naming the place unless `features` is empty or a non-empty list without
// repeats, and only for a network with 2 inputs.
void checkFeatures(std::span<const Feature> features, int inputs);

// The first layer's input: x (N, 2) through the features, (N, F); x itself without features.
Matrix featureMatrix(std::span<const Feature> features, const Matrix& x);

#endif

}  // namespace nnlens
