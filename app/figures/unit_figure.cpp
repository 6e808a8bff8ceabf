// The seed's nn_unit_draw2d, large: one node's map with axes, arrow or histogram, colour bar,
// title and formula.
#include <QFontMetricsF>

#include <algorithm>
#include <cmath>

#include "axes.hpp"
#include "figures.hpp"
#include "map_cell.hpp"
#include "paint_util.hpp"
#include "points.hpp"

namespace nnlens::figures {

namespace {

constexpr double kTitlePt = 16.0;
constexpr double kFormulaPt = 12.0;

}  // namespace

void paintUnit(QPainter& p, const QRectF& rect, const Network& net, const MapSet& maps,
               NodeRef node, const FigureOptions& opt) {
    detail::fillBackground(p, rect, opt.style);
    const FigureStyle style = detail::fittedStyle(opt.style, rect.size(), QSizeF(330.0, 330.0));
    const bool ok =
        !maps.empty() && maps.layers() == static_cast<int>(net.layers.size()) && node.layer >= 0 &&
        node.layer < maps.layers() && node.node >= 0 &&
        node.node < static_cast<int>(maps.images[static_cast<std::size_t>(node.layer)].size());
    if (!ok) {
        detail::drawNote(p, rect, QStringLiteral("No map (it needs a network with 2 inputs)"),
                         style);
        return;
    }

    const double margin = style.px(8.0);
    const QRectF area = rect.adjusted(margin, margin, -margin, -margin);

    // Title and formula; the formula shrinks to fit the width rather than being cut.
    const double top = detail::drawHeading(p, area, detail::nodeLabel(node.layer, node.node),
                                           kTitlePt, nodeFormula(net, node), kFormulaPt, style);
    const double r = maps.config.range;
    detail::AxesText axes;
    axes.xLabel = QStringLiteral("x1");
    axes.yLabel = QStringLiteral("x2");
    const detail::TitledMap layout = detail::layoutTitledMap(area, top, r, maps.vlim, axes, style);
    const QRectF& mapRect = layout.map;

    detail::MapCell cell;
    cell.discretize = opt.discretize;
    cell.layer = node.layer;
    cell.node = node.node;
    cell.histograms = opt.histograms;
    cell.arrow = opt.arrows;
    cell.label = false;
    detail::drawMapCell(p, mapRect, net, maps, cell, style);
    if (detail::overlayOnLayer(net, node.layer, opt)) {
        detail::drawDataOverlay(p, mapRect, r, net, node.layer, node.node,
                                detail::makeDataOverlay(net, opt), opt, style);
    }
    detail::drawAxesFrame(p, detail::DataAxes{mapRect, -r, r, -r, r}, style, axes);
    paintColourBar(p, layout.bar, maps.vlim, style);
}

}  // namespace nnlens::figures
