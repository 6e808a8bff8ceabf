// Float comparison for tests: |a - e| <= atol + rtol |e|, naming the first index that differs.
#pragma once

#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include <QString>
#include <QTest>

namespace nnlens::test {

// Returns an empty string when every element is close, else a description of the first that is not.
template <typename A, typename E>
std::string firstMismatch(const A& actual, const E& expected, std::size_t n, double atol,
                          double rtol) {
    for (std::size_t i = 0; i < n; ++i) {
        const double a = static_cast<double>(actual[i]);
        const double e = static_cast<double>(expected[i]);
        const bool bothNan = std::isnan(a) && std::isnan(e);
        const bool sameInf = std::isinf(a) && std::isinf(e) && (a > 0) == (e > 0);
        if (bothNan || sameInf) continue;
        if (!(std::fabs(a - e) <= atol + rtol * std::fabs(e))) {
            return "index " + std::to_string(i) + ": got " +
                   QString::number(a, 'g', 17).toStdString() + ", expected " +
                   QString::number(e, 'g', 17).toStdString() + " (atol " + std::to_string(atol) +
                   ", rtol " + std::to_string(rtol) + ")";
        }
    }
    return {};
}

inline bool closeScalar(double a, double e, double atol, double rtol) {
    return std::fabs(a - e) <= atol + rtol * std::fabs(e);
}

}  // namespace nnlens::test

// Compares two indexable sequences of length n elementwise; fails the test with the first mismatch.
#define NNLENS_COMPARE_CLOSE(actual, expected, n, atol, rtol)                   \
    do {                                                                        \
        const std::string nnlensMismatch_ = ::nnlens::test::firstMismatch(      \
            (actual), (expected), static_cast<std::size_t>(n), (atol), (rtol)); \
        if (!nnlensMismatch_.empty()) QFAIL(nnlensMismatch_.c_str());           \
    } while (false)

// Compares two scalars.
#define NNLENS_CLOSE(actual, expected, atol, rtol)                            \
    do {                                                                      \
        const double nnlensA_ = static_cast<double>(actual);                  \
        const double nnlensE_ = static_cast<double>(expected);                \
        if (!::nnlens::test::closeScalar(nnlensA_, nnlensE_, (atol), (rtol))) \
            QFAIL(qPrintable(QStringLiteral("%1: got %2, expected %3")        \
                                 .arg(QStringLiteral(#actual))                \
                                 .arg(nnlensA_, 0, 'g', 17)                   \
                                 .arg(nnlensE_, 0, 'g', 17)));                \
    } while (false)
