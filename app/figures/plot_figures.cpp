// The seed's plot_activations (unbounded and bounded panels) and plot_softmax (p1, p2, p3 over
// (y1, y2) with y3 fixed), painted with the engine's formulas.
#include <QFontMetricsF>
#include <QPainterPath>

#include <algorithm>
#include <cmath>
#include <vector>

#include "axes.hpp"
#include "figures.hpp"
#include "heatmap.hpp"
#include "paint_util.hpp"

namespace nnlens::figures {

namespace {

constexpr double kTitlePt = 13.0;
constexpr double kLegendPt = 13.0;
constexpr double kYRange = 2.0;  // plot_activations' y_range

QString activationText(Activation a) {
    const auto name = activationName(a);
    return QString::fromUtf8(name.data(), static_cast<int>(name.size()));
}

// The legend in the upper left corner of the axes, as matplotlib draws it (framed, translucent).
void drawLegend(QPainter& p, const QRectF& axes, const std::vector<Activation>& curves,
                const FigureOptions& opt) {
    if (curves.empty()) return;
    const FigureStyle& style = opt.style;
    const QFont font = style.font(kLegendPt);
    const QFontMetricsF fm(font);
    const double pad = style.px(5.0);
    const double sample = style.px(22.0);
    const double rowH = fm.height() * 1.15;
    double textW = 0.0;
    for (const Activation a : curves)
        textW = std::max(textW, fm.horizontalAdvance(activationText(a)));
    const QRectF box(axes.left() + pad, axes.top() + pad, pad + sample + pad + textW + pad,
                     pad + rowH * static_cast<double>(curves.size()) + pad * 0.5);
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setPen(QPen(style.legendFrame(), style.px(0.8)));
    p.setBrush(style.legendFill(204));
    p.drawRoundedRect(box, style.px(2.0), style.px(2.0));
    p.setFont(font);
    for (std::size_t i = 0; i < curves.size(); ++i) {
        const Activation a = curves[i];
        const bool strong = opt.highlight && *opt.highlight == a;
        const double y = box.top() + pad + rowH * (static_cast<double>(i) + 0.5);
        QColor c = detail::activationColour(a);
        c.setAlphaF(strong ? 1.0f : 0.5f);
        p.setPen(QPen(c, style.px(strong ? 6.0 : 4.0), Qt::SolidLine, Qt::FlatCap));
        p.drawLine(QPointF(box.left() + pad, y), QPointF(box.left() + pad + sample, y));
        p.setPen(style.foreground());
        QFont f = font;
        f.setBold(strong || style.highContrast);
        p.setFont(f);
        detail::drawText(p, QPointF(box.left() + pad + sample + pad, y),
                         Qt::AlignLeft | Qt::AlignVCenter, activationText(a));
    }
    p.restore();
}

void drawActivationPanel(QPainter& p, const QRectF& panel, const QString& title,
                         const std::vector<Activation>& curves, const FigureOptions& opt) {
    const FigureStyle& style = opt.style;
    const double range =
        opt.activationRange > 0.0 && std::isfinite(opt.activationRange) ? opt.activationRange : 5.0;
    detail::AxesText text;
    text.xLabel = QStringLiteral("Activation input s");
    text.yLabel = QStringLiteral("Activation output \u03c6(s)");
    text.maxTicksX = 7;
    text.maxTicksY = 9;
    text.grid = true;
    const double titleH = QFontMetricsF(style.font(kTitlePt, true)).height() + style.px(4.0);
    const double left = detail::axesLeftMargin(style, text, -kYRange, kYRange);
    const double bottom = detail::axesBottomMargin(style, text);
    QRectF axesRect = panel.adjusted(left, titleH, -style.px(4.0), -bottom);
    // Too small for text (a thumbnail): the curves alone.
    const bool bare = axesRect.width() < 60.0 || axesRect.height() < 40.0;
    if (bare) axesRect = panel;
    const detail::DataAxes ax{axesRect, -range, range, -kYRange, kYRange};

    p.save();
    if (!bare) {
        p.setPen(style.foreground());
        p.setFont(style.font(kTitlePt, true));
        detail::drawText(p, QPointF(axesRect.center().x(), panel.top()),
                         Qt::AlignHCenter | Qt::AlignTop, title);
        detail::drawAxesGrid(p, ax, style, text);
    }

    p.setRenderHint(QPainter::Antialiasing, true);
    p.setClipRect(axesRect);
    // axhline(+-1, c='gray', ls=':')
    QPen dotted(QColor(128, 128, 128), style.px(1.2));
    dotted.setDashPattern({1.0, 1.65});
    p.setPen(dotted);
    for (const double y : {-1.0, 1.0})
        p.drawLine(QPointF(axesRect.left(), ax.py(y)), QPointF(axesRect.right(), ax.py(y)));

    // lw 4, alpha 0.5 as the seed; the emphasised curve opaque and thicker, drawn last.
    std::vector<Activation> order = curves;
    std::stable_partition(order.begin(), order.end(),
                          [&](Activation a) { return !(opt.highlight && *opt.highlight == a); });
    constexpr int kSamples = 401;  // odd: s = 0 is a sample, so relu's kink is exact
    for (const Activation a : order) {
        const bool strong = opt.highlight && *opt.highlight == a;
        QPainterPath path;
        for (int k = 0; k < kSamples; ++k) {
            const double s = -range + 2.0 * range * k / (kSamples - 1);
            const double y = hd::activate(a, static_cast<float>(s));
            // Far outside the axes a curve is clipped anyway; keep the path finite.
            const QPointF pt = ax.map(s, std::clamp(y, -10.0 * kYRange, 10.0 * kYRange));
            if (k == 0) {
                path.moveTo(pt);
            } else {
                path.lineTo(pt);
            }
        }
        QColor c = detail::activationColour(a);
        c.setAlphaF(strong ? 1.0f : 0.5f);
        p.setPen(QPen(c, style.px(strong ? 6.0 : 4.0), Qt::SolidLine, Qt::FlatCap, Qt::RoundJoin));
        p.setBrush(Qt::NoBrush);
        p.drawPath(path);
    }
    p.setClipping(false);
    if (!bare) {
        detail::drawAxesFrame(p, ax, style, text);
        drawLegend(p, axesRect, curves, opt);
    }
    p.restore();
}

}  // namespace

void paintActivations(QPainter& p, const QRectF& rect, const FigureOptions& figureOpt) {
    detail::fillBackground(p, rect, figureOpt.style);
    FigureOptions opt = figureOpt;
    opt.style = detail::fittedStyle(figureOpt.style, rect.size(), QSizeF(600.0, 260.0));
    const FigureStyle& style = opt.style;
    std::vector<Activation> all;
    for (const Activation a : opt.activations) {
        if (a != Activation::Softmax && std::find(all.begin(), all.end(), a) == all.end())
            all.push_back(a);
    }
    // The emphasised activation is always drawn, even when it is not one of the seed's six.
    if (opt.highlight && *opt.highlight != Activation::Softmax &&
        std::find(all.begin(), all.end(), *opt.highlight) == all.end()) {
        all.push_back(*opt.highlight);
    }
    std::vector<Activation> unbounded;
    std::vector<Activation> bounded;
    for (const Activation a : all)
        (activationIsBounded(a) ? bounded : unbounded).push_back(a);

    const double margin = style.px(6.0);
    const double gap = style.px(14.0);
    const QRectF area = rect.adjusted(margin, margin, -margin, -margin);
    const double w = (area.width() - gap) / 2.0;
    drawActivationPanel(p, QRectF(area.left(), area.top(), w, area.height()),
                        QStringLiteral("Unbounded above"), unbounded, opt);
    drawActivationPanel(p, QRectF(area.left() + w + gap, area.top(), w, area.height()),
                        QStringLiteral("Saturating"), bounded, opt);
}

void paintSoftmax(QPainter& p, const QRectF& rect, const FigureOptions& opt) {
    detail::fillBackground(p, rect, opt.style);
    const FigureStyle style = detail::fittedStyle(opt.style, rect.size(), QSizeF(560.0, 170.0));
    double lo = opt.softmaxLo;
    double hi = opt.softmaxHi;
    if (!(std::isfinite(lo) && std::isfinite(hi) && hi > lo)) {
        lo = 0.0;
        hi = 15.0;
    }
    const int n = std::clamp(opt.softmaxN, 2, 2000);
    const double y3 = 0.5 * (lo + hi);

    // p_k(y1, y2) = softmax([y1, y2, y3])_k, y1 across (column), y2 up (row 0 at the bottom).
    std::vector<float> grid(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i)
        grid[static_cast<std::size_t>(i)] = static_cast<float>(lo + (hi - lo) * i / (n - 1));
    std::vector<std::vector<float>> prob(3, std::vector<float>(static_cast<std::size_t>(n) * n));
    for (int row = 0; row < n; ++row) {
        for (int col = 0; col < n; ++col) {
            const float s[3] = {grid[static_cast<std::size_t>(col)],
                                grid[static_cast<std::size_t>(row)], static_cast<float>(y3)};
            float q[3];
            hd::softmaxRow(s, q, 3);
            for (int k = 0; k < 3; ++k)
                prob[static_cast<std::size_t>(k)][static_cast<std::size_t>(row) * n + col] = q[k];
        }
    }

    detail::AxesText text;
    text.xLabel = QStringLiteral("y1");
    text.yLabel = QStringLiteral("y2");
    text.maxTicksX = 5;
    text.maxTicksY = 5;
    const double margin = style.px(6.0);
    const QRectF area = rect.adjusted(margin, margin, -margin, -margin);
    const double titleH = QFontMetricsF(style.font(kTitlePt, true)).height() + style.px(4.0);
    const double left = detail::axesLeftMargin(style, text, lo, hi);
    const double bottom = detail::axesBottomMargin(style, text);
    const double gap = style.px(12.0);
    const bool perPanel = opt.softmaxPerPanel;
    const double bar = perPanel ? 0.0 : detail::colourBarWidth(style, 0.0, 1.0);
    const double barSpace = style.px(12.0);  // also room for the last panel's tick label
    // Three panels in a row (the seed's figure), or 2 x 2 or a column when the space is tall: the
    // arrangement that gives the largest panels.
    int cols = 3;
    double side = 0.0;
    for (const int c : {3, 2, 1}) {
        const int r = (3 + c - 1) / c;
        const double s = std::floor(
            std::max(1.0, std::min((area.width() - c * left - (c - 1) * gap - barSpace - bar) / c,
                                   (area.height() - r * (titleH + bottom) - (r - 1) * gap) / r)));
        if (s > side * 1.05) {
            side = s;
            cols = c;
        }
    }
    const int rows = (3 + cols - 1) / cols;
    const double cellH = titleH + side + bottom;
    const double blockW = cols * (left + side) + (cols - 1) * gap + barSpace + bar;
    const double blockH = rows * cellH + (rows - 1) * gap;
    const double x0 = std::round(area.left() + (area.width() - blockW) / 2.0);
    const double y0 = std::round(area.top() + (area.height() - blockH) / 2.0) + titleH;

    for (int k = 0; k < 3; ++k) {
        const int col = k % cols;
        const int row = k / cols;
        const QRectF axesRect(std::round(x0 + left + col * (left + side + gap)),
                              std::round(y0 + row * (cellH + gap)), side, side);
        const detail::DataAxes ax{axesRect, lo, hi, lo, hi};
        const std::vector<float>& pk = prob[static_cast<std::size_t>(k)];
        float vmin = 0.0f;
        float vmax = 1.0f;
        if (perPanel) {
            // matplotlib's Normalize on the panel's own data: its min is the darkest colour, its
            // max the brightest (a constant panel: the middle of the map, as matplotlib does).
            const auto [mn, mx] = std::minmax_element(pk.begin(), pk.end());
            vmin = *mn;
            vmax = *mx;
            if (!(vmax > vmin)) {
                vmin -= 0.5f;
                vmax += 0.5f;
            }
        }
        const QImage img = heatmapImage(pk.data(), n, vmin, vmax, Colormap::viridis());
        p.save();
        p.setRenderHint(QPainter::SmoothPixmapTransform, false);
        p.drawImage(axesRect, img);
        p.setRenderHint(QPainter::Antialiasing, true);
        p.setClipRect(axesRect);
        // The seed's guides: the boundaries of p_k's winning region, y_k = y_other.
        QPen dashed(QColor(128, 128, 128), style.px(style.highContrast ? 2.0 : 1.5));
        dashed.setDashPattern({3.7, 1.6});
        dashed.setCapStyle(Qt::FlatCap);
        p.setPen(dashed);
        if (k != 0) p.drawLine(ax.map(lo, y3), ax.map(hi, y3));  // y2 = y3
        if (k != 1) p.drawLine(ax.map(y3, lo), ax.map(y3, hi));  // y1 = y3
        if (k != 2) p.drawLine(ax.map(lo, lo), ax.map(hi, hi));  // y1 = y2
        p.setClipping(false);
        detail::drawAxesFrame(p, ax, style, text);
        p.setPen(style.foreground());
        p.setFont(style.font(kTitlePt, true));
        detail::drawText(p, QPointF(axesRect.center().x(), axesRect.top() - style.px(4.0)),
                         Qt::AlignHCenter | Qt::AlignBottom,
                         perPanel ? QStringLiteral("p%1: %2 to %3")
                                        .arg(k + 1)
                                        .arg(static_cast<double>(vmin), 0, 'f', 2)
                                        .arg(static_cast<double>(vmax), 0, 'f', 2)
                                  : QStringLiteral("p%1").arg(k + 1));
        p.restore();
    }
    const double barX = x0 + cols * (left + side) + (cols - 1) * gap + barSpace;
    if (!perPanel)
        detail::drawColourBar(p, QRectF(barX, y0, bar, side), 0.0, 1.0, Colormap::viridis(), style);
}

}  // namespace nnlens::figures
