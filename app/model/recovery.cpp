// RecoveryService: the recovery file is a plain network file (it opens in nnlens as it is) whose
// unknown top-level key "nnlens_recovery" says where the network came from and who wrote it.
#include "recovery.hpp"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <exception>
#include <new>
#include <string>
#include <string_view>
#include <utility>

#include <signal.h>
#include <unistd.h>

#include "core/error.hpp"
#include "core/file_io.hpp"
#include "core/limits.hpp"
#include "core/network_io.hpp"
#include "file_read.hpp"

namespace nnlens::model {

namespace {

constexpr const char* kMetaKey = "nnlens_recovery";

// "<pid>-<serial>.nnlens.json", and the temporary files writeFileAtomic makes beside it.
const QRegularExpression& fileNamePattern() {
    static const QRegularExpression re(QStringLiteral("^(\\d+)-(\\d+)\\.nnlens\\.json$"));
    return re;
}
const QRegularExpression& tempNamePattern() {
    static const QRegularExpression re(QStringLiteral("^(\\d+)-(\\d+)\\.nnlens\\.json\\.tmp-"));
    return re;
}

// Changes at every boot: a pid written before a reboot (a power loss) names no process now,
// whatever runs under that number today.
QString bootId() {
    static const QString id = [] {
        QFile f(QStringLiteral("/proc/sys/kernel/random/boot_id"));
        return f.open(QIODevice::ReadOnly) ? QString::fromLatin1(f.readAll()).trimmed() : QString();
    }();
    return id;
}

// Whether process `pid` of boot `boot` (empty: unknown) still runs; its files are its own then.
bool processRunning(qint64 pid, const QString& boot) {
    if (!boot.isEmpty() && !bootId().isEmpty() && boot != bootId()) return false;
    if (pid <= 0) return false;
    if (pid == QCoreApplication::applicationPid()) return true;
    // Signal 0 checks only; EPERM: it runs under another user.
    return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

struct Loaded {
    Network net;
    RecoveryFile file;
    QString boot;
};

// Reads and checks a recovery file; on failure sets `error` to "<file name>: <message>".
std::optional<Loaded> readRecovery(const QString& path, QString* error) {
    const auto fail = [&](const QString& message) {
        if (error) *error = shownText(QFileInfo(path).fileName() + QStringLiteral(": ") + message);
        return std::optional<Loaded>{};
    };
    Loaded out;
    try {
        // Bounded, regular files only: a link to /dev/zero or a sparse 100 GB file is refused
        // (and set aside) instead of read.
        out.net = parseNetwork(readWindowFile(path, kMaxNetworkFileBytes, "a network file"));
    } catch (const InputError& e) {
        return fail(QString::fromStdString(e.what()));
    } catch (const std::bad_alloc&) {
        return fail(QStringLiteral("not enough memory to load the network"));
    }
    const auto meta = out.net.extra.find(kMetaKey);
    if (meta == out.net.extra.end() || !meta->is_object()) {
        return fail(QStringLiteral("no \"%1\" object: not a recovery file").arg(kMetaKey));
    }
    const auto text = [&](const char* key) -> std::optional<QString> {
        const auto it = meta->find(key);
        if (it == meta->end() || !it->is_string()) return std::nullopt;
        return QString::fromStdString(it->get<std::string>());
    };
    const auto file = text("file");
    const auto name = text("name");
    const auto written = text("written");
    const auto boot = text("boot");
    const auto pid = meta->find("pid");
    const auto hasView = meta->find("has_view");
    if (!file || !name || !written || !boot || pid == meta->end() || !pid->is_number_integer() ||
        hasView == meta->end() || !hasView->is_boolean()) {
        return fail(QStringLiteral("%1: needs the strings file, name, written and boot, the "
                                   "integer pid and the boolean has_view")
                        .arg(kMetaKey));
    }
    out.file.written = QDateTime::fromString(*written, Qt::ISODateWithMs);
    if (!out.file.written.isValid()) {
        return fail(QStringLiteral("%1.written: not a date and time").arg(kMetaKey));
    }
    out.file.path = path;
    out.file.originalPath = *file;
    out.file.name = shownText(*name);
    out.file.pid = pid->get<qint64>();
    out.boot = *boot;
    out.net.hasView = hasView->get<bool>();
    out.net.extra.erase(meta);
    return out;
}

// Keeps a file that does not load for a person to look at, out of the way of the next start.
void setAside(const QString& path) {
    const QString bad = path + QStringLiteral(".bad");
    QFile::remove(bad);
    if (!QFile::rename(path, bad)) QFile::remove(path);
}

}  // namespace

RecoveryService::RecoveryService(Document* doc, QString folder, QObject* parent)
    : QObject(parent), m_doc(doc), m_folder(folder.isEmpty() ? defaultFolder() : folder) {
    static std::atomic<int> serial{0};
    m_path = QDir(m_folder).filePath(
        QStringLiteral("%1-%2.nnlens.json").arg(QCoreApplication::applicationPid()).arg(++serial));
    m_timer.setSingleShot(true);
    m_timer.setInterval(kDelayMs);
    connect(&m_timer, &QTimer::timeout, this, [this] { flush(); });
    connect(doc, &Document::networkChanged, this, [this] { schedule(); });
    connect(doc, &Document::modifiedChanged, this, [this](bool modified) {
        if (modified) {
            schedule();
        } else {
            remove();  // saved, or undone back to what the file holds
        }
    });
    connect(doc, &Document::filePathChanged, this, [this] {
        if (!m_doc->isModified()) remove();  // another file or preset opened: edits discarded
    });
}

RecoveryService::~RecoveryService() {
    remove();
}

QString RecoveryService::defaultFolder() {
    const QString env = qEnvironmentVariable("NNLENS_RECOVERY_DIR");
    if (!env.isEmpty()) return env;
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/recovery");
}

void RecoveryService::schedule() {
    if (m_doc && m_doc->isModified()) m_timer.start();  // restarts: the last edit counts
}

void RecoveryService::remove() {
    m_timer.stop();
    if (!m_onDisk) return;
    QFile::remove(m_path);
    m_onDisk = false;
}

bool RecoveryService::flush(QString* error) {
    m_timer.stop();
    if (!m_doc || !m_doc->isModified()) return true;
    Network net = m_doc->network();
    if (!net.extra.is_object()) net.extra = nlohmann::json::object();
    net.extra[kMetaKey] = {
        {"file", m_doc->filePath().toStdString()},
        {"name", m_doc->displayName().toStdString()},
        {"written", QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toStdString()},
        {"pid", QCoreApplication::applicationPid()},
        {"boot", bootId().toStdString()},
        {"has_view", net.hasView},
    };
    QString message;
    const bool created = !QDir(m_folder).exists();
    if (!QDir().mkpath(m_folder)) {
        message = QStringLiteral("%1: cannot create the recovery folder").arg(m_folder);
    } else {
        // Unsaved work is nobody else's business (a folder someone chose is left as it is).
        if (created) {
            QFile::setPermissions(
                m_folder, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        }
        try {
            writeFileAtomic(QFile::encodeName(m_path).toStdString(), formatNetwork(net));
        } catch (const std::exception& e) {
            message = QString::fromStdString(e.what());
        }
    }
    if (!message.isEmpty()) {
        message = QStringLiteral("unsaved edits not written for recovery: ") + message;
        if (error) *error = message;
        emit failed(message);
        return false;
    }
    m_onDisk = true;
    emit written(m_path);
    return true;
}

std::vector<RecoveryFile> RecoveryService::pending(const QString& folder, QStringList* problems) {
    std::vector<RecoveryFile> found;
    const QDir dir(folder);
    for (const QFileInfo& info :
         dir.entryInfoList(QDir::Files | QDir::Hidden | QDir::System, QDir::Name)) {
        const QString name = info.fileName();
        if (const auto tmp = tempNamePattern().match(name); tmp.hasMatch()) {
            // A write that its process did not finish (killed during writeFileAtomic).
            if (!processRunning(tmp.captured(1).toLongLong(), {})) {
                QFile::remove(info.filePath());
            }
            continue;
        }
        const auto match = fileNamePattern().match(name);
        if (!match.hasMatch()) continue;
        QString error;
        const std::optional<Loaded> loaded = readRecovery(info.filePath(), &error);
        if (!loaded) {
            if (processRunning(match.captured(1).toLongLong(), {})) continue;
            setAside(info.filePath());
            if (problems) {
                *problems << QStringLiteral("%1 (set aside as %2.bad)").arg(error, shownText(name));
            }
            continue;
        }
        if (processRunning(loaded->file.pid, loaded->boot)) continue;  // another window's
        found.push_back(loaded->file);
    }
    std::stable_sort(found.begin(), found.end(), [](const RecoveryFile& a, const RecoveryFile& b) {
        return a.written > b.written;
    });
    return found;
}

std::optional<Network> RecoveryService::load(const RecoveryFile& file, QString* error) {
    std::optional<Loaded> loaded = readRecovery(file.path, error);
    if (!loaded) {
        if (QFile::exists(file.path)) setAside(file.path);
        return std::nullopt;
    }
    return std::move(loaded->net);
}

void RecoveryService::discard(const RecoveryFile& file) {
    QFile::remove(file.path);
}

bool RecoveryService::restore(const RecoveryFile& file, QString* error) {
    if (!m_doc) return false;
    std::optional<Network> net = load(file, error);
    if (!net) return false;
    m_doc->restore(*net, file.originalPath);
    // The dead process's file goes only once this window's own copy is on disk; if that cannot
    // be written (failed() says why), the old file still holds the network for the next start.
    if (flush()) discard(file);
    return true;
}

}  // namespace nnlens::model
