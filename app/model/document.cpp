// Document: every edit builds the next network on a copy, validates it and pushes one undo step;
// files are read through QFile (resource paths work) and saved atomically.
#include "document.hpp"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <exception>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "commands.hpp"
#include "core/error.hpp"
#include "core/file_io.hpp"
#include "core/grid.hpp"
#include "core/lesson.hpp"
#include "core/limits.hpp"
#include "core/loss.hpp"
#include "core/map_budget.hpp"
#include "core/network_io.hpp"
#include "core/optimizer.hpp"
#include "core/random.hpp"
#include "core/shown_text.hpp"
#include "file_read.hpp"
#include "text/number_text.hpp"

namespace nnlens::model {

namespace {

QString layerName(int layer) {
    return QStringLiteral("layer %1").arg(layer + 1);
}

// "layer 1, node 2, weight from x1" / "layer 2, node 1, weight from node 3" / "layer 1, node 2,
// bias": layers, nodes and inputs count from 1, as in the spec's messages.
QString paramName(ParamRef p) {
    QString s = QStringLiteral("layer %1, node %2, ").arg(p.layer + 1).arg(p.node + 1);
    if (p.isBias()) return s + QStringLiteral("bias");
    if (p.layer == 0) return s + QStringLiteral("weight from x%1").arg(p.input + 1);
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
    Eigen::Index receives = net.inputs;
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

// ---- file ------------------------------------------------------------------------------------

QString shownText(const QString& text) {
    // The same characters as the CLI's messages (core/shown_text.hpp): every one of them is in
    // the Basic Multilingual Plane, so a surrogate pair never is.
    QString shown;
    shown.reserve(text.size());
    for (const QChar c : text) {
        if (!escapedWhenShown(c.unicode())) {
            shown += c;
        } else if (c.unicode() < 0x100) {
            shown += QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
        } else {
            shown += QStringLiteral("\\u%1").arg(c.unicode(), 4, 16, QLatin1Char('0'));
        }
    }
    return shown;
}

QString Document::displayName() const {
    if (!m_path.isEmpty()) return shownText(QFileInfo(m_path).fileName());
    if (!m_net.name.empty()) return shownText(QString::fromStdString(m_net.name));
    return QStringLiteral("Untitled");
}

namespace {

// Reads and parses `path` (a file or a Qt resource); on failure sets `error` to
// "<file name>: <message>" and returns nothing.
std::optional<Network> readDocument(const QString& path, QString* error) {
    const QString name = QFileInfo(path).fileName();
    const auto fail = [&](const QString& message) {
        // The window shows it in a label: no raw control characters from the file or its name,
        // and not a whole file quoted (a parser's "last read: '...'" of a 64 MB string).
        constexpr qsizetype kMaxShown = 400;
        QString text = name + QStringLiteral(": ") + message;
        if (text.size() > kMaxShown) {
            const qsizetype keep =
                text[kMaxShown - 2].isHighSurrogate() ? kMaxShown - 2 : kMaxShown - 1;
            text = text.left(keep) + QChar(0x2026);
        }
        if (error) *error = shownText(text);
        return std::optional<Network>{};
    };
    try {
        // Bounded, regular files only: /dev/zero, a named pipe or a 500 MB file is refused
        // before it is read, as the CLI refuses it.
        return parseNetwork(readWindowFile(path, kMaxNetworkFileBytes, "a network file"));
    } catch (const InputError& e) {
        return fail(QString::fromStdString(e.what()));
    } catch (const std::bad_alloc&) {
        return fail(QStringLiteral("not enough memory to load the network"));
    }
}

}  // namespace

std::optional<Network> Document::readNetwork(const QString& path, QString* error) {
    return readDocument(path, error);
}

bool Document::open(const QString& path, QString* error) {
    std::optional<Network> net = readDocument(path, error);
    if (!net) return false;
    setNetwork(*net, path);
    return true;
}

bool Document::openPreset(const QString& path, QString* error) {
    std::optional<Network> net = readDocument(path, error);
    if (!net) return false;
    m_sourcePath = path;  // a lesson's data file is relative to it
    setNetwork(*net, {});
    return true;
}

bool Document::save(QString* error) {
    if (m_path.isEmpty()) {
        if (error) *error = QStringLiteral("the network has no file name yet (use Save As)");
        return false;
    }
    return saveAs(m_path, error);
}

namespace {
TrainingSpec specFrom(const TrainingSettings& s, TrainingSpec spec);
}  // namespace

bool Document::saveAs(const QString& path, QString* error) {
    if (path.isEmpty()) {
        if (error) *error = QStringLiteral("no file name given");
        return false;
    }
    try {
        // The lesson's training settings as the window has them (a plain network stays plain).
        Network out = m_net;
        Lesson lesson;
        try {
            lesson = lessonOf(out);
        } catch (const InputError&) {
            lesson = {};
        }
        std::vector<std::pair<std::string, std::string>> files;
        if (lesson.training || lesson.data || m_data) {
            lesson.training = specFrom(m_settings, lesson.training.value_or(TrainingSpec{}));
            LessonData data = lessonDataFor(path);
            lesson.data = data.spec;
            if (!data.csvPath.empty()) files.emplace_back(data.csvPath, std::move(data.csv));
            setLesson(out, lesson);
        }
        // The data beside it and the network as one step: both written, then both renamed (a
        // failure leaves both old files).
        files.emplace_back(QFile::encodeName(path).toStdString(), formatNetwork(out));
        writeFilesAtomic(files);
    } catch (const std::exception& e) {
        // writeFilesAtomic names the path and the reason ("...: cannot write (Permission denied)").
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
    m_lessonData = m_data;
    m_lessonBase = path;
    const bool settingsWereDirty = std::exchange(m_settingsDirty, false);
    m_undo.setClean();
    if (settingsWereDirty && !isModified()) emit modifiedChanged(false);
    m_path = path;
    emit filePathChanged(m_path);
    return true;
}

Document::LessonData Document::lessonDataFor(const QString& path) const {
    LessonData out;
    std::optional<DataSpec> spec;
    try {
        spec = lessonOf(m_net).data;
    } catch (const InputError&) {
        spec.reset();
    }
    const QFileInfo target(path);
    // The lesson's own data file, as an absolute path (empty when it has none).
    QString ownCsv;
    if (spec && !spec->file.empty()) {
        ownCsv = QString::fromStdString(
            lessonDataPath(*spec, QFile::encodeName(m_lessonBase).toStdString()));
        if (!ownCsv.startsWith(QLatin1Char(':'))) ownCsv = QFileInfo(ownCsv).absoluteFilePath();
    }
    // The lesson's own data: a generator's recipe stays, a file is named as seen from the folder
    // the network is saved to. Also when that file could not be read (nothing is dropped).
    const bool lessonData = m_data ? m_data == m_lessonData : !m_lessonError.isEmpty();
    if (spec && lessonData) {
        spec->valSplit = m_settings.valSplit;
        if (spec->file.empty()) {
            out.spec = spec;
            return out;
        }
        if (!ownCsv.startsWith(QLatin1Char(':'))) {
            spec->file =
                QFile::encodeName(target.absoluteDir().relativeFilePath(ownCsv)).toStdString();
            out.spec = spec;
            return out;
        }
    }
    if (!m_data) return out;  // cleared data: the lesson has none
    // Data edited, generated, imported or inside a preset: written next to the network, so the
    // saved lesson opens with what the window shows; never over the lesson's own CSV (which may
    // be "<stem>.data.csv" itself): then "<stem>.data-2.csv", and so on.
    QString stem = target.fileName();
    for (const QString& suffix : {QStringLiteral(".nnlens.json"), QStringLiteral(".json")}) {
        if (stem.endsWith(suffix, Qt::CaseInsensitive)) {
            stem.chop(suffix.size());
            break;
        }
    }
    QString name = stem + QStringLiteral(".data.csv");
    for (int k = 2; target.absoluteDir().absoluteFilePath(name) == ownCsv; ++k)
        name = stem + QStringLiteral(".data-%1.csv").arg(k);
    out.csvPath = QFile::encodeName(target.absoluteDir().filePath(name)).toStdString();
    out.csv = formatCsv(*m_data);
    DataSpec written;
    written.file = QFile::encodeName(name).toStdString();
    written.valSplit = m_settings.valSplit;
    out.spec = written;
    return out;
}

void Document::newNetwork() {
    Network net = Network::initialized(2, {{2, Activation::Tanh}, {1, Activation::Tanh}}, m_seed++);
    net.name = "Untitled";
    net.view = GridConfig{};
    setNetwork(net, {});
}

namespace {

TrainingSettings settingsFrom(const TrainingSpec& t, double valSplit) {
    TrainingSettings s;
    const Loss loss = lossFromName(t.loss).value_or(Loss::Mse);
    s.loss = {loss, t.reduction.empty()
                        ? defaultReduction(loss)
                        : reductionFromName(t.reduction).value_or(defaultReduction(loss))};
    s.optimizer = optimizerFromName(t.optimizer).value_or(OptimizerKind::Adam);
    s.lr = static_cast<float>(t.lr);
    s.batch = t.batch;
    s.epochs = t.epochs;
    s.seed = t.seed;
    s.shuffle = t.shuffle;
    s.valSplit = valSplit;
    return s;
}

TrainingSpec specFrom(const TrainingSettings& s, TrainingSpec spec) {
    spec.loss = std::string(lossName(s.loss.loss));
    spec.reduction = s.loss.reduction == defaultReduction(s.loss.loss)
                         ? std::string()
                         : std::string(reductionName(s.loss.reduction));
    spec.optimizer = std::string(optimizerName(s.optimizer));
    // The file's own decimal when it is still the rate in use (1e-9, not 9.99999971718e-10, the
    // float's double); else the float's shortest decimal ("0.003", as the box shows it).
    if (static_cast<float>(spec.lr) != s.lr) {
        char text[32];
        const auto end = std::to_chars(text, text + sizeof text, s.lr).ptr;
        std::from_chars(text, end, spec.lr);
    }
    spec.batch = s.batch;
    spec.epochs = s.epochs;
    spec.seed = s.seed;
    spec.shuffle = s.shuffle;
    return spec;
}

}  // namespace

void Document::loadLesson() {
    m_data.reset();
    m_settings = {};
    m_lessonError.clear();
    try {
        const Lesson lesson = lessonOf(m_net);
        const double valSplit = lesson.data ? lesson.data->valSplit : 0.0;
        if (lesson.training) {
            m_settings = settingsFrom(*lesson.training, valSplit);
            // A lesson's Play trains its epochs and pauses (Keras' fit(epochs=...)).
            m_settings.stopAtEpochs = true;
        } else {
            m_settings.valSplit = valSplit;
        }
        if (lesson.data) {
            m_lessonBase = m_sourcePath;
            m_data = std::make_shared<const Dataset>(
                loadLessonData(*lesson.data, QFile::encodeName(m_sourcePath).toStdString()));
            if (m_data->inputs() != m_net.inputs) {
                const int columns = m_data->inputs();
                m_data.reset();
                throw InputError("the lesson's data have " + std::to_string(columns) +
                                 " input columns but the network has " +
                                 std::to_string(m_net.inputs) + " inputs");
            }
        }
    } catch (const std::exception& e) {
        m_lessonError = shownText(QFileInfo(m_sourcePath).fileName() + QStringLiteral(": ") +
                                  QString::fromStdString(e.what()));
    }
    m_lessonData = m_data;
    emit dataChanged();
    emit trainingSettingsChanged();
}

void Document::setNetwork(const Network& net, const QString& path) {
    m_net = net;
    m_path = path;
    if (!path.isEmpty()) m_sourcePath = path;
    loadLesson();
    m_sourcePath.clear();
    m_undo.clear();  // emits cleanChanged(true) when there were unsaved edits
    m_undo.setClean();
    if (std::exchange(m_settingsDirty, false)) emit modifiedChanged(false);
    const NodeRef before = m_selection;
    m_selection = NodeRef{0, 0};
    clampSelection();
    emit networkChanged(EditHint{0, -1, true});
    emit filePathChanged(m_path);
    if (m_selection != before) emit selectionChanged(m_selection);
}

void Document::restore(const Network& net, const QString& originalPath) {
    setNetwork(net, originalPath);
    // Nothing to undo, but not what the file holds: the title shows it, Close asks, Save writes.
    m_undo.resetClean();
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
        emit editRefused(paramName(p) + QStringLiteral(": no such parameter"));
        return false;
    }
    if (!std::isfinite(value)) {
        emit editRefused(paramName(p) + QStringLiteral(": not a finite number"));
        return false;
    }
    guard();
    const float old = parameter(p);
    if (old == value) return true;
    const QString text = QStringLiteral("Set %1").arg(paramName(p));
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
    const Eigen::Index receives =
        index == 0 ? next.inputs : next.layers[static_cast<std::size_t>(index - 1)].W.cols();
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

// ---- data and training ----------------------------------------------------------------------

void Document::setTrainingSettings(const TrainingSettings& settings) {
    if (settings == m_settings) return;
    const bool wasModified = isModified();
    m_settings = settings;
    m_settingsDirty = true;
    emit trainingSettingsChanged();
    if (!wasModified) emit modifiedChanged(true);
}

bool Document::setData(std::shared_ptr<const Dataset> data, const QString& text) {
    if (data && data->inputs() != m_net.inputs) {
        emit editRefused(QStringLiteral("the data have %1 input columns but the network has %2 "
                                        "inputs")
                             .arg(data->inputs())
                             .arg(m_net.inputs));
        return false;
    }
    return pushData(std::move(data), text, 0);
}

bool Document::pushData(std::shared_ptr<const Dataset> next, const QString& text, int dragId) {
    guard();
    m_undo.push(new DataCommand(this, m_data, std::move(next), text, dragId));
    return true;
}

void Document::applyData(std::shared_ptr<const Dataset> data) {
    m_data = std::move(data);
    emit dataChanged();
}

namespace {

// The low target of `data`: -1 when its targets are -1/+1, else 0.
float lowTarget(const Dataset& data) {
    for (int i = 0; i < data.size(); ++i)
        for (int k = 0; k < data.targets(); ++k)
            if (data.y(i, k) < 0.0f) return -1.0f;
    return 0.0f;
}

}  // namespace

bool Document::addPoint(float x1, float x2, bool high) {
    if (m_net.inputs != 2) {
        emit editRefused(QStringLiteral("points can be added to a network with 2 inputs only"));
        return false;
    }
    Dataset next;
    if (m_data) {
        next = *m_data;
    } else {
        next.x.resize(0, 2);
        next.y.resize(0, 1);
    }
    const int n = next.size();
    if (n >= kMaxGeneratedRows) {
        emit editRefused(QStringLiteral("the data set already has %1 points").arg(n));
        return false;
    }
    const float low = lowTarget(next);
    next.x.conservativeResize(n + 1, Eigen::NoChange);
    next.x(n, 0) = x1;
    next.x(n, 1) = x2;
    if (next.targets() > 0) {
        next.y.conservativeResize(n + 1, Eigen::NoChange);
        next.y.row(n).setConstant(high ? 1.0f : low);
    }
    if (next.hasLabels() || n == 0) next.labels.push_back(high ? 1 : 0);
    if (next.hasSigma()) {
        next.sigma.conservativeResize(n + 1, Eigen::NoChange);
        next.sigma.row(n) = next.sigma.row(n - 1);
    }
    return pushData(
        std::make_shared<const Dataset>(std::move(next)),
        high ? QStringLiteral("Add point (class 1)") : QStringLiteral("Add point (class 0)"), 0);
}

bool Document::movePoint(int row, float x1, float x2, int dragId) {
    if (!m_data || row < 0 || row >= m_data->size() || m_data->inputs() != 2) return false;
    auto next = std::make_shared<Dataset>(*m_data);
    next->x(row, 0) = x1;
    next->x(row, 1) = x2;
    return pushData(std::move(next), QStringLiteral("Move point %1").arg(row + 1), dragId);
}

bool Document::removePoint(int row) {
    if (!m_data || row < 0 || row >= m_data->size()) return false;
    std::vector<int> rows;
    rows.reserve(static_cast<std::size_t>(m_data->size()));
    for (int i = 0; i < m_data->size(); ++i)
        if (i != row) rows.push_back(i);
    return pushData(std::make_shared<const Dataset>(m_data->gather(rows)),
                    QStringLiteral("Delete point %1").arg(row + 1), 0);
}

void Document::showTrainingNetwork(const Network& net) {
    m_net = net;
    emit networkChanged(EditHint{0, -1, false, true});
}

bool Document::commitTraining(const Network& before, const QString& text) {
    // No guard: this is how the guard itself ends a run segment. The network is already shown.
    m_undo.push(new NetworkCommand(this, before, m_net, text, EditHint{0, -1, false},
                                   NetworkCommand::Mode::AlreadyApplied));
    return true;
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
