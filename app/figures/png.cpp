// encodePng: the PNG file format (ISO/IEC 15948) written directly: signature, IHDR, pHYs (the
// figure's dpi), one IDAT holding the zlib stream of the filtered rows, IEND.
//
// Why not QImage::save: Qt's writer runs libpng's adaptive filter search on every row (five
// filters tried per row) and un-premultiplies ARGB rows one by one; for the 2-8-8-8-1 network
// figure at 1200 x 2400 that took 280 ms of CPU at its default level and still 48 ms with no
// compression at all (#13). A figure is large flat areas of one colour: filter None with zlib's
// fastest level compresses it in about 35 ms, to a file the size of Qt's at level 6.
#include "png.hpp"

#include <QBuffer>
#include <QImageWriter>

#include <array>
#include <cstdint>
#include <cstring>

namespace nnlens::figures {

namespace {

// zlib's level: 1, the fastest. The figures' flat colours leave little for slower levels to find
// (level 6 made the file a third smaller at twice the time).
constexpr int kZlibLevel = 1;

constexpr std::array<std::uint32_t, 256> makeCrcTable() {
    std::array<std::uint32_t, 256> table{};
    for (std::uint32_t n = 0; n < 256; ++n) {
        std::uint32_t c = n;
        for (int k = 0; k < 8; ++k)
            c = (c & 1u) ? 0xedb88320u ^ (c >> 1) : c >> 1;
        table[n] = c;
    }
    return table;
}
constexpr std::array<std::uint32_t, 256> kCrcTable = makeCrcTable();

// The CRC-32 of PNG chunks (over the type and the data).
std::uint32_t crc32(const char* data, qsizetype n, std::uint32_t crc) {
    for (qsizetype i = 0; i < n; ++i)
        crc = kCrcTable[(crc ^ static_cast<std::uint8_t>(data[i])) & 0xffu] ^ (crc >> 8);
    return crc;
}

}  // namespace

namespace png {

void appendU32(QByteArray& out, std::uint32_t v) {
    const char bytes[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16),
                           static_cast<char>(v >> 8), static_cast<char>(v)};
    out.append(bytes, 4);
}

void appendChunk(QByteArray& out, const char type[4], const char* data, qsizetype size) {
    appendU32(out, static_cast<std::uint32_t>(size));
    const qsizetype start = out.size();
    out.append(type, 4);
    if (size > 0) out.append(data, size);
    const std::uint32_t crc = crc32(out.constData() + start, size + 4, 0xffffffffu);
    appendU32(out, crc ^ 0xffffffffu);
}

std::vector<Chunk> chunks(const QByteArray& file) {
    const auto u32 = [&](qsizetype at) {
        return (std::uint32_t(std::uint8_t(file[at])) << 24) |
               (std::uint32_t(std::uint8_t(file[at + 1])) << 16) |
               (std::uint32_t(std::uint8_t(file[at + 2])) << 8) |
               std::uint32_t(std::uint8_t(file[at + 3]));
    };
    std::vector<Chunk> out;
    qsizetype at = kSignatureSize;
    while (at + 12 <= file.size()) {
        const auto length = static_cast<qsizetype>(u32(at));
        if (length > file.size() - at - 12) break;
        out.push_back({file.mid(at + 4, 4), file.mid(at + 8, length)});
        at += 12 + length;
    }
    return out;
}

bool opaque(const QImage& img) {
    if (!img.hasAlphaChannel()) return true;
    const QImage argb =
        img.format() == QImage::Format_ARGB32 || img.format() == QImage::Format_ARGB32_Premultiplied
            ? img
            : img.convertToFormat(QImage::Format_ARGB32);
    for (int y = 0; y < argb.height(); ++y) {
        const auto* row = reinterpret_cast<const QRgb*>(argb.constScanLine(y));
        for (int x = 0; x < argb.width(); ++x) {
            if (qAlpha(row[x]) != 255) return false;
        }
    }
    return true;
}

}  // namespace png

namespace {

// Qt's writer, row by row: for images whose rows would not fit the memory comfortably at once.
QByteArray encodeWithQt(const QImage& img) {
    QByteArray bytes;
    QBuffer buffer(&bytes);
    if (!buffer.open(QIODevice::WriteOnly)) return {};
    QImageWriter writer(&buffer, "png");
    writer.setQuality(80);  // zlib level 1
    if (!writer.write(img)) return {};
    return bytes;
}

// Above this many bytes of rows (an RGB figure of about 9000 x 9000 px), Qt's writer, which
// holds one row at a time.
constexpr qsizetype kMaxRawBytes = qsizetype(256) << 20;

}  // namespace

QByteArray encodePng(const QImage& image) {
    if (image.isNull()) return {};
    const bool alpha = !png::opaque(image);
    const int w = image.width();
    const int h = image.height();
    const int channels = alpha ? 4 : 3;
    const qsizetype stride = 1 + static_cast<qsizetype>(channels) * w;  // filter byte + pixels
    if (stride * h > kMaxRawBytes) return encodeWithQt(image);
    // Straight (not premultiplied) alpha, as PNG stores it. An opaque 32-bit image reads as
    // 0xffRRGGBB whatever its format says.
    const bool words = image.format() == QImage::Format_RGB32 ||
                       image.format() == QImage::Format_ARGB32 ||
                       image.format() == QImage::Format_ARGB32_Premultiplied;
    const QImage img = alpha   ? image.convertToFormat(QImage::Format_ARGB32)
                       : words ? image
                               : image.convertToFormat(QImage::Format_RGB32);
    if (img.isNull()) return {};

    // The rows with filter type 0 (None): RGB or RGBA bytes.
    QByteArray raw(stride * h, Qt::Uninitialized);
    auto* out = reinterpret_cast<std::uint8_t*>(raw.data());
    for (int y = 0; y < h; ++y) {
        const auto* row = reinterpret_cast<const QRgb*>(img.constScanLine(y));
        *out++ = 0;
        if (alpha) {
            for (int x = 0; x < w; ++x) {
                *out++ = static_cast<std::uint8_t>(qRed(row[x]));
                *out++ = static_cast<std::uint8_t>(qGreen(row[x]));
                *out++ = static_cast<std::uint8_t>(qBlue(row[x]));
                *out++ = static_cast<std::uint8_t>(qAlpha(row[x]));
            }
        } else {
            for (int x = 0; x < w; ++x) {
                *out++ = static_cast<std::uint8_t>(qRed(row[x]));
                *out++ = static_cast<std::uint8_t>(qGreen(row[x]));
                *out++ = static_cast<std::uint8_t>(qBlue(row[x]));
            }
        }
    }
    // qCompress gives a zlib stream (what IDAT holds) after its own 4-byte length.
    const QByteArray zlib = qCompress(raw, kZlibLevel);
    if (zlib.size() <= 4) return {};

    QByteArray file;
    file.reserve(zlib.size() + 128);
    file.append(png::kSignature, png::kSignatureSize);
    QByteArray ihdr;
    png::appendU32(ihdr, static_cast<std::uint32_t>(w));
    png::appendU32(ihdr, static_cast<std::uint32_t>(h));
    const char header[5] = {8, static_cast<char>(alpha ? 6 : 2), 0, 0, 0};  // 8 bit, RGB(A)
    ihdr.append(header, 5);
    png::appendChunk(file, "IHDR", ihdr.constData(), ihdr.size());
    if (img.dotsPerMeterX() > 0 && img.dotsPerMeterY() > 0) {
        QByteArray phys;
        png::appendU32(phys, static_cast<std::uint32_t>(img.dotsPerMeterX()));
        png::appendU32(phys, static_cast<std::uint32_t>(img.dotsPerMeterY()));
        phys.append(char(1));  // unit: the metre
        png::appendChunk(file, "pHYs", phys.constData(), phys.size());
    }
    png::appendChunk(file, "IDAT", zlib.constData() + 4, zlib.size() - 4);
    png::appendChunk(file, "IEND", nullptr, 0);
    return file;
}

}  // namespace nnlens::figures
