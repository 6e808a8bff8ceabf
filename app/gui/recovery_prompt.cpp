// MainWindow at start-up: offers the unsaved networks that a crashed nnlens left, one question
// each (Restore, Discard, Later), as KDE's editors offer their swap files.
#include <QAbstractButton>
#include <QDate>
#include <QLocale>
#include <QPushButton>
#include <QStatusBar>

#include "main_window.hpp"
#include "widgets/layer_editor.hpp"

namespace nnlens::gui {

namespace {

// "today at 14:05" / "yesterday at 09:12" / the locale's short date and time.
QString whenText(const QDateTime& utc) {
    const QDateTime local = utc.toLocalTime();
    const QLocale locale;
    const QString time = locale.toString(local.time(), QLocale::ShortFormat);
    const QDate today = QDate::currentDate();
    if (local.date() == today) return MainWindow::tr("today at %1").arg(time);
    if (local.date() == today.addDays(-1)) return MainWindow::tr("yesterday at %1").arg(time);
    return locale.toString(local, QLocale::ShortFormat);
}

}  // namespace

model::RecoveryAnswer MainWindow::askRecovery(const model::RecoveryFile& file) {
    if (m_recoveryPrompt) return m_recoveryPrompt(file);
    QMessageBox box(QMessageBox::Question, tr("Restore unsaved network?"),
                    tr("nnlens was not closed properly. Restore the unsaved network \"%1\" from "
                       "%2?")
                        .arg(file.name, whenText(file.written)),
                    QMessageBox::NoButton, this);
    box.setInformativeText(
        file.originalPath.isEmpty()
            ? tr("It was never saved to a file. Restore opens it with its edits; Discard throws "
                 "them away; Later asks again at the next start.")
            : tr("Restore opens it with its edits; Save then writes them to %1. Discard throws "
                 "them away; Later asks again at the next start.")
                  .arg(model::shownText(file.originalPath)));
    QPushButton* restore = box.addButton(tr("Restore"), QMessageBox::AcceptRole);
    QPushButton* discard = box.addButton(tr("Discard"), QMessageBox::DestructiveRole);
    QPushButton* later = box.addButton(tr("Later"), QMessageBox::RejectRole);
    box.setDefaultButton(restore);
    box.setEscapeButton(later);
    box.exec();
    if (box.clickedButton() == restore) return model::RecoveryAnswer::Restore;
    if (box.clickedButton() == discard) return model::RecoveryAnswer::Discard;
    return model::RecoveryAnswer::Later;
}

bool MainWindow::offerRecovery() {
    QStringList problems;
    const std::vector<model::RecoveryFile> files =
        model::RecoveryService::pending(m_recovery->folder(), &problems);
    for (const QString& problem : problems) {
        showError(tr("A recovery file could not be read: %1").arg(problem));
    }
    for (const model::RecoveryFile& file : files) {
        switch (askRecovery(file)) {
            case model::RecoveryAnswer::Restore: {
                if (!maybeSave()) return false;  // the file stays for the next start
                QString error;
                if (!m_recovery->restore(file, &error)) {
                    showError(tr("Could not restore: %1").arg(error));
                    continue;
                }
                m_layers->resetColourLimit();
                statusBar()->showMessage(tr("Restored %1").arg(file.name), 5000);
                return true;  // one network a window; any others are offered at the next start
            }
            case model::RecoveryAnswer::Discard:
                model::RecoveryService::discard(file);
                break;
            case model::RecoveryAnswer::Later:
                break;
        }
    }
    return false;
}

}  // namespace nnlens::gui
