// The window under #12's hostile files (and the fuzz corpus when the tree has one): a file that
// is refused leaves the network, title and undo stack exactly as they were; a valid but extreme
// file opens with finite maps; control characters from a file never reach a title or a label.
#include <QDirIterator>
#include <QFile>
#include <QLabel>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

#include <sys/stat.h>

#include <cmath>
#include <memory>

#include "core/error.hpp"
#include "core/file_io.hpp"
#include "core/limits.hpp"
#include "core/network.hpp"
#include "core/network_io.hpp"
#include "gui/main_window.hpp"
#include "same_network.hpp"
#include "test_window.hpp"
#include "widgets/figure_view.hpp"

using namespace nnlens;

namespace {

const QString kQuadrant = QStringLiteral(":/presets/quadrant-selector.nnlens.json");

// A valid one-layer network file whose bias is `bias` (JSON text) and whose extra top-level
// members are `extra` (JSON text, with a trailing comma).
QByteArray network(const QByteArray& bias, const QByteArray& extra = {}) {
    return "{\"format\":\"nnlens.network\",\"version\":1,\"inputs\":2," + extra +
           "\"layers\":[{\"activation\":\"tanh\",\"weights\":[[0],[0]],\"bias\":[" + bias + "]}]}";
}

// Which character of `text` is a control character (-1: none).
qsizetype firstControl(const QString& text) {
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar::Category c = text[i].category();
        const char16_t u = text[i].unicode();
        // Also the bidirectional controls (#19: U+202E turned the recovery prompt around).
        const bool bidi = u == 0x061C || u == 0x200E || u == 0x200F ||
                          (u >= 0x202A && u <= 0x202E) || (u >= 0x2066 && u <= 0x2069);
        if (c == QChar::Other_Control || c == QChar::Separator_Line ||
            c == QChar::Separator_Paragraph || bidi) {
            return i;
        }
    }
    return -1;
}

}  // namespace

class TestHostileFiles : public QObject {
    Q_OBJECT

  private:
    QTemporaryDir m_tmp;
    std::unique_ptr<gui::MainWindow> m_window;

    gui::MainWindow& window() { return *m_window; }

    QString make(const QString& name, const QByteArray& bytes) {
        const QString path = m_tmp.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size()) return {};
        return path;
    }

    void settle() {
        QVERIFY(window().mapService()->waitFor(window().requestedGeneration()));
        // A network without 2 inputs has no maps: its graph view is hidden and never paints.
        if (window().document()->network().inputs != 2) return;
        QTRY_VERIFY_WITH_TIMEOUT(
            window().graphView()->paintedGeneration() >= window().requestedGeneration(), 10000);
    }

    // The window's text a person reads: title, status bar, every label (inspector, layers, ...).
    QString firstControlShown() {
        const auto check = [](const QString& where, const QString& text) -> QString {
            const qsizetype i = firstControl(text);
            if (i < 0) return {};
            return QStringLiteral("%1 shows U+%2 in \"%3\"")
                .arg(where)
                .arg(text[i].unicode(), 4, 16, QLatin1Char('0'))
                .arg(text.toHtmlEscaped());
        };
        QString found = check(QStringLiteral("the title"), window().windowTitle());
        if (found.isEmpty()) {
            found = check(QStringLiteral("the status bar"), window().statusBar()->currentMessage());
        }
        if (found.isEmpty()) found = check(QStringLiteral("the last error"), window().lastError());
        for (const QLabel* label : window().findChildren<QLabel*>()) {
            if (found.isEmpty()) found = check(QStringLiteral("a label"), label->text());
            if (found.isEmpty()) found = check(QStringLiteral("a tool tip"), label->toolTip());
        }
        return found;
    }

  private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_tmp.isValid());
        qputenv("NNLENS_RECOVERY_DIR", QFile::encodeName(m_tmp.filePath(QStringLiteral("rec"))));
        m_window = test::makeTestWindow();
        QVERIFY(m_window);
    }

    // Each row starts from the same place: a preset with one unsaved edit (one undo step).
    void init() {
        QVERIFY(window().openPreset(kQuadrant));
        QVERIFY(window().document()->setParameter({0, 1, 0}, 0.75f));
        settle();
    }

    void cleanupTestCase() { m_window.reset(); }

    void aRefusedFileLeavesTheWindowAsItWas_data() {
        QTest::addColumn<QString>("path");
        // Whether it must open: the malformed rows never; a fuzz corpus file exactly when the
        // engine's reader takes it (the window must agree with nnlens-cli, both ways).
        QTest::addColumn<bool>("mustOpen");
        const auto row = [](const char* tag, const QString& path) {
            QTest::newRow(tag) << path << false;
        };
        QByteArray deep = "{\"format\":\"nnlens.network\",\"version\":1,\"x\":";
        deep += QByteArray(70000, '[') + QByteArray(70000, ']') + "}";
        row("nested 70000 deep", make(QStringLiteral("deep.nnlens.json"), deep));
        row("1e400", make(QStringLiteral("e400.nnlens.json"), network("1e400")));
        row("a 400-digit integer",
            make(QStringLiteral("digits.nnlens.json"), network("1" + QByteArray(399, '0'))));
        row("-1e400 in a weight",
            make(QStringLiteral("weight.nnlens.json"),
                 "{\"format\":\"nnlens.network\",\"version\":1,\"inputs\":2,\"layers\":[{"
                 "\"activation\": \"tanh\",\"weights\":[[-1e400],[0]],\"bias\":[0]}]}"));
        row("empty", make(QStringLiteral("empty.nnlens.json"), {}));
        QFile preset(kQuadrant);
        QVERIFY(preset.open(QIODevice::ReadOnly));
        const QByteArray whole = preset.readAll();
        row("truncated",
            make(QStringLiteral("truncated.nnlens.json"), whole.left(whole.size() / 2)));
        QByteArray binary;
        for (int i = 0; i < 4096; ++i)
            binary += static_cast<char>(i * 37 % 256);
        row("binary", make(QStringLiteral("binary.nnlens.json"), binary));
        row("raw control characters in a string",
            make(QStringLiteral("raw.nnlens.json"), network("0", "\"name\":\"\x1b[2J\x07\r\",")));
        const QString dir = m_tmp.filePath(QStringLiteral("folder.nnlens.json"));
        QVERIFY(QDir().mkpath(dir));
        row("a directory", dir);
        row("a missing file", m_tmp.filePath(QStringLiteral("missing.nnlens.json")));
        // #19 item 1-2: never read unbounded, never block on open.
        row("/dev/zero", QStringLiteral("/dev/zero"));
        const QString pipe = m_tmp.filePath(QStringLiteral("pipe.nnlens.json"));
        QFile::remove(pipe);
        QCOMPARE(::mkfifo(QFile::encodeName(pipe).constData(), 0600), 0);
        row("a named pipe", pipe);
        const QString sparse = m_tmp.filePath(QStringLiteral("sparse.nnlens.json"));
        {
            QFile f(sparse);
            QVERIFY(f.open(QIODevice::WriteOnly) && f.resize(qint64{500} << 20));
        }
        row("a 500 MB file", sparse);
        // 64 MB in one unterminated string: the reader must fail on it without taking the window
        // (and, once reads are bounded, before reading it all).
        QByteArray big = "{\"format\":\"nnlens.network\",\"version\":1,\"pad\":\"";
        big += QByteArray(64 * 1024 * 1024, 'a');
        row("64 MB", make(QStringLiteral("big.nnlens.json"), big));
        big.clear();

        const QString corpus = QStringLiteral(NNLENS_SOURCE_DIR "/tests/fuzz/corpus");
        QStringList files;
        QDirIterator it(corpus, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext())
            files << it.next();
        files.sort();
        for (const QString& file : files) {
            const QString tag = QStringLiteral("corpus/") + QDir(corpus).relativeFilePath(file);
            bool valid = true;
            try {
                (void)parseNetwork(readFile(QFile::encodeName(file).toStdString()));
            } catch (const InputError&) {
                valid = false;
            }
            QTest::newRow(qPrintable(tag)) << file << valid;
        }
    }
    void aRefusedFileLeavesTheWindowAsItWas() {
        QFETCH(QString, path);
        QFETCH(bool, mustOpen);
        QVERIFY(!path.isEmpty());
        model::Document* doc = window().document();
        const Network before = doc->network();
        const QString title = window().windowTitle();
        const int steps = doc->undoStack()->count();
        const int index = doc->undoStack()->index();
        const int clean = doc->undoStack()->cleanIndex();
        const QString file = doc->filePath();

        if (window().openFile(path)) {
            QVERIFY2(mustOpen, "a file the engine refuses opened");
            QVERIFY(!doc->isModified());
            QCOMPARE(doc->filePath(), path);
            settle();
            QCOMPARE(firstControlShown(), QString());
            return;
        }
        const QString error = window().lastError();
        QVERIFY2(!mustOpen, qPrintable("a file the engine reads was refused: " + error));
        QVERIFY2(error.contains(model::shownText(QFileInfo(path).fileName())), qPrintable(error));
        QVERIFY2(error.size() < 1000, "the message quotes the whole file");
        QCOMPARE(firstControlShown(), QString());
        const QString difference = test::networkDifference(doc->network(), before);
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
        QCOMPARE(window().windowTitle(), title);
        QCOMPARE(doc->undoStack()->count(), steps);
        QCOMPARE(doc->undoStack()->index(), index);
        QCOMPARE(doc->undoStack()->cleanIndex(), clean);
        QVERIFY(doc->isModified());
        QCOMPARE(doc->filePath(), file);
        // Still working: the next edit is taken and drawn.
        QVERIFY(doc->setParameter({0, 0, -1}, 0.5f));
        settle();
    }

    // #19 item 5: a file's "view": {"grid": 4096} took 5 GB: the limit is checked wherever a grid
    // enters, not only in the Grid points box. The maps are drawn at the grid that fits, the
    // status bar says so, and the file's view is kept (Save writes it back unchanged).
    void aFilesGridPastTheBudgetIsDrawnAtTheGridThatFits() {
        window().mapService()->setMemoryBudget(3e7);  // 1.5 GB in use; 30 MB here
        const QString path =
            make(QStringLiteral("grid4096.nnlens.json"),
                 network("0", "\"view\":{\"range\":3,\"grid\":4096,\"bins\":25},"));
        QVERIFY2(window().openFile(path), qPrintable(window().lastError()));
        settle();
        const auto frame = window().graphView()->frame();
        QVERIFY(frame);
        QCOMPARE(frame->maps.config.n, model::largestMapGrid(1, 3e7));
        QCOMPARE(window().document()->network().view.n, 4096);
        QVERIFY2(window().statusBar()->currentMessage().startsWith(
                     QStringLiteral("Maps: maps at %1 x %1 points: 4096 x 4096 would need")
                         .arg(model::largestMapGrid(1, 3e7))),
                 qPrintable(window().statusBar()->currentMessage()));
        window().mapService()->setMemoryBudget(kMapMemoryBudget);
    }

    // Valid files at the edge of float range: they open, and every map and histogram is drawn
    // (#12 defect 1 read a NaN bin index out of bounds here); where s overflows to +-inf, the
    // histogram counts the finite points and the window goes on.
    void anExtremeValidFileOpensWithFiniteMaps_data() {
        QTest::addColumn<QString>("path");
        QTest::addColumn<bool>("finite");  // every s finite (else s overflows to inf: uncounted)
        QTest::newRow("a constant map at 1e17")
            << make(QStringLiteral("c1e17.nnlens.json"), network("1e17")) << true;
        QTest::newRow("a constant map at -3e38")
            << make(QStringLiteral("c3e38.nnlens.json"), network("-3e38")) << true;
        QTest::newRow("huge weights, as train --lr 1e20 writes them")
            << make(QStringLiteral("huge.nnlens.json"),
                    "{\"format\":\"nnlens.network\",\"version\":1,\"inputs\":2,\"layers\":[ "
                    "{\"activation\":\"linear\",\"weights\":[[3e38,-3e38],[3e38,3e38]],\"bias\":["
                    "3e38,0]}, "
                    "{\"activation\":\"tanh\",\"weights\":[[1e30],[1e30]],\"bias\":[-1e30]}]}")
            << false;
    }
    void anExtremeValidFileOpensWithFiniteMaps() {
        QFETCH(QString, path);
        QFETCH(bool, finite);
        QVERIFY(!path.isEmpty());
        QVERIFY2(window().openFile(path), qPrintable(window().lastError()));
        settle();
        const auto frame = window().mapService()->latest();
        QVERIFY(frame);
        const figures::MapSet& maps = frame->maps;
        QCOMPARE(maps.layers(), static_cast<int>(window().document()->network().layers.size()));
        const std::int64_t points = static_cast<std::int64_t>(maps.config.n) * maps.config.n;
        for (int l = 0; l < maps.layers(); ++l) {
            for (std::size_t node = 0; node < maps.hist[l].size(); ++node) {
                const Histogram& h = maps.hist[l][node];
                QVERIFY(std::isfinite(h.min) && std::isfinite(h.max));
                std::int64_t counted = 0;
                for (const std::int64_t c : h.counts)
                    counted += c;
                if (finite) {
                    QCOMPARE(counted, points);  // every point is in a bin: the histogram is drawn
                } else {
                    QVERIFY(counted <= points);  // +-inf is in no bin, and nothing else breaks
                }
                QVERIFY(!maps.images[l][node].isNull());
            }
        }
        QVERIFY(std::isfinite(maps.vlim) && maps.vlim > 0.0f);
        QVERIFY(!window().graphView()->grab().isNull());
    }

    // ESC, BEL, CR, clear-screen and set-title sequences in the file's name, the network's name
    // and its description: shown as \xNN, never as control characters.
    void controlCharactersAreShownEscaped_data() {
        QTest::addColumn<QString>("path");
        QTest::addColumn<bool>("asPreset");  // a preset shows the network's name in the title
        const QByteArray text =
            network("0",
                    "\"name\":\"\\u001b[2J\\u001b]0;owned\\u0007 "
                    "net\\r\\n\\u2028x\\u202eevil\\u0085\\u009b\","
                    "\"description\":\"\\u001b[31mred\\u001b[0m\\u0007\\r\\u0000 end\\u2066\",");
        const QString path = make(QStringLiteral("ctl\x1b[2J\x07\r.nnlens.json"), text);
        QTest::newRow("opened as a file") << path << false;
        QTest::newRow("opened as a preset") << path << true;
    }
    void controlCharactersAreShownEscaped() {
        QFETCH(QString, path);
        QFETCH(bool, asPreset);
        QVERIFY(!path.isEmpty());
        QVERIFY2(asPreset ? window().openPreset(path) : window().openFile(path),
                 qPrintable(window().lastError()));
        settle();
        QVERIFY(window().document()->network().name.find('\x1b') != std::string::npos);
        QVERIFY2(window().windowTitle().contains(QStringLiteral("\\x1b[2J")),
                 qPrintable(window().windowTitle()));
        const QString shown = firstControlShown();
        QVERIFY2(shown.isEmpty(), qPrintable(shown));
        // An edit, a refused edit and a save leave messages: none carries them either.
        QVERIFY(window().document()->setParameter({0, 0, -1}, 1.0f));
        QVERIFY(!window().document()->setNodeCount(0, 0));
        QVERIFY(window().saveAs(m_tmp.filePath(QStringLiteral("saved\x1b[2J.nnlens.json"))));
        const QString afterSave = firstControlShown();
        QVERIFY2(afterSave.isEmpty(), qPrintable(afterSave));
    }
};

QTEST_MAIN(TestHostileFiles)
#include "tst_hostile_files.moc"
