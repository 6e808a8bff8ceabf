// Training animations: the APNG, GIF and PNG-sequence writers read back by an independent chunk
// parser and by Qt's decoders; and the window's export of a trained spiral run, whose frames are
// the figure exports of the timeline's networks, leaving the document untouched.
#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QImageReader>
#include <QProgressDialog>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

#include "figures/animation.hpp"
#include "gui/main_window.hpp"
#include "same_network.hpp"
#include "test_window.hpp"
#include "widgets/animation_dialog.hpp"
#include "widgets/figure_view.hpp"

using namespace nnlens;
using figures::AnimationFormat;
using figures::AnimationWriter;

namespace {

const QString kLesson = QStringLiteral(":/presets/lesson-spiral-2-8-8-8-1.nnlens.json");

// CRC-32 bit by bit (PNG spec, annex D, without the table).
quint32 bitwiseCrc(const QByteArray& bytes) {
    quint32 c = 0xffffffffu;
    for (const char ch : bytes) {
        c ^= static_cast<quint8>(ch);
        for (int k = 0; k < 8; ++k)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return ~c;
}

quint32 be32(const QByteArray& b, qsizetype at) {
    return (quint32(quint8(b[at])) << 24) | (quint32(quint8(b[at + 1])) << 16) |
           (quint32(quint8(b[at + 2])) << 8) | quint32(quint8(b[at + 3]));
}
quint16 be16(const QByteArray& b, qsizetype at) {
    return static_cast<quint16>((quint8(b[at]) << 8) | quint8(b[at + 1]));
}

struct ParsedChunk {
    QByteArray type;
    QByteArray data;
    bool crcOk = false;
};

std::vector<ParsedChunk> parsePng(const QByteArray& file) {
    std::vector<ParsedChunk> chunks;
    qsizetype at = 8;
    while (at + 12 <= file.size()) {
        const auto length = static_cast<qsizetype>(be32(file, at));
        if (at + 12 + length > file.size()) break;
        ParsedChunk c;
        c.type = file.mid(at + 4, 4);
        c.data = file.mid(at + 8, length);
        c.crcOk = bitwiseCrc(file.mid(at + 4, 4 + length)) == be32(file, at + 8 + length);
        chunks.push_back(c);
        at += 12 + length;
    }
    return chunks;
}

QByteArray makeChunk(const char* type, const QByteArray& data) {
    QByteArray body(type, 4);
    body += data;
    QByteArray out;
    for (int s = 24; s >= 0; s -= 8)
        out.append(static_cast<char>((data.size() >> s) & 0xff));
    out += body;
    const quint32 crc = bitwiseCrc(body);
    for (int s = 24; s >= 0; s -= 8)
        out.append(static_cast<char>((crc >> s) & 0xff));
    return out;
}

// A still PNG of one APNG frame: the IHDR and the frame's image data.
QImage decodeFrame(const QByteArray& ihdr, const QByteArray& data) {
    QByteArray png("\x89PNG\r\n\x1a\n", 8);
    png += makeChunk("IHDR", ihdr);
    png += makeChunk("IDAT", data);
    png += makeChunk("IEND", {});
    return QImage::fromData(png, "PNG");
}

bool sameImage(const QImage& a, const QImage& b) {
    return a.size() == b.size() &&
           a.convertToFormat(QImage::Format_ARGB32) == b.convertToFormat(QImage::Format_ARGB32);
}

// Three 40x30 frames: a colour field with a moving bar (and a translucent corner if asked).
std::vector<QImage> testFrames(bool alpha, QSize size = {40, 30}, bool gradient = false) {
    std::vector<QImage> frames;
    for (int k = 0; k < 3; ++k) {
        QImage img(size, QImage::Format_ARGB32);
        for (int y = 0; y < size.height(); ++y) {
            for (int x = 0; x < size.width(); ++x) {
                QRgb c = gradient ? qRgb(x * 255 / (size.width() - 1),
                                         y * 255 / (size.height() - 1), 80 * k)
                                  : qRgb(200, 40 + 60 * k, 90);
                if (x >= 5 + 10 * k && x < 10 + 10 * k) c = qRgb(10, 20, 250);
                if (alpha && x < 4 && y < 4) c = qRgba(255, 0, 0, 100);
                img.setPixel(x, y, c);
            }
        }
        frames.push_back(img);
    }
    return frames;
}

QByteArray writeAnimation(const QString& path, AnimationFormat format,
                          const std::vector<QImage>& frames, int delayMs, QString* error) {
    AnimationWriter w;
    if (!w.open(path, format, static_cast<int>(frames.size()), delayMs, 3 * delayMs, error))
        return {};
    for (const QImage& f : frames)
        if (!w.addFrame(f, error)) return {};
    if (!w.finish(error)) return {};
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return {};
    return file.readAll();
}

}  // namespace

class TestAnimation : public QObject {
    Q_OBJECT

  private slots:
    void frameIndices_data() {
        QTest::addColumn<int>("count");
        QTest::addColumn<int>("maxFrames");
        QTest::addColumn<QList<int>>("expected");
        QTest::newRow("fewer entries than frames: all") << 4 << 100 << QList<int>{0, 1, 2, 3};
        QTest::newRow("exactly the limit") << 3 << 3 << QList<int>{0, 1, 2};
        QTest::newRow("every 2nd and the last") << 6 << 4 << QList<int>{0, 2, 4, 5};
        QTest::newRow("every 3rd, the last replaces one") << 10 << 4 << QList<int>{0, 3, 6, 9};
        QTest::newRow("two frames: first and last") << 50 << 2 << QList<int>{0, 49};
    }
    void frameIndices() {
        QFETCH(int, count);
        QFETCH(int, maxFrames);
        QFETCH(QList<int>, expected);
        const std::vector<int> got = figures::animationFrameIndices(count, maxFrames);
        QCOMPARE(QList<int>(got.begin(), got.end()), expected);
        QVERIFY(static_cast<int>(got.size()) <= maxFrames);
    }
    void frameIndicesStayWithinTheLimit() {
        for (int count = 1; count < 400; count += 7) {
            for (int max : {2, 3, 5, 17, 100}) {
                const auto got = figures::animationFrameIndices(count, max);
                QVERIFY(static_cast<int>(got.size()) <= std::max(max, 1));
                QCOMPARE(got.front(), 0);
                QCOMPARE(got.back(), count - 1);
                QVERIFY(std::is_sorted(got.begin(), got.end()));
            }
        }
    }

    void apngChunksAndFrames_data() {
        QTest::addColumn<bool>("alpha");
        QTest::newRow("opaque") << false;
        QTest::newRow("translucent corner") << true;
    }
    void apngChunksAndFrames() {
        QFETCH(bool, alpha);
        QTemporaryDir tmp;
        const QString path = tmp.filePath("run.png");
        const std::vector<QImage> frames = testFrames(alpha);
        QString error;
        const QByteArray file = writeAnimation(path, AnimationFormat::Apng, frames, 100, &error);
        QVERIFY2(!file.isEmpty(), qPrintable(error));
        QCOMPARE(file.left(8), QByteArray("\x89PNG\r\n\x1a\n", 8));
        const auto chunks = parsePng(file);
        QVERIFY(chunks.size() >= 9);
        QCOMPARE(chunks.front().type, QByteArray("IHDR"));
        QCOMPARE(chunks.back().type, QByteArray("IEND"));
        QCOMPARE(bitwiseCrc("IEND"), 0xae426082u);  // the spec's IEND CRC
        QByteArray ihdr;
        std::vector<quint32> sequence;
        std::vector<int> delays;
        std::vector<QByteArray> data;  // per frame
        int actl = 0;
        bool seenIdat = false;
        for (const ParsedChunk& c : chunks) {
            QVERIFY2(c.crcOk, c.type.constData());
            if (c.type == "IHDR") ihdr = c.data;
            if (c.type == "acTL") {
                ++actl;
                QVERIFY(!seenIdat);
                QCOMPARE(be32(c.data, 0), 3u);  // num_frames
                QCOMPARE(be32(c.data, 4), 0u);  // num_plays: forever
            }
            if (c.type == "fcTL") {
                sequence.push_back(be32(c.data, 0));
                QCOMPARE(be32(c.data, 4), 40u);
                QCOMPARE(be32(c.data, 8), 30u);
                QCOMPARE(be32(c.data, 12), 0u);
                QCOMPARE(be32(c.data, 16), 0u);
                delays.push_back(1000 * be16(c.data, 20) / be16(c.data, 22));
                data.emplace_back();
            }
            if (c.type == "IDAT") {
                seenIdat = true;
                QCOMPARE(int(data.size()), 1);  // frame 0 is the default image
                data.back() += c.data;
            }
            if (c.type == "fdAT") {
                sequence.push_back(be32(c.data, 0));
                data.back() += c.data.mid(4);
            }
        }
        QCOMPARE(actl, 1);
        QCOMPARE(int(data.size()), 3);
        QCOMPARE(delays, (std::vector<int>{100, 100, 300}));  // the last frame held
        for (std::size_t i = 0; i < sequence.size(); ++i)
            QCOMPARE(sequence[i], quint32(i));
        QCOMPARE(int(sequence.size()), 5);  // 3 fcTL + 2 fdAT
        // Any PNG reader shows frame 0; each frame's data decodes to its image.
        QVERIFY(sameImage(QImage(path), frames[0]));
        for (int k = 0; k < 3; ++k)
            QVERIFY2(sameImage(decodeFrame(ihdr, data[std::size_t(k)]), frames[std::size_t(k)]),
                     qPrintable(QStringLiteral("frame %1").arg(k)));
    }

    void gifReadsBack_data() {
        QTest::addColumn<bool>("gradient");
        QTest::addColumn<int>("tolerance");
        QTest::newRow("few colours: exact") << false << 0;
        // 160 x 120 distinct colours: many LZW table resets, 256 of ~1200 colours kept.
        QTest::newRow("gradient: nearest colours") << true << 24;
    }
    void gifReadsBack() {
        QFETCH(bool, gradient);
        QFETCH(int, tolerance);
        if (!QImageReader::supportedImageFormats().contains("gif"))
            QSKIP("Qt has no GIF reader here");
        QTemporaryDir tmp;
        const QString path = tmp.filePath("run.gif");
        const QSize size = gradient ? QSize(160, 120) : QSize(40, 30);
        const std::vector<QImage> frames = testFrames(false, size, gradient);
        QString error;
        const QByteArray file = writeAnimation(path, AnimationFormat::Gif, frames, 100, &error);
        QVERIFY2(!file.isEmpty(), qPrintable(error));
        QVERIFY(file.startsWith("GIF89a"));
        QVERIFY(file.contains(QByteArray("NETSCAPE2.0\x03\x01\x00\x00", 15)));  // loop forever
        QCOMPARE(file.back(), '\x3b');
        QImageReader reader(path, "gif");
        QCOMPARE(reader.imageCount(), 3);
        for (int k = 0; k < 3; ++k) {
            const QImage got = reader.read().convertToFormat(QImage::Format_RGB32);
            QVERIFY2(!got.isNull(), qPrintable(reader.errorString()));
            QCOMPARE(got.size(), size);
            const QImage& want = frames[std::size_t(k)];
            int worst = 0;
            for (int y = 0; y < size.height(); ++y) {
                for (int x = 0; x < size.width(); ++x) {
                    const QRgb a = got.pixel(x, y);
                    const QRgb b = want.pixel(x, y);
                    worst =
                        std::max({worst, std::abs(qRed(a) - qRed(b)),
                                  std::abs(qGreen(a) - qGreen(b)), std::abs(qBlue(a) - qBlue(b))});
                }
            }
            QVERIFY2(worst <= tolerance,
                     qPrintable(QStringLiteral("frame %1: off by %2").arg(k).arg(worst)));
        }
    }

    void pngSequenceWritesEveryFrame() {
        QTemporaryDir tmp;
        const QString folder = tmp.filePath("frames");  // made by the writer
        const std::vector<QImage> frames = testFrames(false);
        QString error;
        AnimationWriter w;
        QVERIFY2(w.open(folder, AnimationFormat::PngSequence, 3, 100, 300, &error),
                 qPrintable(error));
        for (const QImage& f : frames)
            QVERIFY2(w.addFrame(f, &error), qPrintable(error));
        QVERIFY2(w.finish(&error), qPrintable(error));
        QCOMPARE(QDir(folder).entryList(QDir::Files),
                 (QStringList{"frame-0000.png", "frame-0001.png", "frame-0002.png"}));
        for (int k = 0; k < 3; ++k) {
            const QImage got(QDir(folder).filePath(figures::sequenceFrameName(k)));
            QCOMPARE(got.size(), QSize(40, 30));
            QVERIFY(sameImage(got, frames[std::size_t(k)]));
        }
    }

    void failuresLeaveNothing_data() {
        QTest::addColumn<int>("format");
        QTest::newRow("apng") << int(AnimationFormat::Apng);
        QTest::newRow("gif") << int(AnimationFormat::Gif);
        QTest::newRow("png sequence") << int(AnimationFormat::PngSequence);
    }
    void failuresLeaveNothing() {
        QFETCH(int, format);
        const auto f = static_cast<AnimationFormat>(format);
        QTemporaryDir tmp;
        const QString path = tmp.filePath("out");
        const std::vector<QImage> frames = testFrames(false);
        QString error;
        {  // cancelled after two frames
            AnimationWriter w;
            QVERIFY(w.open(path, f, 3, 100, 300, &error));
            QVERIFY(w.addFrame(frames[0], &error));
            QVERIFY(w.addFrame(frames[1], &error));
            w.cancel();
            QVERIFY(!QFileInfo::exists(path));
        }
        {  // destroyed unfinished
            AnimationWriter w;
            QVERIFY(w.open(path, f, 3, 100, 300, &error));
            QVERIFY(w.addFrame(frames[0], &error));
        }
        QVERIFY(!QFileInfo::exists(path));
        {  // a frame of another size
            AnimationWriter w;
            QVERIFY(w.open(path, f, 3, 100, 300, &error));
            QVERIFY(w.addFrame(frames[0], &error));
            QVERIFY(!w.addFrame(frames[1].scaled(20, 15), &error));
            QVERIFY2(error.contains("20 × 15") && error.contains(path), qPrintable(error));
            QVERIFY(!QFileInfo::exists(path));
        }
        {  // fewer frames than announced
            AnimationWriter w;
            QVERIFY(w.open(path, f, 3, 100, 300, &error));
            QVERIFY(w.addFrame(frames[0], &error));
            QVERIFY(!w.finish(&error));
            QVERIFY2(error.contains("1 of 3"), qPrintable(error));
            QVERIFY(!QFileInfo::exists(path));
        }
        {  // a place that cannot be written: under a plain file
            QFile plain(tmp.filePath("plain.txt"));
            QVERIFY(plain.open(QIODevice::WriteOnly));
            plain.close();
            const QString bad = tmp.filePath("plain.txt/out");
            AnimationWriter w;
            QVERIFY(!w.open(bad, f, 3, 100, 300, &error));
            QVERIFY2(error.contains(bad), qPrintable(error));
        }
        QCOMPARE(QDir(tmp.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot),
                 QStringList{"plain.txt"});
    }

    // ---- the window -------------------------------------------------------------------------

    void init() {
        if (!QTest::currentTestFunction() ||
            !QByteArray(QTest::currentTestFunction()).startsWith("window"))
            return;
        m_window = test::makeTestWindow();
        QVERIFY(m_window);
    }
    void cleanup() { m_window.reset(); }

    void windowExportsTheTimelineAsFrames() {
        gui::MainWindow& window = *m_window;
        auto* action = window.findChild<QAction*>("animationAction");
        QVERIFY(action);
        QVERIFY(window.openPreset(kLesson));
        QVERIFY(!action->isEnabled());  // nothing trained yet
        for (int e = 0; e < 5; ++e)
            QVERIFY(test::trainEpoch(*window.training()));
        const auto timeline = window.training()->service()->timeline();
        QCOMPARE(int(timeline.size()), 6);
        QVERIFY(action->isEnabled());

        const Network before = window.document()->network();
        const int undo = window.document()->undoStack()->count();
        const bool modified = window.document()->isModified();

        QTemporaryDir tmp;
        widgets::AnimationSettings s;
        s.kind = figures::FigureKind::Graph;
        s.format = AnimationFormat::PngSequence;
        s.size = {400, 300};
        s.path = tmp.filePath("graph");
        QVERIFY2(window.exportAnimation(s), qPrintable(window.lastError()));
        QCOMPARE(QDir(s.path).entryList(QDir::Files).size(), 6);
        std::vector<QImage> frames;
        for (int k = 0; k < 6; ++k) {
            frames.emplace_back(QDir(s.path).filePath(figures::sequenceFrameName(k)));
            QCOMPARE(frames.back().size(), QSize(400, 300));
        }
        QVERIFY(!sameImage(frames.front(), frames.back()));  // the maps moved
        // The document is as it was.
        QCOMPARE(test::networkDifference(window.document()->network(), before), QString());
        QCOMPARE(window.document()->undoStack()->count(), undo);
        QCOMPARE(window.document()->isModified(), modified);

        // The loss plot with each frame's epoch marked, as an APNG.
        widgets::AnimationSettings loss = s;
        loss.kind = figures::FigureKind::Loss;
        loss.format = AnimationFormat::Apng;
        loss.path = tmp.filePath("loss.png");
        QVERIFY2(window.exportAnimation(loss), qPrintable(window.lastError()));
        const auto chunks = parsePng([&] {
            QFile f(loss.path);
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        }());
        QVERIFY(!chunks.empty());
        QByteArray ihdr = chunks.front().data;
        std::vector<QByteArray> lossData;
        for (const ParsedChunk& c : chunks) {
            if (c.type == "fcTL") lossData.emplace_back();
            if (c.type == "IDAT") lossData.back() += c.data;
            if (c.type == "fdAT") lossData.back() += c.data.mid(4);
        }
        QCOMPARE(int(lossData.size()), 6);

        // Frame k is the figure export while the timeline shows entry k.
        for (int k = 0; k < 6; ++k) {
            window.training()->showEpoch(timeline[std::size_t(k)].epoch);
            const Network& shown = *timeline[std::size_t(k)].network;
            QTRY_VERIFY_WITH_TIMEOUT(
                window.graphView()->frame() &&
                    test::networkDifference(*window.graphView()->frame()->network, shown).isEmpty(),
                20000);
            QVERIFY2(sameImage(window.exportImage(s.kind, s.size, s.style), frames[std::size_t(k)]),
                     qPrintable(QStringLiteral("graph frame %1").arg(k)));
            QVERIFY2(sameImage(window.exportImage(loss.kind, loss.size, loss.style),
                               decodeFrame(ihdr, lossData[std::size_t(k)])),
                     qPrintable(QStringLiteral("loss frame %1").arg(k)));
        }
        if (const QString dir = qEnvironmentVariable("NNLENS_SHOT_DIR"); !dir.isEmpty()) {
            for (int k : {0, 2, 5})
                frames[std::size_t(k)].save(
                    QDir(dir).filePath(QStringLiteral("anim-graph-%1.png").arg(k)));
        }
    }

    void windowCancelAndBadPathLeaveNothing() {
        gui::MainWindow& window = *m_window;
        QVERIFY(window.openPreset(kLesson));
        for (int e = 0; e < 3; ++e)
            QVERIFY(test::trainEpoch(*window.training()));
        QTemporaryDir tmp;
        widgets::AnimationSettings s;
        s.kind = figures::FigureKind::Network;  // no maps: quick frames
        s.size = {200, 150};
        // Cancel pressed in the progress dialog after the second frame.
        auto connection =
            connect(&window, &gui::MainWindow::animationFrameWritten, this, [&window](int index) {
                if (index != 1) return;
                auto* progress = window.findChild<QProgressDialog*>("animationProgress");
                QVERIFY(progress && progress->isVisible());
                auto* cancel = progress->findChild<QPushButton*>();
                QVERIFY(cancel);
                QTest::mouseClick(cancel, Qt::LeftButton);
            });
        for (const AnimationFormat f :
             {AnimationFormat::Apng, AnimationFormat::Gif, AnimationFormat::PngSequence}) {
            s.format = f;
            s.path = tmp.filePath(QStringLiteral("cancelled-%1").arg(int(f)));
            QVERIFY(!window.exportAnimation(s));
            QVERIFY2(!QFileInfo::exists(s.path), qPrintable(s.path));
        }
        disconnect(connection);
        QCOMPARE(QDir(tmp.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot).size(), 0);

        s.format = AnimationFormat::Apng;
        s.path = QStringLiteral("/nonexistent-nnlens-folder/run.png");
        QVERIFY(!window.exportAnimation(s));
        QVERIFY2(window.lastError().contains(s.path), qPrintable(window.lastError()));
    }

    void windowDialogDefaultsAndExport() {
        gui::MainWindow& window = *m_window;
        QVERIFY(window.openPreset(kLesson));
        for (int e = 0; e < 2; ++e)
            QVERIFY(test::trainEpoch(*window.training()));
        auto* action = window.findChild<QAction*>("animationAction");
        QVERIFY(action && action->isEnabled());
        action->trigger();
        auto* dialog = window.findChild<widgets::AnimationDialog*>();
        QVERIFY(dialog && dialog->isVisible());
        const widgets::AnimationSettings s = dialog->settings();
        QCOMPARE(s.kind, figures::FigureKind::Graph);
        QCOMPARE(s.framesPerSecond, 10);
        QCOMPARE(s.delayMs(), 100);
        QCOMPARE(s.maxFrames, 100);
        QCOMPARE(s.size, window.defaultExportSize(figures::FigureKind::Graph, 100));
        QCOMPARE(dialog->frameCount(), 3);
        dialog->setFormat(AnimationFormat::Gif);
        auto* width = dialog->findChild<QSpinBox*>("exportWidth");
        QVERIFY(width);
        width->setValue(width->value() / 4);  // the height follows (proportions kept)
        const QSize size = dialog->settings().size;
        QCOMPARE(size.width(), s.size.width() / 4);
        QVERIFY(std::abs(size.height() - s.size.height() / 4) <= 1);
        QTemporaryDir tmp;
        const QString path = tmp.filePath("run.gif");
        QVERIFY2(dialog->exportTo(path), qPrintable(window.lastError()));
        QTRY_VERIFY(!window.findChild<widgets::AnimationDialog*>());  // closed
        const QImage first(path);
        QCOMPARE(first.size(), size);
    }

  private:
    std::unique_ptr<gui::MainWindow> m_window;
};

QTEST_MAIN(TestAnimation)
#include "tst_animation.moc"
