// The notebook's statistical perspective as one page of small plots: matplotlib's hist (bars
// over [min, max], no edges) and scatter (s = 1 dots) of the traced tensors, titled as the
// notebook names them. The values come from the trace (core/trace.hpp) and their summaries from
// core's summarize(); nothing is recomputed here but the pixels.
#include "stats_figure.hpp"

#include <QFontMetricsF>
#include <QPaintDevice>

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

#include "axes.hpp"
#include "core/error.hpp"
#include "core/limits.hpp"
#include "paint_util.hpp"
#include "text/number_text.hpp"

namespace nnlens::figures {

namespace {

constexpr double kTitlePt = 10.0;
constexpr double kSubPt = 8.5;
constexpr double kPageTitlePt = 12.0;
// A plot's design size in points: fittedStyle shrinks text and lines in smaller cells.
constexpr double kCellWidthPt = 230.0;
constexpr double kCellHeightPt = 187.0;
constexpr double kCellAspect = kCellWidthPt / kCellHeightPt;

QColor histColour() {
    return QColor(31, 119, 180);  // matplotlib's tab:blue (hist and scatter)
}

QColor boundColour() {
    return QColor(214, 39, 40);  // tab:red
}

QString number(double v, int digits = 3) {
    QString s = QString::fromStdString(text::formatNumber(v, digits, text::Digits::Significant));
    if (s.startsWith('-')) s.replace(0, 1, QStringLiteral("\u2212"));
    return s;
}

std::vector<Module> modulesOf(const Network& net) {
    return splitModules(net);
}

bool traceFitsNetwork(const ModuleTrace& t, const Network& net) {
    if (t.net.inputs != net.inputs || t.net.features != net.features ||
        t.net.layers.size() != net.layers.size()) {
        return false;
    }
    for (std::size_t l = 0; l < net.layers.size(); ++l) {
        if (t.net.layers[l].outputs() != net.layers[l].outputs() ||
            t.net.layers[l].activation != net.layers[l].activation) {
            return false;
        }
    }
    return true;
}

// One decimal exponent for an axis whose values are tiny or huge (matplotlib's offset text
// "1e-5"), so tick labels stay short: 0 for ordinary ranges.
int axisExponent(double lo, double hi) {
    const double m = std::max(std::abs(lo), std::abs(hi));
    if (!(m > 0.0) || !std::isfinite(m)) return 0;
    if (m >= 1e-2 && m < 1e5) return 0;
    return static_cast<int>(std::floor(std::log10(m)));
}

// Axis limits as matplotlib's autoscale with 5 % margins; a single value gets +-0.5.
std::pair<double, double> padded(double lo, double hi) {
    if (!(hi > lo)) return {lo - 0.5, hi + 0.5};
    const double m = 0.05 * (hi - lo);
    return {lo - m, hi + m};
}

// The limits of a plot in data units and, per axis, the exponent its ticks are written with.
struct PlotAxes {
    double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
    int ex = 0, ey = 0;
    bool valid = false;
};

PlotAxes plotAxes(const StatsPlotData& d) {
    PlotAxes a;
    if (d.hist) {
        double lo = d.hist->hist.min;
        double hi = d.hist->hist.max;
        if (d.bound) {
            lo = std::min(lo, -*d.bound);
            hi = std::max(hi, *d.bound);
        }
        std::tie(a.x0, a.x1) = padded(lo, hi);
        std::int64_t most = 0;
        for (const std::int64_t c : d.hist->hist.counts)
            most = std::max(most, c);
        a.y0 = 0.0;
        a.y1 = std::max(1.0, 1.05 * static_cast<double>(most));
        a.valid = true;
    } else if (d.xSummary && d.ySummary && d.count > 0) {
        std::tie(a.x0, a.x1) = padded(d.xSummary->min, d.xSummary->max);
        std::tie(a.y0, a.y1) = padded(d.ySummary->min, d.ySummary->max);
        a.valid = true;
    }
    a.ex = axisExponent(a.x0, a.x1);
    a.ey = axisExponent(a.y0, a.y1);
    return a;
}

// The axes in tick units (values / 10^exponent).
detail::DataAxes scaledAxes(const PlotAxes& a, const QRectF& box) {
    const double sx = std::pow(10.0, -a.ex);
    const double sy = std::pow(10.0, -a.ey);
    return {box, a.x0 * sx, a.x1 * sx, a.y0 * sy, a.y1 * sy};
}

// A plot's subtitle, the whole first, then shorter ones for a narrow cell at the text floor
// (#20: "±1/√100 = ±0…" and "mean 0.00411…" said nothing in presentation mode).
QStringList subtitles(const Network& net, const StatsPlot& plot, const StatsPlotData& d) {
    switch (plot.kind) {
        case StatsPlotKind::Weight:
        case StatsPlotKind::Bias: {
            const int nIn =
                net.layers[static_cast<std::size_t>(
                               splitModules(net)[static_cast<std::size_t>(plot.module)].layer)]
                    .inputs();
            const QString bound = number(d.bound.value_or(0.0));
            const QString rule = QStringLiteral("\u00b11/\u221a%1 = \u00b1%2").arg(nIn).arg(bound);
            return {rule + QStringLiteral(" (PyTorch's bound)"), rule,
                    QStringLiteral("bound \u00b1") + bound, QStringLiteral("\u00b1") + bound};
        }
        case StatsPlotKind::Curve:
            return {QStringLiteral("x: input, y: output"), QStringLiteral("x in, y out")};
        case StatsPlotKind::WeightGrad:
            if (d.count == 0) return {QStringLiteral("no loss: no dW")};
            return {QStringLiteral("x: W, y: dW = \u2202L/\u2202W"), QStringLiteral("x: W, y: dW"),
                    QStringLiteral("x W, y dW")};
        case StatsPlotKind::Input:
        case StatsPlotKind::Output:
            break;
    }
    if (!d.hist) return {QString()};
    const QString mean = number(d.hist->mean);
    const QString std = number(d.hist->std);
    return {QStringLiteral("mean %1, std %2").arg(mean, std),
            QStringLiteral("\u03bc %1, \u03c3 %2").arg(mean, std),
            QStringLiteral("\u03c3 %1").arg(std)};
}

// The columns that make the plots largest at about kCellAspect in `area`.
int bestColumns(int n, QSizeF area) {
    int best = 1;
    double bestSide = -1.0;
    for (int c = 1; c <= n; ++c) {
        const int r = (n + c - 1) / c;
        const double side = std::min(area.width() / c / kCellAspect, area.height() / r);
        if (side > bestSide + 1e-9) {
            bestSide = side;
            best = c;
        }
    }
    return best;
}

// The page's style: text and lines fitted to one cell of `cellSize`.
FigureStyle cellStyle(const FigureStyle& style, QSizeF cellSize) {
    return detail::fittedStyle(style, cellSize, QSizeF(kCellWidthPt, kCellHeightPt));
}

struct CellGeometry {
    QRectF title;
    QRectF sub;
    QRectF axes;
};

CellGeometry cellGeometry(const QRectF& cell, const PlotAxes& a, const FigureStyle& style) {
    CellGeometry g;
    const double titleH = QFontMetricsF(style.font(kTitlePt, true)).height();
    const double subH = QFontMetricsF(style.font(kSubPt)).height();
    g.title = QRectF(cell.left(), cell.top(), cell.width(), titleH);
    g.sub = QRectF(cell.left(), g.title.bottom(), cell.width(), subH);
    const detail::AxesText text;
    const PlotAxes none;
    const detail::DataAxes ax = scaledAxes(a.valid ? a : none, QRectF());
    const double left = detail::axesLeftMargin(style, text, ax.y0, ax.y1);
    const double bottom = detail::axesBottomMargin(style, text);
    // Room for the y axis' "1e-3" above the axes, under the subtitle.
    // (and for the top y label's upper half, which a text floor makes larger than the design's).
    const double pad = std::max(style.px(4.0), detail::axesTopOverhang(style) + style.px(1.0)) +
                       (a.valid && a.ey != 0 ? subH : 0.0);
    g.axes = QRectF(cell.left() + left, g.sub.bottom() + pad,
                    std::max(1.0, cell.width() - left - style.px(8.0)),
                    std::max(1.0, cell.bottom() - bottom - g.sub.bottom() - pad));
    return g;
}

// Scatter dots rasterised into an image of the axes box (100 000 points: a QPainter call each
// would take longer than the whole page may).
void drawScatter(QPainter& p, const StatsPlotData& d, const PlotAxes& a, const QRectF& box,
                 const FigureStyle& style) {
    const double dpr = p.device() ? p.device()->devicePixelRatioF() : 1.0;
    const int w = std::max(1, static_cast<int>(std::ceil(box.width() * dpr)));
    const int h = std::max(1, static_cast<int>(std::ceil(box.height() * dpr)));
    QImage img(w, h, QImage::Format_ARGB32_Premultiplied);
    img.fill(Qt::transparent);
    // matplotlib's s = 1 marker with its edge: about 1.5 pt across, at least 2 pixels (3 for a
    // few hundred points, which would otherwise be hard to see).
    const int least = d.count <= 2000 ? 3 : 2;
    const int dot = std::max(least, static_cast<int>(std::lround(style.px(1.5) * dpr)));
    const double sx = static_cast<double>(w) / (a.x1 - a.x0);
    const double sy = static_cast<double>(h) / (a.y1 - a.y0);
    const QRgb colour = histColour().rgba();
    const int half = dot / 2;
    for (std::int64_t i = 0; i < d.count; ++i) {
        const double x = d.x[i];
        const double y = d.y[i];
        if (!std::isfinite(x) || !std::isfinite(y)) continue;
        const int cx = static_cast<int>(std::floor((x - a.x0) * sx)) - half;
        const int cy = static_cast<int>(std::floor((a.y1 - y) * sy)) - half;
        for (int r = std::max(0, cy); r < std::min(h, cy + dot); ++r) {
            auto* line = reinterpret_cast<QRgb*>(img.scanLine(r));
            for (int c = std::max(0, cx); c < std::min(w, cx + dot); ++c)
                line[c] = colour;
        }
    }
    img.setDevicePixelRatio(dpr);
    p.drawImage(box.topLeft(), img);
}

// An axis's "1e-5" (matplotlib's offset text) at the end of the axis.
void drawExponents(QPainter& p, const PlotAxes& a, const QRectF& box, const FigureStyle& style) {
    p.setFont(style.font(kSubPt));
    p.setPen(style.foreground());
    if (a.ey != 0) {
        detail::drawText(p, QPointF(box.left(), box.top() - style.px(1.0)),
                         Qt::AlignLeft | Qt::AlignBottom, QStringLiteral("1e%1").arg(a.ey));
    }
    if (a.ex != 0) {
        // Right-aligned under the axis, below the tick labels.
        const double below = box.bottom() + detail::axesBottomMargin(style, {}) - style.px(1.0);
        detail::drawText(p, QPointF(box.right(), below), Qt::AlignRight | Qt::AlignBottom,
                         QStringLiteral("1e%1").arg(a.ex));
    }
}

// The first of `texts` that fits `width` in the font fitFont gives it (the last, elided, where
// none does), and that font.
std::pair<QString, QFont> firstThatFits(const QStringList& texts, const FigureStyle& style,
                                        double pt, bool bold, double width) {
    for (const QString& text : texts) {
        const QFont font = detail::fitFont(style, pt, bold, text, width);
        if (QFontMetricsF(font).horizontalAdvance(text) <= width) return {text, font};
    }
    const QString last = texts.isEmpty() ? QString() : texts.back();
    const QFont font = detail::fitFont(style, pt, bold, last, width);
    return {QFontMetricsF(font).elidedText(last, Qt::ElideMiddle, width), font};
}

// Whether every plot's whole title fits its cell at the floor: a page says "(0) W" for all of
// them or none (#20: "(0) Lin…200) W" said neither the module nor the tensor).
bool wholeTitlesFit(const Network& net, const std::vector<StatsPlot>& plots,
                    const std::vector<QRectF>& cells, const FigureStyle& style) {
    for (std::size_t i = 0; i < plots.size() && i < cells.size(); ++i) {
        const QString title = statsPlotTitle(net, plots[i]);
        const double width = cells[i].width();
        if (QFontMetricsF(detail::fitFont(style, kTitlePt, true, title, width))
                .horizontalAdvance(title) > width)
            return false;
    }
    return true;
}

void drawPlot(QPainter& p, const QRectF& cell, const ModuleTrace& t, const StatsPlot& plot,
              const FigureOptions& opt, const FigureStyle& style, bool wholeTitle) {
    const StatsPlotData d = statsPlotData(t, plot, opt.statsBins);
    const PlotAxes a = plotAxes(d);
    const CellGeometry g = cellGeometry(cell, a, style);
    p.save();
    // The whole title where the page's fit at the text floor, else the module's number and the
    // tensor, "(0) W"; the window's tooltip names it whole.
    QStringList titles{statsPlotShortTitle(plot)};
    if (wholeTitle) titles.prepend(statsPlotTitle(t.net, plot));
    const auto [title, titleFont] = firstThatFits(titles, style, kTitlePt, true, cell.width());
    p.setPen(style.foreground());
    p.setFont(titleFont);
    p.drawText(g.title, Qt::AlignHCenter | Qt::AlignVCenter, title);
    const auto [sub, subFont] =
        firstThatFits(subtitles(t.net, plot, d), style, kSubPt, false, cell.width());
    p.setFont(subFont);
    p.setPen(d.bound ? boundColour() : style.muted());
    p.drawText(g.sub, Qt::AlignHCenter | Qt::AlignVCenter, sub);
    if (!a.valid) {
        p.restore();
        return;
    }
    const detail::DataAxes ax = scaledAxes(a, g.axes);
    if (d.hist) {
        p.save();
        p.setRenderHint(QPainter::Antialiasing, false);  // bars that meet without seams
        for (QRectF bar : statsBars(d, g.axes)) {
            // A bin narrower than a pixel still shows (without antialiasing it could round away).
            if (bar.width() < 1.0) bar.setWidth(1.0);
            p.fillRect(bar, histColour());
        }
        p.restore();
        if (d.bound) {
            p.save();
            p.setRenderHint(QPainter::Antialiasing, true);
            QPen pen(boundColour(), style.px(1.2));
            pen.setDashPattern({4.0, 2.5});
            p.setPen(pen);
            const double s = std::pow(10.0, -a.ex);
            for (const double b : {-*d.bound, *d.bound}) {
                const double x = ax.px(b * s);
                p.drawLine(QPointF(x, g.axes.top()), QPointF(x, g.axes.bottom()));
            }
            p.restore();
        }
    } else {
        drawScatter(p, d, a, g.axes, style);
    }
    detail::drawAxesFrame(p, ax, style, detail::AxesText{});
    drawExponents(p, a, g.axes, style);
    p.restore();
}

// The page's cells and style (the style is fitted to one cell, so the figure's text is that of a
// plot however many there are). Where the text floor leaves the plots no room (the window's
// Statistics tab in presentation mode at 1280 x 800: 15 plots, axes 10 px high), the page shows
// as many as fit at the floor, from opt.statsFirst, with "◀ 1–6 of 15 ▶" in its title row.
struct PageGeometry {
    StatsLayout layout;
    FigureStyle style;
    QRectF title;
    QString pages;  // "1–6 of 15" when plots are left out; empty when all are shown
    QRectF pagesBox;
};

// The cells of `count` plots in `rect`, with the style fitted to one of them.
struct PageGrid {
    FigureStyle style;
    QRectF title;
    std::vector<QRectF> cells;
    int columns = 0;
    int rows = 0;
};

PageGrid pageGrid(int count, const QRectF& rect, const FigureStyle& pageStyle) {
    PageGrid g;
    // First guess of the style from the whole page, then from the cell it gives.
    const double margin0 = pageStyle.px(6.0);
    const QRectF area0 = rect.adjusted(margin0, margin0, -margin0, -margin0);
    const int cols = bestColumns(count, area0.size());
    const int rows = (count + cols - 1) / cols;
    g.style = cellStyle(pageStyle, QSizeF(area0.width() / cols, area0.height() / rows));
    const FigureStyle& style = g.style;
    const double margin = style.px(6.0);
    const QRectF area = rect.adjusted(margin, margin, -margin, -margin);
    const double titleH = QFontMetricsF(style.font(kPageTitlePt, true)).height() * 1.3;
    g.title = QRectF(area.left(), area.top(), area.width(), titleH);
    const double gapX = style.px(10.0);
    const double gapY = style.px(8.0);
    const double top = g.title.bottom();
    g.columns = cols;
    g.rows = rows;
    g.cells = detail::gridCells(QRectF(area.left(), top, area.width(), area.bottom() - top), count,
                                cols, gapX, gapY);
    return g;
}

// Whether a cell of `grid` shows its plot at the text floor: axes three floor lines high and a
// title of about ten characters (the short "(0) W vs dW" where the whole one does not fit; the
// window's tooltip gives it whole).
bool gridReadable(const PageGrid& grid) {
    const FigureStyle& style = grid.style;
    if (style.minTextPx <= 0.0 || grid.cells.empty()) return true;  // render: no floor
    const QRectF& cell = grid.cells.front();
    const double floor = std::max(style.minTextPx, 1.0);
    const QRectF axes = cellGeometry(cell, PlotAxes{}, style).axes;
    return axes.height() >= 3.0 * floor && cell.width() >= 9.0 * floor;
}

PageGeometry pageGeometry(const Network& net, const QRectF& rect, const FigureOptions& opt) {
    PageGeometry g;
    const std::vector<StatsPlot> all = statsPlots(net, statsModule(net, opt));
    const int n = static_cast<int>(all.size());
    g.style = opt.style;
    g.layout.total = n;
    if (n == 0) return g;
    // All of them where they fit at the floor, else the most that do (at least one).
    int count = n;
    PageGrid grid = pageGrid(count, rect, opt.style);
    while (count > 1 && !gridReadable(grid))
        grid = pageGrid(--count, rect, opt.style);
    // As many on each page as the pages need, so that no page holds a lone plot (#20, walk 5:
    // "1–14 of 15" left the W vs dW scatter alone and 100 px wide on page 2): 8 and 7, larger.
    if (count < n) {
        const int pages = (n + count - 1) / count;
        const int even = (n + pages - 1) / pages;
        if (even != count) grid = pageGrid(count = even, rect, opt.style);
    }
    // Whole pages: the last one shows the rest (#20: "6–15 of 15" repeated five plots).
    const int first = std::clamp(opt.statsFirst, 0, n - 1) / count * count;
    const int shown = std::min(count, n - first);
    g.style = grid.style;
    g.title = grid.title;
    g.layout.first = first;
    g.layout.shown = shown;
    g.layout.perPage = count;
    g.layout.plots.assign(all.begin() + first, all.begin() + first + shown);
    g.layout.cells = std::move(grid.cells);
    g.layout.cells.resize(static_cast<std::size_t>(shown));
    g.layout.columns = grid.columns;
    g.layout.rows = grid.rows;
    if (count < n) {
        // "◀ 1–6 of 15 ▶" at the title row's right: a mark only where there are more plots.
        g.pages = g.layout.text();
        const detail::PagerBoxes pager =
            detail::pagerBoxes(g.title, g.pages, g.style.font(kPageTitlePt, true), g.style.px(4.0));
        g.layout.previous = pager.previous;
        g.layout.next = pager.next;
        g.pagesBox = pager.pages;
        g.title.setRight(pager.previous.left() - g.style.px(6.0));
    }
    return g;
}

}  // namespace

bool isLinearModule(const Network& net, int m) {
    const std::vector<Module> modules = modulesOf(net);
    return m >= 0 && m < static_cast<int>(modules.size()) &&
           modules[static_cast<std::size_t>(m)].linear;
}

int defaultStatsModule(const Network& net) {
    const std::vector<Module> modules = modulesOf(net);
    int first = -1;
    for (int m = 0; m < static_cast<int>(modules.size()); ++m) {
        if (!modules[static_cast<std::size_t>(m)].linear) continue;
        if (first >= 0) return m;  // the second Linear module: the notebook's net[2]
        first = m;
    }
    return first;
}

int statsModule(const Network& net, const FigureOptions& opt) {
    return isLinearModule(net, opt.statsModule) ? opt.statsModule : defaultStatsModule(net);
}

std::vector<StatsPlot> statsPlots(const Network& net, int weightGradModule) {
    std::vector<StatsPlot> plots;
    const std::vector<Module> modules = modulesOf(net);
    if (modules.empty()) return plots;
    plots.push_back({StatsPlotKind::Input, 0});
    for (int m = 0; m < static_cast<int>(modules.size()); ++m) {
        if (modules[static_cast<std::size_t>(m)].linear) {
            plots.push_back({StatsPlotKind::Weight, m});
            plots.push_back({StatsPlotKind::Bias, m});
        } else {
            plots.push_back({StatsPlotKind::Curve, m});
        }
        plots.push_back({StatsPlotKind::Output, m});
    }
    if (isLinearModule(net, weightGradModule))
        plots.push_back({StatsPlotKind::WeightGrad, weightGradModule});
    return plots;
}

namespace {

// What of the module a plot shows: " W", " out", " in → out".
QString tensorSuffix(StatsPlotKind kind) {
    switch (kind) {
        case StatsPlotKind::Weight:
            return QStringLiteral(" W");
        case StatsPlotKind::Bias:
            return QStringLiteral(" b");
        case StatsPlotKind::Output:
            return QStringLiteral(" out");
        case StatsPlotKind::Curve:
            return QStringLiteral(" in \u2192 out");
        case StatsPlotKind::WeightGrad:
            return QStringLiteral(" W vs dW");
        case StatsPlotKind::Input:
            break;
    }
    return {};
}

}  // namespace

QString statsPlotTitle(const Network& net, const StatsPlot& plot) {
    if (plot.kind == StatsPlotKind::Input) return QStringLiteral("Input (net[0].input)");
    return QStringLiteral("(%1) %2")
               .arg(plot.module)
               .arg(moduleTitle(net, plot.module).replace(QLatin1Char('\n'), QString())) +
           tensorSuffix(plot.kind);
}

QString statsPlotShortTitle(const StatsPlot& plot) {
    if (plot.kind == StatsPlotKind::Input) return QStringLiteral("Input");
    return QStringLiteral("(%1)").arg(plot.module) + tensorSuffix(plot.kind);
}

StatsPlotData statsPlotData(const ModuleTrace& t, const StatsPlot& plot, int bins) {
    if (bins < 1 || bins > kMaxBins) {
        throw InputError("bins " + std::to_string(bins) + " is out of range (must be 1 to " +
                         std::to_string(kMaxBins) + ")");
    }
    if (plot.module < 0 || plot.module >= t.size()) {
        throw InputError("module " + std::to_string(plot.module) + " is out of range");
    }
    StatsPlotData d;
    const int m = plot.module;
    const ModuleSummary* traced = m < static_cast<int>(t.summaries.size())
                                      ? &t.summaries[static_cast<std::size_t>(m)]
                                      : nullptr;
    // The trace's own summary when it has these bins (nnlens-cli trace prints the same numbers),
    // else summarize() anew.
    auto summary = [bins](const TensorSummary* known, const float* v, std::int64_t n) {
        if (known && static_cast<int>(known->hist.counts.size()) == bins) return *known;
        return summarize(v, n, bins);
    };
    // A scatter needs the finite min and max only: the trace's summary whatever its bins.
    auto range = [](const TensorSummary* known, const float* v, std::int64_t n) {
        return known ? *known : summarize(v, n, 1);
    };
    auto opt = [](const std::optional<TensorSummary>& s) { return s ? &*s : nullptr; };
    auto histOf = [&](const TensorSummary* known, const float* v, std::int64_t n) {
        d.hist = summary(known, v, n);
    };
    const Module& mod = t.modules[static_cast<std::size_t>(m)];
    const double bound =
        1.0 /
        std::sqrt(static_cast<double>(t.net.layers[static_cast<std::size_t>(mod.layer)].inputs()));
    switch (plot.kind) {
        case StatsPlotKind::Input: {
            const Matrix& in = t.input(0);
            histOf(t.summaries.empty() ? nullptr : &t.summaries.front().in, in.data(), in.size());
            break;
        }
        case StatsPlotKind::Output: {
            const Matrix& out = t.output(m);
            histOf(traced ? &traced->out : nullptr, out.data(), out.size());
            break;
        }
        case StatsPlotKind::Weight:
        case StatsPlotKind::Bias: {
            if (!mod.linear) throw InputError("module " + std::to_string(m) + " is not Linear");
            if (plot.kind == StatsPlotKind::Weight) {
                histOf(traced ? opt(traced->weight) : nullptr, t.weight(m)->data(),
                       t.weight(m)->size());
            } else {
                histOf(traced ? opt(traced->bias) : nullptr, t.bias(m)->data(), t.bias(m)->size());
            }
            d.bound = bound;
            break;
        }
        case StatsPlotKind::Curve: {
            const Matrix& in = t.input(m);
            const Matrix& out = t.output(m);
            d.x = in.data();
            d.y = out.data();
            d.count = std::min(in.size(), out.size());
            if (d.count > 0) {
                d.xSummary = range(traced ? &traced->in : nullptr, d.x, d.count);
                d.ySummary = range(traced ? &traced->out : nullptr, d.y, d.count);
            }
            break;
        }
        case StatsPlotKind::WeightGrad: {
            if (!mod.linear) throw InputError("module " + std::to_string(m) + " is not Linear");
            const Matrix* w = t.weight(m);
            const Matrix* dw = t.weightGrad(m);
            d.x = w->data();
            d.y = dw ? dw->data() : nullptr;
            d.count = dw ? w->size() : 0;
            if (d.count > 0) {
                d.xSummary = range(traced ? opt(traced->weight) : nullptr, d.x, d.count);
                d.ySummary = range(traced ? opt(traced->weightGrad) : nullptr, d.y, d.count);
            }
            break;
        }
    }
    return d;
}

std::shared_ptr<const ModuleTrace> statsTrace(const Network& net, const FigureOptions& opt) {
    if (net.layers.empty()) return nullptr;
    if (opt.trace && traceFitsNetwork(*opt.trace, net)) return opt.trace;
    return nullptr;
}

FigureOptions withStatsTrace(const Network& net, FigureOptions opt) {
    if (net.layers.empty() || statsTrace(net, opt)) return opt;
    FlowSource source;
    source.data = opt.data;
    source.samples = defaultFlowSamples(net);
    opt.trace = traceFlow(net, source);
    return opt;
}

int StatsLayout::hit(QPointF p) const {
    for (std::size_t i = 0; i < cells.size(); ++i) {
        if (cells[i].contains(p)) return first + static_cast<int>(i);
    }
    return -1;
}

std::vector<QRectF> statsBars(const StatsPlotData& d, const QRectF& box) {
    std::vector<QRectF> bars;
    if (!d.hist) return bars;
    const PlotAxes a = plotAxes(d);
    const detail::DataAxes ax{box, a.x0, a.x1, a.y0, a.y1};
    const std::vector<double> edges = d.hist->edges();
    const auto& counts = d.hist->hist.counts;
    bars.reserve(counts.size());
    for (std::size_t i = 0; i < counts.size() && i + 1 < edges.size(); ++i) {
        const double x0 = ax.px(edges[i]);
        const double x1 = ax.px(edges[i + 1]);
        const double top = ax.py(static_cast<double>(counts[i]));
        bars.emplace_back(QPointF(x0, top), QPointF(x1, box.bottom()));
    }
    return bars;
}

StatsLayout layoutStats(const Network& net, const QRectF& rect, const FigureOptions& opt) {
    PageGeometry g = pageGeometry(net, rect, opt);
    const auto trace = g.layout.plots.empty() ? nullptr : statsTrace(net, opt);
    for (std::size_t i = 0; i < g.layout.plots.size(); ++i) {
        PlotAxes a;
        if (trace) a = plotAxes(statsPlotData(*trace, g.layout.plots[i], opt.statsBins));
        g.layout.axes.push_back(cellGeometry(g.layout.cells[i], a, g.style).axes);
    }
    return g.layout;
}

void paintStats(QPainter& p, const QRectF& rect, const Network& net, const FigureOptions& opt) {
    detail::fillBackground(p, rect, opt.style);
    const PageGeometry g = pageGeometry(net, rect, opt);
    if (g.layout.plots.empty()) {
        detail::drawNote(p, rect, QStringLiteral("no layers: no statistics"), opt.style);
        return;
    }
    const auto trace = statsTrace(net, opt);
    if (!trace) {
        detail::drawNote(p, rect, QStringLiteral("tracing the data flow…"), opt.style);
        return;
    }
    const FigureStyle& style = g.style;
    p.save();
    // The whole title, else without its name, else without the bins (the Bins box says them).
    QString figures = QStringLiteral("N = %1").arg(trace->input(0).rows());
    if (const auto loss = trace->loss()) figures += QStringLiteral(", loss = ") + number(*loss, 4);
    const QString bins = QStringLiteral(", %1 bins").arg(opt.statsBins);
    const auto [title, titleFont] = firstThatFits(
        {QStringLiteral("Statistical perspective: ") + figures + bins, figures + bins, figures},
        style, kPageTitlePt, true, g.title.width());
    p.setPen(style.foreground());
    p.setFont(titleFont);
    p.drawText(g.title, Qt::AlignLeft | Qt::AlignVCenter, title);
    if (!g.pages.isEmpty()) {
        detail::drawPager(p, {g.layout.previous, g.pagesBox, g.layout.next}, g.pages,
                          style.font(kPageTitlePt, true), g.layout.previousShown(),
                          g.layout.nextShown());
    }
    const bool whole = wholeTitlesFit(net, g.layout.plots, g.layout.cells, style);
    for (std::size_t i = 0; i < g.layout.plots.size(); ++i)
        drawPlot(p, g.layout.cells[i], *trace, g.layout.plots[i], opt, style, whole);
    p.restore();
}

void paintStatsPlot(QPainter& p, const QRectF& rect, const Network& net, const FigureOptions& opt,
                    int plot) {
    detail::fillBackground(p, rect, opt.style);
    const std::vector<StatsPlot> plots = statsPlots(net, statsModule(net, opt));
    if (plot < 0 || plot >= static_cast<int>(plots.size())) {
        detail::drawNote(p, rect, QStringLiteral("no such plot"), opt.style);
        return;
    }
    const auto trace = statsTrace(net, opt);
    if (!trace) {
        detail::drawNote(p, rect, QStringLiteral("tracing the data flow…"), opt.style);
        return;
    }
    // A plot alone is designed as matplotlib's 6.4 x 4.8 in figure; text scales with it.
    const FigureStyle style = detail::fittedStyle(opt.style, rect.size(), QSizeF(460.8, 345.6));
    const double margin = style.px(8.0);
    drawPlot(p, rect.adjusted(margin, margin, -margin, -margin), *trace,
             plots[static_cast<std::size_t>(plot)], opt, style, true);
}

QImage renderStatsPlot(const Network& net, const FigureOptions& opt, int plot, QSize size) {
    if (size.width() < 1 || size.height() < 1) {
        throw InputError("the plot size " + std::to_string(size.width()) + "x" +
                         std::to_string(size.height()) + " is empty");
    }
    QImage img = figureImage(size, opt.style);
    QPainter p(&img);
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setRenderHint(QPainter::TextAntialiasing, true);
    paintStatsPlot(p, QRectF(0, 0, size.width(), size.height()), net, withStatsTrace(net, opt),
                   plot);
    p.end();
    return img;
}

QSize defaultStatsPlotSize(const FigureStyle& style) {
    return {static_cast<int>(std::lround(6.4 * style.dpi)),
            static_cast<int>(std::lround(4.8 * style.dpi))};
}

QSize defaultStatsSize(const Network& net, const FigureStyle& style) {
    const int n = std::max(1, static_cast<int>(statsPlots(net, defaultStatsModule(net)).size()));
    const int cols = std::min(n, static_cast<int>(std::ceil(std::sqrt(n * 1.6))));
    const int rows = (n + cols - 1) / cols;
    const double w = 3.2 * cols;
    const double h = 2.6 * rows + 0.35;  // and the page title
    return {static_cast<int>(std::lround(w * style.dpi)),
            static_cast<int>(std::lround(h * style.dpi))};
}

}  // namespace nnlens::figures
