// The figure catalogue: names, default sizes, the node formula and renderFigure(), the one entry
// point that export and nnlens-cli render share.
#include "figures.hpp"

#include <QFontMetricsF>

#include <algorithm>
#include <cmath>
#include <string>

#include "axes.hpp"
#include "core/error.hpp"
#include "core/grid.hpp"
#include "stats_figure.hpp"
#include "text/number_text.hpp"

namespace nnlens::figures {

std::string_view figureName(FigureKind kind) {
    switch (kind) {
        case FigureKind::Graph:
            return "graph";
        case FigureKind::Unit:
            return "unit";
        case FigureKind::Activations:
            return "activations";
        case FigureKind::Softmax:
            return "softmax";
        case FigureKind::Network:
            return "network";
        case FigureKind::NodeMap:
            return "node";
        case FigureKind::Loss:
            return "loss";
        case FigureKind::LrScan:
            return "lr-scan";
        case FigureKind::Data:
            return "data";
        case FigureKind::Fit:
            return "fit";
        case FigureKind::Losses:
            return "losses";
        case FigureKind::Flow:
            return "flow";
        case FigureKind::Stats:
            return "stats";
        case FigureKind::Quiz:
            return "quiz";
    }
    return "graph";
}

std::optional<FigureKind> figureFromName(std::string_view name) {
    for (const FigureKind k : kAllFigures) {
        if (figureName(k) == name) return k;
    }
    return std::nullopt;
}

bool figureNeedsMaps(FigureKind kind) {
    return kind == FigureKind::Graph || kind == FigureKind::Unit || kind == FigureKind::NodeMap ||
           kind == FigureKind::Data;
}

bool activationIsBounded(Activation a) {
    // The seed's right-hand plot_activations panel; softmax's outputs lie in [0, 1] too.
    return activationInfo(a).group != ActivationGroup::Unbounded;
}

namespace {

int maxNodes(const Network& net) {
    int n = 0;
    for (const Layer& l : net.layers)
        n = std::max(n, l.outputs());
    return n;
}

QSize inches(double w, double h, const FigureStyle& style) {
    return {std::max(1, static_cast<int>(std::lround(w * style.dpi))),
            std::max(1, static_cast<int>(std::lround(h * style.dpi)))};
}

NodeRef clampNode(const Network& net, NodeRef node) {
    if (net.layers.empty()) return {0, 0};
    if (!node.valid()) node = {0, 0};
    node.layer = std::clamp(node.layer, 0, static_cast<int>(net.layers.size()) - 1);
    const int outputs = net.layers[static_cast<std::size_t>(node.layer)].outputs();
    node.node = std::clamp(node.node, 0, std::max(0, outputs - 1));
    return node;
}

}  // namespace

QSize defaultFigureSize(FigureKind kind, const Network& net, const FigureStyle& style) {
    switch (kind) {
        case FigureKind::Graph: {
            // figsize = (3 depth, 3 n_max) inches, scaled down (keeping the maps square) so that
            // neither side passes 24 inches, plus the colour bar.
            const int depth = std::max(1, static_cast<int>(net.layers.size()));
            const int rows = std::max(1, maxNodes(net));
            const double w = 3.0 * depth;
            const double h = 3.0 * rows;
            const double shrink = std::min({1.0, 24.0 / w, 24.0 / h});
            const double bar = detail::colourBarWidth(style, -1.0, 1.0) / style.dpi + 0.15;
            return inches(w * shrink + bar, h * shrink, style);
        }
        case FigureKind::Unit:
            return inches(6.0, 6.0, style);
        case FigureKind::Activations:
            return inches(12.0, 5.0, style);
        case FigureKind::Softmax:
            return inches(10.5, 3.0, style);
        case FigureKind::Network: {
            const int columns = 1 + static_cast<int>(net.layers.size());
            const int tallest = std::min(24, std::max(net.inputs, maxNodes(net)));
            return inches(std::max(4.0, 2.0 * columns), std::clamp(1.3 + 0.45 * tallest, 3.0, 12.0),
                          style);
        }
        case FigureKind::NodeMap:
            return inches(3.0, 3.0, style);
        case FigureKind::Loss:
        case FigureKind::LrScan:
            return inches(6.4, 4.8, style);  // matplotlib's default figure
        case FigureKind::Data:
            return inches(6.0, 6.0, style);
        case FigureKind::Fit:
            return inches(8.0, 6.0, style);  // the seed's plt.figure(figsize=(8,6))
        case FigureKind::Losses:
            return inches(13.0, 8.5, style);  // 3 x 2 panels with their formulas
        case FigureKind::Flow: {
            // About 1.1 in a module and its arrow, so Linear(200, 100) stays legible; wider
            // where the names and shapes need it for labels of 9 pt at 96 dpi (#20), up to 20 in.
            const auto modules = static_cast<double>(2 * net.layers.size() + 1);
            const double floorPx = std::floor(12.0 * style.dpi / 96.0);
            const double fontPx = std::min(style.px(13.0), std::ceil(floorPx / 0.85));
            // In twentieths of an inch, so a figure at twice the dpi is twice the size.
            const double needed =
                std::ceil(flowWidthFor(net, style, fontPx, 7.2 * style.dpi) / style.dpi * 20.0) /
                20.0;
            // The chain and its gradient flow on top, the selected module's tensors below.
            return inches(std::clamp(std::max(1.1 * modules, needed), 6.0, 20.0), 7.2, style);
        }
        case FigureKind::Stats:
            return defaultStatsSize(net, style);
        case FigureKind::Quiz:
            return inches(12.0, 3.6, style);  // six maps side by side, a slide's width
    }
    return inches(6.0, 6.0, style);
}

void checkFigure(FigureKind kind, const Network& net) {
    if (!figureNeedsMaps(kind)) return;
    const std::string name(figureName(kind));
    if (net.inputs != 2) {
        throw InputError("the " + name + " figure needs a network with 2 inputs; this one has " +
                         std::to_string(net.inputs) + " (try --figure network)");
    }
    if (net.layers.empty()) {
        throw InputError("the " + name + " figure needs a network with at least one layer");
    }
}

void checkFigure(FigureKind kind, const Network& net, const FigureOptions& opt) {
    checkFigure(kind, net);
    const std::string name(figureName(kind));
    switch (kind) {
        case FigureKind::Loss:
            if (!opt.history || opt.history->train.empty()) {
                throw InputError(
                    "the loss figure needs --history (a train result with at least "
                    "one epoch)");
            }
            return;
        case FigureKind::LrScan:
            if (!opt.scan || opt.scan->loss.empty()) {
                throw InputError(
                    "the lr-scan figure needs --scan (an lr-scan result with at "
                    "least one loss)");
            }
            if (opt.scan->lr.size() != opt.scan->loss.size()) {
                throw InputError("the lr-scan figure needs as many rates as losses");
            }
            return;
        case FigureKind::Data:
        case FigureKind::Fit:
            break;
        case FigureKind::Flow:
        case FigureKind::Stats:
            // Optional data; when given, it must fit.
            if (!opt.data) return;
            break;
        default:
            return;
    }
    if (!opt.data || opt.data->size() == 0) {
        throw InputError("the " + name +
                         " figure needs --data (or a network whose lesson names "
                         "its data)");
    }
    if (opt.data->inputs() != net.inputs) {
        throw InputError("the " + name + " figure: the data have " +
                         std::to_string(opt.data->inputs()) + " inputs but the network takes " +
                         std::to_string(net.inputs));
    }
    if (kind == FigureKind::Fit) {
        if (net.layers.empty()) {
            throw InputError("the fit figure needs a network with at least one layer");
        }
        if (opt.data->targets() == 0) {
            throw InputError("the fit figure needs targets (columns y1, ...) in the data");
        }
        if (!opt.fitColumn.empty() && opt.data->extraColumn(opt.fitColumn) < 0) {
            bool input = false;
            for (int k = 1; k <= opt.data->inputs(); ++k)
                input = input || opt.fitColumn == "x" + std::to_string(k);
            if (!input) {
                std::string known = "x1";
                if (opt.data->inputs() > 1) known += "..x" + std::to_string(opt.data->inputs());
                for (const auto& e : opt.data->extraNames)
                    known += ", " + e;
                throw InputError("the fit figure: no column \"" + opt.fitColumn +
                                 "\" in the data (known: " + known + ")");
            }
        }
    }
}

MapSet computeMapSet(const Network& net, std::optional<float> fixedLimit,
                     GridEvaluator* evaluator) {
    std::unique_ptr<GridEvaluator> cpu;
    if (!evaluator) {
        cpu = makeCpuGridEvaluator();
        evaluator = cpu.get();
    }
    evaluator->compute(net, net.view);
    return makeMapSet(evaluator->maps(), fixedLimit);
}

QString nodeFormula(const Network& net, NodeRef node) {
    if (net.layers.empty()) return {};
    node = clampNode(net, node);
    const Layer& layer = net.layers[static_cast<std::size_t>(node.layer)];
    const QString in = node.layer == 0 ? QStringLiteral("x") : QStringLiteral("h");
    const int n = layer.inputs();
    // Wide layers: the first terms, then how many more there are. Minus signs are U+2212, as in
    // the figures' numbers.
    constexpr int kMaxTerms = 6;
    const int shown = n <= kMaxTerms ? n : kMaxTerms - 1;
    auto number = [](double v) {
        return QString::fromStdString(text::formatNumber(std::abs(v), 2, text::Digits::Decimals));
    };
    const QString minus(QChar(0x2212));
    QString s;
    for (int i = 0; i < shown; ++i) {
        const double w = layer.W(i, node.node);
        if (i == 0) {
            s += (w < 0.0 ? minus : QString()) + number(w);
        } else {
            s += (w < 0.0 ? QStringLiteral(" %1 ").arg(minus) : QStringLiteral(" + ")) + number(w);
        }
        // The first layer's inputs by name: x1, x2 or the input features (x1^2, sin(x1)).
        s += node.layer == 0
                 ? QStringLiteral(" ") + QString::fromStdString(inputName(net.features, i))
                 : QStringLiteral(" %1%2").arg(in).arg(i + 1);
    }
    if (shown < n) s += QStringLiteral(" + \u2026 (%1 more)").arg(n - shown);
    const double b = layer.b(node.node);
    if (n == 0) {
        s = (b < 0.0 ? minus : QString()) + number(b);
    } else {
        s += (b < 0.0 ? QStringLiteral(" %1 ").arg(minus) : QStringLiteral(" + ")) + number(b);
    }
    const QString act =
        QString::fromUtf8(activationName(layer.activation).data(),
                          static_cast<int>(activationName(layer.activation).size()));
    switch (layer.activation) {
        case Activation::Linear:
            return QStringLiteral("out = ") + s;
        case Activation::Softmax:
            // Not element-wise: node j is the j-th share of the layer's softmax.
            return QStringLiteral("out = softmax(s)%1, s%1 = %2").arg(node.node + 1).arg(s);
        default:
            return QStringLiteral("out = %1(%2)").arg(act, s);
    }
}

QImage figureImage(QSize size, const FigureStyle& style) {
    QImage img(size, QImage::Format_ARGB32_Premultiplied);
    if (img.isNull()) {
        throw std::runtime_error("cannot allocate a " + std::to_string(size.width()) + "x" +
                                 std::to_string(size.height()) + " image");
    }
    const int dotsPerMetre = static_cast<int>(std::lround(style.dpi / 0.0254));
    img.setDotsPerMeterX(dotsPerMetre);
    img.setDotsPerMeterY(dotsPerMetre);
    img.fill(style.background());
    return img;
}

void paintFigure(QPainter& p, const QRectF& rect, FigureKind kind, const Network& net,
                 const MapSet* maps, const FigureOptions& opt) {
    checkFigure(kind, net, opt);
    FigureOptions o = opt;
    o.selected = clampNode(net, opt.selected);

    // A figure rendered from the network alone computes what a live view gets from its
    // services: the maps, the statistics' trace.
    if (kind == FigureKind::Stats) o = withStatsTrace(net, std::move(o));
    MapSet computed;
    if (figureNeedsMaps(kind) && maps == nullptr) {
        computed = computeMapSet(net);
        maps = &computed;
    }
    switch (kind) {
        case FigureKind::Graph:
            paintGraph(p, rect, net, *maps, o);
            break;
        case FigureKind::Unit:
            paintUnit(p, rect, net, *maps, o.selected, o);
            break;
        case FigureKind::Activations:
            paintActivations(p, rect, o);
            break;
        case FigureKind::Softmax:
            paintSoftmax(p, rect, o);
            break;
        case FigureKind::Network:
            paintDiagram(p, rect, net, o);
            break;
        case FigureKind::NodeMap:
            paintNodeMap(p, rect, net, *maps, o.selected, o);
            break;
        case FigureKind::Loss:
            paintLoss(p, rect, o);
            break;
        case FigureKind::LrScan:
            paintLrScan(p, rect, o);
            break;
        case FigureKind::Data:
            paintData(p, rect, net, *maps, o);
            break;
        case FigureKind::Fit:
            paintFit(p, rect, net, o);
            break;
        case FigureKind::Losses:
            paintLosses(p, rect, o);
            break;
        case FigureKind::Flow:
            paintFlow(p, rect, net, o);
            break;
        case FigureKind::Stats:
            paintStats(p, rect, net, o);
            break;
        case FigureKind::Quiz:
            paintQuiz(p, rect, net, o);
            break;
    }
}

QImage renderFigure(FigureKind kind, const Network& net, const MapSet* maps, QSize size,
                    const FigureOptions& opt) {
    checkFigure(kind, net, opt);
    if (size.width() < 1 || size.height() < 1) {
        throw InputError("the figure size " + std::to_string(size.width()) + "x" +
                         std::to_string(size.height()) + " is empty");
    }
    QImage img = figureImage(size, opt.style);
    QPainter p(&img);
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setRenderHint(QPainter::TextAntialiasing, true);
    p.setRenderHint(QPainter::SmoothPixmapTransform, false);
    paintFigure(p, QRectF(0, 0, size.width(), size.height()), kind, net, maps, opt);
    p.end();
    return img;
}

}  // namespace nnlens::figures
