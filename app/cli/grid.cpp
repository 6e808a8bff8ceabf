// nnlens-cli grid: every node's map, histogram and arrow over the input plane.
#include "command.hpp"

#include <cmath>
#include <cstdint>
#include <string>

#include "core/error.hpp"
#include "core/limits.hpp"
#include "core/network_io.hpp"

namespace nnlens::cli {

namespace {

void checkTwoInputs(const Network& net, const std::string& netPath) {
    if (net.inputs != 2) {
        throw InputError(netPath + ": maps need a network with 2 inputs, this one has " +
                         std::to_string(net.inputs));
    }
}

int runGrid(const Args& a, Io& io) {
    auto backend = backendOption(a, io.err);
    checkGridOptions(a);
    checkOutputFolder(a);
    const std::string& netPath = a.positional(0);
    const Network net = readNetwork(netPath);
    checkTwoInputs(net, netPath);
    const GridConfig cfg = gridConfig(a, net, netPath);
    // Each node's map (s, out and their work, about 12 bytes a point) and its JSON text (two
    // lists of n*n numbers): bounded before anything is computed (#19).
    checkMapSize("grid", net, cfg.n, 12.0 + 2.0 * kJsonBytesPerFloat);

    auto evaluator = backend->gridEvaluator();
    evaluator->compute(net, cfg);
    const GridMaps& maps = evaluator->maps();

    // Written as text a list at a time, never as one tree of every value.
    std::string text;
    text += '{';
    const auto member = [&](const char* key, const Json& value) {
        appendJson(text, key);
        text += ':';
        appendJson(text, value);
        text += ',';
    };
    member("backend", backend->name());
    member("n", cfg.n);
    member("range", jsonNumber(cfg.range));
    member("bins", cfg.bins);
    member("colour_limit", jsonNumber(maps.colourLimit));
    text += "\"layers\":[";
    for (int l = 0; l < maps.layers(); ++l) {
        const auto li = static_cast<std::size_t>(l);
        const Matrix& s = maps.s[li];
        const Matrix& out = maps.out[li];
        const auto points = static_cast<std::size_t>(s.rows());
        if (l > 0) text += ',';
        text += "{\"activation\":";
        appendJson(text, activationName(net.layers[li].activation));
        text += ",\"nodes\":[";
        for (Eigen::Index j = 0; j < s.cols(); ++j) {
            const auto ji = static_cast<std::size_t>(j);
            const Histogram& h = maps.hist[li][ji];
            if (j > 0) text += ',';
            // Column j is node j's map, contiguous in column-major storage.
            text += "{\"s\":";
            appendArray(text, {s.data() + j * s.rows(), points});
            text += ",\"out\":";
            appendArray(text, {out.data() + j * out.rows(), points});
            text += ",\"hist\":";
            appendJson(
                text,
                {{"min", jsonNumber(h.min)}, {"max", jsonNumber(h.max)}, {"counts", h.counts}});
            if (l == 0) {
                const auto& arrow = maps.arrows[ji];
                text += ",\"arrow\":";
                appendJson(text, arrow ? Json{{"origin", jsonArray(arrow->origin)},
                                              {"w", jsonArray(arrow->w)}}
                                       : Json(nullptr));
            }
            text += '}';
        }
        text += "]}";
    }
    text += "]}\n";
    emitText(a, io, text);
    return kExitOk;
}

std::string gridHelp() {
    return R"(Usage: nnlens-cli grid NET [--n 250] [--range 3] [--bins 25] [-o OUT.json]

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
  --n N           grid points per side, )" +
           rangeText(kMinGrid, kMaxGrid) + R"( (default 250)
  --range R       half-width of the plane, > 0, at most 1e6 (default 3)
  --bins B        histogram bins, )" +
           rangeText(1, kMaxBins) + R"( (default 25)
  -o FILE         write the JSON to FILE instead of stdout
  --backend NAME  cpu, cuda or auto (default auto)
  -h, --help      show this help
)";
}

}  // namespace

Command gridCommand() {
    return {"grid",
            "NET",
            "every node's map over the plane",
            gridHelp(),
            {{"n", "range", "bins", "backend", "output"}, {}, {"NET (the network file)"}},
            runGrid};
}

}  // namespace nnlens::cli
