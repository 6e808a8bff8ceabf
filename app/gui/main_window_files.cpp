// MainWindow and files: open (dialog, drop, start-up, presets), save and save as, the question
// before closing an edited network.
#include "main_window.hpp"

#include <QAbstractSpinBox>
#include <QApplication>
#include <QCloseEvent>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QMimeData>
#include <QStatusBar>
#include <QTimer>

#include "core/error.hpp"
#include "text/number_text.hpp"
#include "widgets/layer_editor.hpp"

namespace nnlens::gui {

namespace {

bool isNetworkFile(const QString& path) {
    return path.endsWith(QStringLiteral(".json"), Qt::CaseInsensitive);
}

// The example a plain start opens.
const QString kExample = QStringLiteral(":/presets/quadrant-selector.nnlens.json");

}  // namespace

bool MainWindow::openFile(const QString& path) {
    QString error;
    m_training->pause();
    if (!m_doc->open(path, &error)) {
        showError(error);
        return false;
    }
    m_training->forget();
    m_layers->resetColourLimit();
    showLesson();
    if (!m_stepping) endLesson();  // the user opened another network: the lesson is over
    addRecent(QFileInfo(path).absoluteFilePath());
    statusBar()->showMessage(tr("Opened %1").arg(m_doc->displayName()), 3000);
    return true;
}

bool MainWindow::openAtStart(const QString& path) {
    if (path.isEmpty()) return openPreset(kExample);
    if (path.endsWith(QStringLiteral(".nnlens-lesson.json"), Qt::CaseInsensitive)) {
        // A lesson plan (a double click in a file manager): its first step, over the example.
        openPreset(kExample);
        const bool dialogs = std::exchange(m_errorDialogs, false);
        const bool opened = openLessonPlan(path);
        m_errorDialogs = dialogs;
        if (!opened) showError(m_lastError);
        return opened;
    }
    const bool dialogs = m_errorDialogs;
    m_errorDialogs = false;  // one dialog, after the example is open
    const bool opened = openFile(path);
    m_errorDialogs = dialogs;
    if (opened) return true;
    const QString error = m_lastError;
    openPreset(kExample);
    showError(error);
    return false;
}

bool MainWindow::openPreset(const QString& path) {
    QString error;
    m_training->pause();
    if (!m_doc->openPreset(path, &error)) {
        showError(error);
        return false;
    }
    m_training->forget();
    m_layers->resetColourLimit();
    showLesson();
    if (!m_stepping) endLesson();
    return true;
}

void MainWindow::commitEditing() {
    // A number typed into a spin box reaches the document when the box loses focus or Enter is
    // pressed; Save, Close and Export must not miss it.
    if (auto* box = qobject_cast<QAbstractSpinBox*>(QApplication::focusWidget())) {
        box->interpretText();
    }
}

bool MainWindow::save() {
    commitEditing();
    m_training->pause();
    if (m_doc->filePath().isEmpty()) return saveAsDialog();
    QString error;
    if (!m_doc->save(&error)) {
        showError(error);
        return false;
    }
    statusBar()->showMessage(tr("Saved %1").arg(m_doc->displayName()), 3000);
    return true;
}

bool MainWindow::saveAs(const QString& path) {
    commitEditing();
    m_training->pause();
    QString error;
    if (!m_doc->saveAs(path, &error)) {
        showError(error);
        return false;
    }
    addRecent(QFileInfo(path).absoluteFilePath());
    statusBar()->showMessage(tr("Saved %1").arg(m_doc->displayName()), 3000);
    return true;
}

void MainWindow::openDialog() {
    if (!maybeSave()) return;
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open network"), QString(),
        tr("nnlens networks (*.nnlens.json);;JSON files (*.json);;All files (*)"));
    if (!path.isEmpty()) openFile(path);
}

bool MainWindow::saveAsDialog() {
    QString suggested = m_doc->filePath();
    if (suggested.isEmpty()) suggested = m_doc->displayName() + QStringLiteral(".nnlens.json");
    // The dialog adds the suffix itself, so its overwrite question names the real file.
    QFileDialog dialog(this, tr("Save network"), suggested, tr("nnlens networks (*.nnlens.json)"));
    dialog.setAcceptMode(QFileDialog::AcceptSave);
    dialog.setDefaultSuffix(QStringLiteral("nnlens.json"));
    if (dialog.exec() != QDialog::Accepted || dialog.selectedFiles().isEmpty()) return false;
    return saveAs(dialog.selectedFiles().front());
}

bool MainWindow::maybeSave() {
    commitEditing();
    m_training->pause();
    if (!m_doc->isModified()) return true;
    QMessageBox::StandardButton answer;
    if (m_prompt) {
        answer = m_prompt();
    } else {
        answer = QMessageBox::warning(
            this, tr("Unsaved changes"),
            tr("\"%1\" has changes that are not saved.").arg(m_doc->displayName()),
            QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    }
    if (answer == QMessageBox::Save) return save();
    return answer == QMessageBox::Discard;
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (maybeSave()) {
        event->accept();
    } else {
        event->ignore();
    }
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    const auto urls = event->mimeData()->urls();
    if (urls.size() == 1 && urls.front().isLocalFile() &&
        isNetworkFile(urls.front().toLocalFile())) {
        event->acceptProposedAction();
    }
}

void MainWindow::dropEvent(QDropEvent* event) {
    const auto urls = event->mimeData()->urls();
    if (urls.isEmpty() || !urls.front().isLocalFile()) return;
    event->acceptProposedAction();
    // After the drop has returned: a "save changes?" question must not hold the drag source.
    const QString path = urls.front().toLocalFile();
    QTimer::singleShot(0, this, [this, path] {
        if (maybeSave()) openFile(path);
    });
}

}  // namespace nnlens::gui
