// nnlens-cli init: a new network of a given shape with PyTorch's default initialisation (spec
// section 8).
#include "command.hpp"

#include <charconv>
#include <string>
#include <vector>

#include "core/limits.hpp"
#include "core/network_io.hpp"

namespace nnlens::cli {

namespace {

std::vector<std::string> splitList(const std::string& text) {
    std::vector<std::string> items;
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = text.find(',', start);
        items.push_back(text.substr(start, comma - start));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return items;
}

// "--layers 100,200,100,10": the input dimension, then each layer's width.
std::vector<int> layerSizes(const Args& a) {
    const std::string text = a.required("layers");
    const std::vector<std::string> items = splitList(text);
    if (items.size() < 2) {
        a.failOption("layers", "\"" + text +
                                   "\" needs the input dimension and at least one layer "
                                   "(for example 2,8,1)");
    }
    if (items.size() - 1 > static_cast<std::size_t>(kMaxLayers)) {
        a.failOption("layers", std::to_string(items.size() - 1) + " layers (at most " +
                                   std::to_string(kMaxLayers) + ")");
    }
    std::vector<int> sizes;
    for (std::size_t i = 0; i < items.size(); ++i) {
        const std::string& item = items[i];
        const std::string what = i == 0 ? "the input dimension" : "layer " + std::to_string(i);
        const int hi = i == 0 ? kMaxInputs : kMaxNodes;
        long long v = 0;
        const auto res = std::from_chars(item.data(), item.data() + item.size(), v);
        if (item.empty() || res.ec == std::errc::invalid_argument ||
            res.ptr != item.data() + item.size()) {
            a.failOption("layers", what + ": \"" + item + "\" is not a whole number");
        }
        if (res.ec == std::errc::result_out_of_range || v < 1 || v > hi) {
            a.failOption("layers", what + ": " + item + " is out of range (must be " +
                                       rangeText(1, hi) + ")");
        }
        sizes.push_back(static_cast<int>(v));
    }
    return sizes;
}

std::vector<Activation> activations(const Args& a, std::size_t layers) {
    const std::string text = a.required("activations");
    const std::vector<std::string> names = splitList(text);
    if (names.size() != layers) {
        a.failOption("activations",
                     std::to_string(names.size()) + (names.size() == 1 ? " name" : " names") +
                         " for " + std::to_string(layers) + (layers == 1 ? " layer" : " layers") +
                         " (one per layer after the input dimension of --layers)");
    }
    std::vector<Activation> result;
    for (std::size_t i = 0; i < names.size(); ++i) {
        const auto act = activationFromName(names[i]);
        if (!act) {
            a.failOption("activations", "layer " + std::to_string(i + 1) +
                                            ": unknown activation \"" + names[i] +
                                            "\" (known: " + knownActivationNames() + ")");
        }
        result.push_back(*act);
    }
    return result;
}

// "--features x1^2,x2^2": Playground's input features (spec section 10), empty without the flag.
std::vector<Feature> features(const Args& a) {
    std::vector<Feature> result;
    const auto text = a.value("features");
    if (!text) return result;
    const std::vector<std::string> names = splitList(*text);
    for (std::size_t i = 0; i < names.size(); ++i) {
        const auto f = featureFromName(names[i]);
        if (!f) {
            a.failOption("features", "features[" + std::to_string(i) + "]: unknown feature \"" +
                                         names[i] + "\" (known: " + knownFeatureNames() + ")");
        }
        result.push_back(*f);
    }
    if (result.empty()) a.failOption("features", "expected at least one feature name");
    return result;
}

int runInit(const Args& a, Io& io) {
    const std::vector<int> sizes = layerSizes(a);
    const std::vector<Activation> acts = activations(a, sizes.size() - 1);
    const std::vector<Feature> inputFeatures = features(a);
    const std::uint64_t seed = seedOption(a, 0);
    backendOption(a, io.err);  // checked for uniformity; drawing a network needs no backend
    checkOutputFolder(a);

    std::vector<LayerSpec> specs;
    for (std::size_t i = 0; i < acts.size(); ++i)
        specs.push_back({sizes[i + 1], acts[i]});
    Network net;
    try {
        net = Network::initialized(sizes[0], specs, seed, inputFeatures);
    } catch (const InputError& e) {  // softmax before the last layer, too many parameters
        a.fail(e.what());
    }
    std::string shape;
    std::string names;
    for (std::size_t i = 0; i < sizes.size(); ++i)
        shape += (i == 0 ? "" : "-") + std::to_string(sizes[i]);
    std::string featureText;  // "features x1^2, x2^2; " or nothing
    for (std::size_t i = 0; i < inputFeatures.size(); ++i)
        featureText += (i == 0 ? "features " : ", ") + std::string(featureName(inputFeatures[i]));
    if (!featureText.empty()) featureText += "; ";
    for (std::size_t i = 0; i < acts.size(); ++i)
        names += (i == 0 ? "" : ", ") + std::string(activationName(acts[i]));
    net.name = a.value("name").value_or(shape);
    net.description = a.value("description")
                          .value_or(featureText + names +
                                    "; PyTorch's default initialisation (W and b uniform in "
                                    "+-n_in^-1/2), seed " +
                                    std::to_string(seed));

    if (const auto path = a.value("output")) {
        writeNetwork(net, *path);
        io.err << "init: wrote " << shape << " (" << net.parameterCount() << " parameters) to "
               << *path << "\n";
    } else {
        io.out << formatNetwork(net);
    }
    return kExitOk;
}

// A comma-separated list broken into lines of at most 80 columns, each indented by `indent`.
std::string wrapped(const std::string& list, std::size_t indent) {
    std::string text;
    std::string line(indent, ' ');
    std::size_t start = 0;
    while (start < list.size()) {
        std::size_t end = list.find(", ", start);
        end = end == std::string::npos ? list.size() : end + 1;  // the word with its comma
        const std::string word = list.substr(start, end - start);
        if (line.size() > indent && line.size() + 1 + word.size() > 80) {
            text += line + "\n";
            line = std::string(indent, ' ');
        }
        line += (line.size() > indent ? " " : "") + word;
        start = end + 1;
    }
    return text + line;
}

std::string initHelp() {
    return R"(Usage: nnlens-cli init --layers D,H1,..,K --activations A1,..,AL [--seed 0]
                      [--features F1,..] [--name TEXT] [--description TEXT]
                      [-o NET]

Writes a new network file (to stdout without -o) with PyTorch's default
initialisation of torch.nn.Linear: every weight and bias of a layer uniform
in [-k, k], k = n_in^-1/2, drawn from --seed (the same seed gives the same
network on every platform). The seed's statistical example:
  nnlens-cli init --layers 100,200,100,10 --activations tanh,relu,linear \
                  -o net.nnlens.json

Options:
  --layers LIST       comma-separated: the input dimension (1 to )" +
           std::to_string(kMaxInputs) + R"(), then
                      each layer's number of nodes (1 to )" +
           std::to_string(kMaxNodes) + R"(),
                      at most )" +
           std::to_string(kMaxLayers) + R"( layers
  --activations LIST  comma-separated, one per layer (softmax only on the last):
)" + wrapped(knownActivationNames(), 22) +
           R"(
  --features LIST     comma-separated input features before the first layer
                      (TensorFlow Playground's; only with input dimension 2):
)" + wrapped(knownFeatureNames(), 22) +
           R"(
                      the first layer then has one weight row per feature
  --seed N            random seed, a whole number >= 0 (default 0)
  --name TEXT         the network's name (default: the sizes, 100-200-100-10)
  --description TEXT  its description (default: the activations and the seed)
  -o FILE             the network file (written atomically)
  --backend NAME      accepted for uniformity; not used
  -h, --help          show this help
)";
}

}  // namespace

Command initCommand() {
    return {
        "init",
        "--layers L --activations A",
        "a new network, PyTorch's default init",
        initHelp(),
        {{"layers", "activations", "features", "seed", "name", "description", "backend", "output"},
         {},
         {}},
        runInit};
}

}  // namespace nnlens::cli
