// The window driven with QTest offscreen: sliders, buttons, keys, files and exports, checked on
// the pixels a person would see.
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QMimeData>
#include <QProcess>
#include <QPushButton>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>
#include <QUrl>

#include <condition_variable>
#include <cstring>
#include <mutex>

#include "core/error.hpp"
#include "core/fallback_backend.hpp"
#include "core/network_io.hpp"
#include "engine/backend_choice.hpp"
#include "gui/main_window.hpp"
#include "test_window.hpp"
#include "widgets/figure_view.hpp"
#include "widgets/inspector.hpp"
#include "widgets/layer_editor.hpp"
#include "widgets/plot_panels.hpp"

using namespace nnlens;
using figures::FigureKind;
using figures::NodeRef;

namespace {

const QString kQuadrant = QStringLiteral(":/presets/quadrant-selector.nnlens.json");
const QString kSpiral = QStringLiteral(":/presets/spiral-2-8-8-8-1.nnlens.json");

// Every float of every layer, bit for bit.
bool sameParameters(const Network& a, const Network& b) {
    if (a.layers.size() != b.layers.size()) return false;
    for (std::size_t l = 0; l < a.layers.size(); ++l) {
        const Layer& x = a.layers[l];
        const Layer& y = b.layers[l];
        if (x.W.rows() != y.W.rows() || x.W.cols() != y.W.cols() || x.activation != y.activation ||
            std::memcmp(x.W.data(), y.W.data(), sizeof(float) * x.W.size()) != 0 ||
            std::memcmp(x.b.data(), y.b.data(), sizeof(float) * x.b.size()) != 0) {
            return false;
        }
    }
    return true;
}

// Holds the map worker at a point of the test's choosing; open() lets it go on. Shared, so a
// backend that outlives the test function (the window keeps it) never waits on a freed gate.
class Gate {
  public:
    void open() {
        {
            const std::lock_guard lock(m_mutex);
            m_open = true;
        }
        m_changed.notify_all();
    }
    void pass() {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] { return m_open; });
    }

  private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
    bool m_open = false;
};

// Opens its gate when it goes, so that a failed check cannot leave the worker blocked when the
// window closes.
struct GateHandle {
    std::shared_ptr<Gate> gate = std::make_shared<Gate>();
    ~GateHandle() { gate->open(); }
};

// A "GPU" that fails like a lost device when asked for maps, once its gate opens; the other
// passes are never asked of it here.
class FailingGpu final : public Backend {
  public:
    explicit FailingGpu(std::shared_ptr<Gate> gate) : m_gate(std::move(gate)) {}
    std::string_view name() const override { return "cuda"; }
    Trace forward(const Network&, const Matrix&) override { throw lost(); }
    Gradients gradients(const Network&, const Dataset&, LossConfig) override { throw lost(); }
    std::unique_ptr<TrainingSession> startTraining(const Network&, const Dataset&, LossConfig,
                                                   OptimizerConfig) override {
        throw lost();
    }
    std::unique_ptr<GridEvaluator> gridEvaluator() override {
        m_gate->pass();
        throw lost();
    }

  private:
    static BackendFailure lost() { return BackendFailure("cudaMalloc: out of memory (forced)"); }
    std::shared_ptr<Gate> m_gate;
};

// The CPU, but its maps wait for a gate: no frame can reach the window before the test allows.
class GatedCpu final : public Backend {
  public:
    explicit GatedCpu(std::shared_ptr<Gate> gate) : m_gate(std::move(gate)) {}
    std::string_view name() const override { return "cpu"; }
    Trace forward(const Network& net, const Matrix& x) override { return m_cpu.forward(net, x); }
    Gradients gradients(const Network& net, const Dataset& data, LossConfig loss) override {
        return m_cpu.gradients(net, data, loss);
    }
    std::unique_ptr<TrainingSession> startTraining(const Network& net, const Dataset& data,
                                                   LossConfig loss, OptimizerConfig opt) override {
        return m_cpu.startTraining(net, data, loss, opt);
    }
    std::unique_ptr<GridEvaluator> gridEvaluator() override {
        m_gate->pass();
        return m_cpu.gridEvaluator();
    }

  private:
    std::shared_ptr<Gate> m_gate;
    CpuBackend m_cpu;
};

}  // namespace

class TestMainWindow : public QObject {
    Q_OBJECT

  private:
    std::unique_ptr<gui::MainWindow> m_window;

    gui::MainWindow& window() { return *m_window; }

    // Waits until the network figure has painted the newest requested maps.
    void settle() {
        QTRY_VERIFY_WITH_TIMEOUT(
            window().graphView()->paintedGeneration() >= window().requestedGeneration(), 10000);
    }
    // What the network figure shows now, as an image of the widget.
    QImage graphPixels() {
        settle();
        return window().graphView()->grab().toImage().convertToFormat(QImage::Format_RGB32);
    }
    QRect mapRect(NodeRef node) {
        const auto layout = figures::layoutGraph(window().document()->network(),
                                                 QRectF(window().graphView()->rect()),
                                                 window().graphView()->options());
        const QRectF r = layout.maps.at(static_cast<std::size_t>(node.layer))
                             .at(static_cast<std::size_t>(node.node));
        const qreal dpr = window().graphView()->devicePixelRatioF();
        return QRectF(r.topLeft() * dpr, r.size() * dpr).toAlignedRect().adjusted(2, 2, -2, -2);
    }
    static bool sameRegion(const QImage& a, const QImage& b, const QRect& r) {
        for (int y = r.top(); y <= r.bottom(); ++y) {
            for (int x = r.left(); x <= r.right(); ++x) {
                if (a.pixel(x, y) != b.pixel(x, y)) return false;
            }
        }
        return true;
    }
    void open(const QString& preset) {
        QVERIFY(window().openPreset(preset));
        settle();
    }
    QString cliRender(const QString& net, const QString& figure, QSize size, const QString& out,
                      const QStringList& extra = {}) {
        QProcess p;
        p.start(
            QStringLiteral(NNLENS_CLI_PATH),
            QStringList{QStringLiteral("render"), net, QStringLiteral("--figure"), figure,
                        QStringLiteral("-o"), out, QStringLiteral("--width"),
                        QString::number(size.width()), QStringLiteral("--height"),
                        QString::number(size.height()), QStringLiteral("--dpi"),
                        QStringLiteral("100"), QStringLiteral("--backend"), QStringLiteral("cpu")} +
                extra);
        if (!p.waitForFinished(60000)) return QStringLiteral("timeout");
        if (p.exitCode() != 0) return QString::fromUtf8(p.readAllStandardError());
        return {};
    }

  private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
    }

    // #20: --help and --version answer where there is no display, and a plain start there says
    // why it cannot open the window instead of aborting.
    void commandLineWithoutADisplay() {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("DISPLAY"));
        env.remove(QStringLiteral("WAYLAND_DISPLAY"));
        env.remove(QStringLiteral("XDG_RUNTIME_DIR"));  // no default Wayland socket either
        env.remove(QStringLiteral("QT_QPA_PLATFORM"));
        const auto run = [&](const QStringList& args, int* rc) {
            QProcess p;
            p.setProcessEnvironment(env);
            p.start(QStringLiteral(NNLENS_APP_PATH), args);
            if (!p.waitForFinished(30000)) return QStringLiteral("timeout");
            *rc = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
            return QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError());
        };
        int rc = -2;
        QString out = run({QStringLiteral("--help")}, &rc);
        QCOMPARE(rc, 0);
        QVERIFY2(out.contains(QStringLiteral("Usage:")) &&
                     out.contains(QStringLiteral("--presentation")),
                 qPrintable(out));
        out = run({QStringLiteral("--version")}, &rc);
        QCOMPARE(rc, 0);
        QCOMPARE(out.trimmed(), QStringLiteral("nnlens " NNLENS_VERSION));
        out = run({}, &rc);
        QCOMPARE(rc, 1);
        QVERIFY2(out.contains(QStringLiteral("no display")), qPrintable(out));
    }

    void init() {
        m_window = test::makeTestWindow();
        QVERIFY(m_window);
        open(kQuadrant);
    }

    void cleanup() {
        window().setDiscardPrompt([] { return QMessageBox::Discard; });
        m_window.reset();
    }

    void opensOnTheQuadrantSelector() {
        const Network& net = window().document()->network();
        QCOMPARE(net.inputs, 2);
        QCOMPARE(static_cast<int>(net.layers.size()), 2);
        QVERIFY(window().windowTitle().contains(QStringLiteral("Quadrant")));
        // The first map is red where 2 x1 > 0 ... the figure is not blank: many colours.
        const QImage img = graphPixels();
        QSet<QRgb> colours;
        for (int y = 0; y < img.height(); y += 7) {
            for (int x = 0; x < img.width(); x += 7)
                colours.insert(img.pixel(x, y));
        }
        QVERIFY2(colours.size() > 50, qPrintable(QString::number(colours.size())));
        QVERIFY(window()
                    .findChild<QLabel*>(QStringLiteral("backendLabel"))
                    ->text()
                    .contains(QStringLiteral("CPU")));
    }

    // Moving a slider changes that node's map and every map downstream, never one upstream.
    void sliderChangesDownstreamMapsOnly() {
        open(kSpiral);
        auto* fixed = window().layerEditor()->findChild<QCheckBox*>(QStringLiteral("fixedLimit"));
        fixed->setChecked(true);  // one colour scale before and after: pixels compare
        settle();
        window().document()->setSelection({1, 0});
        const QImage before = graphPixels();
        QSlider* bias = window().inspector()->findChild<QSlider*>(QStringLiteral("slider-bias"));
        QVERIFY(bias);
        bias->setFocus();
        QTest::keyClick(bias, Qt::Key_PageUp);
        QTest::keyClick(bias, Qt::Key_PageUp);
        const QImage after = graphPixels();
        for (int node = 0; node < 8; ++node) {
            QVERIFY2(sameRegion(before, after, mapRect({0, node})), "layer 1 must not change");
        }
        QVERIFY2(!sameRegion(before, after, mapRect({1, 0})), "the edited node must change");
        QVERIFY2(sameRegion(before, after, mapRect({1, 1})), "its sibling must not change");
        QVERIFY2(!sameRegion(before, after, mapRect({3, 0})), "the output must change");
    }

    void addingALayerAddsAColumn() {
        const int before = static_cast<int>(window().document()->network().layers.size());
        auto* add = window().layerEditor()->findChild<QPushButton*>(QStringLiteral("addLayer"));
        QTest::mouseClick(add, Qt::LeftButton);
        QCOMPARE(static_cast<int>(window().document()->network().layers.size()), before + 1);
        settle();
        const auto layout = figures::layoutGraph(window().document()->network(),
                                                 QRectF(window().graphView()->rect()),
                                                 window().graphView()->options());
        QCOMPARE(static_cast<int>(layout.maps.size()), before + 1);
        QCOMPARE(window().graphView()->frame()->maps.layers(), before + 1);
        QCOMPARE(window().layerEditor()->table()->rowCount(), before + 1);
    }

    void changingAnActivationChangesTheMaps() {
        const QImage before = graphPixels();
        auto* combo = window().layerEditor()->findChild<QComboBox*>(QStringLiteral("activation-1"));
        QVERIFY(combo);
        const int relu = combo->findText(QStringLiteral("relu"));
        combo->setFocus();
        while (combo->currentIndex() != relu) {
            QTest::keyClick(combo, combo->currentIndex() < relu ? Qt::Key_Down : Qt::Key_Up);
        }
        QCOMPARE(window().document()->network().layers[0].activation, Activation::Relu);
        const QImage after = graphPixels();
        QVERIFY(!sameRegion(before, after, mapRect({0, 0})));
    }

    void undoRestoresTheExactParameters() {
        const Network original = window().document()->network();
        window().document()->setSelection({0, 1});
        QSlider* w1 = window().inspector()->findChild<QSlider*>(QStringLiteral("slider-w1"));
        QVERIFY(w1);
        // A drag: press, several moves, release: one undo step.
        const int steps = window().document()->undoStack()->count();
        w1->setSliderDown(true);
        for (int v = 100; v <= 900; v += 100)
            w1->setValue(v);
        w1->setSliderDown(false);
        QCOMPARE(window().document()->undoStack()->count(), steps + 1);
        QVERIFY(!sameParameters(original, window().document()->network()));
        window().document()->undoStack()->undo();
        QVERIFY(sameParameters(original, window().document()->network()));
        settle();
    }

    void keysMoveTheSelectionAndNudge() {
        window().graphView()->setFocus();
        window().document()->setSelection({0, 0});
        QTest::keyClick(window().graphView(), Qt::Key_Down);
        QCOMPARE(window().document()->selection(), (NodeRef{0, 1}));
        QTest::keyClick(window().graphView(), Qt::Key_Right);
        QCOMPARE(window().document()->selection().layer, 1);
        const float b = window().document()->network().layers[1].b[0];
        QTest::keyClick(window().graphView(), Qt::Key_Plus);
        QVERIFY(window().document()->network().layers[1].b[0] > b);
        QTest::keyClick(window().graphView(), Qt::Key_Minus);
        QTest::keyClick(window().graphView(), Qt::Key_Minus);
        QVERIFY(window().document()->network().layers[1].b[0] < b);
    }

    void clickingAMapSelectsItsNode() {
        // A click hits the maps on screen: wait until they show the document's network.
        QVERIFY(window().mapService()->waitFor(window().requestedGeneration()));
        QTRY_VERIFY(window().graphView()->frame() &&
                    window().graphView()->frame()->generation >= window().requestedGeneration());
        const QRect r = mapRect({1, 0});
        QTest::mouseClick(window().graphView(), Qt::LeftButton, {}, r.center());
        QCOMPARE(window().document()->selection(), (NodeRef{1, 0}));
        QCOMPARE(window().inspector()->rowCount(), 3);  // h1, h2, bias
    }

    void aMalformedFileLeavesTheNetwork_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("syntax") << QByteArray("{ \"format\": ") << QStringLiteral("line");
        QTest::newRow("shape") << QByteArray(R"({"format":"nnlens.network","version":1,"inputs":2,
            "layers":[{"activation":"tanh","weights":[[1],[2],[3]],"bias":[0]}]})")
                               << QStringLiteral("layer 1: weights have 3 rows");
        QTest::newRow("activation") << QByteArray(R"({"format":"nnlens.network","version":1,
            "inputs":2,"layers":[{"activation":"tanhh","weights":[[1],[2]],"bias":[0]}]})")
                                    << QStringLiteral("unknown activation \"tanhh\"");
    }
    void aMalformedFileLeavesTheNetwork() {
        QFETCH(QByteArray, text);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("bad.nnlens.json"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(text);
        f.close();
        const Network before = window().document()->network();
        const QImage pixels = graphPixels();
        QVERIFY(!window().openFile(path));
        QVERIFY2(window().lastError().contains(message), qPrintable(window().lastError()));
        QVERIFY2(window().lastError().contains(QStringLiteral("bad.nnlens.json")),
                 qPrintable(window().lastError()));
        QVERIFY(sameParameters(before, window().document()->network()));
        QCOMPARE(graphPixels(), pixels);
    }

    void droppingAFileOpensIt() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("dropped.nnlens.json"));
        QFile in(kSpiral);
        QVERIFY(in.open(QIODevice::ReadOnly));
        QFile out(path);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(in.readAll());
        out.close();
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(path)});
        QDragEnterEvent enter(QPoint(50, 50), Qt::CopyAction, &mime, Qt::LeftButton, {});
        QApplication::sendEvent(&window(), &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(50, 50), Qt::CopyAction, &mime, Qt::LeftButton, {});
        QApplication::sendEvent(&window(), &drop);
        // Opened once the drop has returned (a save question must not hold the drag source).
        QTRY_COMPARE(window().document()->filePath(), path);
        QCOMPARE(static_cast<int>(window().document()->network().layers.size()), 4);
    }

    // A number typed into a spin box, still being edited, is part of what Save writes.
    void aTypedValueIsSavedWithoutLeavingTheBox() {
        window().document()->setSelection({0, 0});
        auto* spin = window().inspector()->findChild<QDoubleSpinBox*>(QStringLiteral("spin-w1"));
        QVERIFY(spin);
        spin->setFocus();
        QTRY_VERIFY(spin->hasFocus());
        spin->selectAll();
        QTest::keyClicks(spin, QStringLiteral("3.5"));
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("typed.nnlens.json"));
        QVERIFY(window().saveAs(path));
        QCOMPARE(readNetwork(path.toStdString()).layers[0].W(0, 0), 3.5f);
    }

    // Copy Network Figure on a network without maps copies the diagram (it used to abort).
    void copyingTheFigureOfANetworkWithoutMaps() {
        QVERIFY(window().openPreset(QStringLiteral(":/presets/nn-graph-8-4-3-2.nnlens.json")));
        QVERIFY(window().mapService()->waitFor(window().requestedGeneration()));
        QVERIFY(!window().graphView()->isVisible());
        QTest::keyClick(&window(), Qt::Key_C, Qt::ControlModifier | Qt::ShiftModifier);
        QVERIFY2(window().lastError().isEmpty(), qPrintable(window().lastError()));
        const QImage copied = QApplication::clipboard()->image();
        QCOMPARE(copied.size(), window().diagramView()->size());
    }

    // A click on a diagram edge selects the receiving node and focuses that weight's slider.
    void clickingAnEdgeFocusesItsWeight() {
        const auto layout = figures::layoutDiagram(window().document()->network(),
                                                   QRectF(window().diagramView()->rect()),
                                                   window().diagramView()->options());
        // The edge x2 -> LYR1-NODE2, clicked at its middle.
        const QPointF mid = (layout.nodes[0][1] + layout.nodes[1][1]) / 2.0;
        QTest::mouseClick(window().diagramView(), Qt::LeftButton, {}, mid.toPoint());
        QCOMPARE(window().document()->selection(), (NodeRef{0, 1}));
        QCOMPARE(window().inspector()->focusedRow(), 1);
    }

    void unsavedChangesAreNotDiscardedOnCancel() {
        window().document()->setParameter({0, 0, 0}, 3.5f);
        QVERIFY(window().document()->isModified());
        window().setDiscardPrompt([] { return QMessageBox::Cancel; });
        QTemporaryDir dir;
        QVERIFY(!window().close());
        QVERIFY(window().isVisible());
        QCOMPARE(window().document()->network().layers[0].W(0, 0), 3.5f);
        QVERIFY(window().windowTitle().contains(QStringLiteral("*")));
    }

    void saveAndReopenRoundTrips() {
        window().document()->setParameter({1, 0, -1}, -0.25f);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("saved.nnlens.json"));
        QVERIFY(window().saveAs(path));
        QVERIFY(!window().document()->isModified());
        const Network saved = window().document()->network();
        window().document()->newNetwork();
        QVERIFY(window().openFile(path));
        QVERIFY(sameParameters(saved, window().document()->network()));
        QSettings settings;
        QVERIFY(settings.value(QStringLiteral("recentFiles")).toStringList().contains(path));
    }

    void exportWritesAPngOfTheRequestedSize_data() {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QSize>("size");
        QTest::addColumn<bool>("transparent");
        QTest::newRow("graph") << int(FigureKind::Graph) << QSize(900, 500) << false;
        QTest::newRow("node") << int(FigureKind::NodeMap) << QSize(300, 300) << false;
        QTest::newRow("unit") << int(FigureKind::Unit) << QSize(600, 600) << true;
        QTest::newRow("network") << int(FigureKind::Network) << QSize(700, 300) << false;
        QTest::newRow("activations") << int(FigureKind::Activations) << QSize(1200, 500) << true;
        QTest::newRow("softmax") << int(FigureKind::Softmax) << QSize(1050, 300) << false;
        QTest::newRow("losses") << int(FigureKind::Losses) << QSize(1300, 850) << true;
    }
    void exportWritesAPngOfTheRequestedSize() {
        QFETCH(int, kind);
        QFETCH(QSize, size);
        QFETCH(bool, transparent);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("fig.png"));
        figures::FigureStyle style;
        style.transparent = transparent;
        QVERIFY2(window().exportFigure(static_cast<FigureKind>(kind), size, style, path),
                 qPrintable(window().lastError()));
        QImage img(path);
        QCOMPARE(img.size(), size);
        QCOMPARE(qAlpha(img.pixel(1, 1)), transparent ? 0 : 255);
    }

    // File > Export and nnlens-cli render draw the same pixels.
    void guiExportEqualsCliRender_data() {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QSize>("size");
        QTest::newRow("graph") << int(FigureKind::Graph) << QSize(800, 500);
        QTest::newRow("unit") << int(FigureKind::Unit) << QSize(500, 500);
        QTest::newRow("network") << int(FigureKind::Network) << QSize(600, 300);
        QTest::newRow("activations") << int(FigureKind::Activations) << QSize(1000, 420);
        QTest::newRow("softmax") << int(FigureKind::Softmax) << QSize(900, 260);
        QTest::newRow("losses") << int(FigureKind::Losses) << QSize(1000, 650);
    }
    void guiExportEqualsCliRender() {
        QFETCH(int, kind);
        QFETCH(QSize, size);
        QTemporaryDir dir;
        const QString net = dir.filePath(QStringLiteral("net.nnlens.json"));
        QVERIFY(window().saveAs(net));
        settle();
        const QString gui = dir.filePath(QStringLiteral("gui.png"));
        const QString cli = dir.filePath(QStringLiteral("cli.png"));
        QVERIFY(window().exportFigure(static_cast<FigureKind>(kind), size, {}, gui));
        const QString name =
            QString::fromUtf8(figures::figureName(static_cast<FigureKind>(kind)).data());
        const QString error = cliRender(net, name, size, cli);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QImage a(gui);
        const QImage b(cli);
        QCOMPARE(a.size(), b.size());
        QVERIFY2(a == b, "GUI export and CLI render differ");
    }

    // The Losses tab: its controls repaint the figure, and its export is the CLI's render with the
    // matching options.
    void lossesTabControlsAndExport() {
        window().showTab(QStringLiteral("losses"));
        widgets::LossesPanel* panel = window().lossesPanel();
        QVERIFY(panel->isVisible());
        QCOMPARE(panel->view()->options().lossSigma, 1.0);
        QVERIFY(!panel->view()->options().lossHighlight);
        const QImage before = panel->view()->grab().toImage();
        panel->sigmaBox()->setValue(0.5);
        panel->highlightBox()->setCurrentIndex(panel->highlightBox()->findText("bce"));
        QCOMPARE(panel->view()->options().lossSigma, 0.5);
        QCOMPARE(panel->view()->options().lossHighlight, std::optional<Loss>(Loss::Bce));
        QVERIFY(panel->view()->grab().toImage() != before);
        if (const QString dir = qEnvironmentVariable("NNLENS_SHOT_DIR"); !dir.isEmpty())
            window().grab().save(dir + "/losses-tab.png");

        QTemporaryDir dir;
        const QString net = dir.filePath(QStringLiteral("net.nnlens.json"));
        QVERIFY(window().saveAs(net));
        settle();
        const QSize size(900, 600);
        const QString gui = dir.filePath(QStringLiteral("gui.png"));
        const QString cli = dir.filePath(QStringLiteral("cli.png"));
        QVERIFY(window().exportFigure(FigureKind::Losses, size, {}, gui));
        const QString error = cliRender(net, QStringLiteral("losses"), size, cli,
                                        {QStringLiteral("--sigma"), QStringLiteral("0.5"),
                                         QStringLiteral("--loss"), QStringLiteral("bce")});
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY2(QImage(gui) == QImage(cli), "the Losses tab's export and the CLI render differ");
        panel->highlightBox()->setCurrentIndex(0);
        panel->sigmaBox()->setValue(1.0);
        QVERIFY(!panel->view()->options().lossHighlight);
        window().showTab(QStringLiteral("network"));
    }

    void presentationModeEnlargesTheFigures() {
        const QImage normal = window().exportImage(FigureKind::Graph, QSize(600, 400), {});
        QTest::keyClick(&window(), Qt::Key_F11);
        QVERIFY(window().presentation());
        QTRY_VERIFY(window().isFullScreen());
        QVERIFY(window().graphView()->options().style.scale > 1.0);
        QTest::keyClick(&window(), Qt::Key_F11);
        QVERIFY(!window().presentation());
        QCOMPARE(window().graphView()->options().style.scale, 1.0);
        QCOMPARE(window().exportImage(FigureKind::Graph, QSize(600, 400), {}), normal);
    }

    // Engine > CUDA: on a machine without a usable GPU the window says why and the CPU stays;
    // with one, the window switches to it.
    void engineCudaWorksOrIsReportedAndTheCpuStays() {
        bool gpu = true;
        try {
            engine::makeBackend(engine::BackendChoice::Cuda, {});
        } catch (const engine::BackendUnavailable&) {
            gpu = false;
        }
        if (gpu) {
            QVERIFY(window().setBackend(QStringLiteral("cuda")));
            QCOMPARE(window().backendName(), QStringLiteral("cuda"));
        } else {
            QVERIFY(!window().setBackend(QStringLiteral("cuda")));
            QVERIFY2(window().lastError().contains(QStringLiteral("CUDA")),
                     qPrintable(window().lastError()));
            QCOMPARE(window().backendName(), QStringLiteral("cpu"));
        }
        QVERIFY(window().setBackend(QStringLiteral("cpu")));
        settle();
    }

    // The GPU fails on the map worker: the status bar names the CPU as soon as the report comes,
    // before any frame computed on the CPU has arrived.
    void aGpuFailureShowsInTheStatusBarAtOnce() {
        const GateHandle failure;
        const GateHandle cpuMaps;
        const QLabel* engine = window().findChild<QLabel*>(QStringLiteral("backendLabel"));
        window().useBackend(std::make_unique<FallbackBackend>(
            std::make_unique<FailingGpu>(failure.gate), std::make_unique<GatedCpu>(cpuMaps.gate),
            window().fallbackReport()));
        QCOMPARE(engine->text(), QStringLiteral("Engine: CUDA GPU"));
        const std::uint64_t painted = window().graphView()->paintedGeneration();

        failure.gate->open();
        QTRY_COMPARE_WITH_TIMEOUT(engine->text(), QStringLiteral("Engine: CPU (Eigen)"), 10000);
        QCOMPARE(window().backendName(), QStringLiteral("cpu"));
        const QString message = window().statusBar()->currentMessage();
        QVERIFY2(message.contains(QStringLiteral("cudaMalloc: out of memory (forced)")) &&
                     message.contains(QStringLiteral("continuing on the cpu")),
                 qPrintable(message));
        QCOMPARE(window().graphView()->paintedGeneration(), painted);  // no CPU frame yet

        cpuMaps.gate->open();
        settle();
    }

    void theStatusBarShowsTheUpdateTime() {
        QSignalSpy spy(&window(), &gui::MainWindow::updateShown);
        window().document()->setParameter({0, 0, -1}, 0.5f);
        QVERIFY(spy.wait(10000));
        QVERIFY(spy.takeFirst().at(0).toDouble() > 0.0);
        QVERIFY(window()
                    .findChild<QLabel*>(QStringLiteral("frameTime"))
                    ->text()
                    .contains(QStringLiteral("ms")));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
