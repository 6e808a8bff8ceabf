// Private painting helpers for one node's map cell: the image, the s = 0 line and weight arrow of
// a first-layer node, the histogram overlay of deeper nodes, the label and the selection frame.
#pragma once

#include <QPainter>
#include <QRectF>

#include "axes.hpp"
#include "figures.hpp"

namespace nnlens::figures::detail {

// One node's map in `rect` (square): the image (origin='lower', no smoothing), the s = 0 line and
// the weight arrow for a first-layer node, the histogram overlay for deeper nodes when
// `histograms`, and the LYRi-NODEj label when `label`.
struct MapCell {
    int layer = 0;
    int node = 0;
    bool histograms = true;
    bool label = true;
    // The caller draws the label after its overlay (label false here): the arrow still avoids it.
    bool labelAfter = false;
    bool arrow = true;        // the weight arrow of a first-layer node (the s = 0 line stays)
    bool discretize = false;  // an output node's map as the class decision (two colours)
    double labelPixels = 16.0;
};
void drawMapCell(QPainter& p, const QRectF& rect, const Network& net, const MapSet& maps,
                 const MapCell& cell, const FigureStyle& style);
// The LYRi-NODEj label of a map cell (drawMapCell draws it when cell.label; a caller that draws
// over the map draws the label afterwards, so it stays readable).
void drawMapLabel(QPainter& p, const QRectF& rect, const MapCell& cell, const FigureStyle& style);
// The label drawMapLabel draws: its text ("LYR1-NODE3", or "L1-N3" where the screen's text floor
// makes the whole one too wide for the map), font, baseline and box.
struct MapLabel {
    QString text;
    QFont font;
    double baseline = 0.0;
    QRectF box;
};
MapLabel mapLabel(const QRectF& rect, const MapCell& cell, const FigureStyle& style);
// The frame of the selected node's map.
void drawSelection(QPainter& p, const QRectF& rect, const FigureStyle& style);

}  // namespace nnlens::figures::detail
