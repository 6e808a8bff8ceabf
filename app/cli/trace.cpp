// nnlens-cli trace: the seed's trace(net, verbose=True) of a data set through the network's
// modules, forwards and (with a loss) backwards, with a summary of every tensor (spec section 8).
#include "command.hpp"

#include <optional>
#include <string>

#include "core/file_io.hpp"
#include "core/limits.hpp"
#include "core/network_io.hpp"
#include "core/trace.hpp"

namespace nnlens::cli {

namespace {

// Python's str(tuple(tensor.size())) of an (N, k) tensor: "(100, 8)".
std::string shapeText(const Matrix& m) {
    return "(" + std::to_string(m.rows()) + ", " + std::to_string(m.cols()) + ")";
}

// The seed's verbose lines: "0: IN (100, 8) OUT (100, 4)" per module in order, then with a loss
// "4: GRAD (100, 2)" per module in reverse order (the order autograd's hooks fire in).
std::string traceText(const ModuleTrace& t) {
    std::string text;
    for (int m = 0; m < t.size(); ++m) {
        text += std::to_string(m) + ": IN " + shapeText(t.input(m)) + " OUT " +
                shapeText(t.output(m)) + "\n";
    }
    for (int m = t.size(); m-- > 0;) {
        if (const Matrix* g = t.grad(m))
            text += std::to_string(m) + ": GRAD " + shapeText(*g) + "\n";
    }
    return text;
}

Json shapeJson(const Matrix& m) {
    return Json::array({static_cast<std::int64_t>(m.rows()), static_cast<std::int64_t>(m.cols())});
}

// S: {"mean":..,"std":..,"min":..,"max":..,"hist":{"edges":[..],"counts":[..]}}.
Json summaryJson(const TensorSummary& s) {
    const std::vector<double> edges = s.edges();
    return {{"mean", jsonNumber(s.mean)},
            {"std", jsonNumber(s.std)},
            // As doubles, as the edges are, so that min and max are the first and last edge.
            {"min", jsonNumber(s.min)},
            {"max", jsonNumber(s.max)},
            {"hist", {{"edges", jsonArray(edges)}, {"counts", s.hist.counts}}}};
}

Json optionalJson(const std::optional<TensorSummary>& s) {
    return s ? summaryJson(*s) : Json(nullptr);
}

Json traceJson(const ModuleTrace& t, std::string_view backend) {
    Json modules = Json::array();
    for (int m = 0; m < t.size(); ++m) {
        const ModuleSummary& s = t.summaries[static_cast<std::size_t>(m)];
        Json j = {{"index", m},
                  {"kind", t.modules[static_cast<std::size_t>(m)].kind()},
                  {"in_shape", shapeJson(t.input(m))},
                  {"out_shape", shapeJson(t.output(m))},
                  {"in", summaryJson(s.in)},
                  {"out", summaryJson(s.out)},
                  {"grad", optionalJson(s.grad)}};
        if (t.modules[static_cast<std::size_t>(m)].linear) {
            j["weight"] = optionalJson(s.weight);
            j["bias"] = optionalJson(s.bias);
            j["weight_grad"] = optionalJson(s.weightGrad);
            j["bias_grad"] = optionalJson(s.biasGrad);
        }
        modules.push_back(std::move(j));
    }
    const std::optional<float> loss = t.loss();
    return {{"backend", backend},
            {"loss", loss ? jsonNumber(*loss) : Json(nullptr)},
            {"modules", std::move(modules)}};
}

int runTrace(const Args& a, Io& io) {
    const std::string dataPath = a.required("data");
    TraceConfig cfg;
    if (a.has("loss")) {
        cfg.loss = lossOption(a);
    } else {
        for (const char* option : {"reduction", "loss-scale"}) {
            if (a.has(option)) a.failOption(option, "needs --loss");
        }
    }
    cfg.lossScale = static_cast<float>(positiveNumber(a, "loss-scale", 1.0, kMaxLossScaleOption));
    cfg.bins = static_cast<int>(integerInRange(a, "bins", cfg.bins, 1, kMaxBins));
    // The trace runs on the CPU reference engine whatever --backend says (its tensors are small
    // and stay on the host for the statistics); the name is still checked, as everywhere.
    backendOption(a, io.err);
    checkOutputFolder(a);
    const Network net = readNetwork(a.positional(0));
    const Dataset data = loadData(dataPath);

    const ModuleTrace t = traceModules(net, data, cfg, dataPath);
    if (!a.has("text")) {
        emitJson(a, io, traceJson(t, "cpu"));
    } else if (const auto path = a.value("output")) {
        writeFileAtomic(*path, traceText(t));
        io.err << "trace: wrote " << *path << "\n";
    } else {
        io.out << traceText(t);
    }
    return kExitOk;
}

std::string traceHelp() {
    return R"(Usage: nnlens-cli trace NET --data D.csv [--loss L] [--reduction R]
                       [--loss-scale K] [--bins 50] [--text] [-o OUT]

The seed's trace(net): splits the network into torch.nn.Sequential's modules
(module 2i is layer i+1's Linear X W + b, module 2i+1 its activation; a
linear activation adds no module), runs the data forwards and, with --loss,
backwards, and summarises every tensor:
  {"backend":"cpu","loss":..|null,"modules":[{"index":0,"kind":"linear",
   "in_shape":[N,D],"out_shape":[N,H],"in":S,"out":S,"grad":S|null,
   "weight":S,"bias":S,"weight_grad":S|null,"bias_grad":S|null},..]}
with S = {"mean":..,"std":..,"min":..,"max":..,
          "hist":{"edges":[..],"counts":[..]}}
(std with ddof 0; the histogram over [min, max] as numpy.histogram counts it).
grad is the gradient of the loss with respect to the module's output (the
seed's module.grad); activation modules have no weight and bias keys.
With --text it prints the seed's verbose lines instead:
  0: IN (100, 8) OUT (100, 4)      every module, in order
  4: GRAD (100, 2)                 with --loss, every module in reverse order
When the data has no target columns the targets are zeros (ce: class 0), so
--loss mse is the seed's torch.mean(Xout ** 2).

Options:
  --data D.csv        inputs x1..xD; targets y1..yK or label (sigma for chi2)
  --loss L            )" +
           knownLossNames() + R"(
  --reduction R       mean or sum (default: sum for chi2 and l2, else mean)
  --loss-scale K      multiplies the loss, and so every gradient, by K (the
                      seed's 100 * torch.mean(..)); a number > 0 and at most
                      1e6 (default 1)
  --bins N            histogram bins, )" +
           rangeText(1, kMaxBins) + R"( (default 50)
  --text              print the seed's IN/OUT/GRAD lines instead of JSON
  -o FILE             write the result to FILE instead of stdout
  --backend NAME      cpu, cuda or auto: checked, but the trace always runs on
                      the CPU reference engine (reported as "backend":"cpu")
  -h, --help          show this help
)";
}

}  // namespace

Command traceCommand() {
    return {"trace",
            "NET --data D.csv [--loss L]",
            "tensors through each module, statistics",
            traceHelp(),
            {{"data", "loss", "reduction", "loss-scale", "bins", "backend", "output"},
             {"text"},
             {"NET (the network file)"}},
            runTrace};
}

}  // namespace nnlens::cli
