// Private: the data points drawn over node maps (training filled, validation hollow, coloured by
// class or target, misclassified crossed) and the decision line of a sigmoid or tanh output.
#pragma once

#include <QColor>
#include <QPainter>
#include <QRectF>

#include <vector>

#include "figures.hpp"

namespace nnlens::figures::detail {

// What every map of one painting shares: the network's outputs on the points and which rows are
// misclassified, computed once.
// At most this many points are drawn on a map: beyond it (100 000 rows on a 250 px map) points
// cover each other, and drawing them all took most of a frame. An even stride through the rows
// keeps the training and validation rows in proportion.
inline constexpr int kMaxDrawnPoints = 4000;

struct DataOverlay {
    const Dataset* data = nullptr;  // null: nothing to draw
    int trainRows = 0;
    std::vector<int> shown;   // the rows drawn: all, or every k-th of more than kMaxDrawnPoints
    Matrix outputs;           // (N, K) the network's outputs on data->x (empty unless `all`)
    std::vector<bool> wrong;  // (N) misclassified, for the shown rows at least
    bool classification = false;
    // Labels beyond 0/1 (tab10 colours per class), found once: pointColour runs per point, and a
    // scan of the labels per point made 100 000 points take seconds a frame.
    bool multiClass = false;
    float targetLo = 0.0f;  // regression: the colour scale of the targets
    float targetHi = 1.0f;

    bool empty() const { return data == nullptr; }
};

// The overlay for `net`; empty without opt.data or when the data do not have the network's 2
// inputs. The network's outputs and the misclassified marks are computed for the shown rows
// only, unless `all` (the data figure's accuracy needs every row) or opt.outputs has them.
DataOverlay makeDataOverlay(const Network& net, const FigureOptions& opt, bool all = false);
// Whether layer `layer`'s maps carry the points.
bool overlayOnLayer(const Network& net, int layer, const FigureOptions& opt);
// The points (and, for classification data on an output node of a sigmoid or tanh layer, the
// decision line) over the map in `rect`, which covers [-range, range]^2.
void drawDataOverlay(QPainter& p, const QRectF& rect, double range, const Network& net, int layer,
                     int node, const DataOverlay& overlay, const FigureOptions& opt,
                     const FigureStyle& style);

// The colour of a point of class 1 (high target) and class 0 (low target).
QColor highClassColour();
QColor lowClassColour();
// The colour of row i of the overlay's data (class, or target on a viridis scale).
QColor pointColour(const DataOverlay& overlay, int row);

// The level of the decision line on a sigmoid or tanh output: the accuracy rule's threshold for
// the data's targets (0.5 against {0, 1}, 0 against {-1, +1}); without classification data 0.5
// for sigmoid and 0 for tanh. nullopt for other activations.
std::optional<float> decisionLevel(Activation a, const Dataset* data);
// Segments of the contour out(layer, node) = level over [-range, range]^2 in pixel coordinates
// of `rect`, by marching squares on an n x n grid of the network's forward pass.
std::vector<QLineF> decisionSegments(const Network& net, int layer, int node, float level,
                                     double range, const QRectF& rect, int n);

}  // namespace nnlens::figures::detail
