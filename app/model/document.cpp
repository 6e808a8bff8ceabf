// Document: every edit builds the next network on a copy, validates it and pushes one undo step.
// Files are in document_files.cpp, the data, points and training in document_data.cpp.
#include "document.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "commands.hpp"
#include "core/error.hpp"
#include "core/grid.hpp"
#include "core/limits.hpp"
#include "core/map_budget.hpp"
#include "core/network_io.hpp"
#include "core/random.hpp"
#include "text/number_text.hpp"

namespace nnlens::model {

namespace {

QString layerName(int layer) {
    return QStringLiteral("layer %1").arg(layer + 1);
}

// "layer 1, node 2, weight from x1" / "layer 2, node 1, weight from node 3" / "layer 1, node 2,
// bias": layers, nodes and inputs count from 1, as in the spec's messages.
QString paramName(const Network& net, ParamRef p) {
    QString s = QStringLiteral("layer %1, node %2, ").arg(p.layer + 1).arg(p.node + 1);
    if (p.isBias()) return s + QStringLiteral("bias");
    if (p.layer == 0) {
        return s + QStringLiteral("weight from ") +
               QString::fromStdString(inputName(net.features, p.input));
    }
    return s + QStringLiteral("weight from node %1").arg(p.input + 1);
}

// Draws new parameters as PyTorch's nn.Linear does: U(-k, k), k = n_in^-1/2.
float drawParameter(Random& rng, Eigen::Index fanIn) {
    const double k = 1.0 / std::sqrt(static_cast<double>(std::max<Eigen::Index>(fanIn, 1)));
    return static_cast<float>(rng.uniform(-k, k));
}

// Resizes W to `rows` inputs: existing rows are kept, new ones drawn for the new fan-in.
void resizeRows(Layer& l, Eigen::Index rows, Random& rng) {
    const Eigen::Index oldRows = l.W.rows();
    if (rows == oldRows) return;
    Matrix w(rows, l.W.cols());
    const Eigen::Index kept = std::min(rows, oldRows);
    w.topRows(kept) = l.W.topRows(kept);
    for (Eigen::Index c = 0; c < w.cols(); ++c) {
        for (Eigen::Index r = kept; r < rows; ++r)
            w(r, c) = drawParameter(rng, rows);
    }
    l.W = std::move(w);
}

// Resizes the layer to `cols` nodes: existing columns (and biases) are kept, new ones drawn.
void resizeCols(Layer& l, Eigen::Index cols, Random& rng) {
    const Eigen::Index oldCols = l.W.cols();
    if (cols == oldCols) return;
    const Eigen::Index kept = std::min(cols, oldCols);
    Matrix w(l.W.rows(), cols);
    Vector b(cols);
    w.leftCols(kept) = l.W.leftCols(kept);
    b.head(kept) = l.b.head(kept);
    for (Eigen::Index c = kept; c < cols; ++c) {
        for (Eigen::Index r = 0; r < w.rows(); ++r)
            w(r, c) = drawParameter(rng, w.rows());
    }
    for (Eigen::Index c = kept; c < cols; ++c)
        b(c) = drawParameter(rng, w.rows());
    l.W = std::move(w);
    l.b = std::move(b);
}

// After layers were inserted, removed or moved: every layer's W gets as many rows as its
// predecessor has nodes (rows kept where they exist).
void fixInputs(Network& net, Random& rng) {
    Eigen::Index receives = net.featureCount();
    for (Layer& l : net.layers) {
        resizeRows(l, receives, rng);
        receives = l.W.cols();
    }
}

QString nodeCountRule() {
    return QStringLiteral("a layer has from 1 to %1 nodes").arg(kMaxNodes);
}

}  // namespace

Document::Document(QObject* parent) : QObject(parent) {
    connect(&m_undo, &QUndoStack::cleanChanged, this,
            [this](bool clean) { emit modifiedChanged(!clean); });
    Network net = Network::initialized(2, {{2, Activation::Tanh}, {1, Activation::Tanh}}, m_seed++);
    net.name = "Untitled";
    m_net = std::move(net);
}

Document::~Document() {
    // ~QUndoStack clears the stack and emits cleanChanged: not into this half-destroyed object.
    disconnect(&m_undo, nullptr, this, nullptr);
}

// ---- selection ---------------------------------------------------------------------------------

void Document::setSelection(NodeRef node) {
    const NodeRef before = m_selection;
    m_selection = node;
    clampSelection();
    if (m_selection != before) emit selectionChanged(m_selection);
}

void Document::moveSelection(int dx, int dy) {
    setSelection(NodeRef{m_selection.layer + dx, m_selection.node + dy});
}

void Document::clampSelection() {
    const int layers = static_cast<int>(m_net.layers.size());
    if (layers == 0) {
        m_selection = NodeRef{0, 0};
        return;
    }
    m_selection.layer = std::clamp(m_selection.layer, 0, layers - 1);
    const int nodes = m_net.layers[static_cast<std::size_t>(m_selection.layer)].outputs();
    m_selection.node = std::clamp(m_selection.node, 0, std::max(nodes - 1, 0));
}

// ---- edits -------------------------------------------------------------------------------------

float Document::parameter(ParamRef p) const {
    if (p.layer < 0 || p.layer >= static_cast<int>(m_net.layers.size())) return 0.0f;
    const Layer& l = m_net.layers[static_cast<std::size_t>(p.layer)];
    if (p.node < 0 || p.node >= l.outputs()) return 0.0f;
    if (p.isBias()) return l.b(p.node);
    if (p.input >= l.inputs()) return 0.0f;
    return l.W(p.input, p.node);
}

bool Document::setParameter(ParamRef p, float value, int dragId) {
    const bool exists = p.layer >= 0 && p.layer < static_cast<int>(m_net.layers.size()) &&
                        p.node >= 0 &&
                        p.node < m_net.layers[static_cast<std::size_t>(p.layer)].outputs() &&
                        p.input < m_net.layers[static_cast<std::size_t>(p.layer)].inputs();
    if (!exists) {
        emit editRefused(paramName(m_net, p) + QStringLiteral(": no such parameter"));
        return false;
    }
    if (!std::isfinite(value)) {
        emit editRefused(paramName(m_net, p) + QStringLiteral(": not a finite number"));
        return false;
    }
    guard();
    const float old = parameter(p);
    if (old == value) return true;
    const QString text = QStringLiteral("Set %1").arg(paramName(m_net, p));
    m_undo.push(new ParameterCommand(this, p, old, value, dragId, text));
    return true;
}

bool Document::setActivation(int layer, Activation a) {
    if (layer < 0 || layer >= static_cast<int>(m_net.layers.size())) {
        emit editRefused(layerName(layer) + QStringLiteral(": no such layer"));
        return false;
    }
    if (m_net.layers[static_cast<std::size_t>(layer)].activation == a) return true;
    Network next = m_net;
    next.layers[static_cast<std::size_t>(layer)].activation = a;
    return pushNetwork(std::move(next),
                       QStringLiteral("Set %1 activation to %2")
                           .arg(layerName(layer), QString::fromUtf8(activationName(a))),
                       EditHint{layer, -1, false});
}

bool Document::insertLayer(int index, int nodes, Activation a) {
    const int layers = static_cast<int>(m_net.layers.size());
    if (index < 0 || index > layers) {
        emit editRefused(QStringLiteral("cannot insert a layer at position %1 (the network has %2 "
                                        "layers)")
                             .arg(index + 1)
                             .arg(layers));
        return false;
    }
    if (layers >= kMaxLayers) {
        emit editRefused(QStringLiteral("a network has at most %1 layers").arg(kMaxLayers));
        return false;
    }
    if (nodes < 1 || nodes > kMaxNodes) {
        emit editRefused(nodeCountRule());
        return false;
    }
    Random rng(m_seed++);
    Network next = m_net;
    const Eigen::Index receives = index == 0
                                      ? next.featureCount()
                                      : next.layers[static_cast<std::size_t>(index - 1)].W.cols();
    Layer layer;
    layer.activation = a;
    layer.W.resize(receives, 0);
    layer.b.resize(0);
    resizeCols(layer, nodes, rng);
    next.layers.insert(next.layers.begin() + index, std::move(layer));
    fixInputs(next, rng);
    return pushNetwork(std::move(next), QStringLiteral("Insert %1").arg(layerName(index)),
                       EditHint{0, -1, true});
}

bool Document::removeLayer(int index) {
    const int layers = static_cast<int>(m_net.layers.size());
    if (index < 0 || index >= layers) {
        emit editRefused(layerName(index) + QStringLiteral(": no such layer"));
        return false;
    }
    if (layers == 1) {
        emit editRefused(QStringLiteral("a network needs at least one layer"));
        return false;
    }
    Random rng(m_seed++);
    Network next = m_net;
    next.layers.erase(next.layers.begin() + index);
    fixInputs(next, rng);
    return pushNetwork(std::move(next), QStringLiteral("Remove %1").arg(layerName(index)),
                       EditHint{0, -1, true});
}

bool Document::moveLayer(int from, int to) {
    const int layers = static_cast<int>(m_net.layers.size());
    if (from < 0 || from >= layers || to < 0 || to >= layers) {
        emit editRefused(QStringLiteral("cannot move layer %1 to position %2 (the network has %3 "
                                        "layers)")
                             .arg(from + 1)
                             .arg(to + 1)
                             .arg(layers));
        return false;
    }
    if (from == to) return true;
    Random rng(m_seed++);
    Network next = m_net;
    Layer moved = std::move(next.layers[static_cast<std::size_t>(from)]);
    next.layers.erase(next.layers.begin() + from);
    next.layers.insert(next.layers.begin() + to, std::move(moved));
    fixInputs(next, rng);
    return pushNetwork(std::move(next),
                       QStringLiteral("Move %1 to position %2").arg(layerName(from)).arg(to + 1),
                       EditHint{0, -1, true});
}

bool Document::setNodeCount(int layer, int nodes) {
    if (layer < 0 || layer >= static_cast<int>(m_net.layers.size())) {
        emit editRefused(layerName(layer) + QStringLiteral(": no such layer"));
        return false;
    }
    if (nodes < 1 || nodes > kMaxNodes) {
        emit editRefused(layerName(layer) + QStringLiteral(": ") + nodeCountRule());
        return false;
    }
    if (m_net.layers[static_cast<std::size_t>(layer)].outputs() == nodes) return true;
    Random rng(m_seed++);
    Network next = m_net;
    resizeCols(next.layers[static_cast<std::size_t>(layer)], nodes, rng);
    fixInputs(next, rng);
    return pushNetwork(std::move(next),
                       QStringLiteral("Set %1 to %2 nodes").arg(layerName(layer)).arg(nodes),
                       EditHint{0, -1, true});
}

bool Document::removeNode(int layer, int node) {
    if (layer < 0 || layer >= static_cast<int>(m_net.layers.size()) || node < 0 ||
        node >= m_net.layers[static_cast<std::size_t>(layer)].outputs()) {
        emit editRefused(
            QStringLiteral("layer %1, node %2: no such node").arg(layer + 1).arg(node + 1));
        return false;
    }
    if (m_net.layers[static_cast<std::size_t>(layer)].outputs() == 1) {
        emit editRefused(layerName(layer) + QStringLiteral(": a layer needs at least one node"));
        return false;
    }
    Network next = m_net;
    Layer& l = next.layers[static_cast<std::size_t>(layer)];
    const Eigen::Index n = l.W.cols();
    const Eigen::Index tail = n - node - 1;
    Matrix w(l.W.rows(), n - 1);
    Vector b(n - 1);
    w.leftCols(node) = l.W.leftCols(node);
    w.rightCols(tail) = l.W.rightCols(tail);
    b.head(node) = l.b.head(node);
    b.tail(tail) = l.b.tail(tail);
    l.W = std::move(w);
    l.b = std::move(b);
    if (layer + 1 < static_cast<int>(next.layers.size())) {
        // The next layer loses the row that received this node.
        Layer& nl = next.layers[static_cast<std::size_t>(layer + 1)];
        Matrix nw(n - 1, nl.W.cols());
        nw.topRows(node) = nl.W.topRows(node);
        nw.bottomRows(tail) = nl.W.bottomRows(tail);
        nl.W = std::move(nw);
    }
    return pushNetwork(std::move(next),
                       QStringLiteral("Remove %1, node %2").arg(layerName(layer)).arg(node + 1),
                       EditHint{0, -1, true});
}

std::vector<Feature> Document::activeFeatures() const {
    if (!m_net.features.empty()) return m_net.features;
    if (m_net.inputs == 2) return {Feature::X1, Feature::X2};
    return {};
}

bool Document::setFeature(Feature feature, bool on) {
    const QString name = QString::fromUtf8(featureName(feature).data(),
                                           static_cast<qsizetype>(featureName(feature).size()));
    if (m_net.inputs != 2 || m_net.layers.empty()) {
        emit editRefused(QStringLiteral("input features need a network with 2 inputs"));
        return false;
    }
    std::vector<Feature> features = activeFeatures();
    const auto at = std::find(features.begin(), features.end(), feature);
    if ((at != features.end()) == on) return true;
    Network next = m_net;
    Layer& first = next.layers.front();
    const Eigen::Index cols = first.W.cols();
    if (on) {
        // Before the first feature that comes later in Playground's order (at the end when none
        // does, as when a file lists its features in an order of its own).
        auto pos =
            std::find_if(features.begin(), features.end(), [&](Feature f) { return f > feature; });
        const auto row = static_cast<Eigen::Index>(pos - features.begin());
        features.insert(pos, feature);
        const auto rows = static_cast<Eigen::Index>(features.size());
        Random rng(m_seed++);
        Matrix w(rows, cols);
        w.topRows(row) = first.W.topRows(row);
        w.bottomRows(rows - row - 1) = first.W.bottomRows(rows - row - 1);
        for (Eigen::Index c = 0; c < cols; ++c)
            w(row, c) = drawParameter(rng, rows);
        first.W = std::move(w);
    } else {
        if (features.size() == 1) {
            emit editRefused(
                QStringLiteral("%1: the first layer needs at least one input feature").arg(name));
            return false;
        }
        const auto row = static_cast<Eigen::Index>(at - features.begin());
        const auto rows = static_cast<Eigen::Index>(features.size()) - 1;
        features.erase(at);
        Matrix w(rows, cols);
        w.topRows(row) = first.W.topRows(row);
        w.bottomRows(rows - row) = first.W.bottomRows(rows - row);
        first.W = std::move(w);
    }
    // Exactly x1, x2 is the plane itself: the file keeps no "features" then.
    next.features = plainFeatures(features) ? std::vector<Feature>{} : features;
    return pushNetwork(
        std::move(next),
        (on ? QStringLiteral("Turn on feature %1") : QStringLiteral("Turn off feature %1"))
            .arg(name),
        EditHint{0, -1, true});
}

bool Document::setView(const GridConfig& view) {
    if (view.n < kMinGrid || view.n > kMaxGrid) {
        emit editRefused(
            QStringLiteral("grid size must be from %1 to %2").arg(kMinGrid).arg(kMaxGrid));
        return false;
    }
    if (!std::isfinite(view.range) || view.range <= 0.0) {
        emit editRefused(QStringLiteral("range must be a finite number > 0"));
        return false;
    }
    if (view.bins < 1 || view.bins > kMaxBins) {
        emit editRefused(QStringLiteral("bins must be from 1 to %1").arg(kMaxBins));
        return false;
    }
    // Every node's s, out and coloured image take 12 bytes a grid point: a 4096 grid on a
    // 2-8-8-8-1 network would need 5 GB, and running out of memory would take the open network
    // with it. The window keeps its maps within kMapMemoryBudget.
    if (m_net.inputs == 2 && view.n != m_net.view.n) {
        const std::int64_t nodes = nodeCount(m_net);
        const double bytes = 12.0 * static_cast<double>(view.n) * view.n * nodes;
        if (bytes > kMapMemoryBudget) {
            const auto fits = static_cast<int>(largestGrid(nodes, 12.0));
            emit editRefused(
                QStringLiteral("a grid of %1 points per side needs %2 GB for this network's %3 "
                               "maps; at most %4 fit in %5 GB")
                    .arg(view.n)
                    .arg(QString::fromStdString(
                        text::formatNumber(bytes / 1e9, 1, text::Digits::Decimals)))
                    .arg(nodes)
                    .arg(fits)
                    .arg(QString::fromStdString(
                        text::formatNumber(kMapMemoryBudget / 1e9, 1, text::Digits::Decimals))));
            return false;
        }
    }
    if (m_net.view.n == view.n && m_net.view.range == view.range && m_net.view.bins == view.bins) {
        return true;
    }
    Network next = m_net;
    next.view = view;
    next.hasView = true;
    return pushNetwork(std::move(next), QStringLiteral("Change view"), EditHint{0, -1, true});
}

bool Document::setName(const QString& name) {
    const std::string s = name.toStdString();
    if (s == m_net.name) return true;
    Network next = m_net;
    next.name = s;
    // No value changed, but a recompute from layer 0 is the hint every consumer understands.
    return pushNetwork(std::move(next), QStringLiteral("Rename network"), EditHint{0, -1, false});
}

bool Document::reinitialize() {
    Network next = m_net;
    initialize(next, m_seed++);
    return pushNetwork(std::move(next), QStringLiteral("Re-initialise parameters"),
                       EditHint{0, -1, false});
}

bool Document::reinitialize(std::uint64_t seed) {
    Network next = m_net;
    initialize(next, seed);
    return pushNetwork(std::move(next), QStringLiteral("Reset parameters (seed %1)").arg(seed),
                       EditHint{0, -1, false});
}

bool Document::replaceNetwork(const Network& net, const QString& text) {
    return pushNetwork(net, text, EditHint{0, -1, true});
}

bool Document::pushNetwork(Network next, const QString& text, EditHint hint) {
    guard();
    try {
        validate(next);
    } catch (const InputError& e) {
        emit editRefused(QString::fromStdString(e.what()));
        return false;
    }
    m_undo.push(new NetworkCommand(this, m_net, std::move(next), text, hint));
    return true;
}

void Document::applyNetwork(const Network& net, EditHint hint) {
    m_net = net;
    const NodeRef before = m_selection;
    clampSelection();
    emit networkChanged(hint);
    if (m_selection != before) emit selectionChanged(m_selection);
}

void Document::guardedUndo() {
    guard();
    m_undo.undo();
}

void Document::guardedRedo() {
    guard();
    m_undo.redo();
}

void Document::applyParameter(ParamRef p, float value) {
    Layer& l = m_net.layers[static_cast<std::size_t>(p.layer)];
    if (p.isBias()) {
        l.b(p.node) = value;
    } else {
        l.W(p.input, p.node) = value;
    }
    emit networkChanged(EditHint{p.layer, p.node, false});
}

}  // namespace nnlens::model
