// AnimationDialog: File > Export training animation: which figure, format, size, frames per second
// and how many of the timeline's entries; the window renders and writes the frames.
#pragma once

#include <QDialog>
#include <QString>

#include <functional>

#include "figures/animation.hpp"
#include "figures/figures.hpp"

class QComboBox;
class QLabel;
class QSpinBox;

namespace nnlens::widgets {

class FigureSizeEditor;

// What to export: figure `kind` at `size` and `style`, one frame per picked timeline entry.
struct AnimationSettings {
    figures::FigureKind kind = figures::FigureKind::Graph;
    figures::AnimationFormat format = figures::AnimationFormat::Apng;
    QSize size{800, 600};
    figures::FigureStyle style;
    int framesPerSecond = 10;
    int maxFrames = 100;  // every k-th entry so that there are at most this many frames
    QString path;         // the file, or the folder of a PNG sequence

    int delayMs() const;
    // The last frame stays three times as long, so the trained state is seen in a slide.
    int lastDelayMs() const { return 3 * delayMs(); }
};

class AnimationDialog : public QDialog {
    Q_OBJECT

  public:
    // Writes the animation (false when it failed or was cancelled; the window says why).
    using Exporter = std::function<bool(const AnimationSettings&)>;
    // The default size of `kind` at `dpi`.
    using Sizer = std::function<QSize(figures::FigureKind kind, double dpi)>;

    AnimationDialog(int timelineEntries, Exporter exporter, Sizer sizer, QWidget* parent = nullptr);

    void setFigure(figures::FigureKind kind);
    void setFormat(figures::AnimationFormat format);
    // The choices made, without the path.
    AnimationSettings settings() const;
    // How many frames the settings give.
    int frameCount() const;

    // Exports to `path` (no file dialog); closes the dialog when it worked.
    bool exportTo(const QString& path);

  private:
    void resetSize();
    void updateCount();
    void chooseAndExport();

    int m_entries;
    Exporter m_exporter;
    Sizer m_sizer;
    QComboBox* m_figure = nullptr;
    QComboBox* m_format = nullptr;
    FigureSizeEditor* m_size = nullptr;
    QSpinBox* m_fps = nullptr;
    QSpinBox* m_maxFrames = nullptr;
    QLabel* m_count = nullptr;
};

}  // namespace nnlens::widgets
