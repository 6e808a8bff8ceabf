// MainWindow's menus and actions: File (presets, recent files), Edit, View, Engine and Help.
#include "main_window.hpp"
#include "space_key.hpp"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QMenuBar>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QUndoStack>

#include <algorithm>
#include <optional>
#include <vector>

#include "core/network_io.hpp"
#include "widgets/data_panel.hpp"
#include "widgets/figure_view.hpp"
#include "widgets/inspector.hpp"
#include "widgets/layer_editor.hpp"
#include "widgets/plot_panels.hpp"
#include "widgets/training_panel.hpp"

namespace nnlens::gui {

namespace {

constexpr int kMaxRecent = 8;
const QString kRecentKey = QStringLiteral("recentFiles");

}  // namespace

void MainWindow::setOnAllViews(bool figures::FigureOptions::*option, bool on) {
    for (widgets::FigureView* v : findChildren<widgets::FigureView*>()) {
        if (v->options().*option == on) continue;
        figures::FigureOptions opt = v->options();
        opt.*option = on;
        v->setOptions(opt);
    }
}

void MainWindow::addPlaygroundActions(QMenu* view) {
    // Playground's input features: a column of their maps left of the first layer, each with a
    // check box. Shown by itself when a network with features opens or one is turned on.
    m_featuresAction = view->addAction(tr("Input &Features"));
    m_featuresAction->setObjectName(QStringLiteral("featuresAction"));
    m_featuresAction->setCheckable(true);
    m_featuresAction->setShortcut(QKeySequence(tr("Ctrl+Shift+F")));
    m_featuresAction->setToolTip(
        tr("A column of the input features' maps (x1, x2, x1^2, x2^2, x1*x2, sin x1, sin x2) "
           "left of the first layer: tick one to feed it to the first layer"));
    m_graph->setFeatureToggles(true);
    connect(m_featuresAction, &QAction::toggled, this, [this](bool on) {
        figures::FigureOptions opt = m_graph->options();
        opt.featureColumn = on;
        m_graph->setOptions(opt);
    });
    // Only a change of the feature list ticks it: a slider step or a training frame must not
    // undo the user's (or a lesson step's) choice to hide the column.
    connect(m_doc, &model::Document::networkChanged, this,
            [this, shown = std::vector<Feature>{}]() mutable {
                const std::vector<Feature>& features = m_doc->network().features;
                if (features == shown) return;
                shown = features;
                if (!features.empty()) m_featuresAction->setChecked(true);
            });
    // Playground's "Discretize output", also a check box in the Data dock.
    m_discretizeAction = view->addAction(tr("Discreti&ze Output"));
    m_discretizeAction->setObjectName(QStringLiteral("discretizeAction"));
    m_discretizeAction->setCheckable(true);
    m_discretizeAction->setToolTip(
        tr("The output maps as the class decision: two colours split "
           "at 0.5 (sigmoid, softmax) or 0 (tanh, linear, ...)"));
    connect(m_discretizeAction, &QAction::toggled, this, [this](bool on) {
        m_data->setDiscretize(on);
        setOnAllViews(&figures::FigureOptions::discretize, on);
    });
    connect(m_data, &widgets::DataPanel::discretizeChanged, m_discretizeAction,
            &QAction::setChecked);
}

void MainWindow::applyAnswers(bool shown) {
    m_inspector->setHideAnswers(!shown);
    m_layers->setHideAnswers(!shown);
    m_activations->setHideAnswers(!shown);
    figures::FigureOptions opt = m_diagram->options();
    opt.hideWeights = !shown;
    m_diagram->setOptions(opt);
    // On a quiz step the network's own map is one of the answers: the Network tab hides its maps
    // too (walk 7). The arrow exercise, which also hides answers, is about the map.
    const bool quizStep = m_plan && m_step >= 0 &&
                          m_step < static_cast<int>(m_plan->steps.size()) &&
                          m_plan->steps[static_cast<std::size_t>(m_step)].tab == "quiz";
    figures::FigureOptions graph = m_graph->options();
    graph.hideMaps = !shown && quizStep;
    if (graph.hideMaps != m_graph->options().hideMaps) m_graph->setOptions(graph);
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&New"), QKeySequence::New, this, [this] {
        if (!maybeSave()) return;
        m_training->forget();
        m_doc->newNetwork();
        m_layers->resetColourLimit();
        endLesson();
    });
    file->addAction(tr("&Open…"), QKeySequence::Open, this, &MainWindow::openDialog);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    buildPresetMenu(file->addMenu(tr("&Presets")));
    buildLessonMenu(menuBar()->addMenu(tr("&Lesson")));
    file->addSeparator();
    file->addAction(tr("&Save"), QKeySequence::Save, this, [this] { save(); });
    // Explicit: QKeySequence::SaveAs is empty on some platforms (X11 without a desktop's theme).
    file->addAction(tr("Save &As…"), QKeySequence(tr("Ctrl+Shift+S")), this,
                    [this] { saveAsDialog(); });
    file->addSeparator();
    file->addAction(tr("&Export Figure…"), QKeySequence(tr("Ctrl+E")), this,
                    &MainWindow::exportDialog);
    // The run's kept epochs as frames: for slides. Enabled once the timeline has two entries.
    m_animationAction =
        file->addAction(tr("Export &Training Animation…"), this, &MainWindow::animationDialog);
    m_animationAction->setObjectName(QStringLiteral("animationAction"));
    m_animationAction->setToolTip(tr("The training run as an animated PNG, GIF or PNG frames"));
    auto syncAnimation = [this] {
        m_animationAction->setEnabled(m_training->service()->timeline().size() >= 2);
    };
    syncAnimation();
    connect(file, &QMenu::aboutToShow, this, syncAnimation);
    connect(m_training, &model::TrainingController::progressed, this, syncAnimation);
    file->addAction(tr("&Copy Network Figure"), QKeySequence(tr("Ctrl+Shift+C")), this, [this] {
        // The figure on the screen: the maps, or the diagram for a network without 2 inputs.
        widgets::FigureView* view = m_doc->network().inputs == 2 ? m_graph : m_diagram;
        try {
            QApplication::clipboard()->setImage(view->renderImage(view->size(), {}));
            statusBar()->showMessage(tr("Figure copied to the clipboard."), 3000);
        } catch (const std::exception& e) {
            showError(QString::fromUtf8(e.what()));
        }
    });
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    // Undo and redo first end a running training run (as its own undo step).
    QUndoStack* stack = m_doc->undoStack();
    QAction* undo = new QAction(tr("&Undo"), this);
    undo->setShortcut(QKeySequence::Undo);
    undo->setEnabled(stack->canUndo());
    connect(undo, &QAction::triggered, this, [this] { m_doc->guardedUndo(); });
    connect(stack, &QUndoStack::canUndoChanged, undo, &QAction::setEnabled);
    connect(stack, &QUndoStack::undoTextChanged, undo, [undo](const QString& text) {
        undo->setText(text.isEmpty() ? tr("&Undo") : tr("&Undo %1").arg(text));
    });
    QAction* redo = new QAction(tr("&Redo"), this);
    redo->setShortcut(QKeySequence::Redo);
    redo->setEnabled(stack->canRedo());
    connect(redo, &QAction::triggered, this, [this] { m_doc->guardedRedo(); });
    connect(stack, &QUndoStack::canRedoChanged, redo, &QAction::setEnabled);
    connect(stack, &QUndoStack::redoTextChanged, redo, [redo](const QString& text) {
        redo->setText(text.isEmpty() ? tr("&Redo") : tr("&Redo %1").arg(text));
    });
    edit->addAction(undo);
    edit->addAction(redo);
    edit->addSeparator();
    edit->addAction(tr("Re-initialise Parameters"), this, [this] { m_doc->reinitialize(); });

    QMenu* training = menuBar()->addMenu(tr("&Training"));
    m_playAction = training->addAction(tr("&Play"));
    m_playAction->setObjectName(QStringLiteral("playAction"));
    m_playAction->setShortcut(QKeySequence(Qt::Key_Space));
    m_playAction->setToolTip(tr("Train until paused"));
    connect(m_playAction, &QAction::triggered, this, [this] { m_training->togglePlay(); });
    training->addAction(tr("&Step (one minibatch)"), QKeySequence(tr("Ctrl+.")), this,
                        [this] { m_training->step(); });
    training->addAction(tr("&Epoch (one pass)"), QKeySequence(tr("Ctrl+Shift+.")), this,
                        [this] { m_training->epoch(); });
    training->addAction(tr("&Reset Parameters"), this, [this] { m_training->reset(); });
    training->addSeparator();
    m_lrScanAction = training->addAction(tr("&Learning-rate Scan…"), QKeySequence(tr("Ctrl+L")),
                                         this, [this] { showLrScan(); });
    m_lrScanAction->setObjectName(QStringLiteral("lrScanAction"));
    m_lrScanAction->setToolTip(tr("The notebook's lr_scan: loss against a rising rate"));
    m_lrScanAction->setEnabled(m_trainingPanel->trainable());
    connect(m_trainingPanel, &widgets::TrainingPanel::trainableChanged, m_lrScanAction,
            &QAction::setEnabled);
    addAction(m_playAction);
    // Space works wherever the focus is (text being typed keeps it): buttons, check boxes and
    // number fields would otherwise take it.
    new SpaceKey(this);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    m_presentationAction = view->addAction(tr("&Presentation Mode"));
    m_presentationAction->setCheckable(true);
    m_presentationAction->setShortcut(QKeySequence(Qt::Key_F11));
    connect(m_presentationAction, &QAction::toggled, this, &MainWindow::setPresentation);
    view->addSeparator();
    // The caption above the figures (the notebook's words); remembered across sessions.
    m_captionAction = view->addAction(tr("&Caption"));
    m_captionAction->setObjectName(QStringLiteral("captionAction"));
    m_captionAction->setCheckable(true);
    m_captionAction->setChecked(QSettings().value(QStringLiteral("view/caption"), true).toBool());
    connect(m_captionAction, &QAction::toggled, this, [this](bool on) {
        QSettings().setValue(QStringLiteral("view/caption"), on);
        updateCaption();
    });
    // The notebook's arrow exercise: the arrows hidden until the class has guessed.
    m_arrowsAction = view->addAction(tr("Weight &Arrows"));
    m_arrowsAction->setObjectName(QStringLiteral("arrowsAction"));
    m_arrowsAction->setCheckable(true);
    m_arrowsAction->setChecked(true);
    m_arrowsAction->setShortcut(QKeySequence(tr("Ctrl+Shift+A")));
    m_arrowsAction->setToolTip(
        tr("The weight arrow w on first-layer maps (hide it for the "
           "notebook's arrow exercise)"));
    connect(m_arrowsAction, &QAction::toggled, this,
            [this](bool on) { setOnAllViews(&figures::FigureOptions::arrows, on); });
    // A lesson's exercise hides what gives its answer away: the diagram's weights, the
    // Inspector's activation and map, the Layers dock's activations.
    m_answersAction = view->addAction(tr("Show A&nswers"));
    m_answersAction->setObjectName(QStringLiteral("answersAction"));
    m_answersAction->setCheckable(true);
    m_answersAction->setChecked(true);
    m_answersAction->setShortcut(QKeySequence(tr("Ctrl+Shift+N")));
    m_answersAction->setToolTip(
        tr("The diagram's weights, the Inspector's activation and map, the Layers dock's "
           "activations (a lesson's exercise hides them)"));
    connect(m_answersAction, &QAction::toggled, this, &MainWindow::applyAnswers);
    // Outside a lesson the Quiz tab hides the giveaways too (walk 7: the Inspector said "tanh"
    // beside "Which activation?"); leaving it shows again what was shown before. A lesson's
    // steps say themselves what they hide.
    connect(m_tabs, &QTabWidget::currentChanged, this,
            [this, before = std::optional<bool>{}]() mutable {
                if (lessonOpen()) return;
                const bool quiz = currentTabName() == QStringLiteral("quiz");
                if (quiz && !before) {
                    before = m_answersAction->isChecked();
                    m_answersAction->setChecked(false);
                } else if (!quiz && before) {
                    m_answersAction->setChecked(*before);
                    before.reset();
                }
            });
    auto* colourBar = view->addAction(tr("Colour &Bar"));
    colourBar->setCheckable(true);
    colourBar->setChecked(true);
    connect(colourBar, &QAction::toggled, this, [this](bool on) {
        figures::FigureOptions opt = m_graph->options();
        opt.colourBar = on;
        m_graph->setOptions(opt);
    });
    addPlaygroundActions(view);
    auto* diagram = view->addAction(tr("Network &Diagram"));
    diagram->setCheckable(true);
    diagram->setChecked(true);
    diagram->setShortcut(QKeySequence(tr("Ctrl+D")));
    diagram->setToolTip(tr("Hide the diagram to give deep networks' maps the whole height"));
    connect(diagram, &QAction::toggled, this, [this](bool on) {
        // A network without maps always shows its diagram.
        m_diagram->setVisible(on || m_doc->network().inputs != 2);
        m_showDiagram = on;
    });
    auto* histograms = view->addAction(tr("&Histograms"));
    histograms->setCheckable(true);
    histograms->setChecked(true);
    connect(histograms, &QAction::toggled, this, [this](bool on) {
        for (widgets::FigureView* v : {m_graph, m_inspector->unitView()}) {
            figures::FigureOptions opt = v->options();
            opt.histograms = on;
            v->setOptions(opt);
        }
    });
    // Deep networks on a small screen (#13): the maps sized to the area, or one layer large.
    // File > Export draws what the view shows; remembered across sessions.
    QMenu* mapLayout = view->addMenu(tr("Map &Layout"));
    auto* mapLayouts = new QActionGroup(this);
    m_mapLayouts = mapLayouts;
    const figures::MapLayout saved =
        figures::mapLayoutFromName(
            QSettings().value(QStringLiteral("view/mapLayout")).toString().toStdString())
            .value_or(figures::MapLayout::Notebook);
    const struct {
        figures::MapLayout layout;
        QString text, name, tip;
    } layouts[] = {
        {figures::MapLayout::Notebook, tr("&Notebook (One Column per Layer)"),
         QStringLiteral("mapLayoutNotebook"), tr("One map per node down each layer's column")},
        {figures::MapLayout::Fill, tr("&Fill the Area"), QStringLiteral("mapLayoutFill"),
         tr("Each layer a grid, the maps as large as the area allows")},
        {figures::MapLayout::Focus, tr("F&ocus on the Selected Layer"),
         QStringLiteral("mapLayoutFocus"),
         tr("The selected node's layer large, the other layers small")}};
    for (const auto& entry : layouts) {
        QAction* a = mapLayout->addAction(entry.text);
        a->setObjectName(entry.name);
        a->setToolTip(entry.tip);
        a->setCheckable(true);
        a->setChecked(entry.layout == saved);
        mapLayouts->addAction(a);
        const figures::MapLayout layout = entry.layout;
        a->setData(static_cast<int>(layout));
        connect(a, &QAction::triggered, this, [this, layout] { setMapLayout(layout, true); });
    }
    m_graph->options().mapLayout = saved;
    buildThemeMenu(view->addMenu(tr("&Theme")));
    view->addSeparator();
    // Node navigation from anywhere (plain arrows do it while a figure has focus).
    const struct {
        QString text;
        QKeySequence key;
        int dx, dy;
    } moves[] = {{tr("Next Node"), QKeySequence(Qt::ALT | Qt::Key_Down), 0, 1},
                 {tr("Previous Node"), QKeySequence(Qt::ALT | Qt::Key_Up), 0, -1},
                 {tr("Next Layer"), QKeySequence(Qt::ALT | Qt::Key_Right), 1, 0},
                 {tr("Previous Layer"), QKeySequence(Qt::ALT | Qt::Key_Left), -1, 0}};
    for (const auto& m : moves) {
        const int dx = m.dx;
        const int dy = m.dy;
        view->addAction(m.text, m.key, this, [this, dx, dy] { m_doc->moveSelection(dx, dy); });
    }
    view->addSeparator();
    // Every tab by its number, in the tab bar's order (Ctrl+1 to Ctrl+7).
    const QStringList tabs{tr("&Network"),   tr("&Activations"), tr("&Softmax"), tr("&Losses"),
                           tr("Data &Flow"), tr("S&tatistics"),  tr("&Quiz")};
    for (int i = 0; i < tabs.size(); ++i) {
        view->addAction(tabs[i], QKeySequence(QStringLiteral("Ctrl+%1").arg(i + 1)), this,
                        [this, i] { m_tabs->setCurrentIndex(i); });
    }
    view->addSeparator();
    for (QDockWidget* dock : findChildren<QDockWidget*>())
        view->addAction(dock->toggleViewAction());

    QMenu* engine = menuBar()->addMenu(tr("E&ngine"));
    m_backendGroup = new QActionGroup(this);
    const std::pair<QString, QString> backends[] = {
        {QStringLiteral("auto"), tr("&Automatic (CUDA when a GPU is present)")},
        {QStringLiteral("cpu"), tr("&CPU (Eigen)")},
        {QStringLiteral("cuda"), tr("CU&DA GPU")}};
    for (const auto& [name, text] : backends) {
        QAction* a = engine->addAction(text);
        a->setCheckable(true);
        a->setData(name);
        m_backendGroup->addAction(a);
        connect(a, &QAction::triggered, this, [this, name] { setBackend(name); });
    }
    syncBackendMenu();

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Contents"), QKeySequence(Qt::Key_F1), this, &MainWindow::showHelp)
        ->setObjectName(QStringLiteral("helpAction"));
    help->addAction(tr("&Reading the Maps"), this, [this] {
        QMessageBox::information(
            this, tr("Reading the maps"),
            tr("<p>Each map shows one node's output over the input plane x1, x2 in "
               "[-range, range]: red is positive, blue negative, white zero; all maps share one "
               "colour limit (the colour bar).</p>"
               "<p>On first-layer maps the arrow is the weight vector w, drawn from "
               "-b w / |w|², where s = 0; the dashed line is s = 0.</p>"
               "<p>On later maps the white histogram is the distribution of s = X W + b over "
               "the grid, the dashed curve is the activation over that range and the white "
               "line marks s = 0.</p>"));
    });
    help->addAction(tr("&About nnlens"), this, [this] {
        QMessageBox::about(this, tr("About nnlens"),
                           tr("<b>nnlens</b> shows how a neural network works, node by node, "
                              "after the lecture notebook <i>Artificial Neural Networks</i>."));
    });
}

void MainWindow::setMapLayout(figures::MapLayout layout, bool remember) {
    for (QAction* a : m_mapLayouts->actions()) {
        if (a->data().toInt() == static_cast<int>(layout)) a->setChecked(true);
    }
    figures::FigureOptions opt = m_graph->options();
    opt.mapLayout = layout;
    m_graph->setOptions(opt);
    if (remember) {
        const std::string_view name = figures::mapLayoutName(layout);
        QSettings().setValue(QStringLiteral("view/mapLayout"),
                             QString::fromUtf8(name.data(), qsizetype(name.size())));
    }
}

void MainWindow::buildPresetMenu(QMenu* menu) {
    // Titles from the files' names; the notebook's "which activation is it?" units go to a
    // submenu in its order, (a) to (f).
    struct Entry {
        QString title;
        QString path;
    };
    std::vector<Entry> main, which;
    const QDir dir(QStringLiteral(":/presets"));
    for (const QString& entry :
         dir.entryList({QStringLiteral("*.nnlens.json")}, QDir::Files, QDir::Name)) {
        const QString path = dir.filePath(entry);
        QString title = QFileInfo(entry).fileName().remove(QStringLiteral(".nnlens.json"));
        try {
            QFile f(path);
            if (f.open(QIODevice::ReadOnly)) {
                const QByteArray text = f.readAll();
                const Network net = parseNetwork(std::string_view(text.constData(), text.size()));
                if (!net.name.empty()) title = QString::fromStdString(net.name);
            }
        } catch (const std::exception&) {
            // A preset that does not parse is still listed; opening it shows the message.
        }
        if (entry.startsWith(QStringLiteral("activation-"))) {
            title.remove(QStringLiteral("Which activation? "));
            which.push_back({title, path});
        } else {
            main.push_back({title, path});
        }
    }
    std::sort(which.begin(), which.end(),
              [](const Entry& a, const Entry& b) { return a.title < b.title; });
    auto add = [this](QMenu* target, const Entry& e) {
        target
            ->addAction(e.title, this,
                        [this, path = e.path] {
                            if (maybeSave()) openPreset(path);
                        })
            ->setData(e.path);
    };
    for (const Entry& e : main)
        add(menu, e);
    if (!which.empty()) {
        QMenu* sub = menu->addMenu(tr("Which Activation Is It?"));
        for (const Entry& e : which)
            add(sub, e);
    }
}

void MainWindow::addRecent(const QString& path) {
    QSettings settings;
    QStringList recent = settings.value(kRecentKey).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    settings.setValue(kRecentKey, recent);
    updateRecentMenu();
}

void MainWindow::updateRecentMenu() {
    m_recentMenu->clear();
    QStringList recent = QSettings().value(kRecentKey).toStringList();
    recent.removeIf([](const QString& path) { return !QFileInfo::exists(path); });
    for (const QString& path : recent) {
        m_recentMenu
            ->addAction(QFileInfo(path).fileName(), this,
                        [this, path] {
                            if (maybeSave()) openFile(path);
                        })
            ->setToolTip(path);
    }
    if (recent.isEmpty()) m_recentMenu->addAction(tr("(none)"))->setEnabled(false);
    m_recentMenu->addSeparator();
    m_recentMenu->addAction(tr("Clear List"), this, [this] {
        QSettings().remove(kRecentKey);
        updateRecentMenu();
    });
}

void MainWindow::syncBackendMenu() {
    for (QAction* a : m_backendGroup->actions())
        a->setChecked(a->data().toString() == m_backendChoice);
}

}  // namespace nnlens::gui
