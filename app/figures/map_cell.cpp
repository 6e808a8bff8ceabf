// One node's map cell (see map_cell.hpp).
#include "map_cell.hpp"

#include <QFontMetricsF>
#include <QPolygonF>

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

namespace nnlens::figures::detail {

namespace {

// The s = 0 line (w . x + b = 0): through the arrow's origin -b w / |w|^2, perpendicular to w.
void drawZeroLine(QPainter& p, const DataAxes& ax, const Arrow& a, const FigureStyle& style) {
    const double w0 = a.w[0];
    const double w1 = a.w[1];
    const double norm = std::hypot(w0, w1);
    if (!(norm > 0.0)) return;
    const double dx = -w1 / norm;
    const double dy = w0 / norm;
    const double len = std::hypot(a.origin[0], a.origin[1]) + 3.0 * (ax.x1 - ax.x0);
    const QPointF from = ax.map(a.origin[0] - len * dx, a.origin[1] - len * dy);
    const QPointF to = ax.map(a.origin[0] + len * dx, a.origin[1] + len * dy);
    QPen pen(QColor(0, 0, 0, style.highContrast ? 200 : 150),
             style.px(style.highContrast ? 2 : 1.5));
    pen.setDashPattern({3.7, 1.6});  // matplotlib's '--'
    pen.setCapStyle(Qt::FlatCap);
    p.setPen(pen);
    p.drawLine(from, to);
}

// The part [t0, t1] of the segment from + t d, t in [0, 1], inside `r` (Liang-Barsky); nullopt
// when the segment misses it.
std::optional<std::pair<double, double>> clipSegment(QPointF from, QPointF d, const QRectF& r) {
    double t0 = 0.0;
    double t1 = 1.0;
    const double q[4][2] = {{-d.x(), from.x() - r.left()},
                            {d.x(), r.right() - from.x()},
                            {-d.y(), from.y() - r.top()},
                            {d.y(), r.bottom() - from.y()}};
    for (const auto& [pk, qk] : q) {
        if (pk == 0.0) {
            if (qk < 0.0) return std::nullopt;
            continue;
        }
        const double t = qk / pk;
        if (pk < 0.0) {
            t0 = std::max(t0, t);
        } else {
            t1 = std::min(t1, t);
        }
    }
    if (t0 > t1) return std::nullopt;
    return std::make_pair(t0, t1);
}

// The seed's arrow: w drawn from -b w / |w|^2 (where s = 0), black, lw 3, with a filled head.
// An arrow that leaves the map (large |w|) ends at the map's edge with its head there, so its
// direction stays readable (#13); one inside the map is drawn as the seed draws it.
// `avoid`: the map's label, where the screen's text floor makes it large (presentation mode): an
// arrow that would run into it stops short of it, as it does at the map's edge (#20).
void drawWeightArrow(QPainter& p, const DataAxes& ax, const Arrow& a, const FigureStyle& style,
                     const QRectF& avoid) {
    const QPointF from = ax.map(a.origin[0], a.origin[1]);
    QPointF to = ax.map(a.origin[0] + a.w[0], a.origin[1] + a.w[1]);
    QPointF d = to - from;
    double len = std::hypot(d.x(), d.y());
    if (len < 1.0) return;
    const double lw = style.px(3.0) * (style.highContrast ? 1.3 : 1.0);
    double visible = len;
    // The head's half width and a pixel from the edge: a head there stays whole.
    const double inset = 0.5 * std::max(3.2 * lw, style.px(9.0)) + 1.0;
    const QRectF inner = ax.rect.adjusted(inset, inset, -inset, -inset);
    if (!inner.contains(to) && inner.isValid()) {
        if (const auto part = clipSegment(from, d, inner)) {
            to = from + d * part->second;
            visible = (part->second - part->first) * len;
            d = to - from;
            len = std::hypot(d.x(), d.y());
            if (len < 1.0 || visible < 1.0) return;
        }
    }
    if (avoid.isValid() && !avoid.contains(from)) {
        const QRectF keepOut = avoid.adjusted(-inset, -inset, inset, inset);
        if (const auto part = clipSegment(from, d, keepOut); part && part->first > 0.0) {
            to = from + d * part->first;
            d = to - from;
            visible = std::min(visible, std::hypot(d.x(), d.y()));
            len = std::hypot(d.x(), d.y());
            if (len < 1.0 || visible < 1.0) return;
        }
    }
    const QPointF u = d / len;
    const QPointF n(-u.y(), u.x());
    const double head = std::min(std::max(3.2 * lw, style.px(9.0)), 0.5 * visible);
    const double half = 0.5 * head;
    const QPointF base = to - u * head;
    p.setPen(QPen(Qt::black, lw, Qt::SolidLine, Qt::FlatCap, Qt::MiterJoin));
    p.drawLine(from, to - u * (0.6 * head));
    p.setPen(Qt::NoPen);
    p.setBrush(Qt::black);
    p.drawPolygon(QPolygonF({to, base + n * half, base - n * half}));
    p.setBrush(Qt::NoBrush);
}

// nn_graph_draw2d's overlay on a deeper map: the histogram of s rescaled to
// t = 2 r (s - smin) / (smax - smin) - r, the activation over [smin, smax] scaled to
// [0, max(hist)], and the line s = 0 at t = -r (smax + smin) / (smax - smin).
void drawHistogramOverlay(QPainter& p, const QRectF& rect, const Histogram& h, Activation act,
                          double range, const FigureStyle& style) {
    const double smin = h.min;
    const double smax = h.max;
    if (!(smax > smin) || h.counts.empty()) return;
    const auto maxCount = *std::max_element(h.counts.begin(), h.counts.end());
    if (maxCount <= 0) return;
    // The twin axis autoscales to [0, 1.05 max(hist)] (matplotlib's 5 % top margin).
    const DataAxes ax{rect, -range, range, 0.0, 1.05 * static_cast<double>(maxCount)};
    const int bins = static_cast<int>(h.counts.size());

    QPolygonF step;
    step << ax.map(-range, 0.0);
    for (int k = 0; k < bins; ++k) {
        const double e0 = -range + 2.0 * range * k / bins;
        const double e1 = -range + 2.0 * range * (k + 1) / bins;
        const double c = static_cast<double>(h.counts[static_cast<std::size_t>(k)]);
        step << ax.map(e0, c) << ax.map(e1, c);
    }
    step << ax.map(range, 0.0);
    const QColor fill(255, 255, 255, 64);  // white, alpha 0.25
    p.setPen(QPen(fill, style.px(1.0)));
    p.setBrush(fill);
    p.drawPolygon(step);
    p.setBrush(Qt::NoBrush);

    if (act != Activation::Softmax) {
        constexpr int kPoints = 101;
        double phi[kPoints];
        for (int k = 0; k < kPoints; ++k) {
            const double s = smin + (smax - smin) * k / (kPoints - 1);
            phi[k] = hd::activate(act, static_cast<float>(s));
        }
        const double lo = *std::min_element(phi, phi + kPoints);
        const double hi = *std::max_element(phi, phi + kPoints);
        if (hi > lo) {
            QPolygonF curve;
            for (int k = 0; k < kPoints; ++k) {
                const double t = -range + 2.0 * range * k / (kPoints - 1);
                curve << ax.map(t, (phi[k] - lo) / (hi - lo) * static_cast<double>(maxCount));
            }
            QPen pen(QColor(0, 0, 0, style.highContrast ? 200 : 128),
                     style.px(style.highContrast ? 1.5 : 1.0));
            pen.setDashPattern({3.7, 1.6});
            p.setPen(pen);
            p.drawPolyline(curve);
        }
    }

    const double t0 = -range * (smax + smin) / (smax - smin);
    if (t0 > -range && t0 < range) {
        p.setPen(QPen(QColor(255, 255, 255, 128), style.px(1.0)));
        p.drawLine(QPointF(ax.px(t0), rect.top()), QPointF(ax.px(t0), rect.bottom()));
    }
}

}  // namespace

void drawMapCell(QPainter& p, const QRectF& rect, const Network& net, const MapSet& maps,
                 const MapCell& cell, const FigureStyle& figureStyle) {
    // Lines and the arrow thin out on maps smaller than about 2 inches.
    const FigureStyle style = fittedStyle(figureStyle, rect.size(), QSizeF(150.0, 150.0));
    const auto l = static_cast<std::size_t>(cell.layer);
    const auto j = static_cast<std::size_t>(cell.node);
    if (l >= maps.images.size() || j >= maps.images[l].size()) return;
    p.save();
    p.setClipRect(rect);
    // interpolation='none': every grid point a crisp block.
    p.setRenderHint(QPainter::SmoothPixmapTransform, false);
    const bool output = l + 1 == maps.images.size() && !net.layers.empty();
    const QImage decision = cell.discretize && output
                                ? discretizedImage(maps, cell.node, net.layers.back().activation)
                                : QImage();
    p.drawImage(rect, decision.isNull() ? maps.images[l][j] : decision);
    p.setRenderHint(QPainter::Antialiasing, true);
    const double r = maps.config.range;
    const DataAxes ax{rect, -r, r, -r, r};
    if (l == 0 && j < maps.arrows.size() && maps.arrows[j]) {
        drawZeroLine(p, ax, *maps.arrows[j], style);
        if (cell.arrow) {
            // On the screen (a text floor), the arrow leaves the label readable.
            const bool avoid = (cell.label || cell.labelAfter) && figureStyle.minTextPx > 0.0;
            drawWeightArrow(p, ax, *maps.arrows[j], style,
                            avoid ? mapLabel(rect, cell, figureStyle).box : QRectF());
        }
    } else if (l > 0 && cell.histograms && maps.config.bins > 0 && l < maps.hist.size() &&
               j < maps.hist[l].size() && l < net.layers.size()) {
        drawHistogramOverlay(p, rect, maps.hist[l][j], net.layers[l].activation, r, style);
    }
    if (cell.label) drawMapLabel(p, rect, cell, figureStyle);
    p.restore();
}

MapLabel mapLabel(const QRectF& rect, const MapCell& cell, const FigureStyle& figureStyle) {
    const FigureStyle style = fittedStyle(figureStyle, rect.size(), QSizeF(150.0, 150.0));
    MapLabel l;
    l.font = pixelFont(style, cell.labelPixels);
    const QFontMetricsF fm(l.font);
    // The seed puts the label's baseline at 90 % of the height; keep it inside small maps.
    l.baseline = std::max(rect.top() + 0.1 * rect.height(), rect.top() + fm.ascent() + 2.0);
    l.text = nodeLabel(cell.layer, cell.node);
    // With a text floor (presentation mode), the label keeps its size on small maps as "L1-N3"
    // where the whole one would take more than 60 % of the map's width: on two lines ("LYR1"
    // over "NODE3") it covered 40 % of a 110 px map and its arrow, and whole it spanned a 180 px
    // map at 1920 x 1080 (#20). The Inspector and the tooltip give the full name.
    if (style.minTextPx > 0.0 && fm.horizontalAdvance(l.text) > 0.6 * rect.width())
        l.text = QStringLiteral("L%1-N%2").arg(cell.layer + 1).arg(cell.node + 1);
    const double w = fm.horizontalAdvance(l.text);
    l.box = QRectF(rect.center().x() - w / 2.0, l.baseline - fm.ascent(), w,
                   fm.ascent() + fm.descent());
    return l;
}

void drawMapLabel(QPainter& p, const QRectF& rect, const MapCell& cell,
                  const FigureStyle& figureStyle) {
    const MapLabel l = mapLabel(rect, cell, figureStyle);
    drawHaloText(p, QPointF(rect.center().x(), l.baseline), Qt::AlignHCenter, l.text, l.font,
                 Qt::black, QColor(255, 255, 255, 150));
}

void drawSelection(QPainter& p, const QRectF& rect, const FigureStyle& style) {
    const double w = std::max(3.0, style.px(2.2));
    p.save();
    p.setRenderHint(QPainter::Antialiasing, false);
    p.setPen(QPen(selectionColour(), w, Qt::SolidLine, Qt::SquareCap, Qt::MiterJoin));
    p.setBrush(Qt::NoBrush);
    p.drawRect(rect.adjusted(w / 2.0, w / 2.0, -w / 2.0, -w / 2.0));
    p.restore();
}

}  // namespace nnlens::figures::detail
