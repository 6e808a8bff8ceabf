// Grid maps: the seed's ordering, numpy.histogram semantics, arrows, the colour limit and partial
// updates.
#include <algorithm>
#include <cmath>

#include <QTest>

#include <limits>
#include <vector>

#include "compare.hpp"
#include "core/backend.hpp"
#include "core/binning.hpp"
#include "core/error.hpp"
#include "core/grid.hpp"
#include "core/random.hpp"
#include "core/trace.hpp"
#include "reference.hpp"

using namespace nnlens;

namespace {

Network quadrantSelector() {
    Network net;
    net.inputs = 2;
    Layer a;
    a.W.resize(2, 2);
    a.W << 2, 0, -1, -2;
    a.b = Vector::Zero(2);
    a.activation = Activation::Tanh;
    Layer b;
    b.W.resize(2, 1);
    b.W << 1, -1;
    b.b = Vector::Constant(1, -1.0f);
    b.activation = Activation::Tanh;
    net.layers = {a, b};
    return net;
}

// numpy.histogram by brute force (tests/support/reference.hpp).
std::vector<std::int64_t> bruteHistogram(const std::vector<float>& v, int bins) {
    return nnlens::test::numpyHistogram(v.data(), std::int64_t(v.size()), bins).counts;
}

bool sameMaps(const GridMaps& a, const GridMaps& b) {
    if (a.layers() != b.layers()) return false;
    for (int l = 0; l < a.layers(); ++l) {
        if (a.s[std::size_t(l)] != b.s[std::size_t(l)] ||
            a.out[std::size_t(l)] != b.out[std::size_t(l)])
            return false;
        for (std::size_t j = 0; j < a.hist[std::size_t(l)].size(); ++j) {
            const Histogram& x = a.hist[std::size_t(l)][j];
            const Histogram& y = b.hist[std::size_t(l)][j];
            if (x.counts != y.counts || x.min != y.min || x.max != y.max) return false;
        }
    }
    return a.colourLimit == b.colourLimit;
}

}  // namespace

class TestGrid : public QObject {
    Q_OBJECT

  private slots:
    void seedOrdering() {
        // X = stack(meshgrid(x_i, x_i), axis=2).reshape(n*n, 2): k = row * n + col is (x[col],
        // x[row]).
        const Matrix X = gridPoints(3, 1.0);
        QCOMPARE(X.rows(), Eigen::Index(9));
        const float expected[9][2] = {{-1, -1}, {0, -1}, {1, -1}, {-1, 0}, {0, 0},
                                      {1, 0},   {-1, 1}, {0, 1},  {1, 1}};
        for (int k = 0; k < 9; ++k) {
            QCOMPARE(X(k, 0), expected[k][0]);
            QCOMPARE(X(k, 1), expected[k][1]);
        }
    }

    void linspaceMatchesNumpy() {
        const std::vector<double> x = linspace(-3.0, 3.0, 250);
        QCOMPARE(x.front(), -3.0);
        QCOMPARE(x.back(), 3.0);
        QCOMPARE(x[1], 1 * (6.0 / 249) + -3.0);
        QCOMPARE(x[124], 124 * (6.0 / 249) + -3.0);
    }

    void seedArrows_data() {
        QTest::addColumn<float>("w0");
        QTest::addColumn<float>("w1");
        QTest::addColumn<float>("b");
        QTest::addColumn<float>("x0");
        QTest::addColumn<float>("y0");
        // nn_unit_draw2d(w=[0, 2], b=-1): origin -b w / |w|^2 = (0, 0.5)
        QTest::newRow("w=[0,2] b=-1") << 0.0f << 2.0f << -1.0f << 0.0f << 0.5f;
        // nn_unit_draw2d(w=[2, 1], b=+1): origin = -(2, 1) / 5
        QTest::newRow("w=[2,1] b=1") << 2.0f << 1.0f << 1.0f << -0.4f << -0.2f;
        QTest::newRow("b=0 at origin") << 3.0f << -4.0f << 0.0f << 0.0f << 0.0f;
    }
    void seedArrows() {
        QFETCH(float, w0);
        QFETCH(float, w1);
        QFETCH(float, b);
        QFETCH(float, x0);
        QFETCH(float, y0);
        const std::optional<Arrow> a = weightArrow(w0, w1, b);
        QVERIFY(a.has_value());
        NNLENS_CLOSE(a->origin[0], x0, 1e-7, 1e-6);
        NNLENS_CLOSE(a->origin[1], y0, 1e-7, 1e-6);
        QCOMPARE(a->w[0], w0);
        QCOMPARE(a->w[1], w1);
        // s = w . origin + b = 0 on the arrow's foot
        NNLENS_CLOSE(w0 * a->origin[0] + w1 * a->origin[1] + b, 0.0, 1e-6, 0);
    }

    void zeroWeightHasNoArrow() { QVERIFY(!weightArrow(0.0f, 0.0f, 1.0f).has_value()); }

    void histogramSmallCases() {
        const std::vector<float> v = {0, 1, 2, 3, 4};
        QCOMPARE(histogram(v.data(), 5, 4).counts, (std::vector<std::int64_t>{1, 1, 1, 2}));
        const std::vector<float> same = {5, 5, 5, 5, 5};
        const Histogram h = histogram(same.data(), 5, 3);
        QCOMPARE(h.min, 4.5);
        QCOMPARE(h.max, 5.5);
        QCOMPARE(h.counts, (std::vector<std::int64_t>{0, 5, 0}));
        // 0.1f is a little above 0.1, so numpy puts it in bin 1 of linspace(0, 1, 11).
        const std::vector<float> tenths = {0.0f, 0.1f, 0.2f, 0.3f, 0.7f, 1.0f};
        QCOMPARE(histogram(tenths.data(), 6, 10).counts, bruteHistogram(tenths, 10));
    }

    // A NaN early in the values must not narrow the range of the finite ones (Eigen's default
    // min/max can skip past it and stop short).
    // #19 item 14: one rule for empty and non-finite inputs wherever a histogram is counted:
    // numpy's [0, 1] for no values (its "use 0-1"), [-0.5, 0.5] when none is finite.
    void emptyAndNonFiniteHistogramsShareOneRule() {
        const Histogram none = histogram(nullptr, 0, 4);
        QCOMPARE(none.min, 0.0);
        QCOMPARE(none.max, 1.0);
        QCOMPARE(none.counts, (std::vector<std::int64_t>{0, 0, 0, 0}));
        const nnlens::TensorSummary noneTraced = nnlens::summarize(nullptr, 0, 4);
        QCOMPARE(noneTraced.hist.min, 0.0);
        QCOMPARE(noneTraced.hist.max, 1.0);
        const float bad[3] = {std::numeric_limits<float>::quiet_NaN(),
                              std::numeric_limits<float>::infinity(),
                              -std::numeric_limits<float>::infinity()};
        const Histogram nonFinite = histogram(bad, 3, 4);
        QCOMPARE(nonFinite.min, -0.5);
        QCOMPARE(nonFinite.max, 0.5);
        QCOMPARE(nonFinite.counts, (std::vector<std::int64_t>{0, 0, 0, 0}));
        const nnlens::TensorSummary nonFiniteTraced = nnlens::summarize(bad, 3, 4);
        QCOMPARE(nonFiniteTraced.hist.min, -0.5);
        QCOMPARE(nonFiniteTraced.hist.max, 0.5);
        const HistogramEdges e = histogramEdgesOf(2.0f, 2.0f, 5, 2);
        QCOMPARE(e.first, 1.5);
        QCOMPARE(e.last, 2.5);
    }

    void histogramRangeIgnoresNaN() {
        std::vector<float> v;
        for (int i = 0; i < 64; ++i)
            v.push_back(float(i));
        v[1] = std::nanf("");
        v.push_back(1000.0f);
        const Histogram h = histogram(v.data(), std::int64_t(v.size()), 10);
        QCOMPARE(h.min, 0.0);
        QCOMPARE(h.max, 1000.0);
        QCOMPARE(h.counts, bruteHistogram(v, 10));
    }

    void histogramMatchesBruteForce_data() {
        QTest::addColumn<int>("bins");
        QTest::addColumn<int>("seed");
        for (int bins : {1, 7, 25, 100})
            for (int seed : {1, 2})
                QTest::addRow("bins=%d seed=%d", bins, seed) << bins << seed;
    }
    void histogramMatchesBruteForce() {
        QFETCH(int, bins);
        QFETCH(int, seed);
        Random rng{static_cast<std::uint64_t>(seed)};
        std::vector<float> v;
        for (int i = 0; i < 20000; ++i)
            v.push_back(static_cast<float>(rng.normal() * 3.0));
        // values that sit exactly on float edges
        for (int i = 0; i <= 100; ++i)
            v.push_back(-3.0f + 0.06f * float(i));
        const Histogram h = histogram(v.data(), std::int64_t(v.size()), bins);
        QCOMPARE(h.counts, bruteHistogram(v, bins));
        std::int64_t total = 0;
        for (auto c : h.counts)
            total += c;
        QCOMPARE(total, std::int64_t(v.size()));
    }

    // The NNLENS_HD bin function (what the CUDA kernel and the scalar tail call) agrees with the
    // brute-force numpy bins value by value.
    void sharedBinFunctionMatchesBruteForce() {
        Random rng{7};
        std::vector<float> v;
        for (int i = 0; i < 5000; ++i)
            v.push_back(static_cast<float>(rng.uniform(-2.0, 5.0)));
        for (int i = 0; i <= 70; ++i)
            v.push_back(-2.0f + 0.1f * float(i));
        const int bins = 17;
        const auto lo = *std::min_element(v.begin(), v.end());
        const auto hi = *std::max_element(v.begin(), v.end());
        const HistogramEdges e = histogramEdges(lo, hi, bins);
        std::vector<std::int64_t> counts(bins, 0);
        for (float x : v) {
            const int k = hd::histogramBin(x, float(e.first), e.scale, e.thresholds.data(), bins,
                                           e.thresholds[0], e.lastFloor);
            QVERIFY(k >= 0 && k < bins);
            ++counts[std::size_t(k)];
        }
        QCOMPARE(counts, bruteHistogram(v, bins));
        QCOMPARE(hd::histogramBin(std::nanf(""), float(e.first), e.scale, e.thresholds.data(), bins,
                                  e.thresholds[0], e.lastFloor),
                 bins);
        QCOMPARE(hd::histogramBin(hi + 1.0f, float(e.first), e.scale, e.thresholds.data(), bins,
                                  e.thresholds[0], e.lastFloor),
                 bins);
    }

    void quadrantSelectorValues() {
        auto eval = CpuBackend().gridEvaluator();
        eval->compute(quadrantSelector(), {5, 3.0, 25});
        const GridMaps& m = eval->maps();
        QCOMPARE(m.layers(), 2);
        // k = 0 is (x, y) = (-3, -3): s1 = 2x - y = -3, s2 = -2y = 6, s_out = tanh(-3) - tanh(6) -
        // 1
        NNLENS_CLOSE(m.s[0](0, 0), -3.0, 1e-6, 0);
        NNLENS_CLOSE(m.s[0](0, 1), 6.0, 1e-6, 0);
        NNLENS_CLOSE(m.out[0](0, 0), std::tanh(-3.0), 1e-6, 1e-5);
        NNLENS_CLOSE(m.s[1](0, 0), std::tanh(-3.0) - std::tanh(6.0) - 1.0, 1e-6, 1e-5);
        // k = 4 is (3, -3) (bottom right): s1 = 9, s2 = 6
        NNLENS_CLOSE(m.s[0](4, 0), 9.0, 1e-6, 0);
        // k = 20 is (-3, 3) (top left): s1 = -9, s2 = -6, out = tanh(tanh(-9) - tanh(-6) - 1)
        NNLENS_CLOSE(m.out[1](20, 0), std::tanh(std::tanh(-9.0) - std::tanh(-6.0) - 1.0), 1e-6,
                     1e-5);
        // arrows of the first layer: w = columns of W, b = 0 -> origin 0
        QVERIFY(m.arrows[0].has_value());
        QCOMPARE(m.arrows[0]->w[0], 2.0f);
        QCOMPARE(m.arrows[0]->w[1], -1.0f);
        QCOMPARE(m.arrows[1]->w[0], 0.0f);
        QCOMPARE(m.arrows[1]->w[1], -2.0f);
        // the shared colour limit is the largest |out| of any node
        float limit = 0;
        for (int l = 0; l < 2; ++l)
            limit = std::max(limit, m.out[std::size_t(l)].cwiseAbs().maxCoeff());
        QCOMPARE(m.colourLimit, limit);
        // every node has its histogram, with all n*n points counted
        for (int l = 0; l < 2; ++l) {
            for (const Histogram& h : m.hist[std::size_t(l)]) {
                QCOMPARE(int(h.counts.size()), 25);
                std::int64_t total = 0;
                for (auto c : h.counts)
                    total += c;
                QCOMPARE(total, std::int64_t(25));
                QCOMPARE(
                    h.min,
                    double(m.s[std::size_t(l)].col(&h - m.hist[std::size_t(l)].data()).minCoeff()));
            }
        }
    }

    void mapsEqualPerPointForward() {
        const Network net = Network::initialized(
            2, {{8, Activation::Tanh}, {8, Activation::Relu}, {3, Activation::Softmax}}, 11);
        auto eval = CpuBackend().gridEvaluator();
        eval->compute(net, {40, 2.5, 10});
        const Trace t = forward(net, gridPoints(40, 2.5));
        for (int l = 0; l < 3; ++l) {
            NNLENS_COMPARE_CLOSE(eval->maps().out[std::size_t(l)].data(),
                                 t.layers[std::size_t(l)].out.data(),
                                 t.layers[std::size_t(l)].out.size(), 1e-6, 1e-5);
        }
    }

    void updateEqualsCompute_data() {
        QTest::addColumn<int>("layer");
        QTest::addColumn<int>("node");
        QTest::addColumn<bool>("bias");
        QTest::newRow("weight into the last hidden layer") << 2 << 3 << false;
        QTest::newRow("bias of the first layer") << 0 << 5 << true;
        QTest::newRow("weight into the output") << 3 << 0 << false;
        QTest::newRow("whole middle layer") << 1 << -1 << false;
    }
    void updateEqualsCompute() {
        QFETCH(int, layer);
        QFETCH(int, node);
        QFETCH(bool, bias);
        Network net = Network::initialized(2,
                                           {{8, Activation::Tanh},
                                            {8, Activation::Tanh},
                                            {8, Activation::Tanh},
                                            {1, Activation::Tanh}},
                                           5);
        const GridConfig cfg{60, 3.0, 25};
        auto live = CpuBackend().gridEvaluator();
        live->compute(net, cfg);
        const Matrix before0 = live->maps().out[0];
        Layer& L = net.layers[std::size_t(layer)];
        const int j = node >= 0 ? node : 0;
        if (bias)
            L.b(j) += 0.75f;
        else
            L.W(0, j) -= 1.25f;
        live->update(net, layer, node);
        auto fresh = CpuBackend().gridEvaluator();
        fresh->compute(net, cfg);
        QVERIFY(sameMaps(live->maps(), fresh->maps()));
        if (layer > 0) QCOMPARE(live->maps().out[0], before0);  // upstream untouched
        if (layer == 0 && bias) {
            const auto a = live->maps().arrows[std::size_t(j)];
            const auto e = weightArrow(L.W(0, j), L.W(1, j), L.b(j));
            QCOMPARE(a->origin[0], e->origin[0]);
        }
    }

    void shapeChangeRecomputes() {
        Network net = quadrantSelector();
        auto eval = CpuBackend().gridEvaluator();
        eval->compute(net, {10, 3.0, 5});
        net.layers[0].W.conservativeResize(2, 3);
        net.layers[0].W.col(2) << 1, 1;
        net.layers[0].b.conservativeResize(3);
        net.layers[0].b(2) = 0.5f;
        net.layers[1].W.conservativeResize(3, 1);
        net.layers[1].W(2, 0) = 0.5f;
        eval->update(net, 0, 2);
        QCOMPARE(eval->maps().out[0].cols(), Eigen::Index(3));
        QCOMPARE(eval->maps().arrows.size(), std::size_t(3));
    }

    void needsTwoInputs() {
        const Network net = Network::initialized(3, {{2, Activation::Tanh}}, 0);
        auto eval = CpuBackend().gridEvaluator();
        try {
            eval->compute(net, {});
            QFAIL("no exception");
        } catch (const InputError& e) {
            QCOMPARE(QString(e.what()),
                     QString("grid maps need a network with 2 inputs; this one has 3"));
        }
    }

    // A constant map far from 0: v - 0.5 and v + 0.5 round onto v (in double from ~1e16, in
    // float long before), so the edges collapse. Every value still lands in the middle bin, as
    // in exact arithmetic, and the counts add up to the number of finite values (#12).
    void constantHugeValuesStayInTheMiddleBin_data() {
        QTest::addColumn<float>("value");
        QTest::addColumn<int>("bins");
        QTest::addColumn<int>("count");
        QTest::addRow("1e17 bins=25") << 1e17f << 25 << 1000;
        QTest::addRow("-1e17 bins=25") << -1e17f << 25 << 1000;
        QTest::addRow("5e15 bins=25") << 5e15f << 25 << 300;
        QTest::addRow("1e30 bins=4") << 1e30f << 4 << 7;
        QTest::addRow("3e38 bins=1024") << 3e38f << 1024 << 513;
        QTest::addRow("1e17 bins=1") << 1e17f << 1 << 9;
    }
    void constantHugeValuesStayInTheMiddleBin() {
        QFETCH(float, value);
        QFETCH(int, bins);
        QFETCH(int, count);
        std::vector<float> v(std::size_t(count), value);
        v.push_back(std::nanf(""));
        const Histogram h = histogram(v.data(), std::int64_t(v.size()), bins);
        std::vector<std::int64_t> expected(std::size_t(bins), 0);
        expected[std::size_t(bins / 2)] = count;
        QCOMPARE(h.counts, expected);
        const HistogramEdges e = histogramEdges(value, value, bins);
        QCOMPARE(hd::histogramBin(value, float(e.first), e.scale, e.thresholds.data(), bins,
                                  e.thresholds[0], e.lastFloor),
                 bins / 2);
        QCOMPARE(hd::histogramBin(std::nanf(""), float(e.first), e.scale, e.thresholds.data(), bins,
                                  e.thresholds[0], e.lastFloor),
                 bins);
    }

    void nonFiniteValuesDoNotBreakHistograms() {
        std::vector<float> v = {1.0f, std::nanf(""), 2.0f, INFINITY, 3.0f};
        const Histogram h = histogram(v.data(), 5, 2);
        QCOMPARE(h.min, 1.0);
        QCOMPARE(h.max, 3.0);
        QCOMPARE(h.counts, (std::vector<std::int64_t>{1, 2}));
    }
};

QTEST_GUILESS_MAIN(TestGrid)
#include "tst_grid.moc"
