// The Statistics tab driven offscreen: shown by name on the notebook's 100-200-100-10 preset, the
// W-vs-dW module chosen, the bins changed, the Data flow tab's controls shared, a plot exported
// alone from its context menu, and File > Export equal to nnlens-cli render --figure stats.
#include <QApplication>
#include <QComboBox>
#include <QContextMenuEvent>
#include <QDir>
#include <QDoubleSpinBox>
#include <QHelpEvent>
#include <QMenu>
#include <QProcess>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolTip>

#include <algorithm>

#include "core/trace.hpp"
#include "figures/figures.hpp"
#include "figures/stats_figure.hpp"
#include "model/document.hpp"
#include "test_window.hpp"
#include "widgets/figure_view.hpp"
#include "widgets/flow_panel.hpp"
#include "widgets/stats_panel.hpp"

using namespace nnlens;
using figures::FigureKind;
using figures::StatsPlotKind;

namespace {

QString presetFile(const QString& name) {
    return QStringLiteral(NNLENS_SOURCE_DIR) + "/resources/presets/" + name + ".nnlens.json";
}

// Pixels that differ between two images of one size (-1: sizes differ).
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

// Pixels of matplotlib's tab:blue (the bars and the dots) in `rect` of `img`.
int bluePixels(const QImage& img, QRect rect = {}) {
    const QImage a = img.convertToFormat(QImage::Format_ARGB32);
    if (rect.isNull()) rect = a.rect();
    rect &= a.rect();
    int n = 0;
    for (int y = rect.top(); y <= rect.bottom(); ++y) {
        for (int x = rect.left(); x <= rect.right(); ++x)
            n += a.pixel(x, y) == qRgb(31, 119, 180) ? 1 : 0;
    }
    return n;
}

int indexOf(const std::vector<figures::StatsPlot>& plots, figures::StatsPlot plot) {
    const auto it = std::find(plots.begin(), plots.end(), plot);
    return it == plots.end() ? -1 : static_cast<int>(it - plots.begin());
}

}  // namespace

class TestStatsView : public QObject {
    Q_OBJECT

    std::unique_ptr<gui::MainWindow> m_window;

    widgets::StatsPanel& panel() { return *m_window->statsPanel(); }
    const Network& network() { return m_window->document()->network(); }
    figures::StatsLayout layout() {
        widgets::FigureView* view = panel().view();
        return figures::layoutStats(network(), QRectF(view->rect()), view->options());
    }

    void shot(const QString& name) {
        // Screenshots for people, when asked for (NNLENS_SHOT_DIR); the rows never depend on it.
        const QString dir = qEnvironmentVariable("NNLENS_SHOT_DIR");
        if (dir.isEmpty()) return;
        m_window->grab().save(QDir(dir).filePath(name + ".png"));
    }

    static QString cliRender(const QString& net, QSize size, const QStringList& extra,
                             const QString& out) {
        QProcess cli;
        cli.start(QStringLiteral(NNLENS_CLI_PATH),
                  QStringList{"render", net, "--figure", "stats", "-o", out, "--width",
                              QString::number(size.width()), "--height",
                              QString::number(size.height()), "--backend", "cpu"} +
                      extra);
        const bool finished = cli.waitForFinished(60000);
        return !finished             ? QStringLiteral("nnlens-cli render did not finish")
               : cli.exitCode() == 0 ? QString()
                                     : QString::fromUtf8(cli.readAllStandardError());
    }

    // The trace runs on the flow's worker: wait until the one for the current settings shows.
    void settle() {
        QVERIFY(m_window->flowPanel()->waitForTrace());
        QCoreApplication::processEvents();
    }

  private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        m_window = test::makeTestWindow();
        QVERIFY(m_window);
    }
    void cleanupTestCase() { m_window.reset(); }

    void tabShowsTheNotebooksPlots() {
        QVERIFY(
            m_window->openPreset(QStringLiteral(":/presets/statistical-perspective.nnlens.json")));
        settle();
        m_window->showTab(QStringLiteral("stats"));
        settle();
        auto* tabs = m_window->findChild<QTabWidget*>();
        QVERIFY(tabs);
        QCOMPARE(tabs->currentWidget(), static_cast<QWidget*>(&panel()));
        QCOMPARE(tabs->tabText(tabs->currentIndex()), QStringLiteral("Statistics"));
        QVERIFY(panel().view()->isVisible());
        // The Data flow tab's trace: the notebook's N = 500 normal inputs.
        const auto trace = panel().view()->options().trace;
        QVERIFY(trace);
        QCOMPARE(trace, m_window->flowPanel()->trace());
        QCOMPARE(trace->input(0).rows(), 500);
        QCOMPARE(panel().samples()->value(), 500);
        // Input; W, b, out of 3 Linear modules; in->out and out of 2 activations; W vs dW.
        const figures::StatsLayout l = layout();
        QCOMPARE(l.plots.size(), std::size_t{15});
        QCOMPARE(l.cells.size(), std::size_t{15});
        QCOMPARE(figures::statsPlotTitle(network(), l.plots[1]),
                 QStringLiteral("(0) Linear(100, 200) W"));
        QCOMPARE(figures::statsPlotTitle(network(), l.plots[5]), QStringLiteral("(1) Tanh() out"));
        QCOMPARE(l.plots.back(), (figures::StatsPlot{StatsPlotKind::WeightGrad, 2}));
        // Every plot has something drawn in its axes.
        const QImage img = panel().view()->grab().toImage();
        for (std::size_t i = 0; i < l.plots.size(); ++i) {
            QVERIFY2(bluePixels(img, l.axes[i].toAlignedRect()) > 20,
                     qPrintable(figures::statsPlotTitle(network(), l.plots[i])));
        }
        shot(QStringLiteral("stats-100-200-100-10"));
    }

    void moduleChosen() {
        QComboBox* modules = panel().moduleChoice();
        QCOMPARE(modules->count(), 3);                // the Linear modules 0, 2, 4
        QCOMPARE(modules->currentData().toInt(), 2);  // the notebook's net[2]
        QCOMPARE(modules->itemText(2), QStringLiteral("(4) Linear(100, 10)"));
        const QImage before = panel().view()->grab().toImage();
        modules->setCurrentIndex(2);
        settle();
        QCOMPARE(panel().module(), 4);
        QCOMPARE(panel().view()->options().statsModule, 4);
        QCOMPARE(layout().plots.back(), (figures::StatsPlot{StatsPlotKind::WeightGrad, 4}));
        QVERIFY(panel().view()->grab().toImage() != before);
        panel().setModule(2);
        QCOMPARE(modules->currentData().toInt(), 2);
    }

    void binsChangeTheBars_data() {
        QTest::addColumn<int>("bins");
        QTest::newRow("50 bins (the notebook's)") << 50;
        QTest::newRow("10 bins") << 10;
        QTest::newRow("3 bins") << 3;
        QTest::newRow("200 bins") << 200;
    }
    void binsChangeTheBars() {
        QFETCH(int, bins);
        panel().bins()->setValue(bins);
        settle();
        QCOMPARE(panel().view()->options().statsBins, bins);
        const figures::StatsLayout l = layout();
        const QImage img = panel().view()->grab().toImage().convertToFormat(QImage::Format_ARGB32);
        for (const int i : {0, 1, 3}) {  // input, W and out of module 0
            const auto data = figures::statsPlotData(*panel().view()->options().trace,
                                                     l.plots[static_cast<std::size_t>(i)], bins);
            const auto bars = figures::statsBars(data, l.axes[static_cast<std::size_t>(i)]);
            QCOMPARE(static_cast<int>(bars.size()), bins);
            // The tallest bar is drawn: blue a pixel inside its top, white above it.
            const auto tallest = std::min_element(
                bars.begin(), bars.end(), [](auto& a, auto& b) { return a.top() < b.top(); });
            if (tallest->width() >= 3.0) {
                const QPoint inside(qRound(tallest->center().x()), qRound(tallest->top() + 3));
                QCOMPARE(QColor(img.pixel(inside)), QColor(31, 119, 180));
            }
        }
        if (bins == 3) shot(QStringLiteral("stats-3-bins"));
    }

    void controlsShareTheFlowTrace() {
        panel().bins()->setValue(50);
        settle();
        widgets::FlowPanel* flow = m_window->flowPanel();
        const float loss = *panel().view()->options().trace->loss();
        const auto plots = layout().plots;
        const int wdw = static_cast<int>(plots.size()) - 1;
        const auto traceBefore = panel().view()->options().trace;  // kept: `before` points in
        const auto before =
            figures::statsPlotData(*traceBefore, plots[static_cast<std::size_t>(wdw)], 50);
        const double wMax = before.xSummary->max;
        const double dwMax = before.ySummary->max;
        const QImage image1 = panel().view()->grab().toImage();

        // The loss scale typed here: the flow follows, and dW (not W) scales by 100.
        panel().lossScale()->setValue(100.0);
        settle();
        QCOMPARE(flow->lossScale()->value(), 100.0);
        const auto trace = panel().view()->options().trace;
        QCOMPARE(trace, flow->trace());
        QCOMPARE(*trace->loss(), loss * 100.0f);
        const auto after = figures::statsPlotData(*trace, plots[static_cast<std::size_t>(wdw)], 50);
        QCOMPARE(after.xSummary->max, wMax);
        QVERIFY(qAbs(after.ySummary->max - 100.0 * dwMax) <= 1e-4 * qAbs(100.0 * dwMax));
        const double largest = 100.0 * qMax(qAbs(before.ySummary->min), qAbs(before.ySummary->max));
        for (std::int64_t k = 0; k < after.count; k += 97) {
            const double expected = 100.0 * before.y[k];
            QVERIFY(qAbs(after.y[k] - expected) <= 1e-5 * largest + 1e-4 * qAbs(expected));
        }
        QVERIFY(panel().view()->grab().toImage() != image1);  // the dW axis' labels moved

        // N typed in the Data flow tab: this tab follows.
        flow->samples()->setValue(40);
        settle();
        QCOMPARE(panel().samples()->value(), 40);
        QCOMPARE(panel().view()->options().trace->input(0).rows(), 40);
        panel().samples()->setValue(500);
        settle();
        QCOMPARE(flow->samples()->value(), 500);
        panel().lossScale()->setValue(1.0);
        settle();
        QCOMPARE(flow->lossScale()->value(), 1.0);
    }

    void contextMenuExportsOnePlot() {
        const figures::StatsLayout l = layout();
        const int weight = indexOf(l.plots, {StatsPlotKind::Weight, 0});
        QVERIFY(weight >= 0);
        const QPointF centre = l.cells[static_cast<std::size_t>(weight)].center();
        QCOMPARE(panel().plotAt(centre), weight);
        // The menu names the plot; it is closed again unused.
        QString offered;
        QTimer::singleShot(0, this, [&offered] {
            if (auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget())) {
                for (QAction* a : menu->actions())
                    offered += a->text();
                menu->close();
            }
        });
        QContextMenuEvent event(QContextMenuEvent::Mouse, centre.toPoint(),
                                panel().view()->mapToGlobal(centre.toPoint()));
        QApplication::sendEvent(panel().view(), &event);
        QVERIFY2(offered.contains(QStringLiteral("(0) Linear(100, 200) W")), qPrintable(offered));

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath("w.png");
        QString error;
        figures::FigureStyle style;
        QVERIFY2(panel().exportPlot(weight, QSize(500, 360), style, path, &error),
                 qPrintable(error));
        const QImage saved(path);
        QCOMPARE(saved.size(), QSize(500, 360));
        QVERIFY(bluePixels(saved) > 500);
        // The same painting code as the page and as renderStatsPlot.
        figures::FigureOptions opt = panel().view()->options();
        opt.style = style;
        QCOMPARE(differing(saved, figures::renderStatsPlot(network(), opt, weight, {500, 360})), 0);
        if (const QString shots = qEnvironmentVariable("NNLENS_SHOT_DIR"); !shots.isEmpty())
            saved.save(QDir(shots).filePath(QStringLiteral("stats-plot-w.png")));
    }

    void exportEqualsRender_data() {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<int>("module");  // -1: the default
        QTest::addColumn<int>("bins");
        QTest::addColumn<double>("scale");
        QTest::addColumn<QSize>("size");
        QTest::newRow("100-200-100-10, the defaults")
            << "statistical-perspective" << -1 << 50 << 1.0 << QSize(1600, 815);
        QTest::newRow("100-200-100-10, module 4, 20 bins, loss scale 100")
            << "statistical-perspective" << 4 << 20 << 100.0 << QSize(1100, 700);
        QTest::newRow("spiral lesson 2-8-8-8-1 on its data, module 0")
            << "lesson-spiral-2-8-8-8-1" << 0 << 50 << 1.0 << QSize(1500, 900);
        QTest::newRow("8-4-3-2, 7 bins")
            << "pytorch-primer-8-4-3-2" << -1 << 7 << 1.0 << QSize(900, 600);
    }
    // Fit, then floor (#20): where the text floor leaves the plots no room (presentation mode on a
    // small screen), the page shows fewer at a readable size, with marks that page through all
    // of them; files (no floor) keep every plot on one page.
    void fewerPlotsAtTheFloorWithMarksToPageThrough() {
        QVERIFY(
            m_window->openPreset(QStringLiteral(":/presets/statistical-perspective.nnlens.json")));
        m_window->showTab(QStringLiteral("stats"));
        settle();
        figures::FigureOptions opt = panel().view()->options();
        QVERIFY(opt.trace);
        const QRectF rect(0, 0, 800, 330);
        opt.style.minTextPx = 0.0;
        QCOMPARE(figures::layoutStats(network(), rect, opt).cells.size(), std::size_t{15});
        opt.style.minTextPx = 18.0;
        opt.style.scale = 1.8;
        std::vector<bool> seen(15, false);
        int pages = 0;
        opt.statsFirst = 0;
        for (;;) {
            const figures::StatsLayout l = figures::layoutStats(network(), rect, opt);
            QVERIFY(l.cells.size() < 15);
            QCOMPARE(l.total, 15);
            QCOMPARE(l.previousShown(), l.first > 0);
            QCOMPARE(l.nextShown(), l.first + static_cast<int>(l.cells.size()) < 15);
            for (std::size_t i = 0; i < l.cells.size(); ++i) {
                // Axes three floor lines high; a click on a cell names the plot by its index.
                QVERIFY2(l.axes[i].height() >= 3 * 18.0,
                         qPrintable(QString::number(l.axes[i].height())));
                QVERIFY(rect.contains(l.cells[i]));
                QCOMPARE(l.hit(l.cells[i].center()), l.first + static_cast<int>(i));
                seen[static_cast<std::size_t>(l.first) + i] = true;
            }
            ++pages;
            if (!l.nextShown()) break;
            // Whole pages, the last the rest: no plot shown twice.
            const int count = static_cast<int>(l.cells.size());
            QCOMPARE(l.perPage, count);
            const int next = l.pageHit(l.next.center());
            QCOMPARE(next, l.first + count);
            // Back and forth: the previous mark of the next page leads back here or before.
            opt.statsFirst = next;
            const figures::StatsLayout after = figures::layoutStats(network(), rect, opt);
            QVERIFY(after.previousShown());
            QVERIFY(after.pageHit(after.previous.center()) <= l.first);
            QVERIFY(pages < 15);
        }
        QVERIFY(pages >= 2);
        QVERIFY(std::all_of(seen.begin(), seen.end(), [](bool b) { return b; }));
        QCOMPARE(pages,
                 (15 + static_cast<int>(figures::layoutStats(network(), rect, opt).perPage) - 1) /
                     figures::layoutStats(network(), rect, opt).perPage);

        // In the window: presentation-sized text in the view, a click on "▶" turns the page.
        panel().view()->setPresentation(true, 40.0);
        QCoreApplication::processEvents();
        const figures::StatsLayout shown = panel().statsLayout();
        QVERIFY(shown.nextShown());
        QCOMPARE(shown.first, 0);
        QTest::mouseClick(panel().view(), Qt::LeftButton, {}, shown.next.center().toPoint());
        QCOMPARE(panel().statsLayout().first, static_cast<int>(shown.cells.size()));
        QVERIFY(panel().statsLayout().previousShown());
        QTest::mouseClick(panel().view(), Qt::LeftButton, {},
                          panel().statsLayout().previous.center().toPoint());
        QCOMPARE(panel().statsLayout().first, 0);
        // Hovering a plot names it whole, however its cell elides the title.
        const figures::StatsLayout now = panel().statsLayout();
        const QPoint at = now.cells.front().center().toPoint();
        QHelpEvent help(QEvent::ToolTip, at, panel().view()->mapToGlobal(at));
        QCoreApplication::sendEvent(panel().view(), &help);
        QVERIFY2(QToolTip::text().contains(figures::statsPlotTitle(network(), now.plots.front())),
                 qPrintable(QToolTip::text()));
        QToolTip::hideText();
        panel().view()->setPresentation(false, 0.0);
        panel().showPlots(0);
    }

    void exportEqualsRender() {
        QFETCH(QString, preset);
        QFETCH(int, module);
        QFETCH(int, bins);
        QFETCH(double, scale);
        QFETCH(QSize, size);
        QVERIFY(m_window->openPreset(":/presets/" + preset + ".nnlens.json"));
        settle();
        m_window->showTab(QStringLiteral("stats"));
        settle();
        const bool defaultModule = module < 0;
        if (defaultModule) module = figures::defaultStatsModule(network());
        panel().setModule(module);
        QCOMPARE(panel().module(), module);
        panel().bins()->setValue(bins);
        settle();
        panel().lossScale()->setValue(scale);
        settle();
        QVERIFY2(panel().view()->options().trace, qPrintable(panel().status()));
        const QImage exported = m_window->exportImage(FigureKind::Stats, size, {});
        QCOMPARE(exported.size(), size);
        QVERIFY(bluePixels(exported) > 2000);  // not blank

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString png = dir.filePath("stats.png");
        QStringList extra{"--bins", QString::number(bins)};
        if (!defaultModule) extra << "--module" << QString::number(module);
        if (scale != 1.0) extra << "--loss-scale" << QString::number(scale);
        const QString error = cliRender(presetFile(preset), size, extra, png);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QImage rendered(png);
        QCOMPARE(rendered.size(), size);
        if (const QString shots = qEnvironmentVariable("NNLENS_SHOT_DIR"); !shots.isEmpty()) {
            exported.save(QDir(shots).filePath("stats-export-" + preset + ".png"));
            rendered.save(QDir(shots).filePath("stats-render-" + preset + ".png"));
        }
        QCOMPARE(differing(exported, rendered), 0);
        if (preset.contains(QStringLiteral("spiral"))) shot(QStringLiteral("stats-spiral"));
        panel().lossScale()->setValue(1.0);
        settle();
        panel().bins()->setValue(50);
        settle();
    }
};

QTEST_MAIN(TestStatsView)
#include "tst_stats_view.moc"
