// DataPanel: generators, CSV import/export and point editing for the document's data set.
#include "data_panel.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <exception>
#include <memory>

#include "core/dataset.hpp"
#include "core/error.hpp"
#include "core/lesson.hpp"
#include "core/limits.hpp"
#include "core/metrics.hpp"
#include "core/trainer.hpp"

namespace nnlens::widgets {

DataPanel::DataPanel(model::Document* doc, QWidget* parent) : QWidget(parent), m_doc(doc) {
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    m_kind = new QComboBox(this);
    m_kind->setObjectName(QStringLiteral("dataKind"));
    for (const std::string& kind : datasetKinds())
        m_kind->addItem(QString::fromStdString(kind));
    m_points = new QSpinBox(this);
    m_points->setObjectName(QStringLiteral("dataPoints"));
    m_points->setAccessibleName(tr("Points to generate"));
    m_points->setRange(1, kMaxGeneratedRows);
    m_points->setValue(500);
    m_noise = new QDoubleSpinBox(this);
    m_noise->setRange(0.0, 10.0);
    m_noise->setSingleStep(0.05);
    m_noise->setValue(0.1);
    m_seed = new QSpinBox(this);
    m_seed->setRange(0, 1'000'000'000);
    m_seed->setValue(1);
    form->addRow(tr("Kind"), m_kind);
    form->addRow(tr("Points"), m_points);
    form->addRow(tr("Noise"), m_noise);
    form->addRow(tr("Seed"), m_seed);
    layout->addLayout(form);

    auto* generate = new QPushButton(tr("Generate"), this);
    generate->setObjectName(QStringLiteral("generateButton"));
    layout->addWidget(generate);
    auto* files = new QHBoxLayout;
    auto* import = new QPushButton(tr("Import CSV..."), this);
    auto* exportButton = new QPushButton(tr("Export CSV..."), this);
    auto* clear = new QPushButton(tr("Clear"), this);
    files->addWidget(import);
    files->addWidget(exportButton);
    files->addWidget(clear);
    layout->addLayout(files);

    m_edit = new QCheckBox(tr("Edit points on the output map"), this);
    m_edit->setObjectName(QStringLiteral("editPoints"));
    m_edit->setToolTip(
        tr("Click: class 1 (target +1); Shift or right click: class 0 (the low "
           "target); drag a point to move it; Delete removes the one under the "
           "mouse"));
    m_allMaps = new QCheckBox(tr("Show the points on every map"), this);
    m_validation = new QCheckBox(tr("Show validation data"), this);
    m_validation->setObjectName(QStringLiteral("showValidation"));
    m_validation->setChecked(true);
    m_validation->setToolTip(
        tr("The validation rows (the Training dock's validation split) as hollow points"));
    m_discretize = new QCheckBox(tr("Discretize output"), this);
    m_discretize->setObjectName(QStringLiteral("discretizeOutput"));
    m_discretize->setToolTip(
        tr("The output maps as the class decision: two colours split at 0.5 "
           "(sigmoid, softmax) or 0 (tanh, linear, ...)"));
    layout->addWidget(m_edit);
    layout->addWidget(m_allMaps);
    layout->addWidget(m_validation);
    layout->addWidget(m_discretize);
    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    m_summary->setObjectName(QStringLiteral("dataSummary"));
    layout->addWidget(m_summary);
    layout->addStretch(1);

    connect(generate, &QPushButton::clicked, this, [this] {
        this->generate(m_kind->currentText(), m_points->value(), m_noise->value(), m_seed->value());
    });
    connect(import, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Import data"), QString(),
                                                          tr("CSV files (*.csv);;All files (*)"));
        if (path.isEmpty()) return;
        QString error;
        if (!importCsv(path, &error)) emit message(error, true);
    });
    connect(exportButton, &QPushButton::clicked, this, [this] {
        if (!m_doc->data()) {
            emit message(tr("There are no data to export"), true);
            return;
        }
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export data"), QStringLiteral("data.csv"), tr("CSV files (*.csv)"));
        if (path.isEmpty()) return;
        QString error;
        if (!exportCsv(path, &error)) emit message(error, true);
    });
    connect(clear, &QPushButton::clicked, this,
            [this] { m_doc->setData(nullptr, tr("Clear data")); });
    connect(m_edit, &QCheckBox::toggled, this, &DataPanel::pointEditingChanged);
    connect(m_allMaps, &QCheckBox::toggled, this, &DataPanel::pointsOnAllMapsChanged);
    connect(m_validation, &QCheckBox::toggled, this, &DataPanel::showValidationChanged);
    connect(m_discretize, &QCheckBox::toggled, this, &DataPanel::discretizeChanged);
    connect(m_doc, &model::Document::dataChanged, this, [this] { updateSummary(); });
    connect(m_doc, &model::Document::trainingSettingsChanged, this, [this] { updateSummary(); });
    updateSummary();
}

bool DataPanel::generate(const QString& kind, int points, double noise, int seed) {
    try {
        auto rows = std::make_shared<const Dataset>(
            generateDataset(kind.toStdString(), points, noise, static_cast<std::uint64_t>(seed)));
        return m_doc->setData(std::move(rows), tr("Generate %1 (%2 points)").arg(kind).arg(points));
    } catch (const std::exception& e) {
        emit message(QString::fromStdString(e.what()), true);
        return false;
    }
}

bool DataPanel::importCsv(const QString& path, QString* error) {
    try {
        auto rows = std::make_shared<const Dataset>(readCsv(QFile::encodeName(path).toStdString()));
        if (rows->inputs() != m_doc->network().inputs) {
            if (error) {
                *error = tr("%1: the data have %2 input columns but the network has %3 inputs")
                             .arg(QFileInfo(path).fileName())
                             .arg(rows->inputs())
                             .arg(m_doc->network().inputs);
            }
            return false;
        }
        return m_doc->setData(std::move(rows), tr("Import %1").arg(QFileInfo(path).fileName()));
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
}

bool DataPanel::exportCsv(const QString& path, QString* error) {
    try {
        if (!m_doc->data()) throw InputError("there are no data to export");
        writeCsv(*m_doc->data(), QFile::encodeName(path).toStdString());
        emit message(
            tr("Exported %1 rows to %2").arg(m_doc->data()->size()).arg(QFileInfo(path).fileName()),
            false);
        return true;
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
}

bool DataPanel::pointEditing() const {
    return m_edit->isChecked();
}

bool DataPanel::pointsOnAllMaps() const {
    return m_allMaps->isChecked();
}

void DataPanel::updateSummary() {
    const std::shared_ptr<const Dataset> rows = m_doc->data();
    if (!rows || rows->size() == 0) {
        m_summary->setText(
            tr("No data. Generate a set, import a CSV, or turn on point editing "
               "and click on the output map."));
        return;
    }
    const int n = rows->size();
    // The generator's fields say what is there (#20: "500 points" beside the lesson's 200): the
    // count, and the lesson's kind, noise and seed when it generated them.
    {
        const QSignalBlocker blockPoints(m_points);
        m_points->setValue(std::clamp(n, m_points->minimum(), m_points->maximum()));
        try {
            const Lesson lesson = lessonOf(m_doc->network());
            if (lesson.data && lesson.data->generate && lesson.data->generate->n == n) {
                const GenerateSpec& g = *lesson.data->generate;
                const int kind = m_kind->findText(QString::fromStdString(g.kind));
                if (kind >= 0) m_kind->setCurrentIndex(kind);
                m_noise->setValue(g.noise);
                if (g.seed <= static_cast<std::uint64_t>(m_seed->maximum()))
                    m_seed->setValue(static_cast<int>(g.seed));
            }
        } catch (const std::exception&) {
            // A lesson that does not parse says so when it opens; the count is still right.
        }
    }
    const int train = trainingRows(n, m_doc->trainingSettings().valSplit);
    QString text = tr("%1 points, %2 inputs, ").arg(n).arg(rows->inputs());
    if (rows->hasLabels() && rows->targets() == 0) {
        text += tr("class labels");
    } else {
        text += tr("%n target(s)", nullptr, rows->targets());
        if (isClassification(*rows)) text += tr(" (two classes)");
    }
    text += tr("; %1 train, %2 validation").arg(train).arg(n - train);
    m_summary->setText(text);
}

bool DataPanel::showValidation() const {
    return m_validation->isChecked();
}

bool DataPanel::discretize() const {
    return m_discretize->isChecked();
}

void DataPanel::setDiscretize(bool on) {
    m_discretize->setChecked(on);
}

}  // namespace nnlens::widgets
