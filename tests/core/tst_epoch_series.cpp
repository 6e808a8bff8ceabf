// EpochSeries: the head exact, the tail in min/max/mean buckets, bounded at any run length.
#include <cmath>
#include <limits>

#include <QTest>

#include "core/epoch_series.hpp"

using namespace nnlens;

class TestEpochSeries : public QObject {
    Q_OBJECT

  private slots:
    void headIsExact() {
        EpochSeries c({0.5f, 0.25f, 0.125f});
        QCOMPARE(c.epochs(), 3);
        QCOMPARE(c.pointCount(), std::size_t(3));
        QCOMPARE(c.at(2).value, 0.25f);
        QCOMPARE(c.at(2).first, 2);
        QCOMPARE(c.last(), 0.125f);
        QVERIFY(EpochSeries().empty());
    }

    // A million epochs: at most kHead + kMaxBuckets points, each bucket's minimum, maximum and
    // mean its epochs' own; a one-epoch spike stays visible as a maximum.
    void tailIsBoundedAndKeepsSpikes() {
        EpochSeries c;
        const int n = 1'000'000;
        const int spike = 700'001;
        for (int e = 1; e <= n; ++e)
            c.append(e == spike ? 100.0f : 1.0f / float(e));
        QCOMPARE(c.epochs(), n);
        QVERIFY(c.pointCount() <= std::size_t(EpochSeries::kHead + EpochSeries::kMaxBuckets));
        QVERIFY(c.bytes() < 100'000);
        QCOMPARE(c.at(100).value, 1.0f / 100.0f);  // still exact in the head
        const EpochSeries::Point p = c.at(spike);
        QVERIFY(p.first <= spike && spike <= p.last);
        QCOMPARE(p.max, 100.0f);
        QCOMPARE(p.min, 1.0f / float(p.last));
        QVERIFY(p.mean > p.min && p.mean < p.max);
        // The points cover every epoch once, in order.
        int next = 1;
        for (const EpochSeries::Point& q : c.points()) {
            QCOMPARE(q.first, next);
            next = q.last + 1;
        }
        QCOMPARE(next, n + 1);
        QCOMPARE(c.last(), 1.0f / float(n));
    }

    void nanDoesNotHideFiniteValues() {
        EpochSeries c;
        for (int e = 0; e < EpochSeries::kHead; ++e)
            c.append(1.0f);
        c.append(std::numeric_limits<float>::quiet_NaN());
        c.append(2.0f);
        for (int e = 0; e < 10 * EpochSeries::kMaxBuckets; ++e)
            c.append(3.0f);
        const EpochSeries::Point p = c.at(EpochSeries::kHead + 1);
        QCOMPARE(p.min, 2.0f);
        QCOMPARE(p.max, 3.0f);
        QVERIFY(std::isfinite(p.mean));
    }

    void truncateKeepsTheEpochsBefore() {
        EpochSeries c;
        for (int e = 1; e <= 50'000; ++e)
            c.append(float(e));
        c.truncate(30'000);
        QCOMPARE(c.epochs(), 30'000);
        QCOMPARE(c.points().back().last, 30'000);
        c.append(1.0f);
        QCOMPARE(c.epochs(), 30'001);
        c.truncate(10);
        QCOMPARE(c.epochs(), 10);
        QCOMPARE(c.pointCount(), std::size_t(10));
        QCOMPARE(c.last(), 10.0f);
    }
};

QTEST_GUILESS_MAIN(TestEpochSeries)
#include "tst_epoch_series.moc"
