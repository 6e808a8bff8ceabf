// The network diagram: inputs and nodes as circles, edges as thick as |w| and coloured by its
// sign, the activation under each column; any input dimension. A layer next to a cut column
// (more than kMaxShown nodes) shows its whole weight matrix as an image instead of edges.
#include <QFontMetricsF>

#include <algorithm>
#include <cmath>
#include <tuple>

#include "colormap.hpp"
#include "figures.hpp"
#include "paint_util.hpp"

namespace nnlens::figures {

namespace {

// Columns taller than this show their first kMaxShown - 1 nodes and a "+N more" mark.
constexpr int kMaxShown = 24;
constexpr double kHeaderPt = 12.0;
constexpr double kEdgeHitPixels = 4.0;
constexpr double kMatrixStrip = 6.0;  // points: the height of a matrix's colour strip

int columnSize(const Network& net, int c) {
    // Column 0: the first layer's inputs, the input features when the network has them.
    return c == 0 ? net.featureCount() : net.layers[static_cast<std::size_t>(c - 1)].outputs();
}

int slotCount(int n) {
    return std::min(n, kMaxShown);
}

double distanceToSegment(QPointF p, QPointF a, QPointF b) {
    const QPointF d = b - a;
    const double len2 = d.x() * d.x() + d.y() * d.y();
    double t = len2 > 0.0 ? ((p.x() - a.x()) * d.x() + (p.y() - a.y()) * d.y()) / len2 : 0.0;
    t = std::clamp(t, 0.0, 1.0);
    const QPointF q = a + t * d - p;
    return std::hypot(q.x(), q.y());
}

QColor lighter(const QColor& c, double towardsWhite) {
    return QColor::fromRgbF(static_cast<float>(c.redF() + (1.0 - c.redF()) * towardsWhite),
                            static_cast<float>(c.greenF() + (1.0 - c.greenF()) * towardsWhite),
                            static_cast<float>(c.blueF() + (1.0 - c.blueF()) * towardsWhite));
}

QString activationText(Activation a) {
    const auto name = activationName(a);
    return QString::fromUtf8(name.data(), static_cast<int>(name.size()));
}

QString columnTitle(const Network& net, int c) {
    const int n = columnSize(net, c);
    if (c == 0 && !net.features.empty()) return QStringLiteral("features (%1)").arg(n);
    return c == 0 ? QStringLiteral("inputs (%1)").arg(n)
                  : QStringLiteral("layer %1 (%2)").arg(c).arg(n);
}

QString moreText(int hidden) {
    return QStringLiteral("+%1 more").arg(hidden);
}

// The font of the input names, the "+N more" marks and the matrices' labels.
QFont smallFont(const FigureStyle& style, double radius) {
    return detail::pixelFont(style,
                             std::min(style.px(11.0), std::max(radius * 1.4, style.px(6.0))));
}

// A layer is drawn as its weight matrix when either of its columns is cut: its edges would show
// only part of W, and at 100 x 200 they would be thinner than a pixel anyway.
bool matrixLayer(const Network& net, int layer) {
    return columnSize(net, layer) > kMaxShown || columnSize(net, layer + 1) > kMaxShown;
}

// The largest |w| of a layer: the ends of its matrix's colour scale (0 when all are 0 or NaN).
float layerLimit(const Layer& layer) {
    float vlim = 0.0f;
    for (Eigen::Index k = 0; k < layer.W.size(); ++k) {
        const float a = std::abs(layer.W.data()[k]);
        if (a > vlim) vlim = a;  // NaN compares false: skipped
    }
    return std::isfinite(vlim) ? vlim : 0.0f;
}

// W (n_in, n_out) as an image n_out wide and n_in tall: row i is input i, column j node j; the
// maps' diverging scale over [-vlim, vlim] (white at 0).
QImage weightImage(const Layer& layer, float vlim) {
    const int rows = layer.inputs();
    const int cols = layer.outputs();
    QImage img(cols, rows, QImage::Format_ARGB32_Premultiplied);
    const Colormap& cmap = Colormap::diverging();
    for (int i = 0; i < rows; ++i) {
        auto* line = reinterpret_cast<QRgb*>(img.scanLine(i));
        for (int j = 0; j < cols; ++j) {
            const float w = layer.W(i, j);
            line[j] = cmap.at(vlim > 0.0f ? 0.5 + 0.5 * static_cast<double>(w / vlim) : 0.5);
        }
    }
    return img;
}

}  // namespace

namespace {

// The diagram's style: its column headers fit their spacing and its text leaves the nodes at
// least 60 % of the height, whatever the scale (presentation mode) and the size of the view.
FigureStyle diagramStyle(const Network& net, const QRectF& rect, const FigureStyle& style) {
    const int columns = 1 + static_cast<int>(net.layers.size());
    const QFontMetricsF header(style.font(kHeaderPt, true));
    double widest = 0.0;
    for (int c = 0; c < columns; ++c)
        widest = std::max(widest, header.horizontalAdvance(columnTitle(net, c)));
    double f = 1.0;
    if (widest > 0.0) f = std::min(f, 0.85 * rect.width() / columns / widest);
    const double text = 2.0 * (header.height() + style.px(12.0));
    if (text > 0.0) f = std::min(f, 0.4 * rect.height() / text);
    FigureStyle s = style;
    s.scale *= std::max(0.35, f);
    return s;
}

}  // namespace

DiagramLayout layoutDiagram(const Network& net, const QRectF& rect, const FigureOptions& opt) {
    DiagramLayout layout;
    const FigureStyle style = diagramStyle(net, rect, opt.style);
    const int columns = 1 + static_cast<int>(net.layers.size());
    int maxSlots = 1;
    bool cut = false;
    for (int c = 0; c < columns; ++c) {
        maxSlots = std::max(maxSlots, slotCount(columnSize(net, c)));
        cut = cut || columnSize(net, c) > kMaxShown;
    }

    const double textH = QFontMetricsF(style.font(kHeaderPt)).height();
    const double top = rect.top() + style.px(6.0) + textH + style.px(6.0);
    // A cut column's "+N more" goes under its last node, clear of it: a line of its text is kept
    // above the activation's name (#21: it ran into the name, then into the nodes).
    const double moreH = cut ? QFontMetricsF(smallFont(style, style.px(14.0))).height() : 0.0;
    const double bottom = rect.bottom() - style.px(6.0) - textH - style.px(6.0) - moreH;
    // Room for the input names on the left and half the widest column header on either side.
    const QFontMetricsF headerMetrics(style.font(kHeaderPt, true));
    double widestHeader = 0.0;
    for (int c = 0; c < columns; ++c)
        widestHeader = std::max(widestHeader, headerMetrics.horizontalAdvance(columnTitle(net, c)));
    // The input names ("sin(x1)" with features) right of the margin, left of the nodes (the
    // largest radius and font).
    double widestName = 0.0;
    const QFontMetricsF nameMetrics(smallFont(style, style.px(14.0)));
    for (int i = 0; i < std::min(columnSize(net, 0), kMaxShown); ++i) {
        widestName = std::max(widestName, nameMetrics.horizontalAdvance(
                                              QString::fromStdString(inputName(net.features, i))));
    }
    const double dy = std::max(1.0, (bottom - top) / maxSlots);
    // The inputs carry their names (x1, x2, ...): their column spreads out, within the height,
    // so that the names (never under the floor size) stay apart (#20: x1 over x2 in 2-8-8-8-1).
    // Where even the whole height leaves them too close (seven features in a short diagram, or
    // presentation mode's text), the names alternate between sub-columns, a name's width apart.
    const int inputs = std::min(columnSize(net, 0), kMaxShown);
    double left = 0.0;
    double dx = 0.0;
    double nameH = 0.0;
    // The margin for the names in `layout.nameColumns` sub-columns, and what follows from it.
    const auto placeColumns = [&] {
        const double names = layout.nameColumns * widestName +
                             (layout.nameColumns - 1) * style.px(6.0) + style.px(14.0) +
                             style.px(8.0);
        const double side = std::max(
            {style.px(40.0), 0.06 * rect.width(), widestHeader / 2.0 + style.px(6.0), names});
        left = rect.left() + side;
        dx = columns > 1 ? (rect.right() - side - left) / (columns - 1) : 0.0;
        layout.radius = std::max(
            2.0, std::min({style.px(14.0), 0.36 * dy, columns > 1 ? 0.12 * dx : style.px(14.0)}));
        nameH = QFontMetricsF(smallFont(style, layout.radius)).height() * 1.1;
    };
    placeColumns();
    const double spacing = std::max(dy, (bottom - top) / std::max(1, inputs));
    if (inputs > 2 && nameH > spacing) {
        layout.nameColumns = std::min(3, static_cast<int>(std::ceil(nameH / spacing)));
        placeColumns();
    }
    layout.nameWidth = widestName;

    layout.nodes.resize(static_cast<std::size_t>(columns));
    layout.shown.resize(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c) {
        const int n = columnSize(net, c);
        const int count = slotCount(n);
        const int shown = n > kMaxShown ? kMaxShown - 1 : n;
        const double x = columns > 1 ? left + c * dx : rect.center().x();
        const double cy = (top + bottom) / 2.0;
        const double step = c == 0 ? std::max(dy, std::min(nameH / layout.nameColumns,
                                                           (bottom - top) / std::max(1, count)))
                                   : dy;
        auto& column = layout.nodes[static_cast<std::size_t>(c)];
        for (int i = 0; i < shown; ++i)
            column.emplace_back(x, cy + (i - (count - 1) / 2.0) * step);
        layout.shown[static_cast<std::size_t>(c)] = shown;
    }

    // Matrices fill the gap between their columns, clear of the nodes and the "+N more" marks,
    // with a line for their label above and a colour strip with its ends below.
    layout.matrices.assign(net.layers.size(), QRectF());
    const QFontMetricsF small(smallFont(style, layout.radius));
    auto clearance = [&](int c) {
        double half = layout.radius + style.px(6.0);
        const int n = columnSize(net, c);
        const int shown = layout.shown[static_cast<std::size_t>(c)];
        if (n > shown) {
            half =
                std::max(half, small.horizontalAdvance(moreText(n - shown)) / 2.0 + style.px(6.0));
        }
        return half;
    };
    for (int c = 1; c < columns; ++c) {
        if (!matrixLayer(net, c - 1)) continue;
        const double x0 = left + (c - 1) * dx + clearance(c - 1);
        const double x1 = left + c * dx - clearance(c);
        const double y0 = top + small.height() + style.px(3.0);
        const double y1 = bottom - kMatrixStrip * style.px(1.0) - small.height() - style.px(6.0);
        if (x1 - x0 < 4.0 || y1 - y0 < 4.0) continue;  // no room: the cut edges as before
        layout.matrices[static_cast<std::size_t>(c - 1)] = QRectF(x0, y0, x1 - x0, y1 - y0);
    }
    return layout;
}

DiagramLayout::Hit DiagramLayout::hit(const Network& net, QPointF p) const {
    Hit h;
    for (std::size_t c = 0; c < nodes.size(); ++c) {
        for (std::size_t i = 0; i < nodes[c].size(); ++i) {
            const QPointF d = nodes[c][i] - p;
            if (std::hypot(d.x(), d.y()) <= radius + 1.0) {
                h.kind = Hit::Node;
                h.node = {static_cast<int>(c) - 1, static_cast<int>(i)};
                return h;
            }
        }
    }
    // A matrix cell: the edge from input row i to node column j.
    for (std::size_t l = 0; l < matrices.size() && l < net.layers.size(); ++l) {
        const QRectF& m = matrices[l];
        if (m.isEmpty() || !m.contains(p)) continue;
        const Layer& layer = net.layers[l];
        const int i = std::clamp(static_cast<int>((p.y() - m.top()) / m.height() * layer.inputs()),
                                 0, layer.inputs() - 1);
        const int j = std::clamp(static_cast<int>((p.x() - m.left()) / m.width() * layer.outputs()),
                                 0, layer.outputs() - 1);
        h.kind = Hit::Edge;
        h.node = {static_cast<int>(l), j};
        h.input = i;
        return h;
    }
    double best = kEdgeHitPixels;
    const std::size_t layers = std::min(net.layers.size() + 1, nodes.size());
    for (std::size_t c = 1; c < layers; ++c) {
        if (c - 1 < matrices.size() && !matrices[c - 1].isEmpty()) continue;
        for (std::size_t j = 0; j < nodes[c].size(); ++j) {
            for (std::size_t i = 0; i < nodes[c - 1].size(); ++i) {
                const double d = distanceToSegment(p, nodes[c - 1][i], nodes[c][j]);
                if (d < best) {
                    best = d;
                    h.kind = Hit::Edge;
                    h.node = {static_cast<int>(c) - 1, static_cast<int>(j)};
                    h.input = static_cast<int>(i);
                }
            }
        }
    }
    return h;
}

namespace {

// Each matrix layer: its label ("W1 (100 × 200)"), W as an image (one cell per weight, nearest
// neighbour), the selected node's incoming column and outgoing row outlined, and a colour strip
// from -max|w| to +max|w| under it.
void paintMatrices(QPainter& p, const DiagramLayout& layout, const Network& net,
                   const FigureOptions& opt, const FigureStyle& style, const QFont& font) {
    const QFontMetricsF metrics(font);
    for (std::size_t l = 0; l < layout.matrices.size() && l < net.layers.size(); ++l) {
        const QRectF& m = layout.matrices[l];
        if (m.isEmpty()) continue;
        const Layer& layer = net.layers[l];
        const float vlim = layerLimit(layer);
        p.save();
        p.setRenderHint(QPainter::Antialiasing, false);
        p.setRenderHint(QPainter::SmoothPixmapTransform, false);
        p.drawImage(m, weightImage(layer, vlim));
        p.setPen(QPen(style.muted(), 1.0));
        p.setBrush(Qt::NoBrush);
        p.drawRect(m);

        const NodeRef sel = opt.selected;
        const double cw = m.width() / layer.outputs();
        const double ch = m.height() / layer.inputs();
        const double pen = std::max(2.0, style.px(1.5));
        p.setPen(QPen(detail::selectionColour(), pen));
        if (sel.layer == static_cast<int>(l) && sel.node >= 0 && sel.node < layer.outputs())
            p.drawRect(QRectF(m.left() + sel.node * cw, m.top(), cw, m.height()));
        if (sel.layer + 1 == static_cast<int>(l) && sel.node >= 0 && sel.node < layer.inputs())
            p.drawRect(QRectF(m.left(), m.top() + sel.node * ch, m.width(), ch));

        // The label above, the colour strip and its ends below.
        p.setFont(font);
        p.setPen(style.foreground());
        QString label = QStringLiteral("W%1 (%2 \u00d7 %3)")
                            .arg(l + 1)
                            .arg(layer.inputs())
                            .arg(layer.outputs());
        // The label may reach over the gap's free width, up to the circles on either side.
        double room = m.width();
        if (l + 1 < layout.nodes.size() && !layout.nodes[l].empty() &&
            !layout.nodes[l + 1].empty()) {
            room = std::max(room, layout.nodes[l + 1].front().x() - layout.nodes[l].front().x() -
                                      2.0 * layout.radius - style.px(8.0));
        }
        if (metrics.horizontalAdvance(label) > room) label = QStringLiteral("W%1").arg(l + 1);
        detail::drawText(p, QPointF(m.center().x(), m.top() - style.px(3.0)),
                         Qt::AlignHCenter | Qt::AlignBottom, label);
        const QRectF strip(m.left(), m.bottom() + style.px(3.0), m.width(),
                           kMatrixStrip * style.px(1.0));
        QImage bar(256, 1, QImage::Format_ARGB32_Premultiplied);
        for (int k = 0; k < 256; ++k)
            bar.setPixel(k, 0, Colormap::diverging().at(k / 255.0));
        p.drawImage(strip, bar);
        p.setPen(style.muted());
        const QString end = QString::number(static_cast<double>(vlim), 'g', 2);
        const QString low = QStringLiteral("\u2212") + end;
        const QString high = QStringLiteral("+") + end;
        const QPointF under(strip.left(), strip.bottom() + style.px(1.0));
        if (metrics.horizontalAdvance(low + high) + style.px(6.0) <= strip.width()) {
            detail::drawText(p, under, Qt::AlignLeft | Qt::AlignTop, low);
            detail::drawText(p, QPointF(strip.right(), under.y()), Qt::AlignRight | Qt::AlignTop,
                             high);
        } else {
            detail::drawText(p, QPointF(strip.center().x(), under.y()),
                             Qt::AlignHCenter | Qt::AlignTop, QStringLiteral("\u00b1") + end);
        }
        p.restore();
    }
}

}  // namespace

void paintDiagram(QPainter& p, const QRectF& rect, const Network& net, const FigureOptions& opt) {
    const FigureStyle style = diagramStyle(net, rect, opt.style);
    detail::fillBackground(p, rect, style);
    const DiagramLayout layout = layoutDiagram(net, rect, opt);
    const int columns = static_cast<int>(layout.nodes.size());
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);

    // Edges: thickness and opacity follow |w| / max |w|, colour its sign; strongest on top.
    float maxAbs = 0.0f;
    for (std::size_t k = 0; k < net.layers.size(); ++k) {
        const Layer& l = net.layers[k];
        if (l.W.size() > 0 && layout.matrices[k].isEmpty())
            maxAbs = std::max(maxAbs, l.W.cwiseAbs().maxCoeff());
    }
    std::vector<std::tuple<float, QPointF, QPointF, bool>> edges;
    // w = 0 exactly has neither sign: a grey dashed hairline says "connected, no weight" (#13).
    std::vector<QLineF> zeros;
    for (int c = 1; c < columns; ++c) {
        if (!layout.matrices[static_cast<std::size_t>(c - 1)].isEmpty()) continue;
        const Layer& layer = net.layers[static_cast<std::size_t>(c - 1)];
        const auto& from = layout.nodes[static_cast<std::size_t>(c - 1)];
        const auto& to = layout.nodes[static_cast<std::size_t>(c)];
        for (std::size_t j = 0; j < to.size(); ++j) {
            for (std::size_t i = 0; i < from.size(); ++i) {
                const float w = layer.W(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
                if (w == 0.0f || opt.hideWeights) {
                    zeros.emplace_back(from[i], to[j]);
                    continue;
                }
                edges.emplace_back(maxAbs > 0.0f ? std::abs(w) / maxAbs : 0.0f, from[i], to[j],
                                   w >= 0.0f);
            }
        }
    }
    std::stable_sort(edges.begin(), edges.end(),
                     [](const auto& a, const auto& b) { return std::get<0>(a) < std::get<0>(b); });
    if (!zeros.empty()) {
        // Hidden weights: connected, no more said (a solid hairline, not zero's dashes).
        p.setPen(QPen(style.muted(), style.px(0.8), opt.hideWeights ? Qt::SolidLine : Qt::DashLine,
                      Qt::FlatCap));
        p.drawLines(zeros.data(), static_cast<int>(zeros.size()));
    }
    const double maxWidth = std::min(style.px(4.0), layout.radius * 0.8);
    // Edges of one sign and nearly the same strength (32 steps) share a pen and go to the
    // rasteriser in one drawLines call: a slider drag repaints the diagram every frame.
    constexpr int kSteps = 32;
    std::vector<QLineF> batch;
    for (std::size_t k = 0; k < edges.size();) {
        const int step = static_cast<int>(std::get<0>(edges[k]) * (kSteps - 1) + 0.5f);
        const bool sign = std::get<3>(edges[k]);
        batch.clear();
        // Sorted by strength: the run with this step is contiguous; both signs interleave in it.
        std::size_t end = k;
        while (end < edges.size() &&
               static_cast<int>(std::get<0>(edges[end]) * (kSteps - 1) + 0.5f) == step) {
            ++end;
        }
        for (const bool s : {!sign, sign}) {
            batch.clear();
            for (std::size_t e = k; e < end; ++e) {
                if (std::get<3>(edges[e]) == s)
                    batch.emplace_back(std::get<1>(edges[e]), std::get<2>(edges[e]));
            }
            if (batch.empty()) continue;
            const double t = static_cast<double>(step) / (kSteps - 1);
            QColor colour = s ? detail::positiveColour() : detail::negativeColour();
            colour.setAlphaF(static_cast<float>(0.25 + 0.75 * t));
            p.setPen(QPen(colour, style.px(0.4) + maxWidth * t, Qt::SolidLine, Qt::FlatCap));
            p.setRenderHint(QPainter::Antialiasing, !opt.draft);
            p.drawLines(batch.data(), static_cast<int>(batch.size()));
            p.setRenderHint(QPainter::Antialiasing, true);
        }
        k = end;
    }

    // Nodes: inputs white, layer nodes tinted with their activation's colour.
    const double outline = style.px(style.highContrast ? 1.6 : 1.0);
    const double r = layout.radius;
    const QFont labelFont = smallFont(style, r);
    paintMatrices(p, layout, net, opt, style, labelFont);
    for (int c = 0; c < columns; ++c) {
        const QColor fill =
            c == 0 ? QColor(Qt::white)
                   : lighter(detail::activationColour(
                                 net.layers[static_cast<std::size_t>(c - 1)].activation),
                             0.65);
        for (std::size_t i = 0; i < layout.nodes[static_cast<std::size_t>(c)].size(); ++i) {
            const QPointF centre = layout.nodes[static_cast<std::size_t>(c)][i];
            const bool selected = opt.showSelection && c >= 1 && opt.selected.layer == c - 1 &&
                                  opt.selected.node == static_cast<int>(i);
            p.setBrush(fill);
            p.setPen(QPen(style.foreground(), outline));
            p.drawEllipse(centre, r, r);
            if (selected) {
                const double w = std::max(3.0, style.px(2.2));
                p.setBrush(Qt::NoBrush);
                p.setPen(QPen(detail::selectionColour(), w));
                p.drawEllipse(centre, r + w / 2.0 + outline / 2.0, r + w / 2.0 + outline / 2.0);
            }
            if (c == 0) {
                p.setPen(style.foreground());
                p.setFont(labelFont);
                // Sub-column i mod nameColumns, each a name's width further left, with a thin
                // leader line to its node (#20 walk 7: the shifted names floated).
                const double shift = static_cast<double>(static_cast<int>(i) % layout.nameColumns) *
                                     (layout.nameWidth + style.px(6.0));
                const double nameRight = centre.x() - r - style.px(4.0) - shift;
                if (shift > 0.0) {
                    p.setPen(QPen(style.muted(), std::max(1.0, style.px(0.6))));
                    p.drawLine(QPointF(nameRight + style.px(2.0), centre.y()),
                               QPointF(centre.x() - r - style.px(2.0), centre.y()));
                    p.setPen(style.foreground());
                }
                detail::drawText(p, QPointF(nameRight, centre.y()),
                                 Qt::AlignRight | Qt::AlignVCenter,
                                 QString::fromStdString(inputName(net.features, int(i))));
            }
        }
        // "+N more" where the last slot would be.
        const int n = columnSize(net, c);
        const int shown = layout.shown[static_cast<std::size_t>(c)];
        if (n > shown && shown > 0) {
            const auto& column = layout.nodes[static_cast<std::size_t>(c)];
            const QPointF last = column.back();
            const double dy = column.size() > 1 ? column[1].y() - column[0].y() : 2.0 * r;
            const double clear =
                r + outline + QFontMetricsF(labelFont).height() / 2.0 + style.px(2.0);
            p.setPen(style.muted());
            p.setFont(labelFont);
            detail::drawText(p, QPointF(last.x(), last.y() + std::max(dy, clear)),
                             Qt::AlignHCenter | Qt::AlignVCenter, moreText(n - shown));
        }
    }

    // Column headers above, activations below.
    const QFont header = style.font(kHeaderPt);
    const QFont headerBold = style.font(kHeaderPt, true);
    const double textTop = rect.top() + style.px(6.0);
    const double textBottom = rect.bottom() - style.px(6.0);
    for (int c = 0; c < columns; ++c) {
        const double x = layout.nodes[static_cast<std::size_t>(c)].empty()
                             ? rect.center().x()
                             : layout.nodes[static_cast<std::size_t>(c)].front().x();
        p.setPen(style.foreground());
        p.setFont(headerBold);
        detail::drawText(p, QPointF(x, textTop), Qt::AlignHCenter | Qt::AlignTop,
                         columnTitle(net, c));
        // A lesson's exercise hides the activations too (the quiz asks for them).
        if (c >= 1 && !opt.hideWeights) {
            p.setFont(header);
            detail::drawText(
                p, QPointF(x, textBottom), Qt::AlignHCenter | Qt::AlignBottom,
                activationText(net.layers[static_cast<std::size_t>(c - 1)].activation));
        }
    }
    p.restore();
}

}  // namespace nnlens::figures
