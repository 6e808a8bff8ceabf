// The options several nnlens-cli commands share, the data file and the JSON result.
#include "command.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "core/error.hpp"
#include "core/file_io.hpp"
#include "core/limits.hpp"
#include "core/map_budget.hpp"
#include "core/network_io.hpp"
#include "engine/backend_choice.hpp"
#include "text/number_text.hpp"

namespace nnlens::cli {

std::unique_ptr<Backend> backendOption(const Args& a, std::ostream& err) {
    const std::string name = a.value("backend").value_or("auto");
    const auto choice = engine::backendChoiceFromName(name);
    if (!choice) {
        throw UsageError("--backend: unknown backend \"" + name +
                         "\" (known: " + std::string(engine::knownBackendNames()) + ")");
    }
    try {
        return engine::makeBackend(
            *choice, [&err](const std::string& line) { err << "nnlens-cli: " << line << "\n"; });
    } catch (const engine::BackendUnavailable& e) {
        throw UsageError("--backend " + name + ": " + e.what());
    }
}

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
                     "unknown optimizer \"" + name + "\" (known: " + knownOptimizerNames() + ")");
    }
    return *kind;
}

void penaltyOptions(const Args& a, OptimizerConfig& opt, double l1, double l2) {
    opt.l1 = static_cast<float>(numberInRange(a, "l1", l1, 0.0, kMaxRateOption));
    opt.l2 = static_cast<float>(numberInRange(a, "l2", l2, 0.0, kMaxRateOption));
}

void checkGridOptions(const Args& a) {
    if (a.has("n")) integerInRange(a, "n", 0, kMinGrid, kMaxGrid);
    if (a.has("range")) positiveNumber(a, "range", 0.0, kMaxRangeOption);
    if (a.has("bins")) integerInRange(a, "bins", 0, 1, kMaxBins);
}

GridConfig gridConfig(const Args& a, const Network& net, const std::string& netPath) {
    GridConfig cfg;
    if (net.hasView) cfg = net.view;
    auto fromFile = [&](const std::string& what, const std::string& value,
                        const std::string& rule) {
        throw InputError(netPath + ": view " + what + " " + value + " is out of range (must be " +
                         rule + ")");
    };
    if (a.has("n")) {
        cfg.n = static_cast<int>(integerInRange(a, "n", cfg.n, kMinGrid, kMaxGrid));
    } else if (cfg.n < kMinGrid || cfg.n > kMaxGrid) {
        fromFile("grid", std::to_string(cfg.n), rangeText(kMinGrid, kMaxGrid));
    }
    if (a.has("range")) {
        cfg.range = positiveNumber(a, "range", cfg.range, kMaxRangeOption);
    } else if (!(std::isfinite(cfg.range) && cfg.range > 0.0)) {
        fromFile("range", text::formatNumber(cfg.range), "a finite number > 0");
    }
    if (a.has("bins")) {
        cfg.bins = static_cast<int>(integerInRange(a, "bins", cfg.bins, 1, kMaxBins));
    } else if (cfg.bins < 1 || cfg.bins > kMaxBins) {
        fromFile("bins", std::to_string(cfg.bins), rangeText(1, kMaxBins));
    }
    return cfg;
}

Dataset loadData(const std::string& path) {
    Dataset data = readCsv(path);
    if (data.size() == 0) throw InputError(path + ": no data rows (the data set is empty)");
    return data;
}

void emitJson(const Args& a, Io& io, const Json& result) {
    emitText(a, io, dumpJson(result));
}

void checkResultSize(double bytes, const std::string& what, const std::string& advice) {
    if (bytes <= kMapMemoryBudget) return;
    throw InputError(what + " would take about " + byteSize(static_cast<std::int64_t>(bytes)) +
                     " (at most " + byteSize(static_cast<std::int64_t>(kMapMemoryBudget)) + "); " +
                     advice);
}

void checkMapSize(const std::string& command, const Network& net, int n, double bytesPerValue) {
    const auto nodes = static_cast<double>(std::max<std::int64_t>(nodeCount(net), 1));
    const std::int64_t fits = largestGrid(nodeCount(net), bytesPerValue);
    checkResultSize(static_cast<double>(n) * n * nodes * bytesPerValue,
                    command + ": the maps of " + std::to_string(nodeCount(net)) +
                        " nodes at n = " + std::to_string(n),
                    fits >= kMinGrid ? "--n " + std::to_string(fits) + " fits"
                                     : "the network has too many nodes for maps");
}

void emitText(const Args& a, Io& io, const std::string& text) {
    if (const auto path = a.value("output")) {
        writeFileAtomic(*path, text);
        io.err << a.command() << ": wrote " << *path << "\n";
    } else {
        io.out << text;
    }
}

}  // namespace nnlens::cli
