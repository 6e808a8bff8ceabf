// ActivationPanel, SoftmaxPanel and LossesPanel: a figure view with the controls that change its
// options.
#include "plot_panels.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPushButton>
#include <QSignalBlocker>
#include <QVBoxLayout>

#include <algorithm>

#include "figure_view.hpp"

namespace nnlens::widgets {

ActivationPanel::ActivationPanel(model::Document* doc, QWidget* parent)
    : QWidget(parent), m_doc(doc) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_view = new FigureView(figures::FigureKind::Activations, doc, this);
    m_view->setObjectName(QStringLiteral("activationView"));
    layout->addWidget(m_view, 1);

    // Two rows of boxes keep the panel narrow enough for a 1280-pixel window.
    auto* boxes = new QGridLayout;
    boxes->addWidget(new QLabel(tr("Show:"), this), 0, 0);
    int placed = 0;
    const auto& shown = m_view->options().activations;
    for (int i = 0; i < kActivationCount; ++i) {
        const auto a = static_cast<Activation>(i);
        if (a == Activation::Softmax) continue;  // not element-wise: see the softmax panel
        auto* box = new QCheckBox(QString::fromUtf8(activationName(a).data()), this);
        box->setChecked(std::find(shown.begin(), shown.end(), a) != shown.end());
        box->setObjectName(QStringLiteral("show-%1").arg(box->text()));
        boxes->addWidget(box, placed / 5, 1 + placed % 5);
        ++placed;
        m_boxes[a] = box;
        connect(box, &QCheckBox::toggled, this, [this] {
            figures::FigureOptions opt = m_view->options();
            opt.activations.clear();
            for (const auto& [act, b] : m_boxes) {
                if (b->isChecked()) opt.activations.push_back(act);
            }
            m_view->setOptions(opt);
        });
    }
    boxes->setColumnStretch(6, 1);
    layout->addLayout(boxes);

    connect(doc, &model::Document::selectionChanged, this, [this] { refresh(); });
    connect(doc, &model::Document::networkChanged, this, [this] { refresh(); });
    refresh();
}

QCheckBox* ActivationPanel::checkBox(Activation a) const {
    const auto it = m_boxes.find(a);
    return it == m_boxes.end() ? nullptr : it->second;
}

void ActivationPanel::refresh() {
    const Network& net = m_doc->network();
    const model::NodeRef sel = m_doc->selection();
    figures::FigureOptions opt = m_view->options();
    opt.highlight.reset();
    if (!m_hideAnswers && sel.layer >= 0 && sel.layer < static_cast<int>(net.layers.size())) {
        const Activation a = net.layers[static_cast<std::size_t>(sel.layer)].activation;
        opt.highlight = a;
        // The selected layer's curve is always drawn, even when its box is off.
        if (a != Activation::Softmax &&
            std::find(opt.activations.begin(), opt.activations.end(), a) == opt.activations.end()) {
            if (QCheckBox* box = checkBox(a)) {
                QSignalBlocker block(box);
                box->setChecked(true);
            }
            opt.activations.push_back(a);
        }
    }
    m_view->setOptions(opt);
}

SoftmaxPanel::SoftmaxPanel(model::Document* doc, QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_view = new FigureView(figures::FigureKind::Softmax, doc, this);
    m_view->setObjectName(QStringLiteral("softmaxView"));
    layout->addWidget(m_view, 1);

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("y1, y2 from"), this));
    m_lo = new QDoubleSpinBox(this);
    m_hi = new QDoubleSpinBox(this);
    for (auto* s : {m_lo, m_hi}) {
        s->setRange(-1000.0, 1000.0);
        s->setDecimals(2);
        s->setKeyboardTracking(false);
    }
    m_lo->setObjectName(QStringLiteral("softmaxLo"));
    m_lo->setAccessibleName(tr("Lowest y"));
    m_hi->setObjectName(QStringLiteral("softmaxHi"));
    m_hi->setAccessibleName(tr("Highest y"));
    controls->addWidget(m_lo);
    controls->addWidget(new QLabel(tr("to"), this));
    controls->addWidget(m_hi);
    controls->addWidget(new QLabel(tr("(y3 in the middle)"), this));
    auto* wide = new QPushButton(tr("0 to 15"), this);
    auto* narrow = new QPushButton(tr("-1 to 1"), this);
    wide->setToolTip(tr("The notebook's plot_softmax(0, 15): outputs like relu's"));
    narrow->setToolTip(tr("The notebook's plot_softmax(-1, 1): outputs like tanh's"));
    wide->setObjectName(QStringLiteral("softmaxPresetWide"));
    narrow->setObjectName(QStringLiteral("softmaxPresetNarrow"));
    controls->addWidget(wide);
    controls->addWidget(narrow);
    controls->addStretch(1);
    layout->addLayout(controls);
    // A row of its own: the range's row already fills a 1280-pixel window's centre.
    m_perPanel = new QCheckBox(tr("Per-panel colours (the notebook's imshow: each panel from "
                                  "its own min to max)"),
                               this);
    m_perPanel->setObjectName(QStringLiteral("softmaxPerPanel"));
    m_perPanel->setToolTip(
        tr("Each panel's colours span its own min..max of p, as the notebook's imshow does "
           "(off: one scale 0..1 with a colour bar)"));
    layout->addWidget(m_perPanel);
    connect(m_perPanel, &QCheckBox::toggled, this, [this](bool on) {
        figures::FigureOptions opt = m_view->options();
        opt.softmaxPerPanel = on;
        m_view->setOptions(opt);
    });

    auto edited = [this] { setRange(m_lo->value(), m_hi->value()); };
    connect(m_lo, &QDoubleSpinBox::valueChanged, this, edited);
    connect(m_hi, &QDoubleSpinBox::valueChanged, this, edited);
    connect(wide, &QPushButton::clicked, this, [this] { setRange(0.0, 15.0); });
    connect(narrow, &QPushButton::clicked, this, [this] { setRange(-1.0, 1.0); });
    setRange(0.0, 15.0);
}

void SoftmaxPanel::setRange(double lo, double hi) {
    QSignalBlocker b1(m_lo), b2(m_hi);
    figures::FigureOptions opt = m_view->options();
    if (hi > lo) {
        opt.softmaxLo = lo;
        opt.softmaxHi = hi;
        m_view->setOptions(opt);
    }
    m_lo->setValue(opt.softmaxLo);
    m_hi->setValue(opt.softmaxHi);
}

LossesPanel::LossesPanel(model::Document* doc, QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_view = new FigureView(figures::FigureKind::Losses, doc, this);
    m_view->setObjectName(QStringLiteral("lossesView"));
    layout->addWidget(m_view, 1);

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("chi2 \u03c3"), this));
    m_sigma = new QDoubleSpinBox(this);
    m_sigma->setObjectName(QStringLiteral("lossSigma"));
    m_sigma->setAccessibleName(tr("Sigma"));
    m_sigma->setRange(figures::kMinLossSigma, figures::kMaxLossSigma);
    m_sigma->setDecimals(2);
    m_sigma->setSingleStep(0.1);
    m_sigma->setKeyboardTracking(false);
    m_sigma->setValue(m_view->options().lossSigma);
    m_sigma->setToolTip(
        tr("The target's uncertainty in the chi-square (nnlens-cli render --sigma)"));
    controls->addWidget(m_sigma);
    controls->addSpacing(12);
    controls->addWidget(new QLabel(tr("Emphasise:"), this));
    m_highlight = new QComboBox(this);
    m_highlight->setObjectName(QStringLiteral("lossHighlight"));
    m_highlight->addItem(tr("all"), -1);
    for (const LossInfo& info : kLosses) {
        m_highlight->addItem(
            QString::fromUtf8(info.name.data(), static_cast<int>(info.name.size())),
            static_cast<int>(info.id));
    }
    m_highlight->setToolTip(
        tr("One loss drawn strong, the others light (nnlens-cli render --loss)"));
    controls->addWidget(m_highlight);
    controls->addSpacing(12);
    m_ceNote = new QLabel(
        tr("ce: %1 classes, logit x\u2081 varied, the others 0").arg(figures::kLossCurveClasses),
        this);
    m_ceNote->setObjectName(QStringLiteral("ceNote"));
    controls->addWidget(m_ceNote);
    controls->addStretch(1);
    layout->addLayout(controls);

    connect(m_sigma, &QDoubleSpinBox::valueChanged, this, [this](double sigma) {
        figures::FigureOptions opt = m_view->options();
        opt.lossSigma = sigma;
        m_view->setOptions(opt);
    });
    connect(m_highlight, &QComboBox::currentIndexChanged, this, [this] {
        figures::FigureOptions opt = m_view->options();
        const int id = m_highlight->currentData().toInt();
        opt.lossHighlight.reset();
        if (id >= 0) opt.lossHighlight = static_cast<Loss>(id);
        // Where the panels are shown three at a time, the page with the emphasised one.
        if (id >= 0) opt.lossesFirst = m_highlight->currentIndex() - 1;
        m_view->setOptions(opt);
        updateCeNote();
    });
    m_view->installEventFilter(this);
}

bool LossesPanel::eventFilter(QObject* watched, QEvent* event) {
    // "◀" / "▶" beside the legend: the other three losses, where the floor shows three.
    if (watched == m_view && (event->type() == QEvent::Resize || event->type() == QEvent::Show))
        updateCeNote();
    if (watched == m_view && event->type() == QEvent::MouseButtonPress) {
        const auto* press = static_cast<QMouseEvent*>(event);
        const int first = lossesLayout().pageHit(press->position());
        if (press->button() == Qt::LeftButton && first >= 0) {
            showLosses(first);
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

figures::LossesLayout LossesPanel::lossesLayout() const {
    return figures::layoutLosses(QRectF(m_view->rect()), m_view->options());
}

void LossesPanel::showLosses(int first) {
    figures::FigureOptions opt = m_view->options();
    opt.lossesFirst = std::max(0, first);
    m_view->setOptions(opt);
    updateCeNote();
}

void LossesPanel::updateCeNote() {
    // #20: "ce: 3 classes ..." stood under the regression page (mse, l2, chi2).
    const figures::LossesLayout l = lossesLayout();
    m_ceNote->setVisible(std::find(l.losses.begin(), l.losses.end(), Loss::Ce) != l.losses.end());
}

}  // namespace nnlens::widgets
