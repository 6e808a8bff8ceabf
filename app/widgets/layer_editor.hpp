// LayerEditor: the network layer by layer (nodes, activation, parameters), with buttons to add,
// insert, remove and reorder layers and nodes, and the map settings.
#pragma once

#include <QWidget>

#include <functional>

#include "model/document.hpp"

class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace nnlens::widgets {

class LayerEditor : public QWidget {
    Q_OBJECT

  public:
    explicit LayerEditor(model::Document* doc, QWidget* parent = nullptr);

    QTableWidget* table() const { return m_table; }
    // The colour limit set by hand, when "fixed" is ticked.
    std::optional<float> fixedColourLimit() const;
    void setDataColourLimit(float vlim);  // shown while the limit is automatic
    // Back to the automatic limit (a newly opened network brings its own scale).
    void resetColourLimit();
    // How a layer move that reshapes weights is confirmed (tests answer without a dialog): gets
    // the sentences naming what changes, true to go on. Default: a question box.
    using MoveConfirm = std::function<bool(const QStringList&)>;
    void setMoveConfirm(MoveConfirm confirm) { m_confirmMove = std::move(confirm); }
    // A lesson's exercise (#20): the activation column hidden, as it would give the answer away.
    void setHideAnswers(bool hide);

  signals:
    void colourLimitChanged();
    // A line for the status bar (what a layer move changed).
    void message(const QString& text);

  protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

  private:
    void refresh();
    void refreshView();
    int currentLayer() const;
    // Move up (-1) / Move down (+1) of the current layer, saying first what it reshapes.
    void moveCurrentLayer(int delta);
    MoveConfirm m_confirmMove;  // the table's selected layer (0-based), or the document's selection

    model::Document* m_doc;
    QLabel* m_summary = nullptr;
    QTableWidget* m_table = nullptr;
    QPushButton* m_add = nullptr;
    QPushButton* m_insert = nullptr;
    QPushButton* m_remove = nullptr;
    QPushButton* m_up = nullptr;
    QPushButton* m_down = nullptr;
    QPushButton* m_addNode = nullptr;
    QPushButton* m_removeNode = nullptr;
    QDoubleSpinBox* m_range = nullptr;
    QSpinBox* m_grid = nullptr;
    QSpinBox* m_bins = nullptr;
    QCheckBox* m_fixed = nullptr;
    QDoubleSpinBox* m_vlim = nullptr;
    bool m_refreshing = false;
};

}  // namespace nnlens::widgets
