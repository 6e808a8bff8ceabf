// Private painting helpers shared by the figures (see paint_util.hpp).
#include "paint_util.hpp"

#include <QFontMetricsF>
#include <QPainterPath>
#include <QPolygonF>
#include <QStringList>

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

#include "text/number_text.hpp"

namespace nnlens::figures::detail {

QColor activationColour(Activation a) {
    return QColor::fromRgb(static_cast<QRgb>(activationInfo(a).colour));
}

QColor positiveColour() {
    return QColor::fromRgb(Colormap::diverging().at(1.0));
}

QColor negativeColour() {
    return QColor::fromRgb(Colormap::diverging().at(0.0));
}

QColor selectionColour() {
    return QColor(230, 110, 0);
}

void fillBackground(QPainter& p, const QRectF& rect, const FigureStyle& style) {
    p.save();
    p.setCompositionMode(QPainter::CompositionMode_Source);
    p.fillRect(rect, style.background());
    p.restore();
}

QFont pixelFont(const FigureStyle& style, double pixels, bool bold) {
    QFont f = style.font(10.0, bold);
    f.setPixelSize(std::max(1, static_cast<int>(std::lround(style.textPx(pixels)))));
    return f;
}

std::vector<double> niceTicks(double lo, double hi, int maxTicks) {
    std::vector<double> ticks;
    if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) return ticks;
    const double raw = (hi - lo) / std::max(1, maxTicks - 1);
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    double step = 10.0 * mag;
    for (const double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        if (m * mag >= raw * (1.0 - 1e-9)) {
            step = m * mag;
            break;
        }
    }
    const double eps = step * 1e-6;
    for (double k = std::ceil((lo - eps) / step); k * step <= hi + eps; k += 1.0) {
        const double v = k * step;
        ticks.push_back(std::abs(v) < eps ? 0.0 : v);
    }
    return ticks;
}

QString tickLabel(double v, double step) {
    int decimals = 0;
    while (decimals < 6) {
        const double scaled = std::abs(step) * std::pow(10.0, decimals);
        if (std::abs(scaled - std::round(scaled)) < 1e-6 * std::max(1.0, scaled)) break;
        ++decimals;
    }
    QString s = QString::fromStdString(text::formatNumber(v, decimals, text::Digits::Decimals));
    // matplotlib writes a real minus sign.
    if (s.startsWith('-')) s.replace(0, 1, QStringLiteral("\u2212"));
    return s;
}

namespace {

constexpr double kTickPt = 10.0;   // tick labels (matplotlib's default font size)
constexpr double kLabelPt = 12.0;  // axis labels
constexpr double kTickLenPt = 3.5;
constexpr double kPadPt = 3.5;

double tickStep(const std::vector<double>& ticks) {
    return ticks.size() > 1 ? ticks[1] - ticks[0] : 1.0;
}

}  // namespace

std::vector<double> fittedTicks(double lo, double hi, int maxTicks, double length, bool horizontal,
                                const FigureStyle& style) {
    const QFontMetricsF fm(style.font(kTickPt));
    std::vector<double> ticks;
    for (int m = std::max(2, maxTicks); m >= 2; --m) {
        ticks = niceTicks(lo, hi, m);
        double need = 0.0;
        for (const double v : ticks) {
            need += horizontal ? fm.horizontalAdvance(tickLabel(v, tickStep(ticks))) + fm.height()
                               : 1.4 * fm.height();
        }
        if (need <= length) break;
    }
    return ticks;
}

namespace {

// "10⁻³" for a power of ten, as matplotlib labels a log axis.
QString powerLabel(int exponent) {
    static const char16_t* kDigits[] = {u"\u2070", u"\u00b9", u"\u00b2", u"\u00b3", u"\u2074",
                                        u"\u2075", u"\u2076", u"\u2077", u"\u2078", u"\u2079"};
    QString s = QStringLiteral("10");
    if (exponent < 0) s += QStringLiteral("\u207b");
    for (const QChar c : QString::number(std::abs(exponent)))
        s += QString::fromUtf16(kDigits[c.digitValue()]);
    return s;
}

std::vector<Tick> logTicks(double lo, double hi, int maxTicks) {
    std::vector<Tick> ticks;
    const int first = static_cast<int>(std::ceil(lo - 1e-9));
    const int last = static_cast<int>(std::floor(hi + 1e-9));
    const int count = last - first + 1;
    if (count >= 2) {
        const int every = std::max(1, (count + std::max(2, maxTicks) - 1) / std::max(2, maxTicks));
        for (int e = first; e <= last; ++e) {
            if ((e - first) % every == 0) ticks.push_back({static_cast<double>(e), powerLabel(e)});
        }
        return ticks;
    }
    // Less than two decades: 1, 2 and 5 times the powers of ten in range; within a decade every
    // multiple 1..9, so that a loss curve between 0.24 and 0.45 still has numbers on its axis.
    const auto multiples = [&](std::initializer_list<double> ms) {
        ticks.clear();
        for (int e = first - 1; e <= last + 1; ++e) {
            for (const double m : ms) {
                const double at = e + std::log10(m);
                if (at < lo - 1e-9 || at > hi + 1e-9) continue;
                ticks.push_back({at, m == 1.0 ? powerLabel(e)
                                              : QString::fromStdString(
                                                    text::formatNumber(m * std::pow(10.0, e), 3))});
            }
        }
    };
    multiples({1.0, 2.0, 5.0});
    if (ticks.size() >= 2) return ticks;
    multiples({1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0});
    if (ticks.size() >= 2) return ticks;
    // A narrower range still: plain numbers at round values, placed on the log axis.
    ticks.clear();
    const double vlo = std::pow(10.0, lo);
    const double vhi = std::pow(10.0, hi);
    const auto values = niceTicks(vlo, vhi, std::max(2, maxTicks));
    const double step = tickStep(values);
    for (const double v : values) {
        if (v <= 0.0 || v < vlo * (1 - 1e-9) || v > vhi * (1 + 1e-9)) continue;
        ticks.push_back({std::log10(v), tickLabel(v, step)});
    }
    return ticks;
}

}  // namespace

std::vector<Tick> axisTicks(double lo, double hi, int maxTicks, double length, bool horizontal,
                            bool log, const FigureStyle& style) {
    std::vector<Tick> ticks;
    if (!log) {
        const auto values = fittedTicks(lo, hi, maxTicks, length, horizontal, style);
        for (const double v : values)
            ticks.push_back({v, tickLabel(v, tickStep(values))});
        return ticks;
    }
    const QFontMetricsF fm(style.font(kTickPt));
    for (int m = std::max(2, maxTicks); m >= 2; --m) {
        ticks = logTicks(lo, hi, m);
        double need = 0.0;
        for (const Tick& t : ticks)
            need += horizontal ? fm.horizontalAdvance(t.label) + fm.height() : 1.4 * fm.height();
        if (need <= length) break;
    }
    return ticks;
}

FigureStyle fittedStyle(const FigureStyle& style, QSizeF available, QSizeF designPoints) {
    FigureStyle s = style;
    // The fit is taken against the design at scale 1, so presentation mode's larger text and
    // lines survive in views no larger than the design.
    const double unscaled = style.scale > 0.0 ? style.scale : 1.0;
    const double f = std::min({1.0, available.width() * unscaled / style.px(designPoints.width()),
                               available.height() * unscaled / style.px(designPoints.height())});
    s.scale = style.scale * std::max(style.minFit, f);
    return s;
}

double axesLeftMargin(const FigureStyle& style, const AxesText& text, double yLo, double yHi) {
    const QFontMetricsF tick(style.font(kTickPt));
    double widest = 0.0;
    if (text.logY) {
        for (const Tick& t : logTicks(yLo, yHi, text.maxTicksY))
            widest = std::max(widest, tick.horizontalAdvance(t.label));
    } else {
        const auto ticks = niceTicks(yLo, yHi, text.maxTicksY);
        for (const double v : ticks)
            widest = std::max(widest, tick.horizontalAdvance(tickLabel(v, tickStep(ticks))));
    }
    double m = style.px(kTickLenPt + kPadPt) + widest;
    if (!text.yLabel.isEmpty())
        m += style.px(kPadPt) + QFontMetricsF(style.font(kLabelPt)).height();
    return m + style.px(2.0);
}

double axesBottomMargin(const FigureStyle& style, const AxesText& text) {
    double m = style.px(kTickLenPt + kPadPt) + QFontMetricsF(style.font(kTickPt)).height();
    if (!text.xLabel.isEmpty())
        m += style.px(kPadPt) + QFontMetricsF(style.font(kLabelPt)).height();
    return m + style.px(2.0);
}

void drawText(QPainter& p, const QPointF& anchor, Qt::Alignment align, const QString& text) {
    const QFontMetricsF fm(p.font());
    const double w = fm.horizontalAdvance(text);
    double x = anchor.x();
    if (align & Qt::AlignRight) x -= w;
    if (align & Qt::AlignHCenter) x -= w / 2.0;
    double y = anchor.y();  // baseline
    if (align & Qt::AlignTop) y += fm.ascent();
    if (align & Qt::AlignBottom) y -= fm.descent();
    if (align & Qt::AlignVCenter) y += (fm.ascent() - fm.descent()) / 2.0;
    p.drawText(QPointF(x, y), text);
}

void drawHaloText(QPainter& p, const QPointF& anchor, Qt::Alignment align, const QString& text,
                  const QFont& font, const QColor& colour, const QColor& halo) {
    const QFontMetricsF fm(font);
    const double w = fm.horizontalAdvance(text);
    double x = anchor.x();
    if (align & Qt::AlignRight) x -= w;
    if (align & Qt::AlignHCenter) x -= w / 2.0;
    double y = anchor.y();
    if (align & Qt::AlignTop) y += fm.ascent();
    if (align & Qt::AlignBottom) y -= fm.descent();
    if (align & Qt::AlignVCenter) y += (fm.ascent() - fm.descent()) / 2.0;
    // The halo is the text drawn at eight offsets: glyphs come from Qt's glyph cache, where a
    // stroked QPainterPath would re-outline every glyph on every frame (most of a live repaint).
    p.save();
    p.setFont(font);
    const double r = std::max(1.0, font.pixelSize() / 12.0);
    p.setPen(halo);
    for (int k = 0; k < 8; ++k) {
        const double a = k * M_PI / 4.0;
        p.drawText(QPointF(x + r * std::cos(a), y + r * std::sin(a)), text);
    }
    p.setPen(colour);
    p.drawText(QPointF(x, y), text);
    p.restore();
}

void drawAxesGrid(QPainter& p, const DataAxes& ax, const FigureStyle& style, const AxesText& t) {
    if (!t.grid) return;
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setPen(QPen(style.faint(style.highContrast ? 40 : 22), style.px(0.8)));
    for (const Tick& k : axisTicks(ax.x0, ax.x1, t.maxTicksX, ax.rect.width(), true, t.logX, style))
        p.drawLine(QPointF(ax.px(k.at), ax.rect.top()), QPointF(ax.px(k.at), ax.rect.bottom()));
    for (const Tick& k :
         axisTicks(ax.y0, ax.y1, t.maxTicksY, ax.rect.height(), false, t.logY, style))
        p.drawLine(QPointF(ax.rect.left(), ax.py(k.at)), QPointF(ax.rect.right(), ax.py(k.at)));
    p.restore();
}

void drawAxesFrame(QPainter& p, const DataAxes& ax, const FigureStyle& style, const AxesText& t) {
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    const double lw = style.px(style.highContrast ? 1.2 : 0.8);
    const QColor fg = style.foreground();
    p.setPen(QPen(fg, lw, Qt::SolidLine, Qt::SquareCap, Qt::MiterJoin));
    p.setBrush(Qt::NoBrush);
    p.drawRect(ax.rect);

    const double tickLen = style.px(kTickLenPt);
    const double pad = style.px(kPadPt);
    p.setFont(style.font(kTickPt));
    const QFontMetricsF tfm(p.font());
    for (const Tick& k :
         axisTicks(ax.x0, ax.x1, t.maxTicksX, ax.rect.width(), true, t.logX, style)) {
        const double x = ax.px(k.at);
        p.drawLine(QPointF(x, ax.rect.bottom()), QPointF(x, ax.rect.bottom() + tickLen));
        drawText(p, QPointF(x, ax.rect.bottom() + tickLen + pad), Qt::AlignHCenter | Qt::AlignTop,
                 k.label);
    }
    double widest = 0.0;
    for (const Tick& k :
         axisTicks(ax.y0, ax.y1, t.maxTicksY, ax.rect.height(), false, t.logY, style)) {
        const double y = ax.py(k.at);
        const QString& label = k.label;
        widest = std::max(widest, tfm.horizontalAdvance(label));
        p.drawLine(QPointF(ax.rect.left() - tickLen, y), QPointF(ax.rect.left(), y));
        drawText(p, QPointF(ax.rect.left() - tickLen - pad, y), Qt::AlignRight | Qt::AlignVCenter,
                 label);
    }

    p.setFont(style.font(kLabelPt));
    if (!t.xLabel.isEmpty()) {
        const double y = ax.rect.bottom() + tickLen + pad + tfm.height() + pad;
        drawText(p, QPointF(ax.rect.center().x(), y), Qt::AlignHCenter | Qt::AlignTop, t.xLabel);
    }
    if (!t.yLabel.isEmpty()) {
        const double x = ax.rect.left() - tickLen - pad - widest - pad;
        p.translate(x, ax.rect.center().y());
        p.rotate(-90.0);
        drawText(p, QPointF(0.0, 0.0), Qt::AlignHCenter | Qt::AlignBottom, t.yLabel);
    }
    p.restore();
}

double colourBarWidth(const FigureStyle& style, double lo, double hi) {
    const QFontMetricsF fm(style.font(kTickPt));
    const auto ticks = niceTicks(lo, hi, 9);
    double widest = fm.horizontalAdvance(QStringLiteral("0.0"));
    for (const double v : ticks)
        widest = std::max(widest, fm.horizontalAdvance(tickLabel(v, tickStep(ticks))));
    return style.px(12.0) + style.px(kTickLenPt + kPadPt) + widest + style.px(2.0);
}

void drawColourBar(QPainter& p, const QRectF& rect, double lo, double hi, const Colormap& cmap,
                   const FigureStyle& style) {
    if (rect.width() <= 0.0 || rect.height() <= 0.0 || !(hi > lo)) return;
    p.save();
    p.setFont(style.font(kTickPt));
    const QFontMetricsF fm(p.font());
    const double inset = fm.height() / 2.0;
    const QRectF bar(std::round(rect.left()), std::round(rect.top() + inset),
                     std::round(std::min(style.px(12.0), rect.width() * 0.4)),
                     std::round(std::max(1.0, rect.height() - 2.0 * inset)));
    // One image row per pixel row, top = hi, so the bar reads as a smooth gradient.
    const int rows = std::max(1, static_cast<int>(bar.height()));
    QImage img(1, rows, QImage::Format_ARGB32_Premultiplied);
    for (int r = 0; r < rows; ++r) {
        const double t = 1.0 - (r + 0.5) / rows;
        img.setPixel(0, r, cmap.at(t));
    }
    p.setRenderHint(QPainter::SmoothPixmapTransform, false);
    p.drawImage(bar, img);

    p.setRenderHint(QPainter::Antialiasing, true);
    const double lw = style.px(style.highContrast ? 1.2 : 0.8);
    p.setPen(QPen(style.foreground(), lw, Qt::SolidLine, Qt::SquareCap, Qt::MiterJoin));
    p.setBrush(Qt::NoBrush);
    p.drawRect(bar);
    const auto ticks = fittedTicks(lo, hi, 9, bar.height(), false, style);
    const double tickLen = style.px(kTickLenPt);
    for (const double v : ticks) {
        const double y = bar.bottom() - (v - lo) / (hi - lo) * bar.height();
        p.drawLine(QPointF(bar.right(), y), QPointF(bar.right() + tickLen, y));
        drawText(p, QPointF(bar.right() + tickLen + style.px(kPadPt), y),
                 Qt::AlignLeft | Qt::AlignVCenter, tickLabel(v, tickStep(ticks)));
    }
    p.restore();
}

QString nodeLabel(int layer, int node) {
    return QStringLiteral("LYR%1-NODE%2").arg(layer + 1).arg(node + 1);
}

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
void drawWeightArrow(QPainter& p, const DataAxes& ax, const Arrow& a, const FigureStyle& style) {
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
    p.drawImage(rect, maps.images[l][j]);
    p.setRenderHint(QPainter::Antialiasing, true);
    const double r = maps.config.range;
    const DataAxes ax{rect, -r, r, -r, r};
    if (l == 0 && j < maps.arrows.size() && maps.arrows[j]) {
        drawZeroLine(p, ax, *maps.arrows[j], style);
        if (cell.arrow) drawWeightArrow(p, ax, *maps.arrows[j], style);
    } else if (l > 0 && cell.histograms && maps.config.bins > 0 && l < maps.hist.size() &&
               j < maps.hist[l].size() && l < net.layers.size()) {
        drawHistogramOverlay(p, rect, maps.hist[l][j], net.layers[l].activation, r, style);
    }
    if (cell.label) drawMapLabel(p, rect, cell, figureStyle);
    p.restore();
}

void drawMapLabel(QPainter& p, const QRectF& rect, const MapCell& cell,
                  const FigureStyle& figureStyle) {
    const FigureStyle style = fittedStyle(figureStyle, rect.size(), QSizeF(150.0, 150.0));
    const QFont font = pixelFont(style, cell.labelPixels);
    const QFontMetricsF fm(font);
    // The seed puts the label's baseline at 90 % of the height; keep it inside small maps.
    const double baseline =
        std::max(rect.top() + 0.1 * rect.height(), rect.top() + fm.ascent() + 2.0);
    const QString label = nodeLabel(cell.layer, cell.node);
    if (style.minTextPx > 0.0 && fm.horizontalAdvance(label) > 0.96 * rect.width()) {
        // Presentation mode keeps the label's size on small maps: LYRi above NODEj.
        const int dash = static_cast<int>(label.indexOf(QLatin1Char('-')));
        drawHaloText(p, QPointF(rect.center().x(), baseline), Qt::AlignHCenter, label.left(dash),
                     font, Qt::black, QColor(255, 255, 255, 150));
        drawHaloText(p, QPointF(rect.center().x(), baseline + fm.lineSpacing()), Qt::AlignHCenter,
                     label.mid(dash + 1), font, Qt::black, QColor(255, 255, 255, 150));
        return;
    }
    drawHaloText(p, QPointF(rect.center().x(), baseline), Qt::AlignHCenter, label, font, Qt::black,
                 QColor(255, 255, 255, 150));
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

void drawNote(QPainter& p, const QRectF& rect, const QString& text, const FigureStyle& style) {
    p.save();
    p.setFont(style.font(12.0));
    p.setPen(style.muted());
    p.drawText(rect, Qt::AlignCenter | Qt::TextWordWrap, text);
    p.restore();
}

Heading layoutHeading(const QRectF& area, double titlePt, const QString& line, double linePt,
                      const FigureStyle& style) {
    Heading h;
    h.titleFont = style.font(titlePt, true);
    h.lineFont = style.font(linePt);
    h.lines = QStringList{line};
    const double width = QFontMetricsF(h.lineFont).horizontalAdvance(line);
    if (width > area.width()) {
        const int shrunk =
            std::max(6, static_cast<int>(h.lineFont.pixelSize() * area.width() / width));
        if (shrunk >= style.minTextPx) {
            h.lineFont.setPixelSize(shrunk);
        } else {
            // Presentation mode keeps its text size: the line breaks between words instead.
            h.lineFont.setPixelSize(static_cast<int>(style.textPx(shrunk) + 0.5));
            const QFontMetricsF fm(h.lineFont);
            h.lines.clear();
            QString current;
            for (const QString& word : line.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
                const QString wider = current.isEmpty() ? word : current + QLatin1Char(' ') + word;
                if (!current.isEmpty() && fm.horizontalAdvance(wider) > area.width()) {
                    h.lines.push_back(current);
                    current = word;
                } else {
                    current = wider;
                }
            }
            if (!current.isEmpty()) h.lines.push_back(current);
        }
    }
    h.lineTop = area.top() + QFontMetricsF(h.titleFont).height() + style.px(3.0);
    h.bottom = h.lineTop +
               QFontMetricsF(h.lineFont).height() * static_cast<double>(h.lines.size()) +
               style.px(8.0);
    return h;
}

double drawHeading(QPainter& p, const QRectF& area, const QString& title, double titlePt,
                   const QString& line, double linePt, const FigureStyle& style) {
    const Heading h = layoutHeading(area, titlePt, line, linePt, style);
    p.save();
    p.setPen(style.foreground());
    p.setFont(h.titleFont);
    drawText(p, QPointF(area.center().x(), area.top()), Qt::AlignHCenter | Qt::AlignTop, title);
    p.setFont(h.lineFont);
    const double lineH = QFontMetricsF(h.lineFont).height();
    double lineTop = h.lineTop;
    for (const QString& text : h.lines) {
        drawText(p, QPointF(area.center().x(), lineTop), Qt::AlignHCenter | Qt::AlignTop, text);
        lineTop += lineH;
    }
    p.restore();
    return h.bottom;
}

TitledMap layoutTitledMap(const QRectF& area, double top, double range, float vlim,
                          const AxesText& axes, const FigureStyle& style) {
    const double left = axesLeftMargin(style, axes, -range, range);
    const double bottom = axesBottomMargin(style, axes);
    const double barGap = style.px(10.0);
    const double bar = colourBarWidth(style, -vlim, vlim);
    const double side = std::floor(
        std::max(1.0, std::min(area.width() - left - barGap - bar, area.bottom() - top - bottom)));
    const double blockW = left + side + barGap + bar;
    const double x = std::round(area.left() + (area.width() - blockW) / 2.0 + left);
    const double y = std::round(top + (area.bottom() - top - bottom - side) / 2.0);
    return {QRectF(x, y, side, side), QRectF(x + side + barGap, y, bar, side)};
}

}  // namespace nnlens::figures::detail
