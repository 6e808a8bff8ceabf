// Network rules (shapes, limits, finite values) and PyTorch's default initialisation of nn.Linear.
#include "network.hpp"

#include <algorithm>
#include <cmath>
#include <span>
#include <string>

#include "error.hpp"
#include "random.hpp"

namespace nnlens {

namespace {

// The shape of one layer, as a file or a LayerSpec list gives it, checked before anything is
// allocated.
struct LayerShape {
    Eigen::Index rows;      // n_in as the weights have it
    Eigen::Index cols;      // n_out
    Eigen::Index biasSize;  // number of bias values
    Activation activation;
};

std::string layerPrefix(std::size_t index) {
    return "layer " + std::to_string(index + 1);
}

// Every rule that does not look at the values: counts, limits, matching shapes, softmax placement.
// `features`: the network's input features (empty: the first layer receives the inputs).
void validateShapes(int inputs, std::span<const Feature> features,
                    const std::vector<LayerShape>& layers) {
    if (inputs < 1 || inputs > kMaxInputs) {
        throw InputError("the network has " + std::to_string(inputs) + " inputs (allowed: 1 to " +
                         std::to_string(kMaxInputs) + ")");
    }
    checkFeatures(features, inputs);
    if (layers.empty()) throw InputError("the network has no layers");
    if (layers.size() > static_cast<std::size_t>(kMaxLayers)) {
        throw InputError("the network has " + std::to_string(layers.size()) + " layers (at most " +
                         std::to_string(kMaxLayers) + ")");
    }
    std::int64_t parameters = 0;
    Eigen::Index receives = features.empty() ? inputs : static_cast<Eigen::Index>(features.size());
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const LayerShape& l = layers[i];
        const std::string where = layerPrefix(i);
        if (l.rows != receives) {
            const bool fromFeatures = i == 0 && !features.empty();
            throw InputError(
                where + ": weights have " + std::to_string(l.rows) +
                " rows but the layer receives " + std::to_string(receives) +
                (fromFeatures ? (receives == 1 ? " feature" : " features") : " inputs"));
        }
        if (l.cols < 1) throw InputError(where + ": has no nodes (weights have 0 columns)");
        if (l.cols > kMaxNodes) {
            throw InputError(where + ": has " + std::to_string(l.cols) + " nodes (at most " +
                             std::to_string(kMaxNodes) + ")");
        }
        if (l.biasSize != l.cols) {
            throw InputError(where + ": bias has " + std::to_string(l.biasSize) +
                             (l.biasSize == 1 ? " value" : " values") + " but weights have " +
                             std::to_string(l.cols) + (l.cols == 1 ? " column" : " columns"));
        }
        if (l.activation == Activation::Softmax && i + 1 != layers.size()) {
            throw InputError(where + ": softmax is only allowed on the last layer");
        }
        parameters += (static_cast<std::int64_t>(l.rows) + 1) * l.cols;
        receives = l.cols;
    }
    if (parameters > kMaxParameters) {
        throw InputError("the network has " + std::to_string(parameters) + " parameters (at most " +
                         std::to_string(kMaxParameters) + ", 16 Mi)");
    }
}

}  // namespace

std::int64_t Network::parameterCount() const {
    std::int64_t n = 0;
    for (const Layer& l : layers)
        n += l.parameterCount();
    return n;
}

Network Network::initialized(int inputs, const std::vector<LayerSpec>& layers, std::uint64_t seed,
                             const std::vector<Feature>& features) {
    std::vector<LayerShape> shapes;
    shapes.reserve(layers.size());
    Eigen::Index receives = features.empty() ? inputs : static_cast<Eigen::Index>(features.size());
    for (const LayerSpec& spec : layers) {
        shapes.push_back({receives, spec.nodes, spec.nodes, spec.activation});
        receives = spec.nodes;
    }
    // Checked before allocating, so an absurd shape is refused rather than exhausting memory.
    validateShapes(inputs, features, shapes);

    Network net;
    net.inputs = inputs;
    net.features = features;
    net.layers.resize(layers.size());
    for (std::size_t i = 0; i < layers.size(); ++i) {
        net.layers[i].W.resize(shapes[i].rows, shapes[i].cols);
        net.layers[i].b.resize(shapes[i].cols);
        net.layers[i].activation = layers[i].activation;
    }
    initialize(net, seed);
    return net;
}

void validate(const Network& net) {
    std::vector<LayerShape> shapes;
    shapes.reserve(net.layers.size());
    for (const Layer& l : net.layers) {
        shapes.push_back({l.W.rows(), l.W.cols(), l.b.size(), l.activation});
    }
    validateShapes(net.inputs, net.features, shapes);

    for (std::size_t i = 0; i < net.layers.size(); ++i) {
        const Layer& l = net.layers[i];
        // Row by row, so the first offender reported is the first one in the file.
        for (Eigen::Index r = 0; r < l.W.rows(); ++r) {
            for (Eigen::Index c = 0; c < l.W.cols(); ++c) {
                if (!std::isfinite(l.W(r, c))) {
                    throw InputError(layerPrefix(i) + ", weights[" + std::to_string(r) + "][" +
                                     std::to_string(c) + "]: not a finite number");
                }
            }
        }
        for (Eigen::Index j = 0; j < l.b.size(); ++j) {
            if (!std::isfinite(l.b(j))) {
                throw InputError(layerPrefix(i) + ", bias[" + std::to_string(j) +
                                 "]: not a finite number");
            }
        }
    }
}

void initialize(Network& net, std::uint64_t seed) {
    // torch.nn.Linear.reset_parameters(): kaiming_uniform_(a = sqrt(5)) gives W ~ U(-k, k) and the
    // bias U(-k, k) too, k = 1 / sqrt(fan_in) (seed: "Statistical Perspective"). Drawn layer by
    // layer, W column by column (node by node), then b.
    Random rng(seed);
    for (Layer& l : net.layers) {
        const double k =
            1.0 / std::sqrt(static_cast<double>(std::max<Eigen::Index>(l.W.rows(), 1)));
        for (Eigen::Index c = 0; c < l.W.cols(); ++c) {
            for (Eigen::Index r = 0; r < l.W.rows(); ++r) {
                l.W(r, c) = static_cast<float>(rng.uniform(-k, k));
            }
        }
        for (Eigen::Index j = 0; j < l.b.size(); ++j) {
            l.b(j) = static_cast<float>(rng.uniform(-k, k));
        }
    }
}

}  // namespace nnlens
