// Data points over the node maps and the decision line (marching squares), and the data figure:
// the output node's map with points, axes, colour bar and accuracy.
#include "points.hpp"

#include <QFontMetricsF>
#include <QLineF>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

#include "axes.hpp"
#include "core/forward.hpp"
#include "core/metrics.hpp"
#include "map_cell.hpp"
#include "paint_util.hpp"
#include "text/number_text.hpp"

namespace nnlens::figures {

int trainingRowCount(const FigureOptions& opt) {
    if (!opt.data) return 0;
    const int n = opt.data->size();
    return opt.trainRows < 0 ? n : std::min(opt.trainRows, n);
}

namespace detail {

QColor highClassColour() {
    return QColor(255, 196, 0);  // amber: apart from the map's red, blue and white
}

QColor lowClassColour() {
    return QColor(0, 205, 190);  // turquoise
}

namespace {

constexpr QRgb kTab10[] = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
                           0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf};

// The class of row i, or -1 for regression data.
int rowClass(const Dataset& data, int i) {
    if (data.targets() == 1) {
        const float y = data.y(i, 0);
        if (y == 1.0f) return 1;
        if (y == 0.0f || y == -1.0f) return 0;
    }
    if (data.hasLabels()) return data.labels[static_cast<std::size_t>(i)];
    return -1;
}

bool multiClass(const Dataset& data) {
    return data.hasLabels() &&
           std::any_of(data.labels.begin(), data.labels.end(), [](int c) { return c > 1; });
}

}  // namespace

QColor pointColour(const DataOverlay& o, int row) {
    const Dataset& data = *o.data;
    if (o.classification) {
        const int c = std::max(0, rowClass(data, row));
        if (o.multiClass && data.targets() != 1) return QColor::fromRgb(kTab10[c % 10]);
        return c == 1 ? highClassColour() : lowClassColour();
    }
    if (data.targets() == 0) return QColor(128, 128, 128);
    const double span = o.targetHi - o.targetLo;
    const double t = span > 0.0 ? (data.y(row, 0) - o.targetLo) / span : 0.5;
    return QColor::fromRgb(Colormap::viridis().at(t));
}

DataOverlay makeDataOverlay(const Network& net, const FigureOptions& opt, bool all) {
    DataOverlay o;
    if (!opt.data || opt.data->size() == 0 || opt.data->inputs() != 2 || net.inputs != 2 ||
        net.layers.empty()) {
        return o;
    }
    o.data = opt.data.get();
    o.trainRows = trainingRowCount(opt);
    const int n = o.data->size();
    // Without "show validation data", only the training rows (Playground's checkbox); the
    // validation rows are the last ones.
    const int drawable = opt.showValidation ? n : std::min(n, o.trainRows);
    const int stride = std::max(1, (drawable + kMaxDrawnPoints - 1) / kMaxDrawnPoints);
    o.shown.reserve(static_cast<std::size_t>((drawable + stride - 1) / stride));
    for (int i = 0; i < drawable; i += stride)
        o.shown.push_back(i);
    o.classification = isClassification(*o.data);
    o.multiClass = multiClass(*o.data);
    if (opt.outputs && opt.outputs->rows() == n && opt.outputs->cols() == net.outputs()) {
        o.outputs = *opt.outputs;
        o.wrong = misclassified(o.outputs, *o.data);
    } else if (all || stride == 1) {
        o.outputs = forward(net, o.data->x).output();
        o.wrong = misclassified(o.outputs, *o.data);
    } else {
        // Only the shown rows through the network (a slider drag repaints every frame).
        Dataset sample;
        sample.x.resize(static_cast<Eigen::Index>(o.shown.size()), o.data->x.cols());
        sample.y.resize(static_cast<Eigen::Index>(o.shown.size()), o.data->y.cols());
        for (std::size_t k = 0; k < o.shown.size(); ++k) {
            const auto i = static_cast<Eigen::Index>(o.shown[k]);
            sample.x.row(static_cast<Eigen::Index>(k)) = o.data->x.row(i);
            sample.y.row(static_cast<Eigen::Index>(k)) = o.data->y.row(i);
            if (o.data->hasLabels()) {
                sample.labels.push_back(o.data->labels[static_cast<std::size_t>(o.shown[k])]);
            }
        }
        const std::vector<bool> wrong = misclassified(forward(net, sample.x).output(), sample);
        o.wrong.assign(static_cast<std::size_t>(n), false);
        for (std::size_t k = 0; k < o.shown.size() && k < wrong.size(); ++k)
            o.wrong[static_cast<std::size_t>(o.shown[k])] = wrong[k];
    }
    if (o.wrong.size() != static_cast<std::size_t>(n))
        o.wrong.assign(static_cast<std::size_t>(n), false);
    if (!o.classification && o.data->targets() > 0) {
        o.targetLo = o.data->y.col(0).minCoeff();
        o.targetHi = o.data->y.col(0).maxCoeff();
    }
    return o;
}

}  // namespace detail

double pointMarkerRadius(double mapWidth, const FigureStyle& style) {
    // About 1/85 of the map, within 1.3 px and 3.5 pt.
    return std::clamp(mapWidth / 85.0, 1.3, style.px(3.5));
}

namespace detail {

bool overlayOnLayer(const Network& net, int layer, const FigureOptions& opt) {
    return opt.data && (opt.pointsOnAllMaps || layer + 1 == static_cast<int>(net.layers.size()));
}

std::optional<float> decisionLevel(Activation a, const Dataset* data) {
    if (a != Activation::Sigmoid && a != Activation::Tanh) return std::nullopt;
    if (data != nullptr && data->size() > 0 && isClassification(*data)) {
        const bool plusMinus = data->targets() == 1 && (data->y.array() != 0.0f).all();
        return plusMinus ? 0.0f : 0.5f;
    }
    return a == Activation::Sigmoid ? 0.5f : 0.0f;
}

std::vector<QLineF> decisionSegments(const Network& net, int layer, int node, float level,
                                     double range, const QRectF& rect, int n) {
    std::vector<QLineF> segments;
    if (n < 2 || layer < 0 || layer >= static_cast<int>(net.layers.size())) return segments;
    // The grid of spec section 5: x = linspace(-r, r, n), row 0 at the bottom.
    Matrix grid(static_cast<Eigen::Index>(n) * n, 2);
    for (int row = 0; row < n; ++row) {
        for (int col = 0; col < n; ++col) {
            grid(row * n + col, 0) = static_cast<float>(-range + 2.0 * range * col / (n - 1));
            grid(row * n + col, 1) = static_cast<float>(-range + 2.0 * range * row / (n - 1));
        }
    }
    const Trace trace = forward(net, grid);
    const Matrix& out = trace.layers[static_cast<std::size_t>(layer)].out;
    const auto v = [&](int row, int col) { return out(row * n + col, node) - level; };
    const DataAxes ax{rect, -range, range, -range, range};
    const auto at = [&](double col, double row) {
        return ax.map(-range + 2.0 * range * col / (n - 1), -range + 2.0 * range * row / (n - 1));
    };
    // Where the level crosses the edge from corner a (value va) to corner b (value vb).
    const auto cross = [&](double ca, double ra, double va, double cb, double rb, double vb) {
        const double t = va / (va - vb);
        return at(ca + t * (cb - ca), ra + t * (rb - ra));
    };
    for (int row = 0; row + 1 < n; ++row) {
        for (int col = 0; col + 1 < n; ++col) {
            // Corners counter-clockwise from the bottom left.
            const double a = v(row, col), b = v(row, col + 1), c = v(row + 1, col + 1),
                         d = v(row + 1, col);
            std::vector<QPointF> pts;
            if ((a >= 0) != (b >= 0)) pts.push_back(cross(col, row, a, col + 1, row, b));
            if ((b >= 0) != (c >= 0)) pts.push_back(cross(col + 1, row, b, col + 1, row + 1, c));
            if ((c >= 0) != (d >= 0)) pts.push_back(cross(col + 1, row + 1, c, col, row + 1, d));
            if ((d >= 0) != (a >= 0)) pts.push_back(cross(col, row + 1, d, col, row, a));
            if (pts.size() == 2) {
                segments.emplace_back(pts[0], pts[1]);
            } else if (pts.size() == 4) {
                // A saddle: the centre's sign decides which corners the lines cut off.
                const bool centre = (a + b + c + d) / 4.0 >= 0;
                if (centre == (a >= 0)) {
                    segments.emplace_back(pts[0], pts[1]);
                    segments.emplace_back(pts[2], pts[3]);
                } else {
                    segments.emplace_back(pts[3], pts[0]);
                    segments.emplace_back(pts[1], pts[2]);
                }
            }
        }
    }
    return segments;
}

void drawDataOverlay(QPainter& p, const QRectF& rect, double range, const Network& net, int layer,
                     int node, const DataOverlay& o, const FigureOptions& opt,
                     const FigureStyle& figureStyle) {
    if (o.empty() || !overlayOnLayer(net, layer, opt)) return;
    // Lines thin out on small maps, as drawMapCell's do.
    const FigureStyle style = fittedStyle(figureStyle, rect.size(), QSizeF(150.0, 150.0));
    p.save();
    p.setClipRect(rect);
    p.setRenderHint(QPainter::Antialiasing, true);
    const DataAxes ax{rect, -range, range, -range, range};
    const bool output = layer + 1 == static_cast<int>(net.layers.size());

    // The decision line under the points: a dark line with a light edge, readable on any colour.
    // Only for classification data: for regression targets no level decides anything.
    if (output && o.classification) {
        if (const auto level = decisionLevel(net.layers.back().activation, o.data)) {
            const int n = std::clamp(static_cast<int>(rect.width() / 3.0), 16, 120);
            const auto segments = decisionSegments(net, layer, node, *level, range, rect, n);
            if (!segments.empty()) {
                p.setPen(
                    QPen(QColor(255, 255, 255, 170), style.px(2.6), Qt::SolidLine, Qt::RoundCap));
                p.drawLines(segments.data(), static_cast<int>(segments.size()));
                p.setPen(QPen(QColor(20, 20, 20), style.px(1.3), Qt::SolidLine, Qt::RoundCap));
                p.drawLines(segments.data(), static_cast<int>(segments.size()));
            }
        }
    }

    const double r = pointMarkerRadius(rect.width(), style);
    const double line = std::max(0.6, r / 3.5);
    const QColor outline(25, 25, 25);
    for (const int i : o.shown) {
        const double x = o.data->x(i, 0);
        const double y = o.data->x(i, 1);
        if (!(std::abs(x) <= range && std::abs(y) <= range)) continue;
        const QPointF c = ax.map(x, y);
        const QColor colour = pointColour(o, i);
        if (i < o.trainRows) {
            p.setPen(QPen(outline, line));
            p.setBrush(colour);
            p.drawEllipse(c, r, r);
        } else {
            // Hollow: a coloured ring between two dark edges.
            p.setBrush(Qt::NoBrush);
            p.setPen(QPen(outline, 2.0 * line + 0.45 * r));
            p.drawEllipse(c, r * 0.85, r * 0.85);
            p.setPen(QPen(colour, 0.45 * r));
            p.drawEllipse(c, r * 0.85, r * 0.85);
        }
    }
    if (opt.markMisclassified && output) {
        // A cross over each misclassified point, dark on a light edge.
        const double k = r * 1.25;
        std::vector<QLineF> crosses;
        for (const int i : o.shown) {
            if (!o.wrong[static_cast<std::size_t>(i)]) continue;
            const double x = o.data->x(i, 0);
            const double y = o.data->x(i, 1);
            if (!(std::abs(x) <= range && std::abs(y) <= range)) continue;
            const QPointF c = ax.map(x, y);
            crosses.emplace_back(c + QPointF(-k, -k), c + QPointF(k, k));
            crosses.emplace_back(c + QPointF(-k, k), c + QPointF(k, -k));
        }
        if (!crosses.empty()) {
            p.setPen(QPen(Qt::white, 2.0 * line + 1.6, Qt::SolidLine, Qt::RoundCap));
            p.drawLines(crosses.data(), static_cast<int>(crosses.size()));
            p.setPen(QPen(QColor(200, 0, 0), 1.6 * line, Qt::SolidLine, Qt::RoundCap));
            p.drawLines(crosses.data(), static_cast<int>(crosses.size()));
        }
    }
    p.restore();
}

}  // namespace detail

void paintData(QPainter& p, const QRectF& rect, const Network& net, const MapSet& maps,
               const FigureOptions& opt) {
    detail::fillBackground(p, rect, opt.style);
    const FigureStyle style = detail::fittedStyle(opt.style, rect.size(), QSizeF(330.0, 330.0));
    const NodeRef node{static_cast<int>(net.layers.size()) - 1, 0};
    const bool ok = !net.layers.empty() && !maps.empty() &&
                    maps.layers() == static_cast<int>(net.layers.size()) &&
                    !maps.images.back().empty();
    if (!ok) {
        detail::drawNote(p, rect, QStringLiteral("No map (it needs a network with 2 inputs)"),
                         style);
        return;
    }
    const detail::DataOverlay overlay = detail::makeDataOverlay(net, opt, true);

    const double margin = style.px(8.0);
    const QRectF area = rect.adjusted(margin, margin, -margin, -margin);
    // Title: the node; below it the counts and, for classification data, the accuracy.
    QString title = QStringLiteral("Data on %1").arg(detail::nodeLabel(node.layer, node.node));
    QString subtitle;
    if (!overlay.empty()) {
        const int n = overlay.data->size();
        const int train = overlay.trainRows;
        subtitle = QStringLiteral("%1 training points (filled)").arg(train);
        if (n > train) subtitle += QStringLiteral(", %1 validation (hollow)").arg(n - train);
        if (overlay.shown.size() < static_cast<std::size_t>(n)) {
            subtitle += QStringLiteral("; %1 drawn").arg(overlay.shown.size());
        }
        const auto number = [](double v) {
            return QString::fromStdString(text::formatNumber(100.0 * v, 3)) + QStringLiteral(" %");
        };
        if (!overlay.classification && overlay.data->targets() > 0) {
            subtitle += QStringLiteral("; colour: y from %1 (dark) to %2 (yellow)")
                            .arg(QString::fromStdString(text::formatNumber(overlay.targetLo, 3)),
                                 QString::fromStdString(text::formatNumber(overlay.targetHi, 3)));
        }
        if (const auto acc = accuracy(overlay.outputs, *overlay.data, 0, train)) {
            subtitle += QStringLiteral("; accuracy ") + number(*acc);
            if (const auto val = accuracy(overlay.outputs, *overlay.data, train, n)) {
                subtitle += QStringLiteral(" (validation ") + number(*val) + QStringLiteral(")");
            }
        }
    }
    const double top = detail::drawHeading(p, area, title, 16.0, subtitle, 11.0, style);
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
    cell.histograms = false;  // the points are the subject here
    cell.arrow = opt.arrows;
    cell.label = false;
    detail::drawMapCell(p, mapRect, net, maps, cell, style);
    detail::drawDataOverlay(p, mapRect, r, net, node.layer, node.node, overlay, opt, style);
    detail::drawAxesFrame(p, detail::DataAxes{mapRect, -r, r, -r, r}, style, axes);
    paintColourBar(p, layout.bar, maps.vlim, style);
}

}  // namespace nnlens::figures
