// The window's look (#13): View > Theme (Dark, High contrast) with the maps' colours kept, the
// choice remembered, exports light whatever the theme, presentation mode returning to the
// theme; and the softmax panels' per-panel colour scaling (the notebook's imshow default) in the
// window, its export and nnlens-cli render.
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QProcess>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>

#include "figures/colormap.hpp"
#include "figures/figures.hpp"
#include "test_window.hpp"
#include "widgets/figure_view.hpp"
#include "widgets/flow_panel.hpp"
#include "widgets/plot_panels.hpp"
#include "widgets/quiz_panel.hpp"
#include "widgets/stats_panel.hpp"

using namespace nnlens;
using figures::FigureKind;
using gui::Theme;

namespace {

// Neutral grey pixels (text, axes) lighter than `least` in `img`.
int lightGreyPixels(const QImage& img, int least) {
    int n = 0;
    for (int y = 0; y < img.height(); ++y) {
        for (int x = 0; x < img.width(); ++x) {
            const QColor c = img.pixelColor(x, y);
            const int lo = std::min({c.red(), c.green(), c.blue()});
            const int hi = std::max({c.red(), c.green(), c.blue()});
            n += lo >= least && hi - lo < 16;
        }
    }
    return n;
}

// Near-black pixels (dark text on a light figure).
int blackPixels(const QImage& img) {
    int n = 0;
    for (int y = 0; y < img.height(); ++y) {
        for (int x = 0; x < img.width(); ++x) {
            const QColor c = img.pixelColor(x, y);
            n += std::max({c.red(), c.green(), c.blue()}) < 24;
        }
    }
    return n;
}

// The viridis colours at the two ends of the map, found in `img` inside `rect`.
struct Ends {
    bool darkest = false;
    bool brightest = false;
};
Ends viridisEnds(const QImage& img, const QRect& rect) {
    const QRgb lo = figures::Colormap::viridis().at(0.0) & 0xffffff;
    const QRgb hi = figures::Colormap::viridis().at(1.0) & 0xffffff;
    Ends e;
    for (int y = rect.top(); y <= rect.bottom(); ++y) {
        for (int x = rect.left(); x <= rect.right(); ++x) {
            const QRgb c = img.pixel(x, y) & 0xffffff;
            e.darkest = e.darkest || c == lo;
            e.brightest = e.brightest || c == hi;
        }
    }
    return e;
}

// The softmax panels of `img`: the maps are the only saturated colours (viridis) in the figure;
// runs of them along a row at 40 % of the height (gaps of a few pixels, the dashed guides,
// bridged), each grown up and down the same way.
QList<QRect> softmaxPanels(const QImage& img) {
    auto isMap = [&img](int x, int y) {
        const QRgb c = img.pixel(x, y);
        const int r = qRed(c), g = qGreen(c), b = qBlue(c);
        return std::max({r, g, b}) - std::min({r, g, b}) > 60;
    };
    constexpr int kGap = 8;
    // The last pixel of a run from `from` in steps of `step` (gaps up to kGap bridged).
    auto runEnd = [&](int x, int y, int dx, int dy) {
        int last = 0;
        for (int k = 1;; ++k) {
            const int px = x + k * dx;
            const int py = y + k * dy;
            if (px < 0 || py < 0 || px >= img.width() || py >= img.height()) break;
            if (isMap(px, py))
                last = k;
            else if (k - last > kGap)
                break;
        }
        return last;
    };
    const int y = img.height() * 2 / 5;
    QList<QRect> panels;
    for (int x = 0; x < img.width(); ++x) {
        if (!isMap(x, y)) continue;
        const int right = x + runEnd(x, y, 1, 0);
        const int cx = x + (right - x) / 4;
        const int top = y - runEnd(cx, y, 0, -1);
        const int bottom = y + runEnd(cx, y, 0, 1);
        if (right - x > 20) panels << QRect(QPoint(x, top), QPoint(right, bottom));
        x = right;
    }
    return panels;
}

}  // namespace

class TestLook : public QObject {
    Q_OBJECT

  private:
    static void settle(gui::MainWindow& w) {
        QTRY_VERIFY_WITH_TIMEOUT(w.graphView()->paintedGeneration() >= w.requestedGeneration(),
                                 10000);
    }
    static QImage pixels(QWidget* view) {
        QApplication::processEvents();
        return view->grab().toImage().convertToFormat(QImage::Format_RGB32);
    }
    static QRect mapRect(gui::MainWindow& w, int layer, int node) {
        widgets::FigureView* view = w.graphView();
        const auto layout =
            figures::layoutGraph(w.document()->network(), QRectF(view->rect()), view->options());
        const QRectF r =
            layout.maps.at(static_cast<std::size_t>(layer)).at(static_cast<std::size_t>(node));
        const qreal dpr = view->devicePixelRatioF();
        return QRectF(r.topLeft() * dpr, r.size() * dpr).toAlignedRect().adjusted(2, 2, -2, -2);
    }
    static void shot(QWidget* w, const QString& name) {
        const QString dir = qEnvironmentVariable("NNLENS_SHOT_DIR");
        if (!dir.isEmpty()) w->grab().save(dir + QLatin1Char('/') + name + QStringLiteral(".png"));
    }

  private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
    }
    void cleanup() { QSettings().remove(QStringLiteral("view/theme")); }

    void theThemeMenuIsAnExclusiveGroup() {
        const auto window = test::makeTestWindow();
        QVERIFY(window);
        QCOMPARE(window->theme(), Theme::Light);  // the default
        auto* light = window->findChild<QAction*>(QStringLiteral("theme-light"));
        auto* dark = window->findChild<QAction*>(QStringLiteral("theme-dark"));
        auto* contrast = window->findChild<QAction*>(QStringLiteral("theme-high-contrast"));
        QVERIFY(light && dark && contrast);
        QVERIFY(light->isChecked());
        dark->trigger();
        QVERIFY(dark->isChecked());
        QVERIFY(!light->isChecked());
        QCOMPARE(window->theme(), Theme::Dark);
        contrast->trigger();
        QVERIFY(!dark->isChecked());
        QCOMPARE(window->theme(), Theme::HighContrast);
        light->trigger();
        QCOMPARE(window->theme(), Theme::Light);
    }

    void darkChangesTheWindowAndFiguresButNotTheMaps() {
        const auto window = test::makeTestWindow();
        QVERIFY(window);
        QVERIFY(window->openPreset(QStringLiteral(":/presets/quadrant-selector.nnlens.json")));
        settle(*window);
        const QColor lightWindow = window->palette().color(QPalette::Window);
        QVERIFY(lightWindow.lightness() > 150);
        const QImage lightGraph = pixels(window->graphView());
        window->showTab(QStringLiteral("activations"));
        const QImage lightPlot = pixels(window->activationPanel()->view());

        window->findChild<QAction*>(QStringLiteral("theme-dark"))->trigger();
        QApplication::processEvents();
        QVERIFY2(window->palette().color(QPalette::Window).lightness() < 80,
                 "the window's palette is dark");
        QVERIFY(window->palette().color(QPalette::WindowText).lightness() > 180);
        const QImage darkPlot = pixels(window->activationPanel()->view());
        shot(window.get(), QStringLiteral("dark-activations"));
        // The figure's background dark, its text and axes light, no black text left.
        QVERIFY(QColor(darkPlot.pixel(4, 4)).lightness() < 60);
        QVERIFY(QColor(lightPlot.pixel(4, 4)).lightness() > 240);
        QVERIFY2(lightGreyPixels(darkPlot, 190) > 300, "light text and axes on the dark figure");
        QCOMPARE(blackPixels(darkPlot), 0);
        QVERIFY(blackPixels(lightPlot) > 0 || lightGreyPixels(lightPlot, 190) > 0);

        window->showTab(QStringLiteral("network"));
        settle(*window);
        const QImage darkGraph = pixels(window->graphView());
        shot(window.get(), QStringLiteral("dark-theme"));
        QVERIFY(QColor(darkGraph.pixel(4, 4)).lightness() < 60);
        QVERIFY(QColor(lightGraph.pixel(4, 4)).lightness() > 240);
        // Every pixel of every map the same colour as in Light: the notebook's scale (white = 0).
        const Network& net = window->document()->network();
        int compared = 0;
        for (int l = 0; l < static_cast<int>(net.layers.size()); ++l) {
            for (int j = 0; j < net.layers[static_cast<std::size_t>(l)].outputs(); ++j) {
                const QRect r = mapRect(*window, l, j);
                QVERIFY(r.width() > 20 && r.height() > 20);
                for (int y = r.top(); y <= r.bottom(); ++y) {
                    for (int x = r.left(); x <= r.right(); ++x) {
                        if (lightGraph.pixel(x, y) != darkGraph.pixel(x, y))
                            QFAIL(qPrintable(QStringLiteral("map %1,%2 differs at %3,%4")
                                                 .arg(l + 1)
                                                 .arg(j + 1)
                                                 .arg(x)
                                                 .arg(y)));
                        ++compared;
                    }
                }
            }
        }
        QVERIFY(compared > 10000);
        // A map's centre (x = 0) keeps its exact colour, a colour of the diverging scale.
        const QRect first = mapRect(*window, 0, 0);
        QCOMPARE(darkGraph.pixel(first.center()), lightGraph.pixel(first.center()));
    }

    void highContrastIsBlackOnWhiteWithHeavierLines() {
        const auto window = test::makeTestWindow();
        QVERIFY(window);
        window->setTheme(Theme::HighContrast);
        QApplication::processEvents();  // the palette reaches the widgets
        QCOMPARE(window->palette().color(QPalette::Window), QColor(Qt::white));
        QCOMPARE(window->palette().color(QPalette::WindowText), QColor(Qt::black));
        QCOMPARE(window->palette().color(QPalette::ButtonText), QColor(Qt::black));
        for (widgets::FigureView* v : window->findChildren<widgets::FigureView*>()) {
            QVERIFY(v->options().style.highContrast);
            QVERIFY(!v->options().style.dark);
            QCOMPARE(v->options().style.foreground(), QColor(Qt::black));
        }
        window->showTab(QStringLiteral("softmax"));
        QApplication::processEvents();
        shot(window.get(), QStringLiteral("contrast-softmax"));
    }

    void theChoiceIsRemembered_data() {
        QTest::addColumn<int>("theme");
        QTest::newRow("dark") << static_cast<int>(Theme::Dark);
        QTest::newRow("high-contrast") << static_cast<int>(Theme::HighContrast);
        QTest::newRow("light") << static_cast<int>(Theme::Light);
    }
    void theChoiceIsRemembered() {
        QFETCH(int, theme);
        {
            const auto first = test::makeTestWindow();
            QVERIFY(first);
            first->setTheme(static_cast<Theme>(theme));
        }
        QApplication::setPalette(QPalette());  // nothing left over from the first window
        const auto second = test::makeTestWindow();
        QVERIFY(second);
        QCOMPARE(static_cast<int>(second->theme()), theme);
        const QString name = gui::themeName(static_cast<Theme>(theme));
        QVERIFY(second->findChild<QAction*>(QStringLiteral("theme-") + name)->isChecked());
        QCOMPARE(QSettings().value(QStringLiteral("view/theme")).toString(), name);
        const bool dark = static_cast<Theme>(theme) == Theme::Dark;
        QCOMPARE(second->graphView()->options().style.dark, dark);
        QCOMPARE(second->palette().color(QPalette::Window).lightness() < 80, dark);
    }

    void exportsStayLight_data() {
        QTest::addColumn<int>("kind");
        QTest::newRow("graph") << static_cast<int>(FigureKind::Graph);
        QTest::newRow("activations") << static_cast<int>(FigureKind::Activations);
        QTest::newRow("softmax") << static_cast<int>(FigureKind::Softmax);
        QTest::newRow("stats") << static_cast<int>(FigureKind::Stats);
    }
    void exportsStayLight() {
        QFETCH(int, kind);
        const auto window = test::makeTestWindow();
        QVERIFY(window);
        settle(*window);
        const auto k = static_cast<FigureKind>(kind);
        const figures::FigureStyle style;
        const QSize size(900, 500);
        const QImage light = window->exportImage(k, size, style);
        for (const Theme t : {Theme::Dark, Theme::HighContrast}) {
            window->setTheme(t);
            QCOMPARE(window->exportImage(k, size, style), light);
        }
        QCOMPARE(QColor(light.pixel(2, 2)), QColor(Qt::white));
    }

    void presentationModeReturnsToTheTheme_data() {
        QTest::addColumn<int>("theme");
        QTest::newRow("dark") << static_cast<int>(Theme::Dark);
        QTest::newRow("high-contrast") << static_cast<int>(Theme::HighContrast);
        QTest::newRow("light") << static_cast<int>(Theme::Light);
    }
    void presentationModeReturnsToTheTheme() {
        QFETCH(int, theme);
        const auto t = static_cast<Theme>(theme);
        const auto window = test::makeTestWindow();
        QVERIFY(window);
        window->setTheme(t);
        QApplication::processEvents();
        const QColor windowColour = window->palette().color(QPalette::Window);
        const figures::FigureStyle before = window->graphView()->options().style;
        window->setPresentation(true);
        QVERIFY(window->graphView()->options().style.highContrast);
        QCOMPARE(window->graphView()->options().style.dark, t == Theme::Dark);
        window->setPresentation(false);
        QApplication::processEvents();
        QCOMPARE(window->theme(), t);
        const figures::FigureStyle after = window->graphView()->options().style;
        QCOMPARE(after.dark, before.dark);
        QCOMPARE(after.highContrast, t == Theme::HighContrast);
        QCOMPARE(after.highContrast, before.highContrast);
        QCOMPARE(window->palette().color(QPalette::Window), windowColour);
        for (widgets::FigureView* v : window->findChildren<widgets::FigureView*>())
            QCOMPARE(v->options().style.background(), before.background());
    }

    // Softmax: per panel, each panel spans viridis from its darkest to its brightest colour; on
    // the fixed 0..1 scale the -1..+1 range's probabilities (about 0.2 to 0.6) reach neither end.
    void softmaxPerPanelUsesTheWholeColourmap_data() {
        QTest::addColumn<bool>("perPanel");
        QTest::newRow("per-panel") << true;
        QTest::newRow("fixed 0..1") << false;
    }
    void softmaxPerPanelUsesTheWholeColourmap() {
        QFETCH(bool, perPanel);
        figures::FigureOptions opt;
        opt.softmaxLo = -1.0;
        opt.softmaxHi = 1.0;
        opt.softmaxPerPanel = perPanel;
        const QImage img =
            figures::renderFigure(FigureKind::Softmax, Network{}, nullptr, {1050, 300}, opt)
                .convertToFormat(QImage::Format_RGB32);
        const QList<QRect> panels = softmaxPanels(img);
        QCOMPARE(panels.size(), 3);
        for (const QRect& r : panels) {
            QVERIFY(r.width() > 100 && r.height() > 100);
            const Ends e = viridisEnds(img, r);
            QCOMPARE(e.darkest, perPanel);
            QCOMPARE(e.brightest, perPanel);
        }
    }

    void softmaxPerPanelCheckboxAndCliAgree() {
        const auto window = test::makeTestWindow();
        QVERIFY(window);
        window->showTab(QStringLiteral("softmax"));
        widgets::SoftmaxPanel* panel = window->softmaxPanel();
        panel->setRange(-1.0, 1.0);
        QVERIFY(!panel->perPanelBox()->isChecked());
        QVERIFY(!panel->view()->options().softmaxPerPanel);
        const QImage fixed = pixels(panel->view());
        panel->perPanelBox()->click();
        QVERIFY(panel->view()->options().softmaxPerPanel);
        const QImage perPanel = pixels(panel->view());
        QVERIFY(fixed != perPanel);
        shot(window.get(), QStringLiteral("softmax-per-panel"));

        const QString path =
            QStringLiteral(NNLENS_SOURCE_DIR "/resources/presets/single-unit.nnlens.json");
        const QSize size(1050, 300);
        const QImage exported =
            window->exportImage(FigureKind::Softmax, size, figures::FigureStyle{});
        QTemporaryDir dir;
        const QString png = dir.filePath(QStringLiteral("softmax.png"));
        QProcess cli;
        cli.start(QStringLiteral(NNLENS_CLI_PATH),
                  {QStringLiteral("render"), path, QStringLiteral("--figure"),
                   QStringLiteral("softmax"), QStringLiteral("--softmax-range"),
                   QStringLiteral("-1,1"), QStringLiteral("--softmax-per-panel"),
                   QStringLiteral("--width"), QStringLiteral("1050"), QStringLiteral("--height"),
                   QStringLiteral("300"), QStringLiteral("-o"), png});
        QVERIFY(cli.waitForFinished(60000));
        QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
        const QImage rendered(png);
        QCOMPARE(rendered.size(), size);
        QCOMPARE(rendered.convertToFormat(QImage::Format_ARGB32),
                 exported.convertToFormat(QImage::Format_ARGB32));
        // And without the flag the fixed scale, which the per-panel export is not.
        panel->perPanelBox()->click();
        QVERIFY(window->exportImage(FigureKind::Softmax, size, figures::FigureStyle{}) != exported);
    }

    // Every tab's figure in each theme: the background the theme gives (screenshots of the
    // window when NNLENS_SHOT_DIR is set).
    void figuresFollowTheThemeOnEveryTab() {
        const auto window = test::makeTestWindow();
        QVERIFY(window);
        for (const Theme t : {Theme::Dark, Theme::HighContrast}) {
            window->setTheme(t);
            const struct {
                QString tab;
                widgets::FigureView* view;
            } tabs[] = {{QStringLiteral("network"), window->graphView()},
                        {QStringLiteral("softmax"), window->softmaxPanel()->view()},
                        {QStringLiteral("stats"), window->statsPanel()->view()},
                        {QStringLiteral("losses"), window->lossesPanel()->view()},
                        {QStringLiteral("flow"), window->flowPanel()->view()},
                        {QStringLiteral("quiz"), window->quizPanel()->view()}};
            for (const auto& tab : tabs) {
                window->showTab(tab.tab);
                if (tab.tab == QStringLiteral("network")) settle(*window);
                test::settleLayout(*window);
                const QImage img = pixels(tab.view);
                // A top corner shows the background (the graph's maps may fill the left one).
                const auto background = [t](QColor c) {
                    return t == Theme::Dark ? c.lightness() < 60 : c == QColor(Qt::white);
                };
                shot(window.get(), gui::themeName(t) + QLatin1Char('-') + tab.tab);
                QVERIFY2(background(QColor(img.pixel(4, 4))) ||
                             background(QColor(img.pixel(img.width() - 5, 4))),
                         qPrintable(tab.tab));
            }
        }
    }
};

QTEST_MAIN(TestLook)
#include "tst_look.moc"
