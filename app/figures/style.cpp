// FigureStyle's font: DejaVu Sans (fonts-dejavu-core), sized in pixels from points and dpi.
#include "style.hpp"

#include <algorithm>

namespace nnlens::figures {

QFont FigureStyle::font(double points, bool bold) const {
    QFont f(QStringLiteral("DejaVu Sans"));
    f.setStyleHint(QFont::SansSerif);
    // Pixel sizes, not point sizes: a QImage and a screen widget then get the same glyphs.
    f.setPixelSize(std::max(1, static_cast<int>(textPx(px(points)) + 0.5)));
    f.setHintingPreference(QFont::PreferNoHinting);
    f.setWeight(bold || highContrast ? QFont::Bold : QFont::Normal);
    return f;
}

}  // namespace nnlens::figures
