#include "caption_panel.hpp"

#include <QApplication>
#include <QEvent>
#include <QFontMetrics>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QScrollBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace nnlens::widgets {

namespace {
// The caption is read from the back of a room: a little larger than the window's text.
constexpr double kCaptionScale = 1.2;
constexpr double kTitleScale = 1.35;
// A caption grows to show every sentence (#20: a step's last sentence behind a scroll bar went
// unread) up to this share of the window's height; only a longer one scrolls, so the figures
// keep most of the room.
constexpr double kMaxShare = 0.3;
constexpr int kMinLines = 4;
}  // namespace

CaptionPanel::CaptionPanel(QWidget* parent) : QFrame(parent) {
    setObjectName(QStringLiteral("captionPanel"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);

    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("captionTitle"));
    m_title->setTextFormat(Qt::PlainText);
    m_title->setWordWrap(true);
    m_text = new QLabel(this);
    m_text->setObjectName(QStringLiteral("captionText"));
    m_text->setTextFormat(Qt::PlainText);
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_text->setAlignment(Qt::AlignLeft | Qt::AlignTop);

    auto* words = new QVBoxLayout;
    words->setSpacing(2);
    words->addWidget(m_title);
    m_scroll = new QScrollArea(this);
    m_scroll->setObjectName(QStringLiteral("captionScroll"));
    m_scroll->setWidget(m_text);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_scroll->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_scroll->viewport()->setAutoFillBackground(false);
    m_text->setAutoFillBackground(false);
    words->addWidget(m_scroll);

    m_lessonRow = new QWidget(this);
    auto* row = new QHBoxLayout(m_lessonRow);
    row->setContentsMargins(0, 0, 0, 0);
    auto makeButton = [this](const QString& text, const QString& tip, const QString& name) {
        auto* b = new QToolButton(m_lessonRow);
        b->setText(text);
        b->setToolTip(tip);
        b->setObjectName(name);
        b->setToolButtonStyle(Qt::ToolButtonTextOnly);
        b->setAutoRaise(true);
        return b;
    };
    m_previous = makeButton(tr("◀ Previous"), tr("The previous step (Page Up)"),
                            QStringLiteral("lessonPrevious"));
    m_step = new QLabel(m_lessonRow);
    m_step->setObjectName(QStringLiteral("lessonStep"));
    // "Artificial neural networks: step 13 of 14" wraps rather than widen the figures' area
    // past the screen (presentation mode's text, a third of the screen for the docks).
    m_step->setWordWrap(true);
    m_next =
        makeButton(tr("Next ▶"), tr("The next step (Page Down)"), QStringLiteral("lessonNext"));
    m_reset = makeButton(tr("Reset Step"),
                         tr("Bring this step's network back as the lesson has it (undoable)"),
                         QStringLiteral("lessonReset"));
    m_end = makeButton(tr("End Lesson"), tr("Leave the lesson; the open network stays"),
                       QStringLiteral("lessonEnd"));
    row->addWidget(m_previous);
    row->addWidget(m_step, 1);  // the room there is, wrapping only when it must
    row->addWidget(m_next);
    row->addSpacing(12);
    row->addWidget(m_reset);
    row->addWidget(m_end);
    connect(m_previous, &QToolButton::clicked, this, &CaptionPanel::previousRequested);
    connect(m_next, &QToolButton::clicked, this, &CaptionPanel::nextRequested);
    connect(m_reset, &QToolButton::clicked, this, &CaptionPanel::resetRequested);
    connect(m_end, &QToolButton::clicked, this, &CaptionPanel::endRequested);
    m_lessonRow->hide();

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 6, 10, 6);
    layout->setSpacing(4);
    layout->addWidget(m_lessonRow);
    layout->addLayout(words);
    updateFonts();
}

void CaptionPanel::setCaption(const QString& title, const QString& text) {
    m_title->setText(title);
    m_title->setVisible(!title.isEmpty());
    m_text->setText(text);
    m_scroll->setVisible(!text.isEmpty());
    updateTextHeight();
}

void CaptionPanel::resizeEvent(QResizeEvent* event) {
    QFrame::resizeEvent(event);
    updateStepText();
    updateTextHeight();
}

void CaptionPanel::updateStepText() {
    // The lesson's name while it fits on one line; where it does not (presentation mode's text
    // at 1280 x 800), "Step 14 of 14" alone, the name in the tooltip, rather than a wrapped
    // "step 14 / of 14".
    const QString& text =
        m_step->fontMetrics().horizontalAdvance(m_fullStep) <= m_step->contentsRect().width()
            ? m_fullStep
            : m_shortStep;
    if (m_step->text() != text) m_step->setText(text);
}

void CaptionPanel::updateTextHeight() {
    const int width =
        std::max(50, m_scroll->width() - m_scroll->verticalScrollBar()->sizeHint().width());
    const int full = m_text->heightForWidth(width);
    const int most = std::max(QFontMetrics(m_text->font()).lineSpacing() * kMinLines + 4,
                              static_cast<int>(window()->height() * kMaxShare));
    m_scroll->setFixedHeight(std::max(1, std::min(full, most)));
    m_scroll->setVerticalScrollBarPolicy(full > most ? Qt::ScrollBarAsNeeded
                                                     : Qt::ScrollBarAlwaysOff);
}

void CaptionPanel::setStep(int index, int count, const QString& lesson) {
    m_lessonRow->setVisible(count > 0);
    if (count <= 0) return;
    m_shortStep = tr("Step %1 of %2").arg(index + 1).arg(count);
    m_fullStep = lesson.isEmpty() ? m_shortStep
                                  : tr("%1: step %2 of %3").arg(lesson).arg(index + 1).arg(count);
    m_step->setToolTip(m_fullStep);
    updateStepText();
    m_previous->setEnabled(index > 0);
    m_next->setEnabled(index + 1 < count);
}

bool CaptionPanel::hasContent() const {
    return !m_text->text().isEmpty() || !m_lessonRow->isHidden();
}

bool CaptionPanel::event(QEvent* event) {
    // Presentation mode changes the window's font: the caption grows with it.
    const bool font =
        event->type() == QEvent::FontChange || event->type() == QEvent::ApplicationFontChange;
    const bool handled = QFrame::event(event);
    if (font) {
        updateFonts();
        updateStepText();
    }
    return handled;
}

void CaptionPanel::updateFonts() {
    // The panel's own font (the window's, which presentation mode enlarges), scaled.
    const QFont base = font();
    auto scaled = [&base](double factor) {
        QFont f = base;
        if (base.pointSizeF() > 0) {
            f.setPointSizeF(base.pointSizeF() * factor);
        } else {
            f.setPixelSize(qRound(base.pixelSize() * factor));
        }
        return f;
    };
    m_text->setFont(scaled(kCaptionScale));
    QFont title = scaled(kTitleScale);
    title.setBold(true);
    m_title->setFont(title);
    updateTextHeight();
}

}  // namespace nnlens::widgets
