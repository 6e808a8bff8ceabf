// The stats figure: the notebook's "Statistical Perspective" page for a traced network (the
// window's Statistics tab and nnlens-cli render --figure stats). A grid of small plots in the
// notebook's order: the input's histogram; per Linear module the histograms of W and b with the
// initialisation bound +-n_in^-1/2 and of its output; per activation module the scatter of its
// input against its output and the histogram of its output; last the scatter of one Linear
// module's W against dW (the notebook's learning-rate insight).
#pragma once

#include <QImage>
#include <QPainter>
#include <QRectF>
#include <QSize>
#include <QString>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "core/trace.hpp"
#include "figures.hpp"

namespace nnlens::figures {

enum class StatsPlotKind {
    Input,       // histogram of module 0's input (the data)
    Weight,      // histogram of a Linear module's W, with +-n_in^-1/2
    Bias,        // histogram of a Linear module's b, with +-n_in^-1/2
    Output,      // histogram of a module's output
    Curve,       // scatter of an activation module's input (x) against its output (y)
    WeightGrad,  // scatter of a Linear module's W (x) against dW (y)
};

struct StatsPlot {
    StatsPlotKind kind = StatsPlotKind::Input;
    int module = 0;  // the module (as print(net) numbers them); 0 for Input
    bool operator==(const StatsPlot&) const = default;
};

// Whether module `m` of `net` is a Linear module.
bool isLinearModule(const Network& net, int m);
// The Linear module whose W against dW is drawn by default: the notebook's net[2] (the second
// Linear module), the first when there is one only; -1 without layers.
int defaultStatsModule(const Network& net);
// opt.statsModule when it names a Linear module of `net`, else defaultStatsModule(net).
int statsModule(const Network& net, const FigureOptions& opt);

// The plots in the notebook's order (empty without layers); the last is W against dW of
// `weightGradModule` (none when it is not a Linear module).
std::vector<StatsPlot> statsPlots(const Network& net, int weightGradModule);
// The title as the notebook names the tensor: "Input", "(0) Linear(100, 200) W",
// "(1) Tanh() in \u2192 out", "(2) Linear(200, 100) W vs dW".
QString statsPlotTitle(const Network& net, const StatsPlot& plot);
// The title without the module's name ("(0) W"), drawn where the whole one does not fit.
QString statsPlotShortTitle(const StatsPlot& plot);

// What one plot shows. Histograms: `hist` (summarize() of every value of the tensor in `bins`
// bins) and, for W and b, the bound n_in^-1/2. Scatters: the x and y values (`count` pairs,
// pointing into the trace) and the summaries of x and y (their finite min and max set the axes).
struct StatsPlotData {
    std::optional<TensorSummary> hist;
    std::optional<double> bound;
    const float* x = nullptr;
    const float* y = nullptr;
    std::int64_t count = 0;
    std::optional<TensorSummary> xSummary, ySummary;
};
// The trace's summaries when they have `bins` bins (a scatter's: whatever their bins), else
// summarize() of the tensor. Throws InputError unless 1 <= bins <= kMaxBins. A WeightGrad plot of
// a trace without a loss has no y (count 0).
StatsPlotData statsPlotData(const ModuleTrace& trace, const StatsPlot& plot, int bins);

// The trace the figure draws: opt.trace when it traced `net`'s shape, else null. Painting and
// hit-testing only read it (#19: they ran a whole trace per paint); a live view gets its trace
// from the flow service and says "tracing" until it arrives.
std::shared_ptr<const ModuleTrace> statsTrace(const Network& net, const FigureOptions& opt);
// For renderers that start from a network alone (renderFigure, renderStatsPlot, the CLI):
// `opt` with a fitting trace, traceFlow() of the figure's defaults when it had none (opt.data
// when it fits, else defaultFlowSamples(net) normal rows, seed 0).
FigureOptions withStatsTrace(const Network& net, FigureOptions opt);

// The page's geometry: one cell per plot shown (title and axes), shared by painting and mouse
// hits. All of statsPlots() unless the style's text floor leaves room for fewer: then those from
// opt.statsFirst (clamped), with "◀" and "▶" marks in the title row.
// first: statsPlots()' index of plots[0]; total: statsPlots()' size; pageHit gives the
// opt.statsFirst a mark asks for.
struct StatsLayout : FigurePages {
    std::vector<StatsPlot> plots;  // the plots shown: statsPlots()[first, first + shown)
    std::vector<QRectF> cells;     // per plot shown: the whole cell (title, axes and tick labels)
    std::vector<QRectF> axes;      // per plot shown: the axes box
    int columns = 0;
    int rows = 0;
    // The plot (statsPlots()' index) whose cell contains `p`, or -1.
    int hit(QPointF p) const;
};
StatsLayout layoutStats(const Network& net, const QRectF& rect, const FigureOptions& opt);

// The bars a histogram plot draws in its axes box `axes` (left to right, one per bin; empty for
// a scatter), so tests and the window can see the bins without decoding pixels.
std::vector<QRectF> statsBars(const StatsPlotData& data, const QRectF& axes);

// The whole page; a plot alone (plot: an index into layoutStats().plots), filling `rect`.
void paintStats(QPainter& p, const QRectF& rect, const Network& net, const FigureOptions& opt);
void paintStatsPlot(QPainter& p, const QRectF& rect, const Network& net, const FigureOptions& opt,
                    int plot);
// One plot as an image of `size` (as renderFigure: dots per metre from the style's dpi).
QImage renderStatsPlot(const Network& net, const FigureOptions& opt, int plot, QSize size);
// A plot alone: matplotlib's default figure, 6.4 x 4.8 in.
QSize defaultStatsPlotSize(const FigureStyle& style);
// The page: about 3.2 x 2.6 in per plot, in as many columns as make it wide.
QSize defaultStatsSize(const Network& net, const FigureStyle& style);

}  // namespace nnlens::figures
