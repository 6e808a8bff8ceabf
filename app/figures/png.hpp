// PNG encoding of a rendered figure, shared by File > Export, nnlens-cli render and the bench.
#pragma once

#include <QByteArray>
#include <QImage>

namespace nnlens::figures {

// `img` as PNG bytes, quickly (#13: a 1200 x 2400 figure took half a second at Qt's default
// settings): an opaque image is written as RGB without alpha, at a fast zlib level. The pixels
// are lossless as always; the file is somewhat larger. Empty on failure.
QByteArray encodePng(const QImage& img);

}  // namespace nnlens::figures
