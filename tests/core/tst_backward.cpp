// Backward pass on the seed's statistical-perspective network (100-200-100-10) against
// double-precision finite differences. Every activation x loss x reduction is a row of the backend
// conformance suite (backend_conformance.hpp), which every backend runs.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <vector>

#include <QString>
#include <QTest>

#include <Eigen/Core>

#include "compare.hpp"
#include "core/activation.hpp"
#include "core/backend.hpp"
#include "core/backward.hpp"
#include "core/dataset.hpp"
#include "core/loss.hpp"
#include "core/network.hpp"
#include "fd_reference.hpp"

namespace {

using namespace nnlens::test::fd;

}  // namespace

class TestBackward : public QObject {
    Q_OBJECT

  private slots:
    void statisticalExample();
};

// The seed's "Statistical Perspective" network: 100 -> 200 tanh -> 100 relu -> 10 linear, here
// with N = 50 rows and loss mean(out^2) (mse against zero targets). Checks the shape of every
// gradient, the loss, dL/dout and dL/db of the last layer (analytic: 2 out / (N K), summed over
// rows for db), and a few dL/dW entries of every layer by finite differences.
void TestBackward::statisticalExample() {
    constexpr int n = 50;
    constexpr int d = 100;
    constexpr int k = 10;
    const nnlens::Network net = nnlens::Network::initialized(
        d, {{200, Activation::Tanh}, {100, Activation::Relu}, {k, Activation::Linear}}, 123);
    nnlens::Dataset data;
    data.x.resize(n, d);
    for (int i = 0; i < n; ++i) {
        for (int j = 0; j < d; ++j) {
            // Irregular values of unit scale (the seed uses randn).
            data.x(i, j) = static_cast<float>(1.7 * std::sin(0.37 * i * d + 1.91 * j + 0.5 * i));
        }
    }
    data.y = nnlens::Matrix::Zero(n, k);

    const nnlens::Gradients g =
        nnlens::CpuBackend().gradients(net, data, {Loss::Mse, Reduction::Mean});
    QCOMPARE(g.layers.size(), std::size_t(3));
    const int widths[] = {d, 200, 100, k};
    for (std::size_t l = 0; l < 3; ++l) {
        const int in = widths[l];
        const int out = widths[l + 1];
        QCOMPARE(g.layers[l].dW.rows(), Eigen::Index(in));
        QCOMPARE(g.layers[l].dW.cols(), Eigen::Index(out));
        QCOMPARE(g.layers[l].db.size(), Eigen::Index(out));
        QCOMPARE(g.layers[l].dS.rows(), Eigen::Index(n));
        QCOMPARE(g.layers[l].dS.cols(), Eigen::Index(out));
        QCOMPARE(g.layers[l].dOut.rows(), Eigen::Index(n));
        QCOMPARE(g.layers[l].dOut.cols(), Eigen::Index(out));
    }

    Problem p;
    p.net = toDouble(net);
    p.data = toDouble(data);
    p.loss = Loss::Mse;
    p.reduction = Reduction::Mean;
    const auto t = p.trace();
    const MatD& outD = t.back().second;
    NNLENS_CLOSE(g.loss, outD.squaredNorm() / (n * k), 1e-6, 1e-5);

    const MatD dOut = 2.0 * outD / (n * k);
    const VecD db = dOut.colwise().sum().transpose();
    // Sums of 100-200 float products per element: 1e-5 relative with an atol at the 1e-7 scale of
    // these small gradients (|dOut| ~ 1e-3).
    NNLENS_COMPARE_CLOSE(g.layers[2].dOut.data(), dOut.data(), dOut.size(), 1e-7, 1e-5);
    NNLENS_COMPARE_CLOSE(g.layers[2].db.data(), db.data(), db.size(), 1e-7, 1e-5);

    // A few weights per layer by central differences; the relu layer must see the same sign pattern
    // at both ends of every difference (no kink inside the step).
    const auto reluPattern = [](const Problem& q) {
        return (q.trace()[1].first.array() > 0.0).eval();
    };
    const auto pattern = reluPattern(p);
    const std::pair<int, int> picks[] = {{0, 0}, {3, 7}, {9, 1}};
    for (std::size_t l = 0; l < 3; ++l) {
        for (const auto& [r, c] : picks) {
            Problem q = p;
            const double v = q.net[l].W(r, c);
            q.net[l].W(r, c) = v + kStep;
            const double up = q.loss0();
            QVERIFY((reluPattern(q) == pattern).all());
            q.net[l].W(r, c) = v - kStep;
            const double down = q.loss0();
            QVERIFY((reluPattern(q) == pattern).all());
            const double fd = (up - down) / (2.0 * kStep);
            NNLENS_CLOSE(g.layers[l].dW(r, c), fd, 1e-7, 1e-4);
        }
    }
}

QTEST_GUILESS_MAIN(TestBackward)
#include "tst_backward.moc"
