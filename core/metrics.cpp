// Classification accuracy (metrics.hpp).
#include "metrics.hpp"

namespace nnlens {

namespace {

enum class Targets { None, ZeroOne, PlusMinus };

Targets targetKind(const Dataset& data) {
    if (data.targets() != 1 || data.size() == 0) return Targets::None;
    bool zeroOne = true, plusMinus = true;
    for (int i = 0; i < data.size(); ++i) {
        const float y = data.y(i, 0);
        zeroOne = zeroOne && (y == 0.0f || y == 1.0f);
        plusMinus = plusMinus && (y == -1.0f || y == 1.0f);
    }
    return zeroOne ? Targets::ZeroOne : plusMinus ? Targets::PlusMinus : Targets::None;
}

}  // namespace

bool isClassification(const Dataset& data) {
    return data.hasLabels() || targetKind(data) != Targets::None;
}

std::optional<double> accuracy(const Matrix& out, const Dataset& data, int begin, int end) {
    if (end <= begin || out.rows() < end) return std::nullopt;
    int right = 0;
    if (out.cols() == 1) {
        const Targets kind = targetKind(data);
        if (kind == Targets::None && !data.hasLabels()) return std::nullopt;
        const float threshold = kind == Targets::PlusMinus ? 0.0f : 0.5f;
        for (int i = begin; i < end; ++i) {
            const bool predicted = out(i, 0) >= threshold;
            const bool actual = kind == Targets::None
                                    ? data.labels[static_cast<std::size_t>(i)] == 1
                                    : data.y(i, 0) > 0.0f;
            right += predicted == actual;
        }
    } else {
        if (!data.hasLabels()) return std::nullopt;
        for (int i = begin; i < end; ++i) {
            Eigen::Index best = 0;
            out.row(i).maxCoeff(&best);
            right += static_cast<int>(best) == data.labels[static_cast<std::size_t>(i)];
        }
    }
    return static_cast<double>(right) / static_cast<double>(end - begin);
}

}  // namespace nnlens
