// RecoveryService: keeps an unsaved network safe from a crash or a power loss. A few seconds after
// the last edit it writes the network (atomically) to a recovery folder; the next start offers
// what a dead process left, as KDE's editors offer their swap files.
#pragma once

#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <optional>
#include <vector>

#include "core/network.hpp"
#include "document.hpp"

namespace nnlens::model {

// What a dead nnlens left: the network and where it came from.
struct RecoveryFile {
    QString path;          // the recovery file
    QString originalPath;  // the document's file; empty for a new or preset network
    QString name;          // as the window's title showed it (control characters escaped)
    QDateTime written;     // when the file was written (UTC)
    qint64 pid = 0;        // the process that wrote it
};

// The user's answer to "restore the unsaved network?".
enum class RecoveryAnswer { Restore, Discard, Later };

class RecoveryService : public QObject {
    Q_OBJECT

  public:
    // The debounce: the file is written this long after the last edit.
    static constexpr int kDelayMs = 2000;

    // Watches `doc`; writes into `folder` (default: defaultFolder()). One file per service (the
    // pid and a serial number in its name), so two windows never write the same file.
    explicit RecoveryService(Document* doc, QString folder = {}, QObject* parent = nullptr);
    ~RecoveryService() override;  // the document is closed normally: its file goes

    // $NNLENS_RECOVERY_DIR when set, else <AppDataLocation>/recovery.
    static QString defaultFolder();
    QString folder() const { return m_folder; }
    // This service's file ("<folder>/<pid>-<serial>.nnlens.json"); it exists only while the
    // document has unsaved edits that were written.
    QString filePath() const { return m_path; }
    // Whether a write is due (the document has edits newer than the file).
    bool scheduled() const { return m_timer.isActive(); }

    // Writes the file now if the document is modified (the debounce timer does it otherwise).
    // False, with `error` set, when it cannot be written; true when written or nothing to write.
    bool flush(QString* error = nullptr);

    // The files of processes that are no longer running, newest first. A file that does not load
    // is renamed to "<file>.bad" and its message added to `problems`. A file whose process still
    // runs (another window) is left alone.
    static std::vector<RecoveryFile> pending(const QString& folder, QStringList* problems);
    // Loads `file`'s network as it was edited (the recovery metadata taken out again).
    static std::optional<Network> load(const RecoveryFile& file, QString* error);
    // Removes a recovered file (after Restore or Discard).
    static void discard(const RecoveryFile& file);
    // Restores `file` into the watched document (modified, with its original path), writes this
    // service's own file at once and only then removes `file`. False, with `error` set, when the
    // file no longer loads (it is then set aside as "<file>.bad").
    bool restore(const RecoveryFile& file, QString* error);

  signals:
    // After each write of filePath().
    void written(const QString& path);
    // A write failed (a full or read-only disk): the message names the file and the reason.
    void failed(const QString& message);

  private:
    void schedule();
    void remove();

    QPointer<Document> m_doc;
    QString m_folder;
    QString m_path;
    QTimer m_timer;
    bool m_onDisk = false;
};

}  // namespace nnlens::model
