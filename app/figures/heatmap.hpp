// Heat maps: a grid of values into an image. Knows nothing about networks.
#pragma once

#include <QImage>

#include "colormap.hpp"

namespace nnlens::figures {

// An n x n image of `values` (flat, n*n, the seed's ordering: index row * n + col, row 0 at the
// bottom), colours from `cmap` over [lo, hi]. The image's top line is the grid's last row, so
// drawing it upright gives imshow(origin='lower'). Format ARGB32_Premultiplied.
QImage heatmapImage(const float* values, int n, float lo, float hi, const Colormap& cmap);

}  // namespace nnlens::figures
