// The data-flow figure: the network as the seed's torch.nn.Sequential modules, left to right, with
// the tensor shapes trace(net, verbose=True) prints: forward (IN/OUT) above the arrows, backward
// (GRAD, the gradient of the loss with respect to a module's output) below them.
#include <QFontMetricsF>
#include <QPainterPath>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "colormap.hpp"
#include "core/trace.hpp"
#include "figures.hpp"
#include "paint_util.hpp"
#include "text/number_text.hpp"

namespace nnlens::figures {

namespace {

struct Shape {
    Eigen::Index rows = 0;
    Eigen::Index cols = 0;
};

QString shapeText(Shape s) {
    return QStringLiteral("(%1, %2)").arg(s.rows).arg(s.cols);
}

Shape shapeOf(const Matrix& m) {
    return {m.rows(), m.cols()};
}

// The shapes drawn: the trace's tensors when it traced this network's modules, else the shapes a
// trace of opt.flowSamples rows would have.
struct FlowShapes {
    std::vector<Module> modules;
    std::vector<Shape> in, out;
    std::vector<std::optional<Shape>> grad;  // none: traced without a loss
    std::optional<float> loss;
    bool traced = false;
    // Traced with a loss: the RMS of each module's GRAD, sqrt(mean^2 + std^2) (gradient flow).
    std::vector<double> gradRms;
};

bool traceFits(const ModuleTrace& t, const std::vector<Module>& modules, const Network& net) {
    // A trace from before a feature was turned on or off has the old first-layer width.
    if (t.size() != static_cast<int>(modules.size()) || t.net.inputs != net.inputs ||
        t.net.features != net.features) {
        return false;
    }
    for (int m = 0; m < t.size(); ++m) {
        const Module& mod = modules[static_cast<std::size_t>(m)];
        const Layer& layer = net.layers[static_cast<std::size_t>(mod.layer)];
        if (t.output(m).cols() != layer.outputs() ||
            t.modules[static_cast<std::size_t>(m)].linear != mod.linear) {
            return false;
        }
    }
    return true;
}

FlowShapes flowShapes(const Network& net, const FigureOptions& opt) {
    FlowShapes s;
    s.modules = splitModules(net);
    const ModuleTrace* t = opt.trace.get();
    if (t && traceFits(*t, s.modules, net)) {
        s.traced = true;
        s.loss = t->loss();
        for (int m = 0; m < t->size(); ++m) {
            s.in.push_back(shapeOf(t->input(m)));
            s.out.push_back(shapeOf(t->output(m)));
            const Matrix* g = t->grad(m);
            s.grad.push_back(g ? std::optional<Shape>(shapeOf(*g)) : std::nullopt);
        }
        for (const ModuleSummary& sum : t->summaries) {
            if (!sum.grad) break;
            s.gradRms.push_back(
                std::sqrt(sum.grad->mean * sum.grad->mean + sum.grad->std * sum.grad->std));
        }
        if (s.gradRms.size() != s.modules.size()) s.gradRms.clear();
        return s;
    }
    const Eigen::Index n = std::max(1, opt.flowSamples);
    for (const Module& mod : s.modules) {
        const Layer& layer = net.layers[static_cast<std::size_t>(mod.layer)];
        s.in.push_back({n, mod.linear ? layer.inputs() : layer.outputs()});
        s.out.push_back({n, layer.outputs()});
        s.grad.push_back(s.out.back());
    }
    return s;
}

// Where everything goes; layoutFlow() and paintFlow() share it.
struct FlowGeometry {
    std::vector<QRectF> boxes;  // modules first .. first + boxes.size() - 1
    int first = 0;
    QRectF previous, next;  // the "◀" / "▶" marks of left-out modules
    double gap = 0.0;       // arrow length between boxes (and before the first, after the last)
    double font = 10.0;     // pixels, for the shapes and the module names
    double titleFont = 12.0;
    QRectF title;
    QRectF legend;
    bool legendStacked = false;  // forward and backward on two lines: side by side they overlap
    QRectF chart;                // the gradient-flow chart under the boxes; empty without one
};

// The legend's two halves: the forward shapes above the arrows, the gradients below.
QString forwardLegend() {
    return QStringLiteral("\u2192 forward: IN / OUT shapes (above)");
}
QString backwardLegend(const FlowShapes& s) {
    return !s.grad.empty() && s.grad.back()
               ? QStringLiteral("\u2190 backward: GRAD = dL/d(module output) (below)")
               : QStringLiteral("no loss: forward only");
}

FlowGeometry flowGeometry(const Network& net, const QRectF& rect, const FigureOptions& opt,
                          const FlowShapes& s) {
    FlowGeometry g;
    const int total = static_cast<int>(s.modules.size());
    const double margin = 0.03 * std::min(rect.width(), rect.height());
    QRectF inner = rect.adjusted(margin, margin, -margin, -margin);
    constexpr double kGapRatio = 1.1;  // arrow length per box width

    // One text size for every label: as large as the style asks, smaller when the widest module
    // name or shape would not fit its box or arrow.
    const FigureStyle& style = opt.style;
    const QFontMetricsF probe(detail::pixelFont(style, 100.0, true));
    double name = 1e-6;
    double shape = 1e-6;
    for (int m = 0; m < total; ++m) {
        for (const QString& line : moduleTitle(net, m).split(QLatin1Char('\n')))
            name = std::max(name, probe.horizontalAdvance(line) / 100.0);
        shape = std::max(
            shape, probe.horizontalAdvance(shapeText(s.in[static_cast<std::size_t>(m)])) / 100.0);
    }
    const auto fontFor = [&](int k, double width) {
        const double u = width / (std::max(k, 1) + (std::max(k, 1) + 1) * kGapRatio);
        return std::min(
            {style.px(13.0), inner.height() / 12.0, 0.9 * u / name, 0.92 * u * kGapRatio / shape});
    };
    // Fit, then floor (#20): with a text floor (the window's views), as many modules as fit with
    // their labels (drawn at 0.85 of the font) at the floor, around the selected one; "◀" and
    // "▶" say that more are there. Files draw every module.
    int n = total;
    const QRectF full = inner;  // the title, legend and chart's width
    const double floor = style.minTextPx / 0.85;
    if (floor > 0.0 && total > 1 && fontFor(total, inner.width()) < floor) {
        const double markW = QFontMetricsF(detail::pixelFont(style, floor))
                                 .horizontalAdvance(QStringLiteral("\u25c0")) *
                             1.6;
        const double width = inner.width() - 2.0 * markW;
        n = 1;
        while (n + 1 < total && fontFor(n + 1, width) >= floor)
            ++n;
        g.first = std::clamp(opt.flowModule - n / 2, 0, total - n);
        if (g.first > 0) g.previous = QRectF(inner.left(), inner.top(), markW, inner.height());
        if (g.first + n < total)
            g.next = QRectF(inner.right() - markW, inner.top(), markW, inner.height());
        inner.adjust(markW, 0, -markW, 0);
    }
    const double unit = inner.width() / (std::max(n, 1) + (std::max(n, 1) + 1) * kGapRatio);
    g.gap = unit * kGapRatio;
    g.font = std::max({4.0, fontFor(n, inner.width()), floor});
    // The title has the whole width: never smaller than at the normal scale (presentation mode's
    // larger controls leave the view a little shorter).
    g.titleFont = std::min(style.px(12.0), std::max({g.font * 1.15, inner.height() / 16.0,
                                                     style.px(12.0) / std::max(1.0, style.scale)}));

    g.title = QRectF(full.left(), full.top(), full.width(), g.titleFont * 1.6);
    // Forward left, backward right; stacked when they would run into each other (#20).
    const QFontMetricsF legendMetrics(detail::pixelFont(style, g.font));
    g.legendStacked = legendMetrics.horizontalAdvance(forwardLegend()) +
                          legendMetrics.horizontalAdvance(backwardLegend(s)) + g.font * 2.0 >
                      full.width();
    const double legendH = g.font * (g.legendStacked ? 2.8 : 1.6);
    g.legend = QRectF(full.left(), full.bottom() - legendH, full.width(), legendH);
    // With a text floor, room above the boxes for "Xin" (a box as tall as the view put it over
    // the title).
    const double top = g.title.bottom() + (floor > 0.0 ? g.font * 1.6 : 0.0);
    const double bottom = g.legend.top();
    double boxH =
        std::clamp(unit * 0.75, g.font * 5.5, std::max(g.font * 5.5, (bottom - top) * 0.5));
    // With a text floor the box stays between the title and the legend (its "(m)" and two lines
    // of name need about four lines of text), and leaves room under it for "dL/dXout".
    // Never so short that the shapes above the arrows reach above it (where "Xin" is).
    if (floor > 0.0) boxH = std::max(g.font * 4.8, std::min(boxH, bottom - top - g.font * 2.6));
    double cy = (top + bottom) / 2.0;
    if (!s.gradRms.empty() && bottom - top >= boxH + g.font * 10.0) {
        // The boxes higher up, the gradient-flow chart under them.
        cy = top + g.font * 2.0 + boxH / 2.0;
        const double chartTop = cy + boxH / 2.0 + g.font * 3.0;
        g.chart = QRectF(full.left(), chartTop, full.width(), bottom - g.font * 0.8 - chartTop);
    }
    for (int m = 0; m < n; ++m) {
        const double x = inner.left() + g.gap + m * (unit + g.gap);
        g.boxes.emplace_back(x, cy - boxH / 2.0, unit, boxH);
    }
    // The marks as tall as the boxes.
    if (!g.previous.isEmpty())
        g.previous = QRectF(g.previous.left(), cy - boxH / 2.0, g.previous.width(), boxH);
    if (!g.next.isEmpty()) g.next = QRectF(g.next.left(), cy - boxH / 2.0, g.next.width(), boxH);
    return g;
}

void drawArrow(QPainter& p, QPointF from, QPointF to, const QColor& colour, double width) {
    p.setPen(QPen(colour, width, Qt::SolidLine, Qt::FlatCap));
    const double dir = to.x() > from.x() ? 1.0 : -1.0;
    const double head = std::max(4.0, width * 4.0);
    p.drawLine(from, QPointF(to.x() - dir * head * 0.8, to.y()));
    QPainterPath tip;
    tip.moveTo(to);
    tip.lineTo(to.x() - dir * head, to.y() - head * 0.5);
    tip.lineTo(to.x() - dir * head, to.y() + head * 0.5);
    tip.closeSubpath();
    p.fillPath(tip, colour);
}

QColor forwardColour(const FigureStyle& style) {
    return style.foreground();
}

QColor backwardColour() {
    return QColor(148, 103, 189);  // tab:purple
}

QString number(double v) {
    return QString::fromStdString(text::formatNumber(v, 3, text::Digits::Significant));
}

// The gradient flow: a bar under each module for the RMS of its GRAD on a log axis, so a
// gradient that vanishes (or explodes) on its way back shows at a glance.
void paintGradientChart(QPainter& p, const FlowGeometry& g, const FlowShapes& s,
                        const FigureStyle& style) {
    const QRectF& r = g.chart;
    double lo = std::numeric_limits<double>::infinity();
    double hi = -lo;
    for (const double v : s.gradRms) {
        if (v > 0.0 && std::isfinite(v)) {
            lo = std::min(lo, std::log10(v));
            hi = std::max(hi, std::log10(v));
        }
    }
    const QFont font = detail::pixelFont(style, g.font * 0.85);
    p.setFont(font);
    p.setPen(style.foreground());
    detail::drawText(p, r.topLeft(), Qt::AlignLeft | Qt::AlignTop,
                     QStringLiteral("RMS of GRAD (log)"));
    if (!(hi >= lo)) return;  // every gradient 0 or not finite
    lo = std::floor(lo);
    hi = std::max(lo + 1.0, std::ceil(hi));
    const QRectF plot(r.left(), r.top() + g.font * 2.6, r.width(), r.height() - g.font * 2.6);
    if (plot.height() < 4.0) return;
    auto py = [&](double logValue) {
        return plot.bottom() - (logValue - lo) / (hi - lo) * plot.height();
    };
    // Powers of ten: dashed lines, labelled left of the first box.
    const double perDecade = plot.height() / (hi - lo);
    const int step = std::max(1, static_cast<int>(std::ceil(g.font * 1.3 / perDecade)));
    const double left = g.boxes.front().left() - g.gap * 0.1;
    for (int k = static_cast<int>(lo); k <= static_cast<int>(hi); k += step) {
        const double y = py(k);
        p.setPen(QPen(style.muted(), 1.0, Qt::DashLine));
        p.drawLine(QPointF(left, y), QPointF(g.boxes.back().right(), y));
        p.setPen(style.muted());
        detail::drawText(p, QPointF(left - g.font * 0.3, y), Qt::AlignRight | Qt::AlignVCenter,
                         QStringLiteral("1e%1").arg(k));
    }
    for (std::size_t k = 0; k < g.boxes.size(); ++k) {
        const std::size_t m = static_cast<std::size_t>(g.first) + k;
        if (m >= s.gradRms.size()) break;
        const double v = s.gradRms[m];
        const QRectF& box = g.boxes[k];
        const double w = box.width() * 0.45;
        p.setPen(style.foreground());
        if (!(v > 0.0 && std::isfinite(v))) {
            detail::drawHaloText(p, QPointF(box.center().x(), plot.bottom()),
                                 Qt::AlignHCenter | Qt::AlignBottom, number(v), font,
                                 style.foreground(), style.background());
            continue;
        }
        const double top = py(std::log10(v));
        p.fillRect(QRectF(box.center().x() - w / 2.0, top, w, plot.bottom() - top),
                   backwardColour());
        // On a halo of the background: the decades' dashed lines pass behind the value (#20).
        detail::drawHaloText(p, QPointF(box.center().x(), top - g.font * 0.2),
                             Qt::AlignHCenter | Qt::AlignBottom, number(v), font,
                             style.foreground(), style.background());
    }
}

// The chain's part of the figure: all of it, or the top when the selected module's tensors are
// drawn below (a trace, and room for them).
QRectF chainRect(const QRectF& rect, const FlowShapes& s, const FigureStyle& style) {
    if (!s.traced || rect.height() < 300.0) return rect;
    // With a text floor the chain keeps the height its labels need at it (about 13 lines);
    // the tensors get what is left.
    const double floor = style.minTextPx / 0.85;
    const double height = std::min(rect.height(), std::max(rect.height() * 0.5, floor * 13.0));
    return QRectF(rect.left(), rect.top(), rect.width(), height);
}

// One tensor of the selected module: its values as an image (rows = samples, columns =
// features; a vector is one row) in the maps' diverging colours over +-max|value|, its histogram
// and mean / std / min / max.
struct TensorPanel {
    QString name;
    const float* values = nullptr;
    Eigen::Index rows = 0;
    Eigen::Index cols = 0;
    const TensorSummary* summary = nullptr;
};

QImage tensorImage(const TensorPanel& t) {
    const double vlim = std::max({std::abs(t.summary->min), std::abs(t.summary->max), 1e-12});
    const Colormap& cmap = Colormap::diverging();
    QImage img(static_cast<int>(t.cols), static_cast<int>(t.rows), QImage::Format_RGB32);
    for (Eigen::Index r = 0; r < t.rows; ++r) {
        auto* line = reinterpret_cast<QRgb*>(img.scanLine(static_cast<int>(r)));
        for (Eigen::Index c = 0; c < t.cols; ++c) {
            const float v = t.values[c * t.rows + r];  // column-major
            line[c] = cmap.at(0.5 + 0.5 * static_cast<double>(v) / vlim);
        }
    }
    return img;
}

QString pairedStats(const TensorSummary& m) {
    return QStringLiteral("mean %1  std %2\nmin %3  max %4")
        .arg(number(m.mean), number(m.std), number(m.min), number(m.max));
}

// `narrow`: mean / std / min / max one a line (every panel alike, so the images line up).
void drawTensorPanel(QPainter& p, const QRectF& rect, const TensorPanel& t, double font,
                     bool narrow, const FigureStyle& style) {
    const double pad = font * 0.3;
    p.setFont(detail::pixelFont(style, font, true));
    p.setPen(style.foreground());
    p.drawText(QRectF(rect.left(), rect.top(), rect.width(), font * 1.4),
               Qt::AlignHCenter | Qt::AlignVCenter, t.name);
    const QRectF body = rect.adjusted(pad, font * 1.5, -pad, 0);
    const TensorSummary& m = *t.summary;
    const QFont statsFont = detail::pixelFont(style, font * 0.85);
    const QFontMetricsF fm(statsFont);
    const QString stats =
        narrow ? QStringLiteral("mean %1\nstd %2\nmin %3\nmax %4")
                     .arg(number(m.mean), number(m.std), number(m.min), number(m.max))
               : pairedStats(m);
    const double statsH = fm.lineSpacing() * (narrow ? 4.2 : 2.2);
    // The histogram a third of the room, two lines where there is more, at most half: the
    // image keeps the other half where the room is short (#20: it was a 10 px strip).
    const double room = std::max(0.0, body.height() - statsH - pad);
    const double histH = std::clamp(room * 0.3, std::min(font * 2.0, room * 0.5), room * 0.5);
    const QRectF image(body.left(), body.top(), body.width(), body.height() - statsH - histH - pad);
    const QRectF hist(body.left(), image.bottom() + pad, body.width(), histH);
    if (t.rows > 0 && t.cols > 0 && image.height() > 2) {
        p.save();
        p.setRenderHint(QPainter::SmoothPixmapTransform, false);
        p.drawImage(image, tensorImage(t));
        p.restore();
        p.setPen(QPen(style.muted(), 1.0));
        p.setBrush(Qt::NoBrush);
        p.drawRect(image);
    }
    // The histogram: bars over [min, max], the tallest filling the box.
    const auto& counts = t.summary->hist.counts;
    std::int64_t most = 1;
    for (const std::int64_t c : counts)
        most = std::max(most, c);
    if (!counts.empty()) {
        const double w = hist.width() / static_cast<double>(counts.size());
        for (std::size_t i = 0; i < counts.size(); ++i) {
            const double h =
                hist.height() * static_cast<double>(counts[i]) / static_cast<double>(most);
            p.fillRect(QRectF(hist.left() + static_cast<double>(i) * w, hist.bottom() - h, w, h),
                       QColor(31, 119, 180));  // tab:blue, matplotlib's hist
        }
        p.setPen(QPen(style.muted(), 1.0));
        p.drawLine(hist.bottomLeft(), hist.bottomRight());
    }
    p.setFont(statsFont);
    p.setPen(style.foreground());
    p.drawText(QRectF(rect.left(), hist.bottom() + pad, rect.width(), statsH),
               Qt::AlignHCenter | Qt::AlignTop, stats);
}

// The selected module's tensors: all of them (input, output, grad, W, b, dW, db), in that order.
std::vector<TensorPanel> modulePanels(const ModuleTrace& t, int module) {
    std::vector<TensorPanel> panels;
    if (module < 0 || module >= t.size()) return panels;
    const ModuleSummary& sum = t.summaries[static_cast<std::size_t>(module)];
    auto shape = [](Eigen::Index r, Eigen::Index c) {
        return QStringLiteral(" (%1, %2)").arg(r).arg(c);
    };
    auto add = [&](const QString& name, const float* v, Eigen::Index r, Eigen::Index c,
                   const TensorSummary* s) {
        if (s) panels.push_back({name + shape(r, c), v, r, c, s});
    };
    const Matrix& in = t.input(module);
    const Matrix& out = t.output(module);
    add(QStringLiteral("input"), in.data(), in.rows(), in.cols(), &sum.in);
    add(QStringLiteral("output"), out.data(), out.rows(), out.cols(), &sum.out);
    if (const Matrix* g = t.grad(module)) {
        add(QStringLiteral("grad"), g->data(), g->rows(), g->cols(),
            sum.grad ? &*sum.grad : nullptr);
    }
    if (const Matrix* w = t.weight(module)) {
        add(QStringLiteral("W"), w->data(), w->rows(), w->cols(),
            sum.weight ? &*sum.weight : nullptr);
    }
    if (const Vector* b = t.bias(module)) {
        add(QStringLiteral("b"), b->data(), 1, b->size(), sum.bias ? &*sum.bias : nullptr);
    }
    if (const Matrix* w = t.weightGrad(module)) {
        add(QStringLiteral("dW"), w->data(), w->rows(), w->cols(),
            sum.weightGrad ? &*sum.weightGrad : nullptr);
    }
    if (const Vector* b = t.biasGrad(module)) {
        add(QStringLiteral("db"), b->data(), 1, b->size(), sum.biasGrad ? &*sum.biasGrad : nullptr);
    }
    return panels;
}

// Where the tensor panels go: the cells of the panels shown (from pages.first), their font and
// whether their statistics go one a line; with "◀ 1–3 of 7 ▶" and the names of the others on a
// row under them where the floor leaves room for fewer than all.
struct DetailLayout {
    std::vector<TensorPanel> panels;  // all of the module's
    std::vector<QRectF> cells;        // per panel shown
    double font = 0.0;
    bool narrow = false;
    bool tooSmall = false;  // not even one panel fits: a note says so
    FigurePages pages;
    QString pagesText;
    QRectF pagesBox;
    QRectF noteRow;
    QString note;
};

DetailLayout layoutModuleDetail(const QRectF& rect, const ModuleTrace& t, int module, double font,
                                const FigureStyle& style, int first) {
    DetailLayout d;
    d.panels = modulePanels(t, module);
    const int all = static_cast<int>(d.panels.size());
    d.pages.total = all;
    if (all == 0) return d;
    const double gap = font * 0.8;
    // The panel titles must fit their width; with a text floor (the window), the panels wrap
    // into as many rows as it takes for titles and statistics (0.85 of them) to stay at it, and
    // when even that is too tall for the view fewer show at a time, with a pager under them that
    // says which (#20: fit, then floor; the gradient a lesson step asks for is a click away).
    const QFontMetricsF probe(detail::pixelFont(style, 100.0, true));
    const double floor = style.minTextPx / 0.85;
    const double pagerH = font * 1.4;
    struct Fit {
        int rows = 1;
        int perRow = 1;
        double w = 0.0;
        double f = 0.0;
        bool narrow = false;
        bool fits = true;
    };
    const auto fit = [&](int from, int count, double noteH, double imageLines) {
        Fit r;
        const auto begin = d.panels.begin() + from;
        const auto end = begin + count;
        for (r.rows = 1;; ++r.rows) {
            r.perRow = (count + r.rows - 1) / r.rows;
            r.w = (rect.width() - gap * static_cast<double>(r.perRow - 1)) /
                  static_cast<double>(r.perRow);
            r.f = font;
            for (auto it = begin; it != end; ++it)
                r.f = std::min(r.f, 0.95 * r.w / (probe.horizontalAdvance(it->name) / 100.0));
            if (r.f >= floor || r.perRow == 1) break;
        }
        r.f = std::max({4.0, r.f, floor});
        // A panel needs its title, its statistics and a little of its image and histogram: at
        // the font `size`, whether its statistics go on two lines a pair.
        const auto needAt = [&](double size, bool* twoLines) {
            const QFontMetricsF fm(detail::pixelFont(style, size * 0.85));
            *twoLines = false;
            for (auto it = begin; it != end; ++it) {
                const QRectF box =
                    fm.boundingRect(QRectF(0, 0, 1e6, 1e6), 0, pairedStats(*it->summary));
                *twoLines = *twoLines || box.width() > r.w;
            }
            return size * 1.5 + fm.lineSpacing() * (*twoLines ? 4.2 : 2.2) + size * imageLines;
        };
        double need = needAt(r.f, &r.narrow);
        const double room = (rect.height() - noteH - gap * (r.rows - 1)) / r.rows;
        // Smaller text, down to the floor, before fewer panels.
        if (floor > 0.0 && need > room && r.f > floor) {
            r.f = std::max(floor, r.f * room / need);
            need = needAt(r.f, &r.narrow);
        }
        r.fits = floor <= 0.0 || need <= room;
        return r;
    };
    // The image and the histogram 3.5 lines high in all where one panel at least fits so (#20:
    // 2.8 lines left the image a 10 px strip in presentation mode), else 2.8.
    int count = all;
    Fit chosen;
    double imageLines = 3.5;
    for (const double lines : {3.5, 2.8}) {
        imageLines = lines;
        count = all;
        chosen = fit(0, all, 0.0, lines);
        while (!chosen.fits && count > 1) {
            --count;
            chosen = fit(0, count, pagerH, lines);
        }
        if (chosen.fits) break;
    }
    if (!chosen.fits) {
        d.tooSmall = true;
        return d;
    }
    // As many on each page as the pages need (no lone panel on the last page; fewer fit wider).
    if (count < all) {
        const int pages = (all + count - 1) / count;
        const int even = (all + pages - 1) / pages;
        if (even != count) chosen = fit(0, count = even, pagerH, imageLines);
    }
    // Whole pages: the last one shows the rest, no tensor twice.
    d.pages.first = std::clamp(first, 0, all - 1) / count * count;
    d.pages.perPage = count;
    if (count < all) {
        // The grid of a whole page (the last page's panels keep their size).
        chosen = fit(std::min(d.pages.first, all - count), count, pagerH, imageLines);
        count = std::min(count, all - d.pages.first);
    }
    d.pages.shown = count;
    d.font = chosen.f;
    d.narrow = chosen.narrow;
    const double noteH = d.pages.perPage < all ? pagerH : 0.0;
    const double h = (rect.height() - noteH - gap * static_cast<double>(chosen.rows - 1)) /
                     static_cast<double>(chosen.rows);
    for (int i = 0; i < count; ++i) {
        const int row = i / chosen.perRow;
        const int col = i % chosen.perRow;
        d.cells.emplace_back(rect.left() + col * (chosen.w + gap), rect.top() + row * (h + gap),
                             chosen.w, h);
    }
    if (d.pages.perPage < all) {
        d.noteRow = QRectF(rect.left(), rect.bottom() - noteH, rect.width(), noteH);
        d.pagesText = d.pages.text();
        const QFont pagerFont = detail::pixelFont(style, d.font * 0.85, true);
        const detail::PagerBoxes boxes =
            detail::pagerBoxes(d.noteRow, d.pagesText, pagerFont, d.font * 0.3);
        d.pages.previous = boxes.previous;
        d.pages.next = boxes.next;
        d.pagesBox = boxes.pages;
        // The others by name, as many as fit beside the pager.
        QStringList others;
        for (int i = 0; i < all; ++i) {
            if (i < d.pages.first || i >= d.pages.first + count)
                others << d.panels[static_cast<std::size_t>(i)].name.section(QStringLiteral(" ("),
                                                                             0, 0);
        }
        const QFontMetricsF fm(detail::pixelFont(style, d.font * 0.85));
        const double room = boxes.previous.left() - d.noteRow.left() - d.font * 0.5;
        for (const QString& note : {QStringLiteral("also: ") + others.join(QStringLiteral(", ")),
                                    QStringLiteral("%1 more").arg(others.size())}) {
            if (fm.horizontalAdvance(note) <= room) {
                d.note = note;
                break;
            }
        }
    }
    return d;
}

// The selected module's tensors in `rect`, one panel each, left to right.
void paintModuleDetail(QPainter& p, const DetailLayout& d, const QRectF& rect,
                       const FigureStyle& style) {
    if (d.panels.empty()) return;
    if (d.tooSmall) {
        // Not even the module's input: said, not drawn over each other.
        p.setFont(detail::pixelFont(style, style.minTextPx));
        p.setPen(style.muted());
        const QString note = QStringLiteral(
            "The module's tensors need more room: a taller window, or fewer "
            "docks (View menu)");
        // Wrapped, whole (elided, its advice was cut off at 1280 x 800).
        p.drawText(rect, Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, note);
        return;
    }
    if (!d.pagesText.isEmpty()) {
        p.setPen(style.muted());
        p.setFont(detail::pixelFont(style, d.font * 0.85));
        if (!d.note.isEmpty()) {
            detail::drawText(p, QPointF(d.noteRow.left(), d.noteRow.center().y()),
                             Qt::AlignLeft | Qt::AlignVCenter, d.note);
        }
        p.setPen(style.foreground());
        detail::drawPager(p, {d.pages.previous, d.pagesBox, d.pages.next}, d.pagesText,
                          detail::pixelFont(style, d.font * 0.85, true), d.pages.previousShown(),
                          d.pages.nextShown());
    }
    for (std::size_t i = 0; i < d.cells.size(); ++i) {
        drawTensorPanel(p, d.cells[i], d.panels[static_cast<std::size_t>(d.pages.first) + i],
                        d.font, d.narrow, style);
    }
}

// The rect under the chain where the selected module's tensors go.
QRectF detailRect(const QRectF& rect, const QRectF& chain, double font) {
    const double margin = 0.03 * std::min(rect.width(), rect.height());
    return QRectF(rect.left() + margin, chain.bottom() + font * 0.5, rect.width() - 2 * margin,
                  rect.bottom() - chain.bottom() - margin - font * 0.5);
}

}  // namespace

QString moduleTitle(const Network& net, int module) {
    const std::vector<Module> modules = splitModules(net);
    if (module < 0 || module >= static_cast<int>(modules.size())) return {};
    const Module& mod = modules[static_cast<std::size_t>(module)];
    const Layer& layer = net.layers[static_cast<std::size_t>(mod.layer)];
    if (mod.linear)
        return QStringLiteral("Linear\n(%1, %2)").arg(layer.inputs()).arg(layer.outputs());
    switch (mod.activation) {
        case Activation::Relu:
            return QStringLiteral("ReLU()");
        case Activation::Elu:
            return QStringLiteral("ELU()");
        case Activation::Softplus:
            return QStringLiteral("Softplus()");
        case Activation::Sigmoid:
            return QStringLiteral("Sigmoid()");
        case Activation::Tanh:
            return QStringLiteral("Tanh()");
        case Activation::Softsign:
            return QStringLiteral("Softsign()");
        case Activation::Softmax:
            return QStringLiteral("Softmax(dim=1)");
        case Activation::LeakyRelu:
            return QStringLiteral("LeakyReLU()");
        case Activation::Gelu:
            return QStringLiteral("GELU()");
        case Activation::Silu:
            return QStringLiteral("SiLU()");
        case Activation::Linear:
            break;
    }
    return QStringLiteral("Identity()");
}

int defaultFlowSamples(const Network& net) {
    return net.inputs >= 100 ? 500 : 100;
}

bool flowUsesData(const Network& net, const Dataset* data) {
    return data && data->size() > 0 && data->inputs() == net.inputs;
}

std::shared_ptr<const ModuleTrace> traceFlow(const Network& net, const FlowSource& source) {
    if (net.layers.empty()) return nullptr;
    TraceConfig cfg;
    cfg.lossScale = source.lossScale;
    if (flowUsesData(net, source.data.get())) {
        const Dataset& data = *source.data;
        const bool targets = data.targets() > 0 || data.hasLabels();
        cfg.loss = targets ? source.loss : LossConfig{Loss::Mse, Reduction::Mean};
        return std::make_shared<const ModuleTrace>(traceModules(net, data, cfg));
    }
    cfg.loss = LossConfig{Loss::Mse, Reduction::Mean};
    const Dataset normal = normalDataset(std::max(1, source.samples), net.inputs, source.seed);
    return std::make_shared<const ModuleTrace>(traceModules(net, normal, cfg));
}

int FlowLayout::hit(QPointF p) const {
    for (std::size_t m = 0; m < boxes.size(); ++m) {
        if (boxes[m].contains(p)) return first + static_cast<int>(m);
    }
    if (previous.contains(p)) return first - 1;
    if (next.contains(p)) return first + static_cast<int>(boxes.size());
    return -1;
}

double flowWidthFor(const Network& net, const FigureStyle& style, double fontPx, double height) {
    FigureOptions opt;
    opt.style = style;
    const FlowShapes s = flowShapes(net, opt);
    const int n = std::max(1, static_cast<int>(s.modules.size()));
    // As flowGeometry: a box holds its name at 0.9 of its width, an arrow its shape at 0.92.
    const QFontMetricsF probe(detail::pixelFont(style, 100.0, true));
    double unit = 0.0;
    for (int m = 0; m < static_cast<int>(s.modules.size()); ++m) {
        for (const QString& line : moduleTitle(net, m).split(QLatin1Char('\n')))
            unit = std::max(unit, fontPx * probe.horizontalAdvance(line) / 100.0 / 0.9);
        const double shape =
            fontPx * probe.horizontalAdvance(shapeText(s.in[static_cast<std::size_t>(m)])) / 100.0;
        unit = std::max(unit, shape / 0.92 / 1.1);
    }
    const double inner = unit * (n + (n + 1) * 1.1);
    return inner + 2.0 * 0.03 * std::min(inner, height);
}

FlowLayout layoutFlow(const Network& net, const QRectF& rect, const FigureOptions& opt) {
    FlowLayout layout;
    const FlowShapes s = flowShapes(net, opt);
    const FlowGeometry g = flowGeometry(net, chainRect(rect, s, opt.style), opt, s);
    layout.boxes = g.boxes;
    layout.first = g.first;
    layout.previous = g.previous;
    layout.next = g.next;
    const QRectF chain = chainRect(rect, s, opt.style);
    if (chain != rect && opt.trace) {
        const DetailLayout d =
            layoutModuleDetail(detailRect(rect, chain, g.font), *opt.trace, opt.flowModule, g.font,
                               opt.style, opt.flowTensorFirst);
        layout.tensors = d.pages;
    }
    return layout;
}

void paintFlow(QPainter& p, const QRectF& rect, const Network& net, const FigureOptions& opt) {
    detail::fillBackground(p, rect, opt.style);
    const FigureStyle& style = opt.style;
    const FlowShapes s = flowShapes(net, opt);
    if (s.modules.empty()) {
        detail::drawNote(p, rect, QStringLiteral("no layers: nothing flows"), style);
        return;
    }
    const QRectF chain = chainRect(rect, s, opt.style);
    const FlowGeometry g = flowGeometry(net, chain, opt, s);
    // The modules shown: first .. first + n - 1 of total.
    const int total = static_cast<int>(s.modules.size());
    const int first = g.first;
    const int n = static_cast<int>(g.boxes.size());
    const auto at = [](int i) { return static_cast<std::size_t>(i); };
    p.save();
    if (chain != rect) {
        // Below the chain: the selected module's tensors.
        const QRectF below = detailRect(rect, chain, g.font);
        p.setPen(QPen(style.muted(), 1.0));
        p.drawLine(QPointF(below.left(), chain.bottom()), QPointF(below.right(), chain.bottom()));
        paintModuleDetail(p,
                          layoutModuleDetail(below, *opt.trace, opt.flowModule, g.font, style,
                                             opt.flowTensorFirst),
                          below, style);
    }

    // Title: the batch, and the loss of a traced backward pass; which modules, when not all.
    QString title = QStringLiteral("torch.nn.Sequential, N = %1").arg(s.in.front().rows);
    if (s.loss) {
        title += QStringLiteral(",  loss = ") +
                 QString::fromStdString(text::formatNumber(*s.loss, 4, text::Digits::Significant));
    }
    if (n < total) {
        title += QStringLiteral("  \u00b7  modules (%1)-(%2) of %3")
                     .arg(first)
                     .arg(first + n - 1)
                     .arg(total);
    }
    p.setFont(detail::pixelFont(style, g.titleFont, true));
    p.setPen(style.foreground());
    // Too wide for the view (the modules' range cut at 1280 x 800): without "torch.nn.Sequential,
    // ", then elided.
    const QFontMetricsF titleMetrics(p.font());
    if (titleMetrics.horizontalAdvance(title) > g.title.width())
        title.remove(QStringLiteral("torch.nn.Sequential, "));
    p.drawText(g.title, Qt::AlignLeft | Qt::AlignVCenter,
               titleMetrics.elidedText(title, Qt::ElideRight, g.title.width()));

    const double lineW = std::max(1.0, style.px(1.2)) * (style.highContrast ? 1.5 : 1.0);
    const QFont shapeFont = detail::pixelFont(style, g.font);
    const QFont nameFont = detail::pixelFont(style, g.font, true);
    const QFont smallFont = detail::pixelFont(style, g.font * 0.85);
    const QColor fwd = forwardColour(style);
    const QColor back = backwardColour();
    const double pad = g.font * 0.3;

    // Arrow i enters box i (i = n: leaves the last box towards the loss).
    for (int i = 0; i <= n; ++i) {
        const QRectF& ref = g.boxes[static_cast<std::size_t>(std::min(i, n - 1))];
        const double x1 = i < n ? ref.left() : ref.right() + g.gap;
        const double x0 = x1 - g.gap;
        const double yF = ref.center().y() - ref.height() * 0.22;
        const double yB = ref.center().y() + ref.height() * 0.22;
        const double inset = g.gap * 0.06;
        drawArrow(p, QPointF(x0 + inset, yF), QPointF(x1 - inset, yF), fwd, lineW);
        const Shape forward = i < n ? s.in[at(first + i)] : s.out[at(first + n - 1)];
        p.setFont(shapeFont);
        p.setPen(fwd);
        detail::drawText(p, QPointF((x0 + x1) / 2.0, yF - pad), Qt::AlignHCenter | Qt::AlignBottom,
                         shapeText(forward));
        if ((i == 0 && first == 0) || (i == n && first + n == total)) {
            p.setFont(smallFont);
            p.setPen(style.muted());
            // Above the box, and above the shape when that reaches higher.
            const double shapeTop = yF - pad - QFontMetricsF(shapeFont).height();
            detail::drawText(p, QPointF((x0 + x1) / 2.0, std::min(ref.top(), shapeTop) - pad),
                             Qt::AlignHCenter | Qt::AlignBottom,
                             i == 0 ? QStringLiteral("Xin") : QStringLiteral("Xout"));
        }
        // Backward: module i - 1's GRAD flows back out of arrow i.
        if (i > 0) {
            if (const auto grad = s.grad[at(first + i - 1)]) {
                drawArrow(p, QPointF(x1 - inset, yB), QPointF(x0 + inset, yB), back, lineW);
                p.setFont(shapeFont);
                p.setPen(back);
                detail::drawText(p, QPointF((x0 + x1) / 2.0, yB + pad),
                                 Qt::AlignHCenter | Qt::AlignTop, shapeText(*grad));
            }
        }
    }
    if (s.grad.back() && first + n == total) {
        p.setFont(smallFont);
        p.setPen(back);
        const QRectF& last = g.boxes.back();
        detail::drawText(p, QPointF(last.right() + g.gap / 2.0, last.bottom() + pad),
                         Qt::AlignHCenter | Qt::AlignTop, QStringLiteral("dL/dXout"));
    }

    // The boxes: "(m)" as print(net) numbers them, and the module.
    // The marks of the modules left out, on either side.
    p.setFont(nameFont);
    p.setPen(style.muted());
    if (!g.previous.isEmpty()) p.drawText(g.previous, Qt::AlignCenter, QStringLiteral("\u25c0"));
    if (!g.next.isEmpty()) p.drawText(g.next, Qt::AlignCenter, QStringLiteral("\u25b6"));
    for (int k = 0; k < n; ++k) {
        const int m = first + k;
        const QRectF& box = g.boxes[at(k)];
        const bool linear = s.modules[at(m)].linear;
        p.setPen(QPen(style.foreground(), lineW));
        // Pale blue and orange boxes; their dark shades under the Dark theme's light text.
        if (style.dark)
            p.setBrush(linear ? QColor(38, 52, 76) : QColor(76, 56, 32));
        else
            p.setBrush(linear ? QColor(226, 234, 246) : QColor(250, 236, 214));
        p.drawRoundedRect(box, g.font * 0.4, g.font * 0.4);
        p.setFont(smallFont);
        p.setPen(style.muted());
        detail::drawText(p, QPointF(box.center().x(), box.top() + pad),
                         Qt::AlignHCenter | Qt::AlignTop, QStringLiteral("(%1)").arg(m));
        p.setFont(nameFont);
        p.setPen(style.foreground());
        p.drawText(box.adjusted(0, g.font, 0, 0), Qt::AlignCenter, moduleTitle(net, m));
        if (m == opt.flowModule) {
            p.setBrush(Qt::NoBrush);
            // On the box's own edge: drawn outside it, at a projector's line width it covered
            // the shape labels beside the box (#20).
            p.setPen(QPen(detail::selectionColour(), lineW * 2.5));
            p.drawRoundedRect(box, g.font * 0.5, g.font * 0.5);
        }
    }

    if (!g.chart.isEmpty()) paintGradientChart(p, g, s, style);

    // Legend.
    p.setFont(shapeFont);
    QRectF fwdRect = g.legend;
    QRectF backRect = g.legend;
    Qt::Alignment backAlign = Qt::AlignRight | Qt::AlignVCenter;
    if (g.legendStacked) {
        fwdRect.setBottom(g.legend.center().y());
        backRect.setTop(g.legend.center().y());
        backAlign = Qt::AlignLeft | Qt::AlignVCenter;
    }
    p.setPen(fwd);
    p.drawText(fwdRect, Qt::AlignLeft | Qt::AlignVCenter, forwardLegend());
    p.setPen(s.grad.back() ? back : style.muted());
    p.drawText(backRect, backAlign, backwardLegend(s));
    p.restore();
}

}  // namespace nnlens::figures
