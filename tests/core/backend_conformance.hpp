// The rows every Backend must pass (forward, gradients, optimizer steps, grid maps, histograms, lr
// scan); subclass per backend.
#pragma once

#include <memory>

#include <QObject>
#include <QTest>

#include "compare.hpp"
#include "core/backend.hpp"
#include "core/lr_scan.hpp"
#include "core/random.hpp"
#include "core/trainer.hpp"
#include "reference.hpp"

Q_DECLARE_METATYPE(nnlens::Activation)
Q_DECLARE_METATYPE(nnlens::OptimizerKind)

namespace nnlens::test {

class BackendConformance : public QObject {
    Q_OBJECT

  protected:
    // The backend under test; null (with a reason in skipReason()) when it cannot run here.
    virtual std::unique_ptr<Backend> makeBackend() = 0;
    virtual QString skipReason() const { return {}; }

    std::unique_ptr<Backend> m_backend;

    static Dataset regressionData(int n, int inputs, int outputs, std::uint64_t seed) {
        Random rng(seed);
        Dataset d;
        d.x.resize(n, inputs);
        d.y.resize(n, outputs);
        for (int i = 0; i < n; ++i) {
            for (int k = 0; k < inputs; ++k)
                d.x(i, k) = float(rng.uniform(-2, 2));
            for (int k = 0; k < outputs; ++k)
                d.y(i, k) = float(rng.uniform(-1, 1));
        }
        return d;
    }

    static void activationRows() {
        QTest::addColumn<Activation>("activation");
        for (Activation a :
             {Activation::Linear, Activation::Relu, Activation::Elu, Activation::Softplus,
              Activation::Sigmoid, Activation::Tanh, Activation::Softsign, Activation::LeakyRelu,
              Activation::Gelu, Activation::Silu}) {
            QTest::newRow(std::string(activationName(a)).c_str()) << a;
        }
    }

  private slots:
    void initTestCase() {
        m_backend = makeBackend();
        if (!m_backend) QSKIP(qPrintable(skipReason()));
    }

    void forwardMatchesReference_data() { activationRows(); }
    void forwardMatchesReference() {
        QFETCH(Activation, activation);
        const Network net = Network::initialized(
            3, {{6, activation}, {5, activation}, {2, Activation::Linear}}, 21);
        const Dataset d = regressionData(64, 3, 2, 4);
        const Trace t = m_backend->forward(net, d.x);
        const RefTrace r = refForward(net, d.x);
        for (std::size_t l = 0; l < net.layers.size(); ++l) {
            for (Eigen::Index i = 0; i < d.x.rows(); ++i) {
                for (Eigen::Index j = 0; j < t.layers[l].out.cols(); ++j) {
                    NNLENS_CLOSE(t.layers[l].s(i, j), r.s[l][std::size_t(i)][std::size_t(j)], 1e-5,
                                 1e-4);
                    NNLENS_CLOSE(t.layers[l].out(i, j), r.out[l][std::size_t(i)][std::size_t(j)],
                                 1e-5, 1e-4);
                }
            }
        }
    }

    void gradientsMatchFiniteDifferences_data() { activationRows(); }
    void gradientsMatchFiniteDifferences() {
        QFETCH(Activation, activation);
        const Network net =
            Network::initialized(2, {{4, activation}, {3, activation}, {2, Activation::Linear}}, 8);
        Dataset d = regressionData(16, 2, 2, 9);
        const Gradients g = m_backend->gradients(net, d, {Loss::Mse, Reduction::Mean});
        NNLENS_CLOSE(g.loss, refMse(refForward(net, d.x), d), 1e-6, 1e-5);
        const RefGradients r = refMseGradients(net, d);
        for (std::size_t l = 0; l < net.layers.size(); ++l) {
            for (int k = 0; k < net.layers[l].inputs(); ++k)
                for (int j = 0; j < net.layers[l].outputs(); ++j)
                    NNLENS_CLOSE(g.layers[l].dW(k, j), r.dW[l][std::size_t(k)][std::size_t(j)],
                                 1e-5, 1e-3);
            for (int j = 0; j < net.layers[l].outputs(); ++j)
                NNLENS_CLOSE(g.layers[l].db(j), r.db[l][std::size_t(j)], 1e-5, 1e-3);
        }
    }

    void optimizerStepsMatchReference_data() {
        QTest::addColumn<OptimizerKind>("kind");
        QTest::newRow("sgd") << OptimizerKind::Sgd;
        QTest::newRow("momentum") << OptimizerKind::Momentum;
        QTest::newRow("adam") << OptimizerKind::Adam;
    }
    void optimizerStepsMatchReference() {
        // Three full-batch steps; the reference applies PyTorch's rule in double to double
        // finite-difference gradients.
        QFETCH(OptimizerKind, kind);
        Network ref = Network::initialized(2, {{4, Activation::Tanh}, {1, Activation::Linear}}, 3);
        const Dataset d = regressionData(12, 2, 1, 5);
        const float lr = 0.05f;
        auto session = m_backend->startTraining(ref, d, {Loss::Mse, Reduction::Mean}, {kind, lr});
        std::vector<int> rows(12);
        for (int i = 0; i < 12; ++i)
            rows[std::size_t(i)] = i;
        std::vector<double> m(64, 0.0), v(64, 0.0);
        for (int t = 1; t <= 3; ++t) {
            const auto r = session->step(rows);
            QVERIFY(r.ok);
            NNLENS_CLOSE(r.loss, refMse(refForward(ref, d.x), d), 1e-6, 1e-5);
            const RefGradients g = refMseGradients(ref, d);
            std::size_t p = 0;
            for (std::size_t l = 0; l < ref.layers.size(); ++l) {
                Layer& L = ref.layers[l];
                for (int k = 0; k <= L.inputs(); ++k) {
                    for (int j = 0; j < L.outputs(); ++j, ++p) {
                        const double grad = k == L.inputs()
                                                ? g.db[l][std::size_t(j)]
                                                : g.dW[l][std::size_t(k)][std::size_t(j)];
                        double step = 0;
                        if (kind == OptimizerKind::Sgd) {
                            step = lr * grad;
                        } else if (kind == OptimizerKind::Momentum) {
                            m[p] = t == 1 ? grad : 0.9 * m[p] + grad;
                            step = lr * m[p];
                        } else {
                            m[p] = 0.9 * m[p] + 0.1 * grad;
                            v[p] = 0.999 * v[p] + 0.001 * grad * grad;
                            const double mh = m[p] / (1 - std::pow(0.9, t));
                            const double vh = v[p] / (1 - std::pow(0.999, t));
                            step = lr * mh / (std::sqrt(vh) + 1e-8);
                        }
                        float& param = k == L.inputs() ? L.b(j) : L.W(k, j);
                        param = float(double(param) - step);
                    }
                }
            }
            const Network got = session->network();
            for (std::size_t l = 0; l < ref.layers.size(); ++l) {
                NNLENS_COMPARE_CLOSE(got.layers[l].W.data(), ref.layers[l].W.data(),
                                     ref.layers[l].W.size(), 1e-5, 1e-3);
                NNLENS_COMPARE_CLOSE(got.layers[l].b.data(), ref.layers[l].b.data(),
                                     ref.layers[l].b.size(), 1e-5, 1e-3);
            }
        }
    }

    void gridMapsMatchReference_data() { activationRows(); }
    void gridMapsMatchReference() {
        QFETCH(Activation, activation);
        const Network net =
            Network::initialized(2, {{5, activation}, {4, activation}, {1, Activation::Tanh}}, 13);
        auto eval = m_backend->gridEvaluator();
        const GridConfig cfg{33, 2.0, 12};
        eval->compute(net, cfg);
        const GridMaps& maps = eval->maps();
        const RefTrace r = refForward(net, gridPoints(cfg.n, cfg.range));
        double limit = 0;
        for (std::size_t l = 0; l < net.layers.size(); ++l) {
            for (Eigen::Index j = 0; j < maps.out[l].cols(); ++j) {
                for (Eigen::Index k = 0; k < maps.out[l].rows(); ++k) {
                    NNLENS_CLOSE(maps.s[l](k, j), r.s[l][std::size_t(k)][std::size_t(j)], 1e-5,
                                 1e-4);
                    NNLENS_CLOSE(maps.out[l](k, j), r.out[l][std::size_t(k)][std::size_t(j)], 1e-5,
                                 1e-4);
                    limit = std::max(limit, std::fabs(r.out[l][std::size_t(k)][std::size_t(j)]));
                }
                // the histogram of the backend's own s, counted as numpy does
                const Histogram expected =
                    histogram(maps.s[l].col(j).data(), maps.s[l].rows(), cfg.bins);
                QCOMPARE(maps.hist[l][std::size_t(j)].counts, expected.counts);
                QCOMPARE(maps.hist[l][std::size_t(j)].min, expected.min);
                QCOMPARE(maps.hist[l][std::size_t(j)].max, expected.max);
            }
        }
        NNLENS_CLOSE(maps.colourLimit, limit, 1e-5, 1e-4);
        QCOMPARE(maps.arrows.size(), std::size_t(5));
    }

    void gridUpdateMatchesCompute() {
        Network net = Network::initialized(2,
                                           {{8, Activation::Tanh},
                                            {8, Activation::Tanh},
                                            {8, Activation::Tanh},
                                            {1, Activation::Tanh}},
                                           2);
        auto live = m_backend->gridEvaluator();
        live->compute(net, {50, 3.0, 25});
        net.layers[2].W(4, 3) += 0.5f;
        live->update(net, 2, 3);
        auto fresh = m_backend->gridEvaluator();
        fresh->compute(net, {50, 3.0, 25});
        for (int l = 0; l < 4; ++l) {
            NNLENS_COMPARE_CLOSE(live->maps().out[std::size_t(l)].data(),
                                 fresh->maps().out[std::size_t(l)].data(),
                                 fresh->maps().out[std::size_t(l)].size(), 0, 0);
        }
    }

    void lrScanRestoresAndRecommends() {
        const Network net =
            Network::initialized(2, {{4, Activation::Tanh}, {1, Activation::Linear}}, 4);
        const Dataset d = regressionData(40, 2, 1, 6);
        auto session = m_backend->startTraining(net, d, {Loss::Mse, Reduction::Mean},
                                                {OptimizerKind::Sgd, 0.01f});
        LrScanConfig cfg;
        cfg.start = 1e-3;
        cfg.stop = 1e3;
        cfg.steps = 50;
        cfg.batch = 8;
        const LrScanResult r = lrScan(*session, d.size(), cfg);
        QVERIFY(!r.loss.empty());
        const auto best =
            std::size_t(std::min_element(r.loss.begin(), r.loss.end()) - r.loss.begin());
        QCOMPARE(r.recommended, 0.5 * r.lr[best]);
        const Network after = session->network();
        QCOMPARE(after.layers[0].W, net.layers[0].W);
        QCOMPARE(after.layers[1].b, net.layers[1].b);
        QCOMPARE(session->learningRate(), 0.01f);
    }
};

}  // namespace nnlens::test
