// The notebook's "which activation?" exercise: one unit f(x) = phi(x . w + b) with the same w and
// b under each of the seed's six activations, in a shuffled order, the names hidden until revealed.

#include <algorithm>
#include <cmath>
#include <random>

#include "figures.hpp"
#include "map_cell.hpp"
#include "paint_util.hpp"
#include "text/number_text.hpp"

namespace nnlens::figures {

namespace {

constexpr double kTitlePt = 16.0;
constexpr double kLinePt = 12.0;
constexpr double kLabelPt = 14.0;

}  // namespace

QuizUnit quizUnit(const Network& net, NodeRef node) {
    QuizUnit unit;
    // The unit is drawn over (x1, x2): a network whose first layer reads features has no such unit.
    if (net.inputs != 2 || !net.plainInputs() || net.layers.empty() || node.layer != 0 ||
        node.node < 0 || node.node >= net.layers.front().outputs()) {
        return unit;
    }
    const Layer& layer = net.layers.front();
    unit.w = {layer.W(0, node.node), layer.W(1, node.node)};
    unit.b = layer.b(node.node);
    unit.fromNetwork = true;
    return unit;
}

std::vector<Activation> notebookQuizOrder() {
    return {Activation::Linear,   Activation::Tanh,    Activation::Relu,
            Activation::Softsign, Activation::Sigmoid, Activation::Elu};
}

std::vector<Activation> quizOrder(std::uint64_t seed) {
    std::vector<Activation> order = notebookQuizOrder();
    // Fisher-Yates on the raw generator: the same seed gives the same order on every platform
    // (std::shuffle's distribution is the library's choice).
    std::mt19937_64 rng(seed);
    for (std::size_t i = order.size(); i > 1; --i) {
        std::swap(order[i - 1], order[static_cast<std::size_t>(rng() % i)]);
    }
    return order;
}

QString quizLetter(int index) {
    return QStringLiteral("(%1)").arg(QChar(u'a' + index));
}

namespace {

struct QuizGeometry {
    FigureStyle style;
    QRectF area;
    double labelH = 0.0;
};

QuizGeometry quizGeometry(const QRectF& rect, const FigureOptions& opt) {
    QuizGeometry g;
    g.style = detail::fittedStyle(opt.style, rect.size(), QSizeF(760.0, 300.0));
    const double margin = g.style.px(8.0);
    g.area = rect.adjusted(margin, margin, -margin, -margin);
    g.labelH = g.style.px(kLabelPt) * 1.6;
    return g;
}

// The maps under the heading (whose bottom is `top`): the grid that gives them the most room,
// 6 x 1, 3 x 2 or 2 x 3, centred.
std::vector<QRectF> quizMaps(const QuizGeometry& g, double top, int n) {
    const double gap = g.style.px(10.0);
    const QRectF grid(g.area.left(), top + gap, g.area.width(),
                      std::max(0.0, g.area.bottom() - top - gap));
    int cols = n;
    double side = 0.0;
    for (const int c : {6, 3, 2}) {
        const int rows = (n + c - 1) / c;
        const double s = std::min((grid.width() - (c - 1) * gap) / c,
                                  (grid.height() - rows * g.labelH - (rows - 1) * gap) / rows);
        if (s > side) {
            side = std::floor(s);
            cols = c;
        }
    }
    if (side < 8.0) return {};
    const int rows = (n + cols - 1) / cols;
    const double usedW = cols * side + (cols - 1) * gap;
    const double usedH = rows * (side + g.labelH) + (rows - 1) * gap;
    const double x0 = std::round(grid.left() + (grid.width() - usedW) / 2.0);
    const double y0 = std::round(grid.top() + std::max(0.0, (grid.height() - usedH) / 2.0));
    std::vector<QRectF> maps;
    for (int i = 0; i < n; ++i) {
        const int r = i / cols;
        const int c = i % cols;
        maps.emplace_back(std::round(x0 + c * (side + gap)),
                          std::round(y0 + r * (side + g.labelH + gap)), side, side);
    }
    return maps;
}

QString quizLine(const Network& net, const FigureOptions& opt) {
    const QuizUnit unit = quizUnit(net, opt.selected);
    auto number = [](double v) {
        return QString::fromStdString(text::formatNumber(v, 2, text::Digits::Decimals));
    };
    return QStringLiteral("f(x) = \u03c6(x \u00b7 w + b),  w = [%1, %2],  b = %3%4")
        .arg(number(unit.w[0]), number(unit.w[1]), number(unit.b),
             unit.fromNetwork ? QStringLiteral("  (%1)").arg(
                                    detail::nodeLabel(opt.selected.layer, opt.selected.node))
                              : QString());
}

}  // namespace

std::vector<QRectF> layoutQuiz(const QRectF& rect, const Network& net, const FigureOptions& opt) {
    const QuizGeometry g = quizGeometry(rect, opt);
    const int n = static_cast<int>(opt.quizOrder.empty() ? 6 : opt.quizOrder.size());
    return quizMaps(
        g, detail::layoutHeading(g.area, kTitlePt, quizLine(net, opt), kLinePt, g.style).bottom, n);
}

void paintQuiz(QPainter& p, const QRectF& rect, const Network& net, const FigureOptions& opt) {
    detail::fillBackground(p, rect, opt.style);
    const QuizGeometry g = quizGeometry(rect, opt);
    const FigureStyle& style = g.style;
    const std::vector<Activation> order =
        opt.quizOrder.empty() ? notebookQuizOrder() : opt.quizOrder;
    const QuizUnit unit = quizUnit(net, opt.selected);
    const double top = detail::drawHeading(p, g.area, QStringLiteral("Which activation?"), kTitlePt,
                                           quizLine(net, opt), kLinePt, style);
    const std::vector<QRectF> maps = quizMaps(g, top, static_cast<int>(order.size()));

    Network one;
    one.inputs = 2;
    one.view = net.view;
    one.layers.resize(1);
    Layer& layer = one.layers.front();
    layer.W.resize(2, 1);
    layer.W(0, 0) = unit.w[0];
    layer.W(1, 0) = unit.w[1];
    layer.b.resize(1);
    layer.b(0) = unit.b;

    for (std::size_t i = 0; i < maps.size(); ++i) {
        const QRectF& map = maps[i];
        layer.activation = order[i];
        // Each map on its own colour scale, as nn_unit_draw2d draws one unit.
        const MapSet set = computeMapSet(one);
        detail::MapCell cell;
        cell.discretize = opt.discretize;
        cell.histograms = false;
        cell.label = false;
        cell.arrow = opt.arrows;
        detail::drawMapCell(p, map, one, set, cell, style);
        p.setPen(QPen(style.muted(), style.px(0.8)));
        p.setBrush(Qt::NoBrush);
        p.drawRect(map);
        QString label = quizLetter(static_cast<int>(i));
        if (opt.quizReveal) {
            const std::string_view name = activationName(layer.activation);
            label += QStringLiteral(" ") +
                     QString::fromUtf8(name.data(), static_cast<qsizetype>(name.size()));
        }
        p.setFont(style.font(kLabelPt, opt.quizReveal));
        p.setPen(style.foreground());
        detail::drawText(p, QPointF(map.center().x(), map.bottom() + g.labelH * 0.15),
                         Qt::AlignHCenter | Qt::AlignTop, label);
    }
}

}  // namespace nnlens::figures
