// MainWindow's lessons: a lesson plan (core/lesson_plan.hpp) walked step by step like slides
// (Page Down / Page Up), each step a network, a tab, a selected node and a caption, shown in the
// caption panel above the figures. Edits made at a step stay with it while the lesson is open;
// Reset Step brings the lesson's network back as one undo step.
#include "main_window.hpp"

#include <QAbstractSpinBox>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QLineEdit>
#include <QMenu>
#include <QSettings>
#include <QStatusBar>

#include "core/error.hpp"
#include "model/file_read.hpp"
#include "widgets/caption_panel.hpp"
#include "widgets/layer_editor.hpp"

namespace nnlens::gui {

namespace {

std::vector<std::string> stdTabNames() {
    std::vector<std::string> out;
    for (const QString& name : MainWindow::tabNames())
        out.push_back(name.toStdString());
    return out;
}

// The file or resource a step opens: "preset:NAME" is the built-in ":/presets/NAME.nnlens.json".
QString stepSource(const LessonStep& step, const QString& planPath) {
    if (const auto preset = lessonStepPreset(step)) {
        return QStringLiteral(":/presets/%1.nnlens.json").arg(QString::fromStdString(*preset));
    }
    // Resources (":/lessons/...") are not file system paths: resolve against their folder here.
    if (planPath.startsWith(QLatin1Char(':')) &&
        !QFileInfo(QString::fromStdString(step.network)).isAbsolute()) {
        return QFileInfo(planPath).dir().filePath(QString::fromStdString(step.network));
    }
    return QString::fromStdString(lessonStepPath(step, planPath.toStdString()));
}

// Reads and parses a plan; on failure sets `error` to "<file name>: <message>".
std::optional<LessonPlan> readPlan(const QString& path, QString* error) {
    const QString name = QFileInfo(path).fileName();
    try {
        return parseLessonPlan(model::readWindowFile(path, kMaxLessonPlanBytes, "a lesson plan"),
                               stdTabNames());
    } catch (const InputError& e) {
        *error = model::shownText(name + QStringLiteral(": ") + QString::fromStdString(e.what()));
        return std::nullopt;
    }
}

}  // namespace

// The step's tab and selected node (1-based in the file, as the maps label it), and its dock
// tab: the one it names, else the Training dock for a file that carries data to train on and the
// Inspector for the others; the left dock shows the Layers unless the step names the Data. A
// step that names "none" shows its figure alone (#20: the flow and statistics figures at 1280 x
// 800 in presentation mode); the docks it hid come back with the next step.
void MainWindow::showStepView(const LessonStep& step) {
    showTab(QString::fromStdString(step.tab));
    if (step.selectLayer && step.selectNode) {
        m_doc->setSelection(figures::NodeRef{*step.selectLayer - 1, *step.selectNode - 1});
    }
    showStepDocks(step);
}

void MainWindow::reapplyStepDocks() {
    if (m_plan && m_step >= 0 && m_step < lessonStepCount())
        showStepDocks(m_plan->steps[static_cast<std::size_t>(m_step)]);
}

void MainWindow::showStepDocks(const LessonStep& step) {
    showDocksHiddenByStep();
    if (step.dock == "none") {
        for (QDockWidget* d : findChildren<QDockWidget*>()) {
            if (d->isVisible()) {
                d->hide();
                m_docksHiddenByStep.append(d);
            }
        }
        return;
    }
    std::string right = m_doc->data() ? "training" : "inspector";
    std::string left = "layers";
    if (step.dock == "inspector" || step.dock == "training") right = step.dock;
    if (step.dock == "layers" || step.dock == "data") left = step.dock;
    for (const std::string& dock : {left, right}) {
        const QString name = QString::fromStdString(dock) + QStringLiteral("Dock");
        if (auto* d = findChild<QDockWidget*>(name)) {
            if (!d->isVisible()) d->show();
            d->raise();
        }
    }
}

void MainWindow::showDocksHiddenByStep() {
    for (const QPointer<QDockWidget>& d : std::as_const(m_docksHiddenByStep)) {
        if (d) d->show();
    }
    m_docksHiddenByStep.clear();
}

void MainWindow::buildLessonMenu(QMenu* menu) {
    // The built-in lessons, by their titles.
    const QDir dir(QStringLiteral(":/lessons"));
    for (const QString& entry :
         dir.entryList({QStringLiteral("*.nnlens-lesson.json")}, QDir::Files, QDir::Name)) {
        const QString path = dir.filePath(entry);
        QString error;
        const std::optional<LessonPlan> plan = readPlan(path, &error);
        const QString title = plan && !plan->title.empty() ? QString::fromStdString(plan->title)
                                                           : QFileInfo(entry).baseName();
        QAction* action = menu->addAction(title, this, [this, path] { openLessonPlan(path); });
        action->setObjectName(QStringLiteral("lesson:") + QFileInfo(entry).baseName());
        if (plan) action->setToolTip(QString::fromStdString(plan->description));
    }
    menu->addAction(tr("&Open Lesson…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Open lesson"), QString(),
            tr("nnlens lessons (*.nnlens-lesson.json);;JSON files (*.json);;All files (*)"));
        if (!path.isEmpty()) openLessonPlan(path);
    });
    menu->addSeparator();
    auto add = [&](const QString& text, const QKeySequence& key, auto slot, const char* name) {
        QAction* a = menu->addAction(text, this, slot);
        a->setShortcut(key);
        a->setObjectName(QString::fromLatin1(name));
        a->setEnabled(false);
        addAction(a);  // the shortcut works wherever the focus is
        m_lessonActions.append(a);
        return a;
    };
    add(
        tr("&Next Step"), QKeySequence(Qt::Key_PageDown), [this] { nextStep(); }, "nextStepAction");
    add(
        tr("&Previous Step"), QKeySequence(Qt::Key_PageUp), [this] { previousStep(); },
        "previousStepAction");
    add(
        tr("&Reset Step"), QKeySequence(), [this] { resetStep(); }, "resetStepAction");
    add(
        tr("&End Lesson"), QKeySequence(), [this] { endLesson(); }, "endLessonAction");

    connect(m_caption, &widgets::CaptionPanel::nextRequested, this, [this] { nextStep(); });
    connect(m_caption, &widgets::CaptionPanel::previousRequested, this, [this] { previousStep(); });
    connect(m_caption, &widgets::CaptionPanel::resetRequested, this, [this] { resetStep(); });
    connect(m_caption, &widgets::CaptionPanel::endRequested, this, [this] { endLesson(); });
    // A network opened or reshaped: its description (outside a lesson) may have changed.
    connect(m_doc, &model::Document::networkChanged, this, [this](model::EditHint hint) {
        if (hint.shape) updateCaption();
    });
    updateCaption();
}

bool MainWindow::openLessonPlan(const QString& path) {
    QString error;
    std::optional<LessonPlan> plan = readPlan(path, &error);
    if (!plan) {
        showError(error);
        return false;
    }
    if (!maybeSave()) return false;
    // The step's network must open before the lesson replaces the one that is open.
    const std::optional<LessonPlan> before = std::exchange(m_plan, std::move(plan));
    const QString beforePath = std::exchange(m_planPath, path);
    const int beforeStep = std::exchange(m_step, -1);
    auto beforeEdits = std::exchange(m_stepEdits, {});
    if (!goToStep(0)) {
        m_plan = before;
        m_planPath = beforePath;
        m_step = beforeStep;
        m_stepEdits = std::move(beforeEdits);
        updateCaption();
        return false;
    }
    return true;
}

bool MainWindow::goToStep(int index) {
    if (!m_plan || index < 0 || index >= lessonStepCount()) return false;
    const LessonStep& step = m_plan->steps[static_cast<std::size_t>(index)];
    const QString source = stepSource(step, m_planPath);
    QString error;
    std::optional<Network> original = model::Document::readNetwork(source, &error);
    if (!original) {
        showError(tr("Step %1 of the lesson: %2").arg(index + 1).arg(error));
        return false;
    }
    commitEditing();
    m_training->pause();
    // The last step's message is not this one's (#20, walk 5: "Step 11 is as the lesson has it"
    // under step 12).
    statusBar()->clearMessage();
    // The step left keeps its edits for when the lesson comes back to it.
    if (m_step >= 0 && m_step != index && m_doc->isModified()) {
        m_stepEdits[m_step] = m_doc->network();
    }
    m_stepping = true;
    const bool preset = source.startsWith(QLatin1Char(':'));
    const bool opened = preset ? m_doc->openPreset(source, &error) : m_doc->open(source, &error);
    m_stepping = false;
    if (!opened) {
        showError(tr("Step %1 of the lesson: %2").arg(index + 1).arg(error));
        return false;
    }
    m_training->forget();
    m_layers->resetColourLimit();
    showLesson();
    const auto edited = m_stepEdits.find(index);
    if (edited != m_stepEdits.end()) {
        m_doc->restore(edited->second, m_doc->filePath());
        statusBar()->showMessage(
            tr("Step %1 shows your edits; Reset Step brings back the lesson's network.")
                .arg(index + 1),
            6000);
    }
    m_step = index;
    if (m_arrowsAction) m_arrowsAction->setChecked(step.arrows);
    if (m_featuresAction) {
        m_featuresAction->setChecked(step.features.value_or(!m_doc->network().features.empty()));
    }
    if (m_answersAction) {
        m_answersAction->setChecked(!step.hideAnswers);
        applyAnswers(!step.hideAnswers);  // the step's tab decides too, unchanged or not
    }
    setMapLayout(figures::mapLayoutFromName(step.layout).value_or(figures::MapLayout::Notebook),
                 false);
    showStepView(step);
    // A field left with the keyboard in it (#20: the Nodes box after step 12) would take the
    // next step's keys (Page Down steps a spin box by ten): the step's view has them.
    if (QWidget* focus = QApplication::focusWidget();
        focus && (qobject_cast<QAbstractSpinBox*>(focus) || qobject_cast<QLineEdit*>(focus) ||
                  qobject_cast<QComboBox*>(focus) || !focus->isVisible())) {
        if (QWidget* page = m_tabs->currentWidget()) page->setFocus(Qt::OtherFocusReason);
    }
    for (QAction* a : m_lessonActions)
        a->setEnabled(true);
    updateCaption();
    return true;
}

bool MainWindow::nextStep() {
    return m_plan && m_step + 1 < lessonStepCount() && goToStep(m_step + 1);
}

bool MainWindow::previousStep() {
    return m_plan && m_step > 0 && goToStep(m_step - 1);
}

bool MainWindow::resetStep() {
    if (!m_plan || m_step < 0) return false;
    const LessonStep& step = m_plan->steps[static_cast<std::size_t>(m_step)];
    QString error;
    const std::optional<Network> original =
        model::Document::readNetwork(stepSource(step, m_planPath), &error);
    if (!original) {
        showError(tr("Step %1 of the lesson: %2").arg(m_step + 1).arg(error));
        return false;
    }
    m_training->pause();
    m_stepEdits.erase(m_step);
    if (!m_doc->replaceNetwork(*original, tr("Reset Step"))) return false;
    m_doc->markNetworkAsSource();  // #20: the title's "*" stayed after Reset Step
    // The step as the lesson has it: untrained, no run on the timeline (#20: the loss plot and
    // the timeline kept the run that Reset Step had undone).
    m_training->forget();
    showStepView(step);
    statusBar()->showMessage(
        tr("Step %1 is as the lesson has it (Undo brings your edits back).").arg(m_step + 1), 6000);
    return true;
}

void MainWindow::endLesson() {
    if (!m_plan) return;
    m_plan.reset();
    m_planPath.clear();
    m_step = -1;
    m_stepEdits.clear();
    for (QAction* a : m_lessonActions)
        a->setEnabled(false);
    showDocksHiddenByStep();
    // No exercise outside the lesson, and the map layout the user chose.
    if (m_arrowsAction) m_arrowsAction->setChecked(true);
    if (m_answersAction) {
        m_answersAction->setChecked(true);
        applyAnswers(true);
    }
    setMapLayout(figures::mapLayoutFromName(
                     QSettings().value(QStringLiteral("view/mapLayout")).toString().toStdString())
                     .value_or(figures::MapLayout::Notebook),
                 false);
    updateCaption();
}

void MainWindow::updateCaption() {
    if (!m_caption) return;
    const Network& net = m_doc->network();
    QString title = model::shownText(QString::fromStdString(net.name));
    QString text = model::shownText(QString::fromStdString(net.description));
    if (m_plan && m_step >= 0) {
        const LessonStep& step = m_plan->steps[static_cast<std::size_t>(m_step)];
        if (!step.title.empty()) title = model::shownText(QString::fromStdString(step.title));
        if (!step.caption.empty()) {
            text = model::shownText(QString::fromStdString(step.caption));
        }
        m_caption->setStep(m_step, lessonStepCount(),
                           model::shownText(QString::fromStdString(m_plan->title)));
    } else {
        m_caption->setStep(0, 0, {});
    }
    m_caption->setCaption(title, text);
    const bool wanted = !m_captionAction || m_captionAction->isChecked();
    m_caption->setVisible(wanted && m_caption->hasContent());
}

}  // namespace nnlens::gui
