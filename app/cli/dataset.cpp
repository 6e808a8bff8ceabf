// nnlens-cli dataset: a generated data set as CSV.
#include "command.hpp"

#include <algorithm>
#include <cmath>

#include "core/limits.hpp"

namespace nnlens::cli {

namespace {

// torch.randn(N, D): inputs only (core's normalDataset), outside the 2-D kinds of datasetKinds().
constexpr const char* kNormal = "normal";

std::string joined(const std::vector<std::string>& names) {
    std::string s;
    for (const std::string& n : names)
        s += (s.empty() ? "" : ", ") + n;
    return s;
}

int runDataset(const Args& a, Io& io) {
    const std::string& kind = a.positional(0);
    std::vector<std::string> kinds = datasetKinds();
    kinds.emplace_back(kNormal);
    if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) {
        a.fail("unknown kind \"" + kind + "\" (known: " + joined(kinds) + ")");
    }
    const bool normal = kind == kNormal;
    if (normal && a.has("noise")) a.failOption("noise", "kind normal has no noise");
    if (!normal && a.has("dim")) a.failOption("dim", "only kind normal takes it");
    const auto dim = static_cast<int>(integerInRange(a, "dim", 2, 1, kMaxInputs));
    const auto maxRows = normal
                             ? std::min<std::int64_t>(kMaxGeneratedRows, kMaxGeneratedValues / dim)
                             : kMaxGeneratedRows;
    const auto n = static_cast<int>(integerInRange(a, "n", 500, 1, maxRows));
    const double noise = numberInRange(a, "noise", 0.1, 0.0, kMaxNoiseOption);
    const std::uint64_t seed = seedOption(a, 1);
    backendOption(a, io.err);  // checked for uniformity; generating data needs no backend
    checkOutputFolder(a);

    const Dataset data =
        normal ? normalDataset(n, dim, seed) : generateDataset(kind, n, noise, seed);
    if (const auto path = a.value("output")) {
        writeCsv(data, *path);
        io.err << "dataset: wrote " << data.size() << " rows of " << kind << " to " << *path
               << "\n";
    } else {
        io.out << formatCsv(data);
    }
    return kExitOk;
}

std::string datasetHelp() {
    return R"(Usage: nnlens-cli dataset KIND [--n 500] [--noise 0.1] [--seed 1] [-o D.csv]
       nnlens-cli dataset normal [--n 500] [--dim 2] [--seed 1] [-o D.csv]

Generates a data set and writes it as CSV (to stdout without -o). KIND is
xor, circle, gaussians, spiral or moons (two classes in about [-3, 3]^2, with
columns x1, x2, y1 and label) or sincos (the seed's x = [sin t, cos t],
y = sin t cos t for t in [0, 10], with sigma = noise when noise > 0), or
plane or multi-gaussian (TensorFlow Playground's regression sets over
[-3, 3]^2: y1 = (x1 + x2) / 5, or six bumps of height +-1; noise moves the
point at which y1 is computed by uniform(-3, 3) * noise per coordinate), or
normal: inputs x1..xD drawn from the standard normal and no targets (the
seed's torch.randn(N, D); for nnlens-cli trace).

Options:
  --n N           number of points, )" +
           rangeText(1, kMaxGeneratedRows) + R"( (default 500; normal: at
                  most )" +
           std::to_string(kMaxGeneratedValues) + R"( values, n x dim)
  --noise X       standard deviation of the noise (plane, multi-gaussian: its
                  scale), 0 to 1e6 (default 0.1; not for normal)
  --dim D         normal only: the input dimension, )" +
           rangeText(1, kMaxInputs) + R"( (default 2)
  --seed N        random seed (default 1)
  -o FILE         the CSV file (written atomically)
  --backend NAME  accepted for uniformity; not used
  -h, --help      show this help
)";
}

}  // namespace

Command datasetCommand() {
    return {"dataset",
            "KIND [-o D.csv]",
            "generate a data set as CSV",
            datasetHelp(),
            {{"n", "noise", "dim", "seed", "backend", "output"},
             {},
             {"KIND (the data set to generate)"}},
            runDataset};
}

}  // namespace nnlens::cli
