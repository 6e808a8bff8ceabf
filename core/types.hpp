// Matrix and vector types shared by the engine: 32-bit floats, column-major, one sample a row.
#pragma once

#include <Eigen/Core>

namespace nnlens {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic>;  // column-major
using Vector = Eigen::Matrix<float, Eigen::Dynamic, 1>;
using RowVector = Eigen::Matrix<float, 1, Eigen::Dynamic>;

}  // namespace nnlens
