// PNG encoding of a rendered figure, shared by File > Export, nnlens-cli render and the bench.
#pragma once

#include <QByteArray>
#include <QImage>

#include <cstdint>
#include <vector>

namespace nnlens::figures {

// `img` as PNG bytes, quickly (#13: a 1200 x 2400 figure took half a second at Qt's default
// settings): an opaque image is written as RGB without alpha, at a fast zlib level. The pixels
// are lossless as always; the file is somewhat larger. Empty on failure.
QByteArray encodePng(const QImage& img);

// The PNG format's pieces, shared by encodePng and the APNG writer (animation.cpp).
namespace png {

inline constexpr char kSignature[] = "\x89PNG\r\n\x1a\n";
inline constexpr int kSignatureSize = 8;

// `v` as 4 big-endian bytes (PNG's integers).
void appendU32(QByteArray& out, std::uint32_t v);
// A chunk: the data's length, the 4-letter type, the data, the CRC-32 of type and data.
void appendChunk(QByteArray& out, const char type[4], const char* data, qsizetype size);
inline void appendChunk(QByteArray& out, const char type[4], const QByteArray& data) {
    appendChunk(out, type, data.constData(), data.size());
}

struct Chunk {
    QByteArray type;
    QByteArray data;
};
// The chunks of a PNG file, in order, up to the first one that does not fit the bytes.
std::vector<Chunk> chunks(const QByteArray& file);

// No pixel of `img` is less than fully opaque.
bool opaque(const QImage& img);

}  // namespace png

}  // namespace nnlens::figures
