// MainWindow: its layout, and the wiring of the document, the map worker and the views. Files,
// export, presentation mode and the engine and status bar are in main_window_<concept>.cpp, the
// menus in main_window_actions.cpp.
#include "main_window.hpp"
#include "theme.hpp"

#include <QApplication>
#include <QDockWidget>
#include <QHash>
#include <QKeyEvent>
#include <QLabel>
#include <QScreen>
#include <QScrollArea>
#include <QScrollBar>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QVBoxLayout>

#include "core/error.hpp"
#include "core/trainer.hpp"
#include "text/number_text.hpp"
#include "widgets/caption_panel.hpp"
#include "widgets/data_panel.hpp"
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

// A column that tells the scroll area around it it has no height-for-width. A word-wrapped label
// gives a panel one, which QScrollArea honours with every item's preferred height: a figure's
// 480 px wish made the figures' area scroll at 1280 x 800 while everything fitted at its least
// size, and the Training dock scrolled with its plots below the edge (#20). Inside, the panel
// still lays its labels out by height-for-width; only the scroll area no longer asks.
class FitColumn : public QVBoxLayout {
  public:
    using QVBoxLayout::QVBoxLayout;
    bool hasHeightForWidth() const override { return false; }
};

// `content` in a scroll area that gives it all the room there is and scrolls only below its
// minimum size: a panel's minimum (larger in presentation mode) never forces the window wider
// than the screen. The area's widget is a holder around `content` (FitColumn).
QScrollArea* scrollable(QWidget* content, QWidget* parent) {
    auto* area = new QScrollArea(parent);
    area->setObjectName(content->objectName() + QStringLiteral("Scroll"));
    area->setWidgetResizable(true);
    area->setFrameShape(QFrame::NoFrame);
    auto* holder = new QWidget;
    holder->setObjectName(content->objectName() + QStringLiteral("Holder"));
    auto* column = new FitColumn(holder);
    column->setContentsMargins(0, 0, 0, 0);
    column->addWidget(content);
    area->setWidget(holder);
    return area;
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    useTextScaledStyle();  // before the widgets: their check boxes grow with presentation's text
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
    fitDocksToContent();
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
    resize(defaultWindowSize());
}

void MainWindow::fitDocksToContent() {
    // A dock is never narrower than its panel needs (#20: the Training dock scrolled sideways),
    // up to 36 % of the screen; a taller panel scrolls, which its scroll bar says.
    const QScreen* shown = screen() ? screen() : QGuiApplication::primaryScreen();
    const int most = shown ? shown->geometry().width() * 36 / 100 : 640;
    for (QDockWidget* dock : findChildren<QDockWidget*>()) {
        const auto* area = qobject_cast<QScrollArea*>(dock->widget());
        if (!area || !area->widget()) continue;
        const int needs = area->widget()->minimumSizeHint().width() +
                          area->verticalScrollBar()->sizeHint().width() + 2 * area->frameWidth();
        // The width the dock was made with (220 px, 310 px) stays its least.
        if (!dock->property("nnlensMinimumWidth").isValid())
            dock->setProperty("nnlensMinimumWidth", dock->minimumWidth());
        const int fixed = dock->property("nnlensMinimumWidth").toInt();
        dock->setMinimumWidth(std::min(most, std::max(needs, fixed)));
    }
}

QSize MainWindow::defaultWindowSize() const {
    // 1280 x 800, or less on a smaller screen: with the window manager's frame (a title bar and
    // borders, up to about 48 x 16 px) the whole window, its status bar included, stays on the
    // screen's free area (#20: a 1280 x 800 window on a 1280 x 800 screen lost its status bar).
    constexpr QSize kDesign(1280, 800);
    constexpr QSize kFrame(16, 48);
    const QScreen* shown = screen() ? screen() : QGuiApplication::primaryScreen();
    if (!shown) return kDesign;
    const QSize room = shown->availableGeometry().size() - kFrame;
    return kDesign.boundedTo(room).expandedTo(minimumSizeHint());
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
        // Points are added on the output maps: while editing, the output layer large (the Focus
        // layout on it), then the layout from before.
        if (on) {
            m_tabs->setCurrentIndex(0);
            m_layoutBeforePoints = m_graph->options().mapLayout;
            const int last = static_cast<int>(m_doc->network().layers.size()) - 1;
            if (last >= 0 && m_doc->selection().layer != last) m_doc->setSelection({last, 0});
            setMapLayout(figures::MapLayout::Focus, false);
        } else if (m_layoutBeforePoints) {
            setMapLayout(*m_layoutBeforePoints, false);
            m_layoutBeforePoints.reset();
        }
    });
    connect(m_data, &widgets::DataPanel::pointsOnAllMapsChanged, this,
            [this] { updateDataOverlay(); });
    connect(m_data, &widgets::DataPanel::showValidationChanged, this,
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
        // #20 (walk 5): "Training paused: reached 500 epochs" stayed while training went on.
        if (on && statusBar()->currentMessage().startsWith(tr("Training paused")))
            statusBar()->clearMessage();
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
        opt.showValidation = m_data->showValidation();
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
    // The update time is measured only when the maps are on the screen: requested on another tab
    // it counted the seconds until the Network tab was shown (#20).
    m_requestedAtNs = m_graph->isVisible() ? m_clock.nsecsElapsed() : 0;
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
