// View > Theme: Light (the platform's look), Dark and High contrast, remembered in QSettings.
#include "theme.hpp"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QFontInfo>
#include <QMenu>
#include <QPalette>
#include <QProxyStyle>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>

#include <algorithm>
#include <cmath>

#include "main_window.hpp"
#include "widgets/figure_view.hpp"

namespace nnlens::gui {

namespace {

const QString kThemeKey = QStringLiteral("view/theme");

// The style with check box and radio button indicators that grow with the widget's text: in
// presentation mode's 24 px text they stayed the size of 9 pt (#20). Every other metric is the
// base style's.
class TextScaledStyle : public QProxyStyle {
  public:
    explicit TextScaledStyle(QStyle* base) : QProxyStyle(base) {}
    int pixelMetric(PixelMetric metric, const QStyleOption* option,
                    const QWidget* widget) const override {
        const int base = QProxyStyle::pixelMetric(metric, option, widget);
        switch (metric) {
            case PM_IndicatorWidth:
            case PM_IndicatorHeight:
            case PM_ExclusiveIndicatorWidth:
            case PM_ExclusiveIndicatorHeight: {
                const int text =
                    QFontInfo(widget ? widget->font() : QApplication::font()).pixelSize();
                return std::max(base, static_cast<int>(std::lround(0.8 * text)));
            }
            default:
                return base;
        }
    }
};

// The name of the style under the text-scaled one ("fusion", "windows").
QString styleName(const QStyle* style) {
    if (const auto* proxy = qobject_cast<const QProxyStyle*>(style))
        return styleName(proxy->baseStyle());
    return style ? style->name() : QString();
}

// The style `name`, its indicators growing with the text.
void setStyleNamed(const QString& name) {
    if (QStyle* base = QStyleFactory::create(name))
        QApplication::setStyle(new TextScaledStyle(base));
}

// The style and palette the application started with (the platform's), restored by Light.
struct StartLook {
    QString style;
    QPalette palette;
    bool changed = false;  // a theme other than Light was applied
};
StartLook& startLook() {
    static StartLook look;
    return look;
}

QPalette darkPalette() {
    QPalette p;
    const QColor text(232, 232, 232);
    const QColor disabled(128, 128, 128);
    p.setColor(QPalette::Window, QColor(45, 45, 48));
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, QColor(30, 30, 32));
    p.setColor(QPalette::AlternateBase, QColor(52, 52, 56));
    p.setColor(QPalette::ToolTipBase, QColor(60, 60, 64));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(150, 150, 150));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(56, 56, 60));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(255, 90, 90));
    p.setColor(QPalette::Light, QColor(80, 80, 86));
    p.setColor(QPalette::Midlight, QColor(66, 66, 70));
    p.setColor(QPalette::Mid, QColor(40, 40, 43));
    p.setColor(QPalette::Dark, QColor(25, 25, 27));
    p.setColor(QPalette::Shadow, QColor(10, 10, 10));
    p.setColor(QPalette::Highlight, QColor(42, 130, 218));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(110, 170, 240));
    p.setColor(QPalette::LinkVisited, QColor(170, 140, 230));
    for (const auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabled);
    p.setColor(QPalette::Disabled, QPalette::Highlight, QColor(70, 70, 74));
    return p;
}

// Black on white, black frames, a strong selection: WCAG's contrast for every text.
QPalette highContrastPalette() {
    QPalette p;
    p.setColor(QPalette::Window, Qt::white);
    p.setColor(QPalette::WindowText, Qt::black);
    p.setColor(QPalette::Base, Qt::white);
    p.setColor(QPalette::AlternateBase, QColor(235, 235, 235));
    p.setColor(QPalette::ToolTipBase, Qt::white);
    p.setColor(QPalette::ToolTipText, Qt::black);
    p.setColor(QPalette::PlaceholderText, QColor(70, 70, 70));
    p.setColor(QPalette::Text, Qt::black);
    p.setColor(QPalette::Button, Qt::white);
    p.setColor(QPalette::ButtonText, Qt::black);
    p.setColor(QPalette::BrightText, QColor(200, 0, 0));
    p.setColor(QPalette::Light, Qt::white);
    p.setColor(QPalette::Midlight, QColor(220, 220, 220));
    p.setColor(QPalette::Mid, QColor(60, 60, 60));
    p.setColor(QPalette::Dark, Qt::black);
    p.setColor(QPalette::Shadow, Qt::black);
    p.setColor(QPalette::Highlight, QColor(0, 0, 150));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0, 0, 190));
    p.setColor(QPalette::LinkVisited, QColor(90, 0, 140));
    for (const auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, QColor(90, 90, 90));
    return p;
}

}  // namespace

QString themeName(Theme theme) {
    switch (theme) {
        case Theme::Light:
            return QStringLiteral("light");
        case Theme::Dark:
            return QStringLiteral("dark");
        case Theme::HighContrast:
            return QStringLiteral("high-contrast");
    }
    return QStringLiteral("light");
}

std::optional<Theme> themeFromName(const QString& name) {
    for (const Theme t : {Theme::Light, Theme::Dark, Theme::HighContrast}) {
        if (themeName(t) == name) return t;
    }
    return std::nullopt;
}

void useTextScaledStyle() {
    if (!dynamic_cast<TextScaledStyle*>(QApplication::style()))
        setStyleNamed(styleName(QApplication::style()));
}

void applyThemePalette(Theme theme) {
    StartLook& start = startLook();
    if (!start.changed) {
        if (theme == Theme::Light) return;  // the platform's look, untouched
        start.style = styleName(QApplication::style());
        start.palette = QApplication::palette();
        start.changed = true;
    }
    if (theme == Theme::Light) {
        if (styleName(QApplication::style()) != start.style) setStyleNamed(start.style);
        QApplication::setPalette(start.palette);
        return;
    }
    // Fusion draws with the palette alone (a platform style may draw its own colours).
    if (styleName(QApplication::style()).compare(QStringLiteral("fusion"), Qt::CaseInsensitive) !=
        0)
        setStyleNamed(QStringLiteral("Fusion"));
    QApplication::setPalette(theme == Theme::Dark ? darkPalette() : highContrastPalette());
}

void MainWindow::buildThemeMenu(QMenu* menu) {
    m_themeGroup = new QActionGroup(this);
    m_themeGroup->setExclusive(true);
    const struct {
        QString text;
        Theme theme;
    } themes[] = {{tr("&Light"), Theme::Light},
                  {tr("&Dark"), Theme::Dark},
                  {tr("&High Contrast"), Theme::HighContrast}};
    for (const auto& t : themes) {
        QAction* action = menu->addAction(t.text);
        action->setCheckable(true);
        action->setData(themeName(t.theme));
        action->setObjectName(QStringLiteral("theme-%1").arg(themeName(t.theme)));
        m_themeGroup->addAction(action);
        const Theme theme = t.theme;
        connect(action, &QAction::triggered, this, [this, theme] { setTheme(theme); });
    }
    // The theme chosen last time (an unknown name: Light).
    setTheme(themeFromName(QSettings().value(kThemeKey).toString()).value_or(Theme::Light));
}

void MainWindow::setTheme(Theme theme) {
    m_theme = theme;
    for (QAction* action : m_themeGroup->actions()) {
        if (action->data().toString() == themeName(theme)) action->setChecked(true);
    }
    QSettings().setValue(kThemeKey, themeName(theme));
    applyThemePalette(theme);
    // The figures on the screen follow; exports and render keep the light figure for slides
    // (exportImage replaces the screen style with the export's).
    const bool dark = theme == Theme::Dark;
    const bool contrast = theme == Theme::HighContrast;
    widgets::FigureView::setScreenTheme(dark, contrast);
    for (widgets::FigureView* v : findChildren<widgets::FigureView*>())
        v->setTheme(dark, contrast);
}

}  // namespace nnlens::gui
