// Forward pass: the seed's nn_graph example, layer traces and shapes, and values against a
// double-precision reference.
#include <cmath>

#include <QTest>

#include "compare.hpp"
#include "core/error.hpp"
#include "core/forward.hpp"
#include "core/network.hpp"

using namespace nnlens;

namespace {

Layer makeLayer(int nIn, int nOut, Activation a, float (*w)(int, int), float (*b)(int)) {
    Layer L;
    L.W.resize(nIn, nOut);
    L.b.resize(nOut);
    for (int i = 0; i < nIn; ++i)
        for (int j = 0; j < nOut; ++j)
            L.W(i, j) = w(i, j);
    for (int j = 0; j < nOut; ++j)
        L.b(j) = b(j);
    L.activation = a;
    return L;
}

// The seed's nn_graph example: W[i][j] = 10 (i + 1) + (j + 1), b = [1, 2, ...].
Network seedGraph() {
    Network net;
    net.inputs = 8;
    auto w = [](int i, int j) { return static_cast<float>(10 * (i + 1) + (j + 1)); };
    auto b = [](int j) { return static_cast<float>(j + 1); };
    net.layers.push_back(makeLayer(8, 4, Activation::Tanh, w, b));
    net.layers.push_back(makeLayer(4, 3, Activation::Relu, w, b));
    net.layers.push_back(makeLayer(3, 2, Activation::Sigmoid, w, b));
    return net;
}

}  // namespace

class TestForward : public QObject {
    Q_OBJECT

  private slots:
    void seedGraphGivesOnes() {
        Matrix x(1, 8);
        x << 1, 2, 3, 4, 5, 6, 7, 8;
        const Trace t = forward(seedGraph(), x);
        QCOMPARE(t.layers.size(), std::size_t(3));
        QCOMPARE(t.output()(0, 0), 1.0f);  // array([1., 1.])
        QCOMPARE(t.output()(0, 1), 1.0f);
    }

    void traceKeepsEveryLayer() {
        // The seed's trace(): each layer's s and out, with out = phi(s) and s = in W + b.
        const Network net = Network::initialized(
            2, {{3, Activation::Tanh}, {2, Activation::Relu}, {1, Activation::Linear}}, 7);
        Matrix x(4, 2);
        x << 0.5f, -1.0f, 2.0f, 0.25f, -0.75f, 1.5f, 0.0f, 0.0f;
        const Trace t = forward(net, x);
        QCOMPARE(t.input, x);
        const Matrix* in = &x;
        for (std::size_t l = 0; l < net.layers.size(); ++l) {
            const Layer& L = net.layers[l];
            QCOMPARE(t.layers[l].s.rows(), Eigen::Index(4));
            QCOMPARE(t.layers[l].s.cols(), Eigen::Index(L.outputs()));
            for (int i = 0; i < 4; ++i) {
                for (int j = 0; j < L.outputs(); ++j) {
                    double s = L.b(j);
                    for (int k = 0; k < L.inputs(); ++k)
                        s += double((*in)(i, k)) * L.W(k, j);
                    NNLENS_CLOSE(t.layers[l].s(i, j), s, 1e-6, 1e-5);
                    NNLENS_CLOSE(t.layers[l].out(i, j),
                                 hd::activate(L.activation, t.layers[l].s(i, j)), 1e-7, 1e-6);
                }
            }
            in = &t.layers[l].out;
        }
    }

    void statisticalExampleShapes() {
        // The seed's 100 -> 200 (tanh) -> 100 (relu) -> 10 network on 500 samples.
        const Network net = Network::initialized(
            100, {{200, Activation::Tanh}, {100, Activation::Relu}, {10, Activation::Linear}}, 123);
        Matrix x = Matrix::Random(500, 100);
        const Trace t = forward(net, x);
        const int widths[3] = {200, 100, 10};
        for (int l = 0; l < 3; ++l) {
            QCOMPARE(t.layers[std::size_t(l)].out.rows(), Eigen::Index(500));
            QCOMPARE(t.layers[std::size_t(l)].out.cols(), Eigen::Index(widths[l]));
        }
        // relu piles every negative s into zero
        QVERIFY((t.layers[1].out.array() >= 0.0f).all());
        QVERIFY((t.layers[1].out.array() == 0.0f).any());
    }

    void softmaxLastLayerRowsSumToOne() {
        Network net = Network::initialized(2, {{4, Activation::Tanh}, {3, Activation::Softmax}}, 3);
        Matrix x = Matrix::Random(20, 2) * 3.0f;
        const Trace t = forward(net, x);
        for (int i = 0; i < 20; ++i)
            NNLENS_CLOSE(t.output().row(i).sum(), 1.0, 1e-6, 0);
    }

    void wrongWidthIsRefused() {
        const Network net = Network::initialized(2, {{1, Activation::Tanh}}, 0);
        try {
            forward(net, Matrix::Zero(3, 5));
            QFAIL("no exception");
        } catch (const InputError& e) {
            QCOMPARE(QString(e.what()),
                     QString("input has 5 columns but the network takes 2 inputs"));
        }
    }
};

QTEST_GUILESS_MAIN(TestForward)
#include "tst_forward.moc"
