// AnimationDialog: defaults as the figure export (the figure's size at 100 dpi), 10 frames per
// second, at most 100 frames.
#include "animation_dialog.hpp"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "export_dialog.hpp"

namespace nnlens::widgets {

int AnimationSettings::delayMs() const {
    return static_cast<int>(std::lround(1000.0 / std::max(1, framesPerSecond)));
}

AnimationDialog::AnimationDialog(int timelineEntries, Exporter exporter, Sizer sizer,
                                 QWidget* parent)
    : QDialog(parent),
      m_entries(timelineEntries),
      m_exporter(std::move(exporter)),
      m_sizer(std::move(sizer)) {
    setWindowTitle(tr("Export training animation"));
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    m_figure = new QComboBox(this);
    m_figure->setObjectName(QStringLiteral("animationFigure"));
    using figures::FigureKind;
    const std::pair<QString, FigureKind> kinds[] = {
        {tr("Network figure (all maps)"), FigureKind::Graph},
        {tr("Selected node map"), FigureKind::NodeMap},
        {tr("Single-unit view"), FigureKind::Unit},
        {tr("Network diagram"), FigureKind::Network},
        {tr("Loss plot (the frame's epoch marked)"), FigureKind::Loss},
        {tr("Output map with the data"), FigureKind::Data},
        {tr("Fit plot (regression data)"), FigureKind::Fit}};
    for (const auto& [text, kind] : kinds)
        m_figure->addItem(text, static_cast<int>(kind));
    form->addRow(tr("Figure"), m_figure);

    m_format = new QComboBox(this);
    m_format->setObjectName(QStringLiteral("animationFormat"));
    m_format->addItem(tr("Animated PNG (APNG)"), static_cast<int>(figures::AnimationFormat::Apng));
    m_format->addItem(tr("Animated GIF (256 colours)"),
                      static_cast<int>(figures::AnimationFormat::Gif));
    m_format->addItem(tr("PNG sequence (a folder of frames)"),
                      static_cast<int>(figures::AnimationFormat::PngSequence));
    form->addRow(tr("Format"), m_format);

    m_size = new FigureSizeEditor(form, this);

    m_fps = new QSpinBox(this);
    m_fps->setObjectName(QStringLiteral("animationFps"));
    m_fps->setRange(1, 50);  // GIF counts delays in 1/100 s
    m_fps->setValue(10);
    m_fps->setSuffix(tr(" frames/s"));
    form->addRow(tr("Speed"), m_fps);
    m_maxFrames = new QSpinBox(this);
    m_maxFrames->setObjectName(QStringLiteral("animationMaxFrames"));
    m_maxFrames->setRange(2, 2000);
    m_maxFrames->setValue(100);
    m_maxFrames->setToolTip(
        tr("Every k-th kept epoch is taken so that there are at most this many frames; the "
           "first and the last epoch are always in"));
    form->addRow(tr("At most"), m_maxFrames);
    layout->addLayout(form);

    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("animationCount"));
    m_count->setWordWrap(true);
    layout->addWidget(m_count);

    auto* buttons = new QDialogButtonBox(this);
    auto* save = buttons->addButton(tr("Export…"), QDialogButtonBox::AcceptRole);
    buttons->addButton(QDialogButtonBox::Cancel);
    layout->addWidget(buttons);
    connect(save, &QPushButton::clicked, this, &AnimationDialog::chooseAndExport);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    connect(m_figure, &QComboBox::currentIndexChanged, this, [this] { resetSize(); });
    connect(m_fps, &QSpinBox::valueChanged, this, [this] { updateCount(); });
    connect(m_maxFrames, &QSpinBox::valueChanged, this, [this] { updateCount(); });
    resetSize();
    updateCount();
}

void AnimationDialog::setFigure(figures::FigureKind kind) {
    const int index = m_figure->findData(static_cast<int>(kind));
    if (index >= 0) m_figure->setCurrentIndex(index);
}

void AnimationDialog::setFormat(figures::AnimationFormat format) {
    const int index = m_format->findData(static_cast<int>(format));
    if (index >= 0) m_format->setCurrentIndex(index);
}

AnimationSettings AnimationDialog::settings() const {
    AnimationSettings s;
    s.kind = static_cast<figures::FigureKind>(m_figure->currentData().toInt());
    s.format = static_cast<figures::AnimationFormat>(m_format->currentData().toInt());
    s.size = m_size->size();
    s.style.dpi = m_size->dpi();
    s.framesPerSecond = m_fps->value();
    s.maxFrames = m_maxFrames->value();
    return s;
}

int AnimationDialog::frameCount() const {
    return static_cast<int>(figures::animationFrameIndices(m_entries, m_maxFrames->value()).size());
}

void AnimationDialog::resetSize() {
    m_size->setSize(m_sizer(settings().kind, m_size->dpi()));
}

void AnimationDialog::updateCount() {
    const int frames = frameCount();
    const double seconds =
        (frames - 1 + 3) * settings().delayMs() / 1000.0;  // the last frame is held 3 times
    m_count->setText(tr("%1 frames from the %2 kept epochs, %3 s per loop.")
                         .arg(frames)
                         .arg(m_entries)
                         .arg(seconds, 0, 'f', 1));
}

bool AnimationDialog::exportTo(const QString& path) {
    AnimationSettings s = settings();
    s.path = path;
    if (!m_exporter(s)) return false;
    accept();
    return true;
}

void AnimationDialog::chooseAndExport() {
    const AnimationSettings s = settings();
    const QString name =
        QString::fromUtf8(figures::figureName(s.kind).data()) + QStringLiteral("-training");
    QString path;
    switch (s.format) {
        case figures::AnimationFormat::Apng:
            path = QFileDialog::getSaveFileName(this, tr("Export animated PNG"),
                                                name + QStringLiteral(".png"),
                                                tr("Animated PNG (*.png *.apng)"));
            break;
        case figures::AnimationFormat::Gif:
            path = QFileDialog::getSaveFileName(this, tr("Export animated GIF"),
                                                name + QStringLiteral(".gif"),
                                                tr("GIF images (*.gif)"));
            break;
        case figures::AnimationFormat::PngSequence:
            path = QFileDialog::getExistingDirectory(
                this, tr("Folder for the frames (frame-0000.png, ...)"));
            break;
    }
    if (!path.isEmpty()) exportTo(path);
}

}  // namespace nnlens::widgets
