// The figures of the seed notebook, painted with QPainter: the GUI shows them, exports them and
// nnlens-cli renders them with this one code, so an export looks exactly like the CLI's PNG.
#pragma once

#include <QImage>
#include <QPainter>
#include <QRectF>
#include <QSize>
#include <QString>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/activation.hpp"
#include "core/dataset.hpp"
#include "core/epoch_series.hpp"
#include "core/loss.hpp"
#include "core/network.hpp"
#include "map_set.hpp"
#include "node_ref.hpp"
#include "style.hpp"

namespace nnlens {
struct ModuleTrace;  // core/trace.hpp
}

namespace nnlens::figures {

// The figures `nnlens-cli render --figure` and File > Export know.
enum class FigureKind {
    Graph,        // nn_graph_draw2d: one column per layer, one map per node, colour bar
    Unit,         // nn_unit_draw2d: one node large, with axes, arrow or histogram, formula
    Activations,  // plot_activations: unbounded and bounded panels
    Softmax,      // plot_softmax: p1, p2, p3 over (y1, y2)
    Network,      // the network diagram: nodes and weighted edges (any input dimension)
    NodeMap,      // one node's map as in the graph figure, alone (GUI export of one map)
    Loss,         // train and validation loss per epoch (log y)
    LrScan,       // the seed's lr_scan plot: loss against rate, log-log, min and recommended
    Data,         // the output node's map with the data points, axes and decision line
    Fit,          // regression: targets and predictions against the row order or a column
    Losses,       // the six losses and their gradients against the output, targets 0 and 1
    Flow,         // the data flow: torch.nn.Sequential's modules, IN/OUT and GRAD shapes
    Stats,        // the statistical perspective: histograms and scatters of the traced tensors
    Quiz,         // which activation? one unit under the six activations, names hidden
};
inline constexpr FigureKind kAllFigures[] = {
    FigureKind::Graph,   FigureKind::Unit,    FigureKind::Activations, FigureKind::Softmax,
    FigureKind::Network, FigureKind::NodeMap, FigureKind::Loss,        FigureKind::LrScan,
    FigureKind::Data,    FigureKind::Fit,     FigureKind::Losses,      FigureKind::Flow,
    FigureKind::Stats,   FigureKind::Quiz};

std::string_view figureName(FigureKind kind);  // "graph", "unit", ..., "node", "loss", ...
std::optional<FigureKind> figureFromName(std::string_view name);
// Whether the figure needs grid maps (and so a network with 2 inputs).
bool figureNeedsMaps(FigureKind kind);

// A training run's losses per epoch (the train command's "train_loss" and "val_loss"; a long
// run's later epochs in min/max buckets, EpochSeries) and the changes made while it ran.
struct LossHistory {
    nnlens::EpochSeries train;  // (E)
    nnlens::EpochSeries val;    // (E) or empty without a validation split
    // (E) the weight penalty (L1/L2) after each epoch: a lighter line where any is > 0.
    nnlens::EpochSeries penalty;
    bool hasPenalty() const;
    struct Change {
        double epoch = 0.0;  // where it took effect (epochs done + the running epoch's fraction)
        QString text;        // "learning rate 0.01 → 0.003"
    };
    std::vector<Change> changes;  // a thin vertical line each
};

// A learning-rate scan (the lr-scan command's result).
struct LrScanCurve {
    std::vector<double> lr;   // (S) the rate of each recorded loss
    std::vector<float> loss;  // (S) the loss before each step
    double recommended = 0;   // half the rate at the lowest loss
};

// The seed's six activations (plot_activations' two panels), in table order.
inline std::vector<Activation> seedActivations() {
    std::vector<Activation> six;
    for (const ActivationInfo& info : kActivations) {
        if (info.fromSeed) six.push_back(info.id);
    }
    return six;
}

// How the graph figure places its maps (#13: a 2-8-8-8-1 network's maps were 70 px on a
// 1280 x 800 screen, one row per node).
enum class MapLayout {
    Notebook,  // nn_graph_draw2d: one column per layer, one map per node (exports' default)
    Fill,      // each layer a grid of maps, all maps as large as the area allows
    Focus,     // the selected node's layer a large grid, the other layers small columns
};
std::string_view mapLayoutName(MapLayout layout);  // "notebook", "fill", "focus"
std::optional<MapLayout> mapLayoutFromName(std::string_view name);

struct FigureOptions {
    FigureStyle style;
    NodeRef selected;  // outlined in graph/network, drawn by unit/node (default: 0,0)
    // The selected node's frame (graph) and ring (network): a mark of the window, not of the
    // figure. Off by default, so exports and render --figure give a figure for a slide;
    // the window's views turn it on (FigureView), export and render on request
    // (the export dialog's checkbox, render --show-selection).
    bool showSelection = false;
    bool colourBar = true;   // graph: the colour bar on the right
    bool histograms = true;  // graph/unit: histograms on layers after the first (n_bins > 0)
    // graph/unit/node/quiz: the weight arrow on first-layer maps (off: the notebook's arrow
    // exercise, until the teacher shows it).
    bool arrows = true;
    // graph: the input column left of the first layer, one map per input feature (Playground's
    // x1, x2, x1^2, x2^2, x1*x2, sin x1, sin x2), the features the network uses in full colour
    // and named, the others faded (networks with 2 inputs).
    bool featureColumn = false;
    // graph/node/unit/quiz/data: the output layer's maps as the class decision, two colours at the
    // output activation's threshold (Playground's "Discretize output"; render --discretize).
    bool discretize = false;
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
    // Softmax panel's colours: false, one fixed scale 0..1 with a colour bar (p's own range);
    // true, the notebook's imshow default: each panel spans its own min..max of p (viridis),
    // without a colour bar (one bar cannot serve three scales), the range in each title.
    bool softmaxPerPanel = false;

    // Data points (graph, unit, node, data, fit): drawn on the output layer's maps (every map
    // with pointsOnAllMaps); rows [0, trainRows) train, the rest validate (-1: all train).
    std::shared_ptr<const Dataset> data;
    int trainRows = -1;
    bool pointsOnAllMaps = false;
    bool markMisclassified = true;
    bool showValidation = true;  // the validation rows' hollow points (Playground's "test data")
    // The network's outputs on data->x, (N, K), when the caller has them; computed on the CPU
    // from the network when null.
    std::shared_ptr<const Matrix> outputs;
    // Loss figure: the history, and the timeline's epoch (1-based) as a vertical line.
    std::shared_ptr<const LossHistory> history;
    std::optional<int> markEpoch;
    // Lr-scan figure.
    std::shared_ptr<const LrScanCurve> scan;
    // Fit figure: the x axis, "" for the row order or an input or extra column ("x1", "t").
    std::string fitColumn;
    // Losses figure: the loss drawn strong (the others light; none: all alike) and chi2's sigma.
    std::optional<Loss> lossHighlight;
    double lossSigma = 1.0;
    int lossesFirst = 0;  // the first panel shown where the text floor shows three at a time
    // Flow figure: the trace whose shapes it draws (null: the shapes from the network with
    // flowSamples rows), and the selected module (outlined; -1 none).
    std::shared_ptr<const ModuleTrace> trace;
    int flowSamples = 100;
    int flowModule = 0;
    // The first of the selected module's tensors shown where the floor shows fewer than all.
    int flowTensorFirst = 0;
    // Stats figure (stats_figure.hpp): the histograms' bins, and the Linear module whose W
    // against dW is drawn (-1: defaultStatsModule, the notebook's net[2]). It draws opt.trace.
    int statsBins = 50;
    int statsModule = -1;
    // The first plot shown where the text floor leaves room for fewer than all (StatsLayout).
    int statsFirst = 0;
    // Quiz figure: the activations in the order shown (empty: notebookQuizOrder()),
    // and whether their names are shown.
    std::vector<Activation> quizOrder;
    bool quizReveal = false;
    // Graph figure: where the maps go (the window's View > Map Layout, render --map-layout).
    MapLayout mapLayout = MapLayout::Notebook;
    // Network diagram: every edge drawn alike, without its weight's sign and size, and no
    // activation under the layers (a lesson's exercise that asks what they do, #20).
    bool hideWeights = false;
    // Graph figure: every map drawn as a grey square with "?" (the quiz step: the network's own
    // map is one of the quiz's answers, walk 7).
    bool hideMaps = false;
};

// The radius in pixels of a data point's marker on a map `mapWidth` pixels wide.
double pointMarkerRadius(double mapWidth, const FigureStyle& style);

// The rows that train: [0, trainRows) of `data` (all of them for -1).
int trainingRowCount(const FigureOptions& opt);

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
    // The input features' column (FigureOptions::featureColumn): one map per Feature kind, in
    // Playground's order; empty when not drawn.
    std::vector<QRectF> features;
    QRectF colourBar;  // empty when not drawn
    // The feature whose map contains `p`.
    std::optional<Feature> featureAt(QPointF p) const;
    // The node whose map contains `p`, or {-1, -1}.
    NodeRef hit(QPointF p) const;
};
GraphLayout layoutGraph(const Network& net, const QRectF& rect, const FigureOptions& opt);

struct DiagramLayout {
    std::vector<std::vector<QPointF>> nodes;  // column 0: inputs; column l + 1: layer l
    std::vector<int> shown;                   // per column: nodes drawn (large layers are cut)
    double radius = 10.0;
    // The input names' sub-columns (1, or 2-3 where the names stand closer than their height,
    // alternating) and the widest name's width.
    int nameColumns = 1;
    double nameWidth = 0.0;
    // Per layer: where its weight matrix W (n_in rows, n_out columns) is drawn as an image
    // instead of edges, when a column at either end is cut (its edges would be too many and too
    // thin to see); an empty rectangle where the edges are drawn.
    std::vector<QRectF> matrices;
    // What is under `p`: a node (column >= 1 means layer column - 1) or an edge (a matrix cell
    // is the edge from input row i to node column j).
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

// Training figures (training_figures.cpp). The loss plot's axes: x linear in the epoch from 1 to
// history->train.size(), y log10 of the loss; so the window can map the mouse to an epoch.
QRectF lossPlotArea(const QRectF& rect, const FigureOptions& opt);
// The epoch (1-based) under x, clamped to the history; nullopt without a history.
std::optional<int> lossEpochAt(const QRectF& rect, const FigureOptions& opt, double x);
void paintLoss(QPainter& p, const QRectF& rect, const FigureOptions& opt);
void paintLrScan(QPainter& p, const QRectF& rect, const FigureOptions& opt);
// The fit plot's axes (empty without regression data), as paintFit draws them.
QRectF fitPlotArea(const QRectF& rect, const Network& net, const FigureOptions& opt);
void paintFit(QPainter& p, const QRectF& rect, const Network& net, const FigureOptions& opt);
// The output node's map with the points, axes, colour bar and decision line (points.cpp).
void paintData(QPainter& p, const QRectF& rect, const Network& net, const MapSet& maps,
               const FigureOptions& opt);

// Losses figure (losses_figure.cpp): each loss of one sample against its output x, from the
// engine's evaluateLoss on a one-row batch (so mean and sum agree). Elementwise losses: output x,
// target y = `target`. ce: the logits (x, 0, 0) of kLossCurveClasses classes, label 0 (the varied
// class is right) for target 1, label 1 for target 0; the gradient is d L / d x.
inline constexpr int kLossCurveClasses = 3;
// chi2's sigma in the losses figure: the window's spin box and render --sigma take this range.
inline constexpr double kMinLossSigma = 0.05;
inline constexpr double kMaxLossSigma = 100.0;
struct LossCurve {
    std::vector<double> value;     // (S) L(x_s)
    std::vector<double> gradient;  // (S) dL/dx at x_s
};
LossCurve lossCurve(Loss loss, double target, const std::vector<double>& xs, double sigma);
// The axes of a loss's panel: x the output (bce: the probability in (0, 1); bce_logits, ce: the
// logit), y clipped where the curves blow up.
struct LossAxes {
    double x0, x1, y0, y1;
};
LossAxes lossAxes(Loss loss);
// The formula as the notebook writes it, in Unicode ("L₂ = ½ |x − y|²"); a second line after
// '\n' says what p is (bce, bce_logits, ce).
QString lossFormula(Loss loss);
void paintLosses(QPainter& p, const QRectF& rect, const FigureOptions& opt);
// The window onto a figure's panels where the text floor leaves no room for all of them (the
// statistics, the losses): `shown` of `total` from `first`, with "◀" / "▶" marks in `previous` and
// `next` (empty while all are shown). A mark is drawn and hit only where it leads somewhere.
struct FigurePages {
    int first = 0;
    int shown = 0;
    int total = 0;
    // A page's panels: `shown` but on the last page, which shows the rest (no panel twice).
    int perPage = 0;
    QRectF previous, next;
    bool previousShown() const { return !previous.isEmpty() && first > 0; }
    bool nextShown() const { return !next.isEmpty() && first + shown < total; }
    // The first panel that a click at `p` on a mark asks for (the page before or after), or -1
    // off the marks.
    int pageHit(QPointF p) const;
    // "1–6 of 15", or "7 of 7" for a last page of one.
    QString text() const;
};

// The losses figure's panels: the notebook's 3 x 2; with a text floor (the window) the grid that
// gives the axes most room, or, where none gives them three lines of text, three at a time from
// opt.lossesFirst with "◀" / "▶" marks.
// first: the index of losses[0] among the six; pageHit gives the opt.lossesFirst a mark asks for.
struct LossesLayout : FigurePages {
    std::vector<QRectF> panels;  // per loss shown
    std::vector<Loss> losses;
};
LossesLayout layoutLosses(const QRectF& rect, const FigureOptions& opt);

// The flow figure (flow_figure.cpp): one box per torch.nn.Sequential module, left to right.
struct FlowLayout {
    // Per module shown: the boxes of modules first, first + 1, ... (all of them unless the
    // style's text floor leaves room for fewer; the selected module is always among them).
    std::vector<QRectF> boxes;
    int first = 0;
    // "◀" and "▶" beside the boxes when modules are left out on that side; empty otherwise.
    QRectF previous;
    QRectF next;
    // The module whose box contains `p` (the one before or after the shown ones for the
    // arrows), or -1.
    int hit(QPointF p) const;
    // The selected module's tensor panels, where the floor shows fewer than all at a time:
    // pageHit gives the opt.flowTensorFirst a "◀" / "▶" under them asks for.
    FigurePages tensors;
};
FlowLayout layoutFlow(const Network& net, const QRectF& rect, const FigureOptions& opt);
void paintFlow(QPainter& p, const QRectF& rect, const Network& net, const FigureOptions& opt);
// The width (pixels) at which the flow figure, `height` high, draws its module names and shapes
// at `fontPx` (its labels at 0.85 of that).
double flowWidthFor(const Network& net, const FigureStyle& style, double fontPx, double height);
// What the flow figure traces (the window's Data flow tab and nnlens-cli render --figure flow):
// `data` when it has the network's inputs and rows, else the seed's torch.randn(samples, D) drawn
// with `seed`; `loss` when that data has targets, else the seed's torch.mean(Xout ** 2) (mse,
// mean, against zeros); times lossScale.
struct FlowSource {
    std::shared_ptr<const Dataset> data;
    int samples = 100;
    std::uint64_t seed = 0;
    LossConfig loss;
    float lossScale = 1.0f;
};
// The seed's N: 500 for its statistical perspective's 100 inputs and more, else 100.
int defaultFlowSamples(const Network& net);
// Whether `data` is what the flow traces (not null, rows, the network's inputs).
bool flowUsesData(const Network& net, const Dataset* data);
// Throws InputError (checkData's message) when the data's targets do not fit the network.
std::shared_ptr<const ModuleTrace> traceFlow(const Network& net, const FlowSource& source);

// The quiz figure (quiz_figure.cpp): the notebook's exercise "identify which activation function
// was used to make each plot", one unit with the same w and b in each map.
struct QuizUnit {
    std::array<float, 2> w{2.0f, 1.0f};  // the notebook's w = [2, 1] and b = 1 ...
    float b = 1.0f;
    bool fromNetwork = false;  // ... or the selected first-layer node's
};
// The selected node's w and b when it is a first-layer node of a 2-input network, else the
// notebook's.
QuizUnit quizUnit(const Network& net, NodeRef node);
// The seed's exercise's order: (a) linear, (b) tanh, (c) relu, (d) softsign, (e) sigmoid, (f) elu.
std::vector<Activation> notebookQuizOrder();
// Those six in an order drawn from `seed` (the same on every platform).
std::vector<Activation> quizOrder(std::uint64_t seed);
// "(a)" .. "(f)": the map's label.
QString quizLetter(int index);
// Where paintQuiz draws each map, in the order shown (empty when `rect` is too small).
std::vector<QRectF> layoutQuiz(const QRectF& rect, const Network& net, const FigureOptions& opt);
void paintQuiz(QPainter& p, const QRectF& rect, const Network& net, const FigureOptions& opt);

// The module as the seed's print(net) names it, shortened: "Linear\n(8, 4)" (two lines), "ReLU()".
QString moduleTitle(const Network& net, int module);

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
// An image of `size` for a figure: ARGB32_Premultiplied, dots per metre from style.dpi, filled
// with the style's background. Throws when it cannot be allocated.
QImage figureImage(QSize size, const FigureStyle& style);
// What renderFigure paints, into `rect` of any painter (a test's text recorder, a printer).
void paintFigure(QPainter& p, const QRectF& rect, FigureKind kind, const Network& net,
                 const MapSet* maps, const FigureOptions& opt);

// Throws InputError when `kind` cannot be drawn for `net`: a maps figure (graph, unit, node) of a
// network without 2 inputs ("the graph figure needs a network with 2 inputs; this one has 8 (try
// --figure network)") or without layers. renderFigure() calls it first.
void checkFigure(FigureKind kind, const Network& net);
// As checkFigure, and the options the figure needs: "the loss figure needs --history", "the fit
// figure needs --data", a data set whose inputs do not match the network, an unknown fitColumn.
void checkFigure(FigureKind kind, const Network& net, const FigureOptions& opt);

// Maps of `net` with the network's view settings, by `evaluator` (the CPU's when null).
MapSet computeMapSet(const Network& net, std::optional<float> fixedLimit = std::nullopt,
                     GridEvaluator* evaluator = nullptr);

}  // namespace nnlens::figures
