// The network diagram: inputs and nodes as circles, edges as thick as |w| and coloured by its
// sign, the activation under each column; any input dimension.
#include <QFontMetricsF>

#include <algorithm>
#include <cmath>
#include <tuple>

#include "figures.hpp"
#include "paint_util.hpp"

namespace nnlens::figures {

namespace {

// Columns taller than this show their first kMaxShown - 1 nodes and a "+N more" mark.
constexpr int kMaxShown = 24;
constexpr double kHeaderPt = 12.0;
constexpr double kEdgeHitPixels = 4.0;

int columnSize(const Network& net, int c) {
    return c == 0 ? net.inputs : net.layers[static_cast<std::size_t>(c - 1)].outputs();
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
    return c == 0 ? QStringLiteral("inputs (%1)").arg(n)
                  : QStringLiteral("layer %1 (%2)").arg(c).arg(n);
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
    for (int c = 0; c < columns; ++c)
        maxSlots = std::max(maxSlots, slotCount(columnSize(net, c)));

    const double textH = QFontMetricsF(style.font(kHeaderPt)).height();
    const double top = rect.top() + style.px(6.0) + textH + style.px(6.0);
    const double bottom = rect.bottom() - style.px(6.0) - textH - style.px(6.0);
    // Room for the input names on the left and half the widest column header on either side.
    const QFontMetricsF headerMetrics(style.font(kHeaderPt, true));
    double widestHeader = 0.0;
    for (int c = 0; c < columns; ++c)
        widestHeader = std::max(widestHeader, headerMetrics.horizontalAdvance(columnTitle(net, c)));
    const double side =
        std::max({style.px(40.0), 0.06 * rect.width(), widestHeader / 2.0 + style.px(6.0)});
    const double left = rect.left() + side;
    const double right = rect.right() - side;
    const double dx = columns > 1 ? (right - left) / (columns - 1) : 0.0;
    const double dy = std::max(1.0, (bottom - top) / maxSlots);
    layout.radius = std::max(
        2.0, std::min({style.px(14.0), 0.36 * dy, columns > 1 ? 0.12 * dx : style.px(14.0)}));

    layout.nodes.resize(static_cast<std::size_t>(columns));
    layout.shown.resize(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c) {
        const int n = columnSize(net, c);
        const int count = slotCount(n);
        const int shown = n > kMaxShown ? kMaxShown - 1 : n;
        const double x = columns > 1 ? left + c * dx : rect.center().x();
        const double cy = (top + bottom) / 2.0;
        auto& column = layout.nodes[static_cast<std::size_t>(c)];
        for (int i = 0; i < shown; ++i)
            column.emplace_back(x, cy + (i - (count - 1) / 2.0) * dy);
        layout.shown[static_cast<std::size_t>(c)] = shown;
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
    double best = kEdgeHitPixels;
    const std::size_t layers = std::min(net.layers.size() + 1, nodes.size());
    for (std::size_t c = 1; c < layers; ++c) {
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

void paintDiagram(QPainter& p, const QRectF& rect, const Network& net, const FigureOptions& opt) {
    const FigureStyle style = diagramStyle(net, rect, opt.style);
    detail::fillBackground(p, rect, style);
    const DiagramLayout layout = layoutDiagram(net, rect, opt);
    const int columns = static_cast<int>(layout.nodes.size());
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);

    // Edges: thickness and opacity follow |w| / max |w|, colour its sign; strongest on top.
    float maxAbs = 0.0f;
    for (const Layer& l : net.layers)
        if (l.W.size() > 0) maxAbs = std::max(maxAbs, l.W.cwiseAbs().maxCoeff());
    std::vector<std::tuple<float, QPointF, QPointF, bool>> edges;
    // w = 0 exactly has neither sign: a grey dashed hairline says "connected, no weight" (#13).
    std::vector<QLineF> zeros;
    for (int c = 1; c < columns; ++c) {
        const Layer& layer = net.layers[static_cast<std::size_t>(c - 1)];
        const auto& from = layout.nodes[static_cast<std::size_t>(c - 1)];
        const auto& to = layout.nodes[static_cast<std::size_t>(c)];
        for (std::size_t j = 0; j < to.size(); ++j) {
            for (std::size_t i = 0; i < from.size(); ++i) {
                const float w = layer.W(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
                if (w == 0.0f) {
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
        p.setPen(QPen(style.muted(), style.px(0.8), Qt::DashLine, Qt::FlatCap));
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
    const double labelPx = std::min(style.px(11.0), std::max(r * 1.4, style.px(6.0)));
    const QFont labelFont = detail::pixelFont(style, labelPx);
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
                detail::drawText(p, QPointF(centre.x() - r - style.px(4.0), centre.y()),
                                 Qt::AlignRight | Qt::AlignVCenter,
                                 QStringLiteral("x%1").arg(i + 1));
            }
        }
        // "+N more" where the last slot would be.
        const int n = columnSize(net, c);
        const int shown = layout.shown[static_cast<std::size_t>(c)];
        if (n > shown && shown > 0) {
            const auto& column = layout.nodes[static_cast<std::size_t>(c)];
            const QPointF last = column.back();
            const double dy = column.size() > 1 ? column[1].y() - column[0].y() : 2.0 * r;
            p.setPen(style.muted());
            p.setFont(labelFont);
            detail::drawText(p, QPointF(last.x(), last.y() + dy),
                             Qt::AlignHCenter | Qt::AlignVCenter,
                             QStringLiteral("+%1 more").arg(n - shown));
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
        if (c >= 1) {
            p.setFont(header);
            detail::drawText(
                p, QPointF(x, textBottom), Qt::AlignHCenter | Qt::AlignBottom,
                activationText(net.layers[static_cast<std::size_t>(c - 1)].activation));
        }
    }
    p.restore();
}

}  // namespace nnlens::figures
