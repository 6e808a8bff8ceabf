// nnlens-cli commands (spec section 6): options in, engine calls, JSON out, exit codes.
#include "cli.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <limits>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "args.hpp"
#include "bench.hpp"
#include "core/backend.hpp"
#include "core/backward.hpp"
#include "core/dataset.hpp"
#include "core/error.hpp"
#include "core/grid.hpp"
#include "core/lr_scan.hpp"
#include "core/network_io.hpp"
#include "core/trainer.hpp"
#include "json.hpp"
#include "render.hpp"
#include "summary.hpp"
#include "text/number_text.hpp"

#ifndef NNLENS_VERSION
#define NNLENS_VERSION "unknown"
#endif

namespace nnlens::cli {

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitBadInput = 2;

// Upper bounds that keep a typo from asking for terabytes; generous for real use.
constexpr std::int64_t kMaxDatasetRows = 10'000'000;
constexpr std::int64_t kMaxLrSteps = 1'000'000;
constexpr int kMaxProgressLines = 20;  // train progress lines per run, about

struct Io {
    std::ostream& out;
    std::ostream& err;
};

struct Command {
    const char* name;
    const char* arguments;  // for the command list
    const char* purpose;    // for the command list
    const char* help;       // the full --help text
    ArgSpec spec;
    std::function<int(const Args&, Io&)> run;
};

// ---- shared option handling --------------------------------------------------------------

std::uint64_t seedOption(const Args& a, std::uint64_t fallback) {
    return static_cast<std::uint64_t>(integerInRange(a, "seed", static_cast<std::int64_t>(fallback),
                                                     0, std::numeric_limits<std::int64_t>::max()));
}

LossConfig lossOption(const Args& a) {
    const std::string name = a.required("loss");
    const auto loss = lossFromName(name);
    if (!loss) {
        a.failOption("loss", "unknown loss \"" + name + "\" (known: " + knownLossNames() + ")");
    }
    LossConfig cfg{*loss, defaultReduction(*loss)};
    if (const auto r = a.value("reduction")) {
        const auto reduction = reductionFromName(*r);
        if (!reduction)
            a.failOption("reduction", "unknown reduction \"" + *r + "\" (known: mean, sum)");
        cfg.reduction = *reduction;
    }
    return cfg;
}

OptimizerKind optimizerOption(const Args& a) {
    const std::string name = a.required("optimizer");
    const auto kind = optimizerFromName(name);
    if (!kind) {
        a.failOption("optimizer",
                     "unknown optimizer \"" + name + "\" (known: sgd, momentum, adam)");
    }
    return *kind;
}

// The JSON result: to -o FILE (atomically, only now that everything succeeded) or stdout.
void emitJson(const Args& a, Io& io, const Json& result) {
    const std::string text = dumpJson(result);
    if (const auto path = a.value("output")) {
        writeFileAtomic(*path, text);
        io.err << a.command() << ": wrote " << *path << "\n";
    } else {
        io.out << text;
    }
}

// A data file with at least one row; the engine's messages already start with the file name.
Dataset loadData(const std::string& path) {
    Dataset data = readCsv(path);
    if (data.size() == 0) throw InputError(path + ": no data rows (the data set is empty)");
    return data;
}

void checkInputWidth(const Network& net, const Dataset& data, const std::string& path) {
    if (data.inputs() != net.inputs) {
        throw InputError(path + ": has " + std::to_string(data.inputs()) +
                         " input columns (x1..) but the network takes " +
                         std::to_string(net.inputs) + " inputs");
    }
}

// ---- forward -----------------------------------------------------------------------------

int runForward(const Args& a, Io& io) {
    const std::string dataPath = a.required("data");
    auto backend = backendOption(a, io.err);
    checkOutputFolder(a);
    const Network net = readNetwork(a.positional(0));
    const Dataset data = loadData(dataPath);
    checkInputWidth(net, data, dataPath);

    const Trace trace = backend->forward(net, data.x);
    Json layers = Json::array();
    for (std::size_t l = 0; l < trace.layers.size(); ++l) {
        layers.push_back({{"activation", activationName(net.layers[l].activation)},
                          {"s", jsonRows(trace.layers[l].s)},
                          {"out", jsonRows(trace.layers[l].out)}});
    }
    emitJson(a, io, {{"backend", backend->name()}, {"layers", std::move(layers)}});
    return kExitOk;
}

// ---- grid --------------------------------------------------------------------------------

void checkTwoInputs(const Network& net, const std::string& netPath) {
    if (net.inputs != 2) {
        throw InputError(netPath + ": maps need a network with 2 inputs, this one has " +
                         std::to_string(net.inputs));
    }
}

int runGrid(const Args& a, Io& io) {
    auto backend = backendOption(a, io.err);
    // Flags are checked before the file is read, so a bad flag is reported as such.
    if (a.has("n")) integerInRange(a, "n", 0, kMinGrid, kMaxGrid);
    if (a.has("range")) positiveNumber(a, "range", 0.0);
    if (a.has("bins")) integerInRange(a, "bins", 0, 1, kMaxBins);
    checkOutputFolder(a);
    const std::string& netPath = a.positional(0);
    const Network net = readNetwork(netPath);
    checkTwoInputs(net, netPath);
    const GridConfig cfg = gridConfig(a, net, netPath);

    auto evaluator = backend->gridEvaluator();
    evaluator->compute(net, cfg);
    const GridMaps& maps = evaluator->maps();

    Json layers = Json::array();
    for (int l = 0; l < maps.layers(); ++l) {
        const auto li = static_cast<std::size_t>(l);
        const Matrix& s = maps.s[li];
        const Matrix& out = maps.out[li];
        const auto points = static_cast<std::size_t>(s.rows());
        Json nodes = Json::array();
        for (Eigen::Index j = 0; j < s.cols(); ++j) {
            const auto ji = static_cast<std::size_t>(j);
            const Histogram& h = maps.hist[li][ji];
            // Column j is node j's map, contiguous in column-major storage.
            Json node = {
                {"s", jsonArray({s.data() + j * s.rows(), points})},
                {"out", jsonArray({out.data() + j * out.rows(), points})},
                {"hist",
                 {{"min", jsonNumber(h.min)}, {"max", jsonNumber(h.max)}, {"counts", h.counts}}}};
            if (l == 0) {
                const auto& arrow = maps.arrows[ji];
                node["arrow"] =
                    arrow ? Json{{"origin", jsonArray(arrow->origin)}, {"w", jsonArray(arrow->w)}}
                          : Json(nullptr);
            }
            nodes.push_back(std::move(node));
        }
        layers.push_back({{"activation", activationName(net.layers[li].activation)},
                          {"nodes", std::move(nodes)}});
    }
    emitJson(a, io,
             {{"backend", backend->name()},
              {"n", cfg.n},
              {"range", jsonNumber(cfg.range)},
              {"bins", cfg.bins},
              {"colour_limit", jsonNumber(maps.colourLimit)},
              {"layers", std::move(layers)}});
    return kExitOk;
}

// ---- grad --------------------------------------------------------------------------------

int runGrad(const Args& a, Io& io) {
    const std::string dataPath = a.required("data");
    const LossConfig loss = lossOption(a);
    auto backend = backendOption(a, io.err);
    checkOutputFolder(a);
    const Network net = readNetwork(a.positional(0));
    const Dataset data = loadData(dataPath);
    checkData(net, data, loss, dataPath);

    const Gradients g = backend->gradients(net, data, loss);
    Json layers = Json::array();
    for (const LayerGradients& lg : g.layers) {
        layers.push_back(
            {{"grad_weights", jsonRows(lg.dW)},
             {"grad_bias", jsonArray({lg.db.data(), static_cast<std::size_t>(lg.db.size())})},
             {"grad_s", jsonRows(lg.dS)},
             {"grad_out", jsonRows(lg.dOut)}});
    }
    emitJson(a, io,
             {{"backend", backend->name()},
              {"loss", jsonNumber(g.loss)},
              {"layers", std::move(layers)}});
    return kExitOk;
}

// ---- train -------------------------------------------------------------------------------

TrainConfig trainConfig(const Args& a) {
    TrainConfig cfg;
    cfg.batch =
        static_cast<int>(integerInRange(a, "batch", 10, 1, std::numeric_limits<int>::max()));
    if (a.has("epochs") && a.has("steps")) a.fail("--epochs and --steps cannot be used together");
    cfg.epochs =
        static_cast<int>(integerInRange(a, "epochs", 100, 1, std::numeric_limits<int>::max()));
    if (a.has("steps")) {
        cfg.steps = integerInRange(a, "steps", 1, 1, std::numeric_limits<std::int64_t>::max());
    }
    cfg.valSplit = a.number("val-split", 0.0);
    if (!(cfg.valSplit >= 0.0 && cfg.valSplit < 1.0)) {
        a.failOption("val-split",
                     rawValue(a, "val-split") + " is out of range (must be in [0, 1))");
    }
    cfg.seed = seedOption(a, 0);
    cfg.shuffle = !a.has("no-shuffle");
    return cfg;
}

// Progress on stderr: the first, every k-th and the last epoch (or step), about 20 lines a run.
class TrainProgressPrinter {
  public:
    TrainProgressPrinter(std::ostream& err, std::int64_t total, bool perStep)
        : m_err(err),
          m_total(total),
          m_every(std::max<std::int64_t>(1, (total + kMaxProgressLines - 1) / kMaxProgressLines)),
          m_perStep(perStep) {}

    void operator()(const TrainProgress& p) const {
        const std::int64_t i = m_perStep ? p.step : p.epoch;
        if (i != 1 && i % m_every != 0 && i != m_total) return;
        const int width = static_cast<int>(std::to_string(m_total).size());
        char line[160];
        std::snprintf(line, sizeof line, "%s %*lld/%lld  loss %s", m_perStep ? "step" : "epoch",
                      width, static_cast<long long>(i), static_cast<long long>(m_total),
                      text::formatNumber(p.trainLoss).c_str());
        m_err << line;
        if (p.valLoss) m_err << "  val_loss " << text::formatNumber(*p.valLoss);
        m_err << "\n" << std::flush;
    }

  private:
    std::ostream& m_err;
    std::int64_t m_total;
    std::int64_t m_every;
    bool m_perStep;
};

// The input network (name, description, view, unknown keys) with the trained parameters, so
// a backend that returns bare layers cannot drop what the file carried.
Network withParameters(Network original, const Network& trained) {
    for (std::size_t l = 0; l < std::min(original.layers.size(), trained.layers.size()); ++l) {
        original.layers[l].W = trained.layers[l].W;
        original.layers[l].b = trained.layers[l].b;
    }
    return original;
}

// Divergence (a loss or parameter that is no longer finite) is a result, not a failure: the
// experiment ran and says what happened. So train writes the last finite network, prints the
// JSON with "diverged": true and the stop reason, warns on stderr, and exits 0; scripts that
// must not continue check "diverged". (Exit 1 stays reserved for a command that could not do
// its work.)
int runTrain(const Args& a, Io& io) {
    const std::string dataPath = a.required("data");
    const LossConfig loss = lossOption(a);
    OptimizerConfig opt;
    opt.kind = optimizerOption(a);
    a.required("lr");
    opt.lr = static_cast<float>(positiveNumber(a, "lr", 0.0));
    if (!(std::isfinite(opt.lr) && opt.lr > 0.0f)) {
        a.failOption("lr", rawValue(a, "lr") + " is out of range (not representable as a float)");
    }
    const TrainConfig cfg = trainConfig(a);
    const std::string outPath = a.required("output");
    auto backend = backendOption(a, io.err);
    checkOutputFolder(a);

    const Network net = readNetwork(a.positional(0));
    const Dataset data = loadData(dataPath);
    checkData(net, data, loss, dataPath);
    // nnlens::train splits the rows itself; this check only words the message for the CLI.
    if (trainingRows(data.size(), cfg.valSplit) < 1) {
        a.failOption("val-split", rawValue(a, "val-split") + " leaves none of the " +
                                      std::to_string(data.size()) + " rows of " + dataPath +
                                      " for training");
    }

    auto session = backend->startTraining(net, data, loss, opt);
    const std::int64_t total = cfg.steps ? *cfg.steps : cfg.epochs;
    const TrainProgressPrinter printer(io.err, total, cfg.steps.has_value());
    const TrainResult result = train(*session, data.size(), cfg, std::cref(printer));
    if (result.diverged) {
        io.err << "train: warning: "
               << (result.stopReason.empty()
                       ? "training diverged after " + std::to_string(result.steps) +
                             " steps; writing the last finite parameters"
                       : result.stopReason)
               << "\n";
    }
    writeNetwork(withParameters(net, session->network()), outPath);
    io.err << "train: wrote " << outPath << "\n";

    io.out << dumpJson(
        {{"backend", backend->name()},
         {"steps", result.steps},
         {"epochs", result.epochs},
         {"train_loss", jsonArray(result.trainLoss)},
         {"val_loss", jsonArray(result.valLoss)},
         {"diverged", result.diverged},
         {"stop_reason", result.stopReason.empty() ? Json(nullptr) : Json(result.stopReason)}});
    return kExitOk;
}

// ---- lr-scan -----------------------------------------------------------------------------

int runLrScan(const Args& a, Io& io) {
    const std::string dataPath = a.required("data");
    const LossConfig loss = lossOption(a);
    OptimizerConfig opt;
    opt.kind = optimizerOption(a);
    LrScanConfig cfg;
    cfg.batch =
        static_cast<int>(integerInRange(a, "batch", 10, 1, std::numeric_limits<int>::max()));
    cfg.start = positiveNumber(a, "lr-start", 1e-6);
    cfg.stop = positiveNumber(a, "lr-stop", 1.0);
    if (!(cfg.stop > cfg.start)) {
        a.failOption("lr-stop", text::formatNumber(cfg.stop) +
                                    " is out of range (must be above --lr-start " +
                                    text::formatNumber(cfg.start) + ")");
    }
    cfg.steps = static_cast<int>(integerInRange(a, "lr-steps", 100, 2, kMaxLrSteps));
    cfg.seed = seedOption(a, 0);
    cfg.shuffle = !a.has("no-shuffle");
    auto backend = backendOption(a, io.err);
    checkOutputFolder(a);

    const Network net = readNetwork(a.positional(0));
    const Dataset data = loadData(dataPath);
    checkData(net, data, loss, dataPath);

    opt.lr = static_cast<float>(cfg.start);
    auto session = backend->startTraining(net, data, loss, opt);
    const LrScanResult r = lrScan(*session, data.size(), cfg);

    if (!r.loss.empty()) {
        const auto best = std::min_element(r.loss.begin(), r.loss.end()) - r.loss.begin();
        io.err << "lr-scan: " << r.loss.size() << " steps, lowest loss "
               << text::formatNumber(r.loss[static_cast<std::size_t>(best)]) << " at lr "
               << text::formatNumber(r.lr[static_cast<std::size_t>(best)]) << ", recommended lr "
               << text::formatNumber(r.recommended) << "\n";
    }
    emitJson(a, io,
             {{"backend", backend->name()},
              {"lr", jsonArray(r.lr)},
              {"loss", jsonArray(r.loss)},
              {"recommended", jsonNumber(r.recommended)}});
    return kExitOk;
}

// ---- dataset -----------------------------------------------------------------------------

std::string joined(const std::vector<std::string>& names) {
    std::string s;
    for (const std::string& n : names)
        s += (s.empty() ? "" : ", ") + n;
    return s;
}

int runDataset(const Args& a, Io& io) {
    const std::string& kind = a.positional(0);
    const auto& kinds = datasetKinds();
    if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) {
        a.fail("unknown kind \"" + kind + "\" (known: " + joined(kinds) + ")");
    }
    const auto n = static_cast<int>(integerInRange(a, "n", 500, 1, kMaxDatasetRows));
    const double noise = a.number("noise", 0.1);
    if (!(std::isfinite(noise) && noise >= 0.0)) {
        a.failOption("noise",
                     rawValue(a, "noise") + " is out of range (must be a finite number >= 0)");
    }
    const std::uint64_t seed = seedOption(a, 1);
    backendOption(a, io.err);  // checked for uniformity; generating data needs no backend
    checkOutputFolder(a);

    const Dataset data = generateDataset(kind, n, noise, seed);
    if (const auto path = a.value("output")) {
        writeCsv(data, *path);
        io.err << "dataset: wrote " << data.size() << " rows of " << kind << " to " << *path
               << "\n";
    } else {
        io.out << formatCsv(data);
    }
    return kExitOk;
}

// ---- bench -------------------------------------------------------------------------------

int runBenchCommand(const Args& a, Io& io) {
    auto backend = backendOption(a, io.err);
    checkOutputFolder(a);
    const BenchResult r = runBench(*backend, a.has("quick"), a.has("large"), io.err);
    emitJson(a, io, benchJson(r, backend->name()));
    return kExitOk;
}

// ---- summary -----------------------------------------------------------------------------

int runSummary(const Args& a, Io& io) {
    auto backend = backendOption(a, io.err);
    if (a.has("n")) integerInRange(a, "n", 0, kMinGrid, kMaxGrid);
    if (a.has("range")) positiveNumber(a, "range", 0.0);
    SummaryOptions opt;
    opt.mapWidth = static_cast<int>(integerInRange(a, "width", 32, 8, 76));
    const std::string& netPath = a.positional(0);
    const Network net = readNetwork(netPath);
    if (net.inputs == 2) {
        opt.grid = gridConfig(a, net, netPath);
        opt.gridFromFile = net.hasView && !a.has("n");
    }
    io.out << formatSummary(net, netPath, opt, *backend);
    return kExitOk;
}

// ---- the command table -------------------------------------------------------------------

const std::vector<Command>& commands() {
    static const std::vector<Command> table = {
        {"summary",
         "NET",
         "layers and node maps, drawn as text",
         R"(Usage: nnlens-cli summary NET [--n N] [--range R] [--width W]

Prints a network for the terminal: its name and description, a table of the
layers (nodes, activation, parameters (n_in + 1) n_out), and for every node
LYRi-NODEj the range of its output and a map of it over the input plane,
drawn in characters (x1 across, x2 up) with one colour limit shared by all
maps, as the seed's nn_graph_draw2d draws them. First-layer nodes also show
their weights w, bias b and the origin of the arrow w. Maps need 2 inputs.

Options:
  --n N           grid points per side used to compute the maps (default:
                  the file's view, else 250)
  --range R       maps cover [-R, R]^2 (default: the file's view, else 3)
  --width W       characters per map row, 8 to 76 (default 32)
  --backend NAME  cpu, cuda or auto (default auto)
  -h, --help      show this help
)",
         {{"n", "range", "width", "backend"}, {}, {"NET (the network file)"}},
         runSummary},
        {"forward",
         "NET --data D.csv",
         "each layer's s and out for the data",
         R"(Usage: nnlens-cli forward NET --data D.csv [-o OUT.json]

Runs the inputs x1..xD of every row of D.csv through the network and prints
each layer's pre-activation s = X W + b and output out = phi(s), one row per
sample:
  {"backend":..,"layers":[{"activation":..,"s":[[..]],"out":[[..]]},..]}

Options:
  --data D.csv    the data (columns x1..xD; other columns are ignored)
  -o FILE         write the JSON to FILE instead of stdout
  --backend NAME  cpu, cuda or auto (default auto)
  -h, --help      show this help
)",
         {{"data", "backend", "output"}, {}, {"NET (the network file)"}},
         runForward},
        {"grid",
         "NET",
         "every node's map over the plane",
         R"(Usage: nnlens-cli grid NET [--n 250] [--range 3] [--bins 25] [-o OUT.json]

Evaluates every node of a 2-input network on an n x n grid over
[-range, range]^2 and prints the maps:
  {"backend":..,"n":..,"range":..,"bins":..,"colour_limit":..,
   "layers":[{"activation":..,"nodes":[{"s":[..],"out":[..],
     "hist":{"min":..,"max":..,"counts":[..]},
     "arrow":{"origin":[x,y],"w":[w0,w1]}},..]},..]}
s and out are flat lists of n*n values; index k = row * n + col is the point
(x[col], x[row]) with x = linspace(-range, range, n), row 0 at the bottom.
hist counts s in equal bins over [min s, max s] (numpy.histogram). arrow is
given for first-layer nodes only (null when w = 0). colour_limit is the
largest |out| in the network, the limit all maps share.

Options (a flag wins over the file's "view", which wins over the defaults):
  --n N           grid points per side, 2 to 4096 (default 250)
  --range R       half-width of the plane, > 0 (default 3)
  --bins B        histogram bins, at least 1 (default 25)
  -o FILE         write the JSON to FILE instead of stdout
  --backend NAME  cpu, cuda or auto (default auto)
  -h, --help      show this help
)",
         {{"n", "range", "bins", "backend", "output"}, {}, {"NET (the network file)"}},
         runGrid},
        {"grad",
         "NET --data D.csv --loss L",
         "the loss and its gradients",
         R"(Usage: nnlens-cli grad NET --data D.csv --loss L [--reduction mean|sum]
                       [-o OUT.json]

Prints the loss of the network on the data and its gradients with respect to
every layer's weights W (n_in x n_out), bias b, pre-activation s and output,
as PyTorch's autograd gives them:
  {"backend":..,"loss":..,"layers":[{"grad_weights":[[..]],"grad_bias":[..],
   "grad_s":[[..]],"grad_out":[[..]]},..]}

Options:
  --data D.csv        inputs x1..xD, targets y1..yK or label (sigma for chi2)
  --loss L            mse, l2, chi2, bce, bce_logits or ce
  --reduction R       mean or sum (default: sum for chi2 and l2, else mean)
  -o FILE             write the JSON to FILE instead of stdout
  --backend NAME      cpu, cuda or auto (default auto)
  -h, --help          show this help
)",
         {{"data", "loss", "reduction", "backend", "output"}, {}, {"NET (the network file)"}},
         runGrad},
        {"train",
         "NET --data D.csv ... -o OUT",
         "train the network and save it",
         R"(Usage: nnlens-cli train NET --data D.csv --loss L --optimizer O --lr X
                        -o OUT.nnlens.json
                        [--batch 10] [--epochs 100 | --steps S] [--val-split 0]
                        [--seed 0] [--no-shuffle] [--reduction mean|sum]

Trains the network on the data in minibatches and writes the trained network
to OUT. Prints
  {"backend":..,"steps":..,"epochs":..,"train_loss":[..],"val_loss":[..],
   "diverged":..,"stop_reason":..}
train_loss has one value per epoch (the mean of its minibatch losses, each
taken before its update) or, with --steps, one per step; val_loss is the loss
on the validation rows after each. Progress goes to stderr.
If training diverges, the last finite network is written, "diverged" is true,
a warning goes to stderr and the exit status is still 0.

Options:
  --data D.csv      the data (see grad --help)
  --loss L          mse, l2, chi2, bce, bce_logits or ce
  --optimizer O     sgd, momentum (0.9) or adam
  --lr X            learning rate, > 0
  -o FILE           the trained network (required; written atomically)
  --batch B         minibatch size (default 10; the last batch may be smaller)
  --epochs E        passes over the training rows (default 100)
  --steps S         train S minibatch steps instead of whole epochs
  --val-split F     validate on the last fraction F of the rows (default 0)
  --seed N          shuffling seed (default 0)
  --no-shuffle      visit the rows in order
  --reduction R     mean or sum (default: sum for chi2 and l2, else mean)
  --backend NAME    cpu, cuda or auto (default auto)
  -h, --help        show this help
)",
         {{"data", "loss", "reduction", "optimizer", "lr", "batch", "epochs", "steps", "val-split",
           "seed", "backend", "output"},
          {"no-shuffle"},
          {"NET (the network file)"}},
         runTrain},
        {"lr-scan",
         "NET --data D.csv ...",
         "the learning-rate range test",
         R"(Usage: nnlens-cli lr-scan NET --data D.csv --loss L --optimizer O [--batch 10]
                          [--lr-start 1e-6] [--lr-stop 1] [--lr-steps 100]
                          [--seed 0] [--no-shuffle] [-o OUT.json]

The seed's lr_scan: trains with log-spaced learning rates from lr-start to
lr-stop, one minibatch step each, recording the loss before each step, and
stops after lr-steps steps or when a loss exceeds 10 times the first. The
network file is not changed. Prints
  {"backend":..,"lr":[..],"loss":[..],"recommended":..}
where recommended is half the rate at the lowest loss.

Options:
  --data D.csv      the data (see grad --help)
  --loss L          mse, l2, chi2, bce, bce_logits or ce
  --optimizer O     sgd, momentum or adam
  --batch B         minibatch size (default 10)
  --lr-start X      first rate, > 0 (default 1e-6)
  --lr-stop X       last rate, above lr-start (default 1)
  --lr-steps N      number of rates, at least 2 (default 100)
  --seed N          shuffling seed (default 0)
  --no-shuffle      visit the rows in order
  --reduction R     mean or sum (default: sum for chi2 and l2, else mean)
  -o FILE           write the JSON to FILE instead of stdout
  --backend NAME    cpu, cuda or auto (default auto)
  -h, --help        show this help
)",
         {{"data", "loss", "reduction", "optimizer", "batch", "lr-start", "lr-stop", "lr-steps",
           "seed", "backend", "output"},
          {"no-shuffle"},
          {"NET (the network file)"}},
         runLrScan},
        {"dataset",
         "KIND [-o D.csv]",
         "generate a data set as CSV",
         R"(Usage: nnlens-cli dataset KIND [--n 500] [--noise 0.1] [--seed 1] [-o D.csv]

Generates a data set and writes it as CSV (to stdout without -o). KIND is
xor, circle, gaussians, spiral or moons (two classes in about [-3, 3]^2, with
columns x1, x2, y1 and label) or sincos (the seed's x = [sin t, cos t],
y = sin t cos t for t in [0, 10], with sigma = noise when noise > 0).

Options:
  --n N           number of points (default 500)
  --noise X       standard deviation of the noise, >= 0 (default 0.1)
  --seed N        random seed (default 1)
  -o FILE         the CSV file (written atomically)
  --backend NAME  accepted for uniformity; not used
  -h, --help      show this help
)",
         {{"n", "noise", "seed", "backend", "output"}, {}, {"KIND (the data set to generate)"}},
         runDataset},
        {"render", "NET --figure F -o FIG.png", "draw a figure of the network to a PNG",
         kRenderHelp, renderSpec(),
         [](const Args& a, Io& io) { return runRender(a, io.out, io.err); }},
        {"bench",
         "[--quick] [--large]",
         "time maps and training on this machine",
         R"(Usage: nnlens-cli bench [--quick] [--large] [-o OUT.json]

Times the engine on a 2-8-8-8-1 tanh network and prints
  {"backend":..,"grid_ms":..,"grid_update_ms":..,"train_samples_per_s":..,
   "targets":{..},"machine":{"threads":..,"cpu":..},"runs":{..},"quick":..}
grid_ms: median time of all maps at n = 250, 25 bins (30 runs after 3
warm-ups); grid_update_ms: median time to update the maps after one weight of
the third layer changed (100 runs); train_samples_per_s: samples per second
of training (MSE, Adam, batch 10, 500 spiral points), best of 3 runs of about
a second each. targets are the figures the project aims for.

Options:
  --quick         only a few runs of each (for tests; the figures are rough)
  --large         also the CUDA issue's sizes: a 2-16-16-16-1 grid at n 2048 and
                  training in batches of 4096 on 1 M points
  -o FILE         write the JSON to FILE instead of stdout
  --backend NAME  cpu, cuda or auto (default auto)
  -h, --help      show this help
)",
         {{"backend", "output"}, {"quick", "large"}, {}},
         runBenchCommand},
    };
    return table;
}

void printCommandList(std::ostream& os) {
    os << "nnlens-cli " << NNLENS_VERSION
       << ": see how a neural network works, from the command line.\n\n"
       << "Usage: nnlens-cli COMMAND [ARGUMENTS]   (nnlens-cli COMMAND --help for more)\n\n"
       << "Commands:\n";
    for (const Command& c : commands()) {
        char line[128];
        std::snprintf(line, sizeof line, "  %-8s %-28s %s\n", c.name, c.arguments, c.purpose);
        os << line;
    }
    os << "\nResults are JSON on stdout (summary prints text, dataset CSV); messages and\n"
       << "progress go to stderr. Every command takes --backend cpu|cuda|auto.\n"
       << "Exit status: 0 success, 2 bad usage or bad input, 1 any other failure.\n";
}

std::string commandNames() {
    std::string s;
    for (const Command& c : commands())
        s += (s.empty() ? "" : ", ") + std::string(c.name);
    return s;
}

// Engine messages are meant to be one line; make sure the exit-2 contract holds regardless.
std::string oneLine(std::string s) {
    std::replace(s.begin(), s.end(), '\n', ' ');
    while (!s.empty() && s.back() == ' ')
        s.pop_back();
    return s;
}

}  // namespace

int runCli(int argc, char** argv, std::ostream& out, std::ostream& err) {
    std::vector<std::string> words(argv + std::min(argc, 1), argv + argc);
    if (words.empty()) {
        printCommandList(err);
        return kExitBadInput;
    }
    const std::string name = words.front();
    if (name == "--help" || name == "-h" || name == "help") {
        if (name == "help" && words.size() > 1) {
            for (const Command& c : commands()) {
                if (words[1] == c.name) {
                    out << c.help;
                    return kExitOk;
                }
            }
            err << "nnlens-cli: unknown command \"" << words[1] << "\" (known: " << commandNames()
                << ")\n";
            return kExitBadInput;
        }
        printCommandList(out);
        return kExitOk;
    }
    if (name == "--version") {
        out << "nnlens-cli " << NNLENS_VERSION << "\n";
        return kExitOk;
    }
    const auto it = std::find_if(commands().begin(), commands().end(),
                                 [&](const Command& c) { return name == c.name; });
    if (it == commands().end()) {
        err << "nnlens-cli: unknown command \"" << name << "\" (known: " << commandNames()
            << "; see nnlens-cli --help)\n";
        return kExitBadInput;
    }

    Io io{out, err};
    try {
        const Args args = Args::parse(it->name, it->spec,
                                      std::vector<std::string>(words.begin() + 1, words.end()));
        if (args.helpRequested()) {
            out << it->help;
            return kExitOk;
        }
        return it->run(args, io);
    } catch (const InputError& e) {
        err << oneLine(e.what()) << "\n";
        return kExitBadInput;
    } catch (const std::bad_alloc&) {
        err << it->name << ": out of memory\n";
        return kExitFailure;
    } catch (const std::exception& e) {
        err << it->name << ": " << oneLine(e.what()) << "\n";
        return kExitFailure;
    }
}

}  // namespace nnlens::cli
