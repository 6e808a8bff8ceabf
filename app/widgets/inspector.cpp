// Inspector: sliders map [lo, hi] onto 1000 steps; a press-to-release drag is one undo step.
#include "inspector.hpp"

#include <QDoubleSpinBox>
#include <QEvent>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSlider>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "figure_view.hpp"

namespace nnlens::widgets {

namespace {

constexpr int kSliderSteps = 1000;

QString inputName(int layer, int input) {
    return layer == 0 ? QStringLiteral("x%1").arg(input + 1) : QStringLiteral("h%1").arg(input + 1);
}

}  // namespace

Inspector::Inspector(model::Document* doc, QWidget* parent) : QWidget(parent), m_doc(doc) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);

    m_title = new QLabel(this);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.2);
    m_title->setFont(titleFont);
    layout->addWidget(m_title);

    m_unit = new FigureView(figures::FigureKind::Unit, doc, this);
    m_unit->setMinimumSize(220, 240);
    m_unit->setObjectName(QStringLiteral("unitView"));
    layout->addWidget(m_unit, 3);

    m_formula = new QLabel(this);
    m_formula->setWordWrap(true);
    m_formula->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_formula->setObjectName(QStringLiteral("formula"));
    layout->addWidget(m_formula);

    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    m_rowsBox = new QWidget(scroll);
    m_grid = new QGridLayout(m_rowsBox);
    m_grid->setContentsMargins(0, 0, 0, 0);
    m_grid->setColumnStretch(1, 1);
    scroll->setWidget(m_rowsBox);
    layout->addWidget(scroll, 2);

    auto* rangeBox = new QHBoxLayout;
    rangeBox->addWidget(new QLabel(tr("Slider range"), this));
    m_loSpin = new QDoubleSpinBox(this);
    m_hiSpin = new QDoubleSpinBox(this);
    for (auto* s : {m_loSpin, m_hiSpin}) {
        s->setRange(-1000.0, 1000.0);
        s->setDecimals(2);
        s->setSingleStep(1.0);
        rangeBox->addWidget(s, 1);
    }
    m_loSpin->setObjectName(QStringLiteral("sliderLo"));
    m_hiSpin->setObjectName(QStringLiteral("sliderHi"));
    m_loSpin->setValue(m_lo);
    m_hiSpin->setValue(m_hi);
    auto rangeChanged = [this] {
        if (m_loSpin->value() == m_lo && m_hiSpin->value() == m_hi) return;
        m_userRange = true;
        setSliderRange(m_loSpin->value(), m_hiSpin->value());
    };
    connect(m_loSpin, &QDoubleSpinBox::editingFinished, this, rangeChanged);
    connect(m_hiSpin, &QDoubleSpinBox::editingFinished, this, rangeChanged);
    layout->addLayout(rangeBox);

    connect(doc, &model::Document::selectionChanged, this, [this] { rebuild(); });
    connect(doc, &model::Document::networkChanged, this, [this](model::EditHint hint) {
        if (hint.shape) {
            rebuild();
        } else {
            refreshValues();
        }
    });
    rebuild();
}

void Inspector::setSliderRange(double lo, double hi) {
    if (!(hi > lo)) {
        QSignalBlocker b1(m_loSpin), b2(m_hiSpin);
        m_loSpin->setValue(m_lo);
        m_hiSpin->setValue(m_hi);
        return;
    }
    m_lo = lo;
    m_hi = hi;
    QSignalBlocker b1(m_loSpin), b2(m_hiSpin);
    m_loSpin->setValue(lo);
    m_hiSpin->setValue(hi);
    refreshValues();
}

QSlider* Inspector::slider(int row) const {
    return m_rows.at(static_cast<std::size_t>(row)).slider;
}
QDoubleSpinBox* Inspector::spinBox(int row) const {
    return m_rows.at(static_cast<std::size_t>(row)).spin;
}
model::ParamRef Inspector::parameterOfRow(int row) const {
    return m_rows.at(static_cast<std::size_t>(row)).param;
}

int Inspector::sliderPosition(double value) const {
    const double t = (value - m_lo) / (m_hi - m_lo);
    return static_cast<int>(std::lround(std::clamp(t, 0.0, 1.0) * kSliderSteps));
}

double Inspector::sliderValue(int position) const {
    return m_lo + (m_hi - m_lo) * position / kSliderSteps;
}

void Inspector::rebuild() {
    const Network& net = m_doc->network();
    const model::NodeRef sel = m_doc->selection();
    const bool valid = sel.valid() && sel.layer < static_cast<int>(net.layers.size());
    const int inputs = valid ? net.layers[static_cast<std::size_t>(sel.layer)].inputs() : 0;
    m_unit->setVisible(net.inputs == 2);  // no map without 2 inputs: room for the sliders
    if (valid && sel == m_shown && inputs == m_shownInputs) {
        fitRange(true);
        refreshValues();
        return;
    }
    m_shown = sel;
    m_shownInputs = inputs;
    for (Row& r : m_rows) {
        delete r.name;
        delete r.slider;
        delete r.spin;
    }
    m_rows.clear();
    for (int i = 0; i < m_grid->rowCount(); ++i)
        m_grid->setRowStretch(i, 0);
    m_focusedRow = -1;
    if (!valid) {
        m_title->setText(tr("No node selected"));
        m_formula->clear();
        return;
    }
    // Very wide layers get the first rows only: sliders for 4096 inputs help nobody.
    constexpr int kMaxRows = 256;
    const int shownInputs = std::min(inputs, kMaxRows);
    for (int i = 0; i <= shownInputs; ++i) {
        const bool bias = i == shownInputs;
        Row r;
        r.param = model::ParamRef{sel.layer, sel.node, bias ? -1 : i};
        r.name = new QLabel(bias ? tr("bias b") : tr("w from %1").arg(inputName(sel.layer, i)),
                            m_rowsBox);
        r.slider = new QSlider(Qt::Horizontal, m_rowsBox);
        r.slider->setRange(0, kSliderSteps);
        r.slider->setPageStep(kSliderSteps / 20);
        r.slider->setObjectName(bias ? QStringLiteral("slider-bias")
                                     : QStringLiteral("slider-w%1").arg(i + 1));
        r.spin = new QDoubleSpinBox(m_rowsBox);
        r.spin->setRange(-1e6, 1e6);
        r.spin->setDecimals(3);
        r.spin->setSingleStep(0.05);
        r.spin->setKeyboardTracking(false);
        r.spin->setObjectName(bias ? QStringLiteral("spin-bias")
                                   : QStringLiteral("spin-w%1").arg(i + 1));
        const int row = static_cast<int>(m_rows.size());
        m_grid->addWidget(r.name, row, 0);
        m_grid->addWidget(r.slider, row, 1);
        m_grid->addWidget(r.spin, row, 2);
        r.slider->installEventFilter(this);
        r.spin->installEventFilter(this);
        connect(r.slider, &QSlider::sliderPressed, this, [this] {
            m_dragId = m_doc->beginDrag();
            emit dragging(true);
        });
        connect(r.slider, &QSlider::sliderReleased, this, [this] {
            m_dragId = 0;
            emit dragging(false);
        });
        connect(r.slider, &QSlider::valueChanged, this,
                [this, row](int position) { setValue(row, sliderValue(position), true); });
        connect(r.spin, &QDoubleSpinBox::valueChanged, this,
                [this, row](double v) { setValue(row, v, false); });
        m_rows.push_back(r);
    }
    m_grid->setRowStretch(static_cast<int>(m_rows.size()), 1);
    fitRange(true);
    m_focusedRow = static_cast<int>(m_rows.size()) - 1;
    refreshValues();
}

void Inspector::fitRange(bool allowShrink) {
    // Until the user sets a range, it follows the node: -5 .. 5, widened (to 10, 20, 50, 100, ...)
    // when the node's numbers lie outside, so no slider sits pinned at an end (the notebook's
    // 8-4-3-2 example has weights up to 81).
    double lo = m_lo;
    double hi = m_hi;
    if (allowShrink && !m_userRange) {
        lo = -5.0;
        hi = 5.0;
    }
    float largest = 0.0f;
    for (const Row& r : m_rows)
        largest = std::max(largest, std::fabs(m_doc->parameter(r.param)));
    if (std::isfinite(largest) && (largest > hi || -largest < lo)) {
        double bound = 10.0;
        for (int k = 0; bound < largest && k < 30; ++k) {
            bound *= (k % 3 == 1) ? 2.5 : 2.0;  // 10, 20, 50, 100, 200, 500, ...
        }
        lo = std::min(lo, -bound);
        hi = std::max(hi, bound);
    }
    if (lo == m_lo && hi == m_hi) return;
    m_lo = lo;
    m_hi = hi;
    QSignalBlocker b1(m_loSpin), b2(m_hiSpin);
    m_loSpin->setValue(m_lo);
    m_hiSpin->setValue(m_hi);
}

void Inspector::focusParameter(int input) {
    const int row = input < 0 ? rowCount() - 1 : input;
    if (row < 0 || row >= rowCount()) return;
    m_focusedRow = row;
    m_rows[static_cast<std::size_t>(row)].slider->setFocus(Qt::OtherFocusReason);
}

void Inspector::changeEvent(QEvent* event) {
    if (event->type() == QEvent::FontChange) {
        QFont titleFont = font();
        titleFont.setBold(true);
        titleFont.setPointSizeF(font().pointSizeF() * 1.2);
        m_title->setFont(titleFont);
    }
    QWidget::changeEvent(event);
}

void Inspector::refreshValues() {
    const Network& net = m_doc->network();
    const model::NodeRef sel = m_doc->selection();
    if (!sel.valid() || sel.layer >= static_cast<int>(net.layers.size())) return;
    const Layer& layer = net.layers[static_cast<std::size_t>(sel.layer)];
    if (sel.node >= layer.outputs() || layer.inputs() != m_shownInputs) {
        rebuild();
        return;
    }
    fitRange(false);  // a typed value beyond the range widens it
    m_title->setText(tr("LYR%1-NODE%2  ·  %3")
                         .arg(sel.layer + 1)
                         .arg(sel.node + 1)
                         .arg(QString::fromUtf8(activationName(layer.activation).data())));
    m_formula->setText(figures::nodeFormula(net, sel));
    for (Row& r : m_rows) {
        const float v = m_doc->parameter(r.param);
        QSignalBlocker bs(r.slider), bp(r.spin);
        if (!r.slider->isSliderDown()) r.slider->setValue(sliderPosition(v));
        r.spin->setValue(v);
    }
}

void Inspector::setValue(int row, double value, bool fromSlider) {
    const Row& r = m_rows.at(static_cast<std::size_t>(row));
    // Only a press-and-drag merges; keyboard steps on a slider are one undo step each.
    const int drag = fromSlider && r.slider->isSliderDown() ? m_dragId : 0;
    m_focusedRow = row;
    if (!m_doc->setParameter(r.param, static_cast<float>(value), drag)) refreshValues();
}

void Inspector::nudge(int steps) {
    if (m_focusedRow < 0 || m_focusedRow >= rowCount()) return;
    const double step = (m_hi - m_lo) / 100.0;
    const Row& r = m_rows[static_cast<std::size_t>(m_focusedRow)];
    const double v = m_doc->parameter(r.param) + steps * step;
    setValue(m_focusedRow, v, false);
}

bool Inspector::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() == QEvent::FocusIn) {
        for (int i = 0; i < rowCount(); ++i) {
            if (watched == m_rows[static_cast<std::size_t>(i)].slider ||
                watched == m_rows[static_cast<std::size_t>(i)].spin) {
                m_focusedRow = i;
            }
        }
    } else if (event->type() == QEvent::KeyPress) {
        const auto* key = static_cast<QKeyEvent*>(event);
        if (key->key() == Qt::Key_Plus || key->key() == Qt::Key_Equal) {
            nudge(1);
            return true;
        }
        if (key->key() == Qt::Key_Minus && qobject_cast<QSlider*>(watched)) {
            nudge(-1);
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

}  // namespace nnlens::widgets
