// ExportDialog: File > Export figure: which figure, size, dpi, background; save as PNG or copy.
#pragma once

#include <QDialog>
#include <QImage>

#include <functional>

#include "figures/figures.hpp"

class QCheckBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QSpinBox;

namespace nnlens::widgets {

// Writes `image` as PNG atomically (QSaveFile). False with a message naming the file on failure.
bool savePng(const QImage& image, const QString& path, QString* error);

// The size rows of the export dialogs: width and height in pixels (proportions kept when asked)
// and the dpi (a new dpi keeps the size in inches: the pixels scale with it).
class FigureSizeEditor : public QObject {
    Q_OBJECT

  public:
    // Adds the "Size" and "DPI" rows to `form`; the spin boxes belong to `parent`.
    FigureSizeEditor(QFormLayout* form, QWidget* parent);

    // A new default size (the figure changed): its proportions are the ones kept.
    void setSize(QSize size);
    QSize size() const;
    int dpi() const;

  private:
    QSpinBox* m_width = nullptr;
    QSpinBox* m_height = nullptr;
    QSpinBox* m_dpi = nullptr;
    QCheckBox* m_keepAspect = nullptr;
    double m_aspect = 1.0;
    int m_lastDpi = 100;
};

class ExportDialog : public QDialog {
    Q_OBJECT

  public:
    // Paints figure `kind` at `size` with `style` (the window's views do it, so an export shows
    // exactly what is on the screen, at the asked size).
    using Renderer =
        std::function<QImage(figures::FigureKind kind, QSize size, const figures::FigureStyle&)>;
    // The default size of `kind` at `dpi`.
    using Sizer = std::function<QSize(figures::FigureKind kind, double dpi)>;

    ExportDialog(Renderer render, Sizer sizer, QWidget* parent = nullptr);

    void setFigure(figures::FigureKind kind);
    figures::FigureKind figure() const;
    QSize imageSize() const;
    figures::FigureStyle style() const;
    QImage render() const;

    // Saves to `path` (no file dialog); false with `error` set on failure.
    bool exportTo(const QString& path, QString* error);
    void copyToClipboard();

  private:
    void resetSize();
    void saveAs();

    Renderer m_render;
    Sizer m_sizer;
    QComboBox* m_figure = nullptr;
    FigureSizeEditor* m_size = nullptr;
    QCheckBox* m_transparent = nullptr;
    QLabel* m_status = nullptr;
};

}  // namespace nnlens::widgets
