// Losses (spec section 3): evaluateLoss against hand-derived values and a double-precision
// reference.
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include <QList>
#include <QString>
#include <QTest>

#include "compare.hpp"
#include "core/activation.hpp"
#include "core/backward.hpp"
#include "core/dataset.hpp"
#include "core/loss.hpp"
#include "core/types.hpp"

Q_DECLARE_METATYPE(nnlens::Loss)
Q_DECLARE_METATYPE(nnlens::Reduction)

namespace {

using nnlens::Loss;
using nnlens::Reduction;

// Forward values: the spec allows 1e-5 + 1e-4 |e|; the engine sums float terms in double, so each
// term carries a few float roundings only (relative ~1e-7). 1e-6 on both keeps real slack small.
constexpr double kLossAtol = 1e-6;
constexpr double kLossRtol = 1e-6;

// A (n, k) float matrix from values listed row by row.
nnlens::Matrix fromRows(int n, int k, const QList<double>& v) {
    nnlens::Matrix m(n, k);
    for (int i = 0; i < n; ++i) {
        for (int j = 0; j < k; ++j)
            m(i, j) = static_cast<float>(v[i * k + j]);
    }
    return m;
}

// The values of `m` row by row.
std::vector<double> toRows(const nnlens::Matrix& m) {
    std::vector<double> v;
    v.reserve(static_cast<std::size_t>(m.size()));
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
        for (Eigen::Index j = 0; j < m.cols(); ++j)
            v.push_back(m(i, j));
    }
    return v;
}

// Float values as the engine sees them, back in double (the reference starts from the same inputs).
QList<double> asFloats(const QList<double>& v) {
    QList<double> r;
    for (double d : v)
        r.push_back(static_cast<double>(static_cast<float>(d)));
    return r;
}

nnlens::Dataset makeData(Loss loss, int n, int k, const QList<double>& y,
                         const QList<double>& sigma, const QList<int>& labels) {
    nnlens::Dataset d;
    d.x = nnlens::Matrix::Zero(n, 1);
    if (loss == Loss::Ce) {
        d.y.resize(n, 0);
        d.labels.assign(labels.begin(), labels.end());
    } else {
        d.y = fromRows(n, k, y);
        if (!sigma.isEmpty()) d.sigma = fromRows(n, k, sigma);
    }
    return d;
}

// softplus(x) = log(1 + exp(x)) in double, without overflow.
double softplusD(double x) {
    return x > 0.0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}

struct Reference {
    double loss = 0.0;
    QList<double> grad;  // dL/dout, row by row
};

// Spec section 3, written from the definitions in double precision (independent of loss.hpp):
// bce as PyTorch's BCELoss (logs clamped at -100, gradient (p - y) / max(p (1 - p), 1e-12)),
// bce_logits as y softplus(-x) + (1 - y) softplus(x) (= -y log sigmoid(x) - (1-y) log(1 -
// sigmoid(x))), ce as -log softmax(out)[label] or, on a softmax output, -log out[label].
Reference referenceLoss(Loss loss, Reduction reduction, int n, int k, const QList<double>& out,
                        const QList<double>& y, const QList<double>& sigma,
                        const QList<int>& labels, bool softmaxOut) {
    Reference r;
    r.grad.fill(0.0, n * k);
    double count = 0.0;
    if (loss == Loss::Ce) {
        count = n;
        for (int i = 0; i < n; ++i) {
            const int c = labels[i];
            if (softmaxOut) {
                const double p = out[i * k + c];
                r.loss += -std::log(p);
                r.grad[i * k + c] = -1.0 / p;
                continue;
            }
            double m = out[i * k];
            for (int j = 1; j < k; ++j)
                m = std::max(m, out[i * k + j]);
            double z = 0.0;
            for (int j = 0; j < k; ++j)
                z += std::exp(out[i * k + j] - m);
            r.loss += -(out[i * k + c] - m - std::log(z));
            for (int j = 0; j < k; ++j) {
                r.grad[i * k + j] = std::exp(out[i * k + j] - m) / z - (j == c ? 1.0 : 0.0);
            }
        }
    } else {
        count = static_cast<double>(n) * k;
        for (int e = 0; e < n * k; ++e) {
            const double o = out[e];
            const double t = y[e];
            switch (loss) {
                case Loss::Mse:
                    r.loss += (o - t) * (o - t);
                    r.grad[e] = 2.0 * (o - t);
                    break;
                case Loss::L2:
                    r.loss += 0.5 * (o - t) * (o - t);
                    r.grad[e] = o - t;
                    break;
                case Loss::Chi2:
                    r.loss += (o - t) * (o - t) / (sigma[e] * sigma[e]);
                    r.grad[e] = 2.0 * (o - t) / (sigma[e] * sigma[e]);
                    break;
                case Loss::Bce:
                    r.loss += -(t * std::max(std::log(o), -100.0) +
                                (1.0 - t) * std::max(std::log(1.0 - o), -100.0));
                    r.grad[e] = (o - t) / std::max(o * (1.0 - o), 1e-12);
                    break;
                case Loss::BceLogits:
                    r.loss += t * softplusD(-o) + (1.0 - t) * softplusD(o);
                    r.grad[e] = 1.0 / (1.0 + std::exp(-o)) - t;
                    break;
                case Loss::Ce:
                    break;
            }
        }
    }
    if (reduction == Reduction::Mean) {
        r.loss /= count;
        for (double& g : r.grad)
            g /= count;
    }
    return r;
}

QString tagOf(Loss loss, Reduction reduction, bool softmaxOut) {
    const QString name = QString::fromLatin1(nnlens::lossName(loss).data(),
                                             static_cast<qsizetype>(nnlens::lossName(loss).size()));
    return name + (softmaxOut ? QStringLiteral("-on-softmax") : QString()) +
           (reduction == Reduction::Mean ? QStringLiteral("/mean") : QStringLiteral("/sum"));
}

}  // namespace

class TestLoss : public QObject {
    Q_OBJECT

  private slots:
    void names_data();
    void names();
    void unknownNames_data();
    void unknownNames();
    void reductionNames();
    void defaultReduction_data();
    void defaultReduction();
    void seedSoftmax();
    void handValues_data();
    void handValues();
    void reference_data();
    void reference();
    void blockOfLargerMatrix_data();
    void blockOfLargerMatrix();
};

void TestLoss::names_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<Loss>("loss");
    QTest::newRow("mse") << "mse" << Loss::Mse;
    QTest::newRow("l2") << "l2" << Loss::L2;
    QTest::newRow("chi2") << "chi2" << Loss::Chi2;
    QTest::newRow("bce") << "bce" << Loss::Bce;
    QTest::newRow("bce_logits") << "bce_logits" << Loss::BceLogits;
    QTest::newRow("ce") << "ce" << Loss::Ce;
}

void TestLoss::names() {
    QFETCH(QString, name);
    QFETCH(Loss, loss);
    const std::string s = name.toStdString();
    const std::optional<Loss> parsed = nnlens::lossFromName(s);
    QVERIFY(parsed.has_value());
    QCOMPARE(*parsed, loss);
    QCOMPARE(std::string(nnlens::lossName(loss)), s);
    // Every known name appears in the list used by error messages.
    QVERIFY(nnlens::knownLossNames().find(s) != std::string::npos);
}

void TestLoss::unknownNames_data() {
    QTest::addColumn<QString>("name");
    QTest::newRow("empty") << "";
    QTest::newRow("upper-case") << "MSE";
    QTest::newRow("leading-space") << " mse";
    QTest::newRow("dash-instead-of-underscore") << "bce-logits";
    QTest::newRow("pytorch-class-name") << "CrossEntropyLoss";
    QTest::newRow("l1") << "l1";
}

void TestLoss::unknownNames() {
    QFETCH(QString, name);
    QVERIFY(!nnlens::lossFromName(name.toStdString()).has_value());
    QVERIFY(!nnlens::reductionFromName(name.toStdString()).has_value());
}

void TestLoss::reductionNames() {
    QCOMPARE(nnlens::reductionFromName("mean"), std::optional<Reduction>(Reduction::Mean));
    QCOMPARE(nnlens::reductionFromName("sum"), std::optional<Reduction>(Reduction::Sum));
    QCOMPARE(std::string(nnlens::reductionName(Reduction::Mean)), std::string("mean"));
    QCOMPARE(std::string(nnlens::reductionName(Reduction::Sum)), std::string("sum"));
    QVERIFY(!nnlens::reductionFromName("Mean").has_value());
    QVERIFY(!nnlens::reductionFromName("none").has_value());
}

void TestLoss::defaultReduction_data() {
    QTest::addColumn<Loss>("loss");
    QTest::addColumn<Reduction>("expected");
    QTest::newRow("mse-mean") << Loss::Mse << Reduction::Mean;
    QTest::newRow("l2-sum") << Loss::L2 << Reduction::Sum;
    QTest::newRow("chi2-sum") << Loss::Chi2 << Reduction::Sum;
    QTest::newRow("bce-mean") << Loss::Bce << Reduction::Mean;
    QTest::newRow("bce_logits-mean") << Loss::BceLogits << Reduction::Mean;
    QTest::newRow("ce-mean") << Loss::Ce << Reduction::Mean;
}

void TestLoss::defaultReduction() {
    QFETCH(Loss, loss);
    QFETCH(Reduction, expected);
    QCOMPARE(nnlens::defaultReduction(loss), expected);
    // LossConfig defaults to mse with its default reduction.
    const nnlens::LossConfig cfg;
    QCOMPARE(cfg.loss, Loss::Mse);
    QCOMPARE(cfg.reduction, Reduction::Mean);
}

void TestLoss::seedSoftmax() {
    // The seed notebook: softmax([2, -1, 3]) = [0.26538793, 0.01321289, 0.72139918] (8 digits).
    const double expected[3] = {0.26538793, 0.01321289, 0.72139918};
    const float s[3] = {2.0f, -1.0f, 3.0f};
    float p[3] = {};
    nnlens::hd::softmaxRow(s, p, 3);
    NNLENS_COMPARE_CLOSE(p, expected, 3, 1e-8, 1e-6);
    QVERIFY(std::fabs(p[0] + p[1] + p[2] - 1.0f) < 1e-6f);

    // In place, and along a stride (a row of a column-major (2, 3) matrix).
    float inPlace[3] = {2.0f, -1.0f, 3.0f};
    nnlens::hd::softmaxRow(inPlace, inPlace, 3);
    NNLENS_COMPARE_CLOSE(inPlace, expected, 3, 1e-8, 1e-6);
    float strided[6] = {2.0f, 0.0f, -1.0f, 0.0f, 3.0f, 0.0f};
    nnlens::hd::softmaxRow(strided, strided, 3, 2);
    const float gathered[3] = {strided[0], strided[2], strided[4]};
    NNLENS_COMPARE_CLOSE(gathered, expected, 3, 1e-8, 1e-6);
    QCOMPARE(strided[1], 0.0f);  // the other row is untouched

    // Shifting every logit by a large constant changes nothing (max subtracted first).
    const float shifted[3] = {1002.0f, 999.0f, 1003.0f};
    nnlens::hd::softmaxRow(shifted, p, 3);
    NNLENS_COMPARE_CLOSE(p, expected, 3, 1e-7, 1e-5);
}

// Each row lists out and targets row by row, with the loss and dL/dout derived by hand.
void TestLoss::handValues_data() {
    QTest::addColumn<Loss>("loss");
    QTest::addColumn<Reduction>("reduction");
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("k");
    QTest::addColumn<QList<double>>("out");
    QTest::addColumn<QList<double>>("y");
    QTest::addColumn<QList<double>>("sigma");
    QTest::addColumn<QList<int>>("labels");
    QTest::addColumn<bool>("softmaxOut");
    QTest::addColumn<double>("expectedLoss");
    QTest::addColumn<QList<double>>("expectedGrad");

    // out - y = [1, 0; 2, 3]: squares 1 0 4 9, sum 14.
    const QList<double> out{1, 2, 3, 4};
    const QList<double> y{0, 2, 1, 1};
    const QList<double> sigma{1, 0.5, 2, 1};  // (out - y) / sigma = 1 0 1 3: chi2 = 11
    QTest::newRow("mse/mean") << Loss::Mse << Reduction::Mean << 2 << 2 << out << y
                              << QList<double>{} << QList<int>{} << false << 3.5
                              << QList<double>{0.5, 0, 1, 1.5};
    QTest::newRow("mse/sum") << Loss::Mse << Reduction::Sum << 2 << 2 << out << y << QList<double>{}
                             << QList<int>{} << false << 14.0 << QList<double>{2, 0, 4, 6};
    QTest::newRow("l2/sum") << Loss::L2 << Reduction::Sum << 2 << 2 << out << y << QList<double>{}
                            << QList<int>{} << false << 7.0 << QList<double>{1, 0, 2, 3};
    QTest::newRow("l2/mean") << Loss::L2 << Reduction::Mean << 2 << 2 << out << y << QList<double>{}
                             << QList<int>{} << false << 1.75 << QList<double>{0.25, 0, 0.5, 0.75};
    // d/do ((o - y) / s)^2 = 2 (o - y) / s^2 = 2, 0, 1, 6.
    QTest::newRow("chi2/sum") << Loss::Chi2 << Reduction::Sum << 2 << 2 << out << y << sigma
                              << QList<int>{} << false << 11.0 << QList<double>{2, 0, 1, 6};
    QTest::newRow("chi2/mean") << Loss::Chi2 << Reduction::Mean << 2 << 2 << out << y << sigma
                               << QList<int>{} << false << 2.75 << QList<double>{0.5, 0, 0.25, 1.5};

    // bce with p = 0 and p = 1 exactly: log clamped at -100, term 100; gradient (p - y) / 1e-12.
    // Terms: 100, 100, log 2, -log 0.75; gradients -1e12, 1e12, -0.5/0.25 = -2, 0.25/0.1875 = 4/3.
    const QList<double> bceOut{0, 1, 0.5, 0.25};
    const QList<double> bceY{1, 0, 1, 0};
    QTest::newRow("bce/sum/p-at-0-and-1")
        << Loss::Bce << Reduction::Sum << 2 << 2 << bceOut << bceY << QList<double>{}
        << QList<int>{} << false << 200.98082925301173 << QList<double>{-1e12, 1e12, -2, 4.0 / 3.0};
    QTest::newRow("bce/mean/p-at-0-and-1")
        << Loss::Bce << Reduction::Mean << 2 << 2 << bceOut << bceY << QList<double>{}
        << QList<int>{} << false << 50.24520731325293
        << QList<double>{-0.25e12, 0.25e12, -0.5, 1.0 / 3.0};
    // p equal to its target at the ends: 0 log 0 counts as 0 (clamped log times zero), gradient 0.
    QTest::newRow("bce/sum/p-equals-target-at-0-and-1")
        << Loss::Bce << Reduction::Sum << 1 << 2 << QList<double>{0, 1} << QList<double>{0, 1}
        << QList<double>{} << QList<int>{} << false << 0.0 << QList<double>{0, 0};
    // Soft target: y = 0.25, p = 0.5: -(0.25 log .5 + 0.75 log .5) = log 2; gradient 0.25 / 0.25
    // = 1.
    QTest::newRow("bce/mean/soft-target")
        << Loss::Bce << Reduction::Mean << 1 << 1 << QList<double>{0.5} << QList<double>{0.25}
        << QList<double>{} << QList<int>{} << false << 0.6931471805599453 << QList<double>{1};

    // bce_logits, stable at |x| = 100: terms 100, 100, log 2, softplus(2) - 2 * 0.25;
    // gradients sigmoid(x) - y = 1, -1, -0.5, 0.8807970779778823 - 0.25.
    const QList<double> logits{100, -100, 0, 2};
    const QList<double> logitY{0, 1, 1, 0.25};
    QTest::newRow("bce_logits/sum/x-at-plus-minus-100")
        << Loss::BceLogits << Reduction::Sum << 2 << 2 << logits << logitY << QList<double>{}
        << QList<int>{} << false << 202.3200751916029
        << QList<double>{1, -1, -0.5, 0.6307970779778823};
    QTest::newRow("bce_logits/mean/x-at-plus-minus-100")
        << Loss::BceLogits << Reduction::Mean << 2 << 2 << logits << logitY << QList<double>{}
        << QList<int>{} << false << 50.58001879790073
        << QList<double>{0.25, -0.25, -0.125, 0.6307970779778823 / 4};
    // Right answers far out: x = 100, y = 1 and x = -100, y = 0 cost exp(-100) ~ 3.7e-44.
    QTest::newRow("bce_logits/sum/confident-and-right")
        << Loss::BceLogits << Reduction::Sum << 1 << 2 << QList<double>{100, -100}
        << QList<double>{1, 0} << QList<double>{} << QList<int>{} << false << 0.0
        << QList<double>{0, 0};
    QTest::newRow("bce_logits/sum/x-at-1e4")
        << Loss::BceLogits << Reduction::Sum << 1 << 2 << QList<double>{1e4, -1e4}
        << QList<double>{0, 1} << QList<double>{} << QList<int>{} << false << 2e4
        << QList<double>{1, -1};

    // ce on logits [2, -1, 3], label 2: -log 0.7213991842739687 = 0.3265626412674705, gradient
    // softmax - onehot; logits [0, 0, 0], label 0: log 3, gradient [1/3 - 1, 1/3, 1/3].
    const QList<double> ceOut{2, -1, 3, 0, 0, 0};
    const QList<int> ceLabels{2, 0};
    QTest::newRow("ce/sum/seed-logits")
        << Loss::Ce << Reduction::Sum << 2 << 3 << ceOut << QList<double>{} << QList<double>{}
        << ceLabels << false << 1.4251749299355803 << QList<double>{0.26538792877224193,
                                                                    0.013212886953789416,
                                                                    0.7213991842739687 - 1,
                                                                    1.0 / 3 - 1,
                                                                    1.0 / 3,
                                                                    1.0 / 3};
    QTest::newRow("ce/mean/seed-logits")
        << Loss::Ce << Reduction::Mean << 2 << 3 << ceOut << QList<double>{} << QList<double>{}
        << ceLabels << false << 0.7125874649677901
        << QList<double>{0.26538792877224193 / 2,
                         0.013212886953789416 / 2,
                         (0.7213991842739687 - 1) / 2,
                         (1.0 / 3 - 1) / 2,
                         1.0 / 6,
                         1.0 / 6};
    // Large logits must not overflow: [1000, 0, -1000], label 1 costs 1000.
    QTest::newRow("ce/mean/logits-1000")
        << Loss::Ce << Reduction::Mean << 1 << 3 << QList<double>{1000, 0, -1000} << QList<double>{}
        << QList<double>{} << QList<int>{1} << false << 1000.0 << QList<double>{1, -1, 0};
    // ce on a softmax output (NLL of the log): -log 0.5 - log 0.7, gradient -1 / p at the label.
    const QList<double> probs{0.2, 0.3, 0.5, 0.7, 0.2, 0.1};
    QTest::newRow("ce-on-softmax/sum")
        << Loss::Ce << Reduction::Sum << 2 << 3 << probs << QList<double>{} << QList<double>{}
        << ceLabels << true << 1.0498221244986778 << QList<double>{0, 0, -2, -1 / 0.7, 0, 0};
    QTest::newRow("ce-on-softmax/mean")
        << Loss::Ce << Reduction::Mean << 2 << 3 << probs << QList<double>{} << QList<double>{}
        << ceLabels << true << 0.5249110622493389 << QList<double>{0, 0, -1, -0.5 / 0.7, 0, 0};
    // The seed's softmax output fed to the NLL form equals ce on the logits.
    QTest::newRow("ce-on-softmax/sum/seed-probabilities")
        << Loss::Ce << Reduction::Sum << 1 << 3
        << QList<double>{0.26538792877224193, 0.013212886953789416, 0.7213991842739687}
        << QList<double>{} << QList<double>{} << QList<int>{2} << true << 0.3265626412674705
        << QList<double>{0, 0, -1 / 0.7213991842739687};
}

void TestLoss::handValues() {
    QFETCH(Loss, loss);
    QFETCH(Reduction, reduction);
    QFETCH(int, n);
    QFETCH(int, k);
    QFETCH(QList<double>, out);
    QFETCH(QList<double>, y);
    QFETCH(QList<double>, sigma);
    QFETCH(QList<int>, labels);
    QFETCH(bool, softmaxOut);
    QFETCH(double, expectedLoss);
    QFETCH(QList<double>, expectedGrad);

    const nnlens::Matrix o = fromRows(n, k, out);
    const nnlens::Dataset data = makeData(loss, n, k, y, sigma, labels);
    const nnlens::LossConfig cfg{loss, reduction};
    nnlens::Matrix dout;
    const float value = nnlens::evaluateLoss(cfg, o, data, softmaxOut, &dout);
    NNLENS_CLOSE(value, expectedLoss, kLossAtol, kLossRtol);
    QCOMPARE(dout.rows(), Eigen::Index(n));
    QCOMPARE(dout.cols(), Eigen::Index(k));
    // Gradients: the spec allows 1e-5 + 1e-3 |e|; these are single float operations on exact
    // inputs.
    NNLENS_COMPARE_CLOSE(toRows(dout), expectedGrad, n * k, 1e-7, 1e-6);

    // Without a gradient output the loss is the same.
    const float lossOnly = nnlens::evaluateLoss(cfg, o, data, softmaxOut, nullptr);
    QCOMPARE(lossOnly, value);

    // The independent double reference agrees with the hand values (checks the reference itself).
    const Reference r =
        referenceLoss(loss, reduction, n, k, asFloats(out), y, sigma, labels, softmaxOut);
    NNLENS_CLOSE(r.loss, expectedLoss, 1e-6, 1e-6);
    NNLENS_COMPARE_CLOSE(r.grad, expectedGrad, n * k, 1e-7, 1e-6);
}

// Every loss and reduction on a (4, 3) output against the double reference.
void TestLoss::reference_data() {
    QTest::addColumn<Loss>("loss");
    QTest::addColumn<Reduction>("reduction");
    QTest::addColumn<bool>("softmaxOut");

    const Loss losses[] = {Loss::Mse, Loss::L2, Loss::Chi2, Loss::Bce, Loss::BceLogits, Loss::Ce};
    for (Loss loss : losses) {
        for (Reduction reduction : {Reduction::Mean, Reduction::Sum}) {
            QTest::newRow(qPrintable(tagOf(loss, reduction, false))) << loss << reduction << false;
            if (loss == Loss::Ce) {
                QTest::newRow(qPrintable(tagOf(loss, reduction, true)))
                    << loss << reduction << true;
            }
        }
    }
}

void TestLoss::reference() {
    QFETCH(Loss, loss);
    QFETCH(Reduction, reduction);
    QFETCH(bool, softmaxOut);

    constexpr int n = 4;
    constexpr int k = 3;
    QList<double> out;
    QList<double> y;
    QList<double> sigma;
    const QList<int> labels{0, 2, 1, 2};
    for (int e = 0; e < n * k; ++e) {
        // Deterministic, irregular values; bce needs p in (0, 1) and targets in [0, 1].
        const double u = std::sin(1.7 * e + 0.3);
        const double w = std::cos(2.3 * e + 1.1);
        if (loss == Loss::Bce) {
            out.push_back(0.5 + 0.45 * u);
            y.push_back(e % 3 == 0 ? 1.0 : (e % 3 == 1 ? 0.0 : 0.5 + 0.5 * w));
        } else if (loss == Loss::BceLogits) {
            out.push_back(4.0 * u);
            y.push_back(e % 3 == 0 ? 1.0 : (e % 3 == 1 ? 0.0 : 0.5 + 0.5 * w));
        } else {
            out.push_back(2.0 * u);
            y.push_back(1.5 * w);
        }
        sigma.push_back(0.3 + 0.2 * (e % 5));
    }
    if (softmaxOut) {  // rows of probabilities
        for (int i = 0; i < n; ++i) {
            double z = 0.0;
            for (int j = 0; j < k; ++j)
                z += std::exp(out[i * k + j]);
            for (int j = 0; j < k; ++j)
                out[i * k + j] = std::exp(out[i * k + j]) / z;
        }
    }
    out = asFloats(out);
    y = asFloats(y);
    sigma = asFloats(sigma);

    const nnlens::Dataset data =
        makeData(loss, n, k, y, loss == Loss::Chi2 ? sigma : QList<double>{}, labels);
    nnlens::Matrix dout;
    const float value =
        nnlens::evaluateLoss({loss, reduction}, fromRows(n, k, out), data, softmaxOut, &dout);
    const Reference r = referenceLoss(loss, reduction, n, k, out, y, sigma, labels, softmaxOut);
    NNLENS_CLOSE(value, r.loss, kLossAtol, kLossRtol);
    // A few float roundings per element (exp, log, division); 1e-6 relative is ~10 float ulps.
    NNLENS_COMPARE_CLOSE(toRows(dout), r.grad, n * k, 1e-7, 1e-6);
}

// evaluateLoss takes an Eigen::Ref, so a block of a taller matrix (e.g. the first rows of a
// trace's output) must give the same result as a compact copy.
void TestLoss::blockOfLargerMatrix_data() {
    QTest::addColumn<Loss>("loss");
    QTest::addColumn<bool>("softmaxOut");
    QTest::newRow("mse") << Loss::Mse << false;
    QTest::newRow("bce_logits") << Loss::BceLogits << false;
    QTest::newRow("ce") << Loss::Ce << false;
    QTest::newRow("ce-on-softmax") << Loss::Ce << true;
}

void TestLoss::blockOfLargerMatrix() {
    QFETCH(Loss, loss);
    QFETCH(bool, softmaxOut);
    nnlens::Matrix big(5, 3);
    big << 0.2f, 0.3f, 0.5f,  //
        0.6f, 0.3f, 0.1f,     //
        0.1f, 0.1f, 0.8f,     //
        0.9f, 0.05f, 0.05f,   //
        0.3f, 0.3f, 0.4f;
    nnlens::Dataset data;
    data.x = nnlens::Matrix::Zero(2, 1);
    data.labels = {2, 1};
    if (loss != Loss::Ce) data.y = nnlens::Matrix::Constant(2, 3, 0.5f);
    const nnlens::Matrix compact = big.topRows(2);
    nnlens::Matrix gradCompact;
    nnlens::Matrix gradBlock;
    const nnlens::LossConfig cfg{loss, Reduction::Sum};
    const float fromCompact = nnlens::evaluateLoss(cfg, compact, data, softmaxOut, &gradCompact);
    const float fromBlock = nnlens::evaluateLoss(cfg, big.topRows(2), data, softmaxOut, &gradBlock);
    // Both must equal the double reference on the first two rows (for ce on the softmax output
    // that is -log 0.5 - log 0.3).
    const Reference r =
        referenceLoss(loss, Reduction::Sum, 2, 3, asFloats({0.2, 0.3, 0.5, 0.6, 0.3, 0.1}),
                      {0.5, 0.5, 0.5, 0.5, 0.5, 0.5}, {}, {2, 1}, softmaxOut);
    NNLENS_CLOSE(fromCompact, r.loss, kLossAtol, kLossRtol);
    NNLENS_CLOSE(fromBlock, r.loss, kLossAtol, kLossRtol);
    NNLENS_COMPARE_CLOSE(toRows(gradBlock), r.grad, 6, 1e-7, 1e-6);
    NNLENS_COMPARE_CLOSE(toRows(gradCompact), r.grad, 6, 1e-7, 1e-6);
}

QTEST_GUILESS_MAIN(TestLoss)
#include "tst_loss.moc"
