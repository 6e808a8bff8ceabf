// nnlens-cli grad: the loss of a network on a data file and its gradients.
#include "command.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

#include "core/backward.hpp"
#include "core/loss.hpp"
#include "core/network_io.hpp"

namespace nnlens::cli {

namespace {

int runGrad(const Args& a, Io& io) {
    const std::string dataPath = a.required("data");
    const LossConfig loss = lossOption(a);
    auto backend = backendOption(a, io.err);
    checkOutputFolder(a);
    const Network net = readNetwork(a.positional(0));
    const Dataset data = loadData(dataPath);
    checkData(net, data, loss, dataPath);

    const Gradients g = backend->gradients(net, data, loss);
    // A loss past float range has no gradient to print (it printed "loss": null, exit 0; #19).
    if (!std::isfinite(g.loss)) {
        std::string why = "a term overflows 32-bit floats (at most 3.4e38)";
        if (loss.loss == Loss::Chi2 && data.hasSigma()) {
            char sigma[32];
            std::snprintf(sigma, sizeof sigma, "%g", static_cast<double>(data.sigma.minCoeff()));
            why = std::string(
                      "((out - y) / sigma)^2 overflows 32-bit floats with sigma as small "
                      "as ") +
                  sigma;
        }
        throw InputError(dataPath + ": the " + std::string(lossName(loss.loss)) + " loss is " +
                         (std::isnan(g.loss) ? "not a number" : "infinite") + ": " + why);
    }
    std::int64_t nonFinite = 0;
    for (const LayerGradients& lg : g.layers) {
        for (const Matrix* m : {&lg.dW, &lg.dS, &lg.dOut})
            nonFinite += static_cast<std::int64_t>((!m->array().isFinite()).count());
        nonFinite += static_cast<std::int64_t>((!lg.db.array().isFinite()).count());
    }
    if (nonFinite > 0) {
        io.err << "grad: warning: " << nonFinite
               << " gradient values overflow 32-bit floats (printed as null)\n";
    }
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

std::string gradHelp() {
    return R"(Usage: nnlens-cli grad NET --data D.csv --loss L [--reduction mean|sum]
                       [-o OUT.json]

Prints the loss of the network on the data and its gradients with respect to
every layer's weights W (n_in x n_out), bias b, pre-activation s and output,
as PyTorch's autograd gives them:
  {"backend":..,"loss":..,"layers":[{"grad_weights":[[..]],"grad_bias":[..],
   "grad_s":[[..]],"grad_out":[[..]]},..]}

Options:
  --data D.csv        inputs x1..xD, targets y1..yK or label (sigma for chi2)
  --loss L            )" +
           knownLossNames() + R"(
  --reduction R       mean or sum (default: sum for chi2 and l2, else mean)
  -o FILE             write the JSON to FILE instead of stdout
  --backend NAME      cpu, cuda or auto (default auto)
  -h, --help          show this help
)";
}

}  // namespace

Command gradCommand() {
    return {"grad",
            "NET --data D.csv --loss L",
            "the loss and its gradients",
            gradHelp(),
            {{"data", "loss", "reduction", "backend", "output"}, {}, {"NET (the network file)"}},
            runGrad};
}

}  // namespace nnlens::cli
