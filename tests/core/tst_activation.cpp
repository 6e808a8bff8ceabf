// Activations: the seed's values, stability at the extremes, derivatives, the table, and the one
// formula giving the same values for one float (NNLENS_HD, as CUDA runs it) and for eight
// (block.hpp's vectorised loops).
#include <cmath>
#include <vector>

#include <QTest>

#include "compare.hpp"
#include "core/activation.hpp"
#include "core/block.hpp"
#include "reference.hpp"

using namespace nnlens;

Q_DECLARE_METATYPE(nnlens::Activation)

namespace {

// Independent double-precision references, written from the seed's lambdas (tests/support).
double reference(Activation a, double s) {
    return nnlens::test::phi(a, s);
}

const std::vector<Activation> kElementwise = {
    Activation::Linear,  Activation::Relu, Activation::Elu,      Activation::Softplus,
    Activation::Sigmoid, Activation::Tanh, Activation::Softsign, Activation::LeakyRelu,
    Activation::Gelu,    Activation::Silu};

std::vector<float> sweep() {
    std::vector<float> s;
    for (int i = -2000; i <= 2000; ++i)
        s.push_back(static_cast<float>(i) * 0.025f);  // [-50, 50]
    for (float v :
         {-1000.0f, -100.0f, -31.0f, -30.0f, -29.0f, 29.0f, 30.0f, 31.0f, 100.0f, 1000.0f})
        s.push_back(v);
    return s;
}

// Out = phi(S) through the vectorised block path (every column, rows padded to eight lanes).
Matrix blockActivate(Activation a, const Matrix& S) {
    Matrix out(S.rows(), S.cols());
    block::activationForward(a, S.data(), S.rows(), out.data(), out.rows(), S.rows(), 0,
                             static_cast<int>(S.cols()), static_cast<int>(S.cols()));
    return out;
}

}  // namespace

class TestActivation : public QObject {
    Q_OBJECT

  private slots:
    void seedUnit() {
        // nn_unit(x=[0, 1, -1], w=[1, 2, 3], b=-1, phi=np.tanh) = -0.9640275800758169
        const float s = 0.0f * 1.0f + 1.0f * 2.0f + -1.0f * 3.0f - 1.0f;
        NNLENS_CLOSE(hd::activate(Activation::Tanh, s), -0.9640275800758169, 1e-7, 1e-6);
    }

    void seedSigmoidLayer() {
        // nn_unit(x=[[1., 0.5], [-1, 1]], w=[[1, -1, 1], [2, 0, 1]], b=[-1, 1, 0], phi=sigmoid)
        Matrix x(2, 2);
        x << 1.0f, 0.5f, -1.0f, 1.0f;
        Matrix w(2, 3);
        w << 1, -1, 1, 2, 0, 1;
        RowVector b(3);
        b << -1, 1, 0;
        Matrix s = x * w;
        s.rowwise() += b;
        const Matrix out = blockActivate(Activation::Sigmoid, s);
        const double expected[2][3] = {{0.73105858, 0.5, 0.81757448}, {0.5, 0.88079708, 0.5}};
        for (int i = 0; i < 2; ++i)
            for (int j = 0; j < 3; ++j)
                NNLENS_CLOSE(out(i, j), expected[i][j], 1e-7, 1e-6);
    }

    void seedSoftmax() {
        // softmax([2, -1, 3]) = [0.26538793, 0.01321289, 0.72139918]
        const float s[3] = {2.0f, -1.0f, 3.0f};
        float p[3];
        hd::softmaxRow(s, p, 3);
        const double expected[3] = {0.26538793, 0.01321289, 0.72139918};
        NNLENS_COMPARE_CLOSE(p, expected, 3, 1e-7, 1e-6);
        // The block path, one sample per row.
        Matrix m(1, 3);
        m << 2.0f, -1.0f, 3.0f;
        const Matrix out = blockActivate(Activation::Softmax, m);
        NNLENS_COMPARE_CLOSE(out.data(), expected, 3, 1e-7, 1e-6);
    }

    void softmaxIsStableForLargeInputs() {
        const float s[3] = {1000.0f, 999.0f, -1000.0f};
        float p[3];
        hd::softmaxRow(s, p, 3);
        const double e1 = 1.0 / (1.0 + std::exp(-1.0));
        const double expected[3] = {e1, 1.0 - e1, 0.0};
        NNLENS_COMPARE_CLOSE(p, expected, 3, 1e-7, 1e-6);
    }

    void scalarMatchesReference_data() {
        QTest::addColumn<Activation>("activation");
        for (Activation a : kElementwise) {
            QTest::newRow(std::string(activationName(a)).c_str()) << a;
        }
    }
    void scalarMatchesReference() {
        QFETCH(Activation, activation);
        for (float s : sweep()) {
            const double e = reference(activation, s);
            const float got = hd::activate(activation, s);
            QVERIFY2(std::isfinite(got), qPrintable(QString("s = %1 gives %2").arg(s).arg(got)));
            if (!nnlens::test::closeScalar(got, e, 1e-6, 1e-5)) {
                QFAIL(qPrintable(
                    QString("s = %1: got %2, expected %3").arg(s).arg(got).arg(e, 0, 'g', 17)));
            }
        }
    }

    // The formula run eight at a time (block path) meets the double reference, and agrees with
    // the same formula on one float.
    void lanesMatchReference_data() { scalarMatchesReference_data(); }
    void lanesMatchReference() {
        QFETCH(Activation, activation);
        const std::vector<float> s = sweep();  // 4011 values: the last group of eight is short
        const Matrix S = Eigen::Map<const Matrix>(s.data(), static_cast<Eigen::Index>(s.size()), 1);
        const Matrix out = blockActivate(activation, S);
        std::vector<double> reference;
        std::vector<float> scalar;
        for (float v : s) {
            reference.push_back(nnlens::test::phi(activation, v));
            scalar.push_back(hd::activate(activation, v));
        }
        NNLENS_COMPARE_CLOSE(out.data(), reference, s.size(), 1e-6, 1e-5);
        NNLENS_COMPARE_CLOSE(out.data(), scalar, s.size(), 1e-6, 1e-5);
    }

    // Several columns with a leading dimension, and only some of them asked for: the others are
    // left alone.
    void blockColumnsAndStride() {
        Matrix S(13, 4);
        for (Eigen::Index i = 0; i < S.size(); ++i)
            S.data()[i] = -3.0f + 0.11f * static_cast<float>(i);
        Matrix out = Matrix::Constant(13, 4, 42.0f);
        block::activationForward(Activation::Tanh, S.data(), 13, out.data(), 13, 13, 1, 3, 4);
        for (Eigen::Index j = 0; j < 4; ++j) {
            for (Eigen::Index i = 0; i < 13; ++i) {
                const double e = (j == 0 || j == 3) ? 42.0 : std::tanh(double(S(i, j)));
                NNLENS_CLOSE(out(i, j), e, 1e-6, 1e-5);
            }
        }
    }

    // A NaN goes in, a NaN comes out (training's divergence guard relies on it), in both paths.
    void nanPropagates_data() { scalarMatchesReference_data(); }
    void nanPropagates() {
        QFETCH(Activation, activation);
        Matrix S = Matrix::Constant(9, 1, 0.5f);
        S(3, 0) = std::nanf("");
        const Matrix out = blockActivate(activation, S);
        if (activation == Activation::Relu) {
            // s > 0 is false for NaN, so relu's select gives 0 (its s <= 0 branch); the same in
            // both paths.
            QCOMPARE(out(3, 0), 0.0f);
            QCOMPARE(hd::activate(activation, std::nanf("")), 0.0f);
        } else if (activation == Activation::LeakyRelu) {
            QVERIFY(std::isnan(out(3, 0)));  // 0.01 * NaN
        } else {
            QVERIFY(std::isnan(out(3, 0)));
            QVERIFY(std::isnan(hd::activate(activation, std::nanf(""))));
        }
        QVERIFY(std::isfinite(out(4, 0)));
    }

    void table() {
        // Indexed by the enum, with the seed's two plot_activations panels.
        for (int i = 0; i < kActivationCount; ++i)
            QCOMPARE(static_cast<int>(kActivations[static_cast<std::size_t>(i)].id), i);
        std::string left, right;
        for (const ActivationInfo& info : kActivations) {
            if (!info.fromSeed) continue;
            std::string& panel = info.group == ActivationGroup::Unbounded ? left : right;
            panel += (panel.empty() ? "" : ",") + std::string(info.name);
        }
        QCOMPARE(left, std::string("relu,elu,softplus"));
        QCOMPARE(right, std::string("sigmoid,tanh,softsign"));
    }

    // phi'(s) against a central difference of the double reference.
    void derivativeMatchesFiniteDifference_data() { scalarMatchesReference_data(); }
    void derivativeMatchesFiniteDifference() {
        QFETCH(Activation, activation);
        for (int i = -400; i <= 400; ++i) {
            if (i == 0) continue;  // the relu kink: the one-sided derivative is PyTorch's choice
            const double s = i * 0.0251;
            const double h = 1e-6;
            const double fd =
                (reference(activation, s + h) - reference(activation, s - h)) / (2 * h);
            const float sf = static_cast<float>(s);
            const float d = hd::derivative(activation, sf, hd::activate(activation, sf));
            if (!nnlens::test::closeScalar(d, fd, 2e-6, 1e-4)) {
                QFAIL(qPrintable(QString("s = %1: phi' = %2, finite difference %3")
                                     .arg(s)
                                     .arg(d)
                                     .arg(fd, 0, 'g', 12)));
            }
        }
    }

    // dS = dOut .* phi'(s) from the block path equals the scalar derivative.
    void blockBackwardMatchesScalar_data() { scalarMatchesReference_data(); }
    void blockBackwardMatchesScalar() {
        QFETCH(Activation, activation);
        const std::vector<float> s = sweep();
        const Matrix S = Eigen::Map<const Matrix>(s.data(), static_cast<Eigen::Index>(s.size()), 1);
        Matrix dout(S.rows(), 1), ds(S.rows(), 1);
        const Matrix out = blockActivate(activation, S);
        for (Eigen::Index i = 0; i < S.rows(); ++i)
            dout(i, 0) = 0.5f + 0.001f * static_cast<float>(i);
        block::activationBackward(activation, S.data(), out.data(), dout.data(), ds.data(),
                                  S.rows(), S.rows(), 1);
        std::vector<float> expected;
        for (Eigen::Index i = 0; i < S.rows(); ++i) {
            expected.push_back(dout(i, 0) * hd::derivative(activation, S(i, 0),
                                                           hd::activate(activation, S(i, 0))));
        }
        // The spec's gradient tolerance: the vectorised tanh reaches exactly +-1 near |s| = 7.9,
        // where 1 - tanh^2 < 1e-6 anyway.
        NNLENS_COMPARE_CLOSE(ds.data(), expected, s.size(), 1e-5, 1e-3);
    }

    void reluDerivativeAtZeroIsZero() {
        QCOMPARE(hd::derivative(Activation::Relu, 0.0f, 0.0f), 0.0f);  // as PyTorch
    }

    void stableAtExtremes() {
        // sigmoid(-100) is tiny but not 0 / NaN; softplus(100) = 100; softplus(-100) = exp(-100).
        // exp(-100) = 3.7e-44 is a float denormal: a few significant bits are all there are.
        NNLENS_CLOSE(hd::activate(Activation::Sigmoid, -100.0f), std::exp(-100.0), 0.0, 0.05);
        QCOMPARE(hd::activate(Activation::Sigmoid, 100.0f), 1.0f);
        QCOMPARE(hd::activate(Activation::Softplus, 100.0f), 100.0f);
        NNLENS_CLOSE(hd::activate(Activation::Softplus, -100.0f), std::exp(-100.0), 0.0, 0.05);
        QCOMPARE(hd::activate(Activation::Tanh, -1e30f), -1.0f);
        QCOMPARE(hd::derivative(Activation::Sigmoid, -200.0f,
                                hd::activate(Activation::Sigmoid, -200.0f)),
                 0.0f);
    }

    void names() {
        QCOMPARE(knownActivationNames(), std::string("linear, relu, elu, softplus, sigmoid, tanh, "
                                                     "softsign, softmax, leaky_relu, gelu, silu"));
        for (int i = 0; i < kActivationCount; ++i) {
            const auto a = static_cast<Activation>(i);
            QCOMPARE(activationFromName(activationName(a)), std::optional<Activation>(a));
        }
        QVERIFY(!activationFromName("tanhh").has_value());
        QVERIFY(!activationFromName("Tanh").has_value());
    }
};

QTEST_GUILESS_MAIN(TestActivation)
#include "tst_activation.moc"
