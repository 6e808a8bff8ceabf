// #20: what a person sees on the screen, step by step through the built-in lesson (which shows
// every tab), on a screen of the size NNLENS_TEST_SCREEN names (1280x800 by default; CTest runs it
// at 1920x1080 and 3840x2160 too), in normal and presentation mode. Pixels, not settings:
//  - every figure's texts, as its painter draws them, inside the figure, apart from each other
//    and at or above the floor (normal: 9 pt at 96 dpi, 12 px; presentation: 24 px at 1080 lines,
//    in proportion), and the figure itself not cut by what holds it;
//  - every text the window paints (docks, tab bar, caption, status bar) at or above the floor;
//  - every control inside the window and whole, or in a scroll area whose bar says that there is
//    more; no dock scrolls sideways; every tab of the tab bar shown; the caption whole.
#include <QAbstractButton>
#include <QAbstractSlider>
#include <QAbstractSpinBox>
#include <QApplication>
#include <QComboBox>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QScreen>
#include <QScrollArea>
#include <QScrollBar>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include "gui/main_window.hpp"
#include "test_screen.hpp"
#include "test_window.hpp"
#include "text_boxes.hpp"
#include "widgets/caption_panel.hpp"
#include "widgets/figure_view.hpp"
#include "widgets/flow_panel.hpp"
#include "widgets/stats_panel.hpp"
#include "widgets/training_panel.hpp"

using namespace nnlens;

namespace {

const QString kLesson = QStringLiteral(":/lessons/notebook.nnlens-lesson.json");
// #21's Playground lesson: the feature column, the Regularization row, the Focus layout.
const QString kPlaygroundLesson = QStringLiteral(":/lessons/playground.nnlens-lesson.json");

QRect screenRect() {
    return QGuiApplication::primaryScreen()->geometry();
}

// Where `w` is in `window`'s coordinates.
QRect inWindow(const QWidget* w, const QWidget* window) {
    return QRect(w->mapTo(window, QPoint(0, 0)), w->size());
}

// The scroll area that holds `w` and shows a scroll bar in `orientation`, if any.
const QScrollArea* scrollingAncestor(const QWidget* w, Qt::Orientation orientation) {
    for (const QWidget* p = w->parentWidget(); p; p = p->parentWidget()) {
        const auto* area = qobject_cast<const QScrollArea*>(p);
        if (!area) continue;
        const QScrollBar* bar =
            orientation == Qt::Horizontal ? area->horizontalScrollBar() : area->verticalScrollBar();
        if (bar->isVisible() && bar->maximum() > 0) return area;
    }
    return nullptr;
}

// A control a person reads or uses.
bool isControl(const QWidget* w) {
    return qobject_cast<const QAbstractButton*>(w) || qobject_cast<const QLabel*>(w) ||
           qobject_cast<const QAbstractSlider*>(w) || qobject_cast<const QAbstractSpinBox*>(w) ||
           qobject_cast<const QComboBox*>(w) || qobject_cast<const QLineEdit*>(w);
}

// A control of a dock that is not shown (behind another dock's tab) is not on the screen.
bool inHiddenDock(const QWidget* w) {
    for (const QWidget* p = w; p; p = p->parentWidget()) {
        if (const auto* dock = qobject_cast<const QDockWidget*>(p))
            return dock->visibleRegion().isEmpty();
    }
    return false;
}

bool inScrollBar(const QWidget* w) {
    for (const QWidget* p = w; p; p = p->parentWidget()) {
        if (qobject_cast<const QScrollBar*>(p)) return true;
    }
    return false;
}

QString describe(const QWidget* w) {
    QString name = w->objectName();
    if (name.isEmpty()) name = QString::fromLatin1(w->metaObject()->className());
    if (const auto* label = qobject_cast<const QLabel*>(w)) name += " \"" + label->text() + "\"";
    if (const auto* button = qobject_cast<const QAbstractButton*>(w))
        name += " \"" + button->text() + "\"";
    return name;
}

}  // namespace

class TestWindowFit : public QObject {
    Q_OBJECT

  private:
    std::unique_ptr<gui::MainWindow> m_window;
    QString m_shotPrefix = QStringLiteral("step");  // the shots' names: which lesson
    QStringList m_problems;

    double floorPx(bool presentation) const {
        // Normal mode: the platform's text, never under 9 pt at 96 dpi. Presentation mode: the
        // back row's 24 px at 1080 lines, in proportion (presentationTextPx); font sizes are whole
        // pixels, so half a pixel under it is the same size rounded.
        return presentation ? m_window->presentationTextPx() - 0.5 : 12.0;
    }

    void problem(const QString& line) { m_problems << line; }

    // The window as it is, for people (scripts/contact-sheet), when NNLENS_SHOT_DIR asks.
    void saveShot(int step, const char* mode) const {
        const QString dir = qEnvironmentVariable("NNLENS_SHOT_DIR");
        if (dir.isEmpty()) return;
        m_window->grab().save(QStringLiteral("%1/%2%3-%4-%5x%6.png")
                                  .arg(dir, m_shotPrefix)
                                  .arg(step + 1, 2, 10, QLatin1Char('0'))
                                  .arg(QLatin1String(mode))
                                  .arg(screenRect().width())
                                  .arg(screenRect().height()));
    }

    void checkFigures(bool presentation) {
        const double floor = floorPx(presentation);
        for (widgets::FigureView* view : m_window->findChildren<widgets::FigureView*>()) {
            if (!view->isVisible() || view->visibleRegion().isEmpty()) continue;
            test::TextRecorder recorder(view->size(), 96.0);
            view->render(&recorder);
            for (const QString& line : test::textProblems(
                     recorder.boxes(), QRectF(QPointF(0, 0), QSizeF(view->size())), floor)) {
                problem(view->objectName() + QStringLiteral(": ") + line);
            }
            // No text shortened to an ellipsis: a cut word says nothing (#20: "(0) Lin…200) W").
            // A formula's "… (3 more)" says what it leaves out.
            static const QRegularExpression counted(QStringLiteral("\u2026 \\(\\d+ more\\)"));
            for (const test::TextBox& box : recorder.boxes()) {
                if (box.text.contains(QChar(0x2026)) && !counted.match(box.text).hasMatch())
                    problem(view->objectName() +
                            QStringLiteral(": \"%1\" is elided").arg(box.text));
            }
            // The loss and fit plots' axes at least four lines of the floor's text high: their
            // curves a person can follow (#20: the fit plot's were 55 px under its legend).
            const QRectF whole(QPointF(0, 0), QSizeF(view->size()));
            QRectF axes;
            if (view->objectName() == QLatin1String("fitView"))
                axes = figures::fitPlotArea(whole, view->shownNetwork(), view->options());
            else if (view->objectName() == QLatin1String("lossView") && view->options().history &&
                     !view->options().history->train.empty())
                axes = figures::lossPlotArea(whole, view->options());
            if (!axes.isNull() && qEnvironmentVariableIsSet("NNLENS_FIT_NOTES")) {
                qInfo().noquote() << "  note:" << view->objectName() << "axes"
                                  << qRound(axes.width()) << "x" << qRound(axes.height()) << "px";
            }
            if (!axes.isNull() && axes.height() < 4.0 * 1.2 * floor) {
                problem(QStringLiteral("%1: axes %2 px high, under four lines of text (%3 px)")
                            .arg(view->objectName())
                            .arg(axes.height(), 0, 'f', 0)
                            .arg(4.0 * 1.2 * floor, 0, 'f', 0));
            }
            // The figure whole on the screen, or in a scroll area that shows there is more.
            const QRegion shown = view->visibleRegion();
            if (shown != QRegion(view->rect()) && !scrollingAncestor(view, Qt::Horizontal) &&
                !scrollingAncestor(view, Qt::Vertical)) {
                problem(QStringLiteral("%1 is cut: %2 x %3 of its %4 x %5 px shown")
                            .arg(view->objectName())
                            .arg(shown.boundingRect().width())
                            .arg(shown.boundingRect().height())
                            .arg(view->width())
                            .arg(view->height()));
            }
        }
    }

    void checkWindowText(bool presentation) {
        // The docks, tab bar, caption and status bar: the texts the window paints (the figures'
        // own were checked above, each inside its figure).
        const double floor = floorPx(presentation);
        test::TextRecorder recorder(m_window->size(), 96.0);
        m_window->render(&recorder);
        QStringList small;
        for (const test::TextBox& box : recorder.boxes()) {
            if (box.pixels + 0.01 < floor)
                small << QStringLiteral("\"%1\" %2 px").arg(box.text).arg(box.pixels, 0, 'f', 1);
        }
        small.removeDuplicates();
        if (!small.isEmpty()) {
            problem(QStringLiteral("text under the %1 px floor: %2")
                        .arg(floor, 0, 'f', 1)
                        .arg(small.mid(0, 12).join(QStringLiteral(", "))));
        }
    }

    // Nothing scrolls sideways: not a dock, not the figures' area.
    void checkSideways(const QString& when = QString()) {
        for (const QScrollArea* area : m_window->findChildren<QScrollArea*>()) {
            if (!area->isVisible() || area->visibleRegion().isEmpty()) continue;
            if (area->horizontalScrollBar()->isVisible() &&
                area->horizontalScrollBar()->maximum() > 0) {
                problem(QStringLiteral("%1 scrolls sideways (%2 px more)%3")
                            .arg(area->objectName())
                            .arg(area->horizontalScrollBar()->maximum())
                            .arg(when));
            }
        }
    }

    void checkControls() {
        const QRect window(QPoint(0, 0), m_window->size());
        checkSideways();
        for (const QWidget* w : m_window->findChildren<QWidget*>()) {
            if (!isControl(w) || !w->isVisible() || inScrollBar(w) || inHiddenDock(w)) continue;
            if (w->window() != m_window.get()) continue;
            const QRect at = inWindow(w, m_window.get());
            const bool scrolls =
                scrollingAncestor(w, Qt::Vertical) || scrollingAncestor(w, Qt::Horizontal);
            // Beyond the window or cut, but in a scroll area whose bar says there is more (a dock
            // scrolling sideways was said above).
            if (!scrolls && !window.contains(at)) {
                problem(QStringLiteral("%1 is off the window at %2,%3 %4 x %5")
                            .arg(describe(w))
                            .arg(at.x())
                            .arg(at.y())
                            .arg(at.width())
                            .arg(at.height()));
                continue;
            }
            if (!scrolls && w->visibleRegion() != QRegion(w->rect()) &&
                !w->visibleRegion().isEmpty()) {
                problem(QStringLiteral("%1 is cut (%2 x %3 of %4 x %5 shown)")
                            .arg(describe(w))
                            .arg(w->visibleRegion().boundingRect().width())
                            .arg(w->visibleRegion().boundingRect().height())
                            .arg(w->width())
                            .arg(w->height()));
            }
            // Its words whole: a label or button narrower than its text cuts it.
            QString text;
            bool wraps = false;
            if (const auto* label = qobject_cast<const QLabel*>(w)) {
                text = label->textFormat() == Qt::RichText ? QString() : label->text();
                wraps = label->wordWrap();
            } else if (const auto* button = qobject_cast<const QAbstractButton*>(w)) {
                text = button->text();
                text.remove(QLatin1Char('&'));
            }
            if (!text.isEmpty() && !wraps && !text.contains(QLatin1Char('\n'))) {
                const int needs = w->fontMetrics().horizontalAdvance(text);
                if (w->width() < needs) {
                    problem(QStringLiteral("%1 is %2 px wide for %3 px of text")
                                .arg(describe(w))
                                .arg(w->width())
                                .arg(needs));
                }
            }
            if (const auto* slider = qobject_cast<const QAbstractSlider*>(w)) {
                const int length =
                    slider->orientation() == Qt::Horizontal ? slider->width() : slider->height();
                if (length < 80)
                    problem(QStringLiteral("%1 is a %2 px stub").arg(describe(w)).arg(length));
            }
        }
        // The figures' area never scrolls: its tab fits under the caption, at every size.
        for (const QScrollArea* area : m_window->findChildren<QScrollArea*>()) {
            if (area->parentWidget() != m_window.get() || !area->isVisible()) continue;
            if (area->verticalScrollBar()->maximum() > 0) {
                problem(QStringLiteral("the figures' area scrolls (%1 px hidden below)")
                            .arg(area->verticalScrollBar()->maximum()));
            }
        }
        // Nor does the Training dock, whose plots a run is watched on: its settings fold into
        // one line and its plots show one at a time where it is short (since #20's third walk,
        // in presentation mode on an 800-line screen too). Other docks may scroll down, with
        // their bar shown: the Inspector lists every weight.
        if (const auto* dock = m_window->findChild<QDockWidget*>(QStringLiteral("trainingDock"))) {
            const auto* area = qobject_cast<const QScrollArea*>(dock->widget());
            if (dock->isVisible() && area && !area->visibleRegion().isEmpty() &&
                area->verticalScrollBar()->maximum() > 0) {
                problem(QStringLiteral("the Training dock scrolls (%1 px hidden)")
                            .arg(area->verticalScrollBar()->maximum()));
            }
        }
        // Every tab of the centre's tab bar shown, none behind the bar's scroll arrows.
        const auto* tabs = m_window->findChild<QTabWidget*>();
        if (tabs) {
            const QTabBar* bar = tabs->tabBar();
            for (int i = 0; i < bar->count(); ++i) {
                if (!bar->rect().contains(bar->tabRect(i))) {
                    problem(QStringLiteral("tab \"%1\" is behind the tab bar's arrows")
                                .arg(bar->tabText(i)));
                }
            }
        }
        // The caption whole: no sentence behind a scroll bar.
        if (const auto* caption = m_window->captionPanel(); caption && caption->isVisible()) {
            const auto* scroll = caption->findChild<QScrollArea*>(QStringLiteral("captionScroll"));
            if (scroll && scroll->verticalScrollBar()->isVisible() &&
                scroll->verticalScrollBar()->maximum() > 0) {
                problem(QStringLiteral("the caption scrolls (%1 px hidden)")
                            .arg(scroll->verticalScrollBar()->maximum()));
            }
        }
        // The status bar on the screen.
        const QRect status = inWindow(m_window->statusBar(), m_window.get());
        const QRect onScreen(m_window->mapToGlobal(status.topLeft()), status.size());
        if (!screenRect().contains(onScreen))
            problem(QStringLiteral("the status bar is off the screen"));
    }

  private slots:
    void init() {
        m_window = test::makeTestWindow();
        QVERIFY(m_window);
        m_problems.clear();
    }
    void cleanup() {
        if (m_window) m_window->setPresentation(false);
        m_window.reset();
    }

    void lessonStepsFit_data() {
        QTest::addColumn<QString>("lesson");
        QTest::addColumn<int>("step");
        QTest::addColumn<bool>("presentation");
        const struct {
            QString path;
            const char* name;
            int steps;
        } lessons[] = {{kLesson, "step", 14}, {kPlaygroundLesson, "playground step", 7}};
        for (const auto& lesson : lessons) {
            for (int step = 0; step < lesson.steps; ++step) {
                for (const bool on : {false, true}) {
                    QTest::newRow(qPrintable(QStringLiteral("%1 %2, %3")
                                                 .arg(QLatin1String(lesson.name))
                                                 .arg(step + 1)
                                                 .arg(on ? "presentation" : "normal")))
                        << lesson.path << step << on;
                }
            }
        }
    }
    void lessonStepsFit() {
        QFETCH(QString, lesson);
        QFETCH(int, step);
        QFETCH(bool, presentation);
        m_shotPrefix = lesson == kLesson ? QStringLiteral("step") : QStringLiteral("playground");
        // The window as it starts: the default size, which fits the screen with its frame.
        m_window->showNormal();
        m_window->resize(m_window->defaultWindowSize());
        QVERIFY(m_window->openLessonPlan(lesson));
        QCOMPARE(m_window->lessonStepCount(), lesson == kLesson ? 14 : 7);
        QVERIFY(step < m_window->lessonStepCount());
        QVERIFY(m_window->goToStep(step));
        if (presentation) {
            m_window->setPresentation(true);
            QTRY_COMPARE(m_window->geometry().size(), screenRect().size());
        }
        // This network's maps (the graph paints them only on the Network tab).
        QTRY_VERIFY_WITH_TIMEOUT(
            m_window->graphView()->frame() &&
                m_window->graphView()->frame()->generation == m_window->requestedGeneration(),
            20000);
        // The data-flow and statistics figures draw a trace their worker computes.
        if (m_window->currentTabName() == QStringLiteral("flow"))
            QTRY_VERIFY_WITH_TIMEOUT(m_window->flowPanel()->view()->options().trace, 20000);
        if (m_window->currentTabName() == QStringLiteral("stats"))
            QTRY_VERIFY_WITH_TIMEOUT(m_window->statsPanel()->view()->options().trace, 20000);
        test::settleLayout(*m_window, 8);
        checkFigures(presentation);
        checkWindowText(presentation);
        checkControls();
        saveShot(step, presentation ? "presentation" : "normal");
        // The Training dock's settings unfolded (they fold where the dock is short): as wide as
        // the dock, which was sized for them folded.
        if (auto* panel = m_window->trainingPanel(); panel && panel->isVisible() &&
                                                     !panel->visibleRegion().isEmpty() &&
                                                     !panel->settingsShown()) {
            panel->settingsToggle()->click();
            test::settleLayout(*m_window, 4);
            checkSideways(QStringLiteral(" with the Training settings unfolded"));
            // ... and the plots under them still readable, the dock scrolling if it must (#20:
            // the fit plot was a 35 px strip).
            checkFigures(presentation);
            saveShot(step, presentation ? "presentation-settings" : "normal-settings");
            panel->settingsToggle()->click();  // folded again, as the step had them
            test::settleLayout(*m_window, 4);
        }
        // An earlier epoch shown on the timeline: Continue from here whole, the dock still not
        // scrolling (#20, walk 6: in presentation mode at 1280 x 800 the button's row made it
        // scroll and cut the button at its edge).
        auto* resume = m_window->findChild<QAbstractButton*>(QStringLiteral("continueButton"));
        auto* slider = m_window->findChild<QAbstractSlider*>(QStringLiteral("timelineSlider"));
        if (resume && slider && m_window->document()->data() && slider->isVisible() &&
            !slider->visibleRegion().isEmpty()) {
            for (int e = 0; e < 3; ++e)
                QVERIFY(test::trainEpoch(*m_window->training()));
            slider->setValue(1);
            test::settleLayout(*m_window, 4);
            QVERIFY(!resume->isHidden());
            if (resume->visibleRegion().boundingRect().size() != resume->size()) {
                problem(QStringLiteral("Continue from here: %1 x %2 of %3 x %4 px visible")
                            .arg(resume->visibleRegion().boundingRect().width())
                            .arg(resume->visibleRegion().boundingRect().height())
                            .arg(resume->width())
                            .arg(resume->height()));
            }
            checkControls();
            saveShot(step, presentation ? "presentation-scrub" : "normal-scrub");
        }
        for (const QString& line : m_problems)
            qInfo().noquote() << "  problem:" << line;
        QVERIFY2(m_problems.isEmpty(), qPrintable(QStringLiteral("%1 problems, the first: %2")
                                                      .arg(m_problems.size())
                                                      .arg(m_problems.value(0))));
    }
};

// On the offscreen screen of NNLENS_TEST_SCREEN (tests/support/test_screen.hpp).
int main(int argc, char** argv) {
    QTemporaryDir dir;
    if (!nnlens::test::useTestScreen(dir)) return 2;
    QApplication app(argc, argv);
    TestWindowFit test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_window_fit.moc"
