// The figures of the seed notebook, painted with QPainter: the GUI shows them, exports them and
// nnlens-cli renders them with this one code, so an export looks exactly like the CLI's PNG.
#pragma once

#include <QImage>
#include <QPainter>
#include <QRectF>
#include <QSize>
#include <QString>

#include <optional>
#include <string_view>
#include <vector>

#include "core/activation.hpp"
#include "core/network.hpp"
#include "map_set.hpp"
#include "node_ref.hpp"
#include "style.hpp"

namespace nnlens::figures {

// The figures `nnlens-cli render --figure` and File > Export know.
enum class FigureKind {
    Graph,        // nn_graph_draw2d: one column per layer, one map per node, colour bar
    Unit,         // nn_unit_draw2d: one node large, with axes, arrow or histogram, formula
    Activations,  // plot_activations: unbounded and bounded panels
    Softmax,      // plot_softmax: p1, p2, p3 over (y1, y2)
    Network,      // the network diagram: nodes and weighted edges (any input dimension)
    NodeMap,      // one node's map as in the graph figure, alone (GUI export of one map)
};
inline constexpr FigureKind kAllFigures[] = {FigureKind::Graph,       FigureKind::Unit,
                                             FigureKind::Activations, FigureKind::Softmax,
                                             FigureKind::Network,     FigureKind::NodeMap};

std::string_view figureName(FigureKind kind);  // "graph", "unit", ..., "node"
std::optional<FigureKind> figureFromName(std::string_view name);
// Whether the figure needs grid maps (and so a network with 2 inputs).
bool figureNeedsMaps(FigureKind kind);

// The seed's six activations (plot_activations' two panels), in table order.
inline std::vector<Activation> seedActivations() {
    std::vector<Activation> six;
    for (const ActivationInfo& info : kActivations) {
        if (info.fromSeed) six.push_back(info.id);
    }
    return six;
}

struct FigureOptions {
    FigureStyle style;
    NodeRef selected;        // outlined in graph/network, drawn by unit/node (default: 0,0)
    bool colourBar = true;   // graph: the colour bar on the right
    bool histograms = true;  // graph/unit: histograms on layers after the first (n_bins > 0)
    // A quick picture while a slider is dragged: the diagram's edges without antialiasing (wide
    // translucent antialiased lines cost more than all the maps together). Never in exports.
    bool draft = false;
    // Activations panel: the curves to draw (default: the seed's six) and the one to emphasise.
    std::vector<Activation> activations = seedActivations();
    std::optional<Activation> highlight;
    double activationRange = 5.0;  // s from -range to range (seed: s_range = 5, y_range = 2)
    // Softmax panel: y1, y2 over [lo, hi], y3 = (lo + hi) / 2 (seed: plot_softmax(0, 15)).
    double softmaxLo = 0.0;
    double softmaxHi = 15.0;
    int softmaxN = 100;
};

// Whether an activation is unbounded above (the seed's left panel) or saturates (right panel).
bool activationIsBounded(Activation a);

// The largest figure File > Export and nnlens-cli render write: pixels per side, dots per inch.
inline constexpr int kMaxFigurePixels = 16384;
inline constexpr int kMaxFigureDpi = 1200;

// The default pixel size of a figure at style.dpi (the seed's figsize times dpi; graph: 3 in per
// map, as nn_graph_draw2d).
QSize defaultFigureSize(FigureKind kind, const Network& net, const FigureStyle& style);

// ---- geometry shared by painting and mouse hit tests ----------------------------------------

struct GraphLayout {
    std::vector<std::vector<QRectF>> maps;  // per layer, per node
    QRectF colourBar;                       // empty when not drawn
    // The node whose map contains `p`, or {-1, -1}.
    NodeRef hit(QPointF p) const;
};
GraphLayout layoutGraph(const Network& net, const QRectF& rect, const FigureOptions& opt);

struct DiagramLayout {
    std::vector<std::vector<QPointF>> nodes;  // column 0: inputs; column l + 1: layer l
    std::vector<int> shown;                   // per column: nodes drawn (large layers are cut)
    double radius = 10.0;
    // What is under `p`: a node (column >= 1 means layer column - 1) or an edge.
    struct Hit {
        enum Kind { None, Node, Edge } kind = None;
        NodeRef node;    // Node: the node; Edge: the receiving node
        int input = -1;  // Edge: the sending node's index (input or previous layer node)
    };
    Hit hit(const Network& net, QPointF p) const;
};
DiagramLayout layoutDiagram(const Network& net, const QRectF& rect, const FigureOptions& opt);

// ---- painting -----------------------------------------------------------------------------
// Each fills `rect` (background first) and draws within it. Figures that need maps take a MapSet
// made from the same network; an empty MapSet draws a "no maps" note instead.

void paintGraph(QPainter& p, const QRectF& rect, const Network& net, const MapSet& maps,
                const FigureOptions& opt);
void paintNodeMap(QPainter& p, const QRectF& rect, const Network& net, const MapSet& maps,
                  NodeRef node, const FigureOptions& opt);
void paintUnit(QPainter& p, const QRectF& rect, const Network& net, const MapSet& maps,
               NodeRef node, const FigureOptions& opt);
void paintDiagram(QPainter& p, const QRectF& rect, const Network& net, const FigureOptions& opt);
void paintActivations(QPainter& p, const QRectF& rect, const FigureOptions& opt);
void paintSoftmax(QPainter& p, const QRectF& rect, const FigureOptions& opt);
// The colour bar alone (-vlim .. vlim with ticks).
void paintColourBar(QPainter& p, const QRectF& rect, float vlim, const FigureStyle& style);

// The formula of a node with its current numbers, e.g.
// "out = tanh(2.00 x1 + 1.00 x2 + 1.00)" (first layer) or
// "out = tanh(1.00 h1 - 1.00 h2 - 1.00)" (later layers; h are the previous layer's outputs).
QString nodeFormula(const Network& net, NodeRef node);

// ---- one entry point for export and render -------------------------------------------------

// Paints `kind` into a new image of `size` (ARGB32_Premultiplied, dots per metre from style.dpi).
// `maps` may be null for figures that need none; for Graph/Unit/NodeMap a null `maps` computes
// them on the CPU from net.view. Throws InputError when the figure cannot be drawn for `net`
// (e.g. maps of a network without 2 inputs).
QImage renderFigure(FigureKind kind, const Network& net, const MapSet* maps, QSize size,
                    const FigureOptions& opt);

// Throws InputError when `kind` cannot be drawn for `net`: a maps figure (graph, unit, node) of a
// network without 2 inputs ("the graph figure needs a network with 2 inputs; this one has 8 (try
// --figure network)") or without layers. renderFigure() calls it first.
void checkFigure(FigureKind kind, const Network& net);

// Maps of `net` with the network's view settings, by `evaluator` (the CPU's when null).
MapSet computeMapSet(const Network& net, std::optional<float> fixedLimit = std::nullopt,
                     GridEvaluator* evaluator = nullptr);

}  // namespace nnlens::figures
