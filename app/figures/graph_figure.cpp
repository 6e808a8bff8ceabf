// The seed's nn_graph_draw2d: one column per layer, one square map per node, the colour bar; and
// one node's map alone.
#include <QFontMetricsF>

#include <algorithm>
#include <cmath>

#include "figures.hpp"
#include "paint_util.hpp"
#include "points.hpp"

namespace nnlens::figures {

namespace {

// plt.subplots_adjust(wspace=0.015, hspace=0.010): the gaps as a fraction of a map's side.
constexpr double kGapFraction = 0.015;
// The seed's label: fontsize 16 on a 3 inch (216 pt) map.
constexpr double kLabelFraction = 16.0 / 216.0;

bool mapsMatch(const Network& net, const MapSet& maps) {
    if (maps.empty() || maps.layers() != static_cast<int>(net.layers.size())) return false;
    for (std::size_t l = 0; l < net.layers.size(); ++l) {
        if (static_cast<int>(maps.images[l].size()) != net.layers[l].outputs()) return false;
    }
    return true;
}

// The label size for maps of `side` pixels: the seed's proportion, within 6..16 pt, and narrow
// enough for "LYR8-NODE16" to fit the map.
double labelPixels(double side, const FigureStyle& style) {
    double px = std::clamp(side * kLabelFraction * style.scale, style.px(6.0), style.px(16.0));
    const double width = QFontMetricsF(detail::pixelFont(style, px))
                             .horizontalAdvance(QStringLiteral("LYR88-NODE88"));
    if (width > 0.92 * side) px *= 0.92 * side / width;
    return std::max(5.0, px);
}

}  // namespace

NodeRef GraphLayout::hit(QPointF p) const {
    for (std::size_t l = 0; l < maps.size(); ++l) {
        for (std::size_t j = 0; j < maps[l].size(); ++j) {
            if (maps[l][j].contains(p)) return {static_cast<int>(l), static_cast<int>(j)};
        }
    }
    return {};
}

namespace {

// The colour bar's style: at most a quarter of the figure's width, so large text (presentation
// mode) does not leave the maps a corner of the figure. (A one-column figure's default size gives
// the bar about 22 %; a cap of 9 % shrank its labels to 6 px, #13.)
constexpr double kMaxBarShare = 0.25;
FigureStyle colourBarStyle(const FigureStyle& style, double width) {
    FigureStyle s = style;
    const double bar = detail::colourBarWidth(style, -1.0, 1.0);
    if (bar > kMaxBarShare * width && bar > 0.0) {
        s.scale *= std::max(0.4, kMaxBarShare * width / bar);
    }
    return s;
}

}  // namespace

GraphLayout layoutGraph(const Network& net, const QRectF& rect, const FigureOptions& opt) {
    GraphLayout layout;
    const int depth = static_cast<int>(net.layers.size());
    int rows = 0;
    for (const Layer& l : net.layers)
        rows = std::max(rows, l.outputs());
    if (depth == 0 || rows == 0) return layout;

    const FigureStyle& style = opt.style;
    const double margin = std::round(style.px(2.0));
    const QRectF area = rect.adjusted(margin, margin, -margin, -margin);
    const double barGap = std::round(style.px(8.0));
    const FigureStyle barStyle = colourBarStyle(style, area.width());
    const double bar = opt.colourBar ? std::ceil(detail::colourBarWidth(barStyle, -1.0, 1.0)) : 0.0;
    const double reserved = opt.colourBar ? bar + barGap : 0.0;

    // Whole pixels everywhere, so every map is drawn block for block and the gaps stay even.
    double side = std::min((area.width() - reserved) / (depth + (depth - 1) * kGapFraction),
                           area.height() / (rows + (rows - 1) * kGapFraction));
    const double gap = std::max(2.0, std::round(side * kGapFraction));
    side = std::floor(std::min((area.width() - reserved - (depth - 1) * gap) / depth,
                               (area.height() - (rows - 1) * gap) / rows));
    side = std::max(1.0, side);
    const double blockW = depth * side + (depth - 1) * gap;
    const double blockH = rows * side + (rows - 1) * gap;
    const double x0 = std::round(area.left() + (area.width() - blockW - reserved) / 2.0);
    const double y0 = std::round(area.top() + (area.height() - blockH) / 2.0);

    layout.maps.resize(static_cast<std::size_t>(depth));
    for (int l = 0; l < depth; ++l) {
        const int nodes = net.layers[static_cast<std::size_t>(l)].outputs();
        auto& column = layout.maps[static_cast<std::size_t>(l)];
        for (int j = 0; j < nodes; ++j)
            column.emplace_back(x0 + l * (side + gap), y0 + j * (side + gap), side, side);
    }
    if (opt.colourBar) {
        // As tall as the maps, but not taller than a readable scale needs.
        const double h = std::min(blockH, std::max(2.0 * side + gap, barStyle.px(300.0)));
        layout.colourBar =
            QRectF(x0 + blockW + barGap, std::round(y0 + (blockH - h) / 2.0), bar, h);
    }
    return layout;
}

void paintColourBar(QPainter& p, const QRectF& rect, float vlim, const FigureStyle& style) {
    detail::drawColourBar(p, rect, -vlim, vlim, Colormap::diverging(), style);
}

void paintGraph(QPainter& p, const QRectF& rect, const Network& net, const MapSet& maps,
                const FigureOptions& opt) {
    detail::fillBackground(p, rect, opt.style);
    if (!mapsMatch(net, maps)) {
        detail::drawNote(p, rect, QStringLiteral("No maps (they need a network with 2 inputs)"),
                         opt.style);
        return;
    }
    const GraphLayout layout = layoutGraph(net, rect, opt);
    if (layout.maps.empty() || layout.maps.front().empty()) return;
    const double side = layout.maps.front().front().width();
    detail::MapCell cell;
    cell.histograms = opt.histograms;
    cell.arrow = opt.arrows;
    cell.labelPixels = labelPixels(side, opt.style);
    const detail::DataOverlay overlay = detail::makeDataOverlay(net, opt);
    for (std::size_t l = 0; l < layout.maps.size(); ++l) {
        for (std::size_t j = 0; j < layout.maps[l].size(); ++j) {
            cell.layer = static_cast<int>(l);
            cell.node = static_cast<int>(j);
            if (overlay.empty() || !detail::overlayOnLayer(net, cell.layer, opt)) {
                detail::drawMapCell(p, layout.maps[l][j], net, maps, cell, opt.style);
                continue;
            }
            // The points under the label, so the label stays readable.
            detail::MapCell bare = cell;
            bare.label = false;
            detail::drawMapCell(p, layout.maps[l][j], net, maps, bare, opt.style);
            detail::drawDataOverlay(p, layout.maps[l][j], maps.config.range, net, cell.layer,
                                    cell.node, overlay, opt, opt.style);
            detail::drawMapLabel(p, layout.maps[l][j], cell, opt.style);
        }
    }
    const NodeRef sel = opt.selected;
    if (opt.showSelection && sel.valid() &&
        static_cast<std::size_t>(sel.layer) < layout.maps.size() &&
        static_cast<std::size_t>(sel.node) <
            layout.maps[static_cast<std::size_t>(sel.layer)].size()) {
        detail::drawSelection(
            p, layout.maps[static_cast<std::size_t>(sel.layer)][static_cast<std::size_t>(sel.node)],
            opt.style);
    }
    if (opt.colourBar && !layout.colourBar.isEmpty()) {
        const double margin = std::round(opt.style.px(2.0));
        paintColourBar(p, layout.colourBar, maps.vlim,
                       colourBarStyle(opt.style, rect.width() - 2.0 * margin));
    }
}

void paintNodeMap(QPainter& p, const QRectF& rect, const Network& net, const MapSet& maps,
                  NodeRef node, const FigureOptions& opt) {
    detail::fillBackground(p, rect, opt.style);
    if (!mapsMatch(net, maps) || node.layer < 0 || node.layer >= maps.layers() || node.node < 0 ||
        node.node >= static_cast<int>(maps.images[static_cast<std::size_t>(node.layer)].size())) {
        detail::drawNote(p, rect, QStringLiteral("No map"), opt.style);
        return;
    }
    const double margin = std::round(opt.style.px(2.0));
    const double side =
        std::floor(std::max(1.0, std::min(rect.width(), rect.height()) - 2 * margin));
    const QRectF square(std::round(rect.center().x() - side / 2.0),
                        std::round(rect.center().y() - side / 2.0), side, side);
    detail::MapCell cell;
    cell.layer = node.layer;
    cell.node = node.node;
    cell.histograms = opt.histograms;
    cell.arrow = opt.arrows;
    cell.labelPixels = labelPixels(side, opt.style);
    if (!detail::overlayOnLayer(net, node.layer, opt)) {
        detail::drawMapCell(p, square, net, maps, cell, opt.style);
        return;
    }
    detail::MapCell bare = cell;
    bare.label = false;
    detail::drawMapCell(p, square, net, maps, bare, opt.style);
    detail::drawDataOverlay(p, square, maps.config.range, net, node.layer, node.node,
                            detail::makeDataOverlay(net, opt), opt, opt.style);
    detail::drawMapLabel(p, square, cell, opt.style);
}

}  // namespace nnlens::figures
