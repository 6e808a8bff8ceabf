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
// and the dpi. The pixels typed are the pixels written: a new dpi changes the size of text and
// lines only (#13: width 1600, then dpi 150, wrote 2400 px).
class FigureSizeEditor : public QObject {
    Q_OBJECT

  public:
    // Adds the "Size" and "DPI" rows to `form`; the spin boxes belong to `parent`.
    FigureSizeEditor(QFormLayout* form, QWidget* parent);

    // A new default size (the figure changed): its proportions are the ones kept.
    void setSize(QSize size);
    QSize size() const;
    int dpi() const;
    void setDpi(int dpi);
    bool keepAspect() const;
    void setKeepAspect(bool on);
    // Sets the width as typed: with proportions kept, the height follows.
    void setWidth(int width);

  private:
    QSpinBox* m_width = nullptr;
    QSpinBox* m_height = nullptr;
    QSpinBox* m_dpi = nullptr;
    QCheckBox* m_keepAspect = nullptr;
    double m_aspect = 1.0;
};

class ExportDialog : public QDialog {
    Q_OBJECT

  public:
    // Paints figure `kind` at `size` with `style`, the selected node framed when
    // `showSelection` (the window's views do it, so an export shows what is on the screen, at
    // the asked size, without the window's marks unless asked).
    using Renderer = std::function<QImage(figures::FigureKind kind, QSize size,
                                          const figures::FigureStyle&, bool showSelection)>;
    // The default size of `kind` at `dpi`.
    using Sizer = std::function<QSize(figures::FigureKind kind, double dpi)>;

    // The dpi of a first export: text and lines half again as large as matplotlib's 100 dpi
    // figure, so labels read on a slide (a one-unit network: 580 x 450 px, 20 px tick labels).
    static constexpr int kDefaultDpi = 150;

    // The dialog starts from the settings of its last export (QSettings, group "export": dpi,
    // size and proportions per figure; background and selection for all).
    ExportDialog(Renderer render, Sizer sizer, QWidget* parent = nullptr);

    void setFigure(figures::FigureKind kind);
    figures::FigureKind figure() const;
    QSize imageSize() const;
    figures::FigureStyle style() const;
    bool showSelection() const;
    QImage render() const;

    // Saves to `path` (no file dialog); false with `error` set on failure. A success remembers
    // the settings.
    bool exportTo(const QString& path, QString* error);
    void copyToClipboard();

  private:
    void resetSize();
    void saveAs();
    void remember() const;

    Renderer m_render;
    Sizer m_sizer;
    QComboBox* m_figure = nullptr;
    FigureSizeEditor* m_size = nullptr;
    QCheckBox* m_transparent = nullptr;
    QCheckBox* m_selection = nullptr;
    QLabel* m_status = nullptr;
};

}  // namespace nnlens::widgets
