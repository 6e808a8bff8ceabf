// nnlens-cli forward: each layer's s and out for the rows of a data file.
#include "command.hpp"

#include "core/error.hpp"
#include "core/forward.hpp"
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

std::string forwardHelp() {
    return R"(Usage: nnlens-cli forward NET --data D.csv [-o OUT.json]

Runs the inputs x1..xD of every row of D.csv through the network and prints
each layer's pre-activation s = X W + b and output out = phi(s), one row per
sample:
  {"backend":..,"layers":[{"activation":..,"s":[[..]],"out":[[..]]},..]}

Options:
  --data D.csv    the data (columns x1..xD; other columns are ignored)
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
            {{"data", "backend", "output"}, {}, {"NET (the network file)"}},
            runForward};
}

}  // namespace nnlens::cli
