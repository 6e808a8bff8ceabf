// CaptionPanel: the words shown with the network above the figures: the network's description
// (the notebook's explanation of a preset) or a lesson step's caption; in a lesson also the step
// ("Step 3 of 13") with Previous, Next, Reset Step and End Lesson. Its text follows the
// application font, so presentation mode enlarges it; View > Caption hides it.
#pragma once

#include <QFrame>

class QLabel;
class QScrollArea;
class QToolButton;

namespace nnlens::widgets {

class CaptionPanel : public QFrame {
    Q_OBJECT

  public:
    explicit CaptionPanel(QWidget* parent = nullptr);

    // A title (bold) and the text under it; both shown as plain text.
    void setCaption(const QString& title, const QString& text);
    // The lesson row: step `index` (0-based) of `count` in `lesson`; count 0 hides it.
    void setStep(int index, int count, const QString& lesson);
    // Whether there is anything to show (a caption or a lesson).
    bool hasContent() const;

    QLabel* titleLabel() const { return m_title; }
    QLabel* textLabel() const { return m_text; }
    QLabel* stepLabel() const { return m_step; }
    QToolButton* previousButton() const { return m_previous; }
    QToolButton* nextButton() const { return m_next; }
    QToolButton* resetButton() const { return m_reset; }
    QToolButton* endButton() const { return m_end; }

  signals:
    void previousRequested();
    void nextRequested();
    void resetRequested();
    void endRequested();

  protected:
    bool event(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

  private:
    void updateFonts();
    // The text's height: all of it, up to kMaxLines lines; a longer caption scrolls.
    void updateTextHeight();
    // The step label's words for its width: with the lesson's name where it fits.
    void updateStepText();

    QLabel* m_title = nullptr;
    QLabel* m_text = nullptr;
    QScrollArea* m_scroll = nullptr;
    QWidget* m_lessonRow = nullptr;
    QLabel* m_step = nullptr;
    QString m_fullStep;   // "Artificial neural networks: step 3 of 14"
    QString m_shortStep;  // "Step 3 of 14"

    QToolButton* m_previous = nullptr;
    QToolButton* m_next = nullptr;
    QToolButton* m_reset = nullptr;
    QToolButton* m_end = nullptr;
};

}  // namespace nnlens::widgets
