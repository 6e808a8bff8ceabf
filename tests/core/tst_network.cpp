// Tests for Network: every validation rule and its message, parameter counts, initialisation.
#include <cmath>
#include <cstring>
#include <limits>
#include <tuple>
#include <vector>

#include <QTest>

#include "compare.hpp"
#include "core/error.hpp"
#include "core/network.hpp"

using nnlens::Activation;
using nnlens::InputError;
using nnlens::LayerSpec;
using nnlens::Network;

Q_DECLARE_METATYPE(nnlens::Network)

namespace {

struct Shape {
    int rows;
    int cols;
    int bias;
    Activation activation = Activation::Tanh;
};

// A network with the given (possibly inconsistent) shapes, every parameter 0.5.
Network makeNetwork(int inputs, const std::vector<Shape>& shapes) {
    Network net;
    net.inputs = inputs;
    for (const Shape& s : shapes) {
        nnlens::Layer l;
        l.W = nnlens::Matrix::Constant(s.rows, s.cols, 0.5f);
        l.b = nnlens::Vector::Constant(s.bias, 0.5f);
        l.activation = s.activation;
        net.layers.push_back(l);
    }
    return net;
}

// The message validate() throws, or "" when the network is valid.
QString validationMessage(const Network& net) {
    try {
        nnlens::validate(net);
    } catch (const InputError& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

bool sameBits(const nnlens::Matrix& a, const nnlens::Matrix& b) {
    return a.rows() == b.rows() && a.cols() == b.cols() &&
           (a.size() == 0 || std::memcmp(a.data(), b.data(),
                                         sizeof(float) * static_cast<std::size_t>(a.size())) == 0);
}

bool sameBits(const nnlens::Vector& a, const nnlens::Vector& b) {
    return a.size() == b.size() &&
           (a.size() == 0 || std::memcmp(a.data(), b.data(),
                                         sizeof(float) * static_cast<std::size_t>(a.size())) == 0);
}

bool sameParameters(const Network& a, const Network& b) {
    if (a.layers.size() != b.layers.size()) return false;
    for (std::size_t i = 0; i < a.layers.size(); ++i) {
        if (!sameBits(a.layers[i].W, b.layers[i].W) || !sameBits(a.layers[i].b, b.layers[i].b)) {
            return false;
        }
    }
    return true;
}

}  // namespace

class TestNetwork : public QObject {
    Q_OBJECT

  private slots:
    void validation_data();
    void validation();
    void parameterLimit();
    void parameterCount_data();
    void parameterCount();
    void initialisationBounds_data();
    void initialisationBounds();
    void initialisationDistribution();
    void initialisationDeterministic();
    void initializeRedraws();
    void initializedRefusesBadShapes_data();
    void initializedRefusesBadShapes();
};

void TestNetwork::validation_data() {
    QTest::addColumn<Network>("net");
    QTest::addColumn<QString>("message");

    const float nan = std::numeric_limits<float>::quiet_NaN();
    const float inf = std::numeric_limits<float>::infinity();

    QTest::newRow("valid 2-2-1") << makeNetwork(2, {{2, 2, 2}, {2, 1, 1}}) << QString();
    QTest::newRow("valid seed nn_graph 8-4-3-2")
        << makeNetwork(8, {{8, 4, 4}, {4, 3, 3, Activation::Relu}, {3, 2, 2, Activation::Sigmoid}})
        << QString();
    QTest::newRow("valid softmax on the last layer")
        << makeNetwork(2, {{2, 4, 4}, {4, 3, 3, Activation::Softmax}}) << QString();
    QTest::newRow("valid 1 input") << makeNetwork(1, {{1, 1, 1}}) << QString();
    QTest::newRow("valid 4096 inputs") << makeNetwork(4096, {{4096, 1, 1}}) << QString();
    QTest::newRow("valid 4096 nodes") << makeNetwork(1, {{1, 4096, 4096}}) << QString();
    QTest::newRow("valid 64 layers")
        << makeNetwork(1, std::vector<Shape>(64, Shape{1, 1, 1})) << QString();

    QTest::newRow("no layers") << makeNetwork(2, {}) << "the network has no layers";
    QTest::newRow("0 inputs") << makeNetwork(0, {{0, 1, 1}})
                              << "the network has 0 inputs (allowed: 1 to 4096)";
    QTest::newRow("4097 inputs") << makeNetwork(4097, {{4097, 1, 1}})
                                 << "the network has 4097 inputs (allowed: 1 to 4096)";
    QTest::newRow("65 layers") << makeNetwork(1, std::vector<Shape>(65, Shape{1, 1, 1}))
                               << "the network has 65 layers (at most 64)";
    QTest::newRow("layer 2 rows do not match")
        << makeNetwork(2, {{2, 4, 4}, {3, 1, 1}})
        << "layer 2: weights have 3 rows but the layer receives 4 inputs";
    QTest::newRow("layer 1 rows do not match inputs")
        << makeNetwork(2, {{3, 1, 1}})
        << "layer 1: weights have 3 rows but the layer receives 2 inputs";
    QTest::newRow("layer 1 bias size")
        << makeNetwork(2, {{2, 4, 3}}) << "layer 1: bias has 3 values but weights have 4 columns";
    QTest::newRow("layer 3 bias too long")
        << makeNetwork(2, {{2, 2, 2}, {2, 2, 2}, {2, 1, 2}})
        << "layer 3: bias has 2 values but weights have 1 column";
    QTest::newRow("layer with 0 nodes")
        << makeNetwork(2, {{2, 0, 0}}) << "layer 1: has no nodes (weights have 0 columns)";
    QTest::newRow("layer with 4097 nodes")
        << makeNetwork(1, {{1, 4097, 4097}}) << "layer 1: has 4097 nodes (at most 4096)";
    QTest::newRow("softmax on layer 2 of 3")
        << makeNetwork(2, {{2, 2, 2}, {2, 2, 2, Activation::Softmax}, {2, 1, 1}})
        << "layer 2: softmax is only allowed on the last layer";

    Network nanWeight = makeNetwork(2, {{2, 3, 3}});
    nanWeight.layers[0].W(0, 2) = nan;
    QTest::newRow("NaN weight") << nanWeight << "layer 1, weights[0][2]: not a finite number";
    Network infWeight = makeNetwork(2, {{2, 3, 3}, {3, 1, 1}});
    infWeight.layers[1].W(2, 0) = -inf;
    QTest::newRow("-inf weight in layer 2")
        << infWeight << "layer 2, weights[2][0]: not a finite number";
    Network nanBias = makeNetwork(2, {{2, 3, 3}});
    nanBias.layers[0].b(2) = nan;
    QTest::newRow("NaN bias") << nanBias << "layer 1, bias[2]: not a finite number";
    Network infBias = makeNetwork(2, {{2, 3, 3}, {3, 2, 2}});
    infBias.layers[1].b(0) = inf;
    QTest::newRow("inf bias in layer 2") << infBias << "layer 2, bias[0]: not a finite number";
    Network firstInRow = makeNetwork(2, {{2, 3, 3}});
    firstInRow.layers[0].W(1, 0) = nan;
    firstInRow.layers[0].W(0, 2) = nan;
    QTest::newRow("first bad weight in file order")
        << firstInRow << "layer 1, weights[0][2]: not a finite number";
    // Shapes are checked for every layer before any value.
    Network shapeFirst = makeNetwork(2, {{2, 3, 3}, {2, 1, 1}});
    shapeFirst.layers[0].W(0, 0) = nan;
    QTest::newRow("shape error before value error")
        << shapeFirst << "layer 2: weights have 2 rows but the layer receives 3 inputs";
}

void TestNetwork::validation() {
    QFETCH(Network, net);
    QFETCH(QString, message);
    QCOMPARE(validationMessage(net), message);
}

void TestNetwork::parameterLimit() {
    // (4095 + 1) * 4096 = 16 Mi exactly: allowed. One more input row tips it over.
    Network atLimit = makeNetwork(4095, {{4095, 4096, 4096}});
    QCOMPARE(atLimit.parameterCount(), std::int64_t{16 * 1024 * 1024});
    QCOMPARE(validationMessage(atLimit), QString());

    Network over = makeNetwork(4096, {{4096, 4096, 4096}});
    QCOMPARE(over.parameterCount(), std::int64_t{16781312});
    QCOMPARE(validationMessage(over),
             QStringLiteral("the network has 16781312 parameters (at most 16777216, 16 Mi)"));
}

void TestNetwork::parameterCount_data() {
    QTest::addColumn<Network>("net");
    QTest::addColumn<qint64>("count");
    // (n_in + 1) n_out per layer, as the seed counts them.
    QTest::newRow("single unit 2-1") << makeNetwork(2, {{2, 1, 1}}) << qint64{3};
    QTest::newRow("quadrant selector 2-2-1") << makeNetwork(2, {{2, 2, 2}, {2, 1, 1}}) << qint64{9};
    QTest::newRow("seed nn_graph 8-4-3-2")
        << makeNetwork(8, {{8, 4, 4}, {4, 3, 3}, {3, 2, 2}}) << qint64{36 + 15 + 8};
    QTest::newRow("spiral 2-8-8-8-1")
        << makeNetwork(2, {{2, 8, 8}, {8, 8, 8}, {8, 8, 8}, {8, 1, 1}}) << qint64{24 + 72 + 72 + 9};
    QTest::newRow("no layers") << makeNetwork(2, {}) << qint64{0};
}

void TestNetwork::parameterCount() {
    QFETCH(Network, net);
    QFETCH(qint64, count);
    QCOMPARE(net.parameterCount(), static_cast<std::int64_t>(count));
    std::int64_t sum = 0;
    for (const auto& l : net.layers) {
        QCOMPARE(l.parameterCount(), (static_cast<std::int64_t>(l.inputs()) + 1) * l.outputs());
        sum += l.parameterCount();
    }
    QCOMPARE(sum, static_cast<std::int64_t>(count));
}

void TestNetwork::initialisationBounds_data() {
    QTest::addColumn<int>("inputs");
    QTest::addColumn<QList<int>>("nodes");
    QTest::addColumn<quint64>("seed");
    QTest::newRow("2-8-8-8-1 seed 0") << 2 << QList<int>{8, 8, 8, 1} << quint64{0};
    QTest::newRow("8-4-3-2 seed 7") << 8 << QList<int>{4, 3, 2} << quint64{7};
    QTest::newRow("100-50-1 seed 123") << 100 << QList<int>{50, 1} << quint64{123};
    QTest::newRow("1-1 seed max") << 1 << QList<int>{1} << ~quint64{0};
}

void TestNetwork::initialisationBounds() {
    QFETCH(int, inputs);
    QFETCH(QList<int>, nodes);
    QFETCH(quint64, seed);
    std::vector<LayerSpec> specs;
    for (int n : nodes)
        specs.push_back({n, Activation::Tanh});
    const Network net = Network::initialized(inputs, specs, seed);
    QCOMPARE(net.inputs, inputs);
    QCOMPARE(net.layers.size(), static_cast<std::size_t>(nodes.size()));
    QCOMPARE(validationMessage(net), QString());
    int nIn = inputs;
    for (std::size_t i = 0; i < net.layers.size(); ++i) {
        const auto& l = net.layers[i];
        QCOMPARE(l.inputs(), nIn);
        QCOMPARE(l.outputs(), nodes[static_cast<qsizetype>(i)]);
        QCOMPARE(l.b.size(), Eigen::Index{nodes[static_cast<qsizetype>(i)]});
        QCOMPARE(l.activation, Activation::Tanh);
        // |W|, |b| <= k = n_in^-1/2 (PyTorch's nn.Linear default).
        const float k = static_cast<float>(1.0 / std::sqrt(static_cast<double>(nIn)));
        QVERIFY2(l.W.cwiseAbs().maxCoeff() <= k, qPrintable(QString("layer %1 W").arg(i + 1)));
        QVERIFY2(l.b.cwiseAbs().maxCoeff() <= k, qPrintable(QString("layer %1 b").arg(i + 1)));
        nIn = l.outputs();
    }
}

void TestNetwork::initialisationDistribution() {
    // 64 x 64 weights: U(-1/8, 1/8) has mean 0 and variance k^2/3.
    const Network net = Network::initialized(64, {{64, Activation::Relu}}, 42);
    const auto& W = net.layers[0].W;
    const double k = 0.125;
    const double mean = W.cast<double>().mean();
    const double var = (W.cast<double>().array() - mean).square().mean();
    NNLENS_CLOSE(mean, 0.0, 0.01 * k, 0.0);
    NNLENS_CLOSE(var, k * k / 3.0, 0.0, 0.1);
    QVERIFY(W.maxCoeff() > 0.95 * k);
    QVERIFY(W.minCoeff() < -0.95 * k);
    QCOMPARE(net.layers[0].activation, Activation::Relu);
}

void TestNetwork::initialisationDeterministic() {
    const std::vector<LayerSpec> specs = {
        {8, Activation::Tanh}, {8, Activation::Tanh}, {1, Activation::Sigmoid}};
    const Network a = Network::initialized(2, specs, 5);
    const Network b = Network::initialized(2, specs, 5);
    const Network c = Network::initialized(2, specs, 6);
    QVERIFY(sameParameters(a, b));
    QVERIFY(!sameParameters(a, c));
    for (std::size_t i = 0; i < a.layers.size(); ++i) {
        QVERIFY(!sameBits(a.layers[i].W, c.layers[i].W));
    }
}

void TestNetwork::initializeRedraws() {
    Network net = makeNetwork(2, {{2, 8, 8}, {8, 1, 1, Activation::Sigmoid}});
    nnlens::initialize(net, 9);
    const Network fresh =
        Network::initialized(2, {{8, Activation::Tanh}, {1, Activation::Sigmoid}}, 9);
    QVERIFY(sameParameters(net, fresh));
    QCOMPARE(net.layers[1].activation, Activation::Sigmoid);
    QVERIFY(net.layers[0].W(0, 0) != 0.5f);
}

void TestNetwork::initializedRefusesBadShapes_data() {
    QTest::addColumn<int>("inputs");
    QTest::addColumn<QList<int>>("nodes");
    QTest::addColumn<bool>("softmaxFirst");
    QTest::addColumn<QString>("message");
    QTest::newRow("0 nodes") << 2 << QList<int>{4, 0} << false
                             << "layer 2: has no nodes (weights have 0 columns)";
    QTest::newRow("no layers") << 2 << QList<int>{} << false << "the network has no layers";
    QTest::newRow("0 inputs") << 0 << QList<int>{1} << false
                              << "the network has 0 inputs (allowed: 1 to 4096)";
    QTest::newRow("softmax not last")
        << 2 << QList<int>{3, 1} << true << "layer 1: softmax is only allowed on the last layer";
    // Refused before anything is allocated (4096 x 4096 x 4 layers would be 256 MiB).
    QTest::newRow("too many parameters")
        << 4096 << QList<int>{4096, 4096, 4096, 4096} << false
        << "the network has 67125248 parameters (at most 16777216, 16 Mi)";
}

void TestNetwork::initializedRefusesBadShapes() {
    QFETCH(int, inputs);
    QFETCH(QList<int>, nodes);
    QFETCH(bool, softmaxFirst);
    QFETCH(QString, message);
    std::vector<LayerSpec> specs;
    for (int n : nodes)
        specs.push_back({n, Activation::Tanh});
    if (softmaxFirst) specs[0].activation = Activation::Softmax;
    QString got;
    try {
        Network::initialized(inputs, specs, 0);
    } catch (const InputError& e) {
        got = QString::fromStdString(e.what());
    }
    QCOMPARE(got, message);
}

QTEST_GUILESS_MAIN(TestNetwork)
#include "tst_network.moc"
