// Tests for the data-flow trace (spec section 8): the module split, every module's tensors and
// gradients against a double-precision reference, the loss scale, zero targets, the statistics
// against brute force, PyTorch's default initialisation and the normal data set.
#include <QString>
#include <QStringList>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "compare.hpp"
#include "core/dataset.hpp"
#include "core/error.hpp"
#include "core/network_io.hpp"
#include "core/trace.hpp"
#include "fd_reference.hpp"
#include "reference.hpp"

using nnlens::Activation;
using nnlens::Dataset;
using nnlens::Loss;
using nnlens::LossConfig;
using nnlens::Matrix;
using nnlens::ModuleTrace;
using nnlens::Network;
using nnlens::Reduction;
using nnlens::TensorSummary;
using nnlens::TraceConfig;

namespace {

namespace fd = nnlens::test::fd;

// Tolerances of the spec's reference semantics: forward values, then gradients (fd_reference's
// tighter ones are used where the reference is finite differences).
constexpr double kAtol = 1e-5;
constexpr double kRtolForward = 1e-4;

Activation activation(const QString& name) {
    return *nnlens::activationFromName(name.toStdString());
}

// "8,4,3,2" and "relu,relu,linear" as a network (PyTorch's initialisation, seed 1).
Network network(const QString& layers, const QString& activations, std::uint64_t seed = 1) {
    const QStringList sizes = layers.split(',');
    const QStringList names = activations.split(',');
    std::vector<nnlens::LayerSpec> specs;
    for (int i = 1; i < sizes.size(); ++i)
        specs.push_back({sizes[i].toInt(), activation(names[i - 1])});
    return Network::initialized(sizes[0].toInt(), specs, seed);
}

// Brute-force statistics in long double, two passes.
struct Brute {
    double mean;
    double std;
};
Brute brute(const float* v, std::int64_t n) {
    long double sum = 0.0L;
    for (std::int64_t i = 0; i < n; ++i)
        sum += v[i];
    const long double mean = sum / n;
    long double sq = 0.0L;
    for (std::int64_t i = 0; i < n; ++i)
        sq += (v[i] - mean) * (v[i] - mean);
    return {static_cast<double>(mean), static_cast<double>(std::sqrt(sq / n))};
}

// Checks one summary against brute force over the same values; returns an empty string when it
// agrees, else what differs.
std::string checkSummary(const TensorSummary& s, const float* v, std::int64_t n, int bins) {
    const Brute b = brute(v, n);
    const nnlens::test::BruteHistogram h = nnlens::test::numpyHistogram(v, n, bins);
    const double scale = std::max(std::fabs(b.mean), b.std);
    if (!nnlens::test::closeScalar(s.mean, b.mean, 1e-13 * scale + 1e-300, 1e-12))
        return "mean " + std::to_string(s.mean) + " != " + std::to_string(b.mean);
    if (!nnlens::test::closeScalar(s.std, b.std, 1e-13 * scale + 1e-300, 1e-10))
        return "std " + std::to_string(s.std) + " != " + std::to_string(b.std);
    const float* lo = std::min_element(v, v + n);
    const float* hi = std::max_element(v, v + n);
    if (s.min != *lo || s.max != *hi) return "min or max differs";
    if (s.hist.min != h.min || s.hist.max != h.max) return "histogram range differs";
    if (s.hist.counts != h.counts) return "histogram counts differ";
    const std::vector<double> edges = s.edges();
    if (edges.size() != static_cast<std::size_t>(bins) + 1 || edges.front() != h.min ||
        edges.back() != h.max) {
        return "edges differ";
    }
    return {};
}

// The reference's tensors of module m of a network split as splitModules() does.
struct RefModule {
    fd::MatD in, out, grad, dW, db;
};

}  // namespace

class TestTrace : public QObject {
    Q_OBJECT

  private slots:
    void splitModules_data();
    void splitModules();
    void gradients_data();
    void gradients();
    void lossScale_data();
    void lossScale();
    void zeroTargets_data();
    void zeroTargets();
    void summary_data();
    void summary();
    void traceSummaries_data();
    void traceSummaries();
    void refusals_data();
    void refusals();
    void initialization_data();
    void initialization();
    void statisticalPreset();
    void normalData_data();
    void normalData();
};

// ---- the module split -------------------------------------------------------------------------

void TestTrace::splitModules_data() {
    QTest::addColumn<QString>("layers");
    QTest::addColumn<QString>("activations");
    QTest::addColumn<QStringList>("kinds");
    QTest::addColumn<QList<int>>("layerOf");

    // The seed's PyTorch primer: Linear, ReLU, Linear, ReLU, Linear (modules 0..4).
    QTest::newRow("8-4-3-2 relu relu linear")
        << "8,4,3,2"
        << "relu,relu,linear" << QStringList{"linear", "relu", "linear", "relu", "linear"}
        << QList<int>{0, 0, 1, 1, 2};
    QTest::newRow("100-200-100-10 tanh relu linear")
        << "100,200,100,10"
        << "tanh,relu,linear" << QStringList{"linear", "tanh", "linear", "relu", "linear"}
        << QList<int>{0, 0, 1, 1, 2};
    QTest::newRow("softmax output is an activation module")
        << "2,3,4"
        << "tanh,softmax" << QStringList{"linear", "tanh", "linear", "softmax"}
        << QList<int>{0, 0, 1, 1};
    QTest::newRow("linear hidden layers add no module")
        << "3,5,4,1"
        << "linear,linear,sigmoid" << QStringList{"linear", "linear", "linear", "sigmoid"}
        << QList<int>{0, 1, 2, 2};
    QTest::newRow("one linear layer, one module")
        << "2,1"
        << "linear" << QStringList{"linear"} << QList<int>{0};
    QTest::newRow("every layer activated")
        << "2,3,3,1"
        << "gelu,leaky_relu,silu"
        << QStringList{"linear", "gelu", "linear", "leaky_relu", "linear", "silu"}
        << QList<int>{0, 0, 1, 1, 2, 2};
}

void TestTrace::splitModules() {
    QFETCH(QString, layers);
    QFETCH(QString, activations);
    QFETCH(QStringList, kinds);
    QFETCH(QList<int>, layerOf);
    const Network net = network(layers, activations);
    const std::vector<nnlens::Module> modules = nnlens::splitModules(net);
    QStringList got;
    QList<int> gotLayers;
    for (const nnlens::Module& m : modules) {
        got << QString::fromUtf8(m.kind().data(), static_cast<int>(m.kind().size()));
        gotLayers << m.layer;
        QCOMPARE(m.linear, m.kind() == "linear");
    }
    QCOMPARE(got, kinds);
    QCOMPARE(gotLayers, layerOf);

    // The tensors chain: module 0 takes the data, each module's output is the next one's input
    // (the seed's torch.equal(net[0].output, net[1].input)), the last one's is the network's.
    Matrix x(7, net.inputs);
    for (Eigen::Index i = 0; i < x.size(); ++i)
        x.data()[i] = static_cast<float>(std::sin(0.7 * static_cast<double>(i)));
    Dataset data;
    data.x = x;
    const ModuleTrace t = nnlens::traceModules(net, data, {});
    QCOMPARE(t.size(), kinds.size());
    QVERIFY(t.input(0) == x);
    for (int m = 0; m + 1 < t.size(); ++m)
        QCOMPARE(&t.input(m + 1), &t.output(m));
    QVERIFY(t.output(t.size() - 1) == t.forward.output());
    QVERIFY(!t.loss());
    for (int m = 0; m < t.size(); ++m) {
        QVERIFY(t.grad(m) == nullptr);
        QVERIFY(t.weightGrad(m) == nullptr);
        QCOMPARE(t.weight(m) != nullptr, modules[static_cast<std::size_t>(m)].linear);
        QCOMPARE(t.input(m).rows(), Eigen::Index(7));
        const auto& s = t.summaries[static_cast<std::size_t>(m)];
        QVERIFY(!s.grad && !s.weightGrad && !s.biasGrad);
        QCOMPARE(s.weight.has_value(), modules[static_cast<std::size_t>(m)].linear);
    }
}

// ---- gradients against the double-precision reference ------------------------------------------

void TestTrace::gradients_data() {
    QTest::addColumn<QString>("hidden");
    QTest::addColumn<QString>("last");
    QTest::addColumn<QString>("loss");
    QTest::addColumn<QString>("reduction");
    QTest::addColumn<double>("scale");

    QTest::newRow("tanh/linear/mse/mean") << "tanh"
                                          << "linear"
                                          << "mse"
                                          << "mean" << 1.0;
    QTest::newRow("tanh/linear/mse/mean x100") << "tanh"
                                               << "linear"
                                               << "mse"
                                               << "mean" << 100.0;
    QTest::newRow("relu/linear/mse/mean") << "relu"
                                          << "linear"
                                          << "mse"
                                          << "mean" << 1.0;
    QTest::newRow("relu/relu/l2/sum x0.25") << "relu"
                                            << "relu"
                                            << "l2"
                                            << "sum" << 0.25;
    QTest::newRow("sigmoid/softmax/ce/mean") << "sigmoid"
                                             << "softmax"
                                             << "ce"
                                             << "mean" << 1.0;
    QTest::newRow("softplus/linear/ce/sum x100") << "softplus"
                                                 << "linear"
                                                 << "ce"
                                                 << "sum" << 100.0;
    QTest::newRow("elu/sigmoid/bce/mean") << "elu"
                                          << "sigmoid"
                                          << "bce"
                                          << "mean" << 1.0;
    QTest::newRow("softsign/linear/chi2/sum") << "softsign"
                                              << "linear"
                                              << "chi2"
                                              << "sum" << 1.0;
    QTest::newRow("gelu/gelu/bce_logits/mean x3") << "gelu"
                                                  << "gelu"
                                                  << "bce_logits"
                                                  << "mean" << 3.0;
    QTest::newRow("linear/linear/mse/sum") << "linear"
                                           << "linear"
                                           << "mse"
                                           << "sum" << 1.0;
    QTest::newRow("silu/tanh/l2/mean") << "silu"
                                       << "tanh"
                                       << "l2"
                                       << "mean" << 1.0;
}

// Every module's input, output and gradient, and every Linear module's dW and db, against the
// double-precision network and central finite differences of K L (fd_reference.hpp).
void TestTrace::gradients() {
    QFETCH(QString, hidden);
    QFETCH(QString, last);
    QFETCH(QString, loss);
    QFETCH(QString, reduction);
    QFETCH(double, scale);

    const Dataset data = fd::makeData();
    Network net;
    QVERIFY(fd::makeNetwork(activation(hidden), activation(last), data, 7, &net));
    const LossConfig cfg{*nnlens::lossFromName(loss.toStdString()),
                         *nnlens::reductionFromName(reduction.toStdString())};
    TraceConfig tc;
    tc.loss = cfg;
    tc.lossScale = static_cast<float>(scale);
    tc.bins = 5;
    const ModuleTrace t = nnlens::traceModules(net, data, tc);

    fd::Problem p;
    p.net = fd::toDouble(net);
    p.data = fd::toDouble(data);
    p.loss = cfg.loss;
    p.reduction = cfg.reduction;
    const auto ref = p.trace();
    const auto g = fd::finiteDifferenceGradients(p);

    // The reference split into modules by hand: Linear (in -> s), then the activation (s -> out)
    // unless it is linear.
    std::vector<RefModule> modules;
    for (std::size_t l = 0; l < p.net.size(); ++l) {
        const fd::MatD& in = l == 0 ? p.data.x : ref[l - 1].second;
        const bool act = p.net[l].a != Activation::Linear;
        // A Linear module whose activation is linear outputs out = s, with gradient dOut = dS.
        modules.push_back({in, ref[l].first, act ? g[l].dS : g[l].dOut, g[l].dW, g[l].db});
        if (act) modules.push_back({ref[l].first, ref[l].second, g[l].dOut, {}, {}});
    }
    QCOMPARE(t.size(), static_cast<int>(modules.size()));
    NNLENS_CLOSE(*t.loss(), scale * p.loss0(), fd::kGradAtol * scale, fd::kGradRtol);

    const double atol = fd::kGradAtol * scale;
    for (int m = 0; m < t.size(); ++m) {
        const RefModule& r = modules[static_cast<std::size_t>(m)];
        const QByteArray where = "module " + QByteArray::number(m);
        QVERIFY2(t.input(m).rows() == r.in.rows() && t.input(m).cols() == r.in.cols(), where);
        QVERIFY2(t.output(m).rows() == r.out.rows() && t.output(m).cols() == r.out.cols(), where);
        NNLENS_COMPARE_CLOSE(t.input(m).data(), r.in.data(), r.in.size(), kAtol, kRtolForward);
        NNLENS_COMPARE_CLOSE(t.output(m).data(), r.out.data(), r.out.size(), kAtol, kRtolForward);
        const fd::MatD grad = scale * r.grad;
        QVERIFY2(t.grad(m) && t.grad(m)->size() == grad.size(), where);
        NNLENS_COMPARE_CLOSE(t.grad(m)->data(), grad.data(), grad.size(), atol, fd::kGradRtol);
        if (r.dW.size() == 0) {
            QVERIFY2(!t.weightGrad(m) && !t.biasGrad(m) && !t.weight(m), where);
            continue;
        }
        const fd::MatD dW = scale * r.dW;
        const fd::MatD db = scale * r.db;
        QVERIFY2(t.weightGrad(m)->rows() == dW.rows() && t.weightGrad(m)->cols() == dW.cols(),
                 where);
        NNLENS_COMPARE_CLOSE(t.weightGrad(m)->data(), dW.data(), dW.size(), atol, fd::kGradRtol);
        NNLENS_COMPARE_CLOSE(t.biasGrad(m)->data(), db.data(), db.size(), atol, fd::kGradRtol);
        const auto& layer = net.layers[static_cast<std::size_t>(t.modules[std::size_t(m)].layer)];
        QVERIFY2(*t.weight(m) == layer.W && *t.bias(m) == layer.b, where);
    }
}

// ---- the loss scale ---------------------------------------------------------------------------

void TestTrace::lossScale_data() {
    QTest::addColumn<QString>("loss");
    QTest::addColumn<double>("scale");
    QTest::newRow("mse x100 (the seed's example)") << "mse" << 100.0;
    QTest::newRow("mse x0.01") << "mse" << 0.01;
    QTest::newRow("ce x1000") << "ce" << 1000.0;
    QTest::newRow("l2 x7") << "l2" << 7.0;
}

// The seed's 100 * torch.mean(Xout ** 2) on the statistical network: every gradient is K times
// the unscaled one, to float rounding, and the summaries follow.
void TestTrace::lossScale() {
    QFETCH(QString, loss);
    QFETCH(double, scale);
    const Network net = network("100,200,100,10", "tanh,relu,linear", 123);
    const Dataset data = nnlens::normalDataset(60, 100, 5);
    TraceConfig one;
    one.loss = LossConfig{*nnlens::lossFromName(loss.toStdString()), Reduction::Mean};
    TraceConfig k = one;
    k.lossScale = static_cast<float>(scale);
    const ModuleTrace a = nnlens::traceModules(net, data, one);
    const ModuleTrace b = nnlens::traceModules(net, data, k);
    NNLENS_CLOSE(*b.loss(), scale * *a.loss(), 0.0, 1e-6);

    const auto compareScaled = [scale](const float* got, const float* base, Eigen::Index n) {
        double largest = 0.0;
        for (Eigen::Index i = 0; i < n; ++i)
            largest = std::max(largest, std::fabs(static_cast<double>(base[i])));
        std::vector<double> expected(static_cast<std::size_t>(n));
        for (Eigen::Index i = 0; i < n; ++i)
            expected[static_cast<std::size_t>(i)] = scale * base[i];
        // Float rounding of the chain rule, relative to the tensor's size (sums that cancel).
        return nnlens::test::firstMismatch(got, expected, static_cast<std::size_t>(n),
                                           1e-5 * scale * largest, 1e-5);
    };
    for (int m = 0; m < a.size(); ++m) {
        std::string bad = compareScaled(b.grad(m)->data(), a.grad(m)->data(), a.grad(m)->size());
        QVERIFY2(bad.empty(), ("module " + std::to_string(m) + " grad: " + bad).c_str());
        // The forward tensors do not move.
        QVERIFY(a.output(m) == b.output(m));
        if (!a.modules[static_cast<std::size_t>(m)].linear) continue;
        bad = compareScaled(b.weightGrad(m)->data(), a.weightGrad(m)->data(),
                            a.weightGrad(m)->size());
        QVERIFY2(bad.empty(), ("module " + std::to_string(m) + " weight_grad: " + bad).c_str());
        bad = compareScaled(b.biasGrad(m)->data(), a.biasGrad(m)->data(), a.biasGrad(m)->size());
        QVERIFY2(bad.empty(), ("module " + std::to_string(m) + " bias_grad: " + bad).c_str());
        const TensorSummary& sa = *a.summaries[static_cast<std::size_t>(m)].weightGrad;
        const TensorSummary& sb = *b.summaries[static_cast<std::size_t>(m)].weightGrad;
        NNLENS_CLOSE(sb.std, scale * sa.std, 0.0, 1e-4);
        NNLENS_CLOSE(sb.max, scale * sa.max, 0.0, 1e-4);
    }
}

// ---- zero targets -----------------------------------------------------------------------------

void TestTrace::zeroTargets_data() {
    QTest::addColumn<QString>("loss");
    QTest::newRow("mse is mean(Xout ** 2)") << "mse";
    QTest::newRow("l2 against zeros") << "l2";
    QTest::newRow("ce against class 0") << "ce";
}

// Data without target columns: the loss compares the output with zeros (ce: class 0). The
// reference is the double network with zero targets written in, and its finite differences.
void TestTrace::zeroTargets() {
    QFETCH(QString, loss);
    const Network net = network("3,5,2", "tanh,linear", 3);
    const Dataset data = nnlens::normalDataset(6, 3, 9);
    QCOMPARE(data.targets(), 0);
    QVERIFY(!data.hasLabels());
    TraceConfig tc;
    tc.loss = LossConfig{*nnlens::lossFromName(loss.toStdString()), Reduction::Mean};
    const ModuleTrace t = nnlens::traceModules(net, data, tc);

    fd::Problem p;
    p.net = fd::toDouble(net);
    p.data = fd::toDouble(data);
    p.data.y = fd::MatD::Zero(6, 2);
    p.data.labels.assign(6, 0);
    p.loss = tc.loss->loss;
    const auto out = p.trace().back().second;
    if (loss == "mse") NNLENS_CLOSE(*t.loss(), out.array().square().mean(), 1e-7, 1e-5);
    NNLENS_CLOSE(*t.loss(), p.loss0(), 1e-7, 1e-5);
    const auto g = fd::finiteDifferenceGradients(p);
    // Modules: Linear 0, tanh 1, Linear 2 (linear output).
    QCOMPARE(t.size(), 3);
    NNLENS_COMPARE_CLOSE(t.grad(2)->data(), g[1].dOut.data(), g[1].dOut.size(), fd::kGradAtol,
                         fd::kGradRtol);
    NNLENS_COMPARE_CLOSE(t.grad(1)->data(), g[0].dOut.data(), g[0].dOut.size(), fd::kGradAtol,
                         fd::kGradRtol);
    NNLENS_COMPARE_CLOSE(t.weightGrad(0)->data(), g[0].dW.data(), g[0].dW.size(), fd::kGradAtol,
                         fd::kGradRtol);

    // withZeroTargets leaves data that has targets alone.
    Dataset withY = data;
    withY.y = Matrix::Constant(6, 2, 0.5f);
    QVERIFY(nnlens::withZeroTargets(net, withY, *tc.loss).y == withY.y);
}

// ---- statistics -------------------------------------------------------------------------------

void TestTrace::summary_data() {
    QTest::addColumn<QString>("values");
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("bins");
    QTest::newRow("normal, 50 bins") << "normal" << 20000 << 50;
    QTest::newRow("normal, 1 bin") << "normal" << 1000 << 1;
    QTest::newRow("normal, 1024 bins") << "normal" << 5000 << 1024;
    QTest::newRow("constant (min = max)") << "constant" << 100 << 50;
    QTest::newRow("one value") << "constant" << 1 << 7;
    QTest::newRow("far from zero (1e4 + small noise)") << "offset" << 3001 << 50;
    QTest::newRow("integers on the edges") << "integers" << 1000 << 10;
    QTest::newRow("relu output (a pile at zero)") << "relu" << 4999 << 50;
    QTest::newRow("tiny gradients (1e-30)") << "tiny" << 777 << 50;
}

float value(const QString& kind, int i) {
    const double u = std::sin(12.9898 * i + 78.233) * 43758.5453;
    const double r = u - std::floor(u);  // a scrambled value in [0, 1)
    if (kind == "constant") return 3.5f;
    if (kind == "offset") return static_cast<float>(1e4 + 1e-2 * (r - 0.5));
    if (kind == "integers") return static_cast<float>(i % 11);
    if (kind == "tiny") return static_cast<float>(1e-30 * (r - 0.3));
    const double n = std::sqrt(-2.0 * std::log(1.0 - r)) * std::cos(2.0 * M_PI * std::sin(i));
    if (kind == "relu") return static_cast<float>(std::max(n, 0.0));
    return static_cast<float>(n);
}

void TestTrace::summary() {
    QFETCH(QString, values);
    QFETCH(int, count);
    QFETCH(int, bins);
    std::vector<float> v(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i)
        v[static_cast<std::size_t>(i)] = value(values, i);
    const TensorSummary s = nnlens::summarize(v.data(), count, bins);
    const std::string bad = checkSummary(s, v.data(), count, bins);
    QVERIFY2(bad.empty(), bad.c_str());
    if (values == "constant") {
        QCOMPARE(s.std, 0.0);
        QCOMPARE(s.hist.min, 3.0);  // numpy: [v - 0.5, v + 0.5]
        QCOMPARE(s.hist.max, 4.0);
    }
    std::int64_t total = 0;
    for (const std::int64_t c : s.hist.counts)
        total += c;
    QCOMPARE(total, static_cast<std::int64_t>(count));

    // A NaN and an infinity: left out of min, max and the histogram; the mean is no number.
    v.push_back(std::numeric_limits<float>::quiet_NaN());
    v.push_back(std::numeric_limits<float>::infinity());
    const TensorSummary n = nnlens::summarize(v.data(), count + 2, bins);
    QVERIFY(!std::isfinite(n.mean));
    QCOMPARE(n.min, s.min);
    QCOMPARE(n.max, s.max);
    QCOMPARE(n.hist.counts, s.hist.counts);
}

void TestTrace::traceSummaries_data() {
    QTest::addColumn<QString>("layers");
    QTest::addColumn<QString>("activations");
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("bins");
    QTest::newRow("100-200-100-10, N 40, 50 bins") << "100,200,100,10"
                                                   << "tanh,relu,linear" << 40 << 50;
    QTest::newRow("8-4-3-2, N 100, 13 bins") << "8,4,3,2"
                                             << "relu,relu,linear" << 100 << 13;
    QTest::newRow("2-3-3 softmax, N 9, 1 bin") << "2,3,3"
                                               << "sigmoid,softmax" << 9 << 1;
}

// Every summary of a trace (in, out, grad, W, b, dW, db of every module) against brute force
// over the tensor it names.
void TestTrace::traceSummaries() {
    QFETCH(QString, layers);
    QFETCH(QString, activations);
    QFETCH(int, rows);
    QFETCH(int, bins);
    const Network net = network(layers, activations, 4);
    const Dataset data = nnlens::normalDataset(rows, net.inputs, 2);
    TraceConfig tc;
    tc.loss = LossConfig{Loss::Mse, Reduction::Mean};
    tc.bins = bins;
    const ModuleTrace t = nnlens::traceModules(net, data, tc);
    QCOMPARE(t.summaries.size(), t.modules.size());
    auto check = [bins](const std::optional<TensorSummary>& s, const float* v, Eigen::Index n,
                        const std::string& what) {
        if (!s) return what + ": missing";
        const std::string bad = checkSummary(*s, v, n, bins);
        return bad.empty() ? bad : what + ": " + bad;
    };
    for (int m = 0; m < t.size(); ++m) {
        const auto& s = t.summaries[static_cast<std::size_t>(m)];
        const std::string at = "module " + std::to_string(m) + " ";
        std::vector<std::string> bad = {
            check(s.in, t.input(m).data(), t.input(m).size(), at + "in"),
            check(s.out, t.output(m).data(), t.output(m).size(), at + "out"),
            check(s.grad, t.grad(m)->data(), t.grad(m)->size(), at + "grad")};
        if (t.modules[static_cast<std::size_t>(m)].linear) {
            bad.push_back(check(s.weight, t.weight(m)->data(), t.weight(m)->size(), at + "W"));
            bad.push_back(check(s.bias, t.bias(m)->data(), t.bias(m)->size(), at + "b"));
            bad.push_back(
                check(s.weightGrad, t.weightGrad(m)->data(), t.weightGrad(m)->size(), at + "dW"));
            bad.push_back(
                check(s.biasGrad, t.biasGrad(m)->data(), t.biasGrad(m)->size(), at + "db"));
        } else {
            QVERIFY(!s.weight && !s.bias && !s.weightGrad && !s.biasGrad);
        }
        for (const std::string& b : bad)
            QVERIFY2(b.empty(), b.c_str());
    }
}

// ---- refusals ---------------------------------------------------------------------------------

void TestTrace::refusals_data() {
    QTest::addColumn<int>("dataInputs");
    QTest::addColumn<QString>("loss");
    QTest::addColumn<int>("bins");
    QTest::addColumn<double>("scale");
    QTest::addColumn<QString>("message");
    QTest::newRow("data width")
        << 3 << "" << 50 << 1.0
        << "d.csv: has 3 input columns (x1..) but the network takes 8 inputs";
    QTest::newRow("data width with a loss")
        << 9 << "mse" << 50 << 1.0
        << "d.csv: has 9 input columns (x1..) but the network takes 8 inputs";
    QTest::newRow("bins 0") << 8 << "" << 0 << 1.0 << "bins must be from 1 to 1024, not 0";
    QTest::newRow("bins 1025") << 8 << "mse" << 1025 << 1.0
                               << "bins must be from 1 to 1024, not 1025";
    QTest::newRow("infinite scale")
        << 8 << "mse" << 50 << HUGE_VAL << "the loss scale must be a finite number";
    QTest::newRow("chi2 without sigma")
        << 8 << "chi2" << 50 << 1.0
        << "d.csv: loss chi2 needs the target uncertainty (column \"sigma\" or sigma1..sigmaK)";
}

void TestTrace::refusals() {
    QFETCH(int, dataInputs);
    QFETCH(QString, loss);
    QFETCH(int, bins);
    QFETCH(double, scale);
    QFETCH(QString, message);
    const Network net = network("8,4,3,2", "relu,relu,linear");
    TraceConfig tc;
    if (!loss.isEmpty()) tc.loss = LossConfig{*nnlens::lossFromName(loss.toStdString()), {}};
    tc.bins = bins;
    tc.lossScale = static_cast<float>(scale);
    try {
        nnlens::traceModules(net, nnlens::normalDataset(4, dataInputs, 1), tc, "d.csv");
        QFAIL("no error");
    } catch (const nnlens::InputError& e) {
        QCOMPARE(QString::fromUtf8(e.what()), message);
    }
}

// ---- PyTorch's default initialisation and the normal data set ----------------------------------

void TestTrace::initialization_data() {
    QTest::addColumn<QString>("layers");
    QTest::addColumn<QString>("activations");
    QTest::newRow("100-200-100-10") << "100,200,100,10"
                                    << "tanh,relu,linear";
    QTest::newRow("8-4-3-2") << "8,4,3,2"
                             << "relu,relu,linear";
    QTest::newRow("1-4096") << "1,4096"
                            << "linear";
}

// Every W and b uniform in [-k, k], k = n_in^-1/2: inside the bound, spread over it (a uniform
// variable has std k / sqrt 3), and the same for the same seed only.
void TestTrace::initialization() {
    QFETCH(QString, layers);
    QFETCH(QString, activations);
    const Network a = network(layers, activations, 42);
    const Network same = network(layers, activations, 42);
    const Network other = network(layers, activations, 43);
    for (std::size_t l = 0; l < a.layers.size(); ++l) {
        const auto& L = a.layers[l];
        const double k = 1.0 / std::sqrt(static_cast<double>(L.inputs()));
        std::vector<float> all(L.W.data(), L.W.data() + L.W.size());
        all.insert(all.end(), L.b.data(), L.b.data() + L.b.size());
        const float bound = static_cast<float>(k);  // the float nearest k: rounding may reach it
        for (const float v : all)
            QVERIFY2(std::fabs(v) <= bound, qPrintable(QString("layer %1: %2").arg(l).arg(v)));
        QVERIFY(L.W == same.layers[l].W && L.b == same.layers[l].b);
        QVERIFY(L.W != other.layers[l].W);
        const auto n = static_cast<std::int64_t>(all.size());
        if (n < 1000) continue;
        const Brute b = brute(all.data(), n);
        const double se = k / std::sqrt(3.0 * static_cast<double>(n));  // of the mean
        QVERIFY2(std::fabs(b.mean) < 5 * se, qPrintable(QString::number(b.mean)));
        NNLENS_CLOSE(b.std, k / std::sqrt(3.0), 0.0, 0.05);
        const auto [lo, hi] = std::minmax_element(all.begin(), all.end());
        QVERIFY(*lo<-0.98 * k&& * hi> 0.98 * k);
    }
}

// The preset is `nnlens-cli init --layers 100,200,100,10 --activations tanh,relu,linear
// --seed 123`: the notebook's network with PyTorch's initialisation.
void TestTrace::statisticalPreset() {
    const Network preset = nnlens::readNetwork(
        NNLENS_SOURCE_DIR "/resources/presets/statistical-perspective.nnlens.json");
    const Network init = network("100,200,100,10", "tanh,relu,linear", 123);
    QCOMPARE(preset.inputs, 100);
    QCOMPARE(preset.layers.size(), init.layers.size());
    for (std::size_t l = 0; l < init.layers.size(); ++l) {
        QCOMPARE(preset.layers[l].activation, init.layers[l].activation);
        QVERIFY(preset.layers[l].W == init.layers[l].W);
        QVERIFY(preset.layers[l].b == init.layers[l].b);
    }
    const Network primer = nnlens::readNetwork(
        NNLENS_SOURCE_DIR "/resources/presets/pytorch-primer-8-4-3-2.nnlens.json");
    const Network primerInit = network("8,4,3,2", "relu,relu,linear", 123);
    QCOMPARE(primer.layers.size(), primerInit.layers.size());
    for (std::size_t l = 0; l < primer.layers.size(); ++l) {
        QCOMPARE(primer.layers[l].activation, primerInit.layers[l].activation);
        QVERIFY(primer.layers[l].W == primerInit.layers[l].W);
    }
}

void TestTrace::normalData_data() {
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("dim");
    QTest::newRow("500 x 100 (the seed's)") << 500 << 100;
    QTest::newRow("100 x 8 (the PyTorch primer's)") << 100 << 8;
    QTest::newRow("20000 x 1") << 20000 << 1;
}

// torch.randn(N, D): standard normal inputs, no targets, reproducible.
void TestTrace::normalData() {
    QFETCH(int, n);
    QFETCH(int, dim);
    const Dataset d = nnlens::normalDataset(n, dim, 7);
    QCOMPARE(d.size(), n);
    QCOMPARE(d.inputs(), dim);
    QCOMPARE(d.targets(), 0);
    QVERIFY(!d.hasLabels() && !d.hasSigma());
    QVERIFY(d.x.allFinite());
    const Brute b = brute(d.x.data(), d.x.size());
    const double se = 1.0 / std::sqrt(static_cast<double>(d.x.size()));
    QVERIFY2(std::fabs(b.mean) < 5 * se, qPrintable(QString::number(b.mean)));
    QVERIFY2(std::fabs(b.std - 1.0) < 5 * se, qPrintable(QString::number(b.std)));
    // The fraction beyond 2 sigma: 4.55 % for a normal distribution.
    const double tails = static_cast<double>((d.x.array().abs() > 2.0f).count()) / d.x.size();
    QVERIFY2(std::fabs(tails - 0.0455) < 0.01, qPrintable(QString::number(tails)));
    QVERIFY(nnlens::normalDataset(n, dim, 7).x == d.x);
    QVERIFY(nnlens::normalDataset(n, dim, 8).x != d.x);

    for (const auto& [rows, cols] :
         {std::pair{0, 3}, std::pair{5, 0}, std::pair{5, 4097}, std::pair{10'000'000, 100}}) {
        bool refused = false;
        try {
            nnlens::normalDataset(rows, cols, 1);
        } catch (const nnlens::InputError&) {
            refused = true;
        }
        QVERIFY2(refused, qPrintable(QString("%1 x %2").arg(rows).arg(cols)));
    }
}

QTEST_GUILESS_MAIN(TestTrace)
#include "tst_trace.moc"
