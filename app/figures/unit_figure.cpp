// The seed's nn_unit_draw2d, large: one node's map with axes, arrow or histogram, colour bar,
// title and formula.
#include <QFontMetricsF>

#include <algorithm>
#include <cmath>

#include "figures.hpp"
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
    p.save();
    p.setPen(style.foreground());
    const QFont titleFont = style.font(kTitlePt, true);
    p.setFont(titleFont);
    const QFontMetricsF tfm(titleFont);
    detail::drawText(p, QPointF(area.center().x(), area.top()), Qt::AlignHCenter | Qt::AlignTop,
                     detail::nodeLabel(node.layer, node.node));
    const QString formula = nodeFormula(net, node);
    QFont formulaFont = style.font(kFormulaPt);
    const double fw = QFontMetricsF(formulaFont).horizontalAdvance(formula);
    if (fw > area.width()) {
        formulaFont.setPixelSize(
            std::max(6, static_cast<int>(formulaFont.pixelSize() * area.width() / fw)));
    }
    p.setFont(formulaFont);
    const QFontMetricsF ffm(formulaFont);
    const double formulaTop = area.top() + tfm.height() + style.px(3.0);
    detail::drawText(p, QPointF(area.center().x(), formulaTop), Qt::AlignHCenter | Qt::AlignTop,
                     formula);
    p.restore();

    const double r = maps.config.range;
    const float vlim = maps.vlim;
    detail::AxesText axes;
    axes.xLabel = QStringLiteral("x1");
    axes.yLabel = QStringLiteral("x2");
    const double left = detail::axesLeftMargin(style, axes, -r, r);
    const double bottom = detail::axesBottomMargin(style, axes);
    const double barGap = style.px(10.0);
    const double bar = detail::colourBarWidth(style, -vlim, vlim);
    const double top = formulaTop + ffm.height() + style.px(8.0);
    const double side = std::floor(
        std::max(1.0, std::min(area.width() - left - barGap - bar, area.bottom() - top - bottom)));
    const double blockW = left + side + barGap + bar;
    const double x = std::round(area.left() + (area.width() - blockW) / 2.0 + left);
    const double y = std::round(top + (area.bottom() - top - bottom - side) / 2.0);
    const QRectF mapRect(x, y, side, side);

    detail::MapCell cell;
    cell.layer = node.layer;
    cell.node = node.node;
    cell.histograms = opt.histograms;
    cell.label = false;
    detail::drawMapCell(p, mapRect, net, maps, cell, style);
    if (detail::overlayOnLayer(net, node.layer, opt)) {
        detail::drawDataOverlay(p, mapRect, r, net, node.layer, node.node,
                                detail::makeDataOverlay(net, opt), opt, style);
    }
    detail::drawAxesFrame(p, detail::DataAxes{mapRect, -r, r, -r, r}, style, axes);
    paintColourBar(p, QRectF(mapRect.right() + barGap, mapRect.top(), bar, side), vlim, style);
}

}  // namespace nnlens::figures
