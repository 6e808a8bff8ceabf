// TextBoxes: what a person reads in a figure, as the painter draws it. A paint device whose
// engine draws nothing and records every text item: its string, its box on the device (the
// painter's transform applied) and its font's pixel size. Tests check the boxes: inside the
// figure, not over one another, not under a floor size (#20: "pixels inside their figure", not
// the font size a setting asked for).
#pragma once

#include <QFontInfo>
#include <QPaintDevice>
#include <QPaintEngine>
#include <QPainter>
#include <QRectF>
#include <QString>
#include <QStringList>
#include <QTextItem>

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

namespace nnlens::test {

struct TextBox {
    QString text;
    QRectF box;           // on the device: from the ascent above the baseline to the descent
    double pixels = 0.0;  // the font's pixel size times the painter's scale
};

class TextRecorderEngine : public QPaintEngine {
  public:
    TextRecorderEngine() : QPaintEngine(QPaintEngine::AllFeatures) {}
    bool begin(QPaintDevice*) override { return true; }
    bool end() override { return true; }
    void updateState(const QPaintEngineState& changed) override {
        if (changed.state() & QPaintEngine::DirtyTransform) m_transform = changed.transform();
    }
    void drawPixmap(const QRectF&, const QPixmap&, const QRectF&) override {}
    void drawImage(const QRectF&, const QImage&, const QRectF&, Qt::ImageConversionFlags) override {
    }
    void drawPath(const QPainterPath&) override {}
    void drawPolygon(const QPointF*, int, PolygonDrawMode) override {}
    void drawPolygon(const QPoint*, int, PolygonDrawMode) override {}
    void drawLines(const QLineF*, int) override {}
    void drawRects(const QRectF*, int) override {}
    void drawEllipse(const QRectF&) override {}
    void drawPoints(const QPointF*, int) override {}
    void drawTiledPixmap(const QRectF&, const QPixmap&, const QPointF&) override {}
    void drawTextItem(const QPointF& p, const QTextItem& item) override {
        const QString text = item.text();
        if (text.trimmed().isEmpty()) return;
        const QRectF local(p.x(), p.y() - item.ascent(), item.width(),
                           item.ascent() + item.descent());
        const QFont font = item.font();
        const double size = font.pixelSize() > 0 ? font.pixelSize() : QFontInfo(font).pixelSize();
        const double scale = std::sqrt(std::abs(m_transform.determinant()));
        boxes.push_back({text, m_transform.mapRect(local), size * scale});
    }
    Type type() const override { return QPaintEngine::User; }

    std::vector<TextBox> boxes;

  private:
    QTransform m_transform;
};

// A device of `size` pixels at `dpi` (fonts given in points resolve as on an image of that dpi).
class TextRecorder : public QPaintDevice {
  public:
    TextRecorder(QSize size, double dpi) : m_size(size), m_dpi(dpi) {}
    QPaintEngine* paintEngine() const override { return &m_engine; }
    const std::vector<TextBox>& boxes() const { return m_engine.boxes; }

  protected:
    int metric(PaintDeviceMetric m) const override {
        switch (m) {
            case PdmWidth:
                return m_size.width();
            case PdmHeight:
                return m_size.height();
            case PdmWidthMM:
                return static_cast<int>(m_size.width() * 25.4 / m_dpi);
            case PdmHeightMM:
                return static_cast<int>(m_size.height() * 25.4 / m_dpi);
            case PdmNumColors:
                return 1 << 24;
            case PdmDepth:
                return 32;
            case PdmDpiX:
            case PdmDpiY:
            case PdmPhysicalDpiX:
            case PdmPhysicalDpiY:
                return static_cast<int>(m_dpi + 0.5);
            case PdmDevicePixelRatio:
                return 1;
            case PdmDevicePixelRatioScaled:
                return static_cast<int>(QPaintDevice::devicePixelRatioFScale());
            default:
                return 0;
        }
    }

  private:
    QSize m_size;
    double m_dpi;
    mutable TextRecorderEngine m_engine;
};

// What is wrong with `boxes` in a figure of `area`: a text outside it (by more than `slack`
// pixels), two texts over each other (overlapping by more than `slack` both ways), a text under
// `floorPx`. One line each; empty when nothing is.
inline QStringList textProblems(const std::vector<TextBox>& boxes, const QRectF& area,
                                double floorPx, double slack = 1.0) {
    QStringList problems;
    const QRectF allowed = area.adjusted(-slack, -slack, slack, slack);
    for (std::size_t i = 0; i < boxes.size(); ++i) {
        const TextBox& a = boxes[i];
        if (!allowed.contains(a.box)) {
            problems << QStringLiteral("\"%1\" is cut: [%2, %3 - %4, %5] outside the figure")
                            .arg(a.text)
                            .arg(a.box.left(), 0, 'f', 0)
                            .arg(a.box.top(), 0, 'f', 0)
                            .arg(a.box.right(), 0, 'f', 0)
                            .arg(a.box.bottom(), 0, 'f', 0);
        }
        if (a.pixels + 0.01 < floorPx) {
            problems << QStringLiteral("\"%1\" is %2 px (floor %3 px)")
                            .arg(a.text)
                            .arg(a.pixels, 0, 'f', 1)
                            .arg(floorPx, 0, 'f', 1);
        }
        for (std::size_t j = i + 1; j < boxes.size(); ++j) {
            const TextBox& b = boxes[j];
            const QRectF both = a.box.intersected(b.box);
            // The same text a few pixels apart is one text drawn with a halo (drawHaloText:
            // eight copies at most pixels / 12 from it, so two copies 2 x that apart).
            const double haloPx = 2.0 * std::max(1.0, a.pixels / 12.0) + 0.5;
            const bool halo = a.text == b.text && std::abs(a.box.left() - b.box.left()) <= haloPx &&
                              std::abs(a.box.top() - b.box.top()) <= haloPx;
            if (both.width() > slack && both.height() > slack && !halo) {
                problems << QStringLiteral("\"%1\" and \"%2\" overlap (%3 x %4 px)")
                                .arg(a.text, b.text)
                                .arg(both.width(), 0, 'f', 0)
                                .arg(both.height(), 0, 'f', 0);
            }
        }
    }
    return problems;
}

}  // namespace nnlens::test
