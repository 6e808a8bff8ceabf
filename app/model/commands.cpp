// The document's undo commands: snapshots for structure, old/new values for parameters.
#include "commands.hpp"

#include <utility>

namespace nnlens::model {

NetworkCommand::NetworkCommand(Document* doc, Network before, Network after, const QString& text,
                               EditHint hint)
    : QUndoCommand(text),
      m_doc(doc),
      m_before(std::move(before)),
      m_after(std::move(after)),
      m_hint(hint) {}

void NetworkCommand::undo() {
    m_doc->applyNetwork(m_before, m_hint);
}

void NetworkCommand::redo() {
    m_doc->applyNetwork(m_after, m_hint);
}

ParameterCommand::ParameterCommand(Document* doc, ParamRef p, float oldValue, float newValue,
                                   int dragId, const QString& text)
    : QUndoCommand(text),
      m_doc(doc),
      m_param(p),
      m_old(oldValue),
      m_new(newValue),
      m_dragId(dragId) {}

bool ParameterCommand::mergeWith(const QUndoCommand* other) {
    // id() is the same for every ParameterCommand, so the cast is safe.
    const auto* next = static_cast<const ParameterCommand*>(other);
    if (m_dragId <= 0 || next->m_dragId != m_dragId || next->m_param != m_param) return false;
    m_new = next->m_new;  // m_old stays: undo returns to the value before the drag
    return true;
}

void ParameterCommand::undo() {
    m_doc->applyParameter(m_param, m_old);
}

void ParameterCommand::redo() {
    m_doc->applyParameter(m_param, m_new);
}

DataCommand::DataCommand(Document* doc, std::shared_ptr<const Dataset> before,
                         std::shared_ptr<const Dataset> after, const QString& text, int dragId)
    : QUndoCommand(text),
      m_doc(doc),
      m_before(std::move(before)),
      m_after(std::move(after)),
      m_dragId(dragId) {}

bool DataCommand::mergeWith(const QUndoCommand* other) {
    const auto* next = static_cast<const DataCommand*>(other);
    if (m_dragId <= 0 || next->m_dragId != m_dragId) return false;
    m_after = next->m_after;
    return true;
}

void DataCommand::undo() {
    m_doc->applyData(m_before);
}

void DataCommand::redo() {
    m_doc->applyData(m_after);
}

}  // namespace nnlens::model
