// Optimizers (spec section 4): sgd, momentum and adam steps against PyTorch's update rules in
// double.
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <QList>
#include <QString>
#include <QTest>

#include "compare.hpp"
#include "core/backend.hpp"
#include "core/dataset.hpp"
#include "core/loss.hpp"
#include "core/network.hpp"
#include "core/optimizer.hpp"

Q_DECLARE_METATYPE(nnlens::OptimizerKind)

namespace {

using nnlens::OptimizerKind;

// Spec: optimizer steps to 1e-5 + 1e-3 |e| against float64. Parameters here are O(1) and each
// update is a handful of float operations, so the float32 engine stays within one or two float
// ulps (6e-8 relative) of the double reference (measured: 6e-8 relative fails, 2e-7 passes).
// 1e-7 + 5e-7 |e| allows ~4 ulps, e.g. for compilers that do or do not contract into FMA.
constexpr double kAtol = 1e-7;
constexpr double kRtol = 5e-7;

// PyTorch's update rules in double (torch.optim.SGD, SGD(momentum=0.9), Adam with defaults).
struct ReferenceOptimizer {
    OptimizerKind kind;
    double lr;
    std::vector<double> buf;  // momentum buffer / exp_avg
    std::vector<double> v;    // exp_avg_sq
    int t = 0;

    ReferenceOptimizer(OptimizerKind k, double rate, std::size_t n)
        : kind(k), lr(rate), buf(n), v(n) {}

    void step(std::vector<double>& p, const std::vector<double>& g) {
        ++t;
        const double b1 = 0.9, b2 = 0.999, eps = 1e-8, mu = 0.9;
        const double bc1 = 1.0 - std::pow(b1, t);
        const double bc2 = 1.0 - std::pow(b2, t);
        for (std::size_t i = 0; i < p.size(); ++i) {
            switch (kind) {
                case OptimizerKind::Sgd:
                    p[i] -= lr * g[i];
                    break;
                case OptimizerKind::Momentum:
                    buf[i] = t == 1 ? g[i] : mu * buf[i] + g[i];
                    p[i] -= lr * buf[i];
                    break;
                case OptimizerKind::Adam:
                    buf[i] =
                        buf[i] + (1.0 - b1) * (g[i] - buf[i]);  // exp_avg.lerp_(grad, 1 - beta1)
                    v[i] = b2 * v[i] + (1.0 - b2) * g[i] * g[i];
                    p[i] -= (lr / bc1) * buf[i] / (std::sqrt(v[i]) / std::sqrt(bc2) + eps);
                    break;
            }
        }
    }
};

std::vector<float> toFloat(const QList<double>& v) {
    return std::vector<float>(v.begin(), v.end());
}
std::vector<double> asDouble(const std::vector<float>& v) {
    return std::vector<double>(v.begin(), v.end());
}

nnlens::OptimizerConfig configOf(OptimizerKind kind, double lr) {
    nnlens::OptimizerConfig cfg;
    cfg.kind = kind;
    cfg.lr = static_cast<float>(lr);
    return cfg;
}

// Three gradients of four parameters each: mixed signs, a zero, tiny and large values, changing
// from step to step (adam's m and v then differ from a plain rescaling of one gradient).
const QList<double> kGrads{
    0.5,   -1.25, 0.0,     3.0,  //
    -0.75, -0.5,  0.125,   2.5,  //
    0.25,  1.5,   -0.0625, -4.0,
};
const QList<double> kParams{1.0, -0.5, 0.25, 2.0};

}  // namespace

class TestOptimizer : public QObject {
    Q_OBJECT

  private slots:
    void names_data();
    void names();
    void unknownNames_data();
    void unknownNames();
    void defaults();
    void threeSteps_data();
    void threeSteps();
    void momentumHandValues();
    void adamFirstStepIsLrTimesSign();
    void nextScalars();
    void learningRate();
    void stateRoundTrip_data();
    void stateRoundTrip();
    void nonFiniteUpdate_data();
    void nonFiniteUpdate();
    void trainingSession_data();
    void trainingSession();
    void trainingSessionDivergedStepKeepsParameters();
};

void TestOptimizer::names_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<OptimizerKind>("kind");
    QTest::newRow("sgd") << "sgd" << OptimizerKind::Sgd;
    QTest::newRow("momentum") << "momentum" << OptimizerKind::Momentum;
    QTest::newRow("adam") << "adam" << OptimizerKind::Adam;
}

void TestOptimizer::names() {
    QFETCH(QString, name);
    QFETCH(OptimizerKind, kind);
    const std::optional<OptimizerKind> parsed = nnlens::optimizerFromName(name.toStdString());
    QVERIFY(parsed.has_value());
    QCOMPARE(*parsed, kind);
    QCOMPARE(std::string(nnlens::optimizerName(kind)), name.toStdString());
}

void TestOptimizer::unknownNames_data() {
    QTest::addColumn<QString>("name");
    QTest::newRow("empty") << "";
    QTest::newRow("upper-case") << "SGD";
    QTest::newRow("adamw") << "adamw";
    QTest::newRow("rmsprop") << "rmsprop";
    QTest::newRow("trailing-space") << "adam ";
}

void TestOptimizer::unknownNames() {
    QFETCH(QString, name);
    QVERIFY(!nnlens::optimizerFromName(name.toStdString()).has_value());
}

void TestOptimizer::defaults() {
    // Spec section 4: momentum 0.9, Adam betas 0.9 / 0.999, eps 1e-8.
    const nnlens::OptimizerConfig cfg;
    QCOMPARE(cfg.momentum, 0.9f);
    QCOMPARE(cfg.beta1, 0.9f);
    QCOMPARE(cfg.beta2, 0.999f);
    QCOMPARE(cfg.eps, 1e-8f);
}

void TestOptimizer::threeSteps_data() {
    QTest::addColumn<OptimizerKind>("kind");
    QTest::addColumn<double>("lr");
    QTest::addColumn<QList<double>>("params");
    QTest::addColumn<QList<double>>("grads");  // three steps of params.size() values
    QTest::addColumn<bool>("inPlace");

    QTest::newRow("sgd/lr-0.1") << OptimizerKind::Sgd << 0.1 << kParams << kGrads << false;
    QTest::newRow("sgd/lr-0.001/in-place")
        << OptimizerKind::Sgd << 1e-3 << kParams << kGrads << true;
    QTest::newRow("momentum/lr-0.1")
        << OptimizerKind::Momentum << 0.1 << kParams << kGrads << false;
    QTest::newRow("momentum/lr-0.01/in-place")
        << OptimizerKind::Momentum << 0.01 << kParams << kGrads << true;
    QTest::newRow("adam/lr-0.001") << OptimizerKind::Adam << 1e-3 << kParams << kGrads << false;
    QTest::newRow("adam/lr-0.1/in-place")
        << OptimizerKind::Adam << 0.1 << kParams << kGrads << true;
    // Gradients near eps: sqrt(v) / sqrt(bc2) ~ 1e-9 .. 1e-7, so eps = 1e-8 shapes the step.
    QTest::newRow("adam/lr-0.01/gradients-near-eps")
        << OptimizerKind::Adam << 0.01 << kParams
        << QList<double>{1e-9, -2e-8, 5e-8, 1e-7, 3e-9, 1e-8, -5e-8, 0.0, -1e-9, 4e-8, 5e-8, 1e-7}
        << false;
    // Large gradients: v ~ 1e6 (float keeps it exactly enough).
    QTest::newRow("adam/lr-0.01/large-gradients")
        << OptimizerKind::Adam << 0.01 << kParams
        << QList<double>{1000, -2000, 500, 30, -1000, -100, 2500, 40, 3000, 1000, -500, 50}
        << false;
}

void TestOptimizer::threeSteps() {
    QFETCH(OptimizerKind, kind);
    QFETCH(double, lr);
    QFETCH(QList<double>, params);
    QFETCH(QList<double>, grads);
    QFETCH(bool, inPlace);

    const std::size_t n = static_cast<std::size_t>(params.size());
    nnlens::Optimizer opt(configOf(kind, lr), n);
    ReferenceOptimizer ref(kind, lr, n);
    std::vector<float> p = toFloat(params);
    std::vector<double> expected = asDouble(p);
    for (int t = 0; t < 3; ++t) {
        const std::vector<float> g =
            toFloat(grads.mid(t * static_cast<qsizetype>(n), static_cast<qsizetype>(n)));
        std::vector<float> next(n, std::numeric_limits<float>::quiet_NaN());
        QVERIFY(opt.step(p.data(), g.data(), inPlace ? p.data() : next.data()));
        if (!inPlace) p = next;
        ref.step(expected, asDouble(g));
        QCOMPARE(opt.steps(), std::int64_t(t + 1));
        NNLENS_COMPARE_CLOSE(p, expected, n, kAtol, kRtol);
    }
}

void TestOptimizer::momentumHandValues() {
    // Constant gradient 1, lr 0.1, from 0: buf = 1, 1.9, 2.71; p = -0.1, -0.29, -0.561.
    nnlens::Optimizer opt(configOf(OptimizerKind::Momentum, 0.1), 1);
    float p = 0.0f;
    const float g = 1.0f;
    const double expected[] = {-0.1, -0.29, -0.561};
    const double buffers[] = {1.0, 1.9, 2.71};
    for (int t = 0; t < 3; ++t) {
        QVERIFY(opt.step(&p, &g, &p));
        NNLENS_CLOSE(p, expected[t], kAtol, kRtol);
        NNLENS_CLOSE(opt.state().m.at(0), buffers[t], kAtol, kRtol);
    }
}

void TestOptimizer::adamFirstStepIsLrTimesSign() {
    // First step: m = 0.1 g, v = 0.001 g^2, so m / bc1 = g and sqrt(v / bc2) = |g|: p -= lr g /
    // (|g| + eps).
    nnlens::Optimizer opt(configOf(OptimizerKind::Adam, 0.01), 3);
    const float p[] = {1.0f, 1.0f, 1.0f};
    const float g[] = {2.0f, -1e-3f, 0.0f};
    float out[3];
    QVERIFY(opt.step(p, g, out));
    const double expected[] = {1.0 - 0.01 * 2.0 / (2.0 + 1e-8), 1.0 + 0.01 * 1e-3 / (1e-3 + 1e-8),
                               1.0};
    NNLENS_COMPARE_CLOSE(out, expected, 3, kAtol, kRtol);
}

void TestOptimizer::nextScalars() {
    nnlens::Optimizer adam(configOf(OptimizerKind::Adam, 0.01), 1);
    nnlens::Optimizer momentum(configOf(OptimizerKind::Momentum, 0.01), 1);
    float p = 1.0f;
    const float g = 0.5f;
    for (int t = 1; t <= 3; ++t) {
        const nnlens::OptimizerStepScalars a = adam.nextScalars();
        NNLENS_CLOSE(a.lr, 0.01, 1e-9, 1e-6);
        NNLENS_CLOSE(a.stepSize, 0.01 / (1.0 - std::pow(0.9, t)), 0.0, 1e-6);
        NNLENS_CLOSE(a.biasCorrection2Sqrt, std::sqrt(1.0 - std::pow(0.999, t)), 0.0, 2e-5);
        QCOMPARE(momentum.nextScalars().firstStep, t == 1);
        QVERIFY(adam.step(&p, &g, &p));
        QVERIFY(momentum.step(&p, &g, &p));
    }
}

void TestOptimizer::learningRate() {
    // The seed's get_lr / set_lr.
    nnlens::Optimizer opt(configOf(OptimizerKind::Sgd, 0.1), 2);
    QCOMPARE(opt.learningRate(), 0.1f);
    opt.setLearningRate(0.05f);
    QCOMPARE(opt.learningRate(), 0.05f);
    QCOMPARE(opt.config().lr, 0.05f);
    QCOMPARE(opt.state().lr, 0.05f);
    const float p[] = {1.0f, -2.0f};
    const float g[] = {4.0f, -8.0f};
    float out[2];
    QVERIFY(opt.step(p, g, out));
    const double expected[] = {1.0 - 0.05 * 4.0, -2.0 + 0.05 * 8.0};  // the new rate is used
    NNLENS_COMPARE_CLOSE(out, expected, 2, kAtol, kRtol);

    // Momentum: changing the rate between steps scales only the later steps (p -= lr_t buf_t).
    nnlens::Optimizer mom(configOf(OptimizerKind::Momentum, 0.1), 1);
    float q = 0.0f;
    const float one = 1.0f;
    QVERIFY(mom.step(&q, &one, &q));  // buf 1, q = -0.1
    mom.setLearningRate(0.01f);
    QVERIFY(mom.step(&q, &one, &q));  // buf 1.9, q = -0.1 - 0.019
    NNLENS_CLOSE(q, -0.119, kAtol, kRtol);
}

void TestOptimizer::stateRoundTrip_data() {
    QTest::addColumn<OptimizerKind>("kind");
    QTest::newRow("sgd") << OptimizerKind::Sgd;
    QTest::newRow("momentum") << OptimizerKind::Momentum;
    QTest::newRow("adam") << OptimizerKind::Adam;
}

void TestOptimizer::stateRoundTrip() {
    QFETCH(OptimizerKind, kind);
    constexpr std::size_t n = 4;
    const std::vector<float> g0 = toFloat(kGrads.mid(0, 4));
    const std::vector<float> g1 = toFloat(kGrads.mid(4, 4));
    const std::vector<float> g2 = toFloat(kGrads.mid(8, 4));

    nnlens::Optimizer a(configOf(kind, 0.05), n);
    std::vector<float> p = toFloat(kParams);
    QVERIFY(a.step(p.data(), g0.data(), p.data()));
    QVERIFY(a.step(p.data(), g1.data(), p.data()));
    const nnlens::Optimizer::State saved = a.state();
    QCOMPARE(saved.steps, std::int64_t(2));
    QCOMPARE(saved.lr, 0.05f);

    // A fresh optimizer given the state takes exactly the same next step.
    nnlens::Optimizer b(configOf(kind, 0.5), n);  // another rate: setState restores the saved one
    b.setState(saved);
    QCOMPARE(b.steps(), std::int64_t(2));
    QCOMPARE(b.learningRate(), 0.05f);
    std::vector<float> fromA(n);
    std::vector<float> fromB(n);
    QVERIFY(a.step(p.data(), g2.data(), fromA.data()));
    QVERIFY(b.step(p.data(), g2.data(), fromB.data()));
    for (std::size_t i = 0; i < n; ++i)
        QCOMPARE(fromB[i], fromA[i]);  // bit for bit

    // Restoring the same optimizer (the lr scan's save / restore) repeats the step bit for bit.
    a.setLearningRate(0.2f);
    a.setState(saved);
    std::vector<float> again(n);
    QVERIFY(a.step(p.data(), g2.data(), again.data()));
    for (std::size_t i = 0; i < n; ++i)
        QCOMPARE(again[i], fromA[i]);
    QCOMPARE(a.steps(), std::int64_t(3));
}

void TestOptimizer::nonFiniteUpdate_data() {
    QTest::addColumn<OptimizerKind>("kind");
    QTest::addColumn<double>("lr");
    QTest::addColumn<float>("param");
    QTest::addColumn<float>("grad");
    QTest::addColumn<bool>("finite");

    const float inf = std::numeric_limits<float>::infinity();
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const OptimizerKind kinds[] = {OptimizerKind::Sgd, OptimizerKind::Momentum,
                                   OptimizerKind::Adam};
    for (OptimizerKind kind : kinds) {
        const QString k =
            QString::fromLatin1(nnlens::optimizerName(kind).data(),
                                static_cast<qsizetype>(nnlens::optimizerName(kind).size()));
        QTest::newRow(qPrintable(k + "/finite-gradient")) << kind << 0.1 << 1.0f << 0.5f << true;
        QTest::newRow(qPrintable(k + "/gradient-inf")) << kind << 0.1 << 1.0f << inf << false;
        QTest::newRow(qPrintable(k + "/gradient-minus-inf"))
            << kind << 0.1 << 1.0f << -inf << false;
        QTest::newRow(qPrintable(k + "/gradient-nan")) << kind << 0.1 << 1.0f << nan << false;
        // An update that overflows float. sgd and momentum: 3e38 - 10 (-3e38). Adam moves each
        // parameter by about lr on its first step, so the rate overflows it: 3.3e38 + 2e37
        // (lr / bc1 = 2e38 itself is still finite).
        if (kind == OptimizerKind::Adam) {
            QTest::newRow(qPrintable(k + "/update-overflows"))
                << kind << 2e37 << 3.3e38f << -1.0f << false;
        } else {
            QTest::newRow(qPrintable(k + "/update-overflows"))
                << kind << 10.0 << 3e38f << -3e38f << false;
        }
    }
}

void TestOptimizer::nonFiniteUpdate() {
    QFETCH(OptimizerKind, kind);
    QFETCH(double, lr);
    QFETCH(float, param);
    QFETCH(float, grad);
    QFETCH(bool, finite);
    nnlens::Optimizer opt(configOf(kind, lr), 2);
    // One well-behaved parameter next to the one under test: a single bad element is enough.
    const float p[] = {0.5f, param};
    const float g[] = {0.25f, grad};
    float out[2];
    QCOMPARE(opt.step(p, g, out), finite);
    QVERIFY(std::isfinite(out[0]));
}

// End to end through CpuBackend::startTraining: y = w x + b, one linear unit, mse, full batch.
void TestOptimizer::trainingSession_data() {
    QTest::addColumn<OptimizerKind>("kind");
    QTest::newRow("sgd") << OptimizerKind::Sgd;
    QTest::newRow("momentum") << OptimizerKind::Momentum;
    QTest::newRow("adam") << OptimizerKind::Adam;
}

void TestOptimizer::trainingSession() {
    QFETCH(OptimizerKind, kind);
    nnlens::Network net;
    net.inputs = 1;
    nnlens::Layer layer;
    layer.W = nnlens::Matrix::Constant(1, 1, 0.5f);
    layer.b = nnlens::Vector::Constant(1, -0.25f);
    layer.activation = nnlens::Activation::Linear;
    net.layers.push_back(layer);

    nnlens::Dataset data;
    data.x.resize(3, 1);
    data.x << 1.0f, 2.0f, 3.0f;
    data.y.resize(3, 1);
    data.y << 2.0f, 3.0f, 5.0f;
    const double xs[] = {1, 2, 3};
    const double ys[] = {2, 3, 5};

    constexpr double lr = 0.1;
    nnlens::CpuBackend backend;
    const std::unique_ptr<nnlens::TrainingSession> session = backend.startTraining(
        net, data, {nnlens::Loss::Mse, nnlens::Reduction::Mean}, configOf(kind, lr));
    QCOMPARE(session->learningRate(), 0.1f);
    const std::vector<int> rows{0, 1, 2};

    // L = mean (w x + b - y)^2; dL/dw = 2/N sum r x, dL/db = 2/N sum r.
    std::vector<double> wb{0.5, -0.25};
    ReferenceOptimizer ref(kind, lr, 2);
    for (int t = 0; t < 2; ++t) {
        double loss = 0.0;
        double gw = 0.0;
        double gb = 0.0;
        for (int i = 0; i < 3; ++i) {
            const double r = wb[0] * xs[i] + wb[1] - ys[i];
            loss += r * r / 3.0;
            gw += 2.0 * r * xs[i] / 3.0;
            gb += 2.0 * r / 3.0;
        }
        const nnlens::TrainingSession::StepResult result = session->step(rows);
        QVERIFY(result.ok);
        NNLENS_CLOSE(result.loss, loss, 1e-6, 1e-6);  // the loss before the update
        ref.step(wb, {gw, gb});
        const nnlens::Network now = session->network();
        QCOMPARE(now.layers.size(), std::size_t(1));
        NNLENS_CLOSE(now.layers[0].W(0, 0), wb[0], kAtol, kRtol);
        NNLENS_CLOSE(now.layers[0].b(0), wb[1], kAtol, kRtol);
    }

    if (kind == OptimizerKind::Sgd) {
        // By hand, in fractions: r = (-7/4, -9/4, -15/4), gw = -35/3, gb = -31/6, so w1 = 5/3 and
        // b1 = 4/15 (loss 22.1875 / 3); then r = (-1/15, 9/15, 4/15), gw = 58/45, gb = 8/15, so
        // w2 = 5/3 - 5.8/45 = 1.5377777..., b2 = 4/15 - 0.8/15 = 0.2133333... (loss 98/675), after
        // which the loss is 8882/151875.
        const nnlens::Network now = session->network();
        NNLENS_CLOSE(now.layers[0].W(0, 0), 69.2 / 45.0, kAtol, kRtol);
        NNLENS_CLOSE(now.layers[0].b(0), 3.2 / 15.0, kAtol, kRtol);
        NNLENS_CLOSE(session->evaluate(rows), 8882.0 / 151875.0, 1e-6, 1e-5);  // no update
    }
}

void TestOptimizer::trainingSessionDivergedStepKeepsParameters() {
    // x = 1e19: the loss (2.5e37) and the gradient (dL/dw = 1e38) are finite, but sgd with lr 10
    // overflows w. The step reports failure and the parameters stay as they were.
    nnlens::Network net;
    net.inputs = 1;
    nnlens::Layer layer;
    layer.W = nnlens::Matrix::Constant(1, 1, 0.5f);
    layer.b = nnlens::Vector::Constant(1, 0.0f);
    layer.activation = nnlens::Activation::Linear;
    net.layers.push_back(layer);
    nnlens::Dataset data;
    data.x = nnlens::Matrix::Constant(1, 1, 1e19f);
    data.y = nnlens::Matrix::Zero(1, 1);

    nnlens::CpuBackend backend;
    const auto session =
        backend.startTraining(net, data, {nnlens::Loss::Mse, nnlens::Reduction::Mean},
                              configOf(OptimizerKind::Sgd, 10.0));
    const std::vector<int> rows{0};
    const nnlens::TrainingSession::StepResult result = session->step(rows);
    QVERIFY(!result.ok);
    NNLENS_CLOSE(result.loss, 2.5e37, 0.0, 1e-6);
    const nnlens::Network now = session->network();
    QCOMPARE(now.layers[0].W(0, 0), 0.5f);
    QCOMPARE(now.layers[0].b(0), 0.0f);
}

QTEST_GUILESS_MAIN(TestOptimizer)
#include "tst_optimizer.moc"
