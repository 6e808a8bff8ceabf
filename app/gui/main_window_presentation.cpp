// MainWindow in presentation mode: the tabs by name and the projector-sized text and layout.
#include "main_window.hpp"

#include <QApplication>
#include <QDockWidget>
#include <QScreen>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalBlocker>
#include <QSplitter>
#include <QTabBar>
#include <QTimer>

#include <cmath>

#include "widgets/figure_view.hpp"

namespace nnlens::gui {

QStringList MainWindow::tabNames() {
    // In the tabs' order.
    return {QStringLiteral("network"), QStringLiteral("activations"), QStringLiteral("softmax"),
            QStringLiteral("losses"),  QStringLiteral("flow"),        QStringLiteral("stats"),
            QStringLiteral("quiz")};
}

void MainWindow::showTab(const QString& name) {
    const int index = static_cast<int>(tabNames().indexOf(name));
    if (index >= 0) m_tabs->setCurrentIndex(index);
}

QString MainWindow::currentTabName() const {
    return tabNames().value(m_tabs->currentIndex());
}

double MainWindow::presentationTextPx() const {
    // Back-row legibility: 24 px on a 1080-line projector (2.2 % of the height).
    constexpr double kBackRowPx = 24.0;
    constexpr double kBackRowLines = 1080.0;
    const QScreen* shown = screen() ? screen() : QGuiApplication::primaryScreen();
    const double lines = shown ? shown->geometry().height() : kBackRowLines;
    const double normal = QFontInfo(m_normalFont).pixelSize();
    return std::max(kBackRowPx * lines / kBackRowLines, 1.25 * normal);
}

void MainWindow::setPresentation(bool on) {
    if (on == m_presentation) return;
    {
        const QSignalBlocker block(m_presentationAction);
        m_presentationAction->setChecked(on);
    }
    if (on) {
        m_stateBeforePresentation = windowState();
        m_geometryBeforePresentation = geometry();
        // The docks as the user has them, not as a step that shows its figure alone hid them.
        showDocksHiddenByStep();
        m_docksBeforePresentation = saveState();
        if (auto* split = qobject_cast<QSplitter*>(m_diagram->parentWidget()))
            m_splitBeforePresentation = split->saveState();
    }
    const double textPx = presentationTextPx();
    m_presentation = on;
    QFont font = m_normalFont;
    // Whole pixels, rounded up: 17.8 px must not become a 17 px font.
    if (on)
        font.setPointSizeF(m_normalFont.pointSizeF() * std::ceil(textPx) /
                           QFontInfo(m_normalFont).pixelSize());
    QApplication::setFont(font);
    // The docks' titles and tab bars (QMainWindow's own) keep the font they were made with unless
    // given one.
    for (QTabBar* bar : findChildren<QTabBar*>()) {
        if (bar->parentWidget() == this) bar->setFont(on ? font : QFont());
    }
    // A dock whose font equals the application's paints its title in the font it was made with:
    // presentation mode's differs (in a strategy that changes no glyph).
    QFont titleFont = font;
    titleFont.setStyleStrategy(QFont::PreferAntialias);
    for (QDockWidget* dock : findChildren<QDockWidget*>())
        dock->setFont(on ? titleFont : QFont());
    for (widgets::FigureView* v : findChildren<widgets::FigureView*>())
        v->setPresentation(on, textPx);
    auto* split = qobject_cast<QSplitter*>(m_diagram->parentWidget());
    if (on) {
        showFullScreen();
        // Two docks of projector-sized text leave the figures too little (and a quarter of the
        // screen each cut their controls, #20): the left docks join the right ones as tabs, at
        // most a third of the screen in all, the figures two thirds. Leaving restores them.
        {
            // The right dock in front stays in front (a lesson's Training step keeps its plots).
            QDockWidget* front = nullptr;
            for (QDockWidget* dock : findChildren<QDockWidget*>()) {
                if (dockWidgetArea(dock) == Qt::RightDockWidgetArea && !dock->isFloating() &&
                    dock->isVisible() && !dock->visibleRegion().isEmpty())
                    front = dock;
            }
            auto* inspector = findChild<QDockWidget*>(QStringLiteral("inspectorDock"));
            for (const char* name : {"layersDock", "dataDock"}) {
                auto* dock = findChild<QDockWidget*>(QString::fromLatin1(name));
                if (inspector && dock && dockWidgetArea(dock) == Qt::LeftDockWidgetArea &&
                    !dock->isFloating())
                    tabifyDockWidget(inspector, dock);
            }
            if (QDockWidget* shown = front ? front : inspector) shown->raise();
        }
        // The diagram gets room for its larger labels: a quarter of the height beside the maps.
        if (split && m_graph->isVisible() && m_diagram->isVisible()) split->setSizes({3000, 1000});
        reapplyStepDocks();
        // The docks as wide as their larger text needs, so that their panels do not scroll
        // sideways: up to a third of the screen (one dock area is left)
        // (the figures keep about half of it).
        QTimer::singleShot(0, this, [this] {
            if (!m_presentation) return;
            fitDocksToContent();
            QList<QDockWidget*> docks;
            QList<int> widths;
            const int screenWidth = screen() ? screen()->geometry().width() : width();
            const int most = screenWidth * 36 / 100;
            for (QDockWidget* dock : findChildren<QDockWidget*>()) {
                const auto* area = qobject_cast<QScrollArea*>(dock->widget());
                if (!dock->isVisible() || dock->isFloating() || !area || !area->widget()) continue;
                const int needs = area->widget()->minimumSizeHint().width() +
                                  area->verticalScrollBar()->sizeHint().width();
                docks << dock;
                widths << std::clamp(needs, dock->width(), std::max(dock->width(), most));
            }
            resizeDocks(docks, widths, Qt::Horizontal);
        });
        return;
    }
    // The fonts' new minimum sizes first, then the layout as it was.
    QApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
    // geometry(), not saveGeometry(): restoreGeometry() places the frame, which a platform
    // without decorations (offscreen) puts elsewhere.
    setWindowState(m_stateBeforePresentation);
    if (!(m_stateBeforePresentation & (Qt::WindowMaximized | Qt::WindowFullScreen)))
        setGeometry(m_geometryBeforePresentation);
    restoreState(m_docksBeforePresentation);
    reapplyStepDocks();
    if (split) split->restoreState(m_splitBeforePresentation);
    // Once the menu and status bars have their normal height again, the docks' sizes once more.
    QTimer::singleShot(0, this, [this, split] {
        if (m_presentation) return;
        fitDocksToContent();
        showDocksHiddenByStep();
        restoreState(m_docksBeforePresentation);
        reapplyStepDocks();
        // The docks' widths move the caption's wrapping, and with it the splitter's height: its
        // sizes once more, after them (a loaded machine ran this after the first restore).
        if (split) split->restoreState(m_splitBeforePresentation);
    });
}

}  // namespace nnlens::gui
