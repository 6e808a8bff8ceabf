// ExportDialog: sizes default to the figure's matplotlib-like size at the chosen dpi.
#include "export_dialog.hpp"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSaveFile>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

#include <cmath>

#include "core/error.hpp"

namespace nnlens::widgets {

bool savePng(const QImage& image, const QString& path, QString* error) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || !image.save(&file, "PNG") || !file.commit()) {
        if (error) {
            *error = QObject::tr("%1: cannot write the PNG (%2)")
                         .arg(QFileInfo(path).fileName(), file.errorString());
        }
        return false;
    }
    return true;
}

FigureSizeEditor::FigureSizeEditor(QFormLayout* form, QWidget* parent) : QObject(parent) {
    m_width = new QSpinBox(parent);
    m_height = new QSpinBox(parent);
    m_dpi = new QSpinBox(parent);
    m_width->setRange(16, figures::kMaxFigurePixels);
    m_height->setRange(16, figures::kMaxFigurePixels);
    m_dpi->setRange(36, figures::kMaxFigureDpi);
    m_dpi->setValue(100);
    m_width->setSuffix(tr(" px"));
    m_height->setSuffix(tr(" px"));
    m_width->setObjectName(QStringLiteral("exportWidth"));
    m_height->setObjectName(QStringLiteral("exportHeight"));
    m_dpi->setObjectName(QStringLiteral("exportDpi"));
    m_keepAspect = new QCheckBox(tr("Keep proportions"), parent);
    m_keepAspect->setChecked(true);
    auto* row = new QHBoxLayout;
    row->addWidget(m_width);
    row->addWidget(new QLabel(QStringLiteral("×"), parent));
    row->addWidget(m_height);
    row->addWidget(m_keepAspect);
    form->addRow(tr("Size"), row);
    form->addRow(tr("DPI (text and line size)"), m_dpi);

    connect(m_dpi, &QSpinBox::valueChanged, this, [this](int dpi) {
        const double f = m_lastDpi > 0 ? static_cast<double>(dpi) / m_lastDpi : 1.0;
        m_lastDpi = dpi;
        QSignalBlocker b1(m_width), b2(m_height);
        m_width->setValue(static_cast<int>(std::lround(m_width->value() * f)));
        m_height->setValue(static_cast<int>(std::lround(m_height->value() * f)));
    });
    connect(m_width, &QSpinBox::valueChanged, this, [this](int w) {
        if (!m_keepAspect->isChecked()) return;
        QSignalBlocker block(m_height);
        m_height->setValue(std::max(16, static_cast<int>(std::lround(w / m_aspect))));
    });
    connect(m_height, &QSpinBox::valueChanged, this, [this](int h) {
        if (!m_keepAspect->isChecked()) return;
        QSignalBlocker block(m_width);
        m_width->setValue(std::max(16, static_cast<int>(std::lround(h * m_aspect))));
    });
}

void FigureSizeEditor::setSize(QSize size) {
    m_aspect = size.height() > 0 ? static_cast<double>(size.width()) / size.height() : 1.0;
    QSignalBlocker b1(m_width), b2(m_height);
    m_width->setValue(size.width());
    m_height->setValue(size.height());
}

QSize FigureSizeEditor::size() const {
    return {m_width->value(), m_height->value()};
}

int FigureSizeEditor::dpi() const {
    return m_dpi->value();
}

ExportDialog::ExportDialog(Renderer render, Sizer sizer, QWidget* parent)
    : QDialog(parent), m_render(std::move(render)), m_sizer(std::move(sizer)) {
    setWindowTitle(tr("Export figure"));
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    m_figure = new QComboBox(this);
    m_figure->addItem(tr("Network figure (all maps)"),
                      static_cast<int>(figures::FigureKind::Graph));
    m_figure->addItem(tr("Selected node map"), static_cast<int>(figures::FigureKind::NodeMap));
    m_figure->addItem(tr("Single-unit view"), static_cast<int>(figures::FigureKind::Unit));
    m_figure->addItem(tr("Network diagram"), static_cast<int>(figures::FigureKind::Network));
    m_figure->addItem(tr("Activation panel"), static_cast<int>(figures::FigureKind::Activations));
    m_figure->addItem(tr("Softmax panel"), static_cast<int>(figures::FigureKind::Softmax));
    m_figure->addItem(tr("Losses panel"), static_cast<int>(figures::FigureKind::Losses));
    m_figure->addItem(tr("Learning-rate scan"), static_cast<int>(figures::FigureKind::LrScan));
    m_figure->addItem(tr("Data flow (modules and shapes)"),
                      static_cast<int>(figures::FigureKind::Flow));
    m_figure->addItem(tr("Statistics (the whole page)"),
                      static_cast<int>(figures::FigureKind::Stats));
    m_figure->setObjectName(QStringLiteral("exportFigure"));
    form->addRow(tr("Figure"), m_figure);

    m_size = new FigureSizeEditor(form, this);
    m_transparent = new QCheckBox(tr("Transparent background"), this);
    m_transparent->setObjectName(QStringLiteral("exportTransparent"));
    form->addRow(QString(), m_transparent);
    layout->addLayout(form);

    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    layout->addWidget(m_status);

    auto* buttons = new QDialogButtonBox(this);
    auto* save = buttons->addButton(tr("Save PNG…"), QDialogButtonBox::AcceptRole);
    auto* copy = buttons->addButton(tr("Copy to clipboard"), QDialogButtonBox::ActionRole);
    buttons->addButton(QDialogButtonBox::Close);
    layout->addWidget(buttons);
    connect(save, &QPushButton::clicked, this, &ExportDialog::saveAs);
    connect(copy, &QPushButton::clicked, this, &ExportDialog::copyToClipboard);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    connect(m_figure, &QComboBox::currentIndexChanged, this, [this] { resetSize(); });
    resetSize();
}

void ExportDialog::setFigure(figures::FigureKind kind) {
    m_figure->setCurrentIndex(m_figure->findData(static_cast<int>(kind)));
}

figures::FigureKind ExportDialog::figure() const {
    return static_cast<figures::FigureKind>(m_figure->currentData().toInt());
}

QSize ExportDialog::imageSize() const {
    return m_size->size();
}

figures::FigureStyle ExportDialog::style() const {
    figures::FigureStyle s;
    s.dpi = m_size->dpi();
    s.transparent = m_transparent->isChecked();
    return s;
}

void ExportDialog::resetSize() {
    m_size->setSize(m_sizer(figure(), m_size->dpi()));
}

QImage ExportDialog::render() const {
    return m_render(figure(), imageSize(), style());
}

bool ExportDialog::exportTo(const QString& path, QString* error) {
    QImage image;
    try {
        image = render();
    } catch (const std::exception& e) {
        if (error) *error = QString::fromUtf8(e.what());
        return false;
    }
    return savePng(image, path, error);
}

void ExportDialog::copyToClipboard() {
    try {
        QApplication::clipboard()->setImage(render());
        m_status->setText(tr("Copied %1 × %2 px to the clipboard.")
                              .arg(imageSize().width())
                              .arg(imageSize().height()));
    } catch (const std::exception& e) {
        m_status->setText(QString::fromUtf8(e.what()));
    }
}

void ExportDialog::saveAs() {
    const QString name = QString::fromUtf8(figures::figureName(figure()).data());
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export figure as PNG"), name + QStringLiteral(".png"), tr("PNG images (*.png)"));
    if (path.isEmpty()) return;
    QString error;
    if (exportTo(path, &error)) {
        m_status->setText(tr("Saved %1.").arg(QFileInfo(path).fileName()));
    } else {
        m_status->setText(error);
    }
}

}  // namespace nnlens::widgets
