// nnlens-cli render: options in, maps from the chosen backend, figure painted by app/figures,
// PNG saved atomically, JSON out.
#include "command.hpp"

#include <QBuffer>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QGuiApplication>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>

#include "core/grid.hpp"
#include "core/network_io.hpp"
#include "figures/figures.hpp"
#include "gui_scope.hpp"
#include "json.hpp"

namespace nnlens::cli {

namespace {

constexpr int kMinDpi = 10;

std::optional<double> parseDouble(std::string_view text) {
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    double d = 0.0;
    const auto res = std::from_chars(text.data(), text.data() + text.size(), d);
    if (text.empty() || res.ec != std::errc() || res.ptr != text.data() + text.size()) {
        return std::nullopt;
    }
    return d;
}

// "A,B" into two numbers, or nullopt.
std::optional<std::pair<double, double>> parsePair(const std::string& text) {
    const auto comma = text.find(',');
    if (comma == std::string::npos) return std::nullopt;
    const auto a = parseDouble(std::string_view(text).substr(0, comma));
    const auto b = parseDouble(std::string_view(text).substr(comma + 1));
    if (!a || !b) return std::nullopt;
    return std::make_pair(*a, *b);
}

// --node L,N: 1-based, checked against the network.
figures::NodeRef nodeOption(const Args& a, const Network& net) {
    if (!a.has("node")) return {0, 0};
    const std::string text = rawValue(a, "node");
    const auto pair = parsePair(text);
    auto whole = [](double v) { return std::isfinite(v) && v == std::floor(v) && v >= 1.0; };
    if (!pair || !whole(pair->first) || !whole(pair->second)) {
        a.failOption("node", "\"" + text + "\" is not LAYER,NODE (1-based, e.g. 1,2)");
    }
    const auto layers = static_cast<double>(net.layers.size());
    if (pair->first > layers) {
        a.failOption("node", "layer " + std::to_string(static_cast<long long>(pair->first)) +
                                 " is out of range (the network has " +
                                 std::to_string(net.layers.size()) + " layers)");
    }
    const int layer = static_cast<int>(pair->first) - 1;
    const int nodes = net.layers[static_cast<std::size_t>(layer)].outputs();
    if (pair->second > nodes) {
        a.failOption("node", "node " + std::to_string(static_cast<long long>(pair->second)) +
                                 " is out of range (layer " + std::to_string(layer + 1) + " has " +
                                 std::to_string(nodes) + " nodes)");
    }
    return {layer, static_cast<int>(pair->second) - 1};
}

int runRender(const Args& a, Io& io) {
    using namespace nnlens::figures;
    // Every option is checked before the network is read, so a bad flag is reported as such.
    const std::string figure = a.required("figure");
    const auto kind = figureFromName(figure);
    if (!kind) {
        a.failOption("figure", "unknown figure \"" + figure +
                                   "\" (known: graph, unit, node, network, activations, softmax)");
    }
    const std::string output = a.required("output");
    // 0: not given.
    const int width = static_cast<int>(
        a.has("width") ? integerInRange(a, "width", 0, 1, figures::kMaxFigurePixels) : 0);
    const int height = static_cast<int>(
        a.has("height") ? integerInRange(a, "height", 0, 1, figures::kMaxFigurePixels) : 0);
    FigureOptions opt;
    opt.style.dpi = a.number("dpi", 100.0);
    if (!(opt.style.dpi >= kMinDpi && opt.style.dpi <= figures::kMaxFigureDpi)) {
        a.failOption("dpi", rawValue(a, "dpi") + " is out of range (must be " +
                                rangeText(kMinDpi, figures::kMaxFigureDpi) + ")");
    }
    opt.style.transparent = a.has("transparent");
    if (a.has("presentation")) {
        opt.style.scale = 1.5;
        opt.style.highContrast = true;
    }
    std::optional<float> vlim;
    if (a.has("vlim")) vlim = static_cast<float>(positiveNumber(a, "vlim", 1.0, kMaxVlimOption));
    if (a.has("softmax-range")) {
        const std::string text = rawValue(a, "softmax-range");
        const auto range = parsePair(text);
        if (!range || !std::isfinite(range->first) || !std::isfinite(range->second) ||
            !(range->second > range->first)) {
            a.failOption("softmax-range", "\"" + text + "\" is not LO,HI with LO < HI (e.g. 0,15)");
        }
        opt.softmaxLo = range->first;
        opt.softmaxHi = range->second;
    }
    if (const auto name = a.value("activation")) {
        const auto act = activationFromName(*name);
        if (!act) {
            a.failOption("activation", "unknown activation \"" + *name +
                                           "\" (known: " + knownActivationNames() + ")");
        }
        opt.highlight = act;
    }
    checkGridOptions(a);
    auto backend = backendOption(a, io.err);
    checkOutputFolder(a);

    const std::string& netPath = a.positional(0);
    Network net = readNetwork(netPath);
    try {
        checkFigure(*kind, net);
    } catch (const InputError& e) {
        throw InputError(netPath + ": " + e.what());
    }
    if (figureNeedsMaps(*kind)) {
        const GridConfig cfg = gridConfig(a, net, netPath);
        net.view = cfg;
    }
    opt.selected = nodeOption(a, net);
    if (!opt.highlight && !net.layers.empty()) {
        opt.highlight = net.layers[static_cast<std::size_t>(opt.selected.layer)].activation;
    }

    const GuiScope gui;  // fonts, from here on
    // One side given: the other keeps the figure's default aspect.
    const QSize base = defaultFigureSize(*kind, net, opt.style);
    QSize size = base;
    if (width > 0 && height > 0) {
        size = QSize(width, height);
    } else if (width > 0) {
        size =
            QSize(width, std::max(1, static_cast<int>(std::lround(static_cast<double>(width) *
                                                                  base.height() / base.width()))));
    } else if (height > 0) {
        size = QSize(std::max(1, static_cast<int>(std::lround(static_cast<double>(height) *
                                                              base.width() / base.height()))),
                     height);
    }
    if (size.width() > figures::kMaxFigurePixels || size.height() > figures::kMaxFigurePixels) {
        a.fail("the figure would be " + std::to_string(size.width()) + "x" +
               std::to_string(size.height()) + " pixels (at most " +
               std::to_string(figures::kMaxFigurePixels) + " per side; give --width and --height)");
    }

    QElapsedTimer timer;
    timer.start();
    std::optional<MapSet> maps;
    if (figureNeedsMaps(*kind)) maps = computeMapSet(net, vlim, backend->gridEvaluator().get());
    const QImage img = renderFigure(*kind, net, maps ? &*maps : nullptr, size, opt);

    // Encoded in memory, then written as every -o file is (writeFileAtomic: through a symbolic
    // link, its temporary file removed by SIGINT/SIGTERM).
    QByteArray png;
    QBuffer buffer(&png);
    if (!buffer.open(QIODevice::WriteOnly) || !img.save(&buffer, "PNG")) {
        throw std::runtime_error(output + ": cannot encode the PNG");
    }
    writeFileAtomic(output,
                    std::string_view(png.constData(), static_cast<std::size_t>(png.size())));
    const double ms = static_cast<double>(timer.nsecsElapsed()) / 1e6;
    io.err << "render: wrote " << output << " (" << size.width() << "x" << size.height() << ")\n";

    io.out << dumpJson({{"backend", backend->name()},
                        {"figure", figureName(*kind)},
                        {"width", size.width()},
                        {"height", size.height()},
                        {"dpi", jsonNumber(opt.style.dpi)},
                        {"file", output},
                        {"ms", jsonNumber(std::round(ms * 10.0) / 10.0)}});
    return kExitOk;
}

std::string renderHelp() {
    return R"(Usage: nnlens-cli render NET --figure F -o FIG.png [--width W] [--height H]
                         [--dpi D] [--node L,N] [--transparent] [--presentation]
                         [--vlim V] [--softmax-range LO,HI] [--activation NAME]
                         [--n N] [--range R] [--bins B]

Draws a figure of the network into a PNG, with the same code the GUI exports
with, and prints
  {"backend":..,"figure":..,"width":..,"height":..,"dpi":..,"file":..,"ms":..}
Figures: graph (the seed's nn_graph_draw2d: one map per node, colour bar),
unit (one node large, with axes and its formula), node (one node's map),
network (the diagram: nodes and weighted edges; any number of inputs),
activations (the seed's plot_activations), softmax (the seed's plot_softmax).
graph, unit and node need a network with 2 inputs.

Options:
  --figure F            graph, unit, node, network, activations or softmax
  -o FILE               the PNG (written atomically)
  --width W, --height H size in pixels (default: the figure's size in inches
                        times dpi; one of them alone keeps that aspect)
  --dpi D               dots per inch, )" +
           rangeText(kMinDpi, figures::kMaxFigureDpi) + R"( (default 100)
  --node L,N            the selected node, 1-based layer and node (default 1,1)
  --transparent         transparent background instead of white
  --presentation        larger text and heavier lines, for a projector
  --vlim V              fixed colour limit of the maps, > 0, at most 1e30
                        (default: the largest |out| in the network)
  --softmax-range LO,HI y1 and y2 of the softmax figure (default 0,15)
  --activation NAME     the curve to emphasise in the activations figure
                        (default: the selected node's activation)
  --n N, --range R, --bins B
                        grid points, half-width and histogram bins of the maps
                        (default: the file's view, else 250, 3, 25)
  --backend NAME        cpu, cuda or auto (default auto), for the maps
  -h, --help            show this help
)";
}

}  // namespace

Command renderCommand() {
    return {"render",
            "NET --figure F -o FIG.png",
            "draw a figure of the network to a PNG",
            renderHelp(),
            {{"figure", "output", "width", "height", "dpi", "node", "vlim", "softmax-range",
              "activation", "n", "range", "bins", "backend"},
             {"transparent", "presentation"},
             {"NET (the network file)"}},
            runRender};
}

}  // namespace nnlens::cli
