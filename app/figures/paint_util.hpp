// Private painting helpers shared by the figures: background, data axes, ticks, text, colour bars
// and one node's map cell (image, arrow, s = 0 line, histogram overlay, label).
#pragma once

#include <QColor>
#include <QFont>
#include <QImage>
#include <QPainter>
#include <QPointF>
#include <QRectF>
#include <QSizeF>
#include <QString>
#include <QStringList>

#include <vector>

#include "colormap.hpp"
#include "figures.hpp"

namespace nnlens::figures::detail {

// matplotlib's tab10, fixed per activation so a curve keeps its colour in every panel.
QColor activationColour(Activation a);
// The ends of the diverging map: red for positive weights, blue for negative.
QColor positiveColour();
QColor negativeColour();
// The outline of a selected node (dark orange, visible on red, blue and white alike).
QColor selectionColour();

// Fills `rect` with the style's background, replacing what is there (so transparent stays
// transparent).
void fillBackground(QPainter& p, const QRectF& rect, const FigureStyle& style);

// The font of `style` with a size in pixels instead of points.
QFont pixelFont(const FigureStyle& style, double pixels, bool bold = false);

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
// `style` with its scale reduced so that a figure designed for `designPoints` fits `available`
// pixels (at least style.minFit of the scale), so small exports keep their text from overlapping.
FigureStyle fittedStyle(const FigureStyle& style, QSizeF available, QSizeF designPoints);
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
void drawAxesGrid(QPainter& p, const DataAxes& ax, const FigureStyle& style, const AxesText& t);
void drawAxesFrame(QPainter& p, const DataAxes& ax, const FigureStyle& style, const AxesText& t);

// A vertical colour bar in `rect` (bar on the left, tick labels to its right) for values
// lo .. hi in `cmap`.
void drawColourBar(QPainter& p, const QRectF& rect, double lo, double hi, const Colormap& cmap,
                   const FigureStyle& style);
// The width a colour bar with its tick labels needs.
double colourBarWidth(const FigureStyle& style, double lo, double hi);

// Text centred at `centre` (alignment flags decide the anchor) with a thin halo of `halo`
// colour, readable on any map colour.
void drawHaloText(QPainter& p, const QPointF& anchor, Qt::Alignment align, const QString& text,
                  const QFont& font, const QColor& colour, const QColor& halo);
// Text anchored at `anchor`: Qt::AlignLeft/Right/HCenter x Qt::AlignTop/Bottom/VCenter.
void drawText(QPainter& p, const QPointF& anchor, Qt::Alignment align, const QString& text);

// One node's map in `rect` (square): the image (origin='lower', no smoothing), the s = 0 line and
// the weight arrow for a first-layer node, the histogram overlay for deeper nodes when
// `histograms`, and the LYRi-NODEj label when `label`.
struct MapCell {
    int layer = 0;
    int node = 0;
    bool histograms = true;
    bool label = true;
    bool arrow = true;  // the weight arrow of a first-layer node (the s = 0 line stays)
    double labelPixels = 16.0;
};
void drawMapCell(QPainter& p, const QRectF& rect, const Network& net, const MapSet& maps,
                 const MapCell& cell, const FigureStyle& style);
// The LYRi-NODEj label of a map cell (drawMapCell draws it when cell.label; a caller that draws
// over the map draws the label afterwards, so it stays readable).
void drawMapLabel(QPainter& p, const QRectF& rect, const MapCell& cell, const FigureStyle& style);
// The frame of the selected node's map.
void drawSelection(QPainter& p, const QRectF& rect, const FigureStyle& style);
// A note in the middle of `rect` ("no maps", ...).
void drawNote(QPainter& p, const QRectF& rect, const QString& text, const FigureStyle& style);
// Where drawHeading puts a figure's title and the line under it: the fonts, the line (shrunk to
// the width, or broken between words where presentation mode keeps its text size), the line's
// top and the top of what follows. Figures that lay out below a heading without painting it
// (hit tests) use this, so the two never disagree.
struct Heading {
    QFont titleFont;
    QFont lineFont;
    QStringList lines;
    double lineTop = 0.0;
    double bottom = 0.0;
};
Heading layoutHeading(const QRectF& area, double titlePt, const QString& line, double linePt,
                      const FigureStyle& style);
// A figure's centred bold title and under it one line, shrunk to the width rather than cut
// (the unit's formula, the data figure's counts). Returns the top of what follows.
double drawHeading(QPainter& p, const QRectF& area, const QString& title, double titlePt,
                   const QString& line, double linePt, const FigureStyle& style);
// The square map of a titled map figure (unit, data) below `top`, centred with room for its axes
// (`axes`, -range..range) left and below and for the colour bar (+-vlim) on its right.
struct TitledMap {
    QRectF map;
    QRectF bar;
};
TitledMap layoutTitledMap(const QRectF& area, double top, double range, float vlim,
                          const AxesText& axes, const FigureStyle& style);

// "LYR1-NODE2" (1-based, as the seed labels its maps).
QString nodeLabel(int layer, int node);

}  // namespace nnlens::figures::detail
