// nnlens-cli lr-scan: the seed's learning-rate range test.
#include "command.hpp"

#include <algorithm>
#include <limits>

#include "core/backward.hpp"
#include "core/lr_scan.hpp"
#include "core/network_io.hpp"
#include "text/number_text.hpp"

namespace nnlens::cli {

namespace {

constexpr std::int64_t kMinLrSteps = kMinLrScanSteps;
constexpr std::int64_t kMaxLrSteps = kMaxLrScanSteps;

int runLrScan(const Args& a, Io& io) {
    const std::string dataPath = a.required("data");
    const LossConfig loss = lossOption(a);
    OptimizerConfig opt;
    opt.kind = optimizerOption(a);
    penaltyOptions(a, opt);
    LrScanConfig cfg;
    cfg.batch =
        static_cast<int>(integerInRange(a, "batch", 10, 1, std::numeric_limits<int>::max()));
    cfg.start = positiveNumber(a, "lr-start", 1e-6, kMaxRateOption);
    cfg.stop = positiveNumber(a, "lr-stop", 1.0, kMaxRateOption);
    if (!(cfg.stop > cfg.start)) {
        a.failOption("lr-stop", text::formatNumber(cfg.stop) +
                                    " is out of range (must be above --lr-start " +
                                    text::formatNumber(cfg.start) + ")");
    }
    cfg.steps = static_cast<int>(integerInRange(a, "lr-steps", 100, kMinLrSteps, kMaxLrSteps));
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

std::string lrScanHelp() {
    return R"(Usage: nnlens-cli lr-scan NET --data D.csv --loss L --optimizer O [--batch 10]
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
  --loss L          )" +
           knownLossNames() + R"(
  --optimizer O     )" +
           knownOptimizerNames() + R"(
  --batch B         minibatch size (default 10)
  --lr-start X      first rate, > 0, at most 1e30 (default 1e-6)
  --lr-stop X       last rate, above lr-start, at most 1e30 (default 1)
  --lr-steps N      number of rates, )" +
           rangeText(kMinLrSteps, kMaxLrSteps) + R"( (default 100)
  --seed N          shuffling seed (default 0)
  --no-shuffle      visit the rows in order
  --reduction R     mean or sum (default: sum for chi2 and l2, else mean)
  --l1 X, --l2 X    regularization while scanning (see train --help); the
                    losses and the stop rule use the data loss (default 0)
  -o FILE           write the JSON to FILE instead of stdout
  --backend NAME    cpu, cuda or auto (default auto)
  -h, --help        show this help
)";
}

}  // namespace

Command lrScanCommand() {
    return {"lr-scan",
            "NET --data D.csv ...",
            "the learning-rate range test",
            lrScanHelp(),
            {{"data", "loss", "reduction", "optimizer", "batch", "lr-start", "lr-stop", "lr-steps",
              "seed", "l1", "l2", "backend", "output"},
             {"no-shuffle"},
             {"NET (the network file)"}},
            runLrScan};
}

}  // namespace nnlens::cli
