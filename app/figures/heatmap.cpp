// heatmapImage: one table lookup per value, rows flipped so the image reads origin='lower'.
#include "heatmap.hpp"

#include <cmath>

namespace nnlens::figures {

QImage heatmapImage(const float* values, int n, float lo, float hi, const Colormap& cmap) {
    QImage img(n, n, QImage::Format_ARGB32_Premultiplied);
    const auto& table = cmap.table();
    const float scale = hi > lo ? static_cast<float>(Colormap::kSize - 1) / (hi - lo) : 0.0f;
    const float mid = hi > lo ? 0.0f : 0.5f * (Colormap::kSize - 1);
    const QRgb nanColour = cmap.at(NAN);
    for (int row = 0; row < n; ++row) {
        auto* line = reinterpret_cast<QRgb*>(img.scanLine(n - 1 - row));
        const float* v = values + static_cast<std::ptrdiff_t>(row) * n;
        for (int col = 0; col < n; ++col) {
            const float x = v[col];
            if (std::isnan(x)) {
                line[col] = nanColour;
                continue;
            }
            float t = scale > 0.0f ? (x - lo) * scale : mid;
            t = t < 0.0f ? 0.0f : (t > Colormap::kSize - 1 ? Colormap::kSize - 1 : t);
            line[col] = table[static_cast<int>(t + 0.5f)];
        }
    }
    return img;
}

}  // namespace nnlens::figures
