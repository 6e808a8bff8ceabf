// Recovery of unsaved edits: the debounced recovery file, its life (save, undo, close, another
// file), what a new start offers (dead processes only; bad files set aside), the window's answers,
// and a real window killed by SIGKILL whose edits come back in the next one bit for bit.
#include <sys/stat.h>
#include <unistd.h>

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "core/network_io.hpp"
#include "gui/main_window.hpp"
#include "model/recovery.hpp"
#include "recovery_edits.hpp"
#include "same_network.hpp"

using namespace nnlens;
using model::Document;
using model::RecoveryAnswer;
using model::RecoveryFile;
using model::RecoveryService;

namespace {

const QString kQuadrant = QStringLiteral(":/presets/quadrant-selector.nnlens.json");

// What the file at `path` holds, as the next start would restore it.
std::optional<Network> loadRecovery(const QString& path) {
    RecoveryFile file;
    file.path = path;
    QString error;
    std::optional<Network> net = RecoveryService::load(file, &error);
    if (!net) qWarning("%s", qPrintable(error));
    return net;
}

QByteArray readBytes(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeBytes(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

// The pid of a process that has ended (and was reaped): nobody owns its files.
qint64 deadPid() {
    QProcess p;
    p.start(QStringLiteral("true"), {});
    if (!p.waitForStarted()) return 0;
    const qint64 pid = p.processId();
    p.waitForFinished();
    return pid;
}

}  // namespace

class TestRecovery : public QObject {
    Q_OBJECT

  private:
    QTemporaryDir m_tmp;
    int m_folders = 0;

    // A new, empty folder for one test.
    QString freshFolder() {
        const QString path = m_tmp.filePath(QStringLiteral("f%1").arg(++m_folders));
        QDir().mkpath(path);
        return path;
    }

    // Writes into `folder` the recovery file that process `pid` of boot `boot` (empty: this
    // boot) would have left for `edited`, opened from `originalPath`; returns its path.
    QString leaveFile(const QString& folder, qint64 pid, const QString& boot,
                      Network* edited = nullptr, const QString& originalPath = {}) {
        Document doc;
        if (originalPath.isEmpty() ? !doc.openPreset(recovery_test::kPreset, nullptr)
                                   : !doc.open(originalPath, nullptr)) {
            return {};
        }
        if (!recovery_test::applyEdits(doc)) return {};
        if (edited) *edited = doc.network();
        RecoveryService service(&doc, freshFolder());
        if (!service.flush()) return {};
        nlohmann::json j = nlohmann::json::parse(readBytes(service.filePath()).toStdString());
        j["nnlens_recovery"]["pid"] = pid;
        if (!boot.isEmpty()) j["nnlens_recovery"]["boot"] = boot.toStdString();
        const QString path = QDir(folder).filePath(QStringLiteral("%1-1.nnlens.json").arg(pid));
        if (!writeBytes(path, QByteArray::fromStdString(j.dump(2)))) return {};
        return path;
    }

  private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_tmp.isValid());
    }

    void aCleanDocumentIsNeverWritten() {
        Document doc;
        RecoveryService service(&doc, freshFolder());
        QVERIFY(doc.openPreset(kQuadrant, nullptr));
        QVERIFY(!service.scheduled());
        QVERIFY(service.flush());
        QVERIFY(!QFile::exists(service.filePath()));
    }

    // Edits schedule one write; none happens before the event loop runs the timer, and a burst of
    // edits is written once. An edit after the write schedules the next one.
    void theDebounceWritesAfterTheLastEdit() {
        Document doc;
        RecoveryService service(&doc, freshFolder());
        QSignalSpy written(&service, &RecoveryService::written);
        QVERIFY(doc.openPreset(kQuadrant, nullptr));
        for (int i = 0; i < 5; ++i) {
            QVERIFY(doc.setParameter({0, 0, -1}, 0.25f * static_cast<float>(i + 1)));
            QVERIFY(service.scheduled());
            QVERIFY(!QFile::exists(service.filePath()));
        }
        QVERIFY(written.wait(10000));
        QCOMPARE(written.count(), 1);
        QCOMPARE(written.front().front().toString(), service.filePath());
        QVERIFY(!service.scheduled());
        QCOMPARE(loadRecovery(service.filePath())->layers[0].b(0), 1.25f);

        QVERIFY(doc.setParameter({0, 0, -1}, -3.0f));
        QVERIFY(service.scheduled());
        QCOMPARE(loadRecovery(service.filePath())->layers[0].b(0), 1.25f);  // not yet
        QVERIFY(written.wait(10000));
        QCOMPARE(loadRecovery(service.filePath())->layers[0].b(0), -3.0f);
    }

    void theFileIsTheEditedNetworkBitForBit_data() {
        QTest::addColumn<int>("edit");
        QTest::newRow("a weight and a subnormal bias") << 0;
        QTest::newRow("an activation") << 1;
        QTest::newRow("a removed node") << 2;
        QTest::newRow("a name with control characters") << 3;
        QTest::newRow("the view") << 4;
        QTest::newRow("unknown keys of the file kept") << 5;
        QTest::newRow("the killed window's edits") << 6;
    }
    void theFileIsTheEditedNetworkBitForBit() {
        QFETCH(int, edit);
        const QString folder = freshFolder();
        Document doc;
        RecoveryService service(&doc, folder);
        if (edit == 5) {
            const QString path = QDir(folder).filePath(QStringLiteral("keys.nnlens.json"));
            QVERIFY(writeBytes(path, R"({"format":"nnlens.network","version":1,"inputs":2,
                "author":{"tags":["a",1,null]},"layers":[{"activation":"tanh","weights":[[1],[2]],
                "bias":[0],"note":"kept"}]})"));
            QVERIFY(doc.open(path, nullptr));
        } else {
            QVERIFY(doc.openPreset(recovery_test::kPreset, nullptr));
        }
        switch (edit) {
            case 0:
                QVERIFY(doc.setParameter({0, 1, 1}, 0.3f));
                QVERIFY(doc.setParameter({3, 0, -1}, 1.0e-42f));
                break;
            case 1:
                QVERIFY(doc.setActivation(1, Activation::Softsign));
                break;
            case 2:
                QVERIFY(doc.removeNode(2, 0));
                break;
            case 3:
                QVERIFY(doc.setName(QStringLiteral("a\x1b]0;title\x07 b\r\n\u00e9\u2028")));
                break;
            case 4:
                QVERIFY(doc.setView(GridConfig{17, 0.125, 3}));
                break;
            case 5:
                QVERIFY(doc.setParameter({0, 0, 1}, -7.5f));
                break;
            default:
                QVERIFY(recovery_test::applyEdits(doc));
        }
        QVERIFY(service.flush());
        // A plain network file: nnlens and nnlens-cli open it as it is.
        QVERIFY(std::string(parseNetwork(readBytes(service.filePath()).toStdString()).name) ==
                doc.network().name);
        const std::optional<Network> restored = loadRecovery(service.filePath());
        QVERIFY(restored);
        const QString difference = test::networkDifference(*restored, doc.network());
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
    }

    void savingRemovesTheFile() {
        const QString folder = freshFolder();
        Document doc;
        RecoveryService service(&doc, folder);
        QVERIFY(doc.openPreset(kQuadrant, nullptr));
        QVERIFY(doc.saveAs(QDir(folder).filePath(QStringLiteral("q.nnlens.json")), nullptr));
        QVERIFY(doc.setParameter({0, 0, 0}, 0.5f));
        QVERIFY(service.flush());
        QVERIFY(QFile::exists(service.filePath()));
        QVERIFY(doc.save(nullptr));
        QVERIFY(!QFile::exists(service.filePath()));
        QVERIFY(!service.scheduled());
    }

    void undoingBackToTheSavedNetworkRemovesTheFile() {
        Document doc;
        RecoveryService service(&doc, freshFolder());
        QVERIFY(doc.openPreset(kQuadrant, nullptr));
        QVERIFY(doc.setParameter({0, 0, 0}, 0.5f));
        QVERIFY(service.flush());
        QVERIFY(QFile::exists(service.filePath()));
        doc.undoStack()->undo();
        QVERIFY(!doc.isModified());
        QVERIFY(!QFile::exists(service.filePath()));
        QVERIFY(!service.scheduled());
    }

    void closingRemovesTheFile() {
        Document doc;
        auto service = std::make_unique<RecoveryService>(&doc, freshFolder());
        const QString path = service->filePath();
        QVERIFY(doc.openPreset(kQuadrant, nullptr));
        QVERIFY(doc.setParameter({0, 0, 0}, 0.5f));
        QVERIFY(service->flush());
        QVERIFY(QFile::exists(path));
        service.reset();  // the window closed normally (its "save changes?" was answered)
        QVERIFY(!QFile::exists(path));
    }

    void openingAnotherNetworkRemovesTheFile() {
        Document doc;
        RecoveryService service(&doc, freshFolder());
        QVERIFY(doc.openPreset(kQuadrant, nullptr));
        QVERIFY(doc.setParameter({0, 0, 0}, 0.5f));
        QVERIFY(service.flush());
        QVERIFY(QFile::exists(service.filePath()));
        QVERIFY(doc.openPreset(recovery_test::kPreset, nullptr));
        QVERIFY(!QFile::exists(service.filePath()));
        QVERIFY(!service.scheduled());
    }

    void twoWindowsWriteTwoFiles() {
        const QString folder = freshFolder();
        Document a;
        Document b;
        RecoveryService sa(&a, folder);
        RecoveryService sb(&b, folder);
        QVERIFY(sa.filePath() != sb.filePath());
        QVERIFY(a.openPreset(kQuadrant, nullptr));
        QVERIFY(b.openPreset(kQuadrant, nullptr));
        QVERIFY(a.setParameter({0, 0, 0}, 0.5f));
        QVERIFY(b.setParameter({0, 0, 0}, -0.5f));
        QVERIFY(sa.flush());
        QVERIFY(sb.flush());
        QCOMPARE(loadRecovery(sa.filePath())->layers[0].W(0, 0), 0.5f);
        QCOMPARE(loadRecovery(sb.filePath())->layers[0].W(0, 0), -0.5f);
        // Both belong to this running process: neither is offered.
        QStringList problems;
        QVERIFY(RecoveryService::pending(folder, &problems).empty());
        QVERIFY(problems.isEmpty());
    }

    void onlyFilesOfEndedProcessesAreOffered_data() {
        QTest::addColumn<QString>("owner");
        QTest::addColumn<bool>("offered");
        QTest::newRow("an ended process") << QStringLiteral("dead") << true;
        QTest::newRow("this process") << QStringLiteral("self") << false;
        QTest::newRow("another running process") << QStringLiteral("running") << false;
        QTest::newRow("a pid of an earlier boot") << QStringLiteral("reboot") << true;
    }
    void onlyFilesOfEndedProcessesAreOffered() {
        QFETCH(QString, owner);
        QFETCH(bool, offered);
        const QString folder = freshFolder();
        QProcess running;
        qint64 pid = QCoreApplication::applicationPid();
        QString boot;
        if (owner == QStringLiteral("dead")) {
            pid = deadPid();
        } else if (owner == QStringLiteral("running")) {
            running.start(QStringLiteral("sleep"), {QStringLiteral("600")});
            QVERIFY(running.waitForStarted());
            pid = running.processId();
        } else if (owner == QStringLiteral("reboot")) {
            boot = QStringLiteral("00000000-0000-0000-0000-000000000000");
        }
        QVERIFY(pid > 0);
        Network edited;
        const QString path = leaveFile(folder, pid, boot, &edited);
        QVERIFY(!path.isEmpty());
        QStringList problems;
        const std::vector<RecoveryFile> files = RecoveryService::pending(folder, &problems);
        if (running.state() != QProcess::NotRunning) {
            running.kill();
            running.waitForFinished();
        }
        QVERIFY(problems.isEmpty());
        QCOMPARE(files.size(), offered ? std::size_t{1} : std::size_t{0});
        QVERIFY(QFile::exists(path));  // offering or not, pending() never removes a good file
        if (!offered) return;
        QCOMPARE(files[0].path, path);
        QCOMPARE(files[0].pid, pid);
        QCOMPARE(files[0].originalPath, QString());
        QVERIFY(files[0].name.contains(QStringLiteral("\\x1b[2J")));  // escaped for the prompt
        QVERIFY(files[0].written.isValid());
        const std::optional<Network> net = RecoveryService::load(files[0], nullptr);
        QVERIFY(net);
        const QString difference = test::networkDifference(*net, edited);
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
    }

    void aMalformedFileIsSetAside_data() {
        QTest::addColumn<QByteArray>("bytes");
        // Not bytes but a file that cannot be read (#19 item 1: such a file aborted every start
        // and was never set aside), and the reason given.
        QTest::addColumn<QString>("special");
        QTest::addColumn<QString>("reason");
        QTest::newRow("a link to /dev/zero") << QByteArray() << "zero"
                                             << "not a regular file (a device)";
        QTest::newRow("a sparse 100 GB file") << QByteArray() << "sparse"
                                              << "larger than the 436 MB a network file can need";
        QTest::newRow("a named pipe") << QByteArray() << "pipe"
                                      << "not a regular file (a named pipe)";
        QTest::newRow("empty") << QByteArray() << QString() << QString();
        QTest::newRow("binary") << QByteArray(
                                       "\x7f"
                                       "ELF\x02\x01\x01\x00\xff\xfe",
                                       10)
                                << QString() << QString();
        QTest::newRow("truncated")
            << QByteArray("{\"format\":\"nnlens.network\",\"version\":1,\"in") << QString()
            << QString();
        QTest::newRow("a network without recovery metadata")
            << QByteArray(R"({"format":"nnlens.network","version":1,"inputs":2,
                "layers":[{"activation":"tanh","weights":[[1],[2]],"bias":[0]}]})")
            << QString() << QString();
        QTest::newRow("metadata of the wrong types")
            << QByteArray(R"({"format":"nnlens.network","version":1,"inputs":2,
                "layers":[{"activation":"tanh","weights":[[1],[2]],"bias":[0]}],
                "nnlens_recovery":{"file":1,"name":"x","written":"x","boot":"","pid":"7",
                "has_view":false}})")
            << QString() << QString();
        QTest::newRow("a date that is not one")
            << QByteArray(R"({"format":"nnlens.network","version":1,"inputs":2,
                "layers":[{"activation":"tanh","weights":[[1],[2]],"bias":[0]}],
                "nnlens_recovery":{"file":"","name":"x","written":"yesterday","boot":"",
                "pid":7,"has_view":false}})")
            << QString() << QString();
    }
    void aMalformedFileIsSetAside() {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, special);
        QFETCH(QString, reason);
        const QString folder = freshFolder();
        const qint64 pid = deadPid();
        QVERIFY(pid > 0);
        const QString good = leaveFile(folder, pid, {});
        QVERIFY(!good.isEmpty());
        const QString bad = QDir(folder).filePath(QStringLiteral("%1-2.nnlens.json").arg(pid));
        const QByteArray local = QFile::encodeName(bad);
        if (special == QLatin1String("zero")) {
            QCOMPARE(::symlink("/dev/zero", local.constData()), 0);
        } else if (special == QLatin1String("pipe")) {
            QCOMPARE(::mkfifo(local.constData(), 0600), 0);
        } else if (special == QLatin1String("sparse")) {
            QFile f(bad);
            QVERIFY(f.open(QIODevice::WriteOnly) && f.resize(qint64{100} << 30));
        } else {
            QVERIFY(writeBytes(bad, bytes));
        }
        QStringList problems;
        const std::vector<RecoveryFile> files = RecoveryService::pending(folder, &problems);
        QCOMPARE(files.size(), std::size_t{1});  // the good file is still offered
        QCOMPARE(files[0].path, good);
        QCOMPARE(problems.size(), 1);
        QVERIFY2(problems[0].contains(QFileInfo(bad).fileName() + QStringLiteral(": ") + reason),
                 qPrintable(problems[0]));
        QVERIFY(!QFileInfo(bad).exists() && !QFileInfo(bad).isSymLink());
        if (special.isEmpty()) QCOMPARE(readBytes(bad + QStringLiteral(".bad")), bytes);
        // Set aside once: the next start does not report it again.
        problems.clear();
        QCOMPARE(RecoveryService::pending(folder, &problems).size(), std::size_t{1});
        QVERIFY(problems.isEmpty());
    }

    // The window at start-up, with a file left by an ended process and each answer.
    void theWindowOffersWhatAnEndedProcessLeft_data() {
        QTest::addColumn<int>("answer");
        QTest::newRow("restore") << static_cast<int>(RecoveryAnswer::Restore);
        QTest::newRow("discard") << static_cast<int>(RecoveryAnswer::Discard);
        QTest::newRow("later") << static_cast<int>(RecoveryAnswer::Later);
    }
    void theWindowOffersWhatAnEndedProcessLeft() {
        QFETCH(int, answer);
        const QString folder = freshFolder();
        const QString original = QDir(folder).filePath(QStringLiteral("mine.nnlens.json"));
        QVERIFY(QFile::copy(recovery_test::kPreset, original));
        QFile::setPermissions(original, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        const qint64 pid = deadPid();
        Network edited;
        const QString left = leaveFile(folder, pid, {}, &edited, original);
        QVERIFY(!left.isEmpty());

        qputenv("NNLENS_RECOVERY_DIR", QFile::encodeName(folder));
        gui::MainWindow window;
        qunsetenv("NNLENS_RECOVERY_DIR");
        window.setErrorDialogs(false);
        QCOMPARE(window.recovery()->folder(), folder);
        const Network before = window.document()->network();
        int asked = 0;
        window.setRecoveryPrompt([&](const RecoveryFile& file) {
            ++asked;
            [&] {
                QCOMPARE(file.path, left);
                QCOMPARE(file.originalPath, original);
            }();
            return static_cast<RecoveryAnswer>(answer);
        });
        const bool restored = window.offerRecovery();
        QCOMPARE(asked, 1);
        QCOMPARE(restored, answer == static_cast<int>(RecoveryAnswer::Restore));
        const Network& now = window.document()->network();
        if (!restored) {
            QVERIFY(test::networkDifference(now, before).isEmpty());
            QCOMPARE(QFile::exists(left), answer == static_cast<int>(RecoveryAnswer::Later));
            return;
        }
        const QString difference = test::networkDifference(now, edited);
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
        QVERIFY(window.document()->isModified());
        QCOMPARE(window.document()->filePath(), original);
        QVERIFY(window.windowTitle().startsWith(QStringLiteral("mine.nnlens.json")));
        // The window's own copy is on disk before the ended process's file goes.
        QVERIFY(QFile::exists(window.recovery()->filePath()));
        QVERIFY(!QFile::exists(left));
        QStringList problems;
        QVERIFY(RecoveryService::pending(folder, &problems).empty());
    }

    // The real thing: a window is killed by SIGKILL after its edits were written; the next window
    // restores them, Save writes them to the original file.
    void aKilledWindowIsRestored() {
        const QString folder = freshFolder();
        const QString original = QDir(folder).filePath(QStringLiteral("spiral.nnlens.json"));
        QVERIFY(QFile::copy(recovery_test::kPreset, original));
        QFile::setPermissions(original, QFileDevice::ReadOwner | QFileDevice::WriteOwner);

        QProcess child;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("NNLENS_RECOVERY_DIR"), folder);
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        child.setProcessEnvironment(env);
        child.start(QStringLiteral(NNLENS_RECOVERY_CHILD_PATH), {original});
        QVERIFY(child.waitForFinished(120000));
        const QString out = QString::fromLocal8Bit(child.readAllStandardOutput()).trimmed();
        QVERIFY2(child.exitStatus() == QProcess::CrashExit,
                 qPrintable(QString::fromLocal8Bit(child.readAllStandardError())));
        QVERIFY2(out.startsWith(folder), qPrintable(out));  // it wrote the file, then was killed
        QVERIFY(QFile::exists(out));

        Document expected;
        QVERIFY(expected.open(original, nullptr));
        QVERIFY(recovery_test::applyEdits(expected));

        qputenv("NNLENS_RECOVERY_DIR", QFile::encodeName(folder));
        gui::MainWindow window;
        qunsetenv("NNLENS_RECOVERY_DIR");
        window.setErrorDialogs(false);
        window.setRecoveryPrompt([](const RecoveryFile&) { return RecoveryAnswer::Restore; });
        QVERIFY(window.offerRecovery());
        const QString difference =
            test::networkDifference(window.document()->network(), expected.network());
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
        QVERIFY(window.document()->isModified());
        QVERIFY(!QFile::exists(out));

        QVERIFY(window.save());
        QVERIFY(!window.document()->isModified());
        QVERIFY(!QFile::exists(window.recovery()->filePath()));
        Document saved;
        QVERIFY(saved.open(original, nullptr));
        QVERIFY(test::networkDifference(saved.network(), expected.network()).isEmpty());
    }
};

QTEST_MAIN(TestRecovery)
#include "tst_recovery.moc"
