// MainWindow: the nnlens window: network figure and diagram in the centre, the layer editor and
// the inspector in docks, activation and softmax panels, menus, files, export, presentation mode.
#pragma once

#include <QElapsedTimer>
#include <QMainWindow>
#include <QMessageBox>
#include <QPointer>

#include <functional>
#include <map>
#include <memory>
#include <optional>

#include "core/lesson_plan.hpp"
#include "engine/backend_choice.hpp"
#include "figures/figures.hpp"
#include "gui/theme.hpp"
#include "model/document.hpp"
#include "model/map_service.hpp"
#include "model/recovery.hpp"
#include "model/training_controller.hpp"
#include "widgets/animation_dialog.hpp"

class QAction;
class QActionGroup;
class QLabel;
class QMenu;
class QTabWidget;

namespace nnlens::widgets {
class ActivationPanel;
class DataPanel;
class TrainingPanel;
class TrainingPlots;
class ExportDialog;
class FigureView;
class Inspector;
class LayerEditor;
class LrScanDialog;
class SoftmaxPanel;
class LossesPanel;
class FlowPanel;
class CaptionPanel;
class QuizPanel;
class StatsPanel;
}  // namespace nnlens::widgets

namespace nnlens::gui {

class MainWindow : public QMainWindow {
    Q_OBJECT

  public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    model::Document* document() const { return m_doc; }
    model::MapService* mapService() const { return m_maps.get(); }
    widgets::FigureView* graphView() const { return m_graph; }
    widgets::FigureView* diagramView() const { return m_diagram; }
    widgets::Inspector* inspector() const { return m_inspector; }
    widgets::LayerEditor* layerEditor() const { return m_layers; }
    widgets::ActivationPanel* activationPanel() const { return m_activations; }
    widgets::SoftmaxPanel* softmaxPanel() const { return m_softmax; }
    widgets::LossesPanel* lossesPanel() const { return m_losses; }
    widgets::FlowPanel* flowPanel() const { return m_flow; }
    widgets::QuizPanel* quizPanel() const { return m_quiz; }
    widgets::StatsPanel* statsPanel() const { return m_stats; }
    widgets::DataPanel* dataPanel() const { return m_data; }
    widgets::TrainingPanel* trainingPanel() const { return m_trainingPanel; }
    widgets::TrainingPlots* trainingPlots() const { return m_trainingPlots; }
    model::TrainingController* training() const { return m_training; }
    // Training > Learning-rate scan (made the first time it is opened; null before).
    widgets::LrScanDialog* lrScanDialog() const { return m_lrScan; }
    void showLrScan();

    // Opens `path` (a file or a ":/presets/..." resource); on failure shows the message, keeps the
    // open network and returns false.
    bool openFile(const QString& path);
    // `nnlens FILE`: opens FILE; when it cannot be read, the built-in example (as a plain start)
    // with FILE's message in the status bar. An empty path opens the example; a lesson plan
    // (*.nnlens-lesson.json) opens at its first step.
    bool openAtStart(const QString& path);
    bool openPreset(const QString& path);
    bool save();
    bool saveAs(const QString& path);
    // The figure `kind` as the export would write it (the selected node's frame only when asked).
    QImage exportImage(figures::FigureKind kind, QSize size, const figures::FigureStyle& style,
                       bool showSelection = false);
    // Saves figure `kind` as a PNG (the File > Export path without the dialog).
    bool exportFigure(figures::FigureKind kind, QSize size, const figures::FigureStyle& style,
                      const QString& path);
    QSize defaultExportSize(figures::FigureKind kind, double dpi) const;
    // Writes the training run's timeline as an animation of figure `s.kind` (animation_export.cpp):
    // one frame per picked timeline entry, painted from that entry's stored network with maps
    // from the window's engine, so frame k equals exportImage() while the timeline shows entry k.
    // The document is left as it was. A progress dialog offers Cancel (nothing is left then).
    // False, with the message shown, when it failed or was cancelled.
    bool exportAnimation(const widgets::AnimationSettings& s);

    // Each dock at least as wide as its panel needs (up to a third of the screen).
    void fitDocksToContent();
    // The size a new window opens at: 1280 x 800, within the screen's free area with the frame.
    QSize defaultWindowSize() const;
    // Presentation mode (F11): full screen, larger text and figures; leaving it (Esc, F11)
    // restores the geometry, window state and docks it started from.
    void setPresentation(bool on);
    // The least text size of presentation mode on the window's screen, in pixels: 24 px on a
    // 1080-line projector, in proportion elsewhere, and never less than 1.25 x the normal text.
    double presentationTextPx() const;
    // Help > Contents (F1): what each view shows, and every shortcut of the window's actions.
    void showHelp();
    QWidget* helpWindow() const { return m_help; }
    // "Save As<tab>Ctrl+Shift+S" for every action with a shortcut (menu order).
    QStringList shortcutList() const;
    // The centre tabs' names in their order ("network", "activations", ...), as showTab(), the
    // --tab option and a lesson step's "tab" take them.
    static QStringList tabNames();
    // The centre tab to show, by its name (unknown names are ignored).
    void showTab(const QString& name);
    QString currentTabName() const;

    // ---- lessons (lesson_steps.cpp): a plan of steps walked like slides ------------------
    widgets::CaptionPanel* captionPanel() const { return m_caption; }
    // Opens a lesson plan (a *.nnlens-lesson.json file or ":/lessons/..."), after "save
    // changes?", at its first step. On failure shows the message (the place named), keeps the
    // open network and any lesson that was open, and returns false.
    bool openLessonPlan(const QString& path);
    // Step `index` (0-based): its network (with the edits made there earlier in this lesson),
    // tab, selected node and caption. The step left keeps its edits in memory.
    bool goToStep(int index);
    bool nextStep();
    bool previousStep();
    // The step's network as the lesson has it, as one undo step.
    bool resetStep();
    void endLesson();
    bool lessonOpen() const { return m_plan.has_value(); }
    int lessonStep() const { return m_step; }
    int lessonStepCount() const { return m_plan ? static_cast<int>(m_plan->steps.size()) : 0; }
    bool presentation() const { return m_presentation; }
    // View > Theme (theme.cpp): the widgets' palette and the figures on the screen (exports stay
    // light); remembered in QSettings "view/theme".
    void setTheme(Theme theme);
    Theme theme() const { return m_theme; }
    // "auto", "cpu" or "cuda"; false (with the reason shown) when that backend is unavailable.
    bool setBackend(const QString& name);
    // Computes the maps with `backend` from now on (setBackend's second half; tests hand in
    // their own engines).
    void useBackend(std::unique_ptr<Backend> backend);
    QString backendName() const;
    // The report for a FallbackBackend that this window runs: safe to call on the map worker;
    // the line reaches the status bar through the window's event loop, and the engine label
    // changes with it, without waiting for the next map frame.
    engine::FallbackReport fallbackReport();

    // The last error shown to the user (for tests).
    QString lastError() const { return m_lastError; }
    // How to ask "save changes?" (tests answer without a dialog).
    using DiscardPrompt = std::function<QMessageBox::StandardButton()>;
    void setDiscardPrompt(DiscardPrompt prompt) { m_prompt = std::move(prompt); }
    // Unsaved edits go to a recovery file; at start-up the window offers what a crash left
    // (recovery_prompt.cpp). True when a network was restored.
    model::RecoveryService* recovery() const { return m_recovery.get(); }
    bool offerRecovery();
    // How to ask "restore the unsaved network?" (tests answer without a dialog).
    using RecoveryPrompt = std::function<model::RecoveryAnswer(const model::RecoveryFile&)>;
    void setRecoveryPrompt(RecoveryPrompt prompt) { m_recoveryPrompt = std::move(prompt); }
    // Message boxes on errors (off in tests and the bench: the message still goes to the status
    // bar and lastError()).
    void setErrorDialogs(bool on) { m_errorDialogs = on; }

    // Latency of the last edit: from the document change to the repainted network figure.
    double lastUpdateMs() const { return m_lastUpdateMs; }
    std::uint64_t requestedGeneration() const { return m_requested; }

  signals:
    void updateShown(double ms);
    // An animation export wrote frame `index` (0-based) of `frames`.
    void animationFrameWritten(int index, int frames);

  protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

  private:
    void buildViews();
    // The caption: the lesson step's words, else the network's description (lesson_steps.cpp).
    void updateCaption();
    void buildLessonMenu(QMenu* menu);
    void buildTraining();
    // The data set's points on the maps (training rows filled, validation rows hollow).
    void updateDataOverlay();
    void showLesson();
    void requestMaps(model::EditHint hint);
    bool m_draftMaps = false;  // the last map request was a draft (training playing)
    QString m_mapNote;         // the last frame's note (a grid capped by the memory budget)
    void onFrame(std::shared_ptr<const model::MapFrame> frame);
    // The message in the status bar and lastError(), and in a dialog unless `dialog` is false.
    void showError(const QString& message, bool dialog = true);
    bool maybeSave();
    void updateTitle();
    void updateStatus();
    void showFallback(const QString& line);
    void openDialog();
    bool saveAsDialog();
    // File > Export on the current tab's figure, or on `kind` over `parent` (the lr scan's).
    void exportDialog();
    void exportDialogFor(figures::FigureKind kind, QWidget* parent);
    void animationDialog();
    // The view whose figure exportImage() paints for `kind`, and the options it paints with.
    widgets::FigureView* exportView(figures::FigureKind kind) const;
    figures::FigureOptions exportOptions(figures::FigureKind kind,
                                         const figures::FigureStyle& style) const;
    // A new engine of the Engine menu's choice (the CPU when that one cannot start).
    std::unique_ptr<Backend> makeEngine();
    void commitEditing();
    model::RecoveryAnswer askRecovery(const model::RecoveryFile& file);

    // Menus and actions (main_window_actions.cpp).
    void buildMenus();
    // View > Show Answers on (shown) or off: the Inspector, Layers, Activations, the diagram, and
    // on a quiz step the graph's maps.
    void applyAnswers(bool shown);
    // View > Input Features and Discretize Output (Playground's, #21).
    void addPlaygroundActions(QMenu* view);
    // One figure option (View > Weight Arrows, Discretize Output) on every figure of the window.
    void setOnAllViews(bool figures::FigureOptions::*option, bool on);
    void buildPresetMenu(QMenu* menu);
    void updateRecentMenu();
    void addRecent(const QString& path);
    // Ticks the Engine menu's entry for m_backendChoice.
    void syncBackendMenu();

    model::Document* m_doc = nullptr;
    std::unique_ptr<model::MapService> m_maps;
    std::unique_ptr<model::RecoveryService> m_recovery;
    widgets::FigureView* m_graph = nullptr;
    widgets::FigureView* m_diagram = nullptr;
    widgets::Inspector* m_inspector = nullptr;
    widgets::LayerEditor* m_layers = nullptr;
    widgets::ActivationPanel* m_activations = nullptr;
    widgets::SoftmaxPanel* m_softmax = nullptr;
    widgets::LossesPanel* m_losses = nullptr;
    widgets::FlowPanel* m_flow = nullptr;
    widgets::QuizPanel* m_quiz = nullptr;
    widgets::StatsPanel* m_stats = nullptr;
    widgets::DataPanel* m_data = nullptr;
    widgets::TrainingPanel* m_trainingPanel = nullptr;
    widgets::TrainingPlots* m_trainingPlots = nullptr;
    model::TrainingController* m_training = nullptr;
    widgets::LrScanDialog* m_lrScan = nullptr;
    QAction* m_playAction = nullptr;
    QAction* m_lrScanAction = nullptr;
    QAction* m_animationAction = nullptr;
    QTabWidget* m_tabs = nullptr;
    widgets::CaptionPanel* m_caption = nullptr;
    QAction* m_captionAction = nullptr;
    QAction* m_arrowsAction = nullptr;
    QAction* m_featuresAction = nullptr;    // View > Input Features: the graph's feature column
    QAction* m_discretizeAction = nullptr;  // View > Discretize Output (and the Data dock's box)
    // View > Show Answers: off hides what gives a lesson exercise's answer away (#20).
    QAction* m_answersAction = nullptr;
    QActionGroup* m_mapLayouts = nullptr;
    std::optional<figures::MapLayout> m_layoutBeforePoints;  // while editing points
    // The graph figure's map layout; `remember` keeps it for the next start (View > Map Layout
    // does, a lesson step does not).
    void setMapLayout(figures::MapLayout layout, bool remember);
    QList<QAction*> m_lessonActions;                   // enabled while a lesson is open
    QList<QPointer<QDockWidget>> m_docksHiddenByStep;  // by a step whose dock is "none"
    void showStepView(const LessonStep& step);
    void showDocksHiddenByStep();
    void showStepDocks(const LessonStep& step);
    // The current lesson step's docks again, after presentation mode put back the docks of when
    // it began (#20: leaving it at step 11 showed step 14's: none).
    void reapplyStepDocks();
    std::optional<LessonPlan> m_plan;
    QString m_planPath;
    int m_step = -1;
    bool m_stepping = false;  // a lesson step is being opened (not the user opening a file)
    std::map<int, Network> m_stepEdits;  // the network of each step left with unsaved edits
    QMenu* m_recentMenu = nullptr;
    QAction* m_presentationAction = nullptr;
    QActionGroup* m_backendGroup = nullptr;
    QLabel* m_backendLabel = nullptr;
    QLabel* m_frameLabel = nullptr;
    QLabel* m_selectionLabel = nullptr;
    QString m_backendChoice = QStringLiteral("auto");
    QString m_lastError;
    DiscardPrompt m_prompt;
    RecoveryPrompt m_recoveryPrompt;
    bool m_errorDialogs = true;
    bool m_presentation = false;
    bool m_showDiagram = true;
    Qt::WindowStates m_stateBeforePresentation = Qt::WindowNoState;
    QFont m_normalFont;
    QRect m_geometryBeforePresentation;
    QByteArray m_docksBeforePresentation;
    QByteArray m_splitBeforePresentation;
    QWidget* m_help = nullptr;
    QElapsedTimer m_clock;
    std::uint64_t m_requested = 0;
    qint64 m_requestedAtNs = 0;
    double m_lastUpdateMs = 0.0;
    double m_lastComputeMs = 0.0;
    void buildThemeMenu(QMenu* menu);
    QActionGroup* m_themeGroup = nullptr;
    Theme m_theme = Theme::Light;
};

}  // namespace nnlens::gui
