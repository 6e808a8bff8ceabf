// View > Theme: Light (the platform's look), Dark and High contrast, remembered in QSettings.
#include "theme.hpp"

#include <QAbstractSpinBox>
#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QFontInfo>
#include <QMenu>
#include <QPainter>
#include <QPalette>
#include <QProxyStyle>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>
#include <QStyleOption>

#include <algorithm>
#include <cmath>

#include "main_window.hpp"
#include "widgets/figure_view.hpp"

namespace nnlens::gui {

namespace {

const QString kThemeKey = QStringLiteral("view/theme");

// The style whose check box and radio button indicators, scroll bars, spin box buttons and
// button margins grow with the widget's text: in presentation mode's 24 px text they stayed the
// size of 9 pt, arrows of 5 px beside 24 px digits (#20). Every other metric is the base style's.
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
            case PM_ExclusiveIndicatorHeight:
                return std::max(base, scaled(0.8, widget));
            case PM_ScrollBarExtent:
                return std::max(base, scaled(0.75, widget));
            case PM_ButtonMargin:  // #20: "Reveal" and "Shuffle" touched their buttons' borders
                return std::max(base, scaled(0.6, widget));
            default:
                return base;
        }
    }

    QRect subControlRect(ComplexControl control, const QStyleOptionComplex* option, SubControl sub,
                         const QWidget* widget) const override {
        QRect rect = QProxyStyle::subControlRect(control, option, sub, widget);
        if (control != CC_SpinBox) return rect;
        const int extra = spinButtonExtra(option, widget);
        if (extra <= 0) return rect;
        switch (sub) {
            case SC_SpinBoxUp:
            case SC_SpinBoxDown:
                return rect.adjusted(-extra, 0, 0, 0);
            case SC_SpinBoxEditField:
                return rect.adjusted(0, 0, -extra, 0);
            default:
                return rect;
        }
    }

    QSize sizeFromContents(ContentsType type, const QStyleOption* option, const QSize& size,
                           const QWidget* widget) const override {
        QSize s = QProxyStyle::sizeFromContents(type, option, size, widget);
        if (type == CT_SpinBox) {
            if (const auto* spin = qstyleoption_cast<const QStyleOptionSpinBox*>(option))
                s.rwidth() += std::max(0, spinButtonExtra(spin, widget));
        }
        return s;
    }

    void drawComplexControl(ComplexControl control, const QStyleOptionComplex* option,
                            QPainter* painter, const QWidget* widget) const override {
        QProxyStyle::drawComplexControl(control, option, painter, widget);
        if (control != CC_SpinBox || spinButtonExtra(option, widget) <= 0) return;
        const auto* spin = qstyleoption_cast<const QStyleOptionSpinBox*>(option);
        if (!spin || spin->buttonSymbols != QAbstractSpinBox::UpDownArrows) return;
        // The base style's arrows keep their 8 px; a triangle in proportion to the text covers
        // each one (same centre, same colour).
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        painter->setPen(Qt::NoPen);
        for (const bool up : {true, false}) {
            const QRectF r =
                subControlRect(CC_SpinBox, option, up ? SC_SpinBoxUp : SC_SpinBoxDown, widget);
            const bool enabled = (spin->state & State_Enabled) &&
                                 (spin->stepEnabled & (up ? QAbstractSpinBox::StepUpEnabled
                                                          : QAbstractSpinBox::StepDownEnabled));
            painter->setBrush(spin->palette.color(enabled ? QPalette::Active : QPalette::Disabled,
                                                  QPalette::ButtonText));
            const double half = std::min(0.32 * r.width(), 0.6 * r.height());
            const double h = half * 0.9;
            const QPointF c = r.center();
            const double dir = up ? -1.0 : 1.0;
            const QPointF tri[3] = {QPointF(c.x() - half, c.y() - dir * h / 2.0),
                                    QPointF(c.x() + half, c.y() - dir * h / 2.0),
                                    QPointF(c.x(), c.y() + dir * h / 2.0)};
            painter->drawPolygon(tri, 3);
        }
        painter->restore();
    }

  private:
    static int textPixels(const QWidget* widget) {
        return QFontInfo(widget ? widget->font() : QApplication::font()).pixelSize();
    }
    static int scaled(double factor, const QWidget* widget) {
        return static_cast<int>(std::lround(factor * textPixels(widget)));
    }
    // How much wider than the base style's a spin box button is drawn: the text's height,
    // or nothing where the base style's is wide enough.
    int spinButtonExtra(const QStyleOption* option, const QWidget* widget) const {
        const auto* spin = qstyleoption_cast<const QStyleOptionSpinBox*>(option);
        if (!spin || spin->buttonSymbols == QAbstractSpinBox::NoButtons) return 0;
        const QRect up = QProxyStyle::subControlRect(CC_SpinBox, spin, SC_SpinBoxUp, widget);
        if (up.isEmpty()) return 0;
        return scaled(1.0, widget) - up.width();
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
