// nnlens-cli render: options in, maps from the chosen backend, figure painted by app/figures,
// PNG saved atomically, JSON out.
#include "command.hpp"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QGuiApplication>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>

#include "core/file_io.hpp"
#include "core/grid.hpp"
#include "core/lesson.hpp"
#include "core/limits.hpp"
#include "core/network_io.hpp"
#include "core/trace.hpp"
#include "core/trainer.hpp"
#include "figures/figures.hpp"
#include "figures/png.hpp"
#include "figures/stats_figure.hpp"
#include "gui_scope.hpp"
#include "json.hpp"

namespace nnlens::cli {

namespace {

// "1 value", "3 values".
std::string valueCount(std::size_t n) {
    return std::to_string(n) + (n == 1 ? " value" : " values");
}

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

// "graph, unit, ..., fit": every figure render knows.
std::string figureNames() {
    std::string names;
    for (const figures::FigureKind k : figures::kAllFigures)
        names += (names.empty() ? "" : ", ") + std::string(figures::figureName(k));
    return names;
}

std::string shownJson(const nlohmann::json& v) {
    std::string s = v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return s.size() > 40 ? s.substr(0, 37) + "..." : s;
}

// A JSON result file (what train or lr-scan printed); messages name the file and the key.
nlohmann::json readResultJson(const std::string& path) {
    const std::string text = readFile(path);
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        std::string what = e.what();
        const auto at = what.find("] ");
        if (at != std::string::npos) what = what.substr(at + 2);
        throw InputError(path + ": not JSON (" + what + ")");
    }
    if (!j.is_object()) throw InputError(path + ": expected a JSON object, got " + shownJson(j));
    return j;
}

// A list of numbers under `key`; null entries (a diverged run's NaN) become NaN.
template <typename T>
std::vector<T> numberList(const nlohmann::json& j, const std::string& key, const std::string& path,
                          bool required) {
    std::vector<T> values;
    const auto it = j.find(key);
    if (it == j.end()) {
        if (required) throw InputError(path + ": \"" + key + "\": missing (a list of numbers)");
        return values;
    }
    if (!it->is_array()) {
        throw InputError(path + ": \"" + key + "\": expected a list of numbers, got " +
                         shownJson(*it));
    }
    for (std::size_t i = 0; i < it->size(); ++i) {
        const auto& v = (*it)[i];
        if (v.is_null()) {
            values.push_back(std::numeric_limits<T>::quiet_NaN());
        } else if (v.is_number()) {
            values.push_back(static_cast<T>(v.get<double>()));
        } else {
            throw InputError(path + ": \"" + key + "\"[" + std::to_string(i) +
                             "]: expected a number, got " + shownJson(v));
        }
    }
    return values;
}

// --history: the train command's JSON (train_loss, val_loss).
std::shared_ptr<const figures::LossHistory> historyOption(const std::string& path) {
    const nlohmann::json j = readResultJson(path);
    auto h = std::make_shared<figures::LossHistory>();
    const std::vector<float> train = numberList<float>(j, "train_loss", path, true);
    const std::vector<float> val = numberList<float>(j, "val_loss", path, false);
    if (train.empty()) throw InputError(path + ": \"train_loss\": the list is empty");
    if (!val.empty() && val.size() != train.size()) {
        throw InputError(path + ": \"val_loss\": has " + valueCount(val.size()) +
                         " but \"train_loss\" has " + std::to_string(train.size()));
    }
    h->train = nnlens::EpochSeries(train);
    h->val = nnlens::EpochSeries(val);
    return h;
}

// --scan: the lr-scan command's JSON (lr, loss, recommended).
std::shared_ptr<const figures::LrScanCurve> scanOption(const std::string& path) {
    const nlohmann::json j = readResultJson(path);
    auto s = std::make_shared<figures::LrScanCurve>();
    s->lr = numberList<double>(j, "lr", path, true);
    s->loss = numberList<float>(j, "loss", path, true);
    if (s->loss.empty()) throw InputError(path + ": \"loss\": the list is empty");
    if (s->lr.size() != s->loss.size()) {
        throw InputError(path + ": \"lr\": has " + valueCount(s->lr.size()) + " but \"loss\" has " +
                         std::to_string(s->loss.size()));
    }
    for (std::size_t i = 0; i < s->lr.size(); ++i) {
        if (!(s->lr[i] > 0.0 && std::isfinite(s->lr[i]))) {
            throw InputError(path + ": \"lr\"[" + std::to_string(i) + "]: expected a rate > 0");
        }
    }
    const auto rec = j.find("recommended");
    if (rec != j.end() && !rec->is_null()) {
        if (!rec->is_number() || !(rec->get<double>() > 0.0)) {
            throw InputError(path + ": \"recommended\": expected a rate > 0, got " +
                             shownJson(*rec));
        }
        s->recommended = rec->get<double>();
    }
    return s;
}

// The flow figure's options (--n, --seed, --loss, --reduction, --loss-scale, --module) before the
// network is read; the others refuse them. --module is checked against the network later.
struct FlowArgs {
    std::optional<int> samples;  // --n: normal inputs of N rows
    std::optional<std::uint64_t> seed;
    std::optional<LossConfig> loss;
    float lossScale = 1.0f;
    std::optional<std::int64_t> module;
};

FlowArgs flowArgs(const Args& a, figures::FigureKind kind) {
    FlowArgs f;
    if (kind != figures::FigureKind::Flow && kind != figures::FigureKind::Stats) {
        for (const char* option : {"seed", "loss", "reduction", "loss-scale", "module"}) {
            // --loss also names the losses figure's emphasised loss.
            if (kind == figures::FigureKind::Losses && std::string_view(option) == "loss") continue;
            // --seed also shuffles the quiz figure's maps.
            if (kind == figures::FigureKind::Quiz && std::string_view(option) == "seed") continue;
            if (a.has(option)) a.failOption(option, "only for --figure flow or stats");
        }
        return f;
    }
    if (a.has("n")) f.samples = static_cast<int>(integerInRange(a, "n", 100, 1, kMaxGeneratedRows));
    if (a.has("seed")) f.seed = seedOption(a, 0);
    if (a.has("loss")) {
        f.loss = lossOption(a);
    } else if (a.has("reduction")) {
        a.failOption("reduction", "needs --loss");
    }
    f.lossScale = static_cast<float>(positiveNumber(a, "loss-scale", 1.0, kMaxLossScaleOption));
    if (a.has("module")) {
        f.module = integerInRange(a, "module", 0, 0, std::numeric_limits<int>::max());
    }
    return f;
}

// The lesson's training loss (mse, mean without one), as the window's Training settings have it.
LossConfig lessonLoss(const Lesson& lesson) {
    if (!lesson.training) return {};
    const Loss loss = lossFromName(lesson.training->loss).value_or(Loss::Mse);
    const auto reduction = reductionFromName(lesson.training->reduction);
    return {loss, reduction.value_or(defaultReduction(loss))};
}

int runRender(const Args& a, Io& io) {
    using namespace nnlens::figures;
    // Every option is checked before the network is read, so a bad flag is reported as such.
    const std::string figure = a.required("figure");
    const auto kind = figureFromName(figure);
    if (!kind) {
        a.failOption("figure", "unknown figure \"" + figure + "\" (known: " + figureNames() + ")");
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
    opt.showSelection = a.has("show-selection");
    opt.discretize = a.has("discretize");
    opt.featureColumn = a.has("features");
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
    opt.softmaxPerPanel = a.has("softmax-per-panel");
    if (const auto name = a.value("activation")) {
        const auto act = activationFromName(*name);
        if (!act) {
            a.failOption("activation", "unknown activation \"" + *name +
                                           "\" (known: " + knownActivationNames() + ")");
        }
        opt.highlight = act;
    }
    opt.lossSigma = numberInRange(a, "sigma", 1.0, figures::kMinLossSigma, figures::kMaxLossSigma);
    if (const auto name = a.value("loss"); *kind == FigureKind::Losses && name && *name != "all") {
        const auto loss = lossFromName(*name);
        if (!loss) {
            a.failOption("loss",
                         "unknown loss \"" + *name + "\" (known: all, " + knownLossNames() + ")");
        }
        opt.lossHighlight = loss;
    }
    std::optional<double> valSplit;
    if (a.has("val-split")) {
        valSplit = a.number("val-split", 0.0);
        if (!(*valSplit >= 0.0 && *valSplit < 1.0)) {
            a.failOption("val-split",
                         rawValue(a, "val-split") + " is out of range (must be in [0, 1))");
        }
    }
    if (const auto column = a.value("fit-column")) opt.fitColumn = *column;
    if (a.has("mark-epoch")) {
        opt.markEpoch = static_cast<int>(
            integerInRange(a, "mark-epoch", 1, 1, std::numeric_limits<int>::max()));
    }
    const FlowArgs flow = flowArgs(a, *kind);
    if (*kind == FigureKind::Quiz) {
        if (a.has("seed")) opt.quizOrder = figures::quizOrder(seedOption(a, 0));
        opt.quizReveal = a.has("reveal");
    } else if (a.has("reveal")) {
        a.failOption("reveal", "only for --figure quiz");
    }
    opt.arrows = !a.has("no-arrows");
    if (const auto name = a.value("map-layout")) {
        const auto layout = figures::mapLayoutFromName(*name);
        if (!layout) {
            a.failOption("map-layout",
                         "unknown map layout \"" + *name + "\" (known: notebook, fill, focus)");
        }
        if (*kind != FigureKind::Graph) a.failOption("map-layout", "only for --figure graph");
        opt.mapLayout = *layout;
    }
    const bool traced = *kind == FigureKind::Flow || *kind == FigureKind::Stats;
    if (!traced) checkGridOptions(a);  // flow, stats: --n is the number of samples
    // stats: --bins is the histograms' (as trace's).
    if (*kind == FigureKind::Stats) {
        opt.statsBins = static_cast<int>(integerInRange(a, "bins", opt.statsBins, 1, kMaxBins));
    }
    auto backend = backendOption(a, io.err);
    checkOutputFolder(a);

    // The figures of a run read the CLI's own results and data.
    if (const auto path = a.value("history")) {
        opt.history = historyOption(*path);
        if (opt.markEpoch && *opt.markEpoch > opt.history->train.epochs()) {
            a.failOption("mark-epoch", rawValue(a, "mark-epoch") + " is out of range (" + *path +
                                           " has " + std::to_string(opt.history->train.epochs()) +
                                           " epochs)");
        }
    }
    if (const auto path = a.value("scan")) opt.scan = scanOption(*path);

    const std::string& netPath = a.positional(0);
    Network net = readNetwork(netPath);
    try {
        checkFigure(*kind, net);
    } catch (const InputError& e) {
        throw InputError(netPath + ": " + e.what());
    }
    // Data: --data, else the lesson's (spec section 7); the last fraction validates (hollow).
    const Lesson lesson = lessonOf(net);
    if (const auto path = a.value("data")) {
        opt.data = std::make_shared<const Dataset>(loadData(*path));
    } else if (lesson.data && (*kind == FigureKind::Data || *kind == FigureKind::Fit ||
                               a.has("points") || (traced && !flow.samples && !flow.seed))) {
        opt.data = std::make_shared<const Dataset>(loadLessonData(*lesson.data, netPath));
    }
    if (opt.data) {
        const double split = valSplit.value_or(lesson.data ? lesson.data->valSplit : 0.0);
        opt.trainRows = trainingRows(opt.data->size(), split);
    }
    opt.pointsOnAllMaps = a.has("points-on-all-maps");
    try {
        checkFigure(*kind, net, opt);
    } catch (const InputError& e) {
        throw InputError(netPath + ": " + e.what());
    }
    if (figureNeedsMaps(*kind)) {
        const GridConfig cfg = gridConfig(a, net, netPath);
        // The maps (s, out and the coloured image) within the window's budget, checked before
        // they are computed (#19).
        checkMapSize("render", net, cfg.n, 12.0);
        net.view = cfg;
    }
    opt.selected = nodeOption(a, net);
    if (traced) {
        const int modules = static_cast<int>(splitModules(net).size());
        if (flow.module && *flow.module >= modules) {
            a.failOption("module", std::to_string(*flow.module) +
                                       " is out of range (the network has " +
                                       std::to_string(modules) + " modules, 0.." +
                                       std::to_string(modules - 1) + ")");
        }
        if (*kind == FigureKind::Stats && flow.module) {
            const int m = static_cast<int>(*flow.module);
            if (!isLinearModule(net, m)) {
                std::string linear;
                for (int k = 0; k < modules; ++k) {
                    if (isLinearModule(net, k))
                        linear += (linear.empty() ? "" : ", ") + std::to_string(k);
                }
                a.failOption("module", std::to_string(m) +
                                           " is not a Linear module (W against dW needs one; "
                                           "this network's: " +
                                           linear + ")");
            }
            opt.statsModule = m;
        }
        FlowSource source;
        // --n or --seed: normal inputs; else the data (--data or the lesson's) when it fits.
        if (!flow.samples && !flow.seed) source.data = opt.data;
        source.samples = flow.samples.value_or(defaultFlowSamples(net));
        source.seed = flow.seed.value_or(0);
        source.loss = flow.loss.value_or(lessonLoss(lesson));
        source.lossScale = flow.lossScale;
        try {
            opt.trace = traceFlow(net, source);
        } catch (const InputError& e) {
            throw InputError(netPath + ": " + e.what());
        }
        opt.flowSamples = source.samples;
        opt.flowModule = static_cast<int>(flow.module.value_or(0));
    }
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
    const QByteArray png = encodePng(img);
    if (png.isEmpty()) throw std::runtime_error(output + ": cannot encode the PNG");
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

static_assert(figures::kMinLossSigma == 0.05 && figures::kMaxLossSigma == 100.0,
              "the help text names the range of --sigma");
static_assert(kMaxBins == 1024, "the help text names the range of --bins for stats");

std::string renderHelp() {
    return R"(Usage: nnlens-cli render NET --figure F -o FIG.png [--width W] [--height H]
                         [--dpi D] [--node L,N] [--show-selection]
                         [--discretize] [--features]
                         [--transparent] [--presentation]
                         [--vlim V] [--softmax-range LO,HI] [--activation NAME]
                         [--softmax-per-panel]
                         [--sigma S] [--loss NAME]
                         [--n N] [--range R] [--bins B]
                         [--history TRAIN.json] [--scan SCAN.json]
                         [--data D.csv] [--val-split F] [--fit-column C]
                         [--points] [--points-on-all-maps] [--mark-epoch E]
                         [--seed S] [--loss L] [--reduction R] [--loss-scale K]
                         [--module I] [--reveal] [--no-arrows]
                         [--map-layout notebook|fill|focus]

Draws a figure of the network into a PNG, with the same code the GUI exports
with, and prints
  {"backend":..,"figure":..,"width":..,"height":..,"dpi":..,"file":..,"ms":..}
Figures: graph (the seed's nn_graph_draw2d: one map per node, colour bar),
unit (one node large, with axes and its formula), node (one node's map),
network (the diagram: nodes and weighted edges; any number of inputs),
activations (the seed's plot_activations), softmax (the seed's plot_softmax),
loss (train and validation loss per epoch from the JSON train printed),
lr-scan (the seed's lr_scan plot from the JSON lr-scan printed), data (the
output node's map with the data points and the decision line), fit
(targets and predictions against the row order or a column, as the seed's
sin(t)cos(t) plot), losses (each loss with its formula, its value and its
gradient against the output for the targets 0 and 1), flow (the seed's
torch.nn.Sequential modules left to right, with the shapes its trace(net,
verbose=True) prints: IN/OUT above the arrows, GRAD below), stats (the
seed's statistical perspective of that trace: histograms of the input, of
each Linear module's W and b with the bound +-n_in^-1/2 and of each module's
output; each activation's input against its output; a Linear module's W
against dW) and quiz (the seed's "which activation?" exercise: one unit under
the six activations, with the selected first-layer node's w and b, else
w = [2, 1], b = 1). graph, unit, node and data need a network with 2 inputs.
data and fit take --data, else the data the network file's lesson names.

Options:
  --figure F            graph, unit, node, network, activations, softmax, loss,
                        lr-scan, data, fit, losses, flow, stats or quiz
  -o FILE               the PNG (written atomically)
  --width W, --height H size in pixels (default: the figure's size in inches
                        times dpi; one of them alone keeps that aspect)
  --dpi D               dots per inch, )" +
           rangeText(kMinDpi, figures::kMaxFigureDpi) + R"( (default 100): the size of
                        text and lines; --width and --height stay the pixels
                        written, without them the size is inches times dpi
  --node L,N            the selected node, 1-based layer and node (default 1,1)
  --show-selection      graph, network: the selected node's frame as the
                        window draws it (default: none, a figure for a slide)
  --discretize          graph, unit, node, quiz, data: the output layer's maps
                        as the class decision, two colours split at 0.5
                        (sigmoid, softmax) or 0 (other activations), as
                        TensorFlow Playground's "Discretize output"
  --features            graph: the column of the input features' maps (x1,
                        x2, x1^2, x2^2, x1*x2, sin(x1), sin(x2)) left of the
                        first layer, the network's own in full colour
  --transparent         transparent background instead of white
  --presentation        larger text and heavier lines, for a projector
  --vlim V              fixed colour limit of the maps, > 0, at most 1e30
                        (default: the largest |out| in the network)
  --softmax-range LO,HI y1 and y2 of the softmax figure (default 0,15)
  --softmax-per-panel   softmax: each panel's colours span its own min..max
                        of p, the notebook's imshow default, without a colour
                        bar (default: one scale 0..1 with a colour bar)
  --activation NAME     the curve to emphasise in the activations figure
                        (default: the selected node's activation)
  --sigma S             losses: chi2's sigma, from 0.05 to 100 (default 1)
  --loss NAME           losses: the loss to emphasise (the others light), or
                        all (default)
  --n N, --range R, --bins B
                        grid points, half-width and histogram bins of the maps
                        (default: the file's view, else 250, 3, 25)
  --history FILE        loss: the JSON that train printed
  --mark-epoch E        loss: a vertical line at epoch E (the window's timeline)
  --scan FILE           lr-scan: the JSON that lr-scan printed
  --data D.csv          data, fit (and graph, unit, node): the points; default:
                        the lesson's data for data and fit
  --val-split F         the last fraction F of the rows drawn as validation
                        (hollow; default: the lesson's val_split, else 0)
  --fit-column C        fit: the x axis, an input (x1, ...) or another column
                        of the data (t); default: the row order
  --points              graph, unit, node: the lesson's data points too
  --points-on-all-maps  the points on every map, not only the output layer's
  flow, stats: the data traced: --data D.csv, else the lesson's data, else
  (and with --n or --seed) N standard normal inputs, the seed's
  torch.randn(N, D)
  --n N                 flow, stats: N normal inputs (default 100; 500 for 100
                        inputs and more)
  --seed S              flow, stats: the normal inputs' seed (default 0)
  --loss L, --reduction R
                        flow, stats, data with targets: the loss (default: the
                        lesson's, else mse); without targets always the
                        seed's mean(Xout ** 2)
  --loss-scale K        flow, stats: the loss times K, > 0 (default 1; the
                        seed's 100)
  --module I            flow: the module outlined, 0-based (default 0);
                        stats: the Linear module whose W is drawn against dW
                        (default: the second, the seed's net[2])
  --bins B              stats: the histograms' bins, 1 to 1024 (default 50)
  --seed S              quiz: the maps in an order shuffled with S (default:
                        the seed's order, (a) linear to (f) elu)
  --reveal              quiz: the activations' names under the maps
  --no-arrows           graph, unit, node, quiz: no weight arrows (the seed's
                        arrow exercise)
  --map-layout L        graph: notebook (default; one column per layer, one
                        map per node, as the seed), fill (each layer a grid,
                        the maps as large as the figure allows) or focus (the
                        --node's layer large, the others small)
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
            {{"figure",     "output",        "width",      "height",    "dpi",        "node",
              "vlim",       "softmax-range", "activation", "n",         "range",      "bins",
              "backend",    "history",       "scan",       "data",      "val-split",  "fit-column",
              "mark-epoch", "seed",          "loss",       "reduction", "loss-scale", "module",
              "sigma",      "map-layout"},
             {"transparent", "presentation", "points", "points-on-all-maps", "reveal", "no-arrows",
              "show-selection", "softmax-per-panel", "discretize", "features"},
             {"NET (the network file)"}},
            runRender};
}

}  // namespace nnlens::cli
