// The seed's nn_graph_draw2d: one column per layer, one square map per node, the colour bar; and
// one node's map alone.
#include <QFontMetricsF>

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "axes.hpp"
#include "figures.hpp"
#include "map_cell.hpp"
#include "paint_util.hpp"
#include "points.hpp"

namespace nnlens::figures {

namespace {

// plt.subplots_adjust(wspace=0.015, hspace=0.010): the gaps as a fraction of a map's side.
constexpr double kGapFraction = 0.015;
// The seed's label: fontsize 16 on a 3 inch (216 pt) map.
constexpr double kLabelFraction = 16.0 / 216.0;

// The input features' column (FigureOptions::featureColumn) needs the plane as the input.
bool hasFeatureColumn(const Network& net, const FigureOptions& opt) {
    return opt.featureColumn && net.inputs == 2;
}

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

namespace {

double gapFor(double side) {
    return std::max(2.0, std::round(side * kGapFraction));
}

// Layers side by side, each a grid of maps filled column by column (nodes down, then the next
// sub-column): the most rows any layer uses, and per layer its sub-columns and rows.
struct GridFit {
    double side = 0.0;
    double gap = 2.0;
    std::vector<int> cols, rows;
    double width = 0.0;   // all layers with `layerGap` between them
    double height = 0.0;  // the tallest layer
};

GridFit makeFit(const std::vector<int>& nodes, int rowsAtMost, double side, double layerGap) {
    GridFit g;
    int columns = 0;
    int tallest = 0;
    for (const int n : nodes) {
        const int c = std::max(1, (n + rowsAtMost - 1) / rowsAtMost);
        const int r = std::max(1, (n + c - 1) / c);
        g.cols.push_back(c);
        g.rows.push_back(r);
        columns += c;
        tallest = std::max(tallest, r);
    }
    const int k = static_cast<int>(nodes.size());
    g.side = side;
    g.gap = gapFor(side);
    g.width = columns * side + (columns - k) * g.gap + (k - 1) * layerGap;
    g.height = tallest * side + (tallest - 1) * g.gap;
    return g;
}

// The grids whose maps are largest within width x height (and no larger than maxSide); on a tie
// the one with more rows, the notebook's look.
GridFit fitGrids(const std::vector<int>& nodes, double width, double height, double layerGap,
                 double maxSide) {
    GridFit best;
    best.side = -1.0;
    int most = 1;
    for (const int n : nodes)
        most = std::max(most, n);
    const int k = static_cast<int>(nodes.size());
    for (int rowsAtMost = most; rowsAtMost >= 1; --rowsAtMost) {
        const GridFit shape = makeFit(nodes, rowsAtMost, 1.0, layerGap);
        int columns = 0;
        for (const int c : shape.cols)
            columns += c;
        int tallest = 0;
        for (const int r : shape.rows)
            tallest = std::max(tallest, r);
        const double room = width - (k - 1) * layerGap;
        double side = std::min(room / (columns + (columns - k) * kGapFraction),
                               height / (tallest + (tallest - 1) * kGapFraction));
        const double gap = gapFor(side);
        side = std::floor(std::min({(room - (columns - k) * gap) / columns,
                                    (height - (tallest - 1) * gap) / tallest, maxSide}));
        side = std::max(1.0, side);
        if (side > best.side) best = makeFit(nodes, rowsAtMost, side, layerGap);
    }
    return best;
}

// The fill layout's bands: consecutive layers side by side in a band, bands one below the other
// (a wide area: one band, the notebook's left to right; a tall one: several).
struct BandFit {
    std::vector<int> first;  // per band: its first layer
    std::vector<GridFit> grids;
    double side = 0.0;
    double width = 0.0, height = 0.0;
};

// A band's grids at maps of `side`: the fewest rows whose width fits; none when none fits.
std::optional<GridFit> bandAt(const std::vector<int>& part, double side, double width,
                              double layerGap) {
    int most = 1;
    for (const int n : part)
        most = std::max(most, n);
    for (int rows = 1; rows <= most; ++rows) {
        GridFit g = makeFit(part, rows, side, layerGap);
        if (g.width <= width) return g;
    }
    return std::nullopt;
}

BandFit fitBands(const std::vector<int>& nodes, double width, double height, double layerGap) {
    const int depth = static_cast<int>(nodes.size());
    BandFit best;
    // One band unless more give maps at least 10 % larger (the notebook's left to right reads
    // best); networks deeper than 6 layers try one band only (2^5 splits at most).
    constexpr double kBandGain = 1.1;
    const int cutsMax = depth <= 6 ? depth - 1 : 0;
    for (unsigned mask = 0; mask < (1u << cutsMax); ++mask) {
        BandFit fit;
        fit.first.push_back(0);
        for (int l = 1; l < depth; ++l) {
            if (mask & (1u << (l - 1))) fit.first.push_back(l);
        }
        std::vector<std::vector<int>> parts;
        for (std::size_t b = 0; b < fit.first.size(); ++b) {
            const int end = b + 1 < fit.first.size() ? fit.first[b + 1] : depth;
            parts.emplace_back(nodes.begin() + fit.first[b], nodes.begin() + end);
        }
        // The largest whole-pixel side at which every band fits the width and all the height.
        const auto fits = [&](double side, std::vector<GridFit>* out) {
            double total = (static_cast<double>(parts.size()) - 1) * layerGap;
            for (const auto& part : parts) {
                const auto g = bandAt(part, side, width, layerGap);
                if (!g) return false;
                total += g->height;
                if (out) out->push_back(*g);
            }
            return total <= height;
        };
        double lo = 1.0, hi = std::max(1.0, std::floor(std::min(width, height)));
        if (!fits(lo, nullptr)) continue;
        while (hi - lo > 0.5) {
            const double mid = std::floor((lo + hi + 1.0) / 2.0);
            if (fits(mid, nullptr)) {
                lo = mid;
            } else {
                hi = mid - 1.0;
            }
        }
        fits(lo, &fit.grids);
        fit.side = lo;
        fit.height = (static_cast<double>(fit.grids.size()) - 1) * layerGap;
        for (const GridFit& g : fit.grids) {
            fit.width = std::max(fit.width, g.width);
            fit.height += g.height;
        }
        const double need = fit.grids.size() > 1 ? best.side * kBandGain : best.side;
        if (best.grids.empty() || fit.side > need) best = fit;
    }
    return best;
}

// Places layer `l`'s maps as the fit's grid `i`, its top left at x and vertically centred on
// a block from y0 of height blockH; returns the grid's width.
double placeLayer(GraphLayout& layout, int l, int n, const GridFit& fit, std::size_t i, double x,
                  double y0, double blockH) {
    const int rows = fit.rows[i];
    const double h = rows * fit.side + (rows - 1) * fit.gap;
    const double top = std::round(y0 + (blockH - h) / 2.0);
    auto& maps = layout.maps[static_cast<std::size_t>(l)];
    for (int j = 0; j < n; ++j) {
        maps.emplace_back(x + (j / rows) * (fit.side + fit.gap),
                          top + (j % rows) * (fit.side + fit.gap), fit.side, fit.side);
    }
    return fit.cols[i] * fit.side + (fit.cols[i] - 1) * fit.gap;
}

// The layer the focus layout draws large: the selected node's, else the output layer.
int focusLayer(const Network& net, NodeRef sel) {
    const int depth = static_cast<int>(net.layers.size());
    if (sel.valid() && sel.layer < depth &&
        sel.node < net.layers[static_cast<std::size_t>(sel.layer)].outputs()) {
        return sel.layer;
    }
    return depth - 1;
}

// The fill and focus layouts within `area` less the colour bar's `reserved` width.
// `nodes`: the maps of each column (the feature column first when drawn); `focus`: the column
// the focus layout draws large.
void layoutGrids(GraphLayout& layout, const std::vector<int>& nodes, int focus, const QRectF& area,
                 double reserved, const FigureOptions& opt, double& x0, double& y0, double& blockW,
                 double& blockH, double& side) {
    const int depth = static_cast<int>(nodes.size());
    const double layerGap = std::round(opt.style.px(10.0));
    const double width = area.width() - reserved;
    layout.maps.resize(static_cast<std::size_t>(depth));
    if (opt.mapLayout == MapLayout::Fill || depth == 1) {
        const BandFit fit = fitBands(nodes, width, area.height(), layerGap);
        if (fit.grids.empty()) return;
        blockW = fit.width;
        blockH = fit.height;
        side = fit.side;
        x0 = std::round(area.left() + (width - blockW) / 2.0);
        y0 = std::round(area.top() + (area.height() - blockH) / 2.0);
        double y = y0;
        for (std::size_t b = 0; b < fit.grids.size(); ++b) {
            const GridFit& g = fit.grids[b];
            const int first = fit.first[b];
            double x = std::round(x0 + (blockW - g.width) / 2.0);
            for (std::size_t i = 0; i < g.cols.size(); ++i) {
                const int l = first + static_cast<int>(i);
                x += placeLayer(layout, l, nodes[static_cast<std::size_t>(l)], g, i, x, y,
                                g.height) +
                     layerGap;
            }
            y += g.height + layerGap;
        }
        return;
    }
    // Focus: the other layers in about 30 % of the width, their maps at most half the large
    // ones' side; the focused layer's grid in the rest.
    const int f = focus;
    std::vector<int> others;
    for (int l = 0; l < depth; ++l) {
        if (l != f) others.push_back(nodes[static_cast<std::size_t>(l)]);
    }
    const std::vector<int> focused{nodes[static_cast<std::size_t>(f)]};
    constexpr double kSmallShare = 0.3;
    GridFit small = fitGrids(others, kSmallShare * width, area.height(), layerGap, 1e9);
    GridFit big = fitGrids(focused, width - small.width - layerGap, area.height(), 0.0, 1e9);
    if (small.side > std::floor(big.side / 2.0)) {
        small = fitGrids(others, kSmallShare * width, area.height(), layerGap,
                         std::max(1.0, std::floor(big.side / 2.0)));
        big = fitGrids(focused, width - small.width - layerGap, area.height(), 0.0, 1e9);
    }
    blockW = small.width + layerGap + big.width;
    blockH = std::max(small.height, big.height);
    side = big.side;
    x0 = std::round(area.left() + (width - blockW) / 2.0);
    y0 = std::round(area.top() + (area.height() - blockH) / 2.0);
    double x = x0;
    std::size_t i = 0;
    for (int l = 0; l < depth; ++l) {
        const int n = nodes[static_cast<std::size_t>(l)];
        if (l == f) {
            x += placeLayer(layout, l, n, big, 0, x, y0, blockH) + layerGap;
        } else {
            x += placeLayer(layout, l, n, small, i++, x, y0, blockH) + layerGap;
        }
    }
}

}  // namespace

std::string_view mapLayoutName(MapLayout layout) {
    switch (layout) {
        case MapLayout::Notebook:
            return "notebook";
        case MapLayout::Fill:
            return "fill";
        case MapLayout::Focus:
            return "focus";
    }
    return "notebook";
}

std::optional<MapLayout> mapLayoutFromName(std::string_view name) {
    for (const MapLayout m : {MapLayout::Notebook, MapLayout::Fill, MapLayout::Focus}) {
        if (mapLayoutName(m) == name) return m;
    }
    return std::nullopt;
}

namespace {

GraphLayout layoutColumns(const Network& net, const QRectF& rect, const FigureOptions& opt) {
    GraphLayout layout;
    // One column per layer, after the input features' column when it is drawn.
    std::vector<int> nodes;
    const bool features = hasFeatureColumn(net, opt);
    if (features) nodes.push_back(kFeatureKinds);
    for (const Layer& l : net.layers)
        nodes.push_back(l.outputs());
    const int depth = static_cast<int>(nodes.size());
    const int rows = nodes.empty() ? 0 : *std::max_element(nodes.begin(), nodes.end());
    if (net.layers.empty() || rows == 0) return layout;

    const FigureStyle& style = opt.style;
    const double margin = std::round(style.px(2.0));
    const QRectF area = rect.adjusted(margin, margin, -margin, -margin);
    const double barGap = std::round(style.px(8.0));
    const FigureStyle barStyle = colourBarStyle(style, area.width());
    const double bar = opt.colourBar ? std::ceil(detail::colourBarWidth(barStyle, -1.0, 1.0)) : 0.0;
    const double reserved = opt.colourBar ? bar + barGap : 0.0;

    if (opt.mapLayout != MapLayout::Notebook) {
        double x0 = 0.0, y0 = 0.0, blockW = 0.0, blockH = 0.0, side = 1.0;
        layoutGrids(layout, nodes, focusLayer(net, opt.selected) + (features ? 1 : 0), area,
                    reserved, opt, x0, y0, blockW, blockH, side);
        if (opt.colourBar) {
            const double gap = gapFor(side);
            const double h = std::min(blockH, std::max(2.0 * side + gap, barStyle.px(300.0)));
            layout.colourBar =
                QRectF(x0 + blockW + barGap, std::round(y0 + (blockH - h) / 2.0), bar, h);
        }
        return layout;
    }
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
        const int count = nodes[static_cast<std::size_t>(l)];
        auto& column = layout.maps[static_cast<std::size_t>(l)];
        for (int j = 0; j < count; ++j)
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

// The input features' column: each feature's map; the network's features named in full colour,
// the others faded under their names in grey (Playground's unchecked thumbnails).
void paintFeatureColumn(QPainter& p, const std::vector<QRectF>& rects, const Network& net,
                        const MapSet& maps, const FigureStyle& style) {
    const std::vector<Feature> used =
        net.features.empty() ? std::vector<Feature>{Feature::X1, Feature::X2} : net.features;
    const double side = rects.empty() ? 0.0 : rects.front().width();
    const QFont font = detail::pixelFont(style, labelPixels(side, style));
    const QFontMetricsF fm(font);
    for (std::size_t k = 0; k < rects.size() && k < kFeatureNames.size(); ++k) {
        const auto f = static_cast<Feature>(k);
        const QRectF& r = rects[k];
        const bool on = std::find(used.begin(), used.end(), f) != used.end();
        p.save();
        p.setClipRect(r);
        p.setRenderHint(QPainter::SmoothPixmapTransform, false);
        p.drawImage(r, featureImage(f, maps.config));
        if (!on) p.fillRect(r, QColor(255, 255, 255, 190));
        p.restore();
        p.save();
        p.setPen(QPen(on ? QColor(0, 0, 0) : QColor(150, 150, 150), on ? 1.5 : 1.0));
        p.setBrush(Qt::NoBrush);
        p.drawRect(r.adjusted(0.5, 0.5, -0.5, -0.5));
        p.restore();
        const QString name = QString::fromUtf8(kFeatureNames[k].data(),
                                               static_cast<qsizetype>(kFeatureNames[k].size()));
        const double baseline = std::max(r.top() + 0.1 * r.height(), r.top() + fm.ascent() + 2.0);
        detail::drawHaloText(p, QPointF(r.center().x(), baseline), Qt::AlignHCenter, name, font,
                             on ? Qt::black : QColor(110, 110, 110), QColor(255, 255, 255, 170));
    }
}

}  // namespace

GraphLayout layoutGraph(const Network& net, const QRectF& rect, const FigureOptions& opt) {
    GraphLayout layout = layoutColumns(net, rect, opt);
    // The feature column was laid out as column 0.
    if (hasFeatureColumn(net, opt) && !layout.maps.empty()) {
        layout.features = std::move(layout.maps.front());
        layout.maps.erase(layout.maps.begin());
    }
    return layout;
}

std::optional<Feature> GraphLayout::featureAt(QPointF p) const {
    for (std::size_t k = 0; k < features.size(); ++k) {
        if (features[k].contains(p)) return static_cast<Feature>(k);
    }
    return std::nullopt;
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
    detail::MapCell cell;
    cell.discretize = opt.discretize;
    cell.histograms = opt.histograms;
    cell.arrow = opt.arrows;
    const detail::DataOverlay overlay = detail::makeDataOverlay(net, opt);
    double labelSide = -1.0;
    double largest = 0.0;
    for (const auto& column : layout.maps) {
        for (const QRectF& r : column)
            largest = std::max(largest, r.width());
    }
    for (std::size_t l = 0; l < layout.maps.size(); ++l) {
        for (std::size_t j = 0; j < layout.maps[l].size(); ++j) {
            // Per map: the focus layout draws maps of two sizes.
            if (layout.maps[l][j].width() != labelSide) {
                labelSide = layout.maps[l][j].width();
                cell.labelPixels = labelPixels(labelSide, opt.style);
                // The focus layout's small maps go without a label that would not fit them
                // (presentation mode keeps labels large): their place names them.
                cell.label =
                    labelSide >= largest ||
                    QFontMetricsF(detail::pixelFont(opt.style, cell.labelPixels))
                            .horizontalAdvance(QStringLiteral("NODE8")) <= 0.96 * labelSide;
            }
            cell.layer = static_cast<int>(l);
            cell.node = static_cast<int>(j);
            if (opt.hideMaps) {
                const QRectF& r = layout.maps[l][j];
                p.fillRect(r, opt.style.dark ? QColor(70, 70, 70) : QColor(215, 215, 215));
                p.setPen(opt.style.muted());
                p.setFont(
                    detail::pixelFont(opt.style, std::max(cell.labelPixels, r.height() / 3.0)));
                detail::drawText(p, r.center(), Qt::AlignCenter, QStringLiteral("?"));
                if (cell.label) detail::drawMapLabel(p, r, cell, opt.style);
                continue;
            }
            if (overlay.empty() || !detail::overlayOnLayer(net, cell.layer, opt)) {
                detail::drawMapCell(p, layout.maps[l][j], net, maps, cell, opt.style);
                continue;
            }
            // The points under the label, so the label stays readable.
            detail::MapCell bare = cell;
            bare.label = false;
            bare.labelAfter = cell.label;
            detail::drawMapCell(p, layout.maps[l][j], net, maps, bare, opt.style);
            detail::drawDataOverlay(p, layout.maps[l][j], maps.config.range, net, cell.layer,
                                    cell.node, overlay, opt, opt.style);
            if (cell.label) detail::drawMapLabel(p, layout.maps[l][j], cell, opt.style);
        }
    }
    if (!layout.features.empty()) paintFeatureColumn(p, layout.features, net, maps, opt.style);
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
    cell.discretize = opt.discretize;
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
    bare.labelAfter = true;
    detail::drawMapCell(p, square, net, maps, bare, opt.style);
    detail::drawDataOverlay(p, square, maps.config.range, net, node.layer, node.node,
                            detail::makeDataOverlay(net, opt), opt, opt.style);
    detail::drawMapLabel(p, square, cell, opt.style);
}

}  // namespace nnlens::figures
