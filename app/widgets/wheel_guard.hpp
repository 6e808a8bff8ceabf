// WheelGuard: a control in a scrolling dock turns with the mouse wheel only once it has focus (a
// click or Tab); until then the wheel scrolls the dock. Scrolling the Training dock moved the
// timeline slider under the pointer to epoch 142, and the next Play dropped the epochs after it,
// and set the learning rate to 0.25 (#20, second walk).
#pragma once

#include <QObject>

class QWidget;

namespace nnlens::widgets {

class WheelGuard : public QObject {
    Q_OBJECT

  public:
    // Guards `control` (a slider, spin box or combo box): focus on click or Tab, not on the wheel.
    static void guard(QWidget* control);

  protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

  private:
    explicit WheelGuard(QObject* parent) : QObject(parent) {}
};

}  // namespace nnlens::widgets
