// The window's themes (View > Theme): the widgets' palette and the figures' screen colours.
#pragma once

#include <QString>

#include <optional>

namespace nnlens::gui {

enum class Theme { Light, Dark, HighContrast };

// "light", "dark", "high-contrast": the names QSettings' "view/theme" keeps.
QString themeName(Theme theme);
std::optional<Theme> themeFromName(const QString& name);
// The application's style and palette for `theme`: the platform's own for Light, Fusion (which
// honours a palette everywhere) with a dark or a black-on-white palette for the others.
void applyThemePalette(Theme theme);
// The application's style (the platform's or a theme's) with check box and radio button
// indicators that grow with the text (presentation mode); called before the first window.
void useTextScaledStyle();

}  // namespace nnlens::gui
