// Classification metrics: the accuracy rule (one output thresholded, several outputs argmax).
#include "metrics.hpp"

#include <algorithm>

namespace nnlens {

namespace {

enum class Targets { None, ZeroOne, PlusMinusOne };

// What the one target column holds.
Targets binaryTargets(const Dataset& data) {
    if (data.targets() != 1 || data.size() == 0) return Targets::None;
    const auto y = data.y.col(0).array();
    if (((y == 0.0f) || (y == 1.0f)).all()) return Targets::ZeroOne;
    if (((y == -1.0f) || (y == 1.0f)).all()) return Targets::PlusMinusOne;
    return Targets::None;
}

bool labelsAreBinary(const Dataset& data) {
    return data.hasLabels() && std::all_of(data.labels.begin(), data.labels.end(),
                                           [](int c) { return c == 0 || c == 1; });
}

// The class of row i from a one-hot y, or -1.
int oneHotClass(const Dataset& data, Eigen::Index i) {
    int cls = -1;
    for (Eigen::Index j = 0; j < data.y.cols(); ++j) {
        const float v = data.y(i, j);
        if (v == 1.0f) {
            if (cls >= 0) return -1;
            cls = static_cast<int>(j);
        } else if (v != 0.0f) {
            return -1;
        }
    }
    return cls;
}

}  // namespace

bool isClassification(const Dataset& data) {
    return binaryTargets(data) != Targets::None || data.hasLabels();
}

std::vector<bool> correctRows(const Matrix& out, const Dataset& data) {
    const Eigen::Index n = data.size();
    if (out.rows() != n || out.cols() < 1 || n == 0) return {};
    std::vector<bool> ok(static_cast<std::size_t>(n));
    if (out.cols() == 1) {
        const Targets t = binaryTargets(data);
        // One output: its threshold from the targets; labels 0/1 stand in for missing targets.
        if (t == Targets::None && !(data.targets() == 0 && labelsAreBinary(data))) return {};
        const float threshold = t == Targets::PlusMinusOne ? 0.0f : 0.5f;
        for (Eigen::Index i = 0; i < n; ++i) {
            const bool truth = t == Targets::None ? data.labels[static_cast<std::size_t>(i)] == 1
                                                  : data.y(i, 0) > threshold;
            ok[static_cast<std::size_t>(i)] = (out(i, 0) >= threshold) == truth;
        }
        return ok;
    }
    const bool labels = data.hasLabels();
    const bool oneHot = !labels && data.targets() == out.cols();
    if (!labels && !oneHot) return {};
    for (Eigen::Index i = 0; i < n; ++i) {
        Eigen::Index best = 0;
        out.row(i).maxCoeff(&best);
        const int truth = labels ? data.labels[static_cast<std::size_t>(i)] : oneHotClass(data, i);
        if (truth < 0 && oneHot) return {};
        ok[static_cast<std::size_t>(i)] = best == truth;
    }
    return ok;
}

std::optional<double> accuracy(const Matrix& out, const Dataset& data, int begin, int end) {
    begin = std::max(begin, 0);
    end = std::min(end, data.size());
    if (begin >= end) return std::nullopt;
    const std::vector<bool> ok = correctRows(out, data);
    if (ok.empty()) return std::nullopt;
    const auto hits = std::count(ok.begin() + begin, ok.begin() + end, true);
    return static_cast<double>(hits) / static_cast<double>(end - begin);
}

std::vector<bool> misclassified(const Matrix& out, const Dataset& data) {
    std::vector<bool> bad = correctRows(out, data);
    if (bad.empty()) return std::vector<bool>(static_cast<std::size_t>(std::max(0, data.size())));
    bad.flip();
    return bad;
}

}  // namespace nnlens
