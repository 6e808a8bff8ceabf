// FigureStyle: sizes, colours and background shared by every figure (screen, export, CLI render).
#pragma once

#include <QColor>
#include <QFont>

namespace nnlens::figures {

// Sizes are given in points and turned into pixels with `dpi` (px = pt * dpi / 72), as matplotlib
// does, so an export at 200 dpi has twice the text and line size of one at 100 dpi.
struct FigureStyle {
    double dpi = 100.0;         // matplotlib's default figure dpi
    double scale = 1.0;         // extra factor on fonts and lines (presentation mode: 1.5)
    bool highContrast = false;  // presentation mode: black text, heavier lines and arrows
    bool transparent = false;   // background transparent instead of white
    // The least that a figure drawn smaller than its design may shrink text and lines to
    // (fittedStyle): on-screen views in docks keep readable text; files keep the design's.
    double minFit = 0.4;
    // The least pixel size of any text, whatever fitting a figure into a small view would give
    // (presentation mode: legible from the back row); 0: no floor (files, the normal screen).
    double minTextPx = 0.0;

    double px(double points) const { return points * dpi / 72.0 * scale; }
    // A text size in pixels raised to minTextPx.
    double textPx(double pixels) const { return pixels < minTextPx ? minTextPx : pixels; }
    QColor background() const { return transparent ? QColor(0, 0, 0, 0) : QColor(Qt::white); }
    QColor foreground() const { return highContrast ? QColor(Qt::black) : QColor(40, 40, 40); }
    QColor muted() const { return highContrast ? QColor(60, 60, 60) : QColor(128, 128, 128); }
    // DejaVu Sans at `points`, hinting off so every platform plugin lays text out alike.
    QFont font(double points, bool bold = false) const;
};

}  // namespace nnlens::figures
