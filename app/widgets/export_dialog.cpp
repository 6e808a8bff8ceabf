// ExportDialog: sizes default to the figure's matplotlib-like size at the chosen dpi; the last
// export's settings are remembered.
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
#include <QSettings>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "figures/png.hpp"

namespace nnlens::widgets {

bool savePng(const QImage& image, const QString& path, QString* error) {
    QSaveFile file(path);
    const QByteArray png = figures::encodePng(image);
    if (png.isEmpty() || !file.open(QIODevice::WriteOnly) || file.write(png) != png.size() ||
        !file.commit()) {
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
    m_dpi->setToolTip(tr("The size of text and lines; the pixel size stays as typed"));
    m_width->setSuffix(tr(" px"));
    m_height->setSuffix(tr(" px"));
    m_width->setObjectName(QStringLiteral("exportWidth"));
    m_height->setObjectName(QStringLiteral("exportHeight"));
    m_dpi->setObjectName(QStringLiteral("exportDpi"));
    m_keepAspect = new QCheckBox(tr("Keep proportions"), parent);
    m_keepAspect->setObjectName(QStringLiteral("exportKeepAspect"));
    m_keepAspect->setChecked(true);
    auto* row = new QHBoxLayout;
    row->addWidget(m_width);
    row->addWidget(new QLabel(QStringLiteral("×"), parent));
    row->addWidget(m_height);
    row->addWidget(m_keepAspect);
    form->addRow(tr("Size"), row);
    form->addRow(tr("DPI (text and line size)"), m_dpi);

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
    // Proportions kept from here on are the ones on the screen now.
    connect(m_keepAspect, &QCheckBox::toggled, this, [this](bool on) {
        if (on && m_height->value() > 0) {
            m_aspect = static_cast<double>(m_width->value()) / m_height->value();
        }
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

void FigureSizeEditor::setDpi(int dpi) {
    m_dpi->setValue(dpi);
}

bool FigureSizeEditor::keepAspect() const {
    return m_keepAspect->isChecked();
}

void FigureSizeEditor::setKeepAspect(bool on) {
    m_keepAspect->setChecked(on);
}

void FigureSizeEditor::setWidth(int width) {
    m_width->setValue(width);
}

namespace {

// QSettings keys: export/<figure>/width, ... (the figure's render name).
QString figureKey(figures::FigureKind kind, const char* name) {
    return QStringLiteral("export/%1/%2")
        .arg(QString::fromUtf8(figures::figureName(kind).data()), QString::fromUtf8(name));
}

}  // namespace

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
    m_figure->addItem(tr("Which activation? (quiz)"), static_cast<int>(figures::FigureKind::Quiz));
    m_figure->setObjectName(QStringLiteral("exportFigure"));
    form->addRow(tr("Figure"), m_figure);

    m_size = new FigureSizeEditor(form, this);
    const QSettings settings;
    m_transparent = new QCheckBox(tr("Transparent background"), this);
    m_transparent->setObjectName(QStringLiteral("exportTransparent"));
    m_transparent->setChecked(settings.value(QStringLiteral("export/transparent"), false).toBool());
    form->addRow(QString(), m_transparent);
    m_selection = new QCheckBox(tr("Frame the selected node (as on the screen)"), this);
    m_selection->setObjectName(QStringLiteral("exportShowSelection"));
    m_selection->setToolTip(
        tr("The network figure and diagram mark the selected node as the "
           "window does; a figure for a slide usually goes without"));
    m_selection->setChecked(settings.value(QStringLiteral("export/showSelection"), false).toBool());
    form->addRow(QString(), m_selection);
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

bool ExportDialog::showSelection() const {
    return m_selection->isChecked();
}

// The figure's last export when there is one, else its default size at kDefaultDpi. With
// proportions kept only the width is taken: the height follows the figure's proportions now (a
// network with more layers is wider).
void ExportDialog::resetSize() {
    const QSettings settings;
    const figures::FigureKind kind = figure();
    const int dpi = std::clamp(settings.value(figureKey(kind, "dpi"), kDefaultDpi).toInt(), 36,
                               figures::kMaxFigureDpi);
    const bool keep = settings.value(figureKey(kind, "keepAspect"), true).toBool();
    m_size->setDpi(dpi);
    m_size->setKeepAspect(false);
    m_size->setSize(m_sizer(kind, dpi));
    const int width = settings.value(figureKey(kind, "width"), 0).toInt();
    const int height = settings.value(figureKey(kind, "height"), 0).toInt();
    if (!keep && width > 0 && height > 0) {
        m_size->setSize(QSize(width, height));
    }
    m_size->setKeepAspect(keep);
    if (keep && width > 0) m_size->setWidth(width);
}

void ExportDialog::remember() const {
    QSettings settings;
    const figures::FigureKind kind = figure();
    settings.setValue(figureKey(kind, "width"), imageSize().width());
    settings.setValue(figureKey(kind, "height"), imageSize().height());
    settings.setValue(figureKey(kind, "dpi"), m_size->dpi());
    settings.setValue(figureKey(kind, "keepAspect"), m_size->keepAspect());
    settings.setValue(QStringLiteral("export/transparent"), m_transparent->isChecked());
    settings.setValue(QStringLiteral("export/showSelection"), m_selection->isChecked());
}

QImage ExportDialog::render() const {
    return m_render(figure(), imageSize(), style(), showSelection());
}

bool ExportDialog::exportTo(const QString& path, QString* error) {
    QImage image;
    try {
        image = render();
    } catch (const std::exception& e) {
        if (error) *error = QString::fromUtf8(e.what());
        return false;
    }
    if (!savePng(image, path, error)) return false;
    remember();
    return true;
}

void ExportDialog::copyToClipboard() {
    try {
        QApplication::clipboard()->setImage(render());
        remember();
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
