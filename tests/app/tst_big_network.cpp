// The statistical-perspective preset (100-200-100-10) in the window: the diagram shows its weight
// matrices as images, the inspector reaches every one of 200 weights, the data flow is traced
// only while its tab shows, and that tab fits a 1280 x 800 window.
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSlider>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTest>

#include <cmath>
#include <memory>

#include "core/trace.hpp"
#include "figures/colormap.hpp"
#include "figures/figures.hpp"
#include "gui/main_window.hpp"
#include "model/document.hpp"
#include "test_window.hpp"
#include "widgets/figure_view.hpp"
#include "widgets/flow_panel.hpp"
#include "widgets/inspector.hpp"

using namespace nnlens;
using figures::FigureKind;

namespace {

const QString kBig = QStringLiteral(":/presets/statistical-perspective.nnlens.json");

// The pixel at the centre of matrix cell (input i, node j) of `m` for a layer of `rows` x `cols`.
QPoint cellCentre(const QRectF& m, int rows, int cols, int i, int j) {
    return QPointF(m.left() + (j + 0.5) * m.width() / cols, m.top() + (i + 0.5) * m.height() / rows)
        .toPoint();
}

// Whether two colours differ by at most `tol` in each channel.
bool near(QRgb a, QRgb b, int tol = 2) {
    return std::abs(qRed(a) - qRed(b)) <= tol && std::abs(qGreen(a) - qGreen(b)) <= tol &&
           std::abs(qBlue(a) - qBlue(b)) <= tol;
}

QString rgb(QRgb c) {
    return QStringLiteral("(%1, %2, %3)").arg(qRed(c)).arg(qGreen(c)).arg(qBlue(c));
}

}  // namespace

class TestBigNetwork : public QObject {
    Q_OBJECT

    std::unique_ptr<gui::MainWindow> m_window;

    void shot(const QString& name) {
        const QString dir = qEnvironmentVariable("NNLENS_SHOT_DIR");
        if (!dir.isEmpty()) m_window->grab().save(QDir(dir).filePath(name + ".png"));
    }

  private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        m_window = test::makeTestWindow();
        QVERIFY(m_window);
    }
    void cleanupTestCase() { m_window.reset(); }

    // Known weights show in the maps' diverging colours at their cells: +max|w| red, -max|w|
    // blue, 0 white; each layer on its own scale.
    void diagramDrawsWeightMatrices_data() {
        QTest::addColumn<QSize>("size");
        QTest::newRow("window's diagram, 630 x 730") << QSize(630, 730);
        QTest::newRow("export, 800 x 1200") << QSize(800, 1200);
        QTest::newRow("small, 500 x 400") << QSize(500, 400);
    }
    void diagramDrawsWeightMatrices() {
        QFETCH(QSize, size);
        QVERIFY(m_window->openPreset(kBig));
        Network net = m_window->document()->network();
        QCOMPARE(net.layers.size(), std::size_t{3});
        // W1: input row 50 all +1 (the layer's largest), W3 (100 x 10): three known cells.
        net.layers[0].W.row(50).setConstant(1.0f);
        net.layers[2].W(40, 6) = -2.0f;
        net.layers[2].W(60, 3) = 2.0f;
        net.layers[2].W(20, 2) = 0.0f;
        figures::FigureOptions opt;
        opt.selected = {-1, -1};
        const QImage img = figures::renderFigure(FigureKind::Network, net, nullptr, size, opt)
                               .convertToFormat(QImage::Format_ARGB32);
        const auto layout = figures::layoutDiagram(net, QRectF(QPointF(0, 0), QSizeF(size)), opt);
        QCOMPARE(layout.matrices.size(), std::size_t{3});
        for (const QRectF& m : layout.matrices) {
            QVERIFY(!m.isEmpty());
            QVERIFY(QRectF(img.rect()).contains(m));
        }
        const figures::Colormap& cmap = figures::Colormap::diverging();
        const QRgb red = cmap.at(1.0);
        const QRgb blue = cmap.at(0.0);
        const QRgb white = cmap.at(0.5);
        const QRectF& w1 = layout.matrices[0];
        const QRectF& w3 = layout.matrices[2];
        const struct {
            QPoint at;
            QRgb colour;
        } probes[] = {
            {QPointF(w1.center().x(), w1.top() + 50.5 * w1.height() / 100).toPoint(), red},
            {cellCentre(w3, 100, 10, 40, 6), blue},
            {cellCentre(w3, 100, 10, 60, 3), red},
            {cellCentre(w3, 100, 10, 20, 2), white},
        };
        for (const auto& probe : probes) {
            const QRgb got = img.pixel(probe.at);
            QVERIFY2(near(got, probe.colour),
                     qPrintable(QStringLiteral("pixel (%1, %2) is %3, expected %4")
                                    .arg(probe.at.x())
                                    .arg(probe.at.y())
                                    .arg(rgb(got), rgb(probe.colour))));
        }
        // W1's other rows keep PyTorch's small weights: pale next to the +1 row.
        const QRgb pale =
            img.pixel(QPointF(w1.center().x(), w1.top() + 10.5 * w1.height() / 100).toPoint());
        QVERIFY2(std::abs(qRed(pale) - qBlue(pale)) < 100, qPrintable(rgb(pale)));
    }

    // Networks whose columns all show keep their edges (the notebook's diagrams).
    void smallDiagramsKeepEdges_data() {
        QTest::addColumn<QString>("preset");
        QTest::newRow("2-8-8-8-1") << "spiral-2-8-8-8-1";
        QTest::newRow("8-4-3-2") << "pytorch-primer-8-4-3-2";
    }
    void smallDiagramsKeepEdges() {
        QFETCH(QString, preset);
        QVERIFY(m_window->openPreset(":/presets/" + preset + ".nnlens.json"));
        const Network& net = m_window->document()->network();
        const QSize size(800, 500);
        const auto layout = figures::layoutDiagram(net, QRectF(QPointF(0, 0), QSizeF(size)), {});
        for (const QRectF& m : layout.matrices)
            QVERIFY(m.isEmpty());
        // The strongest edge of the last layer is drawn between its nodes.
        const Layer& last = net.layers.back();
        Eigen::Index i = 0, j = 0;
        last.W.cwiseAbs().maxCoeff(&i, &j);
        const QPointF a = layout.nodes[net.layers.size() - 1][static_cast<std::size_t>(i)];
        const QPointF b = layout.nodes[net.layers.size()][static_cast<std::size_t>(j)];
        const QImage img = figures::renderFigure(FigureKind::Network, net, nullptr, size, {})
                               .convertToFormat(QImage::Format_ARGB32);
        const QRgb mid = img.pixel(((a + b) / 2.0).toPoint());
        QVERIFY2(!near(mid, qRgb(255, 255, 255), 20), qPrintable(rgb(mid)));
    }

    // A click on a matrix cell selects the receiving node and focuses the weight's slider.
    void clickOnMatrixCellSelectsItsWeight() {
        QVERIFY(m_window->openPreset(kBig));
        m_window->showTab(QStringLiteral("network"));
        widgets::FigureView* view = m_window->diagramView();
        QVERIFY(view->isVisible());
        QTest::qWait(50);  // the splitter gives the diagram the graph's room (no maps)
        const Network& net = m_window->document()->network();
        const auto layout = figures::layoutDiagram(net, QRectF(view->rect()), view->options());
        QVERIFY(!layout.matrices[1].isEmpty());
        // W2 is (200, 100): input 150 to node 42 of layer 2, where no node circle shows.
        const QPoint at = cellCentre(layout.matrices[1], 200, 100, 150, 42);
        const auto hit = layout.hit(net, at);
        QCOMPARE(hit.kind, figures::DiagramLayout::Hit::Edge);
        QTest::mouseClick(view, Qt::LeftButton, {}, at);
        QCOMPARE(m_window->document()->selection(), (model::NodeRef{1, hit.node.node}));
        QVERIFY(std::abs(hit.node.node - 42) <= 1 && std::abs(hit.input - 150) <= 1);
        widgets::Inspector* inspector = m_window->inspector();
        QCOMPARE(inspector->rowCount(), 201);
        QCOMPARE(inspector->focusedRow(), hit.input);
        QTRY_VERIFY(inspector->slider(hit.input)->isVisible());
        QVERIFY(inspector->slider(hit.input)->visibleRegion().boundingRect().height() > 0);
        shot(QStringLiteral("big-network-matrix-click"));
    }

    // Every weight of a wide node is there: rows made as they scroll into view, an edit through
    // weight 150's spin box changes the network, another node of the layer reuses the rows.
    void inspectorReachesEveryWeight_data() {
        QTest::addColumn<int>("layer");
        QTest::addColumn<int>("node");
        QTest::newRow("layer 1 (200 nodes), node 150, 100 weights") << 0 << 149;
        QTest::newRow("layer 2, node 5, 200 weights") << 1 << 4;
    }
    void inspectorReachesEveryWeight() {
        QFETCH(int, layer);
        QFETCH(int, node);
        QVERIFY(m_window->openPreset(kBig));
        model::Document* doc = m_window->document();
        doc->setSelection({layer, node});
        widgets::Inspector* inspector = m_window->inspector();
        const int inputs = doc->network().layers[static_cast<std::size_t>(layer)].inputs();
        QCOMPARE(inspector->rowCount(), inputs + 1);
        QVERIFY2(inspector->builtRowCount() < inspector->rowCount(),
                 qPrintable(QString::number(inspector->builtRowCount())));
        // Scrolled to the end like a user: the last weight's row is there and shows its value.
        auto* scroll = inspector->findChild<QScrollArea*>(QStringLiteral("inspectorRows"));
        QVERIFY(scroll);
        scroll->verticalScrollBar()->setValue(scroll->verticalScrollBar()->maximum());
        QTRY_VERIFY(inspector->findChild<QSlider*>(QStringLiteral("slider-w%1").arg(inputs)));
        auto* lastSpin =
            inspector->findChild<QDoubleSpinBox*>(QStringLiteral("spin-w%1").arg(inputs));
        QVERIFY(lastSpin && lastSpin->isVisible());
        const float lastW =
            doc->network().layers[static_cast<std::size_t>(layer)].W(inputs - 1, node);
        QVERIFY(std::abs(lastSpin->value() - lastW) <= 0.0005);

        // Weight 150 (row 149) edited through its spin box.
        const int row = std::min(149, inputs - 1);
        QCOMPARE(inspector->parameterOfRow(row).input, row);
        inspector->spinBox(row)->setValue(0.75);
        QCOMPARE(doc->network().layers[static_cast<std::size_t>(layer)].W(row, node), 0.75f);

        // Another node of the layer: the same rows, its numbers.
        const int other = node + 1;
        doc->setSelection({layer, other});
        QCOMPARE(inspector->rowCount(), inputs + 1);
        QCOMPARE(inspector->parameterOfRow(row).node, other);
        const float w = doc->network().layers[static_cast<std::size_t>(layer)].W(row, other);
        QVERIFY(std::abs(inspector->spinBox(row)->value() - w) <= 0.0005);
        shot(QStringLiteral("big-network-inspector-%1").arg(layer + 1));
    }

    // While the Data flow tab is hidden nothing is traced; showing it traces once, the current
    // network.
    void flowTracedOnlyWhenShown() {
        QVERIFY(m_window->openPreset(QStringLiteral(":/presets/spiral-2-8-8-8-1.nnlens.json")));
        m_window->showTab(QStringLiteral("network"));
        widgets::FlowPanel* flow = m_window->flowPanel();
        QVERIFY(!flow->isVisible());
        const int before = flow->traceRequests();
        model::Document* doc = m_window->document();
        for (int k = 0; k < 5; ++k)
            QVERIFY(doc->setParameter({2, 0, 0}, 0.1f * static_cast<float>(k + 1)));
        QCoreApplication::processEvents();
        QCOMPARE(flow->traceRequests(), before);
        m_window->showTab(QStringLiteral("flow"));
        QVERIFY(flow->isVisible());
        QCOMPARE(flow->traceRequests(), before + 1);
        QVERIFY(flow->waitForTrace());
        QCOMPARE(flow->traceRequests(), before + 1);
        QVERIFY(flow->trace());
        // The trace is of the edited network: module 4 is layer 3's Linear, its W(0, 0) = 0.5.
        QCOMPARE(flow->trace()->size(), static_cast<int>(splitModules(doc->network()).size()));
        QVERIFY(flow->trace()->weight(4));
        QCOMPARE((*flow->trace()->weight(4))(0, 0), 0.5f);
        // While shown, an edit is traced.
        QVERIFY(doc->setParameter({2, 0, 0}, -0.3f));
        QCOMPARE(flow->traceRequests(), before + 2);
        QVERIFY(flow->waitForTrace());
        m_window->showTab(QStringLiteral("network"));
    }

    // The Data flow tab in a 1280 x 800 window leaves it 1280 wide, also with its longest status.
    void flowTabFitsWindow_data() {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<bool>("dataSet");
        QTest::newRow("100-200-100-10, random normal") << kBig << false;
        QTest::newRow("100-200-100-10, data set asked, none fits") << kBig << true;
        QTest::newRow("2-8-8-8-1")
            << QStringLiteral(":/presets/spiral-2-8-8-8-1.nnlens.json") << false;
    }
    void flowTabFitsWindow() {
        QFETCH(QString, preset);
        QFETCH(bool, dataSet);
        QVERIFY(m_window->openPreset(preset));
        m_window->resize(1280, 800);
        m_window->showTab(QStringLiteral("flow"));
        widgets::FlowPanel* flow = m_window->flowPanel();
        flow->dataChoice()->setCurrentIndex(dataSet ? 0 : 1);
        QVERIFY(flow->waitForTrace());
        QTest::qWait(50);  // layouts settle
        QVERIFY2(m_window->width() <= 1280, qPrintable(QString::number(m_window->width())));
        QVERIFY2(flow->minimumSizeHint().width() <= m_window->width(),
                 qPrintable(QString::number(flow->minimumSizeHint().width())));
        QVERIFY2(m_window->minimumSizeHint().width() <= 1280,
                 qPrintable(QString::number(m_window->minimumSizeHint().width())));
        shot(QStringLiteral("big-network-flow-%1").arg(QTest::currentDataTag()).replace(' ', '-'));
        m_window->showTab(QStringLiteral("network"));
    }
};

QTEST_MAIN(TestBigNetwork)
#include "tst_big_network.moc"
