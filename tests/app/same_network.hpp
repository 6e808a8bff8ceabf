// Whether two networks are the same bit for bit: every field, every float's bits (so -0 and +0
// differ, a NaN would equal itself), the unknown keys. For the recovery and hostile-file tests.
#pragma once

#include <QString>

#include <cstring>

#include "core/network.hpp"

namespace nnlens::test {

// Empty when `a` and `b` are the same, else the first difference.
inline QString networkDifference(const Network& a, const Network& b) {
    if (a.name != b.name) return QStringLiteral("name");
    if (a.description != b.description) return QStringLiteral("description");
    if (a.inputs != b.inputs) return QStringLiteral("inputs");
    if (a.view.n != b.view.n || a.view.bins != b.view.bins ||
        std::memcmp(&a.view.range, &b.view.range, sizeof(double)) != 0 || a.hasView != b.hasView) {
        return QStringLiteral("view");
    }
    if (a.extra != b.extra) return QStringLiteral("unknown top-level keys");
    if (a.layers.size() != b.layers.size()) return QStringLiteral("number of layers");
    for (std::size_t l = 0; l < a.layers.size(); ++l) {
        const Layer& x = a.layers[l];
        const Layer& y = b.layers[l];
        const QString where = QStringLiteral("layer %1: ").arg(l + 1);
        if (x.activation != y.activation) return where + QStringLiteral("activation");
        if (x.W.rows() != y.W.rows() || x.W.cols() != y.W.cols() || x.b.size() != y.b.size()) {
            return where + QStringLiteral("shape");
        }
        if (std::memcmp(x.W.data(), y.W.data(), sizeof(float) * x.W.size()) != 0) {
            return where + QStringLiteral("weights");
        }
        if (std::memcmp(x.b.data(), y.b.data(), sizeof(float) * x.b.size()) != 0) {
            return where + QStringLiteral("bias");
        }
        if (x.extra != y.extra) return where + QStringLiteral("unknown keys");
    }
    return {};
}

}  // namespace nnlens::test
