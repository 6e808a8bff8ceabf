#include "quiz_panel.hpp"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QRandomGenerator>
#include <QVBoxLayout>

#include "figure_view.hpp"

namespace nnlens::widgets {

QuizPanel::QuizPanel(model::Document* doc, QWidget* parent) : QWidget(parent), m_doc(doc) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_view = new FigureView(figures::FigureKind::Quiz, doc, this);
    m_view->setObjectName(QStringLiteral("quizView"));
    layout->addWidget(m_view, 1);

    auto* controls = new QHBoxLayout;
    m_reveal = new QPushButton(tr("&Reveal"), this);
    m_reveal->setObjectName(QStringLiteral("quizReveal"));
    m_reveal->setCheckable(true);
    m_reveal->setToolTip(tr("Show which activation made each map (nnlens-cli render --reveal)"));
    m_shuffle = new QPushButton(tr("&Shuffle"), this);
    m_shuffle->setObjectName(QStringLiteral("quizShuffle"));
    m_shuffle->setToolTip(tr("The maps in a new random order, names hidden"));
    m_source = new QLabel(this);
    m_source->setObjectName(QStringLiteral("quizSource"));
    m_source->setWordWrap(true);
    controls->addWidget(m_reveal);
    controls->addWidget(m_shuffle);
    controls->addSpacing(12);
    controls->addWidget(m_source, 1);
    layout->addLayout(controls);

    auto updateSource = [this] {
        const figures::QuizUnit unit =
            figures::quizUnit(m_doc->network(), m_view->options().selected);
        m_source->setText(
            unit.fromNetwork
                ? tr("w and b of the selected node: drag its sliders and all six maps follow.")
                : tr("The notebook's w = [2, 1] and b = 1 (select a first-layer node of a "
                     "2-input network to use its w and b)."));
    };
    connect(m_doc, &model::Document::selectionChanged, this, updateSource);
    connect(m_doc, &model::Document::networkChanged, this, updateSource);
    connect(m_reveal, &QPushButton::toggled, this, [this](bool on) {
        figures::FigureOptions opt = m_view->options();
        opt.quizReveal = on;
        m_view->setOptions(opt);
        m_reveal->setText(on ? tr("&Hide Names") : tr("&Reveal"));
    });
    connect(m_shuffle, &QPushButton::clicked, this,
            [this] { setSeed(QRandomGenerator::global()->generate64()); });
    updateSource();
    setSeed(QRandomGenerator::global()->generate64());
}

void QuizPanel::setSeed(std::uint64_t seed) {
    m_seed = seed;
    figures::FigureOptions opt = m_view->options();
    opt.quizOrder = figures::quizOrder(seed);
    m_view->setOptions(opt);
    setRevealed(false);  // a new order is a new question
}

bool QuizPanel::revealed() const {
    return m_reveal->isChecked();
}

void QuizPanel::setRevealed(bool on) {
    m_reveal->setChecked(on);
}

}  // namespace nnlens::widgets
