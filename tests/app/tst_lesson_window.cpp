// The window's lessons and caption, driven offscreen: the built-in notebook lesson opens at its
// first step, Page Down / Page Up walk it (network, tab, selection and caption of every step), a
// step keeps its edits while the lesson is open and Reset Step brings the lesson's network back as
// one undo step, a bad plan or a missing step network leaves the open network as it was, opening
// another network ends the lesson, and the caption follows the description, hides, and grows in
// presentation mode.
#include <QAbstractScrollArea>
#include <QAbstractSpinBox>
#include <QAction>
#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QScreen>
#include <QScrollBar>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include <algorithm>
#include <memory>

#include "core/lesson_plan.hpp"
#include "core/network.hpp"
#include "model/training_controller.hpp"
#include "model/training_service.hpp"
#include "same_network.hpp"
#include "test_window.hpp"
#include "widgets/caption_panel.hpp"
#include "widgets/figure_view.hpp"
#include "widgets/inspector.hpp"
#include "widgets/layer_editor.hpp"
#include "widgets/plot_panels.hpp"

using namespace nnlens;

namespace {

const QString kNotebook = QStringLiteral(":/lessons/notebook.nnlens-lesson.json");
const QString kQuadrant = QStringLiteral(":/presets/quadrant-selector.nnlens.json");

void writeText(const QString& path, const QByteArray& text) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

LessonPlan notebookPlan() {
    QFile f(kNotebook);
    if (!f.open(QIODevice::ReadOnly)) return {};
    std::vector<std::string> tabs;
    for (const QString& t : gui::MainWindow::tabNames())
        tabs.push_back(t.toStdString());
    return parseLessonPlan(f.readAll().toStdString(), tabs);
}

}  // namespace

class TestLessonWindow : public QObject {
    Q_OBJECT

    std::unique_ptr<gui::MainWindow> m_window;
    gui::MainWindow& window() { return *m_window; }
    widgets::CaptionPanel* caption() { return window().captionPanel(); }

  private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
    }

    void init() {
        m_window = test::makeTestWindow();
        QVERIFY(m_window);
        QVERIFY(window().openPreset(kQuadrant));
    }

    void cleanup() { m_window.reset(); }

    void captionShowsTheNetworksDescription() {
        QVERIFY(caption()->isVisible());
        QCOMPARE(caption()->titleLabel()->text(), QStringLiteral("Quadrant selector"));
        QVERIFY(caption()->textLabel()->text().contains(QStringLiteral("picks a quadrant")));
        QVERIFY(!caption()->stepLabel()->isVisible());
        // Above the figures, the full width of the centre.
        QVERIFY(caption()->geometry().bottom() <=
                window().graphView()->mapTo(caption()->parentWidget(), QPoint(0, 0)).y());
    }

    void captionHidesFromTheViewMenuAndForAWordlessNetwork() {
        auto* action = window().findChild<QAction*>(QStringLiteral("captionAction"));
        QVERIFY(action);
        action->setChecked(false);
        QVERIFY(caption()->isHidden());
        QCOMPARE(QSettings().value(QStringLiteral("view/caption")).toBool(), false);
        action->setChecked(true);
        QVERIFY(caption()->isVisible());
        // A network with no description has nothing to say: no empty panel.
        Network net = window().document()->network();
        net.description.clear();
        window().document()->setNetwork(net);
        QVERIFY(caption()->isHidden());
    }

    // #20: a caption grows to show every sentence, up to 30 % of the window's height; only a
    // longer one scrolls.
    void aLongDescriptionScrollsAndLeavesTheFiguresRoom() {
        QVERIFY(
            window().openPreset(QStringLiteral(":/presets/statistical-perspective.nnlens.json")));
        QCoreApplication::processEvents();
        auto* scroll = caption()->findChild<QAbstractScrollArea*>(QStringLiteral("captionScroll"));
        QVERIFY(scroll);
        const int line = QFontMetrics(caption()->textLabel()->font()).lineSpacing();
        const int cap = std::max(4 * line + 4, static_cast<int>(window().height() * 0.3));
        QVERIFY2(scroll->height() <= cap, qPrintable(QString::number(scroll->height())));
        QVERIFY(scroll->height() > 4 * line + 4);  // more than the four lines it once had
        QVERIFY(caption()->height() < window().height() * 0.4);
        // A caption longer than the cap is a scroll away; one within it is whole.
        const int full = caption()->textLabel()->heightForWidth(caption()->textLabel()->width());
        QCOMPARE(scroll->verticalScrollBar()->maximum() > 0, full > cap);
        // A caption far longer than the window scrolls.
        Network net = window().document()->network();
        net.description =
            QString(QStringLiteral("A sentence that goes on. ")).repeated(200).toStdString();
        window().document()->setNetwork(net);
        QCoreApplication::processEvents();
        QVERIFY(scroll->verticalScrollBar()->maximum() > 0);
        QVERIFY(scroll->height() <= cap);
        // A short one shows whole, with no scroll bar.
        QVERIFY(window().openPreset(kQuadrant));
        QCoreApplication::processEvents();
        QCOMPARE(scroll->verticalScrollBar()->maximum(), 0);
        QVERIFY(scroll->height() >= line);
    }

    void captionGrowsInPresentationMode() {
        const int normal = QFontInfo(caption()->textLabel()->font()).pixelSize();
        const int normalWindow = QFontInfo(window().font()).pixelSize();
        QVERIFY2(normal > normalWindow, "the caption is larger than the window's text");
        auto shownSize = [this] { return QFontInfo(caption()->textLabel()->font()).pixelSize(); };
        window().setPresentation(true);
        // The font change reaches the widgets through the event loop, as on the screen.
        QTRY_VERIFY2(shownSize() > normal,
                     qPrintable(QStringLiteral("%1 -> %2").arg(normal).arg(shownSize())));
        window().setPresentation(false);
        QTRY_COMPARE(shownSize(), normal);
    }

    void builtInLessonOpensAtItsFirstStep() {
        auto* menuAction = window().findChild<QAction*>(QStringLiteral("lesson:notebook"));
        QVERIFY(menuAction);
        menuAction->trigger();
        QVERIFY(window().lessonOpen());
        QCOMPARE(window().lessonStep(), 0);
        const LessonPlan plan = notebookPlan();
        QCOMPARE(window().lessonStepCount(), static_cast<int>(plan.steps.size()));
        QCOMPARE(QString::fromStdString(window().document()->network().name),
                 QStringLiteral("Single unit"));
        QCOMPARE(caption()->titleLabel()->text(), QStringLiteral("The building block"));
        QCOMPARE(caption()->textLabel()->text(), QString::fromStdString(plan.steps[0].caption));
        QVERIFY(caption()->stepLabel()->isVisible());
        // The lesson's name where the row has room for it, and always in the tooltip.
        QVERIFY(caption()->stepLabel()->toolTip().contains(
            QStringLiteral("step 1 of %1").arg(plan.steps.size())));
        QVERIFY(caption()->stepLabel()->text().contains(
            QStringLiteral("tep 1 of %1").arg(plan.steps.size())));
        QVERIFY(!caption()->previousButton()->isEnabled());
        QVERIFY(caption()->nextButton()->isEnabled());
        // Opened as a preset: nothing to save, no file name taken.
        QVERIFY(!window().document()->isModified());
        QVERIFY(window().document()->filePath().isEmpty());
    }

    void pageDownAndPageUpWalkEveryStep() {
        QVERIFY(window().openLessonPlan(kNotebook));
        const LessonPlan plan = notebookPlan();
        // With the focus in a slider, which has its own Page Up/Down: the lesson's keys win.
        window().inspector()->setFocus();
        for (std::size_t i = 0; i < plan.steps.size(); ++i) {
            const LessonStep& step = plan.steps[i];
            QCOMPARE(window().lessonStep(), static_cast<int>(i));
            QCOMPARE(window().currentTabName(), QString::fromStdString(step.tab));
            QCOMPARE(caption()->textLabel()->text(), QString::fromStdString(step.caption));
            // The step's network: the preset it names.
            const QString preset = QString::fromStdString(*lessonStepPreset(step));
            QString error;
            const auto expected = model::Document::readNetwork(
                QStringLiteral(":/presets/%1.nnlens.json").arg(preset), &error);
            QVERIFY2(expected, qPrintable(error));
            QCOMPARE(window().document()->network().name, expected->name);
            if (step.selectLayer) {
                QCOMPARE(window().document()->selection().layer, *step.selectLayer - 1);
                QCOMPARE(window().document()->selection().node, *step.selectNode - 1);
            }
            QTest::keyClick(&window(), Qt::Key_PageDown);
        }
        // Past the last step nothing happens.
        QCOMPARE(window().lessonStep(), static_cast<int>(plan.steps.size()) - 1);
        QVERIFY(!caption()->nextButton()->isEnabled());
        QTest::keyClick(&window(), Qt::Key_PageUp);
        QCOMPARE(window().lessonStep(), static_cast<int>(plan.steps.size()) - 2);
        caption()->previousButton()->click();
        QCOMPARE(window().lessonStep(), static_cast<int>(plan.steps.size()) - 3);
    }

    void aLessonStepAsTheClassSeesIt() {
        QVERIFY(window().openLessonPlan(kNotebook));
        QVERIFY(window().goToStep(6));         // the quadrant selector, output node selected
        QVERIFY(test::waitForMaps(window()));  // the maps arrive from their worker
        test::settleLayout(window());
        // The caption and its lesson row fit the window: nothing cut off on the right.
        const QRect shown = caption()->rect().translated(caption()->mapTo(&window(), QPoint()));
        QVERIFY(window().rect().contains(shown));
        QVERIFY(caption()->nextButton()->isVisible() && caption()->resetButton()->isVisible());
        QVERIFY(caption()->textLabel()->height() >=
                caption()->textLabel()->heightForWidth(caption()->textLabel()->width()));
        const QString dir = qEnvironmentVariable("NNLENS_SHOT_DIR");
        if (!dir.isEmpty()) window().grab().save(dir + QStringLiteral("/lesson-step.png"));
    }

    void theArrowExerciseHidesTheArrowUntilShown() {
        QVERIFY(window().openLessonPlan(kNotebook));
        auto* arrows = window().findChild<QAction*>(QStringLiteral("arrowsAction"));
        QVERIFY(arrows && arrows->isChecked());
        const LessonPlan plan = notebookPlan();
        const auto exercise = std::find_if(plan.steps.begin(), plan.steps.end(),
                                           [](const LessonStep& s) { return !s.arrows; });
        QVERIFY(exercise != plan.steps.end());
        QVERIFY(window().goToStep(static_cast<int>(exercise - plan.steps.begin())));
        QVERIFY(!arrows->isChecked());
        QVERIFY(!window().graphView()->options().arrows);
        arrows->trigger();  // the class has guessed
        QVERIFY(window().graphView()->options().arrows);
        arrows->trigger();
        QVERIFY(window().nextStep());  // the next step shows them again
        QVERIFY(window().graphView()->options().arrows);
    }

    void aStepKeepsItsEditsAndResetBringsTheLessonBack() {
        QVERIFY(window().openLessonPlan(kNotebook));
        model::Document* doc = window().document();
        const float original = doc->parameter({0, 0, 0});
        QVERIFY(doc->setParameter({0, 0, 0}, 3.25f));
        QVERIFY(window().nextStep());
        QVERIFY(window().previousStep());
        QCOMPARE(doc->parameter({0, 0, 0}), 3.25f);
        QVERIFY(doc->isModified());
        // Reset Step: the lesson's value, and Undo brings the edit back.
        caption()->resetButton()->click();
        QCOMPARE(doc->parameter({0, 0, 0}), original);
        doc->guardedUndo();
        QCOMPARE(doc->parameter({0, 0, 0}), 3.25f);
        doc->guardedRedo();
        QCOMPARE(doc->parameter({0, 0, 0}), original);
        // A reset step comes back as the lesson has it.
        QVERIFY(window().nextStep());
        QVERIFY(window().previousStep());
        QCOMPARE(doc->parameter({0, 0, 0}), original);
    }

    // #20 (walk 5): presentation mode toggled during the lesson leaves the current step's docks:
    // off at the training step shows the Training dock, not the "none" of the step where it
    // began; off at a "none" step shows no dock.
    void presentationKeepsTheCurrentStepsDocks() {
        QVERIFY(window().openLessonPlan(kNotebook));
        window().show();
        const LessonPlan plan = notebookPlan();
        int alone = -1, training = -1;
        for (std::size_t i = 0; i < plan.steps.size(); ++i) {
            if (plan.steps[i].dock == "none" && alone < 0) alone = static_cast<int>(i);
            if (plan.steps[i].dock == "training") training = static_cast<int>(i);
        }
        QVERIFY(alone >= 0 && training >= 0);
        auto* trainingDock = window().findChild<QDockWidget*>(QStringLiteral("trainingDock"));
        auto* inspectorDock = window().findChild<QDockWidget*>(QStringLiteral("inspectorDock"));
        const auto anyDock = [&] {
            for (const QDockWidget* d : window().findChildren<QDockWidget*>())
                if (d->isVisible()) return true;
            return false;
        };
        QVERIFY(window().goToStep(alone));
        window().setPresentation(true);
        test::settleLayout(window());
        QVERIFY(!anyDock());
        QVERIFY(window().goToStep(training));
        test::settleLayout(window());
        window().setPresentation(false);
        test::settleLayout(window());
        QVERIFY(trainingDock->isVisible() && !trainingDock->visibleRegion().isEmpty());
        QVERIFY(inspectorDock->isVisible());  // tabbed behind it, as before the lesson hid it
        window().setPresentation(true);
        test::settleLayout(window());
        QVERIFY(window().goToStep(alone));
        test::settleLayout(window());
        window().setPresentation(false);
        test::settleLayout(window());
        QVERIFY(!anyDock());
        window().endLesson();
        test::settleLayout(window());
        QVERIFY(trainingDock->isVisible() && inspectorDock->isVisible());
    }

    // #20: Reset Step at the training step forgets the run: no loss curve, no timeline.
    void resetStepForgetsTheRun() {
        QVERIFY(window().openLessonPlan(kNotebook));
        const LessonPlan plan = notebookPlan();
        int training = -1;
        for (std::size_t i = 0; i < plan.steps.size(); ++i) {
            if (QString::fromStdString(plan.steps[i].title).startsWith(QStringLiteral("Training")))
                training = static_cast<int>(i);
        }
        QVERIFY(training >= 0);
        QVERIFY(window().goToStep(training));
        for (int e = 0; e < 3; ++e)
            QVERIFY(test::trainEpoch(*window().training()));
        QVERIFY(window().training()->snapshot());
        QVERIFY(!window().training()->service()->history().trainLoss.empty());
        QVERIFY(window().document()->isModified());
        caption()->resetButton()->click();
        QVERIFY(!window().training()->snapshot());
        QVERIFY(window().training()->service()->history().trainLoss.empty());
        // As the lesson has it: nothing unsaved, no "*" in the title; Undo brings the trained
        // weights back, unsaved.
        QVERIFY(!window().document()->isModified());
        QVERIFY(!window().isWindowModified());
        window().document()->guardedUndo();
        QVERIFY(window().document()->isModified());
        // Walk 5: the status bar's words belong to their moment. A pause message goes when
        // training runs again; a step's message does not stay under the next step.
        window().statusBar()->showMessage(QStringLiteral("Training paused: reached 500 epochs"));
        QVERIFY(window().training()->play());
        QTRY_VERIFY(
            !window().statusBar()->currentMessage().startsWith(QStringLiteral("Training paused")));
        window().training()->pause();
        caption()->resetButton()->click();
        QVERIFY(window().statusBar()->currentMessage().startsWith(QStringLiteral("Step")));
        QVERIFY(window().nextStep());
        QVERIFY2(!window().statusBar()->currentMessage().contains(
                     QStringLiteral("as the lesson has it")),
                 qPrintable(window().statusBar()->currentMessage()));
    }

    // #20: a step leaves no field with the keyboard in it: Page Down after editing a spin box
    // goes to the next step's view, not into the box (it steps a spin box by ten).
    void aStepTakesTheKeyboardFromAField() {
        QVERIFY(window().openLessonPlan(kNotebook));
        window().show();
        QVERIFY(QTest::qWaitForWindowExposed(&window()));
        window().activateWindow();
        auto* box = window().layerEditor()->findChild<QAbstractSpinBox*>();
        QVERIFY(box);
        box->setFocus(Qt::OtherFocusReason);
        QTRY_VERIFY(box->hasFocus());
        QVERIFY(window().nextStep());
        QVERIFY(!box->hasFocus());
        QVERIFY(!qobject_cast<QAbstractSpinBox*>(QApplication::focusWidget()));
    }

    void aBadPlanKeepsTheOpenNetwork_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("syntax") << QByteArray("{\"format\": \"nnlens.lesson\",\n  oops}")
                                << QStringLiteral("bad.nnlens-lesson.json: line 2, column 3");
        QTest::newRow("unknown tab")
            << QByteArray(R"({"format": "nnlens.lesson", "version": 1, "steps": [
                {"network": "preset:single-unit", "tab": "netwrk"}]})")
            << QStringLiteral(R"(bad.nnlens-lesson.json: steps[0].tab: unknown tab "netwrk")");
        QTest::newRow("missing step network")
            << QByteArray(R"({"format": "nnlens.lesson", "version": 1, "steps": [
                {"network": "gone.nnlens.json"}]})")
            << QStringLiteral("Step 1 of the lesson: gone.nnlens.json: cannot open");
        QTest::newRow("unknown preset")
            << QByteArray(R"({"format": "nnlens.lesson", "version": 1, "steps": [
                {"network": "preset:no-such-preset"}]})")
            << QStringLiteral("Step 1 of the lesson: no-such-preset.nnlens.json: cannot open");
    }
    void aBadPlanKeepsTheOpenNetwork() {
        QFETCH(QByteArray, text);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("bad.nnlens-lesson.json"));
        writeText(path, text);
        QVERIFY(window().document()->setParameter({0, 0, 0}, 1.75f));
        const Network before = window().document()->network();
        QVERIFY(!window().openLessonPlan(path));
        QVERIFY2(window().lastError().contains(message), qPrintable(window().lastError()));
        QVERIFY(!window().lessonOpen());
        QCOMPARE(test::networkDifference(window().document()->network(), before), QString());
        QVERIFY(window().document()->isModified());
        QCOMPARE(caption()->titleLabel()->text(), QStringLiteral("Quadrant selector"));
    }

    void stepFilesAreRelativeToThePlan() {
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("nets")));
        QFile::copy(QStringLiteral(":/presets/single-unit.nnlens.json"),
                    dir.filePath(QStringLiteral("nets/unit.nnlens.json")));
        const QString plan = dir.filePath(QStringLiteral("week1.nnlens-lesson.json"));
        writeText(plan, R"({"format": "nnlens.lesson", "version": 1, "title": "Week 1",
            "steps": [{"title": "Mine", "network": "nets/unit.nnlens.json", "tab": "softmax",
                       "caption": "My words."}]})");
        QVERIFY2(window().openLessonPlan(plan), qPrintable(window().lastError()));
        QCOMPARE(
            QFileInfo(window().document()->filePath()).canonicalFilePath(),
            QFileInfo(dir.filePath(QStringLiteral("nets/unit.nnlens.json"))).canonicalFilePath());
        QCOMPARE(window().currentTabName(), QStringLiteral("softmax"));
        QCOMPARE(caption()->textLabel()->text(), QStringLiteral("My words."));
        QVERIFY(caption()->stepLabel()->text().startsWith(QStringLiteral("Week 1: step 1 of 1")));
    }

    void aLessonFileGivenAtStartOpensItsFirstStep() {
        QTemporaryDir dir;
        const QString plan = dir.filePath(QStringLiteral("class.nnlens-lesson.json"));
        QFile::copy(kNotebook, plan);
        QVERIFY(window().openAtStart(plan));
        QVERIFY(window().lessonOpen());
        QCOMPARE(window().lessonStep(), 0);
        QCOMPARE(caption()->titleLabel()->text(), QStringLiteral("The building block"));
        // A broken one: the built-in example, and the lesson's message naming its place.
        window().endLesson();
        const QString bad = dir.filePath(QStringLiteral("broken.nnlens-lesson.json"));
        writeText(bad, R"({"format": "nnlens.lesson", "version": 1, "steps": 3})");
        QVERIFY(!window().openAtStart(bad));
        QVERIFY(!window().lessonOpen());
        QVERIFY2(window().lastError().contains(QStringLiteral("broken.nnlens-lesson.json: "
                                                              "\"steps\": expected a list")),
                 qPrintable(window().lastError()));
        QCOMPARE(QString::fromStdString(window().document()->network().name),
                 QStringLiteral("Quadrant selector"));
    }

    void openingAnotherNetworkEndsTheLesson() {
        QVERIFY(window().openLessonPlan(kNotebook));
        auto* next = window().findChild<QAction*>(QStringLiteral("nextStepAction"));
        QVERIFY(next && next->isEnabled());
        QVERIFY(window().openPreset(kQuadrant));
        QVERIFY(!window().lessonOpen());
        QVERIFY(!next->isEnabled());
        QVERIFY(!caption()->stepLabel()->isVisible());
        QCOMPARE(caption()->titleLabel()->text(), QStringLiteral("Quadrant selector"));
        // Page Down does nothing without a lesson.
        QTest::keyClick(&window(), Qt::Key_PageDown);
        QCOMPARE(QString::fromStdString(window().document()->network().name),
                 QStringLiteral("Quadrant selector"));
    }

    // #20: each step shows the dock tab it names (or the one its file calls for), its map
    // layout, and hides what gives its exercise away until View > Show Answers.
    // Presentation mode puts the docks together on the right and keeps the one in front in
    // front (a Training step keeps its plots); the step label drops the lesson's name where the
    // row is too narrow for it, rather than wrap "step 11 / of 14".
    void presentationKeepsTheStepsDockAndAShortStepLabel() {
        QVERIFY(window().openLessonPlan(kNotebook));
        const LessonPlan plan = notebookPlan();
        const auto training =
            std::find_if(plan.steps.begin(), plan.steps.end(),
                         [](const LessonStep& st) { return st.dock == "training"; });
        QVERIFY(training != plan.steps.end());
        const int index = static_cast<int>(training - plan.steps.begin());
        QVERIFY(window().goToStep(index));
        test::settleLayout(window());
        auto* trainingDock = window().findChild<QDockWidget*>(QStringLiteral("trainingDock"));
        QVERIFY(trainingDock && !trainingDock->visibleRegion().isEmpty());
        window().setPresentation(true);
        test::settleLayout(window());
        QVERIFY(!trainingDock->visibleRegion().isEmpty());
        window().setPresentation(false);
        test::settleLayout(window());
        QVERIFY(!trainingDock->visibleRegion().isEmpty());

        QLabel* step = caption()->stepLabel();
        const QString full = step->toolTip();
        QVERIFY(full.contains(QStringLiteral(": step %1 of").arg(index + 1)));
        if (step->fontMetrics().horizontalAdvance(full) <= step->contentsRect().width())
            QCOMPARE(step->text(), full);
        // A narrow window: "Step 11 of 14", the name in the tooltip.
        const QSize before = window().size();
        window().resize(640, before.height());
        test::settleLayout(window());
        QTRY_COMPARE(step->text(),
                     QStringLiteral("Step %1 of %2").arg(index + 1).arg(plan.steps.size()));
        window().resize(before);
        test::settleLayout(window());
        QTRY_COMPARE(step->text(), full);
    }

    void stepsShowTheirDockLayoutAndHideTheAnswers() {
        QVERIFY(window().openLessonPlan(kNotebook));
        auto* inspectorDock = window().findChild<QDockWidget*>(QStringLiteral("inspectorDock"));
        auto* trainingDock = window().findChild<QDockWidget*>(QStringLiteral("trainingDock"));
        auto* answers = window().findChild<QAction*>(QStringLiteral("answersAction"));
        QVERIFY(inspectorDock && trainingDock && answers);
        const auto front = [](QDockWidget* dock) { return !dock->visibleRegion().isEmpty(); };
        const LessonPlan plan = notebookPlan();
        for (int i = 0; i < static_cast<int>(plan.steps.size()); ++i) {
            QVERIFY(window().goToStep(i));
            test::settleLayout(window());
            const LessonStep& step = plan.steps[static_cast<std::size_t>(i)];
            const bool training = step.dock == "training" ||
                                  (step.dock.empty() && window().document()->data() != nullptr);
            if (step.dock == "none") {
                // The figure alone: no dock shown, the tab's figure as wide as the window.
                for (const QDockWidget* d : window().findChildren<QDockWidget*>())
                    QVERIFY2(!d->isVisible(), qPrintable(d->objectName()));
                const QWidget* central = window().centralWidget();
                QVERIFY(central->width() >= window().width() - 16);
            } else {
                QVERIFY2(front(training ? trainingDock : inspectorDock),
                         qPrintable(QString::number(i)));
            }
            QCOMPARE(
                window().graphView()->options().mapLayout,
                figures::mapLayoutFromName(step.layout).value_or(figures::MapLayout::Notebook));
            QCOMPARE(answers->isChecked(), !step.hideAnswers);
            QCOMPARE(window().inspector()->answersHidden(), step.hideAnswers);
        }
        // The docks a "none" step hid come back with End Lesson.
        const auto alone = std::find_if(plan.steps.begin(), plan.steps.end(),
                                        [](const LessonStep& st) { return st.dock == "none"; });
        QVERIFY(alone != plan.steps.end());
        QVERIFY(window().goToStep(static_cast<int>(alone - plan.steps.begin())));
        test::settleLayout(window());
        QVERIFY(!inspectorDock->isVisible());
        window().endLesson();
        test::settleLayout(window());
        QVERIFY(inspectorDock->isVisible());
        QVERIFY(window().openLessonPlan(kNotebook));
        test::settleLayout(window());
        // The quiz: the Inspector names no activation and shows no map; the Layers dock hides
        // its activation column; Show Answers brings them back.
        const auto quiz = std::find_if(plan.steps.begin(), plan.steps.end(),
                                       [](const LessonStep& st) { return st.tab == "quiz"; });
        QVERIFY(quiz != plan.steps.end());
        QVERIFY(window().goToStep(static_cast<int>(quiz - plan.steps.begin())));
        test::settleLayout(window());
        const auto title = [&] {
            QString text;
            for (const QLabel* label : window().inspector()->findChildren<QLabel*>())
                if (label->text().startsWith(QStringLiteral("LYR"))) text = label->text();
            return text;
        };
        QVERIFY2(title().endsWith(QStringLiteral("?")), qPrintable(title()));
        // Nor the other tabs: the diagram names no activation, the Activations tab highlights
        // none.
        QVERIFY(window().diagramView()->options().hideWeights);
        QVERIFY(!window().activationPanel()->view()->options().highlight);
        QVERIFY(!window().inspector()->unitView()->isVisibleTo(window().inspector()));
        QVERIFY(window().layerEditor()->table()->isColumnHidden(2));
        answers->trigger();
        QVERIFY2(title().contains(QStringLiteral("tanh")), qPrintable(title()));
        QVERIFY(window().activationPanel()->view()->options().highlight);
        QVERIFY(window().inspector()->unitView()->isVisibleTo(window().inspector()));
        QVERIFY(!window().layerEditor()->table()->isColumnHidden(2));
        // The arrow exercise: the diagram's edges drawn alike until the answers are shown.
        QVERIFY(window().goToStep(3));
        QVERIFY(window().diagramView()->options().hideWeights);
        QVERIFY(!window().graphView()->options().arrows);
        answers->trigger();
        QVERIFY(!window().diagramView()->options().hideWeights);
        // Ending the lesson shows everything and the user's own map layout.
        window().endLesson();
        QVERIFY(answers->isChecked());
        QCOMPARE(window().graphView()->options().mapLayout, figures::MapLayout::Notebook);
    }

    // #20: every centre tab has a View entry with Ctrl+1 to Ctrl+7, and a new window fits the
    // screen's free area with a window manager's frame.
    void everyTabHasAShortcutAndTheWindowFitsTheScreen() {
        const QStringList names = gui::MainWindow::tabNames();
        for (int i = 0; i < names.size(); ++i) {
            QTest::keyClick(&window(), static_cast<Qt::Key>(Qt::Key_1 + i), Qt::ControlModifier);
            QCOMPARE(window().currentTabName(), names[i]);
        }
        const QRect free = window().screen()->availableGeometry();
        const QSize size = window().defaultWindowSize();
        QVERIFY(size.width() + 16 <= free.width() ||
                size.width() <= window().minimumSizeHint().width());
        QVERIFY(size.height() + 48 <= free.height() ||
                size.height() <= window().minimumSizeHint().height());
        QVERIFY(size.width() <= 1280 && size.height() <= 800);
    }
};

QTEST_MAIN(TestLessonWindow)
#include "tst_lesson_window.moc"
