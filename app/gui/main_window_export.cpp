// MainWindow and figure export: which view a figure comes from, its options and size, the PNG
// export dialog, and the learning-rate scan dialog.
#include "main_window.hpp"

#include "core/error.hpp"
#include "core/trainer.hpp"
#include "widgets/export_dialog.hpp"
#include "widgets/figure_view.hpp"
#include "widgets/flow_panel.hpp"
#include "widgets/inspector.hpp"
#include "widgets/lr_scan_dialog.hpp"
#include "widgets/plot_panels.hpp"
#include "widgets/quiz_panel.hpp"
#include "widgets/stats_panel.hpp"
#include "widgets/training_plots.hpp"

namespace nnlens::gui {

widgets::FigureView* MainWindow::exportView(figures::FigureKind kind) const {
    switch (kind) {
        case figures::FigureKind::Unit:
        case figures::FigureKind::NodeMap:
            return m_inspector->unitView();
        case figures::FigureKind::Network:
            return m_diagram;
        case figures::FigureKind::Activations:
            return m_activations->view();
        case figures::FigureKind::Softmax:
            return m_softmax->view();
        case figures::FigureKind::Losses:
            return m_losses->view();
        case figures::FigureKind::Flow:
            m_flow->waitForTrace();  // traced only while shown: it may be out of date
            return m_flow->view();   // its trace, data and selected module
        case figures::FigureKind::Stats:
            m_flow->waitForTrace();  // the flow's trace, the bins and the W-vs-dW module
            return m_stats->view();
        case figures::FigureKind::Quiz:
            return m_quiz->view();  // its order and whether the names show
        case figures::FigureKind::Loss:
            return m_trainingPlots->lossView();
        case figures::FigureKind::Fit:
            return m_trainingPlots->fitView();  // its x column and data
        case figures::FigureKind::Graph:
        case figures::FigureKind::LrScan:
        case figures::FigureKind::Data:
            break;
    }
    return m_graph;  // the network figure, and the training figures with its data overlay
}

figures::FigureOptions MainWindow::exportOptions(figures::FigureKind kind,
                                                 const figures::FigureStyle& style) const {
    figures::FigureOptions opt = exportView(kind)->options();
    opt.style = style;
    opt.showSelection = false;  // a figure for a slide: no marks of the window (#13)
    if (kind == figures::FigureKind::Loss || kind == figures::FigureKind::LrScan ||
        kind == figures::FigureKind::Data || kind == figures::FigureKind::Fit) {
        // The training figures, with the window's data, history and timeline position.
        opt.history = widgets::lossHistoryOf(m_training->service()->history());
        opt.markEpoch.reset();
        if (m_training->shownEpoch() > 0) opt.markEpoch = m_training->shownEpoch();
    }
    // The lr scan dialog's last finished scan.
    if (kind == figures::FigureKind::LrScan) opt.scan = m_lrScan ? m_lrScan->curve() : nullptr;
    return opt;
}

QImage MainWindow::exportImage(figures::FigureKind kind, QSize size,
                               const figures::FigureStyle& style, bool showSelection) {
    if (kind == figures::FigureKind::LrScan && !(m_lrScan && m_lrScan->curve())) {
        throw InputError(
            "no learning-rate scan to export yet: run one (Training > Learning-rate scan…)");
    }
    const widgets::FigureView* view = exportView(kind);
    // The maps on the screen, with the network they were computed from (the diagram draws the
    // document's network and no maps).
    const auto frame = view->frame();
    const bool maps = kind != figures::FigureKind::Network && frame && !frame->maps.empty();
    figures::FigureOptions opt = exportOptions(kind, style);
    opt.showSelection = showSelection;
    return figures::renderFigure(kind, view->shownNetwork(), maps ? &frame->maps : nullptr, size,
                                 opt);
}

bool MainWindow::exportFigure(figures::FigureKind kind, QSize size,
                              const figures::FigureStyle& style, const QString& path) {
    QString error;
    try {
        if (widgets::savePng(exportImage(kind, size, style), path, &error)) return true;
    } catch (const std::exception& e) {
        error = QString::fromUtf8(e.what());
    }
    showError(error);
    return false;
}

QSize MainWindow::defaultExportSize(figures::FigureKind kind, double dpi) const {
    figures::FigureStyle style;
    style.dpi = dpi;
    return figures::defaultFigureSize(kind, m_doc->network(), style);
}

void MainWindow::exportDialog() {
    const int tab = m_tabs->currentIndex();
    if (m_tabs->currentWidget() == m_losses) {
        exportDialogFor(figures::FigureKind::Losses, this);
        return;
    }
    if (m_tabs->currentWidget() == m_flow) return exportDialogFor(figures::FigureKind::Flow, this);
    if (m_tabs->currentWidget() == m_stats)
        return exportDialogFor(figures::FigureKind::Stats, this);
    if (m_tabs->currentWidget() == m_quiz) return exportDialogFor(figures::FigureKind::Quiz, this);
    exportDialogFor(tab == 1                       ? figures::FigureKind::Activations
                    : tab == 2                     ? figures::FigureKind::Softmax
                    : m_doc->network().inputs == 2 ? figures::FigureKind::Graph
                                                   : figures::FigureKind::Network,
                    this);
}

void MainWindow::exportDialogFor(figures::FigureKind kind, QWidget* parent) {
    auto* dialog = new widgets::ExportDialog(
        [this](figures::FigureKind figure, QSize size, const figures::FigureStyle& style,
               bool showSelection) { return exportImage(figure, size, style, showSelection); },
        [this](figures::FigureKind figure, double dpi) { return defaultExportSize(figure, dpi); },
        parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFigure(kind);
    dialog->open();
}

void MainWindow::showLrScan() {
    if (!m_lrScan) {
        m_lrScan = new widgets::LrScanDialog(
            m_doc, m_training, [this] { return makeEngine(); }, this);
        m_lrScan->setObjectName(QStringLiteral("lrScanDialog"));
        connect(m_lrScan, &widgets::LrScanDialog::exportRequested, this,
                [this] { exportDialogFor(figures::FigureKind::LrScan, m_lrScan); });
    }
    m_lrScan->show();
    m_lrScan->raise();
    m_lrScan->activateWindow();
}

}  // namespace nnlens::gui
