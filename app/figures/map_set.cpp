// MapSet from GridMaps: colour the out maps with the shared symmetric limit, copy the small parts.
#include "map_set.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <tuple>

#include "core/features.hpp"
#include "core/parallel.hpp"
#include "heatmap.hpp"

namespace nnlens::figures {

float chooseColourLimit(float dataLimit, std::optional<float> fixed) {
    if (fixed && std::isfinite(*fixed) && *fixed > 0.0f) return *fixed;
    if (std::isfinite(dataLimit) && dataLimit > 0.0f) return dataLimit;
    return 1.0f;
}

namespace {

// Colours layers [first, layers) of `maps` into `set`, the maps spread over the engine's threads
// (25 maps of 250 x 250 take about 4 ms on one core).
void fillLayers(MapSet& set, const GridMaps& maps, int first) {
    const int n = maps.config.n;
    std::vector<std::pair<int, int>> jobs;
    for (int l = first; l < maps.layers(); ++l) {
        const auto layer = static_cast<std::size_t>(l);
        const int nodes = static_cast<int>(maps.out[layer].cols());
        set.images[layer].resize(static_cast<std::size_t>(nodes));
        set.hist[layer] = maps.hist[layer];
        for (int j = 0; j < nodes; ++j)
            jobs.emplace_back(l, j);
    }
    const float vlim = set.vlim;
    parallelFor(static_cast<std::int64_t>(jobs.size()), 1,
                [&](std::int64_t begin, std::int64_t end) {
                    for (std::int64_t k = begin; k < end; ++k) {
                        const auto [l, j] = jobs[static_cast<std::size_t>(k)];
                        const auto col = maps.out[static_cast<std::size_t>(l)].col(j);
                        set.images[static_cast<std::size_t>(l)][static_cast<std::size_t>(j)] =
                            heatmapImage(col.data(), n, -vlim, vlim, Colormap::diverging());
                    }
                });
}

bool sameShape(const MapSet& set, const GridMaps& maps) {
    if (set.layers() != maps.layers() || set.config.n != maps.config.n ||
        set.config.range != maps.config.range || set.config.bins != maps.config.bins) {
        return false;
    }
    for (int l = 0; l < maps.layers(); ++l) {
        if (static_cast<int>(set.images[static_cast<std::size_t>(l)].size()) !=
            maps.out[static_cast<std::size_t>(l)].cols()) {
            return false;
        }
    }
    return true;
}

}  // namespace

MapSet makeMapSet(const GridMaps& maps, std::optional<float> fixedLimit) {
    MapSet set;
    set.config = maps.config;
    set.dataLimit = maps.colourLimit;
    set.vlim = chooseColourLimit(maps.colourLimit, fixedLimit);
    const auto layers = static_cast<std::size_t>(maps.layers());
    set.images.resize(layers);
    set.hist.resize(layers);
    fillLayers(set, maps, 0);
    set.arrows = maps.arrows;
    if (!maps.out.empty()) set.outputs = maps.out.back();
    return set;
}

QImage featureImage(Feature feature, const GridConfig& cfg) {
    // The maps of every feature for the last few grids (a window shows one grid at a time; the
    // export dialog may ask for another).
    static std::mutex mutex;
    static std::map<std::tuple<int, double, int>, QImage> cache;
    const auto key = std::tuple{cfg.n, cfg.range, static_cast<int>(feature)};
    const std::lock_guard lock(mutex);
    if (const auto it = cache.find(key); it != cache.end()) return it->second;
    if (cache.size() >= 4 * kFeatureKinds) cache.clear();
    const Matrix values =
        featureMatrix(std::vector<Feature>{feature}, gridPoints(cfg.n, cfg.range));
    float limit = values.cwiseAbs().maxCoeff();
    if (!(limit > 0.0f)) limit = 1.0f;
    QImage image = heatmapImage(values.data(), cfg.n, -limit, limit, Colormap::diverging());
    cache.emplace(key, image);
    return image;
}

void updateMapSet(MapSet& set, const GridMaps& maps, int fromLayer,
                  std::optional<float> fixedLimit) {
    if (!sameShape(set, maps)) {
        set = makeMapSet(maps, fixedLimit);
        return;
    }
    const float vlim = chooseColourLimit(maps.colourLimit, fixedLimit);
    const int first = vlim == set.vlim ? std::max(0, fromLayer) : 0;
    set.dataLimit = maps.colourLimit;
    set.vlim = vlim;
    fillLayers(set, maps, first);
    set.arrows = maps.arrows;
    if (!maps.out.empty()) set.outputs = maps.out.back();
}

float discretizeThreshold(Activation a) {
    // The middle of the output's range: 0.5 for a probability, 0 for a symmetric output.
    return a == Activation::Sigmoid || a == Activation::Softmax ? 0.5f : 0.0f;
}

QImage discretizedImage(const MapSet& set, int node, Activation a) {
    if (node < 0 || node >= set.outputs.cols()) return {};
    const float threshold = discretizeThreshold(a);
    const auto col = set.outputs.col(node);
    // Two colours, three quarters of the way to each end of the maps' scale; a NaN output stays
    // NaN (the maps' NaN colour), not a class.
    std::vector<float> sides(static_cast<std::size_t>(col.size()));
    for (Eigen::Index k = 0; k < col.size(); ++k) {
        const float v = col(k);
        sides[static_cast<std::size_t>(k)] = std::isnan(v) ? v : v > threshold ? 0.75f : -0.75f;
    }
    return heatmapImage(sides.data(), set.config.n, -1.0f, 1.0f, Colormap::diverging());
}

}  // namespace nnlens::figures
