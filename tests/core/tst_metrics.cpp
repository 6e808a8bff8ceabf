// Tests for the accuracy rule: one output thresholded at 0.5 (targets 0/1) or 0 (targets -1/+1),
// several outputs by argmax against the label; regression data have no accuracy.
#include <QTest>

#include <vector>

#include "core/metrics.hpp"

namespace {

nnlens::Matrix column(const std::vector<float>& v) {
    nnlens::Matrix m(static_cast<Eigen::Index>(v.size()), 1);
    for (std::size_t i = 0; i < v.size(); ++i)
        m(static_cast<Eigen::Index>(i), 0) = v[i];
    return m;
}

nnlens::Dataset withTargets(const std::vector<float>& y) {
    nnlens::Dataset d;
    d.x = nnlens::Matrix::Zero(static_cast<Eigen::Index>(y.size()), 2);
    d.y = column(y);
    return d;
}

}  // namespace

class TestMetrics : public QObject {
    Q_OBJECT

  private slots:
    void accuracyRule_data() {
        QTest::addColumn<std::vector<float>>("targets");
        QTest::addColumn<std::vector<float>>("outputs");
        QTest::addColumn<double>("expected");
        // 0.5 itself counts as class 1 (out >= 0.5).
        QTest::newRow("0/1 at 0.5")
            << std::vector<float>{0, 1, 1, 0} << std::vector<float>{0.49f, 0.5f, 0.2f, 0.7f} << 0.5;
        QTest::newRow("0/1 all right")
            << std::vector<float>{0, 1, 0, 1} << std::vector<float>{-3, 4, 0.1f, 0.9f} << 1.0;
        // -1/+1 targets: the threshold is 0, so 0.2 is class +1.
        QTest::newRow("-1/+1 at 0") << std::vector<float>{-1, 1, 1, -1}
                                    << std::vector<float>{-0.1f, 0.0f, 0.2f, 0.2f} << 0.75;
    }
    void accuracyRule() {
        QFETCH(std::vector<float>, targets);
        QFETCH(std::vector<float>, outputs);
        QFETCH(double, expected);
        const nnlens::Dataset data = withTargets(targets);
        QVERIFY(nnlens::isClassification(data));
        const auto acc =
            nnlens::accuracy(column(outputs), data, 0, static_cast<int>(targets.size()));
        QVERIFY(acc.has_value());
        QCOMPARE(*acc, expected);
    }

    void argmaxAgainstLabel() {
        nnlens::Dataset data;
        data.x = nnlens::Matrix::Zero(3, 2);
        data.labels = {2, 0, 1};
        nnlens::Matrix out(3, 3);
        out << 0.1f, 0.2f, 0.7f,  // 2: right
            0.5f, 0.4f, 0.1f,     // 0: right
            0.6f, 0.3f, 0.1f;     // 0, label 1: wrong
        QCOMPARE(nnlens::accuracy(out, data, 0, 3).value(), 2.0 / 3.0);
        const std::vector<bool> bad = nnlens::misclassified(out, data);
        QCOMPARE(bad, (std::vector<bool>{false, false, true}));
        // A range: rows [1, 3) only.
        QCOMPARE(nnlens::accuracy(out, data, 1, 3).value(), 0.5);
    }

    void notClassification_data() {
        QTest::addColumn<std::vector<float>>("targets");
        QTest::newRow("regression") << std::vector<float>{0.3f, -0.2f, 1.0f};
        QTest::newRow("0, 1 and -1 mixed") << std::vector<float>{0, 1, -1};
    }
    void notClassification() {
        QFETCH(std::vector<float>, targets);
        const nnlens::Dataset data = withTargets(targets);
        QVERIFY(!nnlens::isClassification(data));
        QVERIFY(!nnlens::accuracy(column(targets), data, 0, 3).has_value());
        QCOMPARE(nnlens::misclassified(column(targets), data), std::vector<bool>(3, false));
    }
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
