// The colour tables: piecewise-linear through published stops, sampled into kSize entries.
#include "colormap.hpp"

#include <algorithm>
#include <cmath>

namespace nnlens::figures {

Colormap makeColormap(const double (*stops)[4], int count) {
    Colormap cm;
    for (int i = 0; i < Colormap::kSize; ++i) {
        const double t = static_cast<double>(i) / (Colormap::kSize - 1);
        int k = 0;
        while (k + 2 < count && t > stops[k + 1][0])
            ++k;
        const double* a = stops[k];
        const double* b = stops[k + 1];
        const double u = std::clamp((t - a[0]) / (b[0] - a[0]), 0.0, 1.0);
        auto channel = [&](int c) {
            return static_cast<int>(std::lround(255.0 * (a[c] + u * (b[c] - a[c]))));
        };
        cm.m_table[i] = qRgb(channel(1), channel(2), channel(3));
    }
    return cm;
}

const Colormap& Colormap::diverging() {
    // matplotlib coolwarm's stops at 0, 1/4, 3/4 and 1, with white in the middle so that 0 is
    // white, as the node maps need.
    static const double stops[][4] = {
        {0.00, 0.2298, 0.2987, 0.7537}, {0.25, 0.5543, 0.6901, 0.9955},
        {0.50, 1.0000, 1.0000, 1.0000}, {0.75, 0.9567, 0.5975, 0.4773},
        {1.00, 0.7057, 0.0156, 0.1502},
    };
    static const Colormap cm = makeColormap(stops, 5);
    return cm;
}

const Colormap& Colormap::viridis() {
    // viridis at eleven evenly spaced points (matplotlib's _viridis_data).
    static const double stops[][4] = {
        {0.0, 0.267004, 0.004874, 0.329415}, {0.1, 0.282623, 0.140926, 0.457517},
        {0.2, 0.253935, 0.265254, 0.529983}, {0.3, 0.206756, 0.371758, 0.553117},
        {0.4, 0.163625, 0.471133, 0.558148}, {0.5, 0.127568, 0.566949, 0.550556},
        {0.6, 0.134692, 0.658636, 0.517649}, {0.7, 0.266941, 0.748751, 0.440573},
        {0.8, 0.477504, 0.821444, 0.318195}, {0.9, 0.741388, 0.873449, 0.149561},
        {1.0, 0.993248, 0.906157, 0.143936},
    };
    static const Colormap cm = makeColormap(stops, 11);
    return cm;
}

QRgb Colormap::at(double t) const {
    if (std::isnan(t)) return qRgb(128, 128, 128);
    const double c = std::clamp(t, 0.0, 1.0);
    return m_table[static_cast<int>(c * (kSize - 1) + 0.5)];
}

}  // namespace nnlens::figures
