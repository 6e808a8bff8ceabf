// MainWindow: its layout, and the wiring of the document, the map worker and the views; files,
// export, the engine and the status bar. The menus are in main_window_actions.cpp.
#include "main_window.hpp"

#include <QAbstractSpinBox>
#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHash>
#include <QKeyEvent>
#include <QLabel>
#include <QMimeData>
#include <QScreen>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalBlocker>
#include <QSplitter>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

#include "core/error.hpp"
#include "core/trainer.hpp"
#include "text/number_text.hpp"
#include "widgets/caption_panel.hpp"
#include "widgets/data_panel.hpp"
#include "widgets/export_dialog.hpp"
#include "widgets/figure_view.hpp"
#include "widgets/flow_panel.hpp"
#include "widgets/inspector.hpp"
#include "widgets/layer_editor.hpp"
#include "widgets/lr_scan_dialog.hpp"
#include "widgets/plot_panels.hpp"
#include "widgets/quiz_panel.hpp"
#include "widgets/stats_panel.hpp"
#include "widgets/training_panel.hpp"
#include "widgets/training_plots.hpp"

namespace nnlens::gui {

namespace {

bool isNetworkFile(const QString& path) {
    return path.endsWith(QStringLiteral(".json"), Qt::CaseInsensitive);
}

// `content` in a scroll area that gives it all the room there is and scrolls only below its
// minimum size: a panel's minimum (larger in presentation mode) never forces the window wider
// than the screen.
QScrollArea* scrollable(QWidget* content, QWidget* parent) {
    auto* area = new QScrollArea(parent);
    area->setObjectName(content->objectName() + QStringLiteral("Scroll"));
    area->setWidgetResizable(true);
    area->setFrameShape(QFrame::NoFrame);
    area->setWidget(content);
    return area;
}

// The example a plain start opens.
const QString kExample = QStringLiteral(":/presets/quadrant-selector.nnlens.json");

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    m_clock.start();
    m_doc = new model::Document(this);
    m_recovery = std::make_unique<model::RecoveryService>(m_doc);
    m_maps = std::make_unique<model::MapService>(
        engine::makeBackend(engine::BackendChoice::Auto, fallbackReport()));
    m_normalFont = QApplication::font();
    setAcceptDrops(true);
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);

    buildViews();
    buildTraining();
    buildMenus();

    m_backendLabel = new QLabel(this);
    m_frameLabel = new QLabel(this);
    m_selectionLabel = new QLabel(this);
    m_frameLabel->setObjectName(QStringLiteral("frameTime"));
    m_selectionLabel->setObjectName(QStringLiteral("selectionLabel"));
    m_backendLabel->setObjectName(QStringLiteral("backendLabel"));
    statusBar()->addWidget(m_selectionLabel, 1);
    statusBar()->addPermanentWidget(m_frameLabel);
    statusBar()->addPermanentWidget(m_backendLabel);
    // A message hides the selection: QStatusBar hides its normal widgets itself only when they are
    // visible, so one shown before the window (a file opened from the command line) drew over it.
    connect(statusBar(), &QStatusBar::messageChanged, m_selectionLabel,
            [this](const QString& message) { m_selectionLabel->setVisible(message.isEmpty()); });
    // The centre's minimum width is the shown tab's, not the widest tab's: a tab's row of controls
    // neither forces the window wider nor makes the maps scroll.
    QHash<QWidget*, QSizePolicy::Policy> policies;
    for (int i = 0; i < m_tabs->count(); ++i)
        policies.insert(m_tabs->widget(i), m_tabs->widget(i)->sizePolicy().horizontalPolicy());
    const auto onlyShownTab = [this, policies] {
        for (int i = 0; i < m_tabs->count(); ++i) {
            QWidget* page = m_tabs->widget(i);
            QSizePolicy policy = page->sizePolicy();
            policy.setHorizontalPolicy(i == m_tabs->currentIndex()
                                           ? policies.value(page, QSizePolicy::Preferred)
                                           : QSizePolicy::Ignored);
            page->setSizePolicy(policy);
        }
    };
    connect(m_tabs, &QTabWidget::currentChanged, this, onlyShownTab);
    onlyShownTab();
    setCentralWidget(scrollable(takeCentralWidget(), this));
    for (QDockWidget* dock : findChildren<QDockWidget*>()) {
        if (!qobject_cast<QScrollArea*>(dock->widget()))
            dock->setWidget(scrollable(dock->widget(), dock));
    }
    // The minimum size computed before the wrapping goes with it.
    layout()->invalidate();
    layout()->activate();

    connect(m_doc, &model::Document::networkChanged, this,
            [this](model::EditHint hint) { requestMaps(hint); });
    connect(m_doc, &model::Document::modifiedChanged, this, [this] { updateTitle(); });
    connect(m_doc, &model::Document::filePathChanged, this, [this] { updateTitle(); });
    connect(m_doc, &model::Document::selectionChanged, this, [this] { updateStatus(); });
    connect(m_doc, &model::Document::editRefused, this,
            [this](const QString& message) { showError(message); });
    connect(m_recovery.get(), &model::RecoveryService::failed, this,
            [this](const QString& message) { showError(message, false); });
    connect(m_maps.get(), &model::MapService::frameReady, this,
            [this](std::shared_ptr<const model::MapFrame> frame) { onFrame(std::move(frame)); });
    connect(m_maps.get(), &model::MapService::failed, this, [this](const QString& message) {
        // In the status bar only: a drag at a too-large grid must not stack up dialogs.
        showError(tr("Maps: %1").arg(message), false);
        m_diagram->update();
    });
    connect(m_graph, &widgets::FigureView::framePainted, this, [this](std::uint64_t generation) {
        if (generation != m_requested || m_requestedAtNs == 0) return;
        m_lastUpdateMs = static_cast<double>(m_clock.nsecsElapsed() - m_requestedAtNs) / 1e6;
        m_requestedAtNs = 0;
        updateStatus();
        emit updateShown(m_lastUpdateMs);
    });
    for (widgets::FigureView* view : {m_graph, m_diagram}) {
        connect(view, &widgets::FigureView::nodeClicked, this,
                [this](figures::NodeRef node) { m_doc->setSelection(node); });
        connect(view, &widgets::FigureView::edgeClicked, this,
                [this](figures::NodeRef node, int input) {
                    m_doc->setSelection(node);
                    m_inspector->focusParameter(input);
                });
    }
    connect(m_inspector, &widgets::Inspector::dragging, this, [this](bool active) {
        figures::FigureOptions opt = m_diagram->options();
        opt.draft = active;
        m_diagram->setOptions(opt);
    });
    connect(m_layers, &widgets::LayerEditor::message, this,
            [this](const QString& text) { statusBar()->showMessage(text, 10000); });
    connect(m_layers, &widgets::LayerEditor::colourLimitChanged, this, [this] {
        requestMaps({0, -1, false});
    });

    m_doc->newNetwork();
    updateTitle();
    updateRecentMenu();
    updateStatus();
    resize(1280, 800);
}

MainWindow::~MainWindow() {
    if (m_presentation) QApplication::setFont(m_normalFont);  // the application outlives us
    // The lr scan and the training controller end their workers and hand the document back its
    // edit guard: before QObject deletes the children in creation order, the document first.
    delete m_lrScan;
    m_lrScan = nullptr;
    delete m_training;
    m_training = nullptr;
}

// ---- layout -------------------------------------------------------------------------------

void MainWindow::buildViews() {
    m_graph = new widgets::FigureView(figures::FigureKind::Graph, m_doc, this);
    m_graph->setObjectName(QStringLiteral("graphView"));
    m_graph->setToolTip(tr("Click a map to select its node; arrow keys move between nodes"));
    m_diagram = new widgets::FigureView(figures::FigureKind::Network, m_doc, this);
    m_diagram->setObjectName(QStringLiteral("diagramView"));
    m_diagram->setToolTip(tr("Edge thickness: |w|; red: w > 0, blue: w < 0. Click to select"));

    auto* maps = new QSplitter(Qt::Vertical, this);
    maps->addWidget(m_graph);
    maps->addWidget(m_diagram);
    maps->setStretchFactor(0, 3);
    maps->setStretchFactor(1, 1);
    maps->setChildrenCollapsible(false);
    m_diagram->setMinimumHeight(150);  // below that, node columns collapse into lines

    m_activations = new widgets::ActivationPanel(m_doc, this);
    m_softmax = new widgets::SoftmaxPanel(m_doc, this);
    m_losses = new widgets::LossesPanel(m_doc, this);

    m_tabs = new QTabWidget(this);
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(maps, tr("Network"));
    m_tabs->addTab(m_activations, tr("Activations"));
    m_tabs->addTab(m_softmax, tr("Softmax"));
    m_tabs->addTab(m_losses, tr("Losses"));
    m_flow = new widgets::FlowPanel(m_doc, this);
    m_tabs->addTab(m_flow, tr("Data flow"));
    m_stats = new widgets::StatsPanel(m_doc, m_flow, this);
    m_tabs->addTab(m_stats, tr("Statistics"));
    m_quiz = new widgets::QuizPanel(m_doc, this);
    m_tabs->addTab(m_quiz, tr("Quiz"));

    // The caption above the tabs: the network's description or the lesson step's words.
    m_caption = new widgets::CaptionPanel(this);
    auto* centre = new QWidget(this);
    auto* centreLayout = new QVBoxLayout(centre);
    centreLayout->setContentsMargins(0, 0, 0, 0);
    centreLayout->setSpacing(0);
    centreLayout->addWidget(m_caption);
    centreLayout->addWidget(m_tabs, 1);
    setCentralWidget(centre);

    m_layers = new widgets::LayerEditor(m_doc, this);
    auto* layersDock = new QDockWidget(tr("Layers"), this);
    layersDock->setObjectName(QStringLiteral("layersDock"));
    layersDock->setWidget(m_layers);
    layersDock->setMinimumWidth(220);
    addDockWidget(Qt::LeftDockWidgetArea, layersDock);

    m_inspector = new widgets::Inspector(m_doc, this);
    auto* inspectorDock = new QDockWidget(tr("Inspector"), this);
    inspectorDock->setObjectName(QStringLiteral("inspectorDock"));
    inspectorDock->setWidget(m_inspector);
    inspectorDock->setMinimumWidth(310);
    addDockWidget(Qt::RightDockWidgetArea, inspectorDock);
    resizeDocks({layersDock, inspectorDock}, {250, 340}, Qt::Horizontal);
}

std::unique_ptr<Backend> MainWindow::makeEngine() {
    const auto choice = engine::backendChoiceFromName(m_backendChoice.toStdString());
    try {
        return engine::makeBackend(choice.value_or(engine::BackendChoice::Auto), fallbackReport());
    } catch (const std::exception&) {
        return std::make_unique<CpuBackend>();
    }
}

void MainWindow::buildTraining() {
    // Training gets its own engine, made like the maps' one (the Engine menu's choice).
    m_training = new model::TrainingController(
        m_doc, [this] { return makeEngine(); }, this);
    m_data = new widgets::DataPanel(m_doc, this);
    auto* dataDock = new QDockWidget(tr("Data"), this);
    dataDock->setObjectName(QStringLiteral("dataDock"));
    dataDock->setWidget(m_data);
    addDockWidget(Qt::LeftDockWidgetArea, dataDock);
    if (auto* layersDock = findChild<QDockWidget*>(QStringLiteral("layersDock"))) {
        tabifyDockWidget(layersDock, dataDock);
        layersDock->raise();
    }

    m_trainingPanel = new widgets::TrainingPanel(m_doc, m_training, this);
    auto* trainingDock = new QDockWidget(tr("Training"), this);
    trainingDock->setObjectName(QStringLiteral("trainingDock"));
    trainingDock->setWidget(m_trainingPanel);
    addDockWidget(Qt::RightDockWidgetArea, trainingDock);
    if (auto* inspectorDock = findChild<QDockWidget*>(QStringLiteral("inspectorDock"))) {
        tabifyDockWidget(inspectorDock, trainingDock);
        inspectorDock->raise();
    }

    connect(m_trainingPanel, &widgets::TrainingPanel::lrScanRequested, this,
            [this] { showLrScan(); });
    connect(m_data, &widgets::DataPanel::message, this, [this](const QString& text, bool failure) {
        if (failure) {
            showError(text);
        } else {
            statusBar()->showMessage(text, 5000);
        }
    });
    connect(m_data, &widgets::DataPanel::pointEditingChanged, this, [this](bool on) {
        m_graph->setPointEditing(on);
        if (on) m_tabs->setCurrentIndex(0);
    });
    connect(m_data, &widgets::DataPanel::pointsOnAllMapsChanged, this,
            [this] { updateDataOverlay(); });
    connect(m_doc, &model::Document::dataChanged, this, [this] { updateDataOverlay(); });
    connect(m_doc, &model::Document::trainingSettingsChanged, this,
            [this] { updateDataOverlay(); });
    connect(m_training, &model::TrainingController::message, this,
            [this](const QString& text, bool failure) {
                if (failure) {
                    showError(text, false);
                } else {
                    statusBar()->showMessage(text, 8000);
                }
            });
    // The loss plot with the timeline, and the fit plot for regression data, under the figures.
    m_trainingPlots = new widgets::TrainingPlots(m_doc, m_training, this);
    m_trainingPanel->plotArea()->addWidget(m_trainingPlots, 1);
    connect(m_training, &model::TrainingController::runningChanged, this, [this](bool on) {
        if (m_playAction) m_playAction->setText(on ? tr("&Pause") : tr("&Play"));
        // The diagram's antialiased edges cost more than all the maps: draft while training.
        figures::FigureOptions opt = m_diagram->options();
        opt.draft = on;
        m_diagram->setOptions(opt);
        if (!on && m_draftMaps) requestMaps(model::EditHint{0, -1, false, true});
    });
}

void MainWindow::showLesson() {
    // A lesson file opens with its data and settings: the Training dock comes to the front, and
    // a data file that cannot be read is said (the network is open all the same).
    if (!m_doc->lessonError().isEmpty()) {
        showError(tr("The lesson's data could not be loaded: %1").arg(m_doc->lessonError()));
    }
    if (m_doc->data()) {
        if (auto* dock = findChild<QDockWidget*>(QStringLiteral("trainingDock"))) dock->raise();
    }
}

void MainWindow::updateDataOverlay() {
    const std::shared_ptr<const Dataset> rows = m_doc->data();
    const int train = rows ? trainingRows(rows->size(), m_doc->trainingSettings().valSplit) : -1;
    for (widgets::FigureView* v : {m_graph, m_inspector->unitView()}) {
        figures::FigureOptions opt = v->options();
        opt.data = rows && rows->inputs() == 2 ? rows : nullptr;
        opt.trainRows = train;
        opt.pointsOnAllMaps = m_data->pointsOnAllMaps();
        v->setOptions(opt);
    }
}

// ---- maps ---------------------------------------------------------------------------------

void MainWindow::requestMaps(model::EditHint hint) {
    // While training plays, the maps change every frame and are seen in motion: they are computed
    // on a grid of at most kPlayingGrid points a side (the maps' size on a 1920 x 1080 screen in
    // the default layout, a quarter of the work at the default 250), and at the file's grid again
    // as soon as it pauses. A paused, stepped or scrubbed network is always drawn in full.
    constexpr int kPlayingGrid = 128;
    m_draftMaps = hint.training && m_training && m_training->playing();
    m_requestedAtNs = m_clock.nsecsElapsed();
    m_requested = m_maps->request(m_doc->network(), hint, m_layers->fixedColourLimit(),
                                  m_draftMaps ? kPlayingGrid : 0);
    if (hint.shape) {
        // Without 2 inputs there are no maps: the diagram is the picture of the network then.
        m_graph->setVisible(m_doc->network().inputs == 2);
        m_diagram->setVisible(m_showDiagram || m_doc->network().inputs != 2);
    }
}

void MainWindow::onFrame(std::shared_ptr<const model::MapFrame> frame) {
    m_lastComputeMs = frame->computeMs;
    m_graph->setFrame(frame);
    m_inspector->unitView()->setFrame(frame);
    m_diagram->setFrame(frame);  // repaints it in the same pass as the maps
    if (!frame->maps.empty()) m_layers->setDataColourLimit(frame->maps.dataLimit);
    // A grid coarser than the file's (the memory budget): said once, not at every frame.
    if (frame->note != m_mapNote) {
        m_mapNote = frame->note;
        if (!m_mapNote.isEmpty()) {
            statusBar()->showMessage(tr("Maps: %1").arg(model::shownText(m_mapNote)), 15000);
        }
    }
    // The repaint that shows it closes the measurement (framePainted). Offscreen or hidden
    // windows do not paint; the status then shows the compute time only.
    if (!m_graph->isVisible()) {
        m_lastUpdateMs = frame->computeMs;
        updateStatus();
    }
}

// ---- files --------------------------------------------------------------------------------

bool MainWindow::openFile(const QString& path) {
    QString error;
    m_training->pause();
    if (!m_doc->open(path, &error)) {
        showError(error);
        return false;
    }
    m_training->forget();
    m_layers->resetColourLimit();
    showLesson();
    if (!m_stepping) endLesson();  // the user opened another network: the lesson is over
    addRecent(QFileInfo(path).absoluteFilePath());
    statusBar()->showMessage(tr("Opened %1").arg(m_doc->displayName()), 3000);
    return true;
}

bool MainWindow::openAtStart(const QString& path) {
    if (path.isEmpty()) return openPreset(kExample);
    if (path.endsWith(QStringLiteral(".nnlens-lesson.json"), Qt::CaseInsensitive)) {
        // A lesson plan (a double click in a file manager): its first step, over the example.
        openPreset(kExample);
        const bool dialogs = std::exchange(m_errorDialogs, false);
        const bool opened = openLessonPlan(path);
        m_errorDialogs = dialogs;
        if (!opened) showError(m_lastError);
        return opened;
    }
    const bool dialogs = m_errorDialogs;
    m_errorDialogs = false;  // one dialog, after the example is open
    const bool opened = openFile(path);
    m_errorDialogs = dialogs;
    if (opened) return true;
    const QString error = m_lastError;
    openPreset(kExample);
    showError(error);
    return false;
}

bool MainWindow::openPreset(const QString& path) {
    QString error;
    m_training->pause();
    if (!m_doc->openPreset(path, &error)) {
        showError(error);
        return false;
    }
    m_training->forget();
    m_layers->resetColourLimit();
    showLesson();
    if (!m_stepping) endLesson();
    return true;
}

void MainWindow::commitEditing() {
    // A number typed into a spin box reaches the document when the box loses focus or Enter is
    // pressed; Save, Close and Export must not miss it.
    if (auto* box = qobject_cast<QAbstractSpinBox*>(QApplication::focusWidget())) {
        box->interpretText();
    }
}

bool MainWindow::save() {
    commitEditing();
    m_training->pause();
    if (m_doc->filePath().isEmpty()) return saveAsDialog();
    QString error;
    if (!m_doc->save(&error)) {
        showError(error);
        return false;
    }
    statusBar()->showMessage(tr("Saved %1").arg(m_doc->displayName()), 3000);
    return true;
}

bool MainWindow::saveAs(const QString& path) {
    commitEditing();
    m_training->pause();
    QString error;
    if (!m_doc->saveAs(path, &error)) {
        showError(error);
        return false;
    }
    addRecent(QFileInfo(path).absoluteFilePath());
    statusBar()->showMessage(tr("Saved %1").arg(m_doc->displayName()), 3000);
    return true;
}

void MainWindow::openDialog() {
    if (!maybeSave()) return;
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open network"), QString(),
        tr("nnlens networks (*.nnlens.json);;JSON files (*.json);;All files (*)"));
    if (!path.isEmpty()) openFile(path);
}

bool MainWindow::saveAsDialog() {
    QString suggested = m_doc->filePath();
    if (suggested.isEmpty()) suggested = m_doc->displayName() + QStringLiteral(".nnlens.json");
    // The dialog adds the suffix itself, so its overwrite question names the real file.
    QFileDialog dialog(this, tr("Save network"), suggested, tr("nnlens networks (*.nnlens.json)"));
    dialog.setAcceptMode(QFileDialog::AcceptSave);
    dialog.setDefaultSuffix(QStringLiteral("nnlens.json"));
    if (dialog.exec() != QDialog::Accepted || dialog.selectedFiles().isEmpty()) return false;
    return saveAs(dialog.selectedFiles().front());
}

bool MainWindow::maybeSave() {
    commitEditing();
    m_training->pause();
    if (!m_doc->isModified()) return true;
    QMessageBox::StandardButton answer;
    if (m_prompt) {
        answer = m_prompt();
    } else {
        answer = QMessageBox::warning(
            this, tr("Unsaved changes"),
            tr("\"%1\" has changes that are not saved.").arg(m_doc->displayName()),
            QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    }
    if (answer == QMessageBox::Save) return save();
    return answer == QMessageBox::Discard;
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (maybeSave()) {
        event->accept();
    } else {
        event->ignore();
    }
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    const auto urls = event->mimeData()->urls();
    if (urls.size() == 1 && urls.front().isLocalFile() &&
        isNetworkFile(urls.front().toLocalFile())) {
        event->acceptProposedAction();
    }
}

void MainWindow::dropEvent(QDropEvent* event) {
    const auto urls = event->mimeData()->urls();
    if (urls.isEmpty() || !urls.front().isLocalFile()) return;
    event->acceptProposedAction();
    // After the drop has returned: a "save changes?" question must not hold the drag source.
    const QString path = urls.front().toLocalFile();
    QTimer::singleShot(0, this, [this, path] {
        if (maybeSave()) openFile(path);
    });
}

// ---- export -------------------------------------------------------------------------------

widgets::FigureView* MainWindow::exportView(figures::FigureKind kind) const {
    switch (kind) {
        case figures::FigureKind::Unit:
        case figures::FigureKind::NodeMap:
            return m_inspector->unitView();
        case figures::FigureKind::Network:
            return m_diagram;
        case figures::FigureKind::Activations:
            return m_activations->view();
        case figures::FigureKind::Softmax:
            return m_softmax->view();
        case figures::FigureKind::Losses:
            return m_losses->view();
        case figures::FigureKind::Flow:
            m_flow->waitForTrace();  // traced only while shown: it may be out of date
            return m_flow->view();   // its trace, data and selected module
        case figures::FigureKind::Stats:
            m_flow->waitForTrace();  // the flow's trace, the bins and the W-vs-dW module
            return m_stats->view();
        case figures::FigureKind::Quiz:
            return m_quiz->view();  // its order and whether the names show
        case figures::FigureKind::Loss:
            return m_trainingPlots->lossView();
        case figures::FigureKind::Fit:
            return m_trainingPlots->fitView();  // its x column and data
        case figures::FigureKind::Graph:
        case figures::FigureKind::LrScan:
        case figures::FigureKind::Data:
            break;
    }
    return m_graph;  // the network figure, and the training figures with its data overlay
}

figures::FigureOptions MainWindow::exportOptions(figures::FigureKind kind,
                                                 const figures::FigureStyle& style) const {
    figures::FigureOptions opt = exportView(kind)->options();
    opt.style = style;
    opt.showSelection = false;  // a figure for a slide: no marks of the window (#13)
    if (kind == figures::FigureKind::Loss || kind == figures::FigureKind::LrScan ||
        kind == figures::FigureKind::Data || kind == figures::FigureKind::Fit) {
        // The training figures, with the window's data, history and timeline position.
        opt.history = widgets::lossHistoryOf(m_training->service()->history());
        opt.markEpoch.reset();
        if (m_training->shownEpoch() > 0) opt.markEpoch = m_training->shownEpoch();
    }
    // The lr scan dialog's last finished scan.
    if (kind == figures::FigureKind::LrScan) opt.scan = m_lrScan ? m_lrScan->curve() : nullptr;
    return opt;
}

QImage MainWindow::exportImage(figures::FigureKind kind, QSize size,
                               const figures::FigureStyle& style, bool showSelection) {
    if (kind == figures::FigureKind::LrScan && !(m_lrScan && m_lrScan->curve())) {
        throw InputError(
            "no learning-rate scan to export yet: run one (Training > Learning-rate scan…)");
    }
    const widgets::FigureView* view = exportView(kind);
    // The maps on the screen, with the network they were computed from (the diagram draws the
    // document's network and no maps).
    const auto frame = view->frame();
    const bool maps = kind != figures::FigureKind::Network && frame && !frame->maps.empty();
    figures::FigureOptions opt = exportOptions(kind, style);
    opt.showSelection = showSelection;
    return figures::renderFigure(kind, view->shownNetwork(), maps ? &frame->maps : nullptr, size,
                                 opt);
}

bool MainWindow::exportFigure(figures::FigureKind kind, QSize size,
                              const figures::FigureStyle& style, const QString& path) {
    QString error;
    try {
        if (widgets::savePng(exportImage(kind, size, style), path, &error)) return true;
    } catch (const std::exception& e) {
        error = QString::fromUtf8(e.what());
    }
    showError(error);
    return false;
}

QSize MainWindow::defaultExportSize(figures::FigureKind kind, double dpi) const {
    figures::FigureStyle style;
    style.dpi = dpi;
    return figures::defaultFigureSize(kind, m_doc->network(), style);
}

void MainWindow::exportDialog() {
    const int tab = m_tabs->currentIndex();
    if (m_tabs->currentWidget() == m_losses) {
        exportDialogFor(figures::FigureKind::Losses, this);
        return;
    }
    if (m_tabs->currentWidget() == m_flow) return exportDialogFor(figures::FigureKind::Flow, this);
    if (m_tabs->currentWidget() == m_stats)
        return exportDialogFor(figures::FigureKind::Stats, this);
    if (m_tabs->currentWidget() == m_quiz) return exportDialogFor(figures::FigureKind::Quiz, this);
    exportDialogFor(tab == 1                       ? figures::FigureKind::Activations
                    : tab == 2                     ? figures::FigureKind::Softmax
                    : m_doc->network().inputs == 2 ? figures::FigureKind::Graph
                                                   : figures::FigureKind::Network,
                    this);
}

void MainWindow::exportDialogFor(figures::FigureKind kind, QWidget* parent) {
    auto* dialog = new widgets::ExportDialog(
        [this](figures::FigureKind figure, QSize size, const figures::FigureStyle& style,
               bool showSelection) { return exportImage(figure, size, style, showSelection); },
        [this](figures::FigureKind figure, double dpi) { return defaultExportSize(figure, dpi); },
        parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFigure(kind);
    dialog->open();
}

void MainWindow::showLrScan() {
    if (!m_lrScan) {
        m_lrScan = new widgets::LrScanDialog(
            m_doc, m_training, [this] { return makeEngine(); }, this);
        m_lrScan->setObjectName(QStringLiteral("lrScanDialog"));
        connect(m_lrScan, &widgets::LrScanDialog::exportRequested, this,
                [this] { exportDialogFor(figures::FigureKind::LrScan, m_lrScan); });
    }
    m_lrScan->show();
    m_lrScan->raise();
    m_lrScan->activateWindow();
}

// ---- presentation, backend, status ---------------------------------------------------------

QStringList MainWindow::tabNames() {
    // In the tabs' order.
    return {QStringLiteral("network"), QStringLiteral("activations"), QStringLiteral("softmax"),
            QStringLiteral("losses"),  QStringLiteral("flow"),        QStringLiteral("stats"),
            QStringLiteral("quiz")};
}

void MainWindow::showTab(const QString& name) {
    const int index = static_cast<int>(tabNames().indexOf(name));
    if (index >= 0) m_tabs->setCurrentIndex(index);
}

QString MainWindow::currentTabName() const {
    return tabNames().value(m_tabs->currentIndex());
}

double MainWindow::presentationTextPx() const {
    // Back-row legibility: 24 px on a 1080-line projector (2.2 % of the height).
    constexpr double kBackRowPx = 24.0;
    constexpr double kBackRowLines = 1080.0;
    const QScreen* shown = screen() ? screen() : QGuiApplication::primaryScreen();
    const double lines = shown ? shown->geometry().height() : kBackRowLines;
    const double normal = QFontInfo(m_normalFont).pixelSize();
    return std::max(kBackRowPx * lines / kBackRowLines, 1.25 * normal);
}

void MainWindow::setPresentation(bool on) {
    if (on == m_presentation) return;
    {
        const QSignalBlocker block(m_presentationAction);
        m_presentationAction->setChecked(on);
    }
    if (on) {
        m_stateBeforePresentation = windowState();
        m_geometryBeforePresentation = geometry();
        m_docksBeforePresentation = saveState();
        if (auto* split = qobject_cast<QSplitter*>(m_diagram->parentWidget()))
            m_splitBeforePresentation = split->saveState();
    }
    const double textPx = presentationTextPx();
    m_presentation = on;
    QFont font = m_normalFont;
    if (on)
        font.setPointSizeF(m_normalFont.pointSizeF() * textPx /
                           QFontInfo(m_normalFont).pixelSize());
    QApplication::setFont(font);
    // The docks' titles and tab bars (QMainWindow's own) keep the font they were made with unless
    // given one.
    for (QTabBar* bar : findChildren<QTabBar*>()) {
        if (bar->parentWidget() == this) bar->setFont(on ? font : QFont());
    }
    // A dock whose font equals the application's paints its title in the font it was made with:
    // presentation mode's differs (in a strategy that changes no glyph).
    QFont titleFont = font;
    titleFont.setStyleStrategy(QFont::PreferAntialias);
    for (QDockWidget* dock : findChildren<QDockWidget*>())
        dock->setFont(on ? titleFont : QFont());
    for (widgets::FigureView* v : findChildren<widgets::FigureView*>())
        v->setPresentation(on, textPx);
    auto* split = qobject_cast<QSplitter*>(m_diagram->parentWidget());
    if (on) {
        showFullScreen();
        // The diagram gets room for its larger labels: a quarter of the height beside the maps.
        if (split && m_graph->isVisible() && m_diagram->isVisible()) split->setSizes({3000, 1000});
        // The docks as wide as their larger text needs, so that their panels do not scroll
        // sideways: up to a third of the screen each, a quarter on a screen narrower than 1600 px
        // (the figures keep about half of it).
        QTimer::singleShot(0, this, [this] {
            if (!m_presentation) return;
            QList<QDockWidget*> docks;
            QList<int> widths;
            const int screenWidth = screen() ? screen()->geometry().width() : width();
            const int most = screenWidth / (screenWidth >= 1600 ? 3 : 4);
            for (QDockWidget* dock : findChildren<QDockWidget*>()) {
                const auto* area = qobject_cast<QScrollArea*>(dock->widget());
                if (!dock->isVisible() || dock->isFloating() || !area || !area->widget()) continue;
                const int needs = area->widget()->minimumSizeHint().width() +
                                  area->verticalScrollBar()->sizeHint().width();
                docks << dock;
                widths << std::clamp(needs, dock->width(), std::max(dock->width(), most));
            }
            resizeDocks(docks, widths, Qt::Horizontal);
        });
        return;
    }
    // The fonts' new minimum sizes first, then the layout as it was.
    QApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
    // geometry(), not saveGeometry(): restoreGeometry() places the frame, which a platform
    // without decorations (offscreen) puts elsewhere.
    setWindowState(m_stateBeforePresentation);
    if (!(m_stateBeforePresentation & (Qt::WindowMaximized | Qt::WindowFullScreen)))
        setGeometry(m_geometryBeforePresentation);
    restoreState(m_docksBeforePresentation);
    if (split) split->restoreState(m_splitBeforePresentation);
    // Once the menu and status bars have their normal height again, the docks' sizes once more.
    QTimer::singleShot(0, this, [this] {
        if (!m_presentation) restoreState(m_docksBeforePresentation);
    });
}

bool MainWindow::setBackend(const QString& name) {
    auto refuse = [this](const QString& message) {
        showError(message);
        syncBackendMenu();
        return false;
    };
    const auto choice = engine::backendChoiceFromName(name.toStdString());
    if (!choice) {
        const std::string_view known = engine::knownBackendNames();
        return refuse(
            tr("There is no engine \"%1\" (known: %2).")
                .arg(name, QString::fromUtf8(known.data(), static_cast<qsizetype>(known.size()))));
    }
    std::unique_ptr<Backend> backend;
    try {
        backend = engine::makeBackend(*choice, fallbackReport());
    } catch (const engine::BackendUnavailable& e) {
        return refuse(tr("The CUDA engine is not available: %1").arg(QString::fromUtf8(e.what())));
    }
    m_backendChoice = name;
    syncBackendMenu();
    useBackend(std::move(backend));
    return true;
}

void MainWindow::useBackend(std::unique_ptr<Backend> backend) {
    m_maps->setBackend(std::move(backend));
    requestMaps({0, -1, true});
    updateStatus();
}

engine::FallbackReport MainWindow::fallbackReport() {
    // Queued: the worker must not touch widgets, and the window may be busy when it reports.
    // Events still queued when the window goes are dropped with it; the worker that reports is
    // joined before then (m_maps is destroyed before the QObject).
    return [this](const std::string& line) {
        QMetaObject::invokeMethod(
            this, [this, text = QString::fromStdString(line)] { showFallback(text); },
            Qt::QueuedConnection);
    };
}

void MainWindow::showFallback(const QString& line) {
    showError(tr("Engine: %1").arg(line), false);
    updateStatus();
}

QString MainWindow::backendName() const {
    return m_maps->backendName();
}

void MainWindow::showError(const QString& message, bool dialog) {
    m_lastError = message;
    statusBar()->showMessage(message, 10000);
    if (dialog && m_errorDialogs) {
        auto* box =
            new QMessageBox(QMessageBox::Warning, tr("nnlens"), message, QMessageBox::Ok, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    }
}

void MainWindow::updateTitle() {
    setWindowTitle(m_doc->displayName() + QStringLiteral("[*] — nnlens"));
    setWindowModified(m_doc->isModified());
}

void MainWindow::updateStatus() {
    const QString backend = m_maps->backendName();
    const bool maps = m_doc->network().inputs == 2;
    m_backendLabel->setText(
        tr("Engine: %1")
            .arg(backend == QStringLiteral("cuda") ? tr("CUDA GPU") : tr("CPU (Eigen)")));
    auto ms = [](double v) {
        return QString::fromStdString(text::formatNumber(v, 1, text::Digits::Decimals));
    };
    m_frameLabel->setText(
        maps ? tr("Update %1 ms (maps %2 ms)").arg(ms(m_lastUpdateMs), ms(m_lastComputeMs))
             : tr("No maps (%1 inputs)").arg(m_doc->network().inputs));
    const figures::NodeRef sel = m_doc->selection();
    const Network& net = m_doc->network();
    if (sel.valid() && sel.layer < static_cast<int>(net.layers.size())) {
        m_selectionLabel->setText(tr("LYR%1-NODE%2 selected (arrow keys move, +/- nudge)")
                                      .arg(sel.layer + 1)
                                      .arg(sel.node + 1));
    } else {
        m_selectionLabel->clear();
    }
}

void MainWindow::keyPressEvent(QKeyEvent* event) {
    if (event->key() == Qt::Key_Plus || event->key() == Qt::Key_Equal) {
        m_inspector->nudge(1);
        return;
    }
    if (event->key() == Qt::Key_Minus) {
        m_inspector->nudge(-1);
        return;
    }
    if (event->key() == Qt::Key_Escape && m_presentation) {
        setPresentation(false);
        return;
    }
    QMainWindow::keyPressEvent(event);
}

}  // namespace nnlens::gui
