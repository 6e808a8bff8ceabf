// Classification accuracy, by the rule the window and the bench report.
#pragma once

#include <optional>

#include "dataset.hpp"
#include "types.hpp"

namespace nnlens {

// Whether `data` are classification data: class labels, or one target column whose values are
// all in {0, 1} or all in {-1, +1}.
bool isClassification(const Dataset& data);

// The fraction of rows [begin, end) classified right by the outputs `out` (N, K): one output,
// out >= 0.5 against targets in {0, 1} and out >= 0 against {-1, +1}; several outputs, the argmax
// against the label. nullopt when the data are not classification data or the range is empty.
std::optional<double> accuracy(const Matrix& out, const Dataset& data, int begin, int end);

}  // namespace nnlens
