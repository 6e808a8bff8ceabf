// MapSet: a network's grid maps as the figures draw them (colour-mapped images, histograms,
// arrows), cheap to copy between threads (QImage is implicitly shared).
#pragma once

#include <QImage>

#include <optional>
#include <vector>

#include "core/grid.hpp"

namespace nnlens::figures {

struct MapSet {
    GridConfig config;
    float dataLimit = 0.0f;  // largest |out| over the whole network (GridMaps::colourLimit)
    float vlim = 1.0f;       // the colour limit used: dataLimit, or the fixed one
    std::vector<std::vector<QImage>> images;   // per layer, per node: out
    std::vector<std::vector<Histogram>> hist;  // per layer, per node: s
    std::vector<std::optional<Arrow>> arrows;  // first layer, per node
    Matrix outputs;  // (n*n, K) the last layer's out, for Discretize Output (FigureOptions)

    int layers() const { return static_cast<int>(images.size()); }
    bool empty() const { return images.empty(); }
};

// The colour limit: `fixed` when given and > 0, else the data's largest |out| (1 when that is 0 or
// not finite, so an all-zero network still draws white maps).
float chooseColourLimit(float dataLimit, std::optional<float> fixed);

// Every layer of `maps` into a MapSet.
MapSet makeMapSet(const GridMaps& maps, std::optional<float> fixedLimit);
// After GridEvaluator::update(net, fromLayer, ...): refreshes layers >= fromLayer of `set`, and
// every layer when the colour limit changed. Falls back to makeMapSet when the shapes differ.
void updateMapSet(MapSet& set, const GridMaps& maps, int fromLayer,
                  std::optional<float> fixedLimit);

// Discretize Output (Playground's checkbox): an output node's map as the class decision, two
// colours split at the output activation's threshold (0.5 for sigmoid and softmax, else 0).
float discretizeThreshold(Activation a);
QImage discretizedImage(const MapSet& set, int node, Activation a);

// One input feature's map over the plane of `cfg` (grid and range), in the maps' diverging colours
// over +-its largest |value|: the feature column's picture. Made once per grid and kept.
QImage featureImage(Feature feature, const GridConfig& cfg);

}  // namespace nnlens::figures
