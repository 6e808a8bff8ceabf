// Data axes, ticks and colour bars (see axes.hpp).
#include "axes.hpp"

#include <QFontMetricsF>

#include <algorithm>
#include <cmath>

#include "text/number_text.hpp"

namespace nnlens::figures::detail {

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
    // One notation on the axis (#20: "10⁻¹" beside 0.5, 0.2 and 0.05): plain numbers from 0.001
    // to 10⁴, powers of ten beyond.
    const bool plain = lo >= -3.0 - 1e-9 && hi <= 4.0 + 1e-9;
    const auto multiples = [&](std::initializer_list<double> ms) {
        ticks.clear();
        for (int e = first - 1; e <= last + 1; ++e) {
            for (const double m : ms) {
                const double at = e + std::log10(m);
                if (at < lo - 1e-9 || at > hi + 1e-9) continue;
                ticks.push_back({at, m == 1.0 && !plain ? powerLabel(e)
                                                        : QString::fromStdString(text::formatNumber(
                                                              m * std::pow(10.0, e), 3))});
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

double axesLeftMargin(const FigureStyle& style, const AxesText& text, double yLo, double yHi) {
    const QFontMetricsF tick(style.font(kTickPt));
    double widest = 0.0;
    if (text.logY) {
        for (const Tick& t : logTicks(yLo, yHi, text.maxTicksY))
            widest = std::max(widest, tick.horizontalAdvance(t.label));
    } else {
        // The axis may draw fewer ticks than maxTicksY (fittedTicks, once its length is known),
        // whose labels can be wider ("-5.0" where "-6" was): room for the widest of them (#20).
        for (int count = std::max(2, text.maxTicksY); count >= 2; --count) {
            const auto ticks = niceTicks(yLo, yHi, count);
            for (const double v : ticks)
                widest = std::max(widest, tick.horizontalAdvance(tickLabel(v, tickStep(ticks))));
        }
    }
    double m = style.px(kTickLenPt + kPadPt) + widest;
    if (!text.yLabel.isEmpty())
        m += style.px(kPadPt) + QFontMetricsF(style.font(kLabelPt)).height();
    return m + style.px(2.0);
}

double axesTopOverhang(const FigureStyle& style) {
    return QFontMetricsF(style.font(kTickPt)).height() / 2.0;
}

namespace {
// From the axes' bottom to the x tick labels' top: the tick and a pad, or more when the tick
// labels are larger than the design's (a text floor in a small cell): the lowest y label,
// centred on the corner, must stay above the first x label.
double xTickLabelGap(const FigureStyle& style) {
    const QFontMetricsF fm(style.font(kTickPt));
    return std::max(style.px(kTickLenPt + kPadPt),
                    (fm.ascent() + fm.descent()) / 2.0 + style.px(0.5));
}
}  // namespace

double axesBottomMargin(const FigureStyle& style, const AxesText& text) {
    double m = xTickLabelGap(style) + QFontMetricsF(style.font(kTickPt)).height();
    if (!text.xLabel.isEmpty())
        m += style.px(kPadPt) + QFontMetricsF(style.font(kLabelPt)).height();
    return m + style.px(2.0);
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
        drawText(p, QPointF(x, ax.rect.bottom() + xTickLabelGap(style)),
                 Qt::AlignHCenter | Qt::AlignTop, k.label);
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
        const double y = ax.rect.bottom() + xTickLabelGap(style) + tfm.height() + pad;
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
