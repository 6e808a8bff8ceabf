// The notebook's loss section as a figure: each loss of one sample and its gradient against the
// network output, for the targets 1 and 0, with the formula as the notebook writes it. The values
// come from the engine's evaluateLoss (core/backward.hpp), never from a formula written here.
#include <QFontMetricsF>
#include <QPainterPath>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "axes.hpp"
#include "core/backward.hpp"
#include "figures.hpp"
#include "paint_util.hpp"

namespace nnlens::figures {

LossCurve lossCurve(Loss loss, double target, const std::vector<double>& xs, double sigma) {
    const bool ce = loss == Loss::Ce;
    // One sample: the output x (ce: the logits (x, 0, 0)) against the target (ce: a label).
    Dataset one;
    one.x = Matrix::Zero(1, 1);
    if (ce) {
        one.labels = {target >= 0.5 ? 0 : 1};
    } else {
        one.y = Matrix::Constant(1, 1, static_cast<float>(target));
        if (loss == Loss::Chi2) one.sigma = Matrix::Constant(1, 1, static_cast<float>(sigma));
    }
    const LossConfig cfg{loss, defaultReduction(loss)};  // one term: mean and sum agree
    Matrix out = Matrix::Zero(1, ce ? kLossCurveClasses : 1);
    Matrix dout;
    LossCurve curve;
    curve.value.reserve(xs.size());
    curve.gradient.reserve(xs.size());
    for (const double x : xs) {
        out(0, 0) = static_cast<float>(x);
        curve.value.push_back(evaluateLoss(cfg, out, one, false, &dout));
        curve.gradient.push_back(dout(0, 0));
    }
    return curve;
}

LossAxes lossAxes(Loss loss) {
    switch (loss) {
        case Loss::Mse:
        case Loss::L2:
        case Loss::Chi2:
            return {-1.0, 2.0, -4.0, 4.0};
        case Loss::Bce:
            return {0.0, 1.0, -6.0, 6.0};  // p -> 0 or 1: log and gradient blow up, clipped
        case Loss::BceLogits:
        case Loss::Ce:
            return {-6.0, 6.0, -1.5, 6.0};
    }
    return {-1.0, 2.0, -4.0, 4.0};
}

QString lossFormula(Loss loss) {
    // x: the network output (X_out), y: the target (Y_tgt); per sample, as the figure plots it.
    switch (loss) {
        case Loss::Mse:
            return QStringLiteral("MSE = (1/N) \u03a3 (x \u2212 y)\u00b2");
        case Loss::L2:
            return QStringLiteral("L\u2082 = \u00bd |x \u2212 y|\u00b2");
        case Loss::Chi2:
            return QStringLiteral("\u03c7\u00b2 = \u03a3 ((x \u2212 y) / \u03c3)\u00b2");
        case Loss::Bce:
            return QStringLiteral(
                "BCE = \u2212\u03a3 [y log p + (1 \u2212 y) log(1 \u2212 p)]\np = x");
        case Loss::BceLogits:
            return QStringLiteral(
                "BCE = \u2212\u03a3 [y log p + (1 \u2212 y) log(1 \u2212 p)]\np = sigmoid(x)");
        case Loss::Ce:
            // y = 1: x₁'s class is the label; y = 0: another one is.
            return QStringLiteral("CE = \u2212log p[label]\np = softmax(x),  y = 1: label 1");
    }
    return {};
}

namespace {

constexpr double kTitlePt = 12.0;
constexpr double kFormulaPt = 11.0;
constexpr double kAxisLabelPt = 12.0;  // the axes' x label (axes.cpp)
constexpr double kLegendPt = 11.0;
constexpr int kSamples = 401;

// matplotlib's tab:blue and tab:orange: target 1 and target 0.
QColor targetColour(int target) {
    return target == 1 ? QColor(31, 119, 180) : QColor(255, 127, 14);
}

QString lossText(Loss l) {
    const auto name = lossName(l);
    return QString::fromUtf8(name.data(), static_cast<int>(name.size()));
}

QPen curvePen(int target, bool gradient, bool light, const FigureStyle& style) {
    QColor c = targetColour(target);
    if (light) c.setAlphaF(0.3f);
    QPen pen(c, style.px(light ? 1.5 : 2.2), Qt::SolidLine, Qt::FlatCap, Qt::RoundJoin);
    if (gradient) pen.setDashPattern({3.7, 1.6});
    return pen;
}

// A loss's formula as drawn in a panel `width` wide: each line at the font that fits it (never
// under the style's floor), and a line still too wide at the floor wrapped at its operators, on
// as many lines as it needs (#20: bce's formula was cut on the left at 1280 x 800, then broke
// inside "log(1 − p)").
struct FormulaLine {
    QString text;
    QFont font;
};
std::vector<FormulaLine> formulaLines(Loss loss, const FigureStyle& style, double width) {
    std::vector<FormulaLine> out;
    for (const QString& line : lossFormula(loss).split(QLatin1Char('\n'))) {
        const QFont font = detail::fitFont(style, kFormulaPt, false, line, width);
        for (const QString& part : detail::wrapFormula(line, QFontMetricsF(font), width))
            out.push_back({part, font});
    }
    return out;
}

// The legend across the top: value (solid) and gradient (dashed) for each target. One row when
// it fits the width, else two (values, then gradients) or more: never cut at the figure's edge
// (#20).
struct LegendEntry {
    int target;
    bool gradient;
    QString text;
};
const LegendEntry kLegend[] = {{1, false, QStringLiteral("L, target y = 1")},
                               {0, false, QStringLiteral("L, target y = 0")},
                               {1, true, QStringLiteral("dL/dx, y = 1")},
                               {0, true, QStringLiteral("dL/dx, y = 0")}};

detail::LegendFlow lossLegend(const FigureStyle& style, double width) {
    QStringList texts;
    for (const LegendEntry& e : kLegend)
        texts << e.text;
    return detail::flowLegend(QFontMetricsF(style.font(kLegendPt)), texts, style.px(22.0),
                              style.px(5.0), style.px(18.0), width);
}

// The legend's height: a row and a half of space for one row, 1.2 lines a row for more.
double legendHeight(const FigureStyle& style, double width) {
    const int rows = lossLegend(style, width).rows();
    return QFontMetricsF(style.font(kLegendPt)).height() * (rows <= 1 ? 1.6 : 0.4 + 1.2 * rows);
}

void drawLegendRow(QPainter& p, const QRectF& row, const FigureStyle& style) {
    const double sample = style.px(22.0);
    const double pad = style.px(5.0);
    const detail::LegendFlow flow = lossLegend(style, row.width());
    p.save();
    p.setFont(style.font(kLegendPt));
    for (std::size_t i = 0; i < std::size(kLegend); ++i) {
        const LegendEntry& e = kLegend[i];
        const int r = flow.row[i];
        double x = row.center().x() - flow.rowWidth[static_cast<std::size_t>(r)] / 2.0 + flow.x[i];
        const double y = row.top() + row.height() * (r + 0.5) / flow.rows();
        p.setPen(curvePen(e.target, e.gradient, false, style));
        p.drawLine(QPointF(x, y), QPointF(x + sample, y));
        x += sample + pad;
        p.setPen(style.foreground());
        detail::drawText(p, QPointF(x, y), Qt::AlignLeft | Qt::AlignVCenter, e.text);
    }
    p.restore();
}

// The x axis's name, shortened when the long one is wider than the panel (presentation mode's
// text in a third of the figure): next to each other, long names ran into the neighbour's.
QString shortXLabel(Loss loss) {
    switch (loss) {
        case Loss::Bce:
            return QStringLiteral("p = x");
        case Loss::Ce:
            return QStringLiteral("logit x\u2081");
        default:
            return QStringLiteral("x");
    }
}

QString xLabel(Loss loss) {
    switch (loss) {
        case Loss::Bce:
            return QStringLiteral("output p = x (a probability)");
        case Loss::BceLogits:
            return QStringLiteral("output x (a logit)");
        case Loss::Ce:
            return QStringLiteral("logit x\u2081 (x\u2082 = x\u2083 = 0)");
        default:
            return QStringLiteral("output x");
    }
}

// A panel's axis texts (the x label as xLabel() has it).
detail::AxesText panelText(Loss loss) {
    detail::AxesText text;
    text.xLabel = xLabel(loss);
    text.yLabel = QStringLiteral("L, dL/dx");
    text.maxTicksX = 7;
    text.maxTicksY = 7;
    text.grid = true;
    return text;
}

// The axes of `loss`'s panel in `panel`: under its title and as many formula lines as the
// longest formula takes (at least two: the second says what p is), so the axes of a row line up.
// `text` gets the short x label where the long one is wider than the axes.
QRectF panelAxes(const QRectF& panel, Loss loss, const FigureStyle& style, detail::AxesText* text) {
    const LossAxes range = lossAxes(loss);
    const double titleH = QFontMetricsF(style.font(kTitlePt, true)).height();
    const double lineH = QFontMetricsF(style.font(kFormulaPt)).height() * 1.1;
    std::size_t formulaRows = 2;
    for (const auto& entry : kLosses)
        formulaRows = std::max(formulaRows, formulaLines(entry.id, style, panel.width()).size());
    const double formulaH = static_cast<double>(formulaRows) * lineH;
    const double left = detail::axesLeftMargin(style, *text, range.y0, range.y1);
    // Centred under the axes, the x label has the axes' width (and the panel's right margin).
    if (QFontMetricsF(style.font(kAxisLabelPt)).horizontalAdvance(text->xLabel) >
        panel.width() - left)
        text->xLabel = shortXLabel(loss);
    const double bottom = detail::axesBottomMargin(style, *text);
    return panel.adjusted(
        left,
        titleH + formulaH + std::max(style.px(4.0), detail::axesTopOverhang(style) + style.px(1.0)),
        -style.px(6.0), -bottom);
}

void drawLossPanel(QPainter& p, const QRectF& panel, Loss loss, const FigureOptions& opt) {
    const FigureStyle& style = opt.style;
    const bool light = opt.lossHighlight && *opt.lossHighlight != loss;
    const LossAxes range = lossAxes(loss);
    detail::AxesText text = panelText(loss);
    const QFont titleFont = style.font(kTitlePt, true);
    const double titleH = QFontMetricsF(titleFont).height();
    const double lineH = QFontMetricsF(style.font(kFormulaPt)).height() * 1.1;
    QRectF axesRect = panelAxes(panel, loss, style, &text);
    const bool bare = axesRect.width() < 60.0 || axesRect.height() < 40.0;
    if (bare) axesRect = panel;
    const detail::DataAxes ax{axesRect, range.x0, range.x1, range.y0, range.y1};

    p.save();
    if (!bare) {
        QColor fg = style.foreground();
        if (light) fg.setAlphaF(0.45f);
        p.setPen(fg);
        p.setFont(titleFont);
        QString title = lossText(loss);
        if (loss == Loss::Chi2)
            title += QStringLiteral("  (\u03c3 = %1)").arg(opt.lossSigma, 0, 'g', 4);
        detail::drawText(p, QPointF(axesRect.center().x(), panel.top()),
                         Qt::AlignHCenter | Qt::AlignTop, title);
        const std::vector<FormulaLine> lines = formulaLines(loss, style, panel.width());
        for (std::size_t i = 0; i < lines.size(); ++i) {
            // Over the axes, or over the whole panel when it is wider than the axes.
            const QFont& font = lines[i].font;
            const double half = QFontMetricsF(font).horizontalAdvance(lines[i].text) / 2.0;
            const double cx = std::max(panel.left() + half,
                                       std::min(axesRect.center().x(), panel.right() - half));
            p.setFont(font);
            // Text that presentation mode keeps large is cut at its panel, never drawn over the
            // neighbour's.
            p.save();
            p.setClipRect(panel);
            detail::drawText(
                p, QPointF(cx, panel.top() + titleH + lineH * (static_cast<double>(i) + 0.5)),
                Qt::AlignHCenter | Qt::AlignVCenter, lines[i].text);
            p.restore();
        }
        detail::drawAxesGrid(p, ax, style, text);
    }
    p.save();  // the curves, clipped to the axes
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setClipRect(axesRect);
    QPen zero(QColor(128, 128, 128), style.px(1.0));
    zero.setDashPattern({1.0, 1.65});
    p.setPen(zero);
    p.drawLine(ax.map(range.x0, 0.0), ax.map(range.x1, 0.0));

    // bce's output is a probability: the open interval (0, 1), its ends left out.
    const double inset = loss == Loss::Bce ? 1e-3 : 0.0;
    std::vector<double> xs(kSamples);
    for (int k = 0; k < kSamples; ++k) {
        xs[static_cast<std::size_t>(k)] =
            range.x0 + inset + (range.x1 - range.x0 - 2.0 * inset) * k / (kSamples - 1);
    }
    const double span = range.y1 - range.y0;
    const double sigma = opt.lossSigma > 0.0 && std::isfinite(opt.lossSigma) ? opt.lossSigma : 1.0;
    for (const int target : {0, 1}) {
        const LossCurve curve = lossCurve(loss, target, xs, sigma);
        for (const bool gradient : {false, true}) {
            const std::vector<double>& ys = gradient ? curve.gradient : curve.value;
            QPainterPath path;
            for (std::size_t k = 0; k < xs.size(); ++k) {
                // Far outside the axes a curve is clipped anyway; keep the path finite.
                const double y = std::isfinite(ys[k]) ? ys[k] : (ys[k] > 0 ? 1e30 : -1e30);
                const QPointF pt =
                    ax.map(xs[k], std::clamp(y, range.y0 - 10.0 * span, range.y1 + 10.0 * span));
                if (k == 0) {
                    path.moveTo(pt);
                } else {
                    path.lineTo(pt);
                }
            }
            p.setPen(curvePen(target, gradient, light, style));
            p.setBrush(Qt::NoBrush);
            p.drawPath(path);
        }
    }
    p.restore();
    if (!bare) detail::drawAxesFrame(p, ax, style, text);
    p.restore();
}

}  // namespace

namespace {

// The page: its style (fitted to the figure), legend, panels and marks.
struct LossesPage {
    FigureStyle style;
    QRectF legend;
    LossesLayout layout;
    detail::PagerBoxes pager;
    QString pages;
};

LossesPage lossesPage(const QRectF& rect, const FigureOptions& figureOpt) {
    LossesPage g;
    // Text and lines shrink with the figure (down to style.minFit) so small exports stay legible.
    g.style = detail::fittedStyle(figureOpt.style, rect.size(), QSizeF(820.0, 540.0));
    const FigureStyle& style = g.style;
    const double margin = style.px(6.0);
    const QRectF area = rect.adjusted(margin, margin, -margin, -margin);
    const double legendH = legendHeight(style, area.width());
    g.legend = QRectF(area.left(), area.top(), area.width(), legendH);
    const double gapX = style.px(16.0);
    const double gapY = style.px(12.0);
    const double top = area.top() + legendH;
    const int total = static_cast<int>(kLosses.size());
    // `count` panels from `first` in `cols` columns.
    const auto panels = [&](int first, int count, int cols) {
        LossesLayout l;
        l.first = first;
        l.shown = count;
        l.total = total;
        l.panels = detail::gridCells(QRectF(area.left(), top, area.width(), area.bottom() - top),
                                     count, cols, gapX, gapY);
        for (int i = 0; i < count; ++i)
            l.losses.push_back(kLosses[static_cast<std::size_t>(first + i)].id);
        return l;
    };
    // The smallest axes of a layout, at about 1.6 : 1.
    const auto score = [&](const LossesLayout& l) {
        double least = std::numeric_limits<double>::infinity();
        for (std::size_t i = 0; i < l.panels.size(); ++i) {
            detail::AxesText text = panelText(l.losses[i]);
            const QRectF axes = panelAxes(l.panels[i], l.losses[i], style, &text);
            least = std::min({least, axes.height(), axes.width() / 1.6});
        }
        return least;
    };
    // The notebook's 3 x 2. Fit, then floor (#20): with a text floor (the window), the grid whose
    // smallest axes are largest; where even those are under five lines of text (presentation
    // mode's text left the 3 x 2 panels' axes 50 px high on a wide, short view; walk 5: 86 px
    // with a single tick, "L, dL/dx" longer than the axes), three at a time
    // in one row, with "◀ 1–3 of 6 ▶" in the legend's row: regression, then classification.
    g.layout = panels(0, total, 3);
    if (style.minTextPx <= 0.0) return g;
    double best = score(g.layout);
    for (const int cols : {6, 2}) {
        LossesLayout l = panels(0, total, cols);
        const double sc = score(l);
        if (sc > best + 1.0) {
            best = sc;
            g.layout = std::move(l);
        }
    }
    // Enough for four y tick labels (each asks 1.4 lines of the 10 pt tick font): at five lines
    // of the floor, walk 7 saw 100 px axes at 1280 x 800 with a dock open carry a single "0".
    const double tickH = QFontMetricsF(style.font(10.0)).height();
    if (best >= std::max(5.0 * style.minTextPx, 4.0 * 1.4 * tickH)) return g;
    constexpr int kPage = 3;
    const int first = std::clamp(figureOpt.lossesFirst, 0, total - kPage) / kPage * kPage;
    g.layout = panels(first, kPage, kPage);
    g.pages = QStringLiteral("%1\u2013%2 of %3").arg(first + 1).arg(first + kPage).arg(total);
    const QFont font = style.font(kLegendPt, true);
    // The marks at the right of the legend's first row; the legend keeps the rest.
    const double rowH = std::min(legendH, QFontMetricsF(font).height() * 1.6);
    g.pager = detail::pagerBoxes(QRectF(g.legend.left(), g.legend.top(), g.legend.width(), rowH),
                                 g.pages, font, style.px(4.0));
    g.layout.previous = g.pager.previous;
    g.layout.next = g.pager.next;
    g.legend.setRight(g.layout.previous.left() - style.px(6.0));
    // The legend in its narrower row: its height may grow; the panels start under it.
    const double newH = legendHeight(style, g.legend.width());
    if (newH > legendH) {
        g.legend.setHeight(newH);
        for (QRectF& panel : g.layout.panels)
            panel.setTop(panel.top() + newH - legendH);
    }
    return g;
}

}  // namespace

LossesLayout layoutLosses(const QRectF& rect, const FigureOptions& opt) {
    return lossesPage(rect, opt).layout;
}

void paintLosses(QPainter& p, const QRectF& rect, const FigureOptions& figureOpt) {
    const LossesPage g = lossesPage(rect, figureOpt);
    FigureOptions opt = figureOpt;
    opt.style = g.style;
    const FigureStyle& style = opt.style;
    detail::fillBackground(p, rect, style);
    drawLegendRow(p, g.legend, style);
    for (std::size_t i = 0; i < g.layout.panels.size(); ++i)
        drawLossPanel(p, g.layout.panels[i], g.layout.losses[i], opt);
    if (!g.pages.isEmpty()) {
        p.setPen(style.foreground());
        detail::drawPager(p, g.pager, g.pages, style.font(kLegendPt, true),
                          g.layout.previousShown(), g.layout.nextShown());
    }
}

}  // namespace nnlens::figures
