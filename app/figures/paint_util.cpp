// Private painting helpers shared by the figures (see paint_util.hpp).
#include "paint_util.hpp"

#include <QFontMetricsF>
#include <QPainterPath>
#include <QStringList>

#include <algorithm>
#include <cmath>

namespace nnlens::figures::detail {

QColor activationColour(Activation a) {
    return QColor::fromRgb(static_cast<QRgb>(activationInfo(a).colour));
}

QColor positiveColour() {
    return QColor::fromRgb(Colormap::diverging().at(1.0));
}

QColor negativeColour() {
    return QColor::fromRgb(Colormap::diverging().at(0.0));
}

QColor selectionColour() {
    return QColor(230, 110, 0);
}

void fillBackground(QPainter& p, const QRectF& rect, const FigureStyle& style) {
    p.save();
    p.setCompositionMode(QPainter::CompositionMode_Source);
    p.fillRect(rect, style.background());
    p.restore();
}

QFont pixelFont(const FigureStyle& style, double pixels, bool bold) {
    QFont f = style.font(10.0, bold);
    f.setPixelSize(std::max(1, static_cast<int>(std::lround(style.textPx(pixels)))));
    return f;
}

FigureStyle fittedStyle(const FigureStyle& style, QSizeF available, QSizeF designPoints) {
    FigureStyle s = style;
    // The fit is taken against the design at scale 1, so presentation mode's larger text and
    // lines survive in views no larger than the design.
    const double unscaled = style.scale > 0.0 ? style.scale : 1.0;
    const double f = std::min({1.0, available.width() * unscaled / style.px(designPoints.width()),
                               available.height() * unscaled / style.px(designPoints.height())});
    s.scale = style.scale * std::max(style.minFit, f);
    return s;
}

void drawText(QPainter& p, const QPointF& anchor, Qt::Alignment align, const QString& text) {
    const QFontMetricsF fm(p.font());
    const double w = fm.horizontalAdvance(text);
    double x = anchor.x();
    if (align & Qt::AlignRight) x -= w;
    if (align & Qt::AlignHCenter) x -= w / 2.0;
    double y = anchor.y();  // baseline
    if (align & Qt::AlignTop) y += fm.ascent();
    if (align & Qt::AlignBottom) y -= fm.descent();
    if (align & Qt::AlignVCenter) y += (fm.ascent() - fm.descent()) / 2.0;
    p.drawText(QPointF(x, y), text);
}

void drawHaloText(QPainter& p, const QPointF& anchor, Qt::Alignment align, const QString& text,
                  const QFont& font, const QColor& colour, const QColor& halo) {
    const QFontMetricsF fm(font);
    const double w = fm.horizontalAdvance(text);
    double x = anchor.x();
    if (align & Qt::AlignRight) x -= w;
    if (align & Qt::AlignHCenter) x -= w / 2.0;
    double y = anchor.y();
    if (align & Qt::AlignTop) y += fm.ascent();
    if (align & Qt::AlignBottom) y -= fm.descent();
    if (align & Qt::AlignVCenter) y += (fm.ascent() - fm.descent()) / 2.0;
    // The halo is the text drawn at eight offsets: glyphs come from Qt's glyph cache, where a
    // stroked QPainterPath would re-outline every glyph on every frame (most of a live repaint).
    p.save();
    p.setFont(font);
    const double r = std::max(1.0, font.pixelSize() / 12.0);
    p.setPen(halo);
    for (int k = 0; k < 8; ++k) {
        const double a = k * M_PI / 4.0;
        p.drawText(QPointF(x + r * std::cos(a), y + r * std::sin(a)), text);
    }
    p.setPen(colour);
    p.drawText(QPointF(x, y), text);
    p.restore();
}

QString nodeLabel(int layer, int node) {
    return QStringLiteral("LYR%1-NODE%2").arg(layer + 1).arg(node + 1);
}

QFont fitFont(const FigureStyle& style, double points, bool bold, const QString& text,
              double width) {
    QFont font = style.font(points, bold);
    const double w = QFontMetricsF(font).horizontalAdvance(text);
    if (w > width && w > 0.0) {
        const double pixels = std::max(std::max(1.0, std::floor(font.pixelSize() * width / w)),
                                       std::ceil(style.minTextPx));
        font.setPixelSize(static_cast<int>(pixels));
    }
    return font;
}

QStringList wrapWords(const QString& text, const QFontMetricsF& fm, double width) {
    QStringList lines;
    QString current;
    for (const QString& word : text.split(QLatin1Char(' '))) {
        const QString next = current.isEmpty() ? word : current + QLatin1Char(' ') + word;
        if (!current.isEmpty() && fm.horizontalAdvance(next) > width) {
            lines << current;
            current = word;
        } else {
            current = next;
        }
    }
    if (!current.isEmpty()) lines << current;
    return lines;
}

QStringList wrapFormula(const QString& text, const QFontMetricsF& fm, double width) {
    if (fm.horizontalAdvance(text) <= width) return {text};
    const QStringList tokens = text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (tokens.isEmpty()) return {};
    // Each token's bracket depth before it, and whether a line may start with it.
    static const QString kOperators = QStringLiteral("+-\u2212=\u00b7\u00d7");
    std::vector<int> depth(static_cast<std::size_t>(tokens.size()), -1);
    int d = 0;
    int deepest = 0;
    for (qsizetype i = 0; i < tokens.size(); ++i) {
        const QString& t = tokens[i];
        const bool op = kOperators.contains(t.front()) && t.size() <= 2;
        const bool afterComma = i > 0 && tokens[i - 1].endsWith(QLatin1Char(','));
        if (i > 0 && (op || afterComma)) {
            depth[static_cast<std::size_t>(i)] = d;
            deepest = std::max(deepest, d);
        }
        for (const QChar c : t) {
            if (c == QLatin1Char('(') || c == QLatin1Char('[')) ++d;
            if ((c == QLatin1Char(')') || c == QLatin1Char(']')) && d > 0) --d;
        }
    }
    for (int level = 0; level <= deepest; ++level) {
        QStringList lines;
        QString current;
        QString segment;
        bool fits = true;
        const auto place = [&] {
            const QString wider =
                current.isEmpty() ? segment : current + QLatin1Char(' ') + segment;
            if (!current.isEmpty() && fm.horizontalAdvance(wider) > width) {
                lines << current;
                current = segment;
            } else {
                current = wider;
            }
            if (fm.horizontalAdvance(current) > width) fits = false;
            segment.clear();
        };
        for (qsizetype i = 0; i < tokens.size(); ++i) {
            const int at = depth[static_cast<std::size_t>(i)];
            if (i > 0 && at >= 0 && at <= level) place();
            segment = segment.isEmpty() ? tokens[i] : segment + QLatin1Char(' ') + tokens[i];
        }
        place();
        if (!current.isEmpty()) lines << current;
        if (fits) return lines;
    }
    return wrapWords(text, fm, width);
}

LegendFlow flowLegend(const QFontMetricsF& fm, const QStringList& texts, double sample, double pad,
                      double gap, double width) {
    const int n = static_cast<int>(texts.size());
    std::vector<double> widths;
    for (const QString& t : texts)
        widths.push_back(sample + pad + fm.horizontalAdvance(t));
    // Rows of `perRow` entries (the last may have fewer): whether each fits `width`.
    auto lay = [&](int perRow, LegendFlow* flow) {
        bool fits = true;
        for (int i = 0; i < n; ++i) {
            const int r = i / perRow;
            if (r == static_cast<int>(flow->rowWidth.size())) flow->rowWidth.push_back(-gap);
            flow->row.push_back(r);
            flow->x.push_back(flow->rowWidth.back() + gap);
            flow->rowWidth.back() += gap + widths[static_cast<std::size_t>(i)];
            fits = fits && flow->rowWidth.back() <= width;
        }
        return fits;
    };
    // The most entries a row that still fits, from all of them in one row down to one a row.
    for (int perRow = std::max(1, n); perRow > 1; --perRow) {
        // Rows evenly filled: 4 entries that need 2 rows go 2 and 2.
        const int rows = (n + perRow - 1) / perRow;
        if (perRow != (n + rows - 1) / rows) continue;
        LegendFlow flow;
        if (lay(perRow, &flow)) return flow;
    }
    LegendFlow flow;
    lay(1, &flow);
    return flow;
}

std::vector<QRectF> gridCells(const QRectF& area, int count, int cols, double gapX, double gapY) {
    std::vector<QRectF> cells;
    if (count <= 0 || cols <= 0) return cells;
    const int rows = (count + cols - 1) / cols;
    const double w = std::max(1.0, (area.width() - (cols - 1) * gapX) / cols);
    const double h = std::max(1.0, (area.height() - (rows - 1) * gapY) / rows);
    for (int i = 0; i < count; ++i) {
        const int c = i % cols;
        const int r = i / cols;
        cells.emplace_back(area.left() + c * (w + gapX), area.top() + r * (h + gapY), w, h);
    }
    return cells;
}

}  // namespace nnlens::figures::detail

namespace nnlens::figures {

int FigurePages::pageHit(QPointF p) const {
    const int page = perPage > 0 ? perPage : shown;
    if (previousShown() && previous.contains(p)) return std::max(0, first - page);
    if (nextShown() && next.contains(p)) return first + page;
    return -1;
}

QString FigurePages::text() const {
    if (shown <= 1) return QStringLiteral("%1 of %2").arg(first + 1).arg(total);
    return QStringLiteral("%1\u2013%2 of %3").arg(first + 1).arg(first + shown).arg(total);
}

}  // namespace nnlens::figures

namespace nnlens::figures::detail {

PagerBoxes pagerBoxes(const QRectF& row, const QString& pages, const QFont& font, double pad) {
    const QFontMetricsF fm(font);
    const double markW = fm.horizontalAdvance(QStringLiteral("\u25c0")) + 2.0 * pad;
    const double pagesW = fm.horizontalAdvance(pages) + pad;
    PagerBoxes b;
    b.next = QRectF(row.right() - markW, row.top(), markW, row.height());
    b.pages = QRectF(b.next.left() - pagesW, row.top(), pagesW, row.height());
    b.previous = QRectF(b.pages.left() - markW, row.top(), markW, row.height());
    return b;
}

void drawPager(QPainter& p, const PagerBoxes& boxes, const QString& pages, const QFont& font,
               bool previousShown, bool nextShown) {
    p.save();
    p.setFont(font);
    p.drawText(boxes.pages, Qt::AlignCenter, pages);
    if (previousShown) p.drawText(boxes.previous, Qt::AlignCenter, QStringLiteral("\u25c0"));
    if (nextShown) p.drawText(boxes.next, Qt::AlignCenter, QStringLiteral("\u25b6"));
    p.restore();
}

void drawNote(QPainter& p, const QRectF& rect, const QString& text, const FigureStyle& style) {
    p.save();
    p.setFont(style.font(12.0));
    p.setPen(style.muted());
    p.drawText(rect, Qt::AlignCenter | Qt::TextWordWrap, text);
    p.restore();
}

Heading layoutHeading(const QRectF& area, double titlePt, const QString& line, double linePt,
                      const FigureStyle& style) {
    Heading h;
    h.titleFont = style.font(titlePt, true);
    h.lineFont = style.font(linePt);
    h.lines = QStringList{line};
    const double width = QFontMetricsF(h.lineFont).horizontalAdvance(line);
    if (width > area.width()) {
        const int shrunk =
            std::max(6, static_cast<int>(h.lineFont.pixelSize() * area.width() / width));
        if (shrunk >= style.minTextPx) {
            h.lineFont.setPixelSize(shrunk);
        } else {
            // Presentation mode keeps its text size: the line breaks between words instead.
            // (#20: at operators, outside brackets first, not inside "(3 more)").
            h.lineFont.setPixelSize(static_cast<int>(style.textPx(shrunk) + 0.5));
            h.lines = wrapFormula(line, QFontMetricsF(h.lineFont), area.width());
        }
    }
    h.lineTop = area.top() + QFontMetricsF(h.titleFont).height() + style.px(3.0);
    h.bottom = h.lineTop +
               QFontMetricsF(h.lineFont).height() * static_cast<double>(h.lines.size()) +
               style.px(8.0);
    return h;
}

double drawHeading(QPainter& p, const QRectF& area, const QString& title, double titlePt,
                   const QString& line, double linePt, const FigureStyle& style) {
    const Heading h = layoutHeading(area, titlePt, line, linePt, style);
    p.save();
    p.setPen(style.foreground());
    p.setFont(h.titleFont);
    drawText(p, QPointF(area.center().x(), area.top()), Qt::AlignHCenter | Qt::AlignTop, title);
    p.setFont(h.lineFont);
    const double lineH = QFontMetricsF(h.lineFont).height();
    double lineTop = h.lineTop;
    for (const QString& text : h.lines) {
        drawText(p, QPointF(area.center().x(), lineTop), Qt::AlignHCenter | Qt::AlignTop, text);
        lineTop += lineH;
    }
    p.restore();
    return h.bottom;
}

}  // namespace nnlens::figures::detail
