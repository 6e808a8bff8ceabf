// The document's undo commands: snapshots for structure, old/new values for parameters.
#include "commands.hpp"

#include <utility>
#include <vector>

namespace nnlens::model {

NetworkCommand::NetworkCommand(Document* doc, Network before, Network after, const QString& text,
                               EditHint hint, Mode mode)
    : QUndoCommand(text),
      m_doc(doc),
      m_before(std::move(before)),
      m_after(std::move(after)),
      m_hint(hint),
      m_skipRedo(mode == Mode::AlreadyApplied) {}

void NetworkCommand::undo() {
    m_doc->applyNetwork(m_before, m_hint);
}

void NetworkCommand::redo() {
    if (std::exchange(m_skipRedo, false)) return;
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

namespace {

// "input 3" or "inputs 4-5" (1-based).
QString inputRange(Eigen::Index first, Eigen::Index last) {
    return first == last ? QStringLiteral("input %1").arg(first)
                         : QStringLiteral("inputs %1-%2").arg(first).arg(last);
}

}  // namespace

QStringList describeLayerMove(const Network& net, int from, int to) {
    QStringList lines;
    const int layers = static_cast<int>(net.layers.size());
    if (from < 0 || from >= layers || to < 0 || to >= layers || from == to) return lines;
    std::vector<int> order(static_cast<std::size_t>(layers));  // new position -> old index
    for (int i = 0; i < layers; ++i)
        order[static_cast<std::size_t>(i)] = i;
    order.erase(order.begin() + from);
    order.insert(order.begin() + to, from);
    Eigen::Index receives = net.featureCount();
    for (int pos = 0; pos < layers; ++pos) {
        const int old = order[static_cast<std::size_t>(pos)];
        const Layer& l = net.layers[static_cast<std::size_t>(old)];
        const Eigen::Index had = l.W.rows();
        const Eigen::Index nodes = l.W.cols();
        const QString name = pos == old
                                 ? QStringLiteral("Layer %1").arg(old + 1)
                                 : QStringLiteral("Layer %1 (now %2)").arg(old + 1).arg(pos + 1);
        if (receives < had) {
            lines.push_back(QStringLiteral("%1 receives %2 inputs instead of %3: its %4 weights "
                                           "from %5 are dropped.")
                                .arg(name)
                                .arg(receives)
                                .arg(had)
                                .arg((had - receives) * nodes)
                                .arg(inputRange(receives + 1, had)));
        } else if (receives > had) {
            lines.push_back(QStringLiteral("%1 receives %2 inputs instead of %3: %4 new weights "
                                           "from %5 are drawn at random.")
                                .arg(name)
                                .arg(receives)
                                .arg(had)
                                .arg((receives - had) * nodes)
                                .arg(inputRange(had + 1, receives)));
        }
        receives = nodes;
    }
    return lines;
}

}  // namespace nnlens::model
