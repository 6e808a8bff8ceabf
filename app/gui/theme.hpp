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

}  // namespace nnlens::gui
