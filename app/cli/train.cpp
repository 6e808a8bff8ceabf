// nnlens-cli train: minibatch training, progress on stderr, the trained network to -o.
#include "command.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "core/backward.hpp"
#include "core/lesson.hpp"
#include "core/network_io.hpp"
#include "core/trainer.hpp"
#include "text/number_text.hpp"

namespace nnlens::cli {

namespace {

constexpr int kMaxProgressLines = 20;  // train progress lines per run, about

// The settings: an option given on the command line wins over `defaults` (the file's lesson,
// else the command's defaults).
TrainConfig trainConfig(const Args& a, const TrainConfig& defaults) {
    TrainConfig cfg;
    cfg.batch = static_cast<int>(
        integerInRange(a, "batch", defaults.batch, 1, std::numeric_limits<int>::max()));
    if (a.has("epochs") && a.has("steps")) a.fail("--epochs and --steps cannot be used together");
    cfg.epochs = static_cast<int>(
        integerInRange(a, "epochs", defaults.epochs, 1, std::numeric_limits<int>::max()));
    if (a.has("steps")) {
        cfg.steps = integerInRange(a, "steps", 1, 1, std::numeric_limits<std::int64_t>::max());
    } else if (!a.has("epochs")) {
        cfg.steps = defaults.steps;
    }
    cfg.valSplit = a.number("val-split", defaults.valSplit);
    if (!(cfg.valSplit >= 0.0 && cfg.valSplit < 1.0)) {
        a.failOption("val-split",
                     rawValue(a, "val-split") + " is out of range (must be in [0, 1))");
    }
    cfg.seed = seedOption(a, defaults.seed);
    cfg.shuffle = a.has("no-shuffle") ? false : defaults.shuffle;
    return cfg;
}

// The lesson's settings as the train command's defaults.
TrainConfig lessonConfig(const Lesson& lesson) {
    TrainConfig cfg;
    if (lesson.training) {
        cfg.batch = lesson.training->batch;
        cfg.epochs = lesson.training->epochs;
        cfg.steps = lesson.training->steps;
        cfg.seed = lesson.training->seed;
        cfg.shuffle = lesson.training->shuffle;
    }
    if (lesson.data) cfg.valSplit = lesson.data->valSplit;
    return cfg;
}

// --loss and --reduction, else the lesson's "training.loss" and "training.reduction".
LossConfig lossSetting(const Args& a, const Lesson& lesson, const std::string& netPath) {
    if (a.has("loss")) return lossOption(a);
    if (!lesson.training) a.fail("missing --loss (" + netPath + " has no \"training\" key)");
    const auto loss = lossFromName(lesson.training->loss);
    LossConfig cfg{*loss, defaultReduction(*loss)};
    if (const auto r = a.value("reduction")) {
        const auto reduction = reductionFromName(*r);
        if (!reduction)
            a.failOption("reduction", "unknown reduction \"" + *r + "\" (known: mean, sum)");
        cfg.reduction = *reduction;
    } else if (!lesson.training->reduction.empty()) {
        cfg.reduction = *reductionFromName(lesson.training->reduction);
    }
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
        if (p.penalty != 0.0f) m_err << "  penalty " << text::formatNumber(p.penalty);
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
    // Every option given is checked before any file is read, so a bad flag is reported as such.
    if (a.has("loss")) lossOption(a);
    if (a.has("optimizer")) optimizerOption(a);
    if (a.has("lr")) positiveNumber(a, "lr", 0.0, kMaxRateOption);
    {
        OptimizerConfig check;
        penaltyOptions(a, check);
    }
    trainConfig(a, TrainConfig{});
    const std::string outPath = a.required("output");
    auto backend = backendOption(a, io.err);
    checkOutputFolder(a);

    // The network file may carry the lesson (spec section 7): its data and settings are the
    // defaults, and an option given on the command line wins.
    const std::string& netPath = a.positional(0);
    const Network net = readNetwork(netPath);
    const Lesson lesson = lessonOf(net);
    const LossConfig loss = lossSetting(a, lesson, netPath);
    OptimizerConfig opt;
    if (a.has("optimizer") || !lesson.training) {
        opt.kind = optimizerOption(a);
    } else {
        opt.kind = *optimizerFromName(lesson.training->optimizer);
    }
    if (a.has("lr") || !lesson.training) {
        a.required("lr");
        opt.lr = static_cast<float>(positiveNumber(a, "lr", 0.0, kMaxRateOption));
    } else {
        opt.lr = static_cast<float>(lesson.training->lr);
    }
    if (!(std::isfinite(opt.lr) && opt.lr > 0.0f)) {
        a.failOption("lr", rawValue(a, "lr") + " is out of range (not representable as a float)");
    }
    penaltyOptions(a, opt, lesson.training ? lesson.training->l1 : 0.0,
                   lesson.training ? lesson.training->l2 : 0.0);
    const TrainConfig cfg = trainConfig(a, lessonConfig(lesson));

    std::string dataPath;
    Dataset data;
    if (a.has("data")) {
        dataPath = a.required("data");
        data = loadData(dataPath);
    } else if (lesson.data) {
        dataPath = lesson.data->generate ? netPath + ": data.generate"
                                         : lessonDataPath(*lesson.data, netPath);
        data = loadLessonData(*lesson.data, netPath);
    } else {
        a.fail("missing --data (" + netPath + " has no \"data\" key)");
    }
    checkData(net, data, loss, dataPath);
    // nnlens::train splits the rows itself; this check only words the message for the CLI.
    if (trainingRows(data.size(), cfg.valSplit) < 1) {
        a.failOption("val-split", text::formatNumber(cfg.valSplit) + " leaves none of the " +
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
    Network trained = withParameters(net, session->network());
    // A relative data.file names the same CSV from OUT's folder, so OUT trains again (#19).
    if (const auto rebased = rebaseLessonData(trained, netPath, outPath)) {
        io.err << "train: data.file is " << *rebased << " as seen from " << outPath << "\n";
    }
    writeNetwork(trained, outPath);
    io.err << "train: wrote " << outPath << "\n";

    io.out << dumpJson(
        {{"backend", backend->name()},
         {"steps", result.steps},
         {"epochs", result.epochs},
         {"train_loss", jsonArray(result.trainLoss)},
         {"val_loss", jsonArray(result.valLoss)},
         {"penalty", jsonArray(result.penalty)},
         {"diverged", result.diverged},
         {"stop_reason", result.stopReason.empty() ? Json(nullptr) : Json(result.stopReason)}});
    return kExitOk;
}

std::string trainHelp() {
    return R"(Usage: nnlens-cli train NET --data D.csv --loss L --optimizer O --lr X
                        -o OUT.nnlens.json
                        [--batch 10] [--epochs 100 | --steps S] [--val-split 0]
                        [--seed 0] [--no-shuffle] [--reduction mean|sum]
                        [--l1 0] [--l2 0]

Trains the network on the data in minibatches and writes the trained network
to OUT. Prints
  {"backend":..,"steps":..,"epochs":..,"train_loss":[..],"val_loss":[..],
   "penalty":[..],"diverged":..,"stop_reason":..}
train_loss has one value per epoch (the mean of its minibatch losses, each
taken before its update) or, with --steps, one per step; val_loss is the loss
on the validation rows after each; both are the data loss. penalty is
l1 sum|W| + l2/2 sum W^2 over the weights (biases excluded) after each.
Progress goes to stderr.
A network file that carries a lesson ("data" and "training", spec section 7)
supplies the data and the settings; an option given here wins. OUT keeps the
lesson's keys unchanged, except that a relative data.file is rewritten to name
the same CSV from OUT's folder (as the window's Save As does).
If training diverges, the last finite network is written, "diverged" is true,
a warning goes to stderr and the exit status is still 0.

Options:
  --data D.csv      the data (see grad --help)
  --loss L          )" +
           knownLossNames() + R"(
  --optimizer O     )" +
           knownOptimizerNames() + R"( (momentum 0.9)
  --lr X            learning rate, > 0, at most 1e30
  -o FILE           the trained network (required; written atomically)
  --batch B         minibatch size (default 10; the last batch may be smaller)
  --epochs E        passes over the training rows (default 100)
  --steps S         train S minibatch steps instead of whole epochs
  --val-split F     validate on the last fraction F of the rows (default 0)
  --seed N          shuffling seed (default 0)
  --no-shuffle      visit the rows in order
  --reduction R     mean or sum (default: sum for chi2 and l2, else mean)
  --l1 X            L1 regularization: the gradient gains X sign(W) (default 0)
  --l2 X            L2 regularization: the gradient gains X W (default 0; with
                    sgd, torch.optim.SGD(weight_decay=X) on the weights only)
  --backend NAME    cpu, cuda or auto (default auto)
  -h, --help        show this help
)";
}

}  // namespace

Command trainCommand() {
    return {"train",
            "NET --data D.csv ... -o OUT",
            "train the network and save it",
            trainHelp(),
            {{"data", "loss", "reduction", "optimizer", "lr", "batch", "epochs", "steps",
              "val-split", "seed", "l1", "l2", "backend", "output"},
             {"no-shuffle"},
             {"NET (the network file)"}},
            runTrain};
}

}  // namespace nnlens::cli
