// DataPanel: the Data dock: generate a data set (the engine's generators), import and export CSV,
// clear, and the point editing mode of the output map.
#pragma once

#include <QWidget>

#include "model/document.hpp"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;

namespace nnlens::widgets {

class DataPanel : public QWidget {
    Q_OBJECT

  public:
    explicit DataPanel(model::Document* doc, QWidget* parent = nullptr);

    // Generates `kind` with the panel's points, noise and seed (one undo step).
    bool generate(const QString& kind, int points, double noise, int seed);
    // Import and export without dialogs (the buttons ask for the file); on failure the message
    // goes to `error` and the current data stay.
    bool importCsv(const QString& path, QString* error);
    bool exportCsv(const QString& path, QString* error);

    bool pointEditing() const;
    bool pointsOnAllMaps() const;
    // Playground's two checkboxes: the validation points on the maps, and the output maps as
    // the class decision. The window keeps View > Discretize Output in step with the second.
    bool showValidation() const;
    bool discretize() const;
    void setDiscretize(bool on);

  signals:
    void pointEditingChanged(bool on);
    void pointsOnAllMapsChanged(bool on);
    void showValidationChanged(bool on);
    void discretizeChanged(bool on);
    // A one-line message for the status bar (errors included).
    void message(const QString& text, bool failure);

  private:
    void updateSummary();

    model::Document* m_doc;
    QComboBox* m_kind = nullptr;
    QSpinBox* m_points = nullptr;
    QDoubleSpinBox* m_noise = nullptr;
    QSpinBox* m_seed = nullptr;
    QCheckBox* m_edit = nullptr;
    QCheckBox* m_allMaps = nullptr;
    QCheckBox* m_validation = nullptr;
    QCheckBox* m_discretize = nullptr;
    QLabel* m_summary = nullptr;
};

}  // namespace nnlens::widgets
