// The rows every Backend must pass: forward, gradients of every activation x loss x reduction
// against finite differences, the same rows through a TrainingSession (an SGD and an Adam step),
// optimizer steps, grid maps, histograms against numpy's rule counted by brute force, the lr scan.
// CpuBackend and CudaBackend each subclass it.
#pragma once

#include <memory>

#include <QObject>
#include <QTest>

#include "compare.hpp"
#include "core/backend.hpp"
#include "core/error.hpp"
#include "core/lr_scan.hpp"
#include "core/random.hpp"
#include "core/trainer.hpp"
#include "fd_reference.hpp"
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

    static void caseRows() {
        QTest::addColumn<int>("index");
        const std::vector<fd::Case> cases = fd::allCases();
        for (std::size_t i = 0; i < cases.size(); ++i)
            QTest::newRow(cases[i].tag.c_str()) << int(i);
    }

    // The network, data and finite-difference gradients of one case.
    struct CaseSetup {
        fd::Case c;
        Network net;
        Dataset data;
        fd::Problem problem;
    };
    static CaseSetup setupCase(int index) {
        CaseSetup s{fd::allCases()[std::size_t(index)], {}, fd::makeData(), {}};
        if (!fd::makeNetwork(s.c.hidden, s.c.last, s.data, 1000, &s.net)) return s;
        s.problem.net = fd::toDouble(s.net);
        s.problem.data = fd::toDouble(s.data);
        s.problem.loss = s.c.loss;
        s.problem.reduction = s.c.reduction;
        return s;
    }

  private slots:
    void initTestCase() {
        m_backend = makeBackend();
        if (!m_backend) QSKIP(qPrintable(skipReason()));
    }

    // dL/dW, dL/db, dL/dS and dL/dOut of every layer against double central differences.
    void gradients_data() { caseRows(); }
    void gradients() {
        QFETCH(int, index);
        const CaseSetup s = setupCase(index);
        QVERIFY2(!s.net.layers.empty(), "no seed keeps relu inputs off the kink");
        const Gradients g = m_backend->gradients(s.net, s.data, {s.c.loss, s.c.reduction});
        NNLENS_CLOSE(g.loss, s.problem.loss0(), 1e-6, 1e-5);
        const std::vector<fd::ReferenceGradients> ref = fd::finiteDifferenceGradients(s.problem);
        QCOMPARE(g.layers.size(), ref.size());
        const char* names[] = {"dW", "db", "dS", "dOut"};
        for (std::size_t l = 0; l < ref.size(); ++l) {
            const LayerGradients& a = g.layers[l];
            const Matrix actual[] = {a.dW, a.db, a.dS, a.dOut};
            const fd::MatD* expected[] = {&ref[l].dW, &ref[l].db, &ref[l].dS, &ref[l].dOut};
            for (int t = 0; t < 4; ++t) {
                const QByteArray what = QStringLiteral("layer %1 %2")
                                            .arg(l + 1)
                                            .arg(QLatin1String(names[t]))
                                            .toLatin1();
                QVERIFY2(actual[t].rows() == expected[t]->rows() &&
                             actual[t].cols() == expected[t]->cols(),
                         what.constData());
                [&] {
                    NNLENS_COMPARE_CLOSE(actual[t].data(), expected[t]->data(), expected[t]->size(),
                                         fd::kGradAtol, fd::kGradRtol);
                }();
                if (QTest::currentTestFailed()) {
                    qWarning("in %s", what.constData());
                    return;
                }
            }
        }
    }

    // 200 rows: the many-rows loops (eight rows a lane) rather than a minibatch's, for every
    // tensor of a 3-5-3-3 network.
    void gradientsManyRows_data() {
        QTest::addColumn<Activation>("hidden");
        QTest::newRow("tanh") << Activation::Tanh;
        QTest::newRow("softplus") << Activation::Softplus;
    }
    void gradientsManyRows() {
        QFETCH(Activation, hidden);
        const Dataset d = regressionData(200, 3, 3, 11);
        Network net;
        QVERIFY(fd::makeNetwork(hidden, Activation::Linear, d, 77, &net));
        fd::Problem p;
        p.net = fd::toDouble(net);
        p.data = fd::toDouble(d);
        const Gradients g = m_backend->gradients(net, d, {Loss::Mse, Reduction::Mean});
        NNLENS_CLOSE(g.loss, p.loss0(), 1e-6, 1e-5);
        const std::vector<fd::ReferenceGradients> ref = fd::finiteDifferenceGradients(p);
        for (std::size_t l = 0; l < ref.size(); ++l) {
            NNLENS_COMPARE_CLOSE(g.layers[l].dW.data(), ref[l].dW.data(), ref[l].dW.size(),
                                 fd::kGradAtol, 1e-4);
            NNLENS_COMPARE_CLOSE(g.layers[l].db.data(), ref[l].db.data(), ref[l].db.size(),
                                 fd::kGradAtol, 1e-4);
            NNLENS_COMPARE_CLOSE(g.layers[l].dOut.data(), ref[l].dOut.data(), ref[l].dOut.size(),
                                 fd::kGradAtol, 1e-4);
        }
    }

    // The same cases through a TrainingSession on all five rows: one SGD step at lr = 1 leaves
    // W - dW and b - db; one Adam step (lr 0.01) follows the hand rule: m = 0.1 g, v = 0.001 g^2,
    // p -= lr (m / 0.1) / (sqrt(v / 0.001) + 1e-8).
    void trainingStep_data() {
        QTest::addColumn<int>("index");
        QTest::addColumn<OptimizerKind>("kind");
        const std::vector<fd::Case> cases = fd::allCases();
        for (std::size_t i = 0; i < cases.size(); ++i) {
            QTest::newRow((cases[i].tag + "/sgd").c_str()) << int(i) << OptimizerKind::Sgd;
            QTest::newRow((cases[i].tag + "/adam").c_str()) << int(i) << OptimizerKind::Adam;
        }
    }
    void trainingStep() {
        QFETCH(int, index);
        QFETCH(OptimizerKind, kind);
        const CaseSetup s = setupCase(index);
        QVERIFY2(!s.net.layers.empty(), "no seed keeps relu inputs off the kink");
        const float lr = kind == OptimizerKind::Sgd ? 1.0f : 0.01f;
        auto session =
            m_backend->startTraining(s.net, s.data, {s.c.loss, s.c.reduction}, {kind, lr});
        const std::vector<int> rows = {0, 1, 2, 3, 4};
        const TrainingSession::StepResult r = session->step(rows);
        QVERIFY(r.ok);
        NNLENS_CLOSE(r.loss, s.problem.loss0(), 1e-6, 1e-5);
        const std::vector<fd::ReferenceGradients> ref = fd::finiteDifferenceGradients(s.problem);
        const Network got = session->network();
        const auto rule = [&](double p, double g) {
            if (kind == OptimizerKind::Sgd) return p - lr * g;
            const double mh = (0.1 * g) / (1 - 0.9);
            const double vh = (0.001 * g * g) / (1 - 0.999);
            return p - lr * mh / (std::sqrt(vh) + 1e-8);
        };
        for (std::size_t l = 0; l < ref.size(); ++l) {
            const Layer& before = s.net.layers[l];
            fd::MatD wantW(before.inputs(), before.outputs());
            fd::VecD wantB(before.outputs());
            for (int k = 0; k < before.inputs(); ++k)
                for (int j = 0; j < before.outputs(); ++j)
                    wantW(k, j) = rule(before.W(k, j), ref[l].dW(k, j));
            for (int j = 0; j < before.outputs(); ++j)
                wantB(j) = rule(before.b(j), ref[l].db(j, 0));
            // Adam divides g by |g|: where a gradient is within the finite differences' error of
            // 0, its sign (and so the step) is not determined; such elements are skipped.
            for (int k = 0; k < before.inputs(); ++k) {
                for (int j = 0; j < before.outputs(); ++j) {
                    if (kind == OptimizerKind::Adam && std::fabs(ref[l].dW(k, j)) < 1e-4) continue;
                    NNLENS_CLOSE(got.layers[l].W(k, j), wantW(k, j), fd::kGradAtol, 1e-4);
                }
            }
            for (int j = 0; j < before.outputs(); ++j) {
                if (kind == OptimizerKind::Adam && std::fabs(ref[l].db(j, 0)) < 1e-4) continue;
                NNLENS_CLOSE(got.layers[l].b(j), wantB(j), fd::kGradAtol, 1e-4);
            }
        }
    }

    // Parameters set while a session runs (the window's live edits): network() gives them back
    // exactly; the optimizer state is kept (Adam's second step from the same parameters is not
    // its first), SGD has none (the same step again); another shape is refused.
    void setParametersKeepsTheOptimizerState_data() {
        QTest::addColumn<OptimizerKind>("kind");
        QTest::newRow("sgd") << OptimizerKind::Sgd;
        QTest::newRow("adam") << OptimizerKind::Adam;
    }
    void setParametersKeepsTheOptimizerState() {
        QFETCH(OptimizerKind, kind);
        const Network net =
            Network::initialized(2, {{4, Activation::Tanh}, {1, Activation::Linear}}, 3);
        const Dataset d = regressionData(16, 2, 1, 5);
        const std::vector<int> rows = {0, 1, 2, 3, 4, 5, 6, 7};
        const LossConfig loss{Loss::Mse, Reduction::Mean};
        auto a = m_backend->startTraining(net, d, loss, {kind, 0.05f});
        QVERIFY(a->step(rows).ok);
        a->setParameters(net);
        const Network back = a->network();
        for (std::size_t l = 0; l < net.layers.size(); ++l) {
            QVERIFY(back.layers[l].W == net.layers[l].W);
            QVERIFY(back.layers[l].b == net.layers[l].b);
        }
        QVERIFY(a->step(rows).ok);
        auto b = m_backend->startTraining(net, d, loss, {kind, 0.05f});
        QVERIFY(b->step(rows).ok);
        const Network ga = a->network();
        const Network gb = b->network();
        const bool same = ga.layers[0].W == gb.layers[0].W && ga.layers[1].W == gb.layers[1].W;
        QCOMPARE(same, kind == OptimizerKind::Sgd);
        Network other =
            Network::initialized(2, {{5, Activation::Tanh}, {1, Activation::Linear}}, 3);
        QVERIFY_THROWS_EXCEPTION(InputError, a->setParameters(other));
        other = net;
        other.layers[0].activation = Activation::Relu;
        QVERIFY_THROWS_EXCEPTION(InputError, a->setParameters(other));
    }

    // #19 item 13: ce after a softmax layer goes through the logits. Logits (0, -200) with label
    // 1: p = softmax underflows to (1, 0) in float, where -log p and -1/p are inf. PyTorch in
    // float64 (log_softmax + nll_loss) gives loss 200 and dL/ds = p - onehot = (1, -1).
    void softmaxCrossEntropyGoesThroughTheLogits() {
        Network net = Network::initialized(2, {{2, Activation::Softmax}}, 1);
        net.layers[0].W << 0.0f, 0.0f, 0.0f, -200.0f;  // s = x W + b = (0, -200 x2)
        net.layers[0].b << 0.0f, 0.0f;
        Dataset d;
        d.x.resize(2, 2);
        d.x << 0.0f, 1.0f, 0.0f, 1.0f;
        d.labels = {1, 0};
        const LossConfig loss{Loss::Ce, Reduction::Mean};
        const Gradients g = m_backend->gradients(net, d, loss);
        // Row 0: 200 (label 1), row 1: about 0 (label 0); the mean.
        NNLENS_CLOSE(g.loss, 100.0, 1e-5, 1e-5);
        const Matrix& ds = g.layers[0].dS;
        QVERIFY(ds.allFinite());
        NNLENS_CLOSE(ds(0, 0), 0.5, 1e-6, 1e-5);  // (p - onehot) / N
        NNLENS_CLOSE(ds(0, 1), -0.5, 1e-6, 1e-5);
        NNLENS_CLOSE(ds(1, 0), 0.0, 1e-6, 1e-5);
        NNLENS_CLOSE(ds(1, 1), 0.0, 1e-6, 1e-5);
        QVERIFY(g.layers[0].dW.allFinite() && g.layers[0].db.allFinite());
        NNLENS_CLOSE(g.layers[0].db(0), 0.5, 1e-6, 1e-5);
        NNLENS_CLOSE(g.layers[0].db(1), -0.5, 1e-6, 1e-5);
        NNLENS_CLOSE(g.layers[0].dW(1, 0), 0.5, 1e-6, 1e-5);  // x2 = 1 in both rows
        NNLENS_CLOSE(g.layers[0].dW(1, 1), -0.5, 1e-6, 1e-5);
        QVERIFY(g.layers[0].dOut.allFinite());
        // A training step takes it (not a divergence) and moves toward the label.
        auto session = m_backend->startTraining(net, d, loss, {OptimizerKind::Sgd, 0.1f});
        const std::vector<int> rows = {0, 1};
        const auto step = session->step(rows);
        QVERIFY(step.ok);
        NNLENS_CLOSE(step.loss, 100.0, 1e-5, 1e-5);
        const Network after = session->network();
        NNLENS_CLOSE(after.layers[0].b(1), 0.05, 1e-6, 1e-5);
        // W(1, .) = (-0.05, -199.95), b = (-0.05, 0.05): logits (-0.1, -199.9) in both rows.
        NNLENS_CLOSE(session->evaluate(rows), (199.8 + 2.0 * std::log1p(std::exp(-199.8))) / 2.0,
                     1e-5, 1e-4);
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
        QTest::addColumn<float>("l1");
        QTest::addColumn<float>("l2");
        QTest::newRow("sgd") << OptimizerKind::Sgd << 0.0f << 0.0f;
        QTest::newRow("momentum") << OptimizerKind::Momentum << 0.0f << 0.0f;
        QTest::newRow("adam") << OptimizerKind::Adam << 0.0f << 0.0f;
        // Spec section 10: l1 sign(W) + l2 W joins dW (not db) before the update.
        QTest::newRow("sgd, l2") << OptimizerKind::Sgd << 0.0f << 0.3f;
        QTest::newRow("momentum, l1") << OptimizerKind::Momentum << 0.05f << 0.0f;
        QTest::newRow("adam, l1 and l2") << OptimizerKind::Adam << 0.05f << 0.3f;
    }
    void optimizerStepsMatchReference() {
        // Three full-batch steps; the reference applies PyTorch's rule in double to double
        // finite-difference gradients.
        QFETCH(OptimizerKind, kind);
        QFETCH(float, l1);
        QFETCH(float, l2);
        Network ref = Network::initialized(2, {{4, Activation::Tanh}, {1, Activation::Linear}}, 3);
        const Dataset d = regressionData(12, 2, 1, 5);
        const float lr = 0.05f;
        OptimizerConfig opt{kind, lr};
        opt.l1 = l1;
        opt.l2 = l2;
        auto session = m_backend->startTraining(ref, d, {Loss::Mse, Reduction::Mean}, opt);
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
                        double grad = k == L.inputs() ? g.db[l][std::size_t(j)]
                                                      : g.dW[l][std::size_t(k)][std::size_t(j)];
                        if (k < L.inputs()) {
                            const double w = L.W(k, j);
                            grad +=
                                double(l1) * (w > 0 ? 1.0 : (w < 0 ? -1.0 : 0.0)) + double(l2) * w;
                        }
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
            NNLENS_CLOSE(session->penalty(), weightPenalty(ref, l1, l2), 1e-6, 1e-4);
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
                // the histogram of the backend's own s, counted by numpy's rule the slow way
                const BruteHistogram expected =
                    numpyHistogram(maps.s[l].col(j).data(), maps.s[l].rows(), cfg.bins);
                QCOMPARE(maps.hist[l][std::size_t(j)].counts, expected.counts);
                QCOMPARE(maps.hist[l][std::size_t(j)].min, expected.min);
                QCOMPARE(maps.hist[l][std::size_t(j)].max, expected.max);
            }
        }
        NNLENS_CLOSE(maps.colourLimit, limit, 1e-5, 1e-4);
        QCOMPARE(maps.arrows.size(), std::size_t(5));
    }

    // Spec section 10: a fixed feature stage before the first layer, in forward, gradients,
    // training and the grid maps; the first layer's W has one row per feature.
    static void featureRows() {
        QTest::addColumn<QStringList>("features");
        QTest::newRow("x1, x2") << QStringList{"x1", "x2"};
        QTest::newRow("squares") << QStringList{"x1^2", "x2^2"};
        QTest::newRow("all seven, shuffled")
            << QStringList{"sin(x2)", "x1*x2", "x1", "x2^2", "sin(x1)", "x2", "x1^2"};
        QTest::newRow("one feature") << QStringList{"x1*x2"};
    }
    static std::vector<Feature> toFeatures(const QStringList& names) {
        std::vector<Feature> f;
        for (const QString& n : names)
            f.push_back(*featureFromName(n.toStdString()));
        return f;
    }

    void featuresForwardAndGradients_data() { featureRows(); }
    void featuresForwardAndGradients() {
        QFETCH(QStringList, features);
        const std::vector<Feature> f = toFeatures(features);
        const Network net =
            Network::initialized(2, {{5, Activation::Tanh}, {2, Activation::Linear}}, 31, f);
        QCOMPARE(net.layers[0].inputs(), int(f.size()));
        const Dataset d = regressionData(40, 2, 2, 32);
        const Trace t = m_backend->forward(net, d.x);
        QCOMPARE(t.input.cols(), Eigen::Index(f.size()));
        const Mat phi = refFeatures(net, d.x);
        for (Eigen::Index i = 0; i < d.x.rows(); ++i)
            for (Eigen::Index k = 0; k < t.input.cols(); ++k)
                NNLENS_CLOSE(t.input(i, k), phi[std::size_t(i)][std::size_t(k)], 1e-5, 1e-4);
        const RefTrace r = refForward(net, d.x);
        for (std::size_t l = 0; l < net.layers.size(); ++l)
            for (Eigen::Index i = 0; i < d.x.rows(); ++i)
                for (Eigen::Index j = 0; j < t.layers[l].out.cols(); ++j)
                    NNLENS_CLOSE(t.layers[l].out(i, j), r.out[l][std::size_t(i)][std::size_t(j)],
                                 1e-5, 1e-4);
        const Gradients g = m_backend->gradients(net, d, {Loss::Mse, Reduction::Mean});
        NNLENS_CLOSE(g.loss, refMse(r, d), 1e-6, 1e-5);
        const RefGradients rg = refMseGradients(net, d);
        QCOMPARE(g.layers[0].dW.rows(), Eigen::Index(f.size()));
        for (std::size_t l = 0; l < net.layers.size(); ++l)
            for (int k = 0; k < net.layers[l].inputs(); ++k)
                for (int j = 0; j < net.layers[l].outputs(); ++j)
                    NNLENS_CLOSE(g.layers[l].dW(k, j), rg.dW[l][std::size_t(k)][std::size_t(j)],
                                 1e-5, 1e-3);
    }

    void featuresTrainingStep_data() { featureRows(); }
    void featuresTrainingStep() {
        // Two SGD steps through a session match W - lr dW of the reference gradients.
        QFETCH(QStringList, features);
        Network ref = Network::initialized(2, {{3, Activation::Tanh}, {1, Activation::Linear}}, 33,
                                           toFeatures(features));
        const Dataset d = regressionData(10, 2, 1, 34);
        const float lr = 0.1f;
        auto session = m_backend->startTraining(ref, d, {Loss::Mse, Reduction::Mean},
                                                {OptimizerKind::Sgd, lr});
        std::vector<int> rows(10);
        for (int i = 0; i < 10; ++i)
            rows[std::size_t(i)] = i;
        for (int t = 0; t < 2; ++t) {
            const auto r = session->step(rows);
            QVERIFY(r.ok);
            NNLENS_CLOSE(r.loss, refMse(refForward(ref, d.x), d), 1e-6, 1e-5);
            NNLENS_CLOSE(session->evaluate(rows), refMse(refForward(session->network(), d.x), d),
                         1e-6, 1e-5);
            const RefGradients g = refMseGradients(ref, d);
            for (std::size_t l = 0; l < ref.layers.size(); ++l) {
                Layer& L = ref.layers[l];
                for (int j = 0; j < L.outputs(); ++j) {
                    for (int k = 0; k < L.inputs(); ++k)
                        L.W(k, j) = float(L.W(k, j) - lr * g.dW[l][std::size_t(k)][std::size_t(j)]);
                    L.b(j) = float(L.b(j) - lr * g.db[l][std::size_t(j)]);
                }
            }
            const Network got = session->network();
            QCOMPARE(got.features, ref.features);
            for (std::size_t l = 0; l < ref.layers.size(); ++l)
                NNLENS_COMPARE_CLOSE(got.layers[l].W.data(), ref.layers[l].W.data(),
                                     ref.layers[l].W.size(), 1e-5, 1e-3);
        }
    }

    void featuresGridMaps_data() { featureRows(); }
    void featuresGridMaps() {
        // The maps stay over (x1, x2); the arrow only where the features are exactly x1, x2.
        QFETCH(QStringList, features);
        Network net = Network::initialized(2, {{4, Activation::Tanh}, {1, Activation::Sigmoid}}, 35,
                                           toFeatures(features));
        auto eval = m_backend->gridEvaluator();
        const GridConfig cfg{21, 3.0, 10};
        eval->compute(net, cfg);
        const RefTrace r = refForward(net, gridPoints(cfg.n, cfg.range));
        for (std::size_t l = 0; l < net.layers.size(); ++l)
            for (Eigen::Index j = 0; j < eval->maps().out[l].cols(); ++j)
                for (Eigen::Index k = 0; k < eval->maps().out[l].rows(); ++k)
                    NNLENS_CLOSE(eval->maps().out[l](k, j),
                                 r.out[l][std::size_t(k)][std::size_t(j)], 1e-5, 1e-4);
        const bool plain = features == QStringList{"x1", "x2"};
        for (const auto& arrow : eval->maps().arrows)
            QCOMPARE(arrow.has_value(), plain);
        // An edit of the first layer recomputes from the features, to the same bits.
        net.layers[0].W(0, 2) += 0.25f;
        eval->update(net, 0, 2);
        auto fresh = m_backend->gridEvaluator();
        fresh->compute(net, cfg);
        for (std::size_t l = 0; l < net.layers.size(); ++l)
            NNLENS_COMPARE_CLOSE(eval->maps().out[l].data(), fresh->maps().out[l].data(),
                                 fresh->maps().out[l].size(), 0, 0);
        // Other features: the evaluator starts again rather than reading stale inputs.
        Network plainNet =
            Network::initialized(2, {{4, Activation::Tanh}, {1, Activation::Sigmoid}}, 35);
        eval->update(plainNet, 0, -1);
        const RefTrace rp = refForward(plainNet, gridPoints(cfg.n, cfg.range));
        NNLENS_CLOSE(eval->maps().out[1](7, 0), rp.out[1][7][0], 1e-5, 1e-4);
        QVERIFY(eval->maps().arrows[0].has_value() || plainNet.layers[0].W.col(0).isZero());
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
