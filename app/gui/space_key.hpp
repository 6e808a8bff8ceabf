// SpaceKey: Space plays and pauses wherever the focus is in the window, except where it types a
// character (a text field, an editable combo box, a number field whose text is being edited).
#pragma once

#include <QObject>

class QWidget;

namespace nnlens::gui {

class SpaceKey : public QObject {
    Q_OBJECT

  public:
    // Watches the application's key events for `window` (installs itself on qApp).
    explicit SpaceKey(QWidget* window);
    ~SpaceKey() override;

    // Whether Space typed into `focus` is text, not a command.
    static bool typesSpace(const QWidget* focus);

  protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

  private:
    QWidget* m_window;
};

}  // namespace nnlens::gui
