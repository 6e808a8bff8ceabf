// The edits that tst_recovery's killed window makes (recovery_child.cpp) and that the test makes
// again on a fresh document to know what the restored network must be, bit for bit.
#pragma once

#include <QString>

#include "model/document.hpp"

namespace nnlens::recovery_test {

inline const QString kPreset = QStringLiteral(":/presets/spiral-2-8-8-8-1.nnlens.json");

// Edits of each kind a recovery file must carry: parameters (one tiny, one with every bit of its
// mantissa set), an activation, a removed node, the name (with an escape character) and the view.
// None draws random numbers, so two documents that start alike end alike.
inline bool applyEdits(model::Document& doc) {
    return doc.setParameter({1, 2, 3}, 0.1234567f) && doc.setParameter({0, 0, -1}, -1.0e-38f) &&
           doc.setParameter({2, 5, 0}, 16777215.0f) && doc.setActivation(2, Activation::Relu) &&
           doc.removeNode(1, 4) && doc.setName(QStringLiteral("spiral \x1b[2J edited")) &&
           doc.setView(GridConfig{120, 2.5, 30});
}

}  // namespace nnlens::recovery_test
