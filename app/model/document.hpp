// Document: the open network, its file, the selection and the undo stack. Widgets edit the
// network only through it; every edit is one undoable command.
#pragma once

#include <QObject>
#include <QString>
#include <QUndoStack>

#include <functional>
#include <memory>
#include <optional>

#include "core/dataset.hpp"
#include "core/lesson.hpp"
#include "core/network.hpp"
#include "figures/node_ref.hpp"
#include "training_service.hpp"

namespace nnlens::model {

using figures::NodeRef;

// One parameter: weight `input` -> `node` of `layer` (W(input, node)), or its bias (input == -1).
struct ParamRef {
    int layer = 0;
    int node = 0;
    int input = -1;
    bool isBias() const { return input < 0; }
    bool operator==(const ParamRef&) const = default;
};

// What an edit touched, so the maps recompute only downstream of it (GridEvaluator::update).
struct EditHint {
    int layer = 0;          // first layer whose values may have changed
    int node = -1;          // >= 0: only this node of `layer` changed
    bool shape = false;     // layers, nodes or view changed: recompute everything
    bool training = false;  // training shows its parameters (showTrainingNetwork): not an edit
};

// `text` with control characters (ESC, CR, BEL, ..., line separators) written as \xNN or \uNNNN:
// a name from a file must not steer a title bar, a label or a terminal.
QString shownText(const QString& text);

class Document : public QObject {
    Q_OBJECT

  public:
    explicit Document(QObject* parent = nullptr);
    ~Document() override;

    const Network& network() const { return m_net; }
    QUndoStack* undoStack() { return &m_undo; }

    // ---- file --------------------------------------------------------------------------
    QString filePath() const { return m_path; }  // empty for a new or preset network
    // The file name, or the network's name, or "Untitled"; shown as shownText() gives it.
    QString displayName() const;
    // Unsaved edits: an undo step since the last save, or changed training settings.
    bool isModified() const { return !m_undo.isClean() || m_settingsDirty; }
    // The network is as its source has it again (Reset Step): no unsaved edits to the network;
    // Undo, which brings the edits back, makes it modified again.
    void markNetworkAsSource();

    // Each returns false and sets `error` (the spec's message, naming the file) on failure; the
    // open network is then left exactly as it was.
    bool open(const QString& path, QString* error);
    bool save(QString* error);  // needs a filePath()
    bool saveAs(const QString& path, QString* error);
    // A preset is opened as a new, unnamed document (Save asks for a name).
    bool openPreset(const QString& path, QString* error);
    // Reads a network file or resource without opening it; the message as open() gives it.
    static std::optional<Network> readNetwork(const QString& path, QString* error);
    // A fresh 2-2-1 tanh network (the quadrant selector's shape) with default initialisation.
    void newNetwork();
    // Replaces the network (a fresh document: clears undo, no path).
    void setNetwork(const Network& net, const QString& path = {});
    // A network recovered after a crash: a fresh document whose network differs from its file
    // `originalPath` (empty for a new or preset network), so it is modified and Save writes there.
    void restore(const Network& net, const QString& originalPath);

    // ---- selection ---------------------------------------------------------------------
    NodeRef selection() const { return m_selection; }
    void setSelection(NodeRef node);  // clamped to the network; emits selectionChanged
    // Arrow keys: dx moves between layers, dy between nodes of a layer.
    void moveSelection(int dx, int dy);

    // ---- edits (each is one undo step; a refused edit returns false and emits editRefused) --
    float parameter(ParamRef p) const;
    // Consecutive calls with the same `dragId` (> 0) merge into one undo step: a slider drag.
    bool setParameter(ParamRef p, float value, int dragId = 0);
    // A new id for setParameter's dragId, one per slider press.
    int beginDrag() { return ++m_lastDragId; }
    bool setActivation(int layer, Activation a);
    // Inserts a layer of `nodes` nodes before `index` (index == layers: append). Its weights get
    // the default initialisation; the next layer's weights are resized to its new input count
    // (kept where they exist, new ones initialised).
    bool insertLayer(int index, int nodes, Activation a);
    bool removeLayer(int index);
    bool moveLayer(int from, int to);
    bool setNodeCount(int layer, int nodes);  // adds at the end or removes from the end
    bool removeNode(int layer, int node);     // removes that node (its column and next row)
    // Playground's input features (spec section 10): turning one on adds its row to the first
    // layer's W (new weights from the default initialisation, in Playground's order), off removes
    // its row; one undo step. The last feature cannot be turned off. Only with 2 inputs.
    bool setFeature(Feature feature, bool on);
    // The features the first layer sees: the network's list, or x1, x2 without one.
    std::vector<Feature> activeFeatures() const;
    bool setView(const GridConfig& view);
    bool setName(const QString& name);
    // Replaces the whole network as one undo step named `text` (a lesson step's Reset).
    bool replaceNetwork(const Network& net, const QString& text);
    // Re-draws every parameter (default initialisation, a new seed each time).
    bool reinitialize();
    // The same with a given seed (training's Reset: the same seed gives the same start).
    bool reinitialize(std::uint64_t seed);

    // ---- data and training (a lesson) --------------------------------------------------
    // The data set (null when there is none); shared and never changed in place.
    std::shared_ptr<const Dataset> data() const { return m_data; }
    const TrainingSettings& trainingSettings() const { return m_settings; }
    // Why the opened file's lesson (its "data" and "training", spec section 7) could not be
    // loaded; empty when it loaded or there was none. The network opens all the same.
    QString lessonError() const { return m_lessonError; }
    // Changes the settings (not an undo step, but a change Save writes).
    void setTrainingSettings(const TrainingSettings& settings);
    // Replaces the data set as one undo step named `text` (null clears it). Refused (false, with
    // editRefused) when its inputs do not match the network's.
    bool setData(std::shared_ptr<const Dataset> data, const QString& text);
    // Point edits, each one undo step (a move with the same dragId > 0 merges, as sliders do).
    // `high`: class 1 / target +1; otherwise class 0 / the data's low target (0, or -1 when the
    // targets are -1/+1). A point added to no data starts a 2-input, one-target class data set.
    bool addPoint(float x1, float x2, bool high);
    bool movePoint(int row, float x1, float x2, int dragId = 0);
    bool removePoint(int row);

    // Training shows its parameters without an undo step per frame (networkChanged's hint says
    // `training`); commitTraining() then makes the run segment from `before` to the current
    // network one undo step, without emitting networkChanged (what it shows does not change).
    void showTrainingNetwork(const Network& net);
    bool commitTraining(const Network& before, const QString& text);
    // Called before every user edit (parameters, layers, data, undo and redo through
    // guardedUndo/guardedRedo): the window pauses training there.
    void setEditGuard(std::function<void()> guard) { m_editGuard = std::move(guard); }
    void guardedUndo();
    void guardedRedo();

  signals:
    void dataChanged();
    void trainingSettingsChanged();
    // After every change of the network (edits, undo, redo, open, new).
    void networkChanged(nnlens::model::EditHint hint);
    void selectionChanged(nnlens::model::NodeRef node);
    void modifiedChanged(bool modified);
    void filePathChanged(const QString& path);
    void editRefused(const QString& message);

  private:
    friend class NetworkCommand;
    friend class ParameterCommand;
    friend class DataCommand;
    // Applies `next` as one undo step named `text` (validated first).
    bool pushNetwork(Network next, const QString& text, EditHint hint);
    void applyNetwork(const Network& net, EditHint hint);  // used by commands
    void applyParameter(ParamRef p, float value);          // used by commands
    void clampSelection();
    void applyData(std::shared_ptr<const Dataset> data);  // used by DataCommand
    void guard() {
        if (m_editGuard) m_editGuard();
    }
    bool pushData(std::shared_ptr<const Dataset> next, const QString& text, int dragId);

    Network m_net;
    QUndoStack m_undo;
    QString m_path;
    NodeRef m_selection{0, 0};
    int m_lastDragId = 0;
    std::uint64_t m_seed = 1;
    std::shared_ptr<const Dataset> m_data;
    TrainingSettings m_settings;
    bool m_settingsDirty = false;
    QString m_sourcePath;  // the file or resource the network came from (lesson data paths)
    // The data as the lesson gave them, and the file its data path is relative to: Save keeps
    // the lesson's data key while the data are these, and writes the data otherwise.
    std::shared_ptr<const Dataset> m_lessonData;
    QString m_lessonBase;
    QString m_lessonError;
    void loadLesson();
    // The lesson's data key for a save to `path`, and the CSV to write next to it when the data
    // are not the lesson's own (nothing is written here: saveAs writes it with the network).
    struct LessonData {
        std::optional<DataSpec> spec;  // nullopt when there are no data
        std::string csvPath;           // empty: nothing to write
        std::string csv;
    };
    LessonData lessonDataFor(const QString& path) const;
    std::function<void()> m_editGuard;
};

}  // namespace nnlens::model

Q_DECLARE_METATYPE(nnlens::model::EditHint)
Q_DECLARE_METATYPE(nnlens::model::NodeRef)
