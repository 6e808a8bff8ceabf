// QuizPanel: the Quiz tab, the notebook's "which activation?" exercise: six maps of one unit with
// the same w and b (the selected first-layer node's, else the notebook's w = [2, 1], b = 1), one
// per activation, in a random order; Reveal shows the names, Shuffle draws a new order.
#pragma once

#include <QWidget>

#include <cstdint>

#include "model/document.hpp"

class QLabel;
class QPushButton;

namespace nnlens::widgets {

class FigureView;

class QuizPanel : public QWidget {
    Q_OBJECT

  public:
    explicit QuizPanel(model::Document* doc, QWidget* parent = nullptr);

    FigureView* view() const { return m_view; }
    QPushButton* revealButton() const { return m_reveal; }
    QPushButton* shuffleButton() const { return m_shuffle; }
    // The order's seed (figures::quizOrder); Shuffle draws a new one.
    std::uint64_t seed() const { return m_seed; }
    void setSeed(std::uint64_t seed);
    bool revealed() const;
    void setRevealed(bool on);

  private:
    model::Document* m_doc;
    FigureView* m_view = nullptr;
    QPushButton* m_reveal = nullptr;
    QPushButton* m_shuffle = nullptr;
    QLabel* m_source = nullptr;
    std::uint64_t m_seed = 0;
};

}  // namespace nnlens::widgets
