// FigureView: a widget that paints one of the figures (app/figures) of the open document, live.
#pragma once

#include <QElapsedTimer>
#include <QWidget>

class QCheckBox;

#include <memory>
#include <optional>
#include <vector>

#include "figures/figures.hpp"
#include "model/document.hpp"
#include "model/map_service.hpp"

namespace nnlens::widgets {

using figures::FigureKind;
using figures::NodeRef;

class FigureView : public QWidget {
    Q_OBJECT

  public:
    FigureView(FigureKind kind, model::Document* doc, QWidget* parent = nullptr);

    FigureKind kind() const { return m_kind; }
    // The maps to draw (Graph, Unit, NodeMap); the frame's own network snapshot is drawn with it
    // so maps, labels and arrows always agree.
    void setFrame(std::shared_ptr<const model::MapFrame> frame);
    std::shared_ptr<const model::MapFrame> frame() const { return m_frame; }

    figures::FigureOptions& options() { return m_options; }
    const figures::FigureOptions& options() const { return m_options; }
    void setOptions(const figures::FigureOptions& opt);
    // Screen style: presentation mode turns on scale and contrast and keeps every text at least
    // `textPx` pixels (and no smaller than on the normal screen).
    void setPresentation(bool on, double textPx = 24.0);
    // The window's theme (View > Theme): dark figures, or high contrast (black on white, heavier
    // lines) also outside presentation mode. The maps' colours are the same in every theme.
    void setTheme(bool dark, bool highContrast);
    // The theme of views made from now on (a dialog's figure made after the choice).
    static void setScreenTheme(bool dark, bool highContrast);

    // The figure as an image of `size`, painted by the same code as nnlens-cli render (without
    // the selection's frame, as render draws it).
    QImage renderImage(QSize size, const figures::FigureStyle& style) const;
    // The network the figure shows (the frame's snapshot for map figures, else the document's).
    const Network& shownNetwork() const;

    // Time of the last paint (ms) and the generation it showed.
    double lastPaintMs() const { return m_lastPaintMs; }
    std::uint64_t paintedGeneration() const { return m_paintedGeneration; }

    // Graph view: clicks on the output layer's maps add, drag and delete data points.
    void setPointEditing(bool on);
    bool pointEditing() const { return m_pointEditing; }
    // The input-plane point under `pos` on an output map, or nullopt.
    std::optional<QPointF> inputAt(QPointF pos) const;

    // Graph view: a check box on each map of the input features' column (options().featureColumn)
    // turns that feature on or off (Document::setFeature), as Playground's thumbnails do; a click
    // on the map does the same.
    void setFeatureToggles(bool on);
    // The check box of feature `f` (null when the column is not shown).
    QCheckBox* featureBox(Feature f) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

  signals:
    void nodeClicked(nnlens::figures::NodeRef node);
    void edgeClicked(nnlens::figures::NodeRef node, int input);
    // After a paint that showed a new frame generation.
    void framePainted(std::uint64_t generation, double paintMs);

  protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

  private:
    void paintFigure(QPainter& p, const QRectF& rect, const Network& net,
                     const figures::FigureOptions& opt) const;

    FigureKind m_kind;
    model::Document* m_doc;
    std::shared_ptr<const model::MapFrame> m_frame;
    figures::FigureOptions m_options;
    // The data row within a few pixels of `pos` on an output map, or -1.
    int pointAt(QPointF pos) const;

    // Places the feature check boxes on their maps (hidden when the column is not drawn) and
    // shows which features the document's network uses.
    // Always after a resize or new options; WhenMoved only when featureBoxKey() has changed.
    enum class Placement { Always, WhenMoved };
    void placeFeatureBoxes(Placement when = Placement::Always);
    // What moves the feature maps or their ticks other than the view's size and options: the
    // shown network's shape, its features, the document's features and the selected node.
    struct FeatureBoxKey {
        int inputs = 0;
        int selectedLayer = -1;
        int selectedNode = -1;
        std::vector<int> sizes;  // per layer
        std::vector<Feature> shown;
        std::vector<Feature> active;
        bool operator==(const FeatureBoxKey&) const = default;
    };
    FeatureBoxKey featureBoxKey() const;
    FeatureBoxKey m_featureBoxKey;
    bool m_featureToggles = false;
    std::vector<QCheckBox*> m_featureBoxes;  // one per Feature kind, made on first use

    int m_baseMinimumHeight = -1;  // the least height outside presentation mode
    bool m_pointEditing = false;
    bool m_presentation = false;
    bool m_themeContrast = false;
    int m_dragRow = -1;
    int m_dragId = 0;
    int m_hoverRow = -1;
    double m_lastPaintMs = 0.0;
    std::uint64_t m_paintedGeneration = 0;
};

}  // namespace nnlens::widgets
