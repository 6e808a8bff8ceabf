// Inspector: the selected node's incoming weights and bias on sliders and spin boxes, its large
// single-unit view and its formula. The rows of a wide node (200 weights) are made as they
// scroll into view, and kept while another node with as many inputs is selected.
#pragma once

#include <QWidget>

#include <vector>

#include "model/document.hpp"

class QDoubleSpinBox;
class QLabel;
class QScrollArea;
class QSlider;

namespace nnlens::widgets {

class FigureView;

class Inspector : public QWidget {
    Q_OBJECT

  public:
    explicit Inspector(model::Document* doc, QWidget* parent = nullptr);

    FigureView* unitView() const { return m_unit; }
    // Slider range (default -5 .. 5); spin boxes accept any finite value.
    void setSliderRange(double lo, double hi);
    double sliderLo() const { return m_lo; }
    double sliderHi() const { return m_hi; }

    // The rows of the selected node: one per incoming weight, then the bias. A row's widgets
    // are made when it scrolls into view or is asked for here.
    int rowCount() const { return static_cast<int>(m_rows.size()); }
    QSlider* slider(int row);
    QDoubleSpinBox* spinBox(int row);
    // How many rows have their widgets now (the visible ones, the bias and those asked for).
    int builtRowCount() const;
    model::ParamRef parameterOfRow(int row) const;
    // The row whose slider or spin box had focus last (the bias by default).
    int focusedRow() const { return m_focusedRow; }
    // Adds `steps` nudges (one nudge: 1% of the slider range) to the focused parameter.
    void nudge(int steps);
    // Focuses the slider of weight `input` (-1: the bias), e.g. after a click on a diagram edge.
    void focusParameter(int input);
    // A lesson's exercise (#20): the node's activation, formula and map hidden, as they would
    // give the answer away; the sliders stay.
    void setHideAnswers(bool hide);
    bool answersHidden() const { return m_hideAnswers; }

  signals:
    // A slider was pressed (true) or released (false): views may draw drafts meanwhile.
    void dragging(bool active);

  protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void changeEvent(QEvent* event) override;

  private:
    struct Row {
        model::ParamRef param;
        QLabel* name = nullptr;
        QSlider* slider = nullptr;
        QDoubleSpinBox* spin = nullptr;
    };

    void rebuild();        // the selected node's rows
    void refreshValues();  // values from the document, no edits
    void ensureRow(int row);
    void nameRow(int row);     // makes the row's widgets (placed, shown, with its values)
    void ensureVisibleRows();  // the rows in (and just below) the scroll area's viewport
    void placeRow(int row);    // the row's widgets at its place in m_rowsBox
    // Row height and the name and spin box widths from the rows' font (again after a font change:
    // presentation mode's larger text must not be cut).
    void updateRowMetrics();
    void showRowValue(int row);  // the row's slider and spin box from the document
    QString rowName(int row) const;
    void fitRange(bool allowShrink);
    void setValue(int row, double value, bool fromSlider);
    int sliderPosition(double value) const;
    double sliderValue(int position) const;

    model::Document* m_doc;
    QLabel* m_title = nullptr;
    QLabel* m_hiddenNote = nullptr;  // says where the hidden map went
    bool m_hideAnswers = false;
    QLabel* m_arrowNote = nullptr;  // why a first-layer map with input features has no arrow
    QLabel* m_formula = nullptr;
    QScrollArea* m_scroll = nullptr;
    QWidget* m_rowsBox = nullptr;  // no layout: rows are placed at row * m_rowHeight
    int m_rowHeight = 0;           // one line, or two when stacked
    int m_lineHeight = 0;
    bool m_stacked = false;  // the name and number above the slider: the dock is narrow
    // The row metrics from a built row's widgets and the rows box's width.
    void measureRows(const Row& built);
    // The width of the widest row name (the bias's included) in `fm`, with its margin.
    int nameWidth(const QFontMetrics& fm) const;
    // Gives the rows the names of the shown node's parameters; lays them out again when a name
    // changed (its width may differ).
    void renameRows();
    void updateStacking();
    int m_nameWidth = 0;
    int m_spinWidth = 0;
    FigureView* m_unit = nullptr;
    QDoubleSpinBox* m_loSpin = nullptr;
    QDoubleSpinBox* m_hiSpin = nullptr;
    std::vector<Row> m_rows;
    model::NodeRef m_shown;
    int m_shownInputs = -1;
    double m_lo = -5.0;
    double m_hi = 5.0;
    int m_dragId = 0;
    int m_focusedRow = -1;
    bool m_userRange = false;  // the user set the slider range: it no longer follows the node
};

}  // namespace nnlens::widgets
