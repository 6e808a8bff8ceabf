// MainWindow's engine and status: choosing the backend (and saying when it fell back), errors,
// the title and the status bar.
#include "main_window.hpp"

#include <QLabel>
#include <QStatusBar>

#include "core/error.hpp"
#include "text/number_text.hpp"

namespace nnlens::gui {

std::unique_ptr<Backend> MainWindow::makeEngine() {
    const auto choice = engine::backendChoiceFromName(m_backendChoice.toStdString());
    try {
        return engine::makeBackend(choice.value_or(engine::BackendChoice::Auto), fallbackReport());
    } catch (const std::exception&) {
        return std::make_unique<CpuBackend>();
    }
}

bool MainWindow::setBackend(const QString& name) {
    auto refuse = [this](const QString& message) {
        showError(message);
        syncBackendMenu();
        return false;
    };
    const auto choice = engine::backendChoiceFromName(name.toStdString());
    if (!choice) {
        const std::string_view known = engine::knownBackendNames();
        return refuse(
            tr("There is no engine \"%1\" (known: %2).")
                .arg(name, QString::fromUtf8(known.data(), static_cast<qsizetype>(known.size()))));
    }
    std::unique_ptr<Backend> backend;
    try {
        backend = engine::makeBackend(*choice, fallbackReport());
    } catch (const engine::BackendUnavailable& e) {
        return refuse(tr("The CUDA engine is not available: %1").arg(QString::fromUtf8(e.what())));
    }
    m_backendChoice = name;
    syncBackendMenu();
    useBackend(std::move(backend));
    return true;
}

void MainWindow::useBackend(std::unique_ptr<Backend> backend) {
    m_maps->setBackend(std::move(backend));
    requestMaps({0, -1, true});
    updateStatus();
}

engine::FallbackReport MainWindow::fallbackReport() {
    // Queued: the worker must not touch widgets, and the window may be busy when it reports.
    // Events still queued when the window goes are dropped with it; the worker that reports is
    // joined before then (m_maps is destroyed before the QObject).
    return [this](const std::string& line) {
        QMetaObject::invokeMethod(
            this, [this, text = QString::fromStdString(line)] { showFallback(text); },
            Qt::QueuedConnection);
    };
}

void MainWindow::showFallback(const QString& line) {
    showError(tr("Engine: %1").arg(line), false);
    updateStatus();
}

QString MainWindow::backendName() const {
    return m_maps->backendName();
}

void MainWindow::showError(const QString& message, bool dialog) {
    m_lastError = message;
    statusBar()->showMessage(message, 10000);
    if (dialog && m_errorDialogs) {
        auto* box =
            new QMessageBox(QMessageBox::Warning, tr("nnlens"), message, QMessageBox::Ok, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    }
}

void MainWindow::updateTitle() {
    setWindowTitle(m_doc->displayName() + QStringLiteral("[*] — nnlens"));
    setWindowModified(m_doc->isModified());
}

void MainWindow::updateStatus() {
    const QString backend = m_maps->backendName();
    const bool maps = m_doc->network().inputs == 2;
    m_backendLabel->setText(
        tr("Engine: %1")
            .arg(backend == QStringLiteral("cuda") ? tr("CUDA GPU") : tr("CPU (Eigen)")));
    auto ms = [](double v) {
        return QString::fromStdString(text::formatNumber(v, 1, text::Digits::Decimals));
    };
    m_frameLabel->setText(
        maps ? tr("Update %1 ms (maps %2 ms)").arg(ms(m_lastUpdateMs), ms(m_lastComputeMs))
             : tr("No maps (%1 inputs)").arg(m_doc->network().inputs));
    const figures::NodeRef sel = m_doc->selection();
    const Network& net = m_doc->network();
    if (sel.valid() && sel.layer < static_cast<int>(net.layers.size())) {
        m_selectionLabel->setText(tr("LYR%1-NODE%2 selected (arrow keys move, +/- nudge)")
                                      .arg(sel.layer + 1)
                                      .arg(sel.node + 1));
    } else {
        m_selectionLabel->clear();
    }
}

}  // namespace nnlens::gui
