// Private painting helpers for data axes: the data-to-pixel map, matplotlib's tick rules (linear
// and log), the axes frame and grid, colour bars and the layout of a titled map with its axes.
#pragma once

#include <QPainter>
#include <QRectF>
#include <QString>

#include <vector>

#include "colormap.hpp"
#include "figures.hpp"
#include "paint_util.hpp"

namespace nnlens::figures::detail {

// A linear map from data coordinates [x0, x1] x [y0, y1] to a pixel rectangle (y up).
struct DataAxes {
    QRectF rect;
    double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
    double px(double x) const { return rect.left() + (x - x0) / (x1 - x0) * rect.width(); }
    double py(double y) const { return rect.bottom() - (y - y0) / (y1 - y0) * rect.height(); }
    QPointF map(double x, double y) const { return {px(x), py(y)}; }
};

// matplotlib's MaxNLocator: at most about `maxTicks` round values (1, 2, 2.5, 5 x 10^k) in
// [lo, hi].
std::vector<double> niceTicks(double lo, double hi, int maxTicks);
// niceTicks with fewer ticks when their labels would not fit `length` pixels side by side
// (horizontal) or stacked (vertical) in `style`'s tick font.
std::vector<double> fittedTicks(double lo, double hi, int maxTicks, double length, bool horizontal,
                                const FigureStyle& style);
// A tick label with as few decimals as the step needs ("-2", "0.5", "1.25"), with a real minus.
QString tickLabel(double v, double step);

// The axes frame with ticks and tick labels below and to the left, and optional axis labels.
struct AxesText {
    QString xLabel;
    QString yLabel;
    int maxTicksX = 7;
    int maxTicksY = 7;
    bool grid = false;  // light grid lines at the ticks
    // Logarithmic axes: the DataAxes coordinate is log10 of the value, ticks sit at powers of
    // ten (and 2 and 5 times them when fewer than two powers fall in the range, every multiple
    // 1..9 within a decade, and round plain numbers when even those give fewer than two).
    bool logX = false;
    bool logY = false;
};
struct Tick {
    double at;  // in axes coordinates (log10 of the value on a log axis)
    QString label;
};
// The ticks of one axis from lo to hi (axes coordinates), as many as fit `length` pixels.
std::vector<Tick> axisTicks(double lo, double hi, int maxTicks, double length, bool horizontal,
                            bool log, const FigureStyle& style);
// Space (pixels) that tick labels and axis labels need left of and below an axes box.
double axesLeftMargin(const FigureStyle& style, const AxesText& text, double yLo, double yHi);
double axesBottomMargin(const FigureStyle& style, const AxesText& text);
// How far the top y tick label reaches above the axes box (half its height).
double axesTopOverhang(const FigureStyle& style);
void drawAxesGrid(QPainter& p, const DataAxes& ax, const FigureStyle& style, const AxesText& t);
void drawAxesFrame(QPainter& p, const DataAxes& ax, const FigureStyle& style, const AxesText& t);

// A vertical colour bar in `rect` (bar on the left, tick labels to its right) for values
// lo .. hi in `cmap`.
void drawColourBar(QPainter& p, const QRectF& rect, double lo, double hi, const Colormap& cmap,
                   const FigureStyle& style);
// The width a colour bar with its tick labels needs.
double colourBarWidth(const FigureStyle& style, double lo, double hi);

// The square map of a titled map figure (unit, data) below `top`, centred with room for its axes
// (`axes`, -range..range) left and below and for the colour bar (+-vlim) on its right.
struct TitledMap {
    QRectF map;
    QRectF bar;
};
TitledMap layoutTitledMap(const QRectF& area, double top, double range, float vlim,
                          const AxesText& axes, const FigureStyle& style);

}  // namespace nnlens::figures::detail
