#include "wheel_guard.hpp"

#include <QAbstractScrollArea>
#include <QCoreApplication>
#include <QScrollBar>
#include <QWheelEvent>
#include <QWidget>

namespace nnlens::widgets {

void WheelGuard::guard(QWidget* control) {
    control->setFocusPolicy(Qt::StrongFocus);  // not Qt::WheelFocus
    control->installEventFilter(new WheelGuard(control));
}

bool WheelGuard::eventFilter(QObject* watched, QEvent* event) {
    auto* control = qobject_cast<QWidget*>(watched);
    if (event->type() != QEvent::Wheel || !control || control->hasFocus())
        return QObject::eventFilter(watched, event);
    // Not focused: the wheel scrolls the scroll area around the control, if there is one.
    for (QWidget* w = control->parentWidget(); w; w = w->parentWidget()) {
        if (auto* area = qobject_cast<QAbstractScrollArea*>(w)) {
            QScrollBar* bar = static_cast<QWheelEvent*>(event)->angleDelta().x() != 0 &&
                                      static_cast<QWheelEvent*>(event)->angleDelta().y() == 0
                                  ? area->horizontalScrollBar()
                                  : area->verticalScrollBar();
            QCoreApplication::sendEvent(bar, event);
            break;
        }
    }
    return true;  // the control stays as it was
}

}  // namespace nnlens::widgets
