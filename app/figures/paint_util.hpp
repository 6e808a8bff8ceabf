// Private painting helpers shared by the figures: colours, background, fonts, the fit of a style
// to a size, text and headings. Axes and colour bars are in axes.hpp, a node's map cell in
// map_cell.hpp.
#pragma once

#include <QColor>
#include <QFont>
#include <QFontMetricsF>
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

// `style` with its scale reduced so that a figure designed for `designPoints` fits `available`
// pixels (at least style.minFit of the scale), so small exports keep their text from overlapping.
FigureStyle fittedStyle(const FigureStyle& style, QSizeF available, QSizeF designPoints);
// Text centred at `centre` (alignment flags decide the anchor) with a thin halo of `halo`
// colour, readable on any map colour.
void drawHaloText(QPainter& p, const QPointF& anchor, Qt::Alignment align, const QString& text,
                  const QFont& font, const QColor& colour, const QColor& halo);
// Text anchored at `anchor`: Qt::AlignLeft/Right/HCenter x Qt::AlignTop/Bottom/VCenter.
void drawText(QPainter& p, const QPointF& anchor, Qt::Alignment align, const QString& text);

// Fit, then floor: the font of `points` in `style`, smaller when `text` would not fit `width`
// (whole pixels, rounded down), never under the style's text floor. A text still too wide at the
// floor is the caller's to wrap (wrapWords) or elide.
QFont fitFont(const FigureStyle& style, double points, bool bold, const QString& text,
              double width);
// `text` broken at its spaces into lines of at most `width` in `fm` (a word wider than that alone
// on its line).
QStringList wrapWords(const QString& text, const QFontMetricsF& fm, double width);
// A formula broken into lines of at most `width`, at the least nested places that do it: before
// an operator (+, −, =) or after a comma, outside brackets first ("log(1 − p)" and "(3 more)"
// stay whole, #20); wrapWords where no such break fits.
QStringList wrapFormula(const QString& text, const QFontMetricsF& fm, double width);

// A legend laid out as words are: entries (a sample line or marker `sample` px wide, `pad`, then
// the text in `fm`) left to right with `gap` between them, in as few rows as `width` allows, the
// entries spread evenly over them (4 entries in 2 rows: 2 and 2, not 3 and 1). An entry wider
// than `width` has a row of its own.
struct LegendFlow {
    std::vector<int> row;          // per entry: its row
    std::vector<double> x;         // per entry: its left, from the row's start
    std::vector<double> rowWidth;  // per row: from the first entry's left to the last's right
    int rows() const { return static_cast<int>(rowWidth.size()); }
};
LegendFlow flowLegend(const QFontMetricsF& fm, const QStringList& texts, double sample, double pad,
                      double gap, double width);

// `count` cells in `cols` columns filling `area` row by row, `gapX` and `gapY` apart (each at
// least a pixel).
std::vector<QRectF> gridCells(const QRectF& area, int count, int cols, double gapX, double gapY);

// A pager at the right end of `row`, for a figure that shows part of its panels where the text
// floor leaves no room for all: "◀ 1–3 of 6 ▶" (`pages` in `font`, the marks `pad` wider).
struct PagerBoxes {
    QRectF previous, pages, next;
};
PagerBoxes pagerBoxes(const QRectF& row, const QString& pages, const QFont& font, double pad);
// Draws the words and the marks that lead somewhere, in the painter's pen.
void drawPager(QPainter& p, const PagerBoxes& boxes, const QString& pages, const QFont& font,
               bool previousShown, bool nextShown);

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
// "LYR1-NODE2" (1-based, as the seed labels its maps).
QString nodeLabel(int layer, int node);

}  // namespace nnlens::figures::detail
