// Inspector: sliders map [lo, hi] onto 1000 steps; a press-to-release drag is one undo step. Rows
// sit at fixed heights in a scroll area and get their widgets when they come into view, so that
// selecting a node with 200 inputs makes a screenful of sliders, not 600 widgets.
#include "inspector.hpp"

#include <QDoubleSpinBox>
#include <QEvent>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QRegularExpression>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalBlocker>
#include <QSlider>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "figure_view.hpp"
#include "wheel_guard.hpp"

namespace nnlens::widgets {

namespace {

constexpr int kSliderSteps = 1000;
// Rows made below the viewport's last one, and before the scroll area has a size.
constexpr int kRowsAhead = 4;
constexpr int kFirstRows = 24;

// The weight rows' scroll area shows whole rows: where they overflow, the part of a row that
// would show under the last whole one is left blank (#20: rows cut mid-row at step 9), and the
// wheel and arrows step by a row.
class WholeRowsArea : public QScrollArea {
  public:
    using QScrollArea::QScrollArea;
    void setRowHeight(int height) {
        m_rowHeight = height;
        snap();
    }
    void snap() {
        const QWidget* rows = widget();
        const int height = this->height() - 2 * frameWidth();
        const bool overflow = m_rowHeight > 0 && rows && rows->minimumHeight() > height;
        const int rest = overflow ? height % m_rowHeight : 0;
        if (rest != viewportMargins().bottom()) setViewportMargins(0, 0, 0, rest);
        if (m_rowHeight > 0) verticalScrollBar()->setSingleStep(m_rowHeight);
    }

  protected:
    void resizeEvent(QResizeEvent* event) override {
        QScrollArea::resizeEvent(event);
        snap();
    }

  private:
    int m_rowHeight = 0;
};

// The formula as the label wraps it: lines break only before an operator ("0.32 h3" and
// "(3 more)" stay whole, #20); every other space does not break.
QString formulaText(QString formula) {
    // A minus sign, not a hyphen: a line may break after a hyphen ("x2 -" over "1.00").
    formula.replace(QStringLiteral(" - "), QStringLiteral(" \u2212 "));
    static const QRegularExpression glued(QStringLiteral(" (?![+\\x{2212}=] )"));
    return formula.replace(glued, QStringLiteral("\u00a0"));
}

// "x1", "sin(x1)" (an input feature) or "h3" (a node of the layer before).
QString inputName(const Network& net, int layer, int input) {
    return layer == 0 ? QString::fromStdString(nnlens::inputName(net.features, input))
                      : QStringLiteral("h%1").arg(input + 1);
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
    m_hiddenNote = new QLabel(
        tr("The node's activation and map are hidden for the exercise: View > Show Answers "
           "shows them."),
        this);
    m_hiddenNote->setObjectName(QStringLiteral("answersHidden"));
    m_hiddenNote->setWordWrap(true);
    m_hiddenNote->hide();
    layout->addWidget(m_hiddenNote);

    m_formula = new QLabel(this);
    m_formula->setWordWrap(true);
    m_formula->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_formula->setObjectName(QStringLiteral("formula"));
    layout->addWidget(m_formula);

    m_arrowNote = new QLabel(this);
    m_arrowNote->setWordWrap(true);
    m_arrowNote->setObjectName(QStringLiteral("arrowNote"));
    m_arrowNote->hide();
    layout->addWidget(m_arrowNote);

    m_scroll = new WholeRowsArea(this);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->setObjectName(QStringLiteral("inspectorRows"));
    m_rowsBox = new QWidget(m_scroll);
    m_scroll->setWidget(m_rowsBox);
    m_rowsBox->installEventFilter(this);
    m_scroll->viewport()->installEventFilter(this);
    connect(m_scroll->verticalScrollBar(), &QScrollBar::valueChanged, this,
            [this] { ensureVisibleRows(); });
    layout->addWidget(m_scroll, 2);

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
    m_loSpin->setAccessibleName(tr("Slider range, lowest value"));
    m_hiSpin->setAccessibleName(tr("Slider range, highest value"));
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

QSlider* Inspector::slider(int row) {
    ensureRow(row);
    return m_rows.at(static_cast<std::size_t>(row)).slider;
}
QDoubleSpinBox* Inspector::spinBox(int row) {
    ensureRow(row);
    return m_rows.at(static_cast<std::size_t>(row)).spin;
}
int Inspector::builtRowCount() const {
    return static_cast<int>(
        std::count_if(m_rows.begin(), m_rows.end(), [](const Row& r) { return r.slider; }));
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
    // No map without 2 inputs (room for the sliders), nor in an exercise that hides it.
    m_unit->setVisible(net.inputs == 2 && !m_hideAnswers);
    m_hiddenNote->setVisible(m_hideAnswers);
    if (valid && sel == m_shown && inputs == m_shownInputs) {
        // The same rows; their names follow the input features (one turned on, another off).
        renameRows();
        fitRange(true);
        refreshValues();
        return;
    }
    if (valid && inputs == m_shownInputs && !m_rows.empty()) {
        // Another node with as many inputs: the rows (and their widgets) now edit its numbers.
        m_shown = sel;
        for (Row& r : m_rows) {
            r.param.layer = sel.layer;
            r.param.node = sel.node;
        }
        renameRows();
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
    m_focusedRow = -1;
    m_rowsBox->setMinimumHeight(0);
    m_rowHeight = 0;  // measured again for this node's names
    if (!valid) {
        m_title->setText(tr("No node selected"));
        m_formula->clear();
        return;
    }
    for (int i = 0; i <= inputs; ++i)
        m_rows.push_back(Row{model::ParamRef{sel.layer, sel.node, i == inputs ? -1 : i}});
    fitRange(true);
    // The first row sets the height of all; the bias (last) row is always there.
    ensureRow(0);
    m_rowsBox->setMinimumHeight(m_rowHeight * rowCount());
    static_cast<WholeRowsArea*>(m_scroll)->setRowHeight(m_rowHeight);
    ensureRow(rowCount() - 1);
    m_scroll->verticalScrollBar()->setValue(0);
    ensureVisibleRows();
    m_focusedRow = rowCount() - 1;
    refreshValues();
}

QString Inspector::rowName(int row) const {
    const model::ParamRef& param = m_rows.at(static_cast<std::size_t>(row)).param;
    return param.input < 0
               ? tr("bias b")
               : tr("w from %1").arg(inputName(m_doc->network(), param.layer, param.input));
}

void Inspector::nameRow(int row) {
    // What a screen reader says: the parameter and its node ("w from x1 of LYR1-NODE1").
    Row& r = m_rows[static_cast<std::size_t>(row)];
    const QString node =
        QStringLiteral("LYR%1-NODE%2").arg(r.param.layer + 1).arg(r.param.node + 1);
    const QString name = tr("%1 of %2").arg(rowName(row), node);
    r.slider->setAccessibleName(tr("%1, slider").arg(name));
    r.spin->setAccessibleName(name);
    r.name->setBuddy(r.spin);
}

void Inspector::ensureRow(int row) {
    if (row < 0 || row >= rowCount()) return;
    Row& r = m_rows[static_cast<std::size_t>(row)];
    if (r.slider) return;
    const bool bias = r.param.input < 0;
    r.name = new QLabel(rowName(row), m_rowsBox);
    r.slider = new QSlider(Qt::Horizontal, m_rowsBox);
    r.slider->setRange(0, kSliderSteps);
    r.slider->setPageStep(kSliderSteps / 20);
    r.slider->setObjectName(bias ? QStringLiteral("slider-bias")
                                 : QStringLiteral("slider-w%1").arg(row + 1));
    r.spin = new QDoubleSpinBox(m_rowsBox);
    r.spin->setRange(-1e6, 1e6);
    r.spin->setDecimals(3);
    r.spin->setSingleStep(0.05);
    r.spin->setKeyboardTracking(false);
    r.spin->setObjectName(bias ? QStringLiteral("spin-bias")
                               : QStringLiteral("spin-w%1").arg(row + 1));
    // Scrolling the list of weights with the wheel leaves them as they are until one is clicked.
    WheelGuard::guard(r.slider);
    WheelGuard::guard(r.spin);
    if (m_rowHeight == 0) measureRows(r);
    nameRow(row);
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
    placeRow(row);
    showRowValue(row);
    r.name->show();
    r.slider->show();
    r.spin->show();
}

namespace {
// Below this the slider is a stub (#20): the name and number go above it instead.
constexpr int kMinSliderWidth = 100;
}  // namespace

void Inspector::measureRows(const Row& r) {
    // Every line is as tall as a spin box; the names as wide as this node's longest (its last
    // weight's); the number as wide as five digits and three decimals (the range's ±1e6 would
    // take the slider's room for values that are seldom there).
    m_lineHeight = std::max(r.spin->sizeHint().height(), r.slider->sizeHint().height()) + 4;
    const QFontMetrics fm = r.spin->fontMetrics();
    m_spinWidth =
        std::min(r.spin->sizeHint().width(),
                 r.spin->sizeHint().width() - fm.horizontalAdvance(QStringLiteral("-1000000.000")) +
                     fm.horizontalAdvance(QStringLiteral("-00000.000")));
    m_nameWidth = nameWidth(r.name->fontMetrics());
    m_stacked = false;
    m_rowHeight = m_lineHeight;
    updateStacking();
}

int Inspector::nameWidth(const QFontMetrics& fm) const {
    // The last weight's name is the longest of x1..xn and h1..hn; input features ("sin(x1)",
    // "x1*x2") are measured one by one.
    int widest = fm.horizontalAdvance(tr("bias b"));
    const Network& net = m_doc->network();
    const int last = rowCount() - 2;
    const int first = m_shown.layer == 0 && !net.features.empty() ? 0 : std::max(0, last);
    for (int row = first; row <= last; ++row)
        widest = std::max(widest, fm.horizontalAdvance(rowName(row)));
    return widest + 6;
}

void Inspector::renameRows() {
    bool renamed = false;
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        const int row = static_cast<int>(i);
        if (!m_rows[i].name) continue;
        if (m_rows[i].name->text() != rowName(row)) {
            m_rows[i].name->setText(rowName(row));
            renamed = true;
        }
        nameRow(row);  // the accessible names also name the node
    }
    if (!renamed || m_lineHeight <= 0) return;
    const auto it = std::find_if(m_rows.begin(), m_rows.end(), [](const Row& r) { return r.name; });
    if (it == m_rows.end()) return;
    // Other names may need another width: the rows are laid out again.
    m_nameWidth = nameWidth(it->name->fontMetrics());
    m_rowHeight = 0;
    updateStacking();
}

void Inspector::updateStacking() {
    if (m_lineHeight <= 0) return;
    const bool stacked = m_rowsBox->width() - m_nameWidth - m_spinWidth - 12 < kMinSliderWidth;
    if (stacked == m_stacked && m_rowHeight > 0) return;
    m_stacked = stacked;
    m_rowHeight = m_lineHeight * (stacked ? 2 : 1);
    m_rowsBox->setMinimumHeight(m_rowHeight * rowCount());
    static_cast<WholeRowsArea*>(m_scroll)->setRowHeight(m_rowHeight);
    for (int row = 0; row < rowCount(); ++row)
        placeRow(row);
}

void Inspector::placeRow(int row) {
    const Row& r = m_rows.at(static_cast<std::size_t>(row));
    if (!r.slider) return;
    const int y = row * m_rowHeight;
    const int h = m_lineHeight - 4;
    const int width = m_rowsBox->width();
    if (m_stacked) {
        // The name and number on the first line, the slider the whole width under them.
        r.name->setGeometry(0, y, std::max(1, width - m_spinWidth - 6), h);
        r.spin->setGeometry(width - m_spinWidth, y, m_spinWidth, h);
        r.slider->setGeometry(0, y + m_lineHeight, width, h);
        return;
    }
    const int sliderWidth = std::max(20, width - m_nameWidth - m_spinWidth - 12);
    r.name->setGeometry(0, y, m_nameWidth, h);
    r.slider->setGeometry(m_nameWidth + 6, y, sliderWidth, h);
    r.spin->setGeometry(width - m_spinWidth, y, m_spinWidth, h);
}

void Inspector::ensureVisibleRows() {
    if (m_rows.empty() || m_rowHeight <= 0) return;
    const int top = m_scroll->verticalScrollBar()->value();
    const int height = m_scroll->viewport()->height();
    const int first = std::max(0, top / m_rowHeight);
    const int last = height > 0 ? (top + height) / m_rowHeight + kRowsAhead : kFirstRows;
    for (int row = first; row <= std::min(last, rowCount() - 1); ++row)
        ensureRow(row);
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
    ensureRow(row);
    m_focusedRow = row;
    QSlider* s = m_rows[static_cast<std::size_t>(row)].slider;
    m_scroll->ensureWidgetVisible(s, 0, m_rowHeight);
    s->setFocus(Qt::OtherFocusReason);
}

void Inspector::changeEvent(QEvent* event) {
    if (event->type() == QEvent::FontChange) {
        QFont titleFont = font();
        titleFont.setBold(true);
        titleFont.setPointSizeF(font().pointSizeF() * 1.2);
        m_title->setFont(titleFont);
        // The rows' widgets have their new font once this event is through.
        QMetaObject::invokeMethod(
            this, [this] { updateRowMetrics(); }, Qt::QueuedConnection);
    }
    QWidget::changeEvent(event);
}

void Inspector::updateRowMetrics() {
    const auto built =
        std::find_if(m_rows.begin(), m_rows.end(), [](const Row& r) { return r.slider; });
    if (built == m_rows.end()) {
        m_rowHeight = 0;  // the first row built measures them
        return;
    }
    measureRows(*built);
    m_rowsBox->setMinimumHeight(m_rowHeight * rowCount());
    static_cast<WholeRowsArea*>(m_scroll)->setRowHeight(m_rowHeight);
    for (int row = 0; row < static_cast<int>(m_rows.size()); ++row)
        placeRow(row);
    ensureVisibleRows();
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
                         .arg(m_hideAnswers
                                  ? QStringLiteral("?")
                                  : QString::fromUtf8(activationName(layer.activation).data())));
    m_formula->setText(m_hideAnswers ? QString() : formulaText(figures::nodeFormula(net, sel)));
    m_formula->setVisible(!m_hideAnswers);
    // Spec section 10: the arrow and the s = 0 line need the plane itself as the inputs.
    const bool featureNote = sel.layer == 0 && net.inputs == 2 && !net.plainInputs();
    if (featureNote) {
        QStringList names;
        for (const Feature f : net.features)
            names << QString::fromUtf8(featureName(f).data(),
                                       static_cast<qsizetype>(featureName(f).size()));
        m_arrowNote->setText(tr("No weight arrow or s = 0 line on this map: the layer's inputs "
                                "are the features %1, not the plane's x1, x2.")
                                 .arg(names.join(QStringLiteral(", "))));
    }
    m_arrowNote->setVisible(featureNote && !m_hideAnswers);
    for (int row = 0; row < rowCount(); ++row)
        showRowValue(row);
}

void Inspector::showRowValue(int row) {
    const Row& r = m_rows.at(static_cast<std::size_t>(row));
    if (!r.slider) return;
    const float v = m_doc->parameter(r.param);
    QSignalBlocker bs(r.slider), bp(r.spin);
    if (!r.slider->isSliderDown()) r.slider->setValue(sliderPosition(v));
    r.spin->setValue(v);
}

void Inspector::setValue(int row, double value, bool fromSlider) {
    const Row& r = m_rows.at(static_cast<std::size_t>(row));
    // Only a press-and-drag merges; keyboard steps on a slider are one undo step each.
    const int drag = fromSlider && r.slider && r.slider->isSliderDown() ? m_dragId : 0;
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
    if (event->type() == QEvent::Resize &&
        (watched == m_rowsBox || watched == m_scroll->viewport())) {
        if (watched == m_rowsBox) {
            updateStacking();
            for (int row = 0; row < rowCount(); ++row)
                placeRow(row);
        }
        ensureVisibleRows();
    } else if (event->type() == QEvent::FocusIn) {
        for (int i = 0; i < rowCount(); ++i) {
            const Row& r = m_rows[static_cast<std::size_t>(i)];
            if (r.slider && (watched == r.slider || watched == r.spin)) {
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

void Inspector::setHideAnswers(bool hide) {
    if (hide == m_hideAnswers) return;
    m_hideAnswers = hide;
    m_shown = {};  // the title, formula and map again
    rebuild();
}

}  // namespace nnlens::widgets
