// Data sets: inputs and targets as matrices, the generators (xor, circle, ..., sincos) and CSV
// read/write.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "limits.hpp"
#include "types.hpp"

namespace nnlens {

struct Dataset {
    Matrix x;                 // (N, D) inputs, columns x1..xD
    Matrix y;                 // (N, K) targets y1..yK; empty (0 columns) when the file has none
    std::vector<int> labels;  // (N) class labels 0..C-1 from column "label"; empty when none
    Matrix sigma;             // (N, K) chi2 uncertainties; empty when the file has none
    // Columns that are none of the above (the sincos generator's "t", a CSV's own columns):
    // training ignores them; figures plot against them and writeCsv keeps them.
    std::vector<std::string> extraNames;  // (E) header names, as the file spells them
    Matrix extra;                         // (N, E); 0 columns when there are none

    int size() const { return static_cast<int>(x.rows()); }
    int inputs() const { return static_cast<int>(x.cols()); }
    int targets() const { return static_cast<int>(y.cols()); }
    bool hasLabels() const { return !labels.empty(); }
    bool hasSigma() const { return sigma.size() > 0; }
    // The index of extra column `name` (exact match), or -1.
    int extraColumn(std::string_view name) const;
    // Rows [begin, end) as a new data set.
    Dataset slice(int begin, int end) const;
    // The given rows, in order, as a new data set.
    Dataset gather(const std::vector<int>& rows) const;
};

// "xor, circle, gaussians, spiral, moons, sincos, plane, multi-gaussian".
const std::vector<std::string>& datasetKinds();

// A generated data set of n points. Two-class sets (xor, circle, gaussians, spiral, moons) have
// inputs in about [-3, 3]^2, a binary target y1 in {0, 1} and the same class as "label"; `noise`
// is the standard deviation of Gaussian jitter added to the inputs. sincos is the seed's
// x = [sin t, cos t], y = sin t cos t for t = linspace(0, 10, n), with Gaussian noise of that
// standard deviation on y and sigma = noise when noise > 0, and t as the extra column "t". plane
// and multi-gaussian are Playground's regression sets (spec section 10): uniform points in
// [-3, 3]^2, y1 = (x1 + x2) / 5 or the largest of six signed bumps, with `noise` moving the point
// at which y1 is computed by uniform(-3, 3) * noise per coordinate. Throws
// InputError for an unknown kind, n < 1 or noise < 0.
Dataset generateDataset(std::string_view kind, int n, double noise, std::uint64_t seed);

// The values a generated normal data set may hold (n x dim): as many as the largest 2-D set.
inline constexpr std::int64_t kMaxGeneratedValues =
    2 * static_cast<std::int64_t>(kMaxGeneratedRows);

// n rows of inputs x1..xD drawn from the standard normal, D = dim, and no targets: the seed's
// torch.randn(N, D) (its "Statistical Perspective"). Drawn row by row. Throws InputError unless
// n >= 1, 1 <= dim <= kMaxInputs and n dim <= kMaxGeneratedValues.
Dataset normalDataset(int n, int dim, std::uint64_t seed);

// Reads a CSV with a header row (spec section 2). Throws InputError naming the file, line and
// column ("data.csv: line 4, column 2 (x2): \"abc\" is not a number"). Other columns are kept
// in `extra` when every cell of theirs is a finite number, else ignored.
Dataset readCsv(const std::string& path);
// Parses CSV text; `source` names it in messages.
Dataset parseCsv(std::string_view text, const std::string& source);

// Writes x1..xD, then y1..yK, then sigma (one column when every row's sigmas are equal,
// else sigma1..sigmaK), then label, then the extra columns. Atomic: a temporary file renamed over
// `path`.
void writeCsv(const Dataset& data, const std::string& path);
std::string formatCsv(const Dataset& data);

}  // namespace nnlens
