// Tests of app/figures: every figure drawn, read back as pixels a person would see.
#include <QFile>
#include <QImage>
#include <QPainter>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.hpp"
#include "core/lesson.hpp"
#include "core/network_io.hpp"
#include "core/trace.hpp"
#include "core/trainer.hpp"
#include "figures/axes.hpp"
#include "figures/colormap.hpp"
#include "figures/figures.hpp"
#include "figures/map_set.hpp"
#include "figures/paint_util.hpp"
#include "figures/png.hpp"
#include "figures/points.hpp"
#include "figures/stats_figure.hpp"
#include "text_boxes.hpp"

using namespace nnlens;
using namespace nnlens::figures;

Q_DECLARE_METATYPE(nnlens::figures::FigureKind)

namespace {

Network preset(const QString& name) {
    return readNetwork(std::string(NNLENS_SOURCE_DIR) + "/resources/presets/" + name.toStdString() +
                       ".nnlens.json");
}

// A network of `layers` x `nodes` tanh nodes on 2 inputs, seeded.
Network wide(int layers, int nodes) {
    return Network::initialized(2,
                                std::vector<LayerSpec>(static_cast<std::size_t>(layers),
                                                       LayerSpec{nodes, Activation::Tanh}),
                                7);
}

// Distinct colours on a sampling grid (every 5th pixel each way).
int distinctColours(const QImage& img) {
    QSet<QRgb> seen;
    for (int y = 0; y < img.height(); y += 5) {
        for (int x = 0; x < img.width(); x += 5)
            seen.insert(img.pixel(x, y));
    }
    return static_cast<int>(seen.size());
}

// The pixel of data point (x1, x2) in a map drawn over [-r, r]^2 into `rect`.
QPoint dataPixel(const QRectF& rect, double r, double x1, double x2) {
    return QPoint(static_cast<int>(rect.left() + (x1 + r) / (2 * r) * rect.width()),
                  static_cast<int>(rect.bottom() - (x2 + r) / (2 * r) * rect.height()));
}

bool isRed(QRgb c) {
    return qRed(c) > qBlue(c) + 80 && qRed(c) > 150;
}
bool isBlue(QRgb c) {
    return qBlue(c) > qRed(c) + 80 && qBlue(c) > 150;
}
bool isNearWhite(QRgb c) {
    return qRed(c) > 215 && qGreen(c) > 215 && qBlue(c) > 215;
}
bool isDark(QRgb c) {
    return qRed(c) < 70 && qGreen(c) < 70 && qBlue(c) < 70;
}
QString rgbText(QRgb c) {
    return QStringLiteral("rgba(%1, %2, %3, %4)")
        .arg(qRed(c))
        .arg(qGreen(c))
        .arg(qBlue(c))
        .arg(qAlpha(c));
}

// The panels of the softmax figure: runs of coloured (viridis) pixels along the middle row.
QList<QRect> findSoftmaxPanels(const QImage& img) {
    QList<QRect> panels;
    const int y = img.height() / 2;
    auto coloured = [&](int x, int yy) {
        const QRgb c = img.pixel(x, yy);
        const int hi = std::max({qRed(c), qGreen(c), qBlue(c)});
        const int lo = std::min({qRed(c), qGreen(c), qBlue(c)});
        return hi - lo > 40;  // viridis is never grey
    };
    int x = 0;
    while (x < img.width()) {
        if (!coloured(x, y)) {
            ++x;
            continue;
        }
        // A run, bridging the few grey pixels of a dashed guide line.
        const int x0 = x;
        int gap = 0;
        while (x < img.width() && gap <= 4) {
            gap = coloured(x, y) ? 0 : gap + 1;
            ++x;
        }
        x -= gap;
        if (x - x0 > 50) {
            const int cx = (x0 + x) / 2;
            // Up and down from the middle, again bridging guide lines; cx - 3 misses the
            // vertical guide through the middle.
            auto extent = [&](int step) {
                int yy = y;
                int g = 0;
                while (yy + step >= 0 && yy + step < img.height() && g <= 4) {
                    yy += step;
                    g = coloured(cx - 3, yy) ? 0 : g + 1;
                }
                return yy - step * g;
            };
            const int top = extent(-1);
            const int bottom = extent(1);
            panels << QRect(QPoint(x0, top), QPoint(x - 1, bottom));
        }
    }
    return panels;
}

// Pixels of exactly the selection frame's colour (drawn without antialiasing in the graph, and
// inside the diagram's 3 px ring).
int selectionPixels(const QImage& img) {
    const QRgb frame = detail::selectionColour().rgb();
    int n = 0;
    for (int y = 0; y < img.height(); ++y) {
        for (int x = 0; x < img.width(); ++x)
            n += (img.pixel(x, y) | 0xff000000u) == frame ? 1 : 0;
    }
    return n;
}

// The map of a one-unit network whose top row is all blue and bottom row all red (w1 < 0 large):
// the first row with a long blue run and the last with a long red run.
QRect findMap(const QImage& img) {
    auto run = [&](int y, bool (*colour)(QRgb)) {
        int best = 0, bestStart = -1, start = -1;
        for (int x = 0; x <= img.width(); ++x) {
            if (x < img.width() && colour(img.pixel(x, y))) {
                if (start < 0) start = x;
                continue;
            }
            if (start >= 0 && x - start > best) {
                best = x - start;
                bestStart = start;
            }
            start = -1;
        }
        return std::make_pair(bestStart, best);
    };
    int top = -1, bottom = -1, left = -1, right = -1;
    for (int y = 0; y < img.height() && top < 0; ++y) {
        const auto [x, n] = run(y, isBlue);
        if (n > 80) {
            top = y;
            left = x;
            right = x + n - 1;
        }
    }
    for (int y = img.height() - 1; y >= 0 && bottom < 0; --y) {
        if (run(y, isRed).second > 80) bottom = y;
    }
    return QRect(QPoint(left, top), QPoint(right, bottom));
}

}  // namespace

class TestFigures : public QObject {
    Q_OBJECT

  private slots:
    void names();
    void defaultSizes_data();
    void defaultSizes();
    void rendersEveryFigure_data();
    void rendersEveryFigure();
    void singleUnitMap();
    void graphLayout_data();
    void graphLayout();
    void graphLabelsAndSelection();
    void legendFlowsIntoEvenRows();
    void lossesShowThreeAtATimeAtTheFloor();
    void lossLegendLeavesTheCurvesAtTheFloor();
    void lossReadoutStaysInsideTheAxes();
    void formulasBreakAtTheirOperators();
    void statsTitlesAreWholeOrShort();
    void histogramOverlay();
    void diagramHit();
    void mapsNeedTwoInputs_data();
    void mapsNeedTwoInputs();
    void softmaxPanels_data();
    void softmaxPanels();
    void softmaxPanelsStackWhenTall();
    void nodeFormula_data();
    void nodeFormula();
    void flowLayout_data();
    void flowLayout();
    void flowDrawsTheSelectionAndGradients();
    void flowGradientChart();
    void matchesCli_data();
    void matchesCli();
    void trainingFigures_data();
    void trainingFigures();
    void trainingFiguresNeedTheirInput_data();
    void trainingFiguresNeedTheirInput();
    void pointsDrawnWhereTheDataAre();
    void discretizedNanStaysNan();
    void manyPointsAreDrawnAsAnEvenSample();
    void decisionLine();
    void lossAxesMapEpochs();
    void logAxesAlwaysHaveNumbers_data();
    void logAxesAlwaysHaveNumbers();
    void trainingFiguresMatchCli_data();
    void trainingFiguresMatchCli();
    void lossCurvesComeFromTheEngine_data();
    void lossCurvesComeFromTheEngine();
    void lossesFigurePanels();
    void selectionFrameOnlyWhenAsked_data();
    void selectionFrameOnlyWhenAsked();
    void arrowHeadStaysOnTheMap_data();
    void arrowHeadStaysOnTheMap();
    void zeroWeightEdgeIsNeutral();
    void arrowLeavesThePresentationLabel();
    void pngKeepsEveryPixel_data();
    void pngKeepsEveryPixel();
    void statsPlotsInTheNotebooksOrder_data();
    void statsPlotsInTheNotebooksOrder();
    void statsHistogramsMatchBruteForce_data();
    void statsHistogramsMatchBruteForce();
    void statsWeightGradScalesWithTheLossScale();
    void statsPaintNeverTraces();
    void statsLayoutAndBars();
};

void TestFigures::names() {
    for (const FigureKind k : kAllFigures)
        QCOMPARE(figureFromName(figureName(k)), std::optional<FigureKind>(k));
    QCOMPARE(figureFromName("graph"), std::optional<FigureKind>(FigureKind::Graph));
    QCOMPARE(figureFromName("node"), std::optional<FigureKind>(FigureKind::NodeMap));
    QVERIFY(!figureFromName("Graph"));
    QVERIFY(figureNeedsMaps(FigureKind::Unit));
    QVERIFY(!figureNeedsMaps(FigureKind::Network));
    QVERIFY(activationIsBounded(Activation::Tanh));
    QVERIFY(activationIsBounded(Activation::Sigmoid));
    QVERIFY(!activationIsBounded(Activation::Relu));
    QVERIFY(!activationIsBounded(Activation::Gelu));
}

void TestFigures::defaultSizes_data() {
    QTest::addColumn<FigureKind>("kind");
    QTest::addColumn<QString>("net");
    QTest::addColumn<QSize>("size");  // at 100 dpi; width 0: only checked to be landscape/portrait
    QTest::newRow("unit 6x6 in") << FigureKind::Unit << "single-unit" << QSize(600, 600);
    QTest::newRow("activations 12x5 in")
        << FigureKind::Activations << "single-unit" << QSize(1200, 500);
    QTest::newRow("softmax 10.5x3 in") << FigureKind::Softmax << "single-unit" << QSize(1050, 300);
    QTest::newRow("node 3x3 in") << FigureKind::NodeMap << "single-unit" << QSize(300, 300);
    QTest::newRow("loss 6.4x4.8 in") << FigureKind::Loss << "single-unit" << QSize(640, 480);
    QTest::newRow("lr-scan 6.4x4.8 in") << FigureKind::LrScan << "single-unit" << QSize(640, 480);
    QTest::newRow("data 6x6 in") << FigureKind::Data << "single-unit" << QSize(600, 600);
    QTest::newRow("fit 8x6 in (the seed's figsize)")
        << FigureKind::Fit << "single-unit" << QSize(800, 600);
    QTest::newRow("losses 13x8.5 in") << FigureKind::Losses << "single-unit" << QSize(1300, 850);
    // 1.1 in a module and its arrow (770 px), wider where the names and shapes need it for labels
    // of 9 pt at 96 dpi (#20).
    QTest::newRow("flow 8-4-3-2: room for its labels at the floor")
        << FigureKind::Flow << "pytorch-primer-8-4-3-2" << QSize(805, 720);
    QTest::newRow("stats 100-200-100-10: 15 plots, 5 x 3 of 3.2 x 2.6 in and the title")
        << FigureKind::Stats << "statistical-perspective" << QSize(1600, 815);
    QTest::newRow("stats 2-8-8-8-1: 22 plots, 6 x 4")
        << FigureKind::Stats << "spiral-2-8-8-8-1" << QSize(1920, 1075);
}

void TestFigures::defaultSizes() {
    QFETCH(FigureKind, kind);
    QFETCH(QString, net);
    QFETCH(QSize, size);
    FigureStyle style;
    QCOMPARE(defaultFigureSize(kind, preset(net), style), size);
    style.dpi = 200.0;
    QCOMPARE(defaultFigureSize(kind, preset(net), style), size * 2);

    // The graph: 3 in per map cell plus the colour bar, capped at 24 in per side.
    style.dpi = 100.0;
    const QSize one = defaultFigureSize(FigureKind::Graph, preset("single-unit"), style);
    QCOMPARE(one.height(), 300);
    QVERIFY(one.width() > 300 && one.width() < 450);
    const QSize spiral = defaultFigureSize(FigureKind::Graph, preset("spiral-2-8-8-8-1"), style);
    QCOMPARE(spiral.height(), 2400);
    QVERIFY(spiral.width() > 1200 && spiral.width() < 1350);
    const QSize big = defaultFigureSize(FigureKind::Graph, wide(8, 16), style);
    QVERIFY(big.height() <= 2400 && big.width() <= 2400);
    const QSize diagram = defaultFigureSize(FigureKind::Network, preset("nn-graph-8-4-3-2"), style);
    QCOMPARE(diagram.width(), 800);  // 2 in per column
}

void TestFigures::rendersEveryFigure_data() {
    QTest::addColumn<FigureKind>("kind");
    QTest::addColumn<QString>("net");
    QTest::addColumn<QSize>("size");
    QTest::addColumn<bool>("transparent");
    QTest::addColumn<bool>("presentation");
    const struct {
        FigureKind kind;
        const char* net;
    } figures[] = {
        {FigureKind::Graph, "spiral-2-8-8-8-1"},       {FigureKind::Unit, "quadrant-selector"},
        {FigureKind::NodeMap, "single-unit"},          {FigureKind::Network, "nn-graph-8-4-3-2"},
        {FigureKind::Activations, "single-unit"},      {FigureKind::Softmax, "single-unit"},
        {FigureKind::Losses, "nn-graph-8-4-3-2"},      {FigureKind::Flow, "pytorch-primer-8-4-3-2"},
        {FigureKind::Stats, "pytorch-primer-8-4-3-2"},
    };
    for (const auto& f : figures) {
        const QString name = QString::fromUtf8(figureName(f.kind).data());
        QTest::newRow(qPrintable(name + " white"))
            << f.kind << f.net << QSize(700, 500) << false << false;
        QTest::newRow(qPrintable(name + " transparent"))
            << f.kind << f.net << QSize(700, 500) << true << false;
        QTest::newRow(qPrintable(name + " presentation 600x400"))
            << f.kind << f.net << QSize(600, 400) << false << true;
        QTest::newRow(qPrintable(name + " tiny 120x90"))
            << f.kind << f.net << QSize(120, 90) << false << false;
    }
}

void TestFigures::rendersEveryFigure() {
    QFETCH(FigureKind, kind);
    QFETCH(QString, net);
    QFETCH(QSize, size);
    QFETCH(bool, transparent);
    QFETCH(bool, presentation);
    FigureOptions opt;
    opt.style.transparent = transparent;
    if (presentation) {
        opt.style.scale = 1.5;
        opt.style.highContrast = true;
    }
    const QImage img = renderFigure(kind, preset(net), nullptr, size, opt);
    QCOMPARE(img.size(), size);
    QCOMPARE(img.format(), QImage::Format_ARGB32_Premultiplied);
    QCOMPARE(img.dotsPerMeterX(), 3937);  // 100 dpi
    QVERIFY2(distinctColours(img) >= 8, qPrintable(QString::number(distinctColours(img))));
    const QRgb corner = img.pixel(0, img.height() - 1);
    if (transparent) {
        QCOMPARE(qAlpha(corner), 0);
    } else {
        QCOMPARE(corner, qRgba(255, 255, 255, 255));
    }
}

void TestFigures::singleUnitMap() {
    // The seed's unit: out = tanh(2 x1 + x2 + 1); the arrow w = (2, 1) from -b w / |w|^2.
    const Network net = preset("single-unit");
    FigureOptions opt;
    const QSize size(700, 600);
    const QImage img = renderFigure(FigureKind::Graph, net, nullptr, size, opt);
    const GraphLayout layout = layoutGraph(net, QRectF(QPointF(0, 0), QSizeF(size)), opt);
    QCOMPARE(layout.maps.size(), std::size_t(1));
    const QRectF map = layout.maps[0][0];
    const double r = net.view.range;

    const QRgb positive = img.pixel(dataPixel(map, r, 2.5, -2.5));  // s = 3.5
    QVERIFY2(isRed(positive), qPrintable(rgbText(positive)));
    const QRgb negative = img.pixel(dataPixel(map, r, -2.5, 1.0));  // s = -3
    QVERIFY2(isBlue(negative), qPrintable(rgbText(negative)));
    // Just beside the s = 0 line (-1.5, 2), on either side: s = +-0.1, tanh nearly 0: white.
    for (const double side : {-1.0, 1.0}) {
        const double d = side * 0.1 / 5.0;  // s changes by |w|^2 d along w
        const QRgb c = img.pixel(dataPixel(map, r, -1.5 + 2 * d, 2.0 + d));
        QVERIFY2(isNearWhite(c), qPrintable(rgbText(c)));
    }
    // The arrow: dark halfway along, from (-0.4, -0.2) to (1.6, 0.8).
    const QRgb arrow = img.pixel(dataPixel(map, r, 0.6, 0.3));
    QVERIFY2(isDark(arrow), qPrintable(rgbText(arrow)));
    // The colour bar is drawn right of the map.
    QVERIFY(!layout.colourBar.isEmpty());
    QVERIFY(layout.colourBar.left() >= map.right());

    // The unit figure shows the same sides.
    const QImage unit = renderFigure(FigureKind::Unit, net, nullptr, QSize(600, 600), opt);
    QVERIFY(distinctColours(unit) > 20);
}

void TestFigures::graphLayout_data() {
    QTest::addColumn<int>("layers");
    QTest::addColumn<int>("nodes");
    QTest::addColumn<QSize>("size");
    QTest::addColumn<bool>("colourBar");
    QTest::newRow("1x1") << 1 << 1 << QSize(400, 300) << true;
    QTest::newRow("2x2") << 2 << 2 << QSize(700, 600) << true;
    QTest::newRow("4x8 wide figure") << 4 << 8 << QSize(2400, 1200) << true;
    QTest::newRow("8x16") << 8 << 16 << QSize(2400, 2400) << true;
    QTest::newRow("8x16 small, no colour bar") << 8 << 16 << QSize(600, 400) << false;
}

void TestFigures::graphLayout() {
    QFETCH(int, layers);
    QFETCH(int, nodes);
    QFETCH(QSize, size);
    QFETCH(bool, colourBar);
    const Network net = wide(layers, nodes);
    FigureOptions opt;
    opt.colourBar = colourBar;
    const QRectF rect(QPointF(0, 0), QSizeF(size));
    const GraphLayout layout = layoutGraph(net, rect, opt);
    QCOMPARE(static_cast<int>(layout.maps.size()), layers);
    for (int l = 0; l < layers; ++l) {
        const auto& column = layout.maps[static_cast<std::size_t>(l)];
        QCOMPARE(static_cast<int>(column.size()), nodes);
        for (int j = 0; j < nodes; ++j) {
            const QRectF m = column[static_cast<std::size_t>(j)];
            QCOMPARE(m.width(), m.height());  // square
            QVERIFY(m.width() >= 1.0);
            QVERIFY(rect.contains(m));
            QCOMPARE(m.left(), column.front().left());  // one column per layer
            if (j > 0) QVERIFY(m.top() >= column[static_cast<std::size_t>(j) - 1].bottom());
            if (l > 0) QVERIFY(m.left() >= layout.maps[static_cast<std::size_t>(l) - 1][0].right());
            QCOMPARE(layout.hit(m.center()), (NodeRef{l, j}));
        }
    }
    QCOMPARE(layout.hit(QPointF(-5, -5)), NodeRef{});
    QCOMPARE(layout.colourBar.isEmpty(), !colourBar);
    if (colourBar) {
        QVERIFY(layout.colourBar.left() >= layout.maps.back().front().right());
        QVERIFY(layout.colourBar.right() <= rect.right());
        QCOMPARE(layout.hit(layout.colourBar.center()), NodeRef{});
    }
    // Between two maps (the gap) is no node.
    if (layers > 1) {
        const QRectF a = layout.maps[0][0];
        const QRectF b = layout.maps[1][0];
        QCOMPARE(layout.hit(QPointF((a.right() + b.left()) / 2.0, a.center().y())), NodeRef{});
    }
}

void TestFigures::graphLabelsAndSelection() {
    const Network net = preset("quadrant-selector");
    FigureOptions opt;
    opt.selected = {1, 0};
    opt.showSelection = true;
    const QSize size(700, 600);
    const QImage img = renderFigure(FigureKind::Graph, net, nullptr, size, opt);
    const GraphLayout layout = layoutGraph(net, QRectF(QPointF(0, 0), QSizeF(size)), opt);
    // Each map carries its LYRi-NODEj label: black text in the top-centre band.
    for (const auto& column : layout.maps) {
        for (const QRectF& m : column) {
            int dark = 0;
            for (int y = static_cast<int>(m.top()); y < m.top() + 0.15 * m.height(); ++y) {
                for (int x = static_cast<int>(m.center().x() - 0.3 * m.width());
                     x < m.center().x() + 0.3 * m.width(); ++x)
                    dark += isDark(img.pixel(x, y)) ? 1 : 0;
            }
            QVERIFY2(dark > 50, qPrintable(QString::number(dark)));
        }
    }
    // The selected map has a dark orange frame; the others do not.
    const QRectF sel = layout.maps[1][0];
    const QRgb frame =
        img.pixel(static_cast<int>(sel.left() + 1), static_cast<int>(sel.center().y()));
    QVERIFY2(qRed(frame) > 200 && qGreen(frame) > 80 && qGreen(frame) < 150 && qBlue(frame) < 60,
             qPrintable(rgbText(frame)));
    const QRectF other = layout.maps[0][1];
    const QRgb plain =
        img.pixel(static_cast<int>(other.left() + 1), static_cast<int>(other.top() + 5));
    QVERIFY2(!(qRed(plain) > 200 && qGreen(plain) < 150 && qBlue(plain) < 60) || isRed(plain),
             qPrintable(rgbText(plain)));
}

void TestFigures::histogramOverlay() {
    const Network net = preset("spiral-2-8-8-8-1");
    const MapSet maps = computeMapSet(net);
    FigureOptions on;
    on.histograms = true;
    FigureOptions off = on;
    off.histograms = false;
    const QSize size(1200, 1300);
    const QImage a = renderFigure(FigureKind::Graph, net, &maps, size, on);
    const QImage b = renderFigure(FigureKind::Graph, net, &maps, size, off);
    const GraphLayout layout = layoutGraph(net, QRectF(QPointF(0, 0), QSizeF(size)), on);
    for (std::size_t l = 0; l < layout.maps.size(); ++l) {
        for (const QRectF& m : layout.maps[l]) {
            int changed = 0;
            for (int y = static_cast<int>(m.top()); y < m.bottom(); y += 2) {
                for (int x = static_cast<int>(m.left()); x < m.right(); x += 2)
                    changed += a.pixel(x, y) != b.pixel(x, y) ? 1 : 0;
            }
            if (l == 0) {
                QCOMPARE(changed, 0);
            } else {
                QVERIFY2(changed > 100, qPrintable(QString::number(changed)));
            }
        }
    }
}

void TestFigures::diagramHit() {
    const Network net = preset("nn-graph-8-4-3-2");
    FigureOptions opt;
    const QRectF rect(0, 0, 800, 490);
    const DiagramLayout layout = layoutDiagram(net, rect, opt);
    QCOMPARE(layout.nodes.size(), std::size_t(4));
    QCOMPARE(layout.shown, (std::vector<int>{8, 4, 3, 2}));
    for (std::size_t c = 0; c < layout.nodes.size(); ++c) {
        for (std::size_t i = 0; i < layout.nodes[c].size(); ++i) {
            const auto hit = layout.hit(net, layout.nodes[c][i] + QPointF(layout.radius * 0.5, 0));
            QCOMPARE(hit.kind, DiagramLayout::Hit::Node);
            QCOMPARE(hit.node, (NodeRef{static_cast<int>(c) - 1, static_cast<int>(i)}));
        }
    }
    // Midpoints of edges whose midpoints no other edge passes through.
    const auto mid = [&](int column, int from, int to) {
        return (layout.nodes[static_cast<std::size_t>(column - 1)][static_cast<std::size_t>(from)] +
                layout.nodes[static_cast<std::size_t>(column)][static_cast<std::size_t>(to)]) /
               2.0;
    };
    auto hit = layout.hit(net, mid(3, 0, 0));
    QCOMPARE(hit.kind, DiagramLayout::Hit::Edge);
    QCOMPARE(hit.node, (NodeRef{2, 0}));
    QCOMPARE(hit.input, 0);
    hit = layout.hit(net, mid(3, 2, 1) + QPointF(0, 1.5));
    QCOMPARE(hit.kind, DiagramLayout::Hit::Edge);
    QCOMPARE(hit.node, (NodeRef{2, 1}));
    QCOMPARE(hit.input, 2);
    QCOMPARE(layout.hit(net, QPointF(2, 2)).kind, DiagramLayout::Hit::None);

    // Large layers are cut with a mark.
    const Network big = Network::initialized(2, {{40, Activation::Relu}, {3, Activation::Tanh}}, 1);
    const DiagramLayout cut = layoutDiagram(big, QRectF(0, 0, 600, 900), opt);
    QCOMPARE(cut.shown, (std::vector<int>{2, 23, 3}));
    const QImage img = renderFigure(FigureKind::Network, big, nullptr, QSize(600, 900), opt);
    QVERIFY(distinctColours(img) > 10);
}

void TestFigures::mapsNeedTwoInputs_data() {
    QTest::addColumn<FigureKind>("kind");
    QTest::addColumn<bool>("throws");
    QTest::newRow("graph") << FigureKind::Graph << true;
    QTest::newRow("unit") << FigureKind::Unit << true;
    QTest::newRow("node") << FigureKind::NodeMap << true;
    QTest::newRow("network") << FigureKind::Network << false;
    QTest::newRow("activations") << FigureKind::Activations << false;
    QTest::newRow("softmax") << FigureKind::Softmax << false;
}

void TestFigures::mapsNeedTwoInputs() {
    QFETCH(FigureKind, kind);
    QFETCH(bool, throws);
    const Network net = preset("nn-graph-8-4-3-2");
    FigureOptions opt;
    const QSize size(500, 400);
    if (!throws) {
        const QImage img = renderFigure(kind, net, nullptr, size, opt);
        QVERIFY(distinctColours(img) >= 8);
        return;
    }
    try {
        renderFigure(kind, net, nullptr, size, opt);
        QFAIL("no InputError");
    } catch (const InputError& e) {
        const std::string expected = "the " + std::string(figureName(kind)) +
                                     " figure needs a network with 2 inputs; this one has 8 "
                                     "(try --figure network)";
        QCOMPARE(std::string(e.what()), expected);
    }
    Network empty;
    empty.inputs = 2;
    QVERIFY_THROWS_EXCEPTION(InputError, renderFigure(kind, empty, nullptr, size, opt));
}

void TestFigures::softmaxPanels_data() {
    QTest::addColumn<double>("lo");
    QTest::addColumn<double>("hi");
    QTest::newRow("seed 0..15") << 0.0 << 15.0;
    QTest::newRow("seed -1..1") << -1.0 << 1.0;
}

void TestFigures::softmaxPanels() {
    QFETCH(double, lo);
    QFETCH(double, hi);
    FigureOptions opt;
    opt.softmaxLo = lo;
    opt.softmaxHi = hi;
    const QImage img = renderFigure(FigureKind::Softmax, Network{}, nullptr, QSize(1050, 300), opt);
    const QList<QRect> panels = findSoftmaxPanels(img);
    QCOMPARE(panels.size(), 3);
    for (const QRect& p : panels)
        QVERIFY(std::abs(p.width() - p.height()) <= 3);  // aspect 'equal'
    auto at = [&](int k, double y1, double y2) {
        const QRectF r = panels[k];
        return img.pixel(static_cast<int>(r.left() + (y1 - lo) / (hi - lo) * r.width()),
                         static_cast<int>(r.bottom() - (y2 - lo) / (hi - lo) * r.height()));
    };
    const double high = lo + 0.93 * (hi - lo);
    const double low = lo + 0.07 * (hi - lo);
    // y1 high, y2 low: p1 wins. How strongly depends on the scale (the seed's point).
    const QRgb p1 = at(0, high, low);
    const QRgb p2 = at(1, high, low);
    if (hi - lo > 10.0) {
        QVERIFY2(qRed(p1) > 200 && qGreen(p1) > 200 && qBlue(p1) < 100, qPrintable(rgbText(p1)));
        QVERIFY2(qRed(p2) < 90 && qGreen(p2) < 40 && qBlue(p2) > 60, qPrintable(rgbText(p2)));
    } else {
        QVERIFY2(qGreen(p1) > qGreen(p2), qPrintable(rgbText(p1) + " " + rgbText(p2)));
    }
    // y2 high, y1 low: p2 wins.
    QVERIFY(qGreen(at(1, low, high)) > qGreen(at(0, low, high)));
}

void TestFigures::nodeFormula_data() {
    QTest::addColumn<QString>("net");
    QTest::addColumn<int>("layer");
    QTest::addColumn<int>("node");
    QTest::addColumn<QString>("formula");
    QTest::newRow("single unit") << "single-unit" << 0 << 0
                                 << "out = tanh(2.00 x1 + 1.00 x2 + 1.00)";
    QTest::newRow("quadrant hidden 1")
        << "quadrant-selector" << 0 << 0 << "out = tanh(2.00 x1 \u2212 1.00 x2 + 0.00)";
    QTest::newRow("quadrant output")
        << "quadrant-selector" << 1 << 0 << "out = tanh(1.00 h1 \u2212 1.00 h2 \u2212 1.00)";
    QTest::newRow("eight inputs, abbreviated")
        << "nn-graph-8-4-3-2" << 0 << 0
        << "out = tanh(11.00 x1 + 21.00 x2 + 31.00 x3 + 41.00 x4 + 51.00 x5 + \u2026 (3 more) + "
           "1.00)";
    QTest::newRow("sigmoid layer")
        << "nn-graph-8-4-3-2" << 2 << 1 << "out = sigmoid(12.00 h1 + 22.00 h2 + 32.00 h3 + 2.00)";
    QTest::newRow("linear") << "activation-linear" << 0 << 0 << "";
}

void TestFigures::nodeFormula() {
    QFETCH(QString, net);
    QFETCH(int, layer);
    QFETCH(int, node);
    QFETCH(QString, formula);
    const Network n = preset(net);
    const QString got = figures::nodeFormula(n, NodeRef{layer, node});
    if (formula.isEmpty()) {
        // Linear: no function around the sum.
        QVERIFY2(got.startsWith("out = ") && !got.contains('('), qPrintable(got));
        return;
    }
    QCOMPARE(got, formula);
}

void TestFigures::flowLayout_data() {
    QTest::addColumn<QString>("net");
    QTest::addColumn<QStringList>("titles");  // print(net)'s modules, shortened
    QTest::newRow("8-4-3-2 relu relu linear: 5 modules")
        << "pytorch-primer-8-4-3-2"
        << QStringList{"Linear\n(8, 4)", "ReLU()", "Linear\n(4, 3)", "ReLU()", "Linear\n(3, 2)"};
    QTest::newRow("100-200-100-10 tanh relu linear: 5 modules")
        << "statistical-perspective"
        << QStringList{"Linear\n(100, 200)", "Tanh()", "Linear\n(200, 100)", "ReLU()",
                       "Linear\n(100, 10)"};
    QTest::newRow("2-8-8-8-1 spiral: 8 modules")
        << "spiral-2-8-8-8-1"
        << QStringList{"Linear\n(2, 8)", "Tanh()", "Linear\n(8, 8)", "Tanh()",
                       "Linear\n(8, 8)", "Tanh()", "Linear\n(8, 1)", "Tanh()"};
}

void TestFigures::flowLayout() {
    QFETCH(QString, net);
    QFETCH(QStringList, titles);
    const Network n = preset(net);
    QStringList got;
    for (int m = 0; m < static_cast<int>(titles.size()); ++m)
        got << moduleTitle(n, m);
    QCOMPARE(got, titles);
    for (const QSize size : {QSize(1200, 400), QSize(640, 260), QSize(300, 150)}) {
        const QRectF rect(QPointF(0, 0), size);
        FigureOptions opt;
        const FlowLayout layout = layoutFlow(n, rect, opt);
        // One box per module, left to right, apart, inside the figure, each hit at its centre.
        QCOMPARE(static_cast<int>(layout.boxes.size()), static_cast<int>(titles.size()));
        for (std::size_t m = 0; m < layout.boxes.size(); ++m) {
            const QRectF& box = layout.boxes[m];
            QVERIFY(rect.contains(box));
            QVERIFY(box.width() > 10 && box.height() > 10);
            if (m > 0) QVERIFY(box.left() > layout.boxes[m - 1].right() + 5);
            QCOMPARE(layout.hit(box.center()), static_cast<int>(m));
        }
        QCOMPARE(layout.hit(QPointF(1, 1)), -1);
    }
}

// The selected module's box is outlined in the selection colour; with a loss the backward
// arrows (purple) are drawn, without one (a trace without gradients) they are not.
void TestFigures::flowDrawsTheSelectionAndGradients() {
    const Network n = preset("pytorch-primer-8-4-3-2");
    const QSize size(900, 400);
    FigureOptions opt;
    auto orangeAround = [&](const QImage& img, int module) {
        const QRectF box =
            layoutFlow(n, QRectF(QPointF(0, 0), size), opt).boxes[static_cast<std::size_t>(module)];
        int orange = 0;
        for (int x = static_cast<int>(box.left()); x < static_cast<int>(box.right()); ++x) {
            for (int dy = -6; dy <= 0; ++dy) {
                const QRgb c = img.pixel(x, static_cast<int>(box.top()) + dy);
                orange += qRed(c) > 200 && qGreen(c) > 60 && qGreen(c) < 160 && qBlue(c) < 80;
            }
        }
        return orange;
    };
    auto purple = [](const QImage& img) {
        int count = 0;
        for (int y = 0; y < img.height(); ++y) {
            for (int x = 0; x < img.width(); ++x) {
                const QRgb c = img.pixel(x, y);
                count += qAbs(qRed(c) - 148) < 20 && qAbs(qGreen(c) - 103) < 20 &&
                         qAbs(qBlue(c) - 189) < 20;
            }
        }
        return count;
    };
    opt.flowModule = 2;
    const QImage selected2 = renderFigure(FigureKind::Flow, n, nullptr, size, opt);
    QVERIFY(orangeAround(selected2, 2) > 20);
    QCOMPARE(orangeAround(selected2, 1), 0);
    QVERIFY(purple(selected2) > 100);  // no trace: every shape, GRAD included

    Dataset normal = normalDataset(100, 8, 0);
    auto forwardOnly = std::make_shared<ModuleTrace>(traceModules(n, normal, TraceConfig{}));
    opt.trace = forwardOnly;
    QCOMPARE(purple(renderFigure(FigureKind::Flow, n, nullptr, size, opt)), 0);
}

// The gradient flow under the boxes: one purple bar under each module, taller for a larger RMS
// of its GRAD (log axis).
void TestFigures::flowGradientChart() {
    const Network n = preset("statistical-perspective");
    const QSize size(1000, 720);
    FigureOptions opt;
    FlowSource source;
    source.samples = 500;
    opt.trace = traceFlow(n, source);
    opt.flowModule = -1;
    const QImage img = renderFigure(FigureKind::Flow, n, nullptr, size, opt);
    const FlowLayout layout = layoutFlow(n, QRectF(QPointF(0, 0), size), opt);
    QCOMPARE(layout.boxes.size(), std::size_t{5});
    auto barHeight = [&](const QRectF& box) {
        const int x = static_cast<int>(box.center().x());
        int longest = 0;
        int run = 0;
        for (int y = static_cast<int>(box.bottom()) + 2; y < size.height() / 2; ++y) {
            const QRgb c = img.pixel(x, y);
            const bool purple =
                qAbs(qRed(c) - 148) < 20 && qAbs(qGreen(c) - 103) < 20 && qAbs(qBlue(c) - 189) < 20;
            run = purple ? run + 1 : 0;
            longest = std::max(longest, run);
        }
        return longest;
    };
    std::vector<double> rms;
    std::vector<int> heights;
    for (int m = 0; m < 5; ++m) {
        const TensorSummary& g = *opt.trace->summaries[static_cast<std::size_t>(m)].grad;
        rms.push_back(std::sqrt(g.mean * g.mean + g.std * g.std));
        heights.push_back(barHeight(layout.boxes[static_cast<std::size_t>(m)]));
        QVERIFY2(heights.back() >= 3, qPrintable(QString::number(heights.back())));
    }
    const auto big = std::max_element(rms.begin(), rms.end()) - rms.begin();
    const auto small = std::min_element(rms.begin(), rms.end()) - rms.begin();
    QVERIFY(rms[static_cast<std::size_t>(big)] > 2.0 * rms[static_cast<std::size_t>(small)]);
    QVERIFY(heights[static_cast<std::size_t>(big)] > heights[static_cast<std::size_t>(small)]);
}

void TestFigures::matchesCli_data() {
    QTest::addColumn<FigureKind>("kind");
    QTest::addColumn<QString>("net");
    QTest::addColumn<QSize>("size");
    QTest::addColumn<QStringList>("extra");
    QTest::newRow("graph") << FigureKind::Graph << "quadrant-selector" << QSize(700, 500)
                           << QStringList{};
    QTest::newRow("activations") << FigureKind::Activations << "single-unit" << QSize(900, 400)
                                 << QStringList{};
    QTest::newRow("unit, node 2,1, presentation")
        << FigureKind::Unit << "quadrant-selector" << QSize(500, 500)
        << QStringList{"--node", "2,1", "--presentation"};
    QTest::newRow("losses") << FigureKind::Losses << "nn-graph-8-4-3-2" << QSize(1000, 650)
                            << QStringList{};
    QTest::newRow("losses, sigma 0.5, bce emphasised, presentation")
        << FigureKind::Losses << "single-unit" << QSize(900, 600)
        << QStringList{"--sigma", "0.5", "--loss", "bce", "--presentation"};
    QTest::newRow("losses, --loss all")
        << FigureKind::Losses << "single-unit" << QSize(700, 500) << QStringList{"--loss", "all"};
    QTest::newRow("flow 8-4-3-2, module 2, loss scale 100")
        << FigureKind::Flow << "pytorch-primer-8-4-3-2" << QSize(900, 400)
        << QStringList{"--module", "2", "--loss-scale", "100"};
    QTest::newRow("flow 100-200-100-10, N 50, seed 3")
        << FigureKind::Flow << "statistical-perspective" << QSize(800, 300)
        << QStringList{"--n", "50", "--seed", "3"};
    QTest::newRow("stats 100-200-100-10")
        << FigureKind::Stats << "statistical-perspective" << QSize(1600, 815) << QStringList{};
    QTest::newRow("stats 8-4-3-2, module 4, 12 bins, loss scale 100, N 64, seed 2")
        << FigureKind::Stats << "pytorch-primer-8-4-3-2" << QSize(900, 640)
        << QStringList{"--module", "4",   "--bins", "12",     "--loss-scale",
                       "100",      "--n", "64",     "--seed", "2"};
    QTest::newRow("stats 2-8-8-8-1, presentation")
        << FigureKind::Stats << "spiral-2-8-8-8-1" << QSize(1200, 800)
        << QStringList{"--presentation"};
}

void TestFigures::matchesCli() {
    QFETCH(FigureKind, kind);
    QFETCH(QString, net);
    QFETCH(QSize, size);
    QFETCH(QStringList, extra);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString png = dir.filePath("fig.png");
    const QString netPath =
        QStringLiteral(NNLENS_SOURCE_DIR) + "/resources/presets/" + net + ".nnlens.json";
    QProcess p;
    p.setProgram(QStringLiteral(NNLENS_CLI_PATH));
    p.setArguments(QStringList{"render", netPath, "--figure",
                               QString::fromUtf8(figureName(kind).data()), "-o", png, "--width",
                               QString::number(size.width()), "--height",
                               QString::number(size.height()), "--backend", "cpu"} +
                   extra);
    p.start();
    QVERIFY(p.waitForFinished(120000));
    QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());

    const Network n = preset(net);
    FigureOptions opt;
    if (extra.contains("--presentation")) {
        opt.style.scale = 1.5;
        opt.style.highContrast = true;
    }
    if (extra.contains("--node")) opt.selected = {1, 0};
    if (const auto i = extra.indexOf("--sigma"); i >= 0) opt.lossSigma = extra[i + 1].toDouble();
    if (const auto i = extra.indexOf("--loss"); i >= 0)
        opt.lossHighlight = lossFromName(extra[i + 1].toStdString());  // nullopt for "all"
    opt.highlight = n.layers[static_cast<std::size_t>(std::max(0, opt.selected.layer))].activation;
    if (kind == FigureKind::Flow || kind == FigureKind::Stats) {
        // The CLI's defaults: normal inputs, N from the network, seed 0, mse, module 0.
        auto value = [&extra](const char* option, double fallback) {
            const auto at = extra.indexOf(QString::fromUtf8(option));
            return at >= 0 ? extra.at(at + 1).toDouble() : fallback;
        };
        FlowSource source;
        source.samples = static_cast<int>(value("--n", defaultFlowSamples(n)));
        source.seed = static_cast<std::uint64_t>(value("--seed", 0));
        source.lossScale = static_cast<float>(value("--loss-scale", 1.0));
        opt.trace = traceFlow(n, source);
        opt.flowSamples = source.samples;
        opt.flowModule = static_cast<int>(value("--module", 0));
        opt.statsModule = static_cast<int>(value("--module", -1));
        opt.statsBins = static_cast<int>(value("--bins", 50));
    }
    const QImage expected =
        renderFigure(kind, n, nullptr, size, opt).convertToFormat(QImage::Format_ARGB32);
    QImage written(png);
    QVERIFY(!written.isNull());
    written = written.convertToFormat(QImage::Format_ARGB32);
    QCOMPARE(written.size(), size);
    int differ = 0;
    for (int y = 0; y < size.height(); ++y) {
        for (int x = 0; x < size.width(); ++x)
            differ += written.pixel(x, y) != expected.pixel(x, y) ? 1 : 0;
    }
    QCOMPARE(differ, 0);
}

// In a tall space (the window's Softmax tab) the panels go 2 x 2 and come out larger than three
// in a row could be.
void TestFigures::softmaxPanelsStackWhenTall() {
    const QImage img =
        renderFigure(FigureKind::Softmax, Network{}, nullptr, QSize(600, 700), FigureOptions{});
    // Two panels across the upper half, one in the lower half.
    const QList<QRect> upper = findSoftmaxPanels(img.copy(0, 0, 600, 350));
    const QList<QRect> lower = findSoftmaxPanels(img.copy(0, 350, 600, 350));
    QCOMPARE(upper.size(), 2);
    QCOMPARE(lower.size(), 1);
    for (const QRect& p : upper + lower)
        QVERIFY2(p.width() > 600 / 3, qPrintable(QString::number(p.width())));
}

namespace {

// A 500-epoch run's losses falling from 0.5, with a validation curve above them.
std::shared_ptr<const LossHistory> sampleHistory() {
    auto h = std::make_shared<LossHistory>();
    for (int e = 0; e < 500; ++e) {
        h->train.append(0.5f * std::exp(-0.01f * static_cast<float>(e)) + 0.001f);
        h->val.append(0.6f * std::exp(-0.008f * static_cast<float>(e)) + 0.002f);
    }
    return h;
}

std::shared_ptr<const LrScanCurve> sampleScan() {
    auto s = std::make_shared<LrScanCurve>();
    for (int i = 0; i < 60; ++i) {
        const double lr = 1e-6 * std::pow(10.0, 6.0 * i / 99.0);
        s->lr.push_back(lr);
        s->loss.push_back(static_cast<float>(0.3 - 0.2 * i / 60.0 + (i > 50 ? 0.5 * (i - 50) : 0)));
    }
    s->recommended = 0.5 * s->lr[50];
    return s;
}

// The options each training figure needs: history, scan, or the seed's sincos data.
FigureOptions trainingOptions(FigureKind kind) {
    FigureOptions opt;
    opt.history = sampleHistory();
    opt.scan = sampleScan();
    if (kind == FigureKind::Data) {
        opt.data = std::make_shared<const Dataset>(generateDataset("spiral", 200, 0.1, 1));
    } else {
        opt.data = std::make_shared<const Dataset>(generateDataset("sincos", 100, 0.0, 1));
    }
    opt.trainRows = 80;
    opt.fitColumn = "t";
    return opt;
}

bool near(QRgb c, QColor want, int tolerance) {
    return std::abs(qRed(c) - want.red()) <= tolerance &&
           std::abs(qGreen(c) - want.green()) <= tolerance &&
           std::abs(qBlue(c) - want.blue()) <= tolerance;
}

// Whether a pixel within `radius` of `p` satisfies `test`.
template <typename Test>
bool anyNear(const QImage& img, QPoint p, int radius, Test test) {
    for (int dy = -radius; dy <= radius; ++dy) {
        for (int dx = -radius; dx <= radius; ++dx) {
            const QPoint q = p + QPoint(dx, dy);
            if (img.rect().contains(q) && test(img.pixel(q))) return true;
        }
    }
    return false;
}

}  // namespace

void TestFigures::trainingFigures_data() {
    QTest::addColumn<FigureKind>("kind");
    QTest::addColumn<QString>("net");
    QTest::addColumn<QSize>("size");
    QTest::addColumn<bool>("presentation");
    const struct {
        FigureKind kind;
        const char* net;
    } figures[] = {{FigureKind::Loss, "single-unit"},
                   {FigureKind::LrScan, "single-unit"},
                   {FigureKind::Data, "spiral-2-8-8-8-1"},
                   {FigureKind::Fit, "lesson-sincos-2-3-1"}};
    for (const auto& f : figures) {
        const QString name = QString::fromUtf8(figureName(f.kind).data());
        QTest::newRow(qPrintable(name + " 700x500")) << f.kind << f.net << QSize(700, 500) << false;
        QTest::newRow(qPrintable(name + " presentation 600x400"))
            << f.kind << f.net << QSize(600, 400) << true;
        QTest::newRow(qPrintable(name + " tiny 120x90"))
            << f.kind << f.net << QSize(120, 90) << false;
    }
}

// Each new figure has its size, is not blank and has a white background.
void TestFigures::trainingFigures() {
    QFETCH(FigureKind, kind);
    QFETCH(QString, net);
    QFETCH(QSize, size);
    QFETCH(bool, presentation);
    FigureOptions opt = trainingOptions(kind);
    if (presentation) {
        opt.style.scale = 1.5;
        opt.style.highContrast = true;
    }
    const QImage img = renderFigure(kind, preset(net), nullptr, size, opt);
    QCOMPARE(img.size(), size);
    QVERIFY2(distinctColours(img) >= 8, qPrintable(QString::number(distinctColours(img))));
    QCOMPARE(img.pixel(0, img.height() - 1), qRgba(255, 255, 255, 255));
}

void TestFigures::trainingFiguresNeedTheirInput_data() {
    QTest::addColumn<FigureKind>("kind");
    QTest::addColumn<QString>("drop");
    QTest::addColumn<QString>("message");
    QTest::newRow("loss without history")
        << FigureKind::Loss << "history"
        << "the loss figure needs --history (a train result with at least one epoch)";
    QTest::newRow("lr-scan without scan")
        << FigureKind::LrScan << "scan"
        << "the lr-scan figure needs --scan (an lr-scan result with at least one loss)";
    QTest::newRow("data without data")
        << FigureKind::Data << "data"
        << "the data figure needs --data (or a network whose lesson names its data)";
    QTest::newRow("fit without data")
        << FigureKind::Fit << "data"
        << "the fit figure needs --data (or a network whose lesson names its data)";
    QTest::newRow("fit against an unknown column")
        << FigureKind::Fit << "column"
        << "the fit figure: no column \"z\" in the data (known: x1..x2, t)";
}

void TestFigures::trainingFiguresNeedTheirInput() {
    QFETCH(FigureKind, kind);
    QFETCH(QString, drop);
    QFETCH(QString, message);
    FigureOptions opt = trainingOptions(kind);
    if (drop == "history") opt.history.reset();
    if (drop == "scan") opt.scan.reset();
    if (drop == "data") opt.data.reset();
    if (drop == "column") opt.fitColumn = "z";
    try {
        renderFigure(kind, preset("quadrant-selector"), nullptr, QSize(300, 200), opt);
        QFAIL("drawn without its input");
    } catch (const InputError& e) {
        QCOMPARE(QString::fromStdString(e.what()), message);
    }
}

// On the single unit's map (out = tanh(2 x1 + x2 + 1) over [-3, 3]^2): training points filled in
// their class colour, a validation point hollow, a misclassified point crossed in red.
// 100 000 rows: an even stride of at most kMaxDrawnPoints rows is drawn (train and validation in
// proportion), its misclassified marks as the whole data's at those rows; the data figure still
// counts the accuracy over every row.
void TestFigures::manyPointsAreDrawnAsAnEvenSample() {
    const Network net = preset("spiral-2-8-8-8-1");
    const auto data = std::make_shared<const Dataset>(generateDataset("spiral", 100000, 0.1, 1));
    FigureOptions opt;
    opt.data = data;
    opt.trainRows = 80000;
    const detail::DataOverlay sample = detail::makeDataOverlay(net, opt);
    QVERIFY(!sample.shown.empty());
    QVERIFY(sample.shown.size() <= static_cast<std::size_t>(detail::kMaxDrawnPoints));
    QVERIFY(sample.shown.size() >= static_cast<std::size_t>(detail::kMaxDrawnPoints) * 9 / 10);
    const auto validation =
        std::count_if(sample.shown.begin(), sample.shown.end(), [](int i) { return i >= 80000; });
    QVERIFY(std::abs(static_cast<double>(validation) / static_cast<double>(sample.shown.size()) -
                     0.2) < 0.01);
    const detail::DataOverlay full = detail::makeDataOverlay(net, opt, true);
    QCOMPARE(full.shown, sample.shown);
    QCOMPARE(full.outputs.rows(), Eigen::Index{100000});
    int marked = 0;
    for (const int i : sample.shown) {
        QCOMPARE(sample.wrong[static_cast<std::size_t>(i)],
                 full.wrong[static_cast<std::size_t>(i)]);
        marked += sample.wrong[static_cast<std::size_t>(i)];
    }
    QVERIFY(marked > 0);  // the untrained network misclassifies some
    // 4 000 rows or fewer: every row drawn.
    FigureOptions few;
    few.data = std::make_shared<const Dataset>(generateDataset("spiral", 4000, 0.1, 1));
    QCOMPARE(detail::makeDataOverlay(net, few).shown.size(), std::size_t{4000});
}

void TestFigures::pointsDrawnWhereTheDataAre() {
    const Network net = preset("single-unit");
    auto data = std::make_shared<Dataset>();
    data->x.resize(4, 2);
    data->y.resize(4, 1);
    data->x << 1.0f, 1.0f, -1.0f, -2.0f, -2.0f, 1.0f, 2.0f, -2.0f;
    data->y << 1.0f, 0.0f, 1.0f, 1.0f;  // row 2: out = tanh(-2) < 0.5, so misclassified
    FigureOptions opt;
    opt.data = data;
    opt.trainRows = 3;  // row 3 validates
    const QSize size(300, 300);
    const QImage img = renderFigure(FigureKind::NodeMap, net, nullptr, size, opt);
    const double margin = std::round(opt.style.px(2.0));
    const double side = std::floor(300.0 - 2.0 * margin);
    const QRectF square(std::round(150.0 - side / 2.0), std::round(150.0 - side / 2.0), side, side);
    const double r = net.view.range;
    const QRgb high = img.pixel(dataPixel(square, r, 1.0, 1.0));
    QVERIFY2(near(high, QColor(255, 196, 0), 30), qPrintable(rgbText(high)));
    const QRgb low = img.pixel(dataPixel(square, r, -1.0, -2.0));
    QVERIFY2(near(low, QColor(0, 205, 190), 30), qPrintable(rgbText(low)));
    // Misclassified: a red cross over the point, on a blue map.
    const QRgb crossed = img.pixel(dataPixel(square, r, -2.0, 1.0));
    QVERIFY2(qRed(crossed) > 150 && qGreen(crossed) < 80 && qBlue(crossed) < 80,
             qPrintable(rgbText(crossed)));
    // Hollow: the map's red shows in the middle, the class colour in the ring around it.
    const QPoint hollow = dataPixel(square, r, 2.0, -2.0);
    QVERIFY2(isRed(img.pixel(hollow)), qPrintable(rgbText(img.pixel(hollow))));
    QVERIFY(anyNear(img, hollow, 5, [](QRgb c) { return near(c, QColor(255, 196, 0), 40); }));
    // "Show validation data" off: the validation row is neither drawn nor in the overlay.
    opt.showValidation = false;
    QCOMPARE(detail::makeDataOverlay(net, opt).shown, (std::vector<int>{0, 1, 2}));
    // Without data the same place is the map.
    const QImage plain = renderFigure(FigureKind::NodeMap, net, nullptr, size, FigureOptions{});
    QVERIFY(isRed(plain.pixel(dataPixel(square, r, 1.0, 1.0))));
}

// Discretize Output: two colours split at the threshold; a NaN output keeps the maps' NaN colour
// instead of passing for the negative class.
void TestFigures::discretizedNanStaysNan() {
    MapSet set;
    set.config.n = 2;
    set.outputs.resize(4, 1);
    set.outputs << std::nanf(""), 0.9f, 0.1f, 0.5f;
    const QImage img = discretizedImage(set, 0, Activation::Sigmoid);
    QCOMPARE(img.size(), QSize(2, 2));
    const Colormap& cmap = Colormap::diverging();
    int nan = 0;
    int high = 0;
    int low = 0;
    for (int y = 0; y < 2; ++y)
        for (int x = 0; x < 2; ++x) {
            const QRgb c = img.pixel(x, y);
            nan += c == cmap.at(NAN);
            high += qRed(c) > qBlue(c) + 60;  // red: the positive class
            low += qBlue(c) > qRed(c) + 60;
        }
    QCOMPARE(nan, 1);
    QCOMPARE(high, 1);
    QCOMPARE(low, 2);  // 0.1 and exactly 0.5 (not above the threshold)
}

// The decision line out = 0.5 (targets 0/1) of the single unit: 2 x1 + x2 + 1 = atanh(0.5), so
// through (0, atanh(0.5) - 1); dark there, and the map elsewhere.
void TestFigures::decisionLine() {
    const Network net = preset("single-unit");
    auto data = std::make_shared<Dataset>();
    data->x.resize(2, 2);
    data->y.resize(2, 1);
    data->x << 2.5f, 2.5f, -2.5f, -2.5f;
    data->y << 1.0f, 0.0f;
    FigureOptions opt;
    opt.data = data;
    const QImage img = renderFigure(FigureKind::NodeMap, net, nullptr, QSize(300, 300), opt);
    const double margin = std::round(opt.style.px(2.0));
    const double side = std::floor(300.0 - 2.0 * margin);
    const QRectF square(std::round(150.0 - side / 2.0), std::round(150.0 - side / 2.0), side, side);
    const double x2 = std::atanh(0.5) - 1.0;
    QVERIFY(anyNear(img, dataPixel(square, 3.0, 0.0, x2), 1, isDark));
    QVERIFY(anyNear(img, dataPixel(square, 3.0, 1.0, x2 - 2.0), 1, isDark));
    QVERIFY(!anyNear(img, dataPixel(square, 3.0, 0.0, x2 + 1.0), 2, isDark));
    // The s = 0 line would be at x2 = -1: that is not where this line is.
    QVERIFY(!isDark(img.pixel(dataPixel(square, 3.0, 0.0, -1.5))));
}

// lossPlotArea is the axes box: epoch 1 at its left edge, the last epoch at its right; the
// timeline's epoch is a line drawn there.
void TestFigures::lossAxesMapEpochs() {
    FigureOptions opt;
    opt.history = sampleHistory();
    const QRectF rect(0, 0, 640, 480);
    const QRectF area = lossPlotArea(rect, opt);
    QVERIFY(rect.contains(area) && area.width() > 400 && area.height() > 300);
    QCOMPARE(lossEpochAt(rect, opt, area.left()), std::optional<int>(1));
    QCOMPARE(lossEpochAt(rect, opt, area.right()), std::optional<int>(500));
    QCOMPARE(lossEpochAt(rect, opt, area.left() + area.width() * 249.0 / 499.0),
             std::optional<int>(250));
    QCOMPARE(lossEpochAt(rect, opt, -50.0), std::optional<int>(1));

    const QImage without = renderFigure(FigureKind::Loss, Network{}, nullptr, QSize(640, 480), opt);
    opt.markEpoch = 250;
    const QImage with = renderFigure(FigureKind::Loss, Network{}, nullptr, QSize(640, 480), opt);
    const int x = static_cast<int>(std::round(area.left() + area.width() * 249.0 / 499.0));
    int darker = 0;
    for (int y = static_cast<int>(area.top()) + 5; y < static_cast<int>(area.bottom()) - 5; ++y)
        darker += qGray(with.pixel(x, y)) + 60 < qGray(without.pixel(x, y)) ? 1 : 0;
    QVERIFY2(darker > area.height() / 4, qPrintable(QString::number(darker)));
}

void TestFigures::trainingFiguresMatchCli_data() {
    QTest::addColumn<FigureKind>("kind");
    QTest::addColumn<QString>("net");
    QTest::newRow("loss") << FigureKind::Loss << "single-unit";
    QTest::newRow("data") << FigureKind::Data << "lesson-xor-2-4-1";
    QTest::newRow("fit") << FigureKind::Fit << "lesson-sincos-2-3-1";
}

// nnlens-cli render draws what renderFigure draws for the same history, data and split.
void TestFigures::trainingFiguresMatchCli() {
    QFETCH(FigureKind, kind);
    QFETCH(QString, net);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString png = dir.filePath("fig.png");
    const QString netPath =
        QStringLiteral(NNLENS_SOURCE_DIR) + "/resources/presets/" + net + ".nnlens.json";
    QFile history(dir.filePath("train.json"));
    QVERIFY(history.open(QIODevice::WriteOnly));
    history.write(
        R"({"backend":"cpu","train_loss":[0.5,0.25,0.125,0.1],"val_loss":[0.6,0.3,0.2,0.2]})");
    history.close();
    const QSize size(640, 480);
    QStringList args{"render",    netPath,
                     "--figure",  QString::fromUtf8(figureName(kind).data()),
                     "-o",        png,
                     "--width",   QString::number(size.width()),
                     "--height",  QString::number(size.height()),
                     "--backend", "cpu"};
    if (kind == FigureKind::Loss) args << "--history" << history.fileName();
    if (kind == FigureKind::Fit)
        args << "--fit-column"
             << "t";
    QProcess p;
    p.setProgram(QStringLiteral(NNLENS_CLI_PATH));
    p.setArguments(args);
    p.start();
    QVERIFY(p.waitForFinished(120000));
    QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());

    // The same figure from the window's side: the lesson's data and split.
    const Network n = preset(net);
    FigureOptions opt;
    opt.highlight = n.layers.front().activation;
    if (kind == FigureKind::Loss) {
        auto h = std::make_shared<LossHistory>();
        h->train = EpochSeries({0.5f, 0.25f, 0.125f, 0.1f});
        h->val = EpochSeries({0.6f, 0.3f, 0.2f, 0.2f});
        opt.history = h;
    } else {
        const Lesson lesson = lessonOf(n);
        QVERIFY(lesson.data.has_value());
        opt.data =
            std::make_shared<const Dataset>(loadLessonData(*lesson.data, netPath.toStdString()));
        opt.trainRows = trainingRows(opt.data->size(), lesson.data->valSplit);
        opt.fitColumn = kind == FigureKind::Fit ? "t" : "";
    }
    const QImage expected =
        renderFigure(kind, n, nullptr, size, opt).convertToFormat(QImage::Format_ARGB32);
    QImage written(png);
    QVERIFY(!written.isNull());
    written = written.convertToFormat(QImage::Format_ARGB32);
    QCOMPARE(written.size(), size);
    int differ = 0;
    for (int y = 0; y < size.height(); ++y) {
        for (int x = 0; x < size.width(); ++x)
            differ += written.pixel(x, y) != expected.pixel(x, y) ? 1 : 0;
    }
    QCOMPARE(differ, 0);
}

// ---- losses --------------------------------------------------------------------------------

namespace {

// Spec section 3's per-sample terms, written out in double precision independently of the engine
// (ce: logits (x, 0, 0), label 0 for target 1, else 1).
double specLoss(Loss loss, double x, double y, double sigma) {
    switch (loss) {
        case Loss::Mse:
            return (x - y) * (x - y);
        case Loss::L2:
            return 0.5 * (x - y) * (x - y);
        case Loss::Chi2:
            return (x - y) / sigma * (x - y) / sigma;
        case Loss::Bce:
            return -(y * std::log(x) + (1.0 - y) * std::log(1.0 - x));
        case Loss::BceLogits: {
            const double p = 1.0 / (1.0 + std::exp(-x));
            return -(y * std::log(p) + (1.0 - y) * std::log(1.0 - p));
        }
        case Loss::Ce: {
            const double lse = std::log(std::exp(x) + 2.0);
            return lse - (y >= 0.5 ? x : 0.0);
        }
    }
    return 0.0;
}

}  // namespace

void TestFigures::lossCurvesComeFromTheEngine_data() {
    QTest::addColumn<int>("loss");
    QTest::addColumn<double>("sigma");
    QTest::addColumn<QList<double>>("xs");
    const QList<double> regression{-0.9, -0.2, 0.3, 0.7, 1.4, 1.9};
    const QList<double> logits{-5.0, -1.3, -0.2, 0.4, 2.2, 5.5};
    QTest::newRow("mse") << int(Loss::Mse) << 1.0 << regression;
    QTest::newRow("l2") << int(Loss::L2) << 1.0 << regression;
    QTest::newRow("chi2 sigma 1") << int(Loss::Chi2) << 1.0 << regression;
    QTest::newRow("chi2 sigma 0.5") << int(Loss::Chi2) << 0.5 << regression;
    QTest::newRow("chi2 sigma 3") << int(Loss::Chi2) << 3.0 << regression;
    QTest::newRow("bce") << int(Loss::Bce) << 1.0 << QList<double>{0.02, 0.2, 0.5, 0.73, 0.97};
    QTest::newRow("bce_logits") << int(Loss::BceLogits) << 1.0 << logits;
    QTest::newRow("ce, 3 classes") << int(Loss::Ce) << 1.0 << logits;
}

// The plotted values are the engine's (evaluateLoss on one sample); checked against the spec's
// formulas and the gradient against a central difference of them.
void TestFigures::lossCurvesComeFromTheEngine() {
    QFETCH(int, loss);
    QFETCH(double, sigma);
    QFETCH(QList<double>, xs);
    const auto l = static_cast<Loss>(loss);
    const std::vector<double> x(xs.begin(), xs.end());
    for (const double y : {0.0, 1.0}) {
        const LossCurve c = lossCurve(l, y, x, sigma);
        QCOMPARE(c.value.size(), x.size());
        QCOMPARE(c.gradient.size(), x.size());
        for (std::size_t i = 0; i < x.size(); ++i) {
            const double want = specLoss(l, x[i], y, sigma);
            const double h = 1e-5;
            const double slope =
                (specLoss(l, x[i] + h, y, sigma) - specLoss(l, x[i] - h, y, sigma)) / (2.0 * h);
            const QString where =
                QStringLiteral("x = %1, y = %2: L %3 (want %4), dL/dx %5 (want %6)")
                    .arg(x[i])
                    .arg(y)
                    .arg(c.value[i])
                    .arg(want)
                    .arg(c.gradient[i])
                    .arg(slope);
            QVERIFY2(std::abs(c.value[i] - want) <= 1e-5 + 1e-4 * std::abs(want),
                     qPrintable(where));
            QVERIFY2(std::abs(c.gradient[i] - slope) <= 1e-4 + 1e-3 * std::abs(slope),
                     qPrintable(where));
        }
    }
    // The formula the panel shows names the loss the notebook's way.
    QVERIFY(!lossFormula(l).isEmpty());
}

// Six panels, each with both targets' colours; the emphasised one stays strong, the rest light.
void TestFigures::lossesFigurePanels() {
    const QSize size(1300, 850);
    auto countColour = [](const QImage& img, QRgb want, const QRect& r) {
        int n = 0;
        for (int y = r.top(); y <= r.bottom(); ++y) {
            for (int x = r.left(); x <= r.right(); ++x) {
                const QRgb c = img.pixel(x, y);
                n += std::abs(qRed(c) - qRed(want)) < 12 &&
                             std::abs(qGreen(c) - qGreen(want)) < 12 &&
                             std::abs(qBlue(c) - qBlue(want)) < 12
                         ? 1
                         : 0;
            }
        }
        return n;
    };
    const QRgb blue = qRgb(31, 119, 180);
    const QRgb orange = qRgb(255, 127, 14);
    // The six cells of the 3 x 2 grid below the legend row.
    auto cell = [&](int i) {
        const int top = 60;
        const int w = size.width() / 3;
        const int h = (size.height() - top) / 2;
        return QRect((i % 3) * w + 4, top + (i / 3) * h + 4, w - 8, h - 8);
    };
    FigureOptions opt;
    const QImage all = renderFigure(FigureKind::Losses, preset("single-unit"), nullptr, size, opt);
    QCOMPARE(all.size(), size);
    QCOMPARE(all.pixel(0, size.height() - 1), qRgba(255, 255, 255, 255));
    for (int i = 0; i < 6; ++i) {
        QVERIFY2(countColour(all, blue, cell(i)) > 150, qPrintable(QString::number(i)));
        QVERIFY2(countColour(all, orange, cell(i)) > 150, qPrintable(QString::number(i)));
    }
    opt.lossHighlight = Loss::Bce;
    const QImage one = renderFigure(FigureKind::Losses, preset("single-unit"), nullptr, size, opt);
    for (int i = 0; i < 6; ++i) {
        const int strong = countColour(one, blue, cell(i)) + countColour(one, orange, cell(i));
        if (kLosses[static_cast<std::size_t>(i)].id == Loss::Bce) {
            QVERIFY2(strong > 300, qPrintable(QString::number(strong)));
        } else {
            QVERIFY2(strong < 20, qPrintable(QString::number(strong)));  // drawn light
        }
    }
    // chi2's sigma changes its panel and no other.
    opt.lossHighlight.reset();
    opt.lossSigma = 0.5;
    const QImage narrow =
        renderFigure(FigureKind::Losses, preset("single-unit"), nullptr, size, opt);
    for (int i = 0; i < 6; ++i) {
        const bool chi2 = kLosses[static_cast<std::size_t>(i)].id == Loss::Chi2;
        QCOMPARE(narrow.copy(cell(i)) != all.copy(cell(i)), chi2);
    }
    if (const QString dir = qEnvironmentVariable("NNLENS_SHOT_DIR"); !dir.isEmpty()) {
        all.save(dir + "/losses-figure.png");
        one.save(dir + "/losses-figure-bce.png");
    }
}

// #13: a figure for a slide has no marks of the window: no selection frame unless asked.
void TestFigures::selectionFrameOnlyWhenAsked_data() {
    QTest::addColumn<FigureKind>("kind");
    QTest::addColumn<QString>("net");
    QTest::addColumn<QSize>("size");
    QTest::newRow("graph, quadrant selector")
        << FigureKind::Graph << "quadrant-selector" << QSize(700, 600);
    QTest::newRow("graph, 2-8-8-8-1")
        << FigureKind::Graph << "spiral-2-8-8-8-1" << QSize(600, 1000);
    QTest::newRow("network, quadrant selector")
        << FigureKind::Network << "quadrant-selector" << QSize(600, 300);
    QTest::newRow("network, 8-4-3-2")
        << FigureKind::Network << "nn-graph-8-4-3-2" << QSize(800, 490);
}

void TestFigures::selectionFrameOnlyWhenAsked() {
    QFETCH(FigureKind, kind);
    QFETCH(QString, net);
    QFETCH(QSize, size);
    const Network n = preset(net);
    FigureOptions opt;
    opt.selected = {1, 0};
    QCOMPARE(selectionPixels(renderFigure(kind, n, nullptr, size, opt)), 0);
    opt.showSelection = true;
    const int framed = selectionPixels(renderFigure(kind, n, nullptr, size, opt));
    QVERIFY2(framed > 100, qPrintable(QString::number(framed)));
}

// #13: for large |w| the arrow used to leave the map with its head, leaving a shaft without a
// direction. Its head now sits inside the map at the edge where w points.
void TestFigures::arrowHeadStaysOnTheMap_data() {
    QTest::addColumn<FigureKind>("kind");
    QTest::addColumn<QSize>("size");
    QTest::newRow("unit figure") << FigureKind::Unit << QSize(600, 600);
    QTest::newRow("graph figure (nn_graph_draw2d)") << FigureKind::Graph << QSize(580, 450);
    QTest::newRow("node map") << FigureKind::NodeMap << QSize(400, 400);
}

void TestFigures::arrowHeadStaysOnTheMap() {
    QFETCH(FigureKind, kind);
    QFETCH(QSize, size);
    Network net = Network::initialized(2, {{1, Activation::Tanh}}, 0);
    net.layers[0].W(0, 0) = 2.0f;
    net.layers[0].W(1, 0) = -5.0f;
    net.layers[0].b(0) = 0.0f;  // the arrow starts at the centre
    const QImage img = renderFigure(kind, net, nullptr, size, FigureOptions{});
    if (const QString dir = qEnvironmentVariable("NNLENS_SHOT_DIR"); !dir.isEmpty()) {
        img.save(dir + "/arrow-" + QString::fromUtf8(figureName(kind).data()) + ".png");
    }
    const QRect map = findMap(img);
    QVERIFY2(map.width() > 150 && std::abs(map.width() - map.height()) <= 3,
             qPrintable(QStringLiteral("%1,%2 %3x%4")
                            .arg(map.x())
                            .arg(map.y())
                            .arg(map.width())
                            .arg(map.height())));
    // w = (2, -5) from the centre leaves [-3, 3]^2 through the bottom edge at x1 = 1.2.
    const QPointF centre = QRectF(map).center();
    const QPointF exit(centre.x() + 1.2 / 3.0 * map.width() / 2.0, map.bottom());
    const QPointF d = exit - centre;
    const double len = std::hypot(d.x(), d.y());
    const QPointF u = d / len;
    const QPointF normal(-u.y(), u.x());
    // How wide the dark arrow is across its axis, `back` pixels before the exit.
    auto width = [&](double back) {
        const QPointF c = exit - u * back;
        int dark = 0;
        for (int k = -25; k <= 25; ++k) {
            const QPoint q = (c + normal * k).toPoint();
            if (map.adjusted(1, 1, -1, -1).contains(q) && isDark(img.pixel(q))) ++dark;
        }
        return dark;
    };
    const int shaft = width(0.5 * len);
    QVERIFY2(shaft >= 2, qPrintable(QString::number(shaft)));
    int head = 0;
    for (double back = 1.0; back < 40.0; back += 1.0)
        head = std::max(head, width(back));
    // The head: twice the shaft's width near the edge, inside the map.
    QVERIFY2(head >= 2 * shaft,
             qPrintable(QStringLiteral("head %1 px wide, shaft %2 px").arg(head).arg(shaft)));
    // ... and only there: the origin's end is the shaft's width (the direction reads w's way).
    for (double back = 0.4 * len; back < 0.9 * len; back += 3.0)
        QVERIFY2(width(back) < 2 * shaft, qPrintable(QString::number(back)));
}

// #13: a weight of exactly 0 was a faint red hairline (the positive colour): it has no sign.
// It is a grey dashed line now: neutral colours along it, and gaps.
void TestFigures::zeroWeightEdgeIsNeutral() {
    Network net = preset("quadrant-selector");
    net.layers[0].W(0, 1) = 0.0f;  // x1 -> layer 1 node 2
    QVERIFY(net.layers[0].W(1, 0) != 0.0f);
    FigureOptions opt;
    const QSize size(600, 300);
    const QImage img = renderFigure(FigureKind::Network, net, nullptr, size, opt);
    const DiagramLayout layout = layoutDiagram(net, QRectF(QPointF(0, 0), QSizeF(size)), opt);
    const QPointF from = layout.nodes[0][0];
    const QPointF to = layout.nodes[1][1];
    int drawn = 0, gaps = 0, samples = 0;
    for (double t = 0.2; t <= 0.8; t += 0.005) {
        if (t > 0.4 && t < 0.6) continue;  // where x2 -> node 1 crosses it
        const QRgb c = img.pixel((from + (to - from) * t).toPoint());
        ++samples;
        QVERIFY2(std::abs(qRed(c) - qBlue(c)) <= 8 && std::abs(qRed(c) - qGreen(c)) <= 8,
                 qPrintable(QStringLiteral("t %1: %2").arg(t).arg(rgbText(c))));
        if (qGray(c) < 215) ++drawn;
        if (qGray(c) > 245) ++gaps;
    }
    QVERIFY2(drawn >= samples / 5, qPrintable(QStringLiteral("%1 of %2").arg(drawn).arg(samples)));
    QVERIFY2(gaps >= samples / 10, qPrintable(QStringLiteral("%1 of %2").arg(gaps).arg(samples)));
}

// #13: the fast PNG writer (render, File > Export, bench) loses nothing: the pixels, the alpha
// and the dpi come back, from Qt's reader and from ImageMagick's.
void TestFigures::pngKeepsEveryPixel_data() {
    QTest::addColumn<FigureKind>("kind");
    QTest::addColumn<QSize>("size");
    QTest::addColumn<bool>("transparent");
    QTest::addColumn<double>("dpi");
    QTest::newRow("graph 2-8-8-8-1, 600 x 1200, opaque")
        << FigureKind::Graph << QSize(600, 1200) << false << 100.0;
    QTest::newRow("unit, transparent, 150 dpi")
        << FigureKind::Unit << QSize(450, 450) << true << 150.0;
    QTest::newRow("network, 1 x 1 px") << FigureKind::Network << QSize(1, 1) << false << 72.0;
}

void TestFigures::pngKeepsEveryPixel() {
    QFETCH(FigureKind, kind);
    QFETCH(QSize, size);
    QFETCH(bool, transparent);
    QFETCH(double, dpi);
    FigureOptions opt;
    opt.style.transparent = transparent;
    opt.style.dpi = dpi;
    const QImage img = renderFigure(kind, preset("spiral-2-8-8-8-1"), nullptr, size, opt);
    const QByteArray png = encodePng(img);
    QVERIFY(png.startsWith("\x89PNG\r\n\x1a\n"));
    QImage back;
    QVERIFY(back.loadFromData(png, "PNG"));
    QCOMPARE(back.size(), size);
    QCOMPARE(back.hasAlphaChannel(), transparent);
    QCOMPARE(back.dotsPerMeterX(), img.dotsPerMeterX());
    QCOMPARE(back.dotsPerMeterY(), img.dotsPerMeterY());
    const QImage a = img.convertToFormat(QImage::Format_ARGB32);
    const QImage b = back.convertToFormat(QImage::Format_ARGB32);
    int differ = 0;
    for (int y = 0; y < size.height(); ++y) {
        for (int x = 0; x < size.width(); ++x)
            differ += a.pixel(x, y) != b.pixel(x, y) ? 1 : 0;
    }
    QCOMPARE(differ, 0);
    if (transparent) QCOMPARE(qAlpha(back.pixel(0, 0)), 0);

    // ImageMagick reads it as the same PNG (where it is installed).
    const QString identify = QStandardPaths::findExecutable(QStringLiteral("identify"));
    if (identify.isEmpty()) return;
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("fig.png"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(png), png.size());
    file.close();
    QProcess p;
    p.start(identify, {QStringLiteral("-regard-warnings"), QStringLiteral("-format"),
                       QStringLiteral("%m %w %h %[opaque]"), path});
    QVERIFY(p.waitForFinished(30000));
    QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
    const QString expected =
        QStringLiteral("PNG %1 %2 %3")
            .arg(size.width())
            .arg(size.height())
            .arg(transparent ? QStringLiteral("false") : QStringLiteral("true"));
    // ImageMagick 6 writes "true", 7 "True".
    QCOMPARE(QString::fromUtf8(p.readAllStandardOutput()).trimmed().toLower(), expected.toLower());
}

QTEST_MAIN(TestFigures)
// A log axis over any range shows at least two labelled ticks, inside the range and in order:
// a loss that only falls from 0.45 to 0.24 still reads off its axis.
void TestFigures::logAxesAlwaysHaveNumbers_data() {
    QTest::addColumn<double>("lo");
    QTest::addColumn<double>("hi");
    QTest::addColumn<QString>("expectLabel");
    QTest::newRow("decades") << -4.0 << 1.0 << QStringLiteral("10\u00b9");
    QTest::newRow("two decades") << -2.2 << -0.1 << QStringLiteral("10\u207b\u00b9");
    QTest::newRow("0.03..0.6, one notation")
        << std::log10(0.03) << std::log10(0.6) << QStringLiteral("0.1");
    QTest::newRow("0.24..0.45") << std::log10(0.24) << std::log10(0.45) << QStringLiteral("0.3");
    QTest::newRow("0.241..0.249") << std::log10(0.241) << std::log10(0.249)
                                  << QStringLiteral("0.244");
    QTest::newRow("1200..1900") << std::log10(1200.0) << std::log10(1900.0)
                                << QStringLiteral("1400");
}

void TestFigures::logAxesAlwaysHaveNumbers() {
    QFETCH(double, lo);
    QFETCH(double, hi);
    QFETCH(QString, expectLabel);
    const FigureStyle style;
    for (const bool horizontal : {false, true}) {
        const auto ticks = detail::axisTicks(lo, hi, 7, 300.0, horizontal, true, style);
        QVERIFY2(ticks.size() >= 2, qPrintable(QString::number(ticks.size())));
        QStringList labels;
        for (std::size_t i = 0; i < ticks.size(); ++i) {
            QVERIFY(ticks[i].at >= lo - 1e-9 && ticks[i].at <= hi + 1e-9);
            if (i > 0) QVERIFY(ticks[i].at > ticks[i - 1].at);
            QVERIFY(!ticks[i].label.isEmpty());
            labels << ticks[i].label;
        }
        QVERIFY2(labels.contains(expectLabel), qPrintable(labels.join(' ')));
        // One notation per axis: powers of ten or plain numbers, never both.
        int powers = 0;
        for (const QString& label : labels)
            powers += label.startsWith(QStringLiteral("10")) && label.size() > 2 &&
                      (label.at(2).unicode() >= 0x2070 || label.at(2).unicode() == 0xb9 ||
                       label.at(2).unicode() == 0xb2 || label.at(2).unicode() == 0xb3);
        QVERIFY2(powers == 0 || powers == labels.size(), qPrintable(labels.join(' ')));
    }
}

#include "tst_figures.moc"

// ---- the stats figure ----------------------------------------------------------------------

namespace {

std::shared_ptr<const ModuleTrace> statsTraceOf(const Network& n, float lossScale = 1.0f) {
    FlowSource source;
    source.samples = defaultFlowSamples(n);
    source.lossScale = lossScale;
    return traceFlow(n, source);
}

}  // namespace

void TestFigures::statsPlotsInTheNotebooksOrder_data() {
    QTest::addColumn<QString>("net");
    QTest::addColumn<QStringList>("titles");
    QTest::newRow("100-200-100-10: the notebook's page")
        << "statistical-perspective" << QStringList{"Input (net[0].input)",
                                                    "(0) Linear(100, 200) W",
                                                    "(0) Linear(100, 200) b",
                                                    "(0) Linear(100, 200) out",
                                                    "(1) Tanh() in \u2192 out",
                                                    "(1) Tanh() out",
                                                    "(2) Linear(200, 100) W",
                                                    "(2) Linear(200, 100) b",
                                                    "(2) Linear(200, 100) out",
                                                    "(3) ReLU() in \u2192 out",
                                                    "(3) ReLU() out",
                                                    "(4) Linear(100, 10) W",
                                                    "(4) Linear(100, 10) b",
                                                    "(4) Linear(100, 10) out",
                                                    "(2) Linear(200, 100) W vs dW"};
    QTest::newRow("single unit: one Linear, W vs dW of it")
        << "single-unit"
        << QStringList{"Input (net[0].input)",    "(0) Linear(2, 1) W",       "(0) Linear(2, 1) b",
                       "(0) Linear(2, 1) out",    "(1) Tanh() in \u2192 out", "(1) Tanh() out",
                       "(0) Linear(2, 1) W vs dW"};
}

void TestFigures::statsPlotsInTheNotebooksOrder() {
    QFETCH(QString, net);
    QFETCH(QStringList, titles);
    const Network n = preset(net);
    QStringList got;
    for (const StatsPlot& plot : statsPlots(n, defaultStatsModule(n)))
        got << statsPlotTitle(n, plot);
    QCOMPARE(got, titles);
    QCOMPARE(statsPlots(Network{}, -1).size(), std::size_t{0});
    // An activation module has no W: its W-vs-dW plot is left out, the default one is drawn.
    FigureOptions opt;
    opt.statsModule = 1;
    QCOMPARE(statsModule(n, opt), defaultStatsModule(n));
}

void TestFigures::statsHistogramsMatchBruteForce_data() {
    QTest::addColumn<QString>("net");
    QTest::addColumn<int>("bins");
    QTest::newRow("100-200-100-10, 50 bins") << "statistical-perspective" << 50;
    QTest::newRow("100-200-100-10, 7 bins") << "statistical-perspective" << 7;
    QTest::newRow("100-200-100-10, 1 bin") << "statistical-perspective" << 1;
    QTest::newRow("8-4-3-2, 13 bins") << "pytorch-primer-8-4-3-2" << 13;
}

// Every histogram of the page against numpy.histogram written out plainly (searchsorted on edges
// in double, the last bin closed), mean and std in double, and the bound n_in^-1/2 with every
// PyTorch-initialised W and b inside it.
void TestFigures::statsHistogramsMatchBruteForce() {
    QFETCH(QString, net);
    QFETCH(int, bins);
    const Network n = preset(net);
    const auto trace = statsTraceOf(n);
    const std::vector<Module> modules = splitModules(n);
    int checked = 0;
    for (const StatsPlot& plot : statsPlots(n, defaultStatsModule(n))) {
        const StatsPlotData d = statsPlotData(*trace, plot, bins);
        std::vector<double> values;
        auto take = [&values](const float* v, Eigen::Index count) { values.assign(v, v + count); };
        const int m = plot.module;
        switch (plot.kind) {
            case StatsPlotKind::Input:
                take(trace->input(0).data(), trace->input(0).size());
                break;
            case StatsPlotKind::Output:
                take(trace->output(m).data(), trace->output(m).size());
                break;
            case StatsPlotKind::Weight:
                take(n.layers[static_cast<std::size_t>(modules[static_cast<std::size_t>(m)].layer)]
                         .W.data(),
                     trace->weight(m)->size());
                break;
            case StatsPlotKind::Bias:
                take(trace->bias(m)->data(), trace->bias(m)->size());
                break;
            case StatsPlotKind::Curve:
            case StatsPlotKind::WeightGrad:
                QVERIFY(!d.hist);
                QVERIFY(d.count > 0);
                continue;
        }
        QVERIFY(d.hist);
        const double lo = *std::min_element(values.begin(), values.end());
        const double hi = *std::max_element(values.begin(), values.end());
        std::vector<double> edges(static_cast<std::size_t>(bins) + 1);
        for (int k = 0; k <= bins; ++k)
            edges[static_cast<std::size_t>(k)] = lo + (hi - lo) * k / bins;
        edges.back() = hi;
        std::vector<std::int64_t> counts(static_cast<std::size_t>(bins), 0);
        double sum = 0.0;
        for (const double v : values) {
            sum += v;
            auto at = std::upper_bound(edges.begin(), edges.end(), v) - edges.begin() - 1;
            if (v == hi) at = bins - 1;
            ++counts[static_cast<std::size_t>(at)];
        }
        const double mean = sum / static_cast<double>(values.size());
        double var = 0.0;
        for (const double v : values)
            var += (v - mean) * (v - mean);
        const double sd = std::sqrt(var / static_cast<double>(values.size()));
        const QString what = statsPlotTitle(n, plot);
        QVERIFY2(d.hist->hist.counts == counts, qPrintable(what));
        QCOMPARE(d.hist->min, lo);
        QCOMPARE(d.hist->max, hi);
        QVERIFY2(std::abs(d.hist->mean - mean) <= 1e-9 * std::max(1.0, std::abs(mean)),
                 qPrintable(what));
        QVERIFY2(std::abs(d.hist->std - sd) <= 1e-9 * std::max(1.0, sd), qPrintable(what));
        if (plot.kind == StatsPlotKind::Weight || plot.kind == StatsPlotKind::Bias) {
            const int nIn =
                n.layers[static_cast<std::size_t>(modules[static_cast<std::size_t>(m)].layer)]
                    .inputs();
            QVERIFY(d.bound);
            QCOMPARE(*d.bound, 1.0 / std::sqrt(static_cast<double>(nIn)));
            QVERIFY2(-*d.bound <= lo && hi <= *d.bound, qPrintable(what));
        } else {
            QVERIFY(!d.bound);
        }
        ++checked;
    }
    QVERIFY(checked >= 5);
    QVERIFY_THROWS_EXCEPTION(InputError, statsPlotData(*trace, {StatsPlotKind::Input, 0}, 0));
}

// The notebook's learning-rate insight: 100 * loss gives the same W and 100 times the dW.
void TestFigures::statsWeightGradScalesWithTheLossScale() {
    const Network n = preset("statistical-perspective");
    const StatsPlot plot{StatsPlotKind::WeightGrad, 2};
    const auto one = statsTraceOf(n, 1.0f);
    const auto hundred = statsTraceOf(n, 100.0f);
    const StatsPlotData a = statsPlotData(*one, plot, 50);
    const StatsPlotData b = statsPlotData(*hundred, plot, 50);
    QCOMPARE(a.count, std::int64_t{200 * 100});
    QCOMPARE(b.count, a.count);
    // |b - 100 a| <= atol + rtol |100 a|, atol from the largest gradient (float sums round).
    const double largest = 100.0 * std::max(std::abs(a.ySummary->min), std::abs(a.ySummary->max));
    for (std::int64_t k = 0; k < a.count; ++k) {
        QCOMPARE(b.x[k], a.x[k]);
        const double expected = 100.0 * a.y[k];
        QVERIFY(std::abs(b.y[k] - expected) <= 1e-5 * largest + 1e-4 * std::abs(expected));
    }
    QVERIFY(std::abs(b.ySummary->max - 100.0 * a.ySummary->max) <=
            1e-4 * std::abs(100.0 * a.ySummary->max));
    // The picture moves: the dW axis' labels (the dots keep their places on autoscaled axes).
    FigureOptions opt;
    opt.trace = one;
    const QImage img1 = renderFigure(FigureKind::Stats, n, nullptr, QSize(1200, 700), opt);
    opt.trace = hundred;
    const QImage img100 = renderFigure(FigureKind::Stats, n, nullptr, QSize(1200, 700), opt);
    const StatsLayout layout = layoutStats(n, QRectF(0, 0, 1200, 700), opt);
    const QRect cell = layout.cells.back().toAlignedRect();
    QVERIFY(img1.copy(cell) != img100.copy(cell));
    QCOMPARE(img1.copy(layout.cells[1].toAlignedRect()),
             img100.copy(layout.cells[1].toAlignedRect()));
}

// #19 item 12: painting and hit-testing read the trace they are given and never run one: without
// a fitting trace the page says it is tracing; renderFigure (a network alone) traces first.
void TestFigures::statsPaintNeverTraces() {
    const Network n = preset("statistical-perspective");
    FigureOptions none;
    QVERIFY(!statsTrace(n, none));
    const StatsLayout layout = layoutStats(n, QRectF(0, 0, 1600, 815), none);
    QVERIFY(!layout.cells.empty());
    for (const QRectF& axes : layout.axes)
        QVERIFY(axes.isValid());
    QImage painted(1600, 815, QImage::Format_ARGB32_Premultiplied);
    painted.fill(Qt::white);
    {
        QPainter p(&painted);
        paintStats(p, QRectF(0, 0, 1600, 815), n, none);
    }
    FigureOptions traced;
    traced.trace = statsTraceOf(n);
    // Another network's trace does not fit: not drawn.
    FigureOptions stale;
    stale.trace = statsTraceOf(preset("pytorch-primer-8-4-3-2"));
    QVERIFY(!statsTrace(n, stale));
    const QImage rendered = renderFigure(FigureKind::Stats, n, nullptr, QSize(1600, 815), none);
    const QImage withTrace = renderFigure(FigureKind::Stats, n, nullptr, QSize(1600, 815), traced);
    QCOMPARE(rendered, withTrace);  // renderFigure traced the same defaults
    QVERIFY(painted != withTrace);  // the note, not the plots
    QCOMPARE(withStatsTrace(n, none).trace->summaries.size(), traced.trace->summaries.size());
}

void TestFigures::statsLayoutAndBars() {
    const Network n = preset("statistical-perspective");
    FigureOptions opt;
    opt.trace = statsTraceOf(n);
    const QRectF rect(0, 0, 1600, 815);
    const StatsLayout layout = layoutStats(n, rect, opt);
    QCOMPARE(layout.columns, 5);
    QCOMPARE(layout.rows, 3);
    for (std::size_t i = 0; i < layout.cells.size(); ++i) {
        QVERIFY(rect.contains(layout.cells[i]));
        QVERIFY(layout.cells[i].contains(layout.axes[i]));
        QVERIFY(layout.axes[i].width() > 150 && layout.axes[i].height() > 120);
        QCOMPARE(layout.hit(layout.axes[i].center()), static_cast<int>(i));
        for (std::size_t j = i + 1; j < layout.cells.size(); ++j)
            QVERIFY(!layout.cells[i].intersects(layout.cells[j]));
    }
    QCOMPARE(layout.hit(QPointF(-5, -5)), -1);
    // The bars: one per bin, side by side over the axes, the tallest reaching 1/1.05 of it.
    const QImage img = renderFigure(FigureKind::Stats, n, nullptr, rect.size().toSize(), opt);
    for (const int bins : {50, 9}) {
        opt.statsBins = bins;
        const StatsPlotData d = statsPlotData(*opt.trace, layout.plots[0], bins);
        const auto bars = statsBars(d, layout.axes[0]);
        QCOMPARE(static_cast<int>(bars.size()), bins);
        double top = layout.axes[0].bottom();
        for (std::size_t k = 0; k < bars.size(); ++k) {
            if (k > 0) QVERIFY(std::abs(bars[k].left() - bars[k - 1].right()) < 1e-6);
            const QRectF box = layout.axes[0].adjusted(-0.5, -0.5, 0.5, 0.5);
            QVERIFY(box.left() <= bars[k].left() && bars[k].right() <= box.right());
            QVERIFY(box.top() <= bars[k].top() && bars[k].bottom() <= box.bottom());
            top = std::min(top, bars[k].top());
        }
        QVERIFY(std::abs((layout.axes[0].bottom() - top) * 1.05 - layout.axes[0].height()) < 1e-6);
    }
    // The bound lines of W: red inside the axes at +-0.1 (the 100-input module), above the bars.
    const StatsPlotData w = statsPlotData(*opt.trace, layout.plots[1], 50);
    QCOMPARE(*w.bound, 0.1);
    int red = 0;
    const QRect box = layout.axes[1].toAlignedRect();
    for (int x = box.left(); x <= box.right(); ++x) {
        const QRgb c = img.pixel(x, box.top() + 3);
        red += qRed(c) > 180 && qGreen(c) < 90 && qBlue(c) < 90 ? 1 : 0;
    }
    QVERIFY2(red >= 2, qPrintable(QString::number(red)));
}

// The legends of the losses and fit plots (#20): one row where they fit, else as few rows as
// fit, evenly filled (4 entries: 2 and 2), every row within the width; an entry wider than the
// width alone on its row.
void TestFigures::legendFlowsIntoEvenRows() {
    QFont font;
    font.setPixelSize(12);
    const QFontMetricsF fm(font);
    const QStringList texts{QStringLiteral("L, target y = 1"), QStringLiteral("L, target y = 0"),
                            QStringLiteral("dL/dx, y = 1"), QStringLiteral("dL/dx, y = 0")};
    const double sample = 20.0, pad = 5.0, gap = 18.0;
    double one = -gap;
    for (const QString& t : texts)
        one += gap + sample + pad + fm.horizontalAdvance(t);
    const auto check = [&](double width, int rows) {
        const detail::LegendFlow flow = detail::flowLegend(fm, texts, sample, pad, gap, width);
        QCOMPARE(flow.rows(), rows);
        QCOMPARE(flow.row.size(), std::size_t{4});
        for (int i = 0; i < 4; ++i) {
            // In order, left to right within a row.
            if (i > 0 && flow.row[i] == flow.row[i - 1]) QVERIFY(flow.x[i] > flow.x[i - 1]);
            if (i > 0) QVERIFY(flow.row[i] >= flow.row[i - 1]);
        }
        for (int r = 0; r < rows; ++r) {
            if (rows < 4) QVERIFY(flow.rowWidth[r] <= width);
            QCOMPARE(std::count(flow.row.begin(), flow.row.end(), r), 4 / rows);
        }
    };
    check(one, 1);
    check(one - 1.0, 2);  // not 3 and 1
    // Just the wider of the two rows of two.
    check(2.0 * (sample + pad) + gap + fm.horizontalAdvance(texts[0]) +
              fm.horizontalAdvance(texts[1]),
          2);
    check(10.0, 4);
}

// Fit, then floor (#20): presentation mode's text on a wide, short view left the six loss panels'
// axes 50 px high; the window's view shows three at a time there, with marks to turn to the
// other three. Files (no floor) keep the notebook's 3 x 2.
void TestFigures::lossesShowThreeAtATimeAtTheFloor() {
    FigureOptions opt;
    const QRectF rect(0, 0, 1430, 520);
    QCOMPARE(layoutLosses(rect, opt).panels.size(), std::size_t{6});
    QVERIFY(!layoutLosses(rect, opt).nextShown());
    opt.style.scale = 1.8;
    opt.style.minTextPx = 24.0;
    const LossesLayout first = layoutLosses(rect, opt);
    QCOMPARE(first.panels.size(), std::size_t{3});
    QCOMPARE(first.losses.front(), Loss::Mse);
    QVERIFY(first.nextShown() && !first.previousShown());
    for (const QRectF& panel : first.panels)
        QVERIFY(rect.contains(panel));
    QCOMPARE(first.pageHit(first.next.center()), 3);
    QCOMPARE(first.pageHit(first.panels[0].center()), -1);
    opt.lossesFirst = 3;
    const LossesLayout second = layoutLosses(rect, opt);
    QCOMPARE(second.losses.front(), Loss::Bce);
    QCOMPARE(second.losses.back(), Loss::Ce);
    QVERIFY(second.previousShown() && !second.nextShown());
    QCOMPARE(second.pageHit(second.previous.center()), 0);
    // Tall enough for the 3 x 2 at that text: all six again.
    QCOMPARE(layoutLosses(QRectF(0, 0, 1430, 1400), opt).panels.size(), std::size_t{6});
    // The page drawn: no text out of the figure or over another, at the floor.
    test::TextRecorder recorder(rect.size().toSize(), 96.0);
    {
        QPainter p(&recorder);
        paintLosses(p, rect, opt);
    }
    const QStringList problems = test::textProblems(recorder.boxes(), rect, 24.0 - 0.5);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QStringLiteral("; "))));
}

// The loss plot's legend at a projector's text size in a dock-sized plot (#20: its box hid the
// curves): above the axes, every text inside the figure and apart; without a floor (files),
// matplotlib's box inside the axes' upper right.
void TestFigures::lossLegendLeavesTheCurvesAtTheFloor() {
    FigureOptions opt;
    opt.history = sampleHistory();
    const QRectF rect(0, 0, 330, 230);
    const auto legendBoxes = [&](const FigureOptions& o) {
        test::TextRecorder recorder(rect.size().toSize(), 96.0);
        {
            QPainter p(&recorder);
            paintLoss(p, rect, o);
        }
        std::vector<test::TextBox> legend;
        for (const test::TextBox& box : recorder.boxes())
            if (box.text == QStringLiteral("train") || box.text == QStringLiteral("validation"))
                legend.push_back(box);
        return std::make_pair(legend, recorder.boxes());
    };
    const QRectF plain = lossPlotArea(rect, opt);
    const auto [inside, all] = legendBoxes(opt);
    QCOMPARE(inside.size(), std::size_t{2});
    for (const test::TextBox& box : inside)
        QVERIFY(plain.contains(box.box));
    opt.style.scale = 1.8;
    opt.style.minTextPx = 24.0;
    const QRectF axes = lossPlotArea(rect, opt);
    const auto [above, boxes] = legendBoxes(opt);
    QCOMPARE(above.size(), std::size_t{2});
    for (const test::TextBox& box : above)
        QVERIFY2(box.box.bottom() <= axes.top(), qPrintable(box.text));
    const QStringList problems = test::textProblems(boxes, rect, 24.0 - 0.5);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QStringLiteral("; "))));
}

// #20: the timeline's readout ("epoch 120: 0.0123 / 0.0456") takes the x label's place under the
// axes wherever the line is (inside them it sat on the curves), shortened where the figure is too
// narrow for it whole (it ran off the left edge of a narrow dock at a projector's text size).
void TestFigures::lossReadoutStaysInsideTheAxes() {
    FigureOptions opt;
    opt.history = sampleHistory();
    for (const double width : {330.0, 240.0}) {
        for (const int epoch : {1, 40, 250, 460, 500}) {
            opt.markEpoch = epoch;
            opt.style.scale = 1.8;
            opt.style.minTextPx = 24.0;
            const QRectF rect(0, 0, width, 300);
            const QRectF axes = lossPlotArea(rect, opt);
            test::TextRecorder recorder(rect.size().toSize(), 96.0);
            {
                QPainter p(&recorder);
                paintLoss(p, rect, opt);
            }
            bool found = false;
            for (const test::TextBox& box : recorder.boxes()) {
                // The readout: the train loss at the epoch, alone or after it.
                const QString loss = QString::number(
                    static_cast<double>(opt.history->train.at(epoch).value), 'g', 3);
                if (!box.text.contains(QLatin1Char(':')) && !box.text.startsWith(loss.left(4)))
                    continue;
                found = true;
                // Under the axes, in the x label's place, and inside the figure.
                QVERIFY2(
                    rect.adjusted(-0.5, -0.5, 0.5, 0.5).contains(box.box) &&
                        box.box.top() >= axes.bottom(),
                    qPrintable(
                        QStringLiteral("%1 at %2 in %3 px").arg(box.text).arg(epoch).arg(width)));
            }
            QVERIFY(found);
            const QStringList problems = test::textProblems(recorder.boxes(), rect, 24.0 - 0.5);
            QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QStringLiteral("; "))));
        }
    }
    // Not over the curves where the axes leave room for it (#20, walk 5: late in a run it sat on
    // both): no curve pixel of the plot without the readout lies under its text.
    for (const int epoch : {40, 250, 460, 500}) {
        opt.markEpoch = epoch;
        opt.style.scale = 1.0;
        opt.style.minTextPx = 12.0;
        const QRectF rect(0, 0, 640, 300);
        test::TextRecorder recorder(rect.size().toSize(), 96.0);
        {
            QPainter p(&recorder);
            paintLoss(p, rect, opt);
        }
        FigureOptions bare = opt;
        bare.markEpoch.reset();
        const QImage img =
            renderFigure(FigureKind::Loss, Network{}, nullptr, rect.size().toSize(), bare);
        bool found = false;
        for (const test::TextBox& box : recorder.boxes()) {
            if (!box.text.startsWith(QStringLiteral("epoch"))) continue;
            found = true;
            int covered = 0;
            const QRect under = box.box.toAlignedRect() & img.rect();
            for (int y = under.top(); y <= under.bottom(); ++y) {
                for (int x = under.left(); x <= under.right(); ++x) {
                    const QColor c = img.pixelColor(x, y);
                    const bool blue = c.blue() > 150 && c.red() < 90;
                    const bool orange =
                        c.red() > 220 && c.green() > 90 && c.green() < 160 && c.blue() < 60;
                    covered += blue || orange;
                }
            }
            QVERIFY2(covered == 0, qPrintable(QStringLiteral("%1 at %2 covers %3 curve pixels")
                                                  .arg(box.text)
                                                  .arg(epoch)
                                                  .arg(covered)));
        }
        QVERIFY(found);
    }
}

// #20: on the screen (a text floor), the label of a small map is "L1-N1" and a weight arrow that
// points at it stops short of it (it ran into the label at 1920 x 1080).
void TestFigures::arrowLeavesThePresentationLabel() {
    Network net = Network::initialized(2, {{1, Activation::Tanh}}, 0);
    net.layers[0].W(0, 0) = 0.0f;
    net.layers[0].W(1, 0) = 5.0f;  // straight up
    net.layers[0].b(0) = 2.5f;     // from (0, -0.5): the s = 0 line low on the map
    // The tip: where the dark run up the figure's centre line from the arrow's origin (x2 =
    // -0.5 of [-3, 3], under the map's centre) ends; the map fills the 200 px square but for a
    // margin of a few pixels.
    const auto tip = [](const QImage& img) {
        const int x = img.width() / 2;
        int y = static_cast<int>(0.56 * img.height());
        while (y > 0 && !isDark(img.pixel(x, y)))
            --y;  // onto the shaft
        while (y > 0 && isDark(img.pixel(x, y)))
            --y;
        return y;
    };
    FigureOptions screen;
    screen.style.scale = 1.8;
    screen.style.minTextPx = 24.0;
    const QImage shown = renderFigure(FigureKind::NodeMap, net, nullptr, QSize(200, 200), screen);
    if (const QString dir = qEnvironmentVariable("NNLENS_SHOT_DIR"); !dir.isEmpty())
        shown.save(dir + "/arrow-label.png");
    QVERIFY2(tip(shown) >= 28, qPrintable(QStringLiteral("the tip at y %1").arg(tip(shown))));
    test::TextRecorder recorder(QSize(200, 200), 96.0);
    {
        QPainter p(&recorder);
        paintNodeMap(p, QRectF(0, 0, 200, 200), net, computeMapSet(net), {0, 0}, screen);
    }
    QStringList texts;
    for (const test::TextBox& box : recorder.boxes())
        texts << box.text;
    QVERIFY2(texts.contains(QStringLiteral("L1-N1")), qPrintable(texts.join(',')));
}

// #20: a formula too wide for its panel at the text floor breaks before an operator outside its
// brackets where it can: bce's "log(1 − p)" and a node's "(3 more)" stay whole.
void TestFigures::formulasBreakAtTheirOperators() {
    QFont font;
    font.setPixelSize(24);
    const QFontMetricsF fm(font);
    const QString bce =
        QStringLiteral("BCE = \u2212\u03a3 [y log p + (1 \u2212 y) log(1 \u2212 p)]");
    for (const double width : {300.0, 380.0, 460.0}) {
        const QStringList lines = detail::wrapFormula(bce, fm, width);
        QVERIFY2(lines.size() > 1, qPrintable(lines.join('|')));
        QCOMPARE(lines.join(' '), bce);
        for (const QString& line : lines) {
            QVERIFY2(fm.horizontalAdvance(line) <= width, qPrintable(line));
            QVERIFY2(
                !line.endsWith(QStringLiteral("log(1")) && !line.endsWith(QStringLiteral("(1")),
                qPrintable(lines.join('|')));
        }
    }
    // 380 px: two lines, split at the sum's plus.
    QCOMPARE(detail::wrapFormula(bce, fm, 380.0),
             QStringList({QStringLiteral("BCE = \u2212\u03a3 [y log p"),
                          QStringLiteral("+ (1 \u2212 y) log(1 \u2212 p)]")}));
    const QString node = QStringLiteral(
        "out = tanh(0.32 h1 + 0.03 h2 - 0.25 h3 + 0.12 h4 - 0.41 h5 + \u2026 (3 more) + 0.33)");
    for (const double width : {200.0, 260.0, 330.0}) {
        const QStringList lines = detail::wrapFormula(node, fm, width);
        QCOMPARE(lines.join(' '), node);
        for (const QString& line : lines) {
            QVERIFY2(!line.endsWith(QStringLiteral("(3")), qPrintable(lines.join('|')));
            QVERIFY2(!line.startsWith(QStringLiteral("h")), qPrintable(lines.join('|')));
        }
    }
    // One that fits is one line.
    QCOMPARE(detail::wrapFormula(QStringLiteral("p = x"), fm, 300.0), QStringList{"p = x"});
}

// #20: the statistics page at the projector's floor in a narrow figure: every title whole or
// every title short ("(0) W"), never elided, and no subtitle elided.
void TestFigures::statsTitlesAreWholeOrShort() {
    Network net = Network::initialized(
        2, {{200, Activation::Tanh}, {100, Activation::Relu}, {10, Activation::Linear}}, 1);
    FigureOptions opt;
    opt.style.scale = 1.8;
    opt.style.minTextPx = 24.0;
    for (const QSize size : {QSize(1400, 700), QSize(900, 500), QSize(2400, 900)}) {
        test::TextRecorder recorder(size, 96.0);
        {
            QPainter p(&recorder);
            paintStats(p, QRectF(QPointF(0, 0), QSizeF(size)), net, withStatsTrace(net, opt));
        }
        int whole = 0;
        int brief = 0;
        for (const test::TextBox& box : recorder.boxes()) {
            QVERIFY2(!box.text.contains(QChar(0x2026)), qPrintable(box.text));
            if (box.text.contains(QStringLiteral("Linear(")) ||
                box.text.contains(QStringLiteral("()")))
                ++whole;
            else if (QRegularExpression(QStringLiteral("^\\(\\d\\) ")).match(box.text).hasMatch())
                ++brief;
        }
        QVERIFY2(whole == 0 || brief == 0,
                 qPrintable(QStringLiteral("%1 whole, %2 short at %3 x %4")
                                .arg(whole)
                                .arg(brief)
                                .arg(size.width())
                                .arg(size.height())));
        QVERIFY(whole + brief > 0);
    }
}
