// Layer and Network: the seed's F(X) = phi(X W + b) stacked left to right, with validation and
// initialisation.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "activation.hpp"
#include "features.hpp"
#include "limits.hpp"
#include "types.hpp"

namespace nnlens {

struct Layer {
    Matrix W;  // (n_in, n_out): column j is node j's weight vector
    Vector b;  // (n_out)
    Activation activation = Activation::Tanh;
    nlohmann::json extra = nlohmann::json::object();  // unknown keys, written back on save

    int inputs() const { return static_cast<int>(W.rows()); }
    int outputs() const { return static_cast<int>(W.cols()); }
    // (n_in + 1) n_out, as the seed counts them.
    std::int64_t parameterCount() const {
        return (static_cast<std::int64_t>(W.rows()) + 1) * W.cols();
    }
};

// The maps' settings: the seed's n_grid, x_range and n_bins (a network file's "view").
struct GridConfig {
    int n = 250;         // points per side (seed: n_grid; the file's "grid")
    double range = 3.0;  // maps cover [-range, range]^2 (seed: x_range)
    int bins = 25;       // histogram bins (seed: n_bins)
};

struct LayerSpec {
    int nodes;
    Activation activation;
};

struct Network {
    std::string name;
    std::string description;
    int inputs = 2;
    // Playground's input features (spec section 10), in the first layer's row order; empty: the
    // inputs themselves. Only with 2 inputs.
    std::vector<Feature> features;
    std::vector<Layer> layers;
    GridConfig view;
    bool hasView = false;                             // whether the file carried "view"
    nlohmann::json extra = nlohmann::json::object();  // unknown top-level keys

    int outputs() const { return layers.empty() ? inputs : layers.back().outputs(); }
    // The width of the first layer's input: the feature count, or the inputs without features.
    int featureCount() const {
        return features.empty() ? inputs : static_cast<int>(features.size());
    }
    // Whether the first layer sees the plane itself (no features, or exactly x1, x2).
    bool plainInputs() const { return plainFeatures(features); }
    std::int64_t parameterCount() const;

    // A network of the given shape with PyTorch's default initialisation: every W and b uniform in
    // [-k, k], k = n_in^-1/2 (seed: "Statistical Perspective"), drawn from `seed`.
    static Network initialized(int inputs, const std::vector<LayerSpec>& layers, std::uint64_t seed,
                               const std::vector<Feature>& features = {});
};

// Throws InputError naming the first broken rule ("layer 2: weights have 3 rows but the layer
// receives 4 inputs", "layer 1: weights have 2 rows but the layer receives 3 features",
// "layer 1, weights[0][2]: not a finite number", ...). Layers count from 1.
void validate(const Network& net);

// Re-draws every parameter of `net` with the default initialisation.
void initialize(Network& net, std::uint64_t seed);

}  // namespace nnlens
