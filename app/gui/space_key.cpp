// SpaceKey: lets the Play shortcut have Space from widgets that would otherwise keep it.
#include "space_key.hpp"

#include <QAbstractButton>
#include <QAbstractSpinBox>
#include <QApplication>
#include <QComboBox>
#include <QKeyEvent>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTextEdit>
#include <QWidget>

namespace nnlens::gui {

SpaceKey::SpaceKey(QWidget* window) : QObject(window), m_window(window) {
    qApp->installEventFilter(this);
}

SpaceKey::~SpaceKey() {
    qApp->removeEventFilter(this);
}

bool SpaceKey::typesSpace(const QWidget* focus) {
    if (!focus) return false;
    if (const auto* box = qobject_cast<const QComboBox*>(focus)) return box->isEditable();
    // A number field only while its text is being typed (a space never belongs in a number,
    // but a field the user is typing into keeps every key).
    if (const auto* spin = qobject_cast<const QAbstractSpinBox*>(focus)) {
        const auto* edit = spin->findChild<const QLineEdit*>();
        return edit && edit->isModified();
    }
    if (const auto* edit = qobject_cast<const QLineEdit*>(focus)) {
        if (const auto* spin = qobject_cast<const QAbstractSpinBox*>(edit->parentWidget()))
            return typesSpace(spin);
        return !edit->isReadOnly();
    }
    if (const auto* text = qobject_cast<const QTextEdit*>(focus)) return !text->isReadOnly();
    if (const auto* plain = qobject_cast<const QPlainTextEdit*>(focus)) return !plain->isReadOnly();
    return false;
}

bool SpaceKey::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() == QEvent::ShortcutOverride) {
        auto* key = static_cast<QKeyEvent*>(event);
        auto* widget = qobject_cast<QWidget*>(watched);
        if (key->key() == Qt::Key_Space && key->modifiers() == Qt::NoModifier && widget &&
            widget->window() == m_window && !typesSpace(widget)) {
            // Not accepted: the shortcut map gives Space to Play (a focused button or check
            // box would otherwise take it as a click).
            key->ignore();
            return true;
        }
    }
    return QObject::eventFilter(watched, event);
}

}  // namespace nnlens::gui
