// AnimationWriter: APNG from Qt's own PNG encoder (each frame's IDAT data re-wrapped as fcTL and
// fdAT chunks, APNG 1.0), GIF89a with a palette per frame and an LZW encoder, PNG sequences
// written file by file with QSaveFile.
#include "animation.hpp"

#include <QBuffer>
#include <QDir>
#include <QFileInfo>
#include <QObject>
#include <QPainter>

#include <algorithm>
#include <cstdint>
#include <unordered_map>

#include "png.hpp"

namespace nnlens::figures {

namespace {

void putU16(QByteArray& out, quint16 v) {
    out.append(static_cast<char>((v >> 8) & 0xffu));
    out.append(static_cast<char>(v & 0xffu));
}

void putLe16(QByteArray& out, int v) {
    out.append(static_cast<char>(v & 0xff));
    out.append(static_cast<char>((v >> 8) & 0xff));
}

// fcTL: the frame's region (the whole image), its delay in ms, dispose none, blend source.
QByteArray frameControl(quint32 sequence, QSize size, int delayMs) {
    QByteArray d;
    png::appendU32(d, sequence);
    png::appendU32(d, static_cast<quint32>(size.width()));
    png::appendU32(d, static_cast<quint32>(size.height()));
    png::appendU32(d, 0);  // x offset
    png::appendU32(d, 0);  // y offset
    putU16(d, static_cast<quint16>(std::clamp(delayMs, 0, 65535)));
    putU16(d, 1000);  // delay denominator: ms
    d.append('\0');   // dispose_op: none
    d.append('\0');   // blend_op: source
    QByteArray out;
    png::appendChunk(out, "fcTL", d);
    return out;
}

// ---- GIF ---------------------------------------------------------------------------------

// The image over white as 8-bit RGB (GIF has no partial transparency).
QImage flatten(const QImage& frame) {
    QImage rgb(frame.size(), QImage::Format_RGB32);
    rgb.fill(Qt::white);
    QPainter p(&rgb);
    p.drawImage(0, 0, frame);
    return rgb;
}

struct Indexed {
    std::vector<QRgb> palette;   // at most 256 colours
    std::vector<quint8> pixels;  // (h, w) palette indices
};

// A palette of the most used colours after quantising to 6 bits per channel (each the mean of its
// pixels); every pixel takes the palette colour nearest to its quantised colour.
Indexed quantise(const QImage& rgb) {
    constexpr int kBits = 6;
    constexpr int kBins = 1 << (3 * kBits);
    constexpr int kShift = 8 - kBits;
    auto binOf = [](QRgb c) {
        return ((qRed(c) >> kShift) << (2 * kBits)) | ((qGreen(c) >> kShift) << kBits) |
               (qBlue(c) >> kShift);
    };
    struct Bin {
        quint64 count = 0, r = 0, g = 0, b = 0;
    };
    std::vector<Bin> bins(kBins);
    for (int y = 0; y < rgb.height(); ++y) {
        const auto* line = reinterpret_cast<const QRgb*>(rgb.constScanLine(y));
        for (int x = 0; x < rgb.width(); ++x) {
            Bin& bin = bins[static_cast<std::size_t>(binOf(line[x]))];
            ++bin.count;
            bin.r += static_cast<quint64>(qRed(line[x]));
            bin.g += static_cast<quint64>(qGreen(line[x]));
            bin.b += static_cast<quint64>(qBlue(line[x]));
        }
    }
    std::vector<int> used;
    for (int i = 0; i < kBins; ++i)
        if (bins[static_cast<std::size_t>(i)].count > 0) used.push_back(i);
    std::vector<QRgb> colour(kBins, 0);  // the mean colour of each used bin
    for (const int i : used) {
        const Bin& bin = bins[static_cast<std::size_t>(i)];
        auto m = [&](quint64 sum) { return static_cast<int>((sum + bin.count / 2) / bin.count); };
        colour[static_cast<std::size_t>(i)] = qRgb(m(bin.r), m(bin.g), m(bin.b));
    }
    auto channel = [&](int i, int c) {
        const QRgb v = colour[static_cast<std::size_t>(i)];
        return c == 0 ? qRed(v) : c == 1 ? qGreen(v) : qBlue(v);
    };
    // Median cut over the used colours (weighted by their pixels): split the box with the widest
    // channel at its weighted median until there are 256 boxes; each gives its mean colour. A
    // figure's few hundred colours mostly end up alone in their box.
    struct Box {
        std::vector<int> bins;
        int range = 0;  // of its widest channel
        int channel = 0;
    };
    auto measure = [&](Box& box) {
        box.range = 0;
        for (int c = 0; c < 3; ++c) {
            int lo = 255, hi = 0;
            for (const int i : box.bins) {
                lo = std::min(lo, channel(i, c));
                hi = std::max(hi, channel(i, c));
            }
            if (hi - lo > box.range) {
                box.range = hi - lo;
                box.channel = c;
            }
        }
    };
    std::vector<Box> boxes{Box{used}};
    measure(boxes.front());
    while (boxes.size() < 256) {
        const auto widest =
            std::max_element(boxes.begin(), boxes.end(),
                             [](const Box& x, const Box& y) { return x.range < y.range; });
        if (widest->range == 0) break;  // every box holds one colour
        Box& box = *widest;
        const int c = box.channel;
        std::stable_sort(box.bins.begin(), box.bins.end(),
                         [&](int x, int y) { return channel(x, c) < channel(y, c); });
        quint64 total = 0;
        for (const int i : box.bins)
            total += bins[static_cast<std::size_t>(i)].count;
        quint64 half = 0;
        std::size_t cut = 1;
        for (; cut < box.bins.size() - 1; ++cut) {
            half += bins[static_cast<std::size_t>(box.bins[cut - 1])].count;
            if (2 * half >= total) break;
        }
        Box upper{
            std::vector<int>(box.bins.begin() + static_cast<std::ptrdiff_t>(cut), box.bins.end())};
        box.bins.resize(cut);
        measure(box);
        measure(upper);
        boxes.push_back(std::move(upper));  // after the last use of `box`
    }
    Indexed out;
    for (const Box& box : boxes) {
        quint64 n = 0, r = 0, g = 0, b = 0;
        for (const int i : box.bins) {
            const Bin& bin = bins[static_cast<std::size_t>(i)];
            n += bin.count;
            r += bin.r;
            g += bin.g;
            b += bin.b;
        }
        if (n == 0) continue;
        auto m = [&](quint64 sum) { return static_cast<int>((sum + n / 2) / n); };
        out.palette.push_back(qRgb(m(r), m(g), m(b)));
    }
    std::vector<quint8> lookup(kBins, 0);
    for (const int i : used) {
        const QRgb c = colour[static_cast<std::size_t>(i)];
        int best = 0;
        int bestDistance = INT32_MAX;
        for (std::size_t k = 0; k < out.palette.size(); ++k) {
            const int dr = qRed(c) - qRed(out.palette[k]);
            const int dg = qGreen(c) - qGreen(out.palette[k]);
            const int db = qBlue(c) - qBlue(out.palette[k]);
            const int d = dr * dr + dg * dg + db * db;
            if (d < bestDistance) {
                bestDistance = d;
                best = static_cast<int>(k);
            }
        }
        lookup[static_cast<std::size_t>(i)] = static_cast<quint8>(best);
    }
    out.pixels.resize(static_cast<std::size_t>(rgb.width()) *
                      static_cast<std::size_t>(rgb.height()));
    std::size_t at = 0;
    for (int y = 0; y < rgb.height(); ++y) {
        const auto* line = reinterpret_cast<const QRgb*>(rgb.constScanLine(y));
        for (int x = 0; x < rgb.width(); ++x)
            out.pixels[at++] = lookup[static_cast<std::size_t>(binOf(line[x]))];
    }
    return out;
}

// GIF's variable-length LZW: codes of minCodeSize + 1 bits growing to 12, a clear code when the
// table is full, bits packed from the least significant end, in sub-blocks of at most 255 bytes.
QByteArray lzw(const std::vector<quint8>& pixels, int minCodeSize) {
    const int clear = 1 << minCodeSize;
    const int end = clear + 1;
    int codeSize = minCodeSize + 1;
    int last = end;  // the highest code in the table
    std::unordered_map<quint32, int> table;
    table.reserve(8192);

    QByteArray packed;
    quint32 bits = 0;
    int nBits = 0;
    auto put = [&](int code) {
        bits |= static_cast<quint32>(code) << nBits;
        nBits += codeSize;
        while (nBits >= 8) {
            packed.append(static_cast<char>(bits & 0xffu));
            bits >>= 8;
            nBits -= 8;
        }
    };
    put(clear);
    if (!pixels.empty()) {
        int prefix = pixels[0];
        for (std::size_t i = 1; i < pixels.size(); ++i) {
            const int c = pixels[i];
            const quint32 key = (static_cast<quint32>(prefix) << 8) | static_cast<quint32>(c);
            const auto found = table.find(key);
            if (found != table.end()) {
                prefix = found->second;
                continue;
            }
            put(prefix);
            table.emplace(key, ++last);
            // The decoder adds this code one step later, and widens when its next code would
            // not fit: widening now keeps both in step.
            if (last >= (1 << codeSize)) ++codeSize;
            if (last == 4095) {
                put(clear);
                table.clear();
                codeSize = minCodeSize + 1;
                last = end;
            }
            prefix = c;
        }
        put(prefix);
    }
    put(end);
    if (nBits > 0) packed.append(static_cast<char>(bits & 0xffu));

    QByteArray out;
    out.append(static_cast<char>(minCodeSize));
    for (qsizetype at = 0; at < packed.size(); at += 255) {
        const qsizetype n = std::min<qsizetype>(255, packed.size() - at);
        out.append(static_cast<char>(n));
        out.append(packed.mid(at, n));
    }
    out.append('\0');
    return out;
}

QByteArray gifFrame(const QImage& frame, int delayMs) {
    const Indexed indexed = quantise(flatten(frame));
    int tableBits = 1;
    while ((1 << tableBits) < static_cast<int>(indexed.palette.size()))
        ++tableBits;
    QByteArray out;
    // Graphic control extension: dispose "do not dispose", no transparency, delay in 1/100 s.
    out.append("\x21\xf9\x04\x04", 4);
    putLe16(out, std::clamp((delayMs + 5) / 10, 1, 65535));
    out.append("\x00\x00", 2);
    // Image descriptor with a local colour table of 2^tableBits entries.
    out.append('\x2c');
    putLe16(out, 0);
    putLe16(out, 0);
    putLe16(out, frame.width());
    putLe16(out, frame.height());
    out.append(static_cast<char>(0x80 | (tableBits - 1)));
    for (int k = 0; k < (1 << tableBits); ++k) {
        const QRgb c = k < static_cast<int>(indexed.palette.size())
                           ? indexed.palette[static_cast<std::size_t>(k)]
                           : qRgb(0, 0, 0);
        out.append(static_cast<char>(qRed(c)));
        out.append(static_cast<char>(qGreen(c)));
        out.append(static_cast<char>(qBlue(c)));
    }
    out += lzw(indexed.pixels, std::max(2, tableBits));
    return out;
}

QString frameSizeText(QSize s) {
    return QStringLiteral("%1 × %2").arg(s.width()).arg(s.height());
}

}  // namespace

std::vector<int> animationFrameIndices(int count, int maxFrames) {
    std::vector<int> picked;
    if (count <= 0) return picked;
    maxFrames = std::max(2, maxFrames);
    // Every k-th from 0 and the last: at most ceil((count - 1) / k) + 1 <= maxFrames frames.
    const int k = count <= maxFrames ? 1 : (count - 1 + maxFrames - 2) / (maxFrames - 1);
    for (int i = 0; i < count; i += k)
        picked.push_back(i);
    if (picked.back() != count - 1) {
        if (static_cast<int>(picked.size()) >= maxFrames) picked.pop_back();
        picked.push_back(count - 1);
    }
    return picked;
}

QString sequenceFrameName(int index) {
    return QStringLiteral("frame-%1.png").arg(index, 4, 10, QLatin1Char('0'));
}

AnimationWriter::AnimationWriter() = default;

AnimationWriter::~AnimationWriter() {
    if (m_open) cancel();
}

bool AnimationWriter::fail(const QString& message, QString* error) {
    cancel();
    if (error) *error = message;
    return false;
}

bool AnimationWriter::open(const QString& path, AnimationFormat format, int frameCount, int delayMs,
                           int lastDelayMs, QString* error) {
    cancel();
    m_format = format;
    m_path = path;
    m_count = frameCount;
    m_delayMs = delayMs;
    m_lastDelayMs = lastDelayMs;
    m_written = 0;
    m_size = {};
    m_sequence = 0;
    m_ihdr.clear();
    m_sequenceFiles.clear();
    m_madeFolder = false;
    if (frameCount < 1) {
        if (error) *error = QObject::tr("%1: an animation needs at least one frame").arg(path);
        return false;
    }
    if (format == AnimationFormat::PngSequence) {
        const QFileInfo info(path);
        if (info.exists() && !info.isDir()) {
            if (error) *error = QObject::tr("%1: is a file, not a folder").arg(path);
            return false;
        }
        if (!info.exists()) {
            if (!QDir().mkpath(path)) {
                if (error) *error = QObject::tr("%1: cannot make the folder").arg(path);
                return false;
            }
            m_madeFolder = true;
        }
        m_open = true;
        return true;
    }
    m_file = std::make_unique<QSaveFile>(path);
    if (!m_file->open(QIODevice::WriteOnly)) {
        const QString reason = m_file->errorString();
        m_file.reset();
        if (error) *error = QObject::tr("%1: cannot write the animation (%2)").arg(path, reason);
        return false;
    }
    m_open = true;
    return true;
}

bool AnimationWriter::write(const QByteArray& bytes, QString* error) {
    if (m_file->write(bytes) == bytes.size()) return true;
    return fail(
        QObject::tr("%1: cannot write the animation (%2)").arg(m_path, m_file->errorString()),
        error);
}

bool AnimationWriter::addFrame(const QImage& frame, QString* error) {
    if (!m_open) {
        if (error) *error = QObject::tr("%1: the animation is not open").arg(m_path);
        return false;
    }
    if (m_written >= m_count) {
        return fail(QObject::tr("%1: more frames than the %2 announced").arg(m_path).arg(m_count),
                    error);
    }
    if (frame.isNull())
        return fail(QObject::tr("%1: frame %2 is empty").arg(m_path).arg(m_written), error);
    if (m_written == 0) {
        m_size = frame.size();
    } else if (frame.size() != m_size) {
        return fail(QObject::tr("%1: frame %2 is %3 px, the first is %4 px")
                        .arg(m_path)
                        .arg(m_written)
                        .arg(frameSizeText(frame.size()), frameSizeText(m_size)),
                    error);
    }
    bool ok = false;
    switch (m_format) {
        case AnimationFormat::Apng:
            ok = addApng(frame, error);
            break;
        case AnimationFormat::Gif:
            ok = addGif(frame, error);
            break;
        case AnimationFormat::PngSequence:
            ok = addSequence(frame, error);
            break;
    }
    if (ok) ++m_written;
    return ok;
}

bool AnimationWriter::addApng(const QImage& frame, QString* error) {
    if (m_written == 0)
        m_pngFormat = png::opaque(frame) ? QImage::Format_RGB32 : QImage::Format_ARGB32;
    QByteArray encoded;
    {
        QBuffer buffer(&encoded);
        buffer.open(QIODevice::WriteOnly);
        if (!frame.convertToFormat(m_pngFormat).save(&buffer, "PNG")) {
            return fail(QObject::tr("%1: frame %2 could not be encoded").arg(m_path).arg(m_written),
                        error);
        }
    }
    const std::vector<png::Chunk> chunks = png::chunks(encoded);
    QByteArray ihdr;
    QByteArray data;    // all IDAT payloads: one zlib stream
    QByteArray before;  // frame 0's chunks between IHDR and the image data (pHYs, ...)
    for (const png::Chunk& c : chunks) {
        if (c.type == "IHDR") {
            ihdr = c.data;
        } else if (c.type == "IDAT") {
            data += c.data;
        } else if (data.isEmpty() && c.type != "IEND") {
            png::appendChunk(before, c.type.constData(), c.data);
        }
    }
    if (ihdr.isEmpty() || data.isEmpty()) {
        return fail(QObject::tr("%1: frame %2 could not be encoded").arg(m_path).arg(m_written),
                    error);
    }
    const int delay = m_written == m_count - 1 ? m_lastDelayMs : m_delayMs;
    QByteArray out;
    if (m_written == 0) {
        m_ihdr = ihdr;
        out.append(png::kSignature, png::kSignatureSize);
        png::appendChunk(out, "IHDR", ihdr);
        QByteArray actl;
        png::appendU32(actl, static_cast<quint32>(m_count));
        png::appendU32(actl, 0);  // num_plays: loop forever
        png::appendChunk(out, "acTL", actl);
        out += before;
        out += frameControl(m_sequence++, m_size, delay);
        png::appendChunk(out, "IDAT", data);
    } else {
        if (ihdr != m_ihdr) {
            return fail(QObject::tr("%1: frame %2 was encoded differently from the first")
                            .arg(m_path)
                            .arg(m_written),
                        error);
        }
        out += frameControl(m_sequence++, m_size, delay);
        QByteArray fdat;
        png::appendU32(fdat, m_sequence++);
        fdat += data;
        png::appendChunk(out, "fdAT", fdat);
    }
    return write(out, error);
}

bool AnimationWriter::addGif(const QImage& frame, QString* error) {
    QByteArray out;
    if (m_written == 0) {
        out.append("GIF89a", 6);
        putLe16(out, m_size.width());
        putLe16(out, m_size.height());
        out.append("\x00\x00\x00", 3);  // no global colour table, background 0, no aspect
        // NETSCAPE2.0 application extension: loop forever.
        out.append("\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00", 19);
    }
    out += gifFrame(frame, m_written == m_count - 1 ? m_lastDelayMs : m_delayMs);
    return write(out, error);
}

bool AnimationWriter::addSequence(const QImage& frame, QString* error) {
    const QString file = QDir(m_path).filePath(sequenceFrameName(m_written));
    QSaveFile save(file);
    if (!save.open(QIODevice::WriteOnly) || !frame.save(&save, "PNG") || !save.commit()) {
        return fail(QObject::tr("%1: cannot write the PNG (%2)").arg(file, save.errorString()),
                    error);
    }
    m_sequenceFiles.push_back(file);
    return true;
}

bool AnimationWriter::finish(QString* error) {
    if (!m_open) {
        if (error) *error = QObject::tr("%1: the animation is not open").arg(m_path);
        return false;
    }
    if (m_written != m_count) {
        return fail(
            QObject::tr("%1: %2 of %3 frames were written").arg(m_path).arg(m_written).arg(m_count),
            error);
    }
    if (m_format == AnimationFormat::PngSequence) {
        m_open = false;
        m_sequenceFiles.clear();
        return true;
    }
    QByteArray tail(1, '\x3b');  // GIF's trailer
    if (m_format == AnimationFormat::Apng) {
        tail.clear();
        png::appendChunk(tail, "IEND", nullptr, 0);
    }
    if (!write(tail, error)) return false;
    if (!m_file->commit()) {
        return fail(
            QObject::tr("%1: cannot write the animation (%2)").arg(m_path, m_file->errorString()),
            error);
    }
    m_file.reset();
    m_open = false;
    return true;
}

void AnimationWriter::cancel() {
    if (m_file) {
        m_file->cancelWriting();
        m_file.reset();  // QSaveFile removes its temporary file
    }
    for (const QString& file : m_sequenceFiles)
        QFile::remove(file);
    m_sequenceFiles.clear();
    if (m_madeFolder) QDir().rmdir(m_path);  // only when empty
    m_madeFolder = false;
    m_open = false;
}

}  // namespace nnlens::figures
