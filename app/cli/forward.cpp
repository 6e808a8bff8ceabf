// nnlens-cli forward: each layer's s and out for the rows of a data file.
#include "command.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

#include "core/error.hpp"
#include "core/forward.hpp"
#include "core/limits.hpp"
#include "core/map_budget.hpp"
#include "core/network_io.hpp"

namespace nnlens::cli {

namespace {

void checkInputWidth(const Network& net, const Dataset& data, const std::string& path) {
    if (data.inputs() != net.inputs) {
        throw InputError(path + ": has " + std::to_string(data.inputs()) +
                         " input columns (x1..) but the network takes " +
                         std::to_string(net.inputs) + " inputs");
    }
}

int runForward(const Args& a, Io& io) {
    const std::string dataPath = a.required("data");
    auto backend = backendOption(a, io.err);
    checkOutputFolder(a);
    const Network net = readNetwork(a.positional(0));
    const Dataset data = loadData(dataPath);
    checkInputWidth(net, data, dataPath);

    // The first --rows rows, or all.
    const std::int64_t rows =
        integerInRange(a, "rows", data.size(), 1, std::numeric_limits<int>::max());
    const Matrix x = data.x.topRows(std::min<std::int64_t>(rows, data.size()));
    // Each row's s and out of every node (8 bytes of work, two numbers of JSON text): bounded
    // before anything is computed (#19).
    const auto nodes = static_cast<double>(nodeCount(net));
    const double perRow = nodes * (8.0 + 2.0 * kJsonBytesPerFloat);
    const auto fits = static_cast<std::int64_t>(kMapMemoryBudget / perRow);
    checkResultSize(static_cast<double>(x.rows()) * perRow,
                    "forward: the result for " + std::to_string(x.rows()) + " rows of " +
                        std::to_string(static_cast<std::int64_t>(nodes)) + " nodes",
                    "take fewer rows, with --rows " +
                        std::to_string(std::max<std::int64_t>(fits, 1)) +
                        " or less (and -o FILE to keep the result)");

    const Trace trace = backend->forward(net, x);
    // Written as text a row list at a time, never as one tree of every value.
    std::string text = "{\"backend\":";
    appendJson(text, backend->name());
    text += ",\"layers\":[";
    for (std::size_t l = 0; l < trace.layers.size(); ++l) {
        if (l > 0) text += ',';
        text += "{\"activation\":";
        appendJson(text, activationName(net.layers[l].activation));
        text += ",\"s\":";
        appendRows(text, trace.layers[l].s);
        text += ",\"out\":";
        appendRows(text, trace.layers[l].out);
        text += '}';
    }
    text += "]}\n";
    emitText(a, io, text);
    return kExitOk;
}

std::string forwardHelp() {
    return R"(Usage: nnlens-cli forward NET --data D.csv [--rows R] [-o OUT.json]

Runs the inputs x1..xD of every row of D.csv through the network and prints
each layer's pre-activation s = X W + b and output out = phi(s), one row per
sample:
  {"backend":..,"layers":[{"activation":..,"s":[[..]],"out":[[..]]},..]}

Options:
  --data D.csv    the data (columns x1..xD; other columns are ignored)
  --rows R        only the first R rows (a result may take at most 1.5 GB:
                  about 40 bytes a row and node)
  -o FILE         write the JSON to FILE instead of stdout
  --backend NAME  cpu, cuda or auto (default auto)
  -h, --help      show this help
)";
}

}  // namespace

Command forwardCommand() {
    return {"forward",
            "NET --data D.csv",
            "each layer's s and out for the data",
            forwardHelp(),
            {{"data", "rows", "backend", "output"}, {}, {"NET (the network file)"}},
            runForward};
}

}  // namespace nnlens::cli
