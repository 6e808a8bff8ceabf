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
    // The window's Dark theme (View > Theme): a dark background with light text and axes on the
    // screen. The maps' colour scales (the notebook's blue-white-red, viridis) are the same in
    // every theme. Exports and nnlens-cli render never set it: a figure for a slide stays light
    // (until an option of theirs asks for a dark one).
    bool dark = false;

    double px(double points) const { return points * dpi / 72.0 * scale; }
    // A text size in pixels raised to minTextPx.
    double textPx(double pixels) const { return pixels < minTextPx ? minTextPx : pixels; }
    QColor background() const {
        if (transparent) return QColor(0, 0, 0, 0);
        return dark ? QColor(32, 33, 36) : QColor(Qt::white);
    }
    QColor foreground() const {
        if (dark) return highContrast ? QColor(Qt::white) : QColor(222, 222, 222);
        return highContrast ? QColor(Qt::black) : QColor(40, 40, 40);
    }
    QColor muted() const {
        if (dark) return highContrast ? QColor(200, 200, 200) : QColor(150, 150, 150);
        return highContrast ? QColor(60, 60, 60) : QColor(128, 128, 128);
    }
    // The foreground at `alpha` (grid lines, faint guides) in either theme.
    QColor faint(int alpha) const {
        QColor c = dark ? QColor(Qt::white) : QColor(Qt::black);
        c.setAlpha(alpha);
        return c;
    }
    // A legend's box: its fill at `alpha` (white, or the dark background) and its frame.
    QColor legendFill(int alpha) const {
        return dark ? QColor(32, 33, 36, alpha) : QColor(255, 255, 255, alpha);
    }
    QColor legendFrame() const { return dark ? QColor(96, 96, 96) : QColor(204, 204, 204); }
    // DejaVu Sans at `points`, hinting off so every platform plugin lays text out alike.
    QFont font(double points, bool bold = false) const;
};

}  // namespace nnlens::figures
