// The document's undo commands: a whole-network snapshot for structural edits, and one parameter's
// old/new value for slider edits (consecutive steps of one drag merge into one undo step).
#pragma once

#include <QString>
#include <QStringList>
#include <QUndoCommand>

#include "document.hpp"

namespace nnlens::model {

// Any edit that is not a single parameter: the network before and after, and the hint that
// both directions report (an activation change: that layer; layers, nodes or view: shape).
class NetworkCommand : public QUndoCommand {
  public:
    // AlreadyApplied: the document holds `after` already (a training segment), so the push's
    // redo changes nothing and emits nothing; later redos apply it.
    enum class Mode { Apply, AlreadyApplied };
    NetworkCommand(Document* doc, Network before, Network after, const QString& text, EditHint hint,
                   Mode mode = Mode::Apply);

    void undo() override;
    void redo() override;

  private:
    Document* m_doc;
    Network m_before;
    Network m_after;
    EditHint m_hint;
    bool m_skipRedo = false;
};

// One weight or bias from `oldValue` to `newValue`. Commands with the same dragId (> 0) on the
// same parameter merge, so a whole slider drag is undone in one step.
class ParameterCommand : public QUndoCommand {
  public:
    static constexpr int kId = 0x6e6e6c31;  // "nnl1": every ParameterCommand, see mergeWith()

    ParameterCommand(Document* doc, ParamRef p, float oldValue, float newValue, int dragId,
                     const QString& text);

    int id() const override { return kId; }
    bool mergeWith(const QUndoCommand* other) override;
    void undo() override;
    void redo() override;

    ParamRef param() const { return m_param; }
    int dragId() const { return m_dragId; }

  private:
    Document* m_doc;
    ParamRef m_param;
    float m_old;
    float m_new;
    int m_dragId;
};

// The data set before and after (shared, never changed in place). Moves of one drag merge.
class DataCommand : public QUndoCommand {
  public:
    static constexpr int kId = 0x6e6e6c32;  // "nnl2"

    DataCommand(Document* doc, std::shared_ptr<const Dataset> before,
                std::shared_ptr<const Dataset> after, const QString& text, int dragId);

    int id() const override { return m_dragId > 0 ? kId : -1; }
    bool mergeWith(const QUndoCommand* other) override;
    void undo() override;
    void redo() override;

  private:
    Document* m_doc;
    std::shared_ptr<const Dataset> m_before;
    std::shared_ptr<const Dataset> m_after;
    int m_dragId;
};

// What moving layer `from` to position `to` (0-based) does to the weights: a layer that then
// receives fewer inputs keeps the weights from the first ones and drops the rest, one that
// receives more keeps its weights and gets new ones drawn at random (Document::moveLayer). One
// sentence per such layer, naming it and the weights; empty when every layer keeps its inputs.
QStringList describeLayerMove(const Network& net, int from, int to);

}  // namespace nnlens::model
