// Document and files: reading a network (QFile, so resource paths work), saving it and its
// lesson's data atomically as one pair, the lesson's training settings, a new or restored network.
#include "document.hpp"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <charconv>
#include <exception>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/file_io.hpp"
#include "core/grid.hpp"
#include "core/lesson.hpp"
#include "core/limits.hpp"
#include "core/loss.hpp"
#include "core/network_io.hpp"
#include "core/optimizer.hpp"
#include "core/shown_text.hpp"
#include "file_read.hpp"
#include "text/number_text.hpp"

namespace nnlens::model {

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
    s.l1 = static_cast<float>(t.l1);
    s.l2 = static_cast<float>(t.l2);
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
    // The file's own decimals while the rates are unchanged, as the learning rate's.
    if (static_cast<float>(spec.l1) != s.l1) spec.l1 = s.l1;
    if (static_cast<float>(spec.l2) != s.l2) spec.l2 = s.l2;
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

void Document::markNetworkAsSource() {
    m_undo.setClean();
}

void Document::restore(const Network& net, const QString& originalPath) {
    setNetwork(net, originalPath);
    // Nothing to undo, but not what the file holds: the title shows it, Close asks, Save writes.
    m_undo.resetClean();
}

}  // namespace nnlens::model
