// Classification metrics of a network's outputs against a data set: the accuracy rule of the
// window and the bench, and which rows are misclassified (for the figures' marks).
#pragma once

#include <optional>
#include <vector>

#include "dataset.hpp"
#include "types.hpp"

namespace nnlens {

// Whether `data` are classification data: one target column with every value in {0, 1} or
// every value in {-1, +1}, or a "label" column.
bool isClassification(const Dataset& data);

// The class each row is predicted to have, by the accuracy rule, from `out` (N, K):
// one output: out >= 0.5 against targets in {0, 1} (or labels 0/1), out >= 0 against {-1, +1};
// several outputs: argmax against the label (or a one-hot y). An empty vector when the rule
// does not apply to these outputs and data.
std::vector<bool> correctRows(const Matrix& out, const Dataset& data);

// The fraction of rows [begin, end) classified correctly; nullopt when the data are not
// classification data for these outputs, or the range is empty.
std::optional<double> accuracy(const Matrix& out, const Dataset& data, int begin, int end);

// Per row, whether it is misclassified; all false when the rule does not apply.
std::vector<bool> misclassified(const Matrix& out, const Dataset& data);

}  // namespace nnlens
