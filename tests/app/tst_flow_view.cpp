// The Data flow tab driven offscreen: shown by name, traced on the notebook's inputs, a module
// box clicked, the controls followed, and File > Export equal to nnlens-cli render --figure flow.
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QProcess>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

#include "core/trace.hpp"
#include "figures/figures.hpp"
#include "model/document.hpp"
#include "test_window.hpp"
#include "text_boxes.hpp"
#include "widgets/figure_view.hpp"
#include "widgets/flow_panel.hpp"

using namespace nnlens;
using figures::FigureKind;

namespace {

QString presetFile(const QString& name) {
    return QStringLiteral(NNLENS_SOURCE_DIR) + "/resources/presets/" + name + ".nnlens.json";
}

// Pixels that differ between two images of one size.
int differing(QImage a, QImage b) {
    a = a.convertToFormat(QImage::Format_ARGB32);
    b = b.convertToFormat(QImage::Format_ARGB32);
    if (a.size() != b.size()) return -1;
    int n = 0;
    for (int y = 0; y < a.height(); ++y) {
        for (int x = 0; x < a.width(); ++x)
            n += a.pixel(x, y) != b.pixel(x, y) ? 1 : 0;
    }
    return n;
}

}  // namespace

class TestFlowView : public QObject {
    Q_OBJECT

    std::unique_ptr<gui::MainWindow> m_window;

    widgets::FlowPanel& panel() { return *m_window->flowPanel(); }

    void shot(const QString& name) {
        // Screenshots for people, when asked for (NNLENS_SHOT_DIR); the rows never depend on it.
        const QString dir = qEnvironmentVariable("NNLENS_SHOT_DIR");
        if (dir.isEmpty()) return;
        m_window->grab().save(QDir(dir).filePath(name + ".png"));
    }

    // nnlens-cli render NET --figure flow at `size` with `extra`: its stderr when it fails.
    static QString cliRender(const QString& net, QSize size, const QStringList& extra,
                             const QString& out) {
        QProcess cli;
        cli.start(QStringLiteral(NNLENS_CLI_PATH),
                  QStringList{"render", net, "--figure", "flow", "-o", out, "--width",
                              QString::number(size.width()), "--height",
                              QString::number(size.height()), "--backend", "cpu"} +
                      extra);
        const bool finished = cli.waitForFinished(60000);
        return !finished             ? QStringLiteral("nnlens-cli render did not finish")
               : cli.exitCode() == 0 ? QString()
                                     : QString::fromUtf8(cli.readAllStandardError());
    }

  private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        m_window = test::makeTestWindow();
        QVERIFY(m_window);
    }
    void cleanupTestCase() { m_window.reset(); }

    void tabShowsTheNotebooksShapes() {
        QVERIFY(
            m_window->openPreset(QStringLiteral(":/presets/pytorch-primer-8-4-3-2.nnlens.json")));
        m_window->showTab(QStringLiteral("flow"));
        auto* tabs = m_window->findChild<QTabWidget*>();
        QVERIFY(tabs);
        QCOMPARE(tabs->currentWidget(), static_cast<QWidget*>(&panel()));
        QVERIFY(panel().view()->isVisible());
        QVERIFY(panel().waitForTrace());  // traced on the worker
        // The notebook's N = 100 normal inputs, traced with mean(Xout ** 2).
        QCOMPARE(panel().samples()->value(), 100);
        const auto trace = panel().trace();
        QVERIFY2(trace, qPrintable(panel().status()));
        QCOMPARE(trace->size(), 5);
        QCOMPARE(trace->input(0).rows(), 100);
        QCOMPARE(trace->input(0).cols(), 8);
        QCOMPARE(trace->output(4).cols(), 2);
        QVERIFY(trace->grad(4) && trace->loss());
        QCOMPARE(panel().module(), 0);
        shot(QStringLiteral("flow-8-4-3-2"));
    }

    void clickSelectsModule() {
        widgets::FigureView* view = panel().view();
        const auto layout = figures::layoutFlow(m_window->document()->network(),
                                                QRectF(view->rect()), view->options());
        // The window's 12 px floor leaves room for some of the 5 modules, around the selected
        // one (#20: fit, then floor).
        QVERIFY(layout.boxes.size() >= 3 && layout.boxes.size() <= 5);
        QCOMPARE(layout.first, 0);
        const QImage before = view->grab().toImage();
        const int last = static_cast<int>(layout.boxes.size()) - 1;
        QTest::mouseClick(view, Qt::LeftButton, {}, layout.boxes[last].center().toPoint());
        QCOMPARE(panel().module(), last);
        // The outline and the tensors under the chain follow, so the picture changes.
        QVERIFY(view->grab().toImage() != before);
        QCOMPARE(view->options().flowModule, last);
        // A click between boxes keeps the selection.
        const auto now = figures::layoutFlow(m_window->document()->network(), QRectF(view->rect()),
                                             view->options());
        const QPointF between((now.boxes[0].right() + now.boxes[1].left()) / 2.0,
                              now.boxes[0].top() - 2.0);
        QTest::mouseClick(view, Qt::LeftButton, {}, between.toPoint());
        QCOMPARE(panel().module(), last);
        // Left-out modules are a click on "▶" away; the title says which are shown.
        if (now.boxes.size() < 5) {
            QVERIFY(!now.next.isEmpty() || !now.previous.isEmpty());
            const int shownLast = now.first + static_cast<int>(now.boxes.size()) - 1;
            if (!now.next.isEmpty()) {
                QTest::mouseClick(view, Qt::LeftButton, {}, now.next.center().toPoint());
                QCOMPARE(panel().module(), shownLast + 1);
            }
        }
    }

    // #20: where the text floor leaves room for fewer of the module's tensors than all (the
    // lesson's Data flow step in presentation mode at 1280 x 800 showed input and output of 7),
    // a pager under them says which show and names the others; "▶" shows the gradient.
    void tensorsPageWhereTheFloorLeavesLessRoom() {
        QVERIFY(
            m_window->openPreset(QStringLiteral(":/presets/pytorch-primer-8-4-3-2.nnlens.json")));
        m_window->showTab(QStringLiteral("flow"));
        QVERIFY(panel().waitForTrace());
        widgets::FigureView* view = panel().view();
        panel().setModule(0);
        const QSize before = m_window->size();
        m_window->resize(1280, 1000);
        view->setPresentation(true, 16.0);
        QCoreApplication::processEvents();
        QVERIFY2(view->height() >= 300, qPrintable(QString::number(view->height())));
        const auto recorded = [&] {
            test::TextRecorder recorder(view->size(), 96.0);
            view->render(&recorder);
            QStringList texts;
            for (const test::TextBox& box : recorder.boxes())
                texts << box.text;
            return texts;
        };
        figures::FlowLayout layout = panel().flowLayout();
        QVERIFY2(layout.tensors.total == 7, qPrintable(QString::number(layout.tensors.total)));
        QVERIFY2(layout.tensors.shown < 7, qPrintable(QString::number(layout.tensors.shown)));
        QVERIFY(layout.tensors.shown >= 1);
        QCOMPARE(layout.tensors.first, 0);
        QVERIFY(!layout.tensors.previousShown());
        QVERIFY(layout.tensors.nextShown());
        QStringList texts = recorded();
        const QString pages = QStringLiteral("1\u2013%1 of 7").arg(layout.tensors.shown);
        QVERIFY2(texts.contains(pages), qPrintable(texts.join('|')));
        QVERIFY2(texts.filter(QStringLiteral("input (100, 8)")).size() == 1,
                 qPrintable(texts.join('|')));
        // "▶": the next ones; "◀": back.
        const int shown = layout.tensors.shown;
        QTest::mouseClick(view, Qt::LeftButton, {}, layout.tensors.next.center().toPoint());
        layout = panel().flowLayout();
        QCOMPARE(layout.tensors.first, shown);  // whole pages: no tensor twice
        QCOMPARE(layout.tensors.perPage, shown);
        QVERIFY(layout.tensors.previousShown());
        QVERIFY(recorded() != texts);
        QTest::mouseClick(view, Qt::LeftButton, {}, layout.tensors.previous.center().toPoint());
        layout = panel().flowLayout();
        QCOMPARE(layout.tensors.first, 0);
        // The gradient, on the first page or a click or two on.
        texts = recorded();
        for (int clicks = 0;
             clicks < 7 && !texts.join('|').contains(QStringLiteral("grad (100, 4)")); ++clicks) {
            QVERIFY(layout.tensors.nextShown());
            QTest::mouseClick(view, Qt::LeftButton, {}, layout.tensors.next.center().toPoint());
            layout = panel().flowLayout();
            texts = recorded();
        }
        QVERIFY2(texts.join('|').contains(QStringLiteral("grad (100, 4)")),
                 qPrintable(texts.join('|')));
        const QStringList problems = test::textProblems(
            [&] {
                test::TextRecorder recorder(view->size(), 96.0);
                view->render(&recorder);
                return recorder.boxes();
            }(),
            QRectF(view->rect()), 16.0 - 0.5);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QStringLiteral("; "))));
        // Another module starts from its input again.
        panel().setModule(1);
        QCOMPARE(view->options().flowTensorFirst, 0);
        panel().setModule(0);
        view->setPresentation(false, 0.0);
        m_window->resize(before);
    }

    void controlsRetrace() {
        const float before = *panel().trace()->loss();
        panel().lossScale()->setValue(100.0);
        QVERIFY(panel().waitForTrace());
        QVERIFY(panel().trace());
        QCOMPARE(*panel().trace()->loss(), before * 100.0f);
        panel().samples()->setValue(37);
        QVERIFY(panel().waitForTrace());
        QCOMPARE(panel().trace()->input(0).rows(), 37);
        panel().samples()->setValue(100);
        panel().lossScale()->setValue(1.0);
    }

    void exportEqualsRender_data() {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<int>("module");
        QTest::addColumn<double>("scale");
        QTest::addColumn<QSize>("size");
        QTest::newRow("8-4-3-2, module 3")
            << "pytorch-primer-8-4-3-2" << 3 << 1.0 << QSize(900, 420);
        QTest::newRow("8-4-3-2, loss scale 100, module 0")
            << "pytorch-primer-8-4-3-2" << 0 << 100.0 << QSize(640, 300);
        QTest::newRow("100-200-100-10 (N = 500), module 4")
            << "statistical-perspective" << 4 << 1.0 << QSize(1000, 400);
    }
    void exportEqualsRender() {
        QFETCH(QString, preset);
        QFETCH(int, module);
        QFETCH(double, scale);
        QFETCH(QSize, size);
        QVERIFY(m_window->openPreset(":/presets/" + preset + ".nnlens.json"));
        m_window->showTab(QStringLiteral("flow"));
        panel().setModule(module);
        panel().lossScale()->setValue(scale);
        QVERIFY(panel().waitForTrace());
        QVERIFY(panel().trace());
        const QImage exported = m_window->exportImage(FigureKind::Flow, size, {});
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString png = dir.filePath("flow.png");
        QStringList extra{"--module", QString::number(module)};
        if (scale != 1.0) extra << "--loss-scale" << QString::number(scale);
        const QString error = cliRender(presetFile(preset), size, extra, png);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QImage rendered(png);
        QCOMPARE(rendered.size(), size);
        if (const QString shots = qEnvironmentVariable("NNLENS_SHOT_DIR"); !shots.isEmpty()) {
            exported.save(QDir(shots).filePath(QStringLiteral("flow-export-%1.png").arg(module)));
            rendered.save(QDir(shots).filePath(QStringLiteral("flow-render-%1.png").arg(module)));
        }
        QCOMPARE(differing(exported, rendered), 0);
        if (preset == QStringLiteral("statistical-perspective")) {
            QCOMPARE(panel().trace()->input(0).rows(), 500);  // the notebook's N = 500
            shot(QStringLiteral("flow-100-200-100-10"));
        }
        panel().lossScale()->setValue(1.0);
    }
};

QTEST_MAIN(TestFlowView)
#include "tst_flow_view.moc"
