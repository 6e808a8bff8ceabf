// Training figures: the loss per epoch (log y, train and validation, the timeline's epoch), the
// seed's lr_scan plot (log-log, its y limits, minimum and recommended rate) and the fit plot
// (targets and predictions against the row order or a column, as the seed's sin(t)cos(t) plot).
#include <QFontMetricsF>
#include <QPainterPath>
#include <QStringList>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <tuple>

#include "axes.hpp"
#include "core/forward.hpp"
#include "figures.hpp"
#include "paint_util.hpp"
#include "points.hpp"
#include "text/number_text.hpp"

namespace nnlens::figures {

namespace {

constexpr double kLegendPt = 11.0;
constexpr double kAxisLabelPt =
    12.0;  // as the axes' labels (axes.cpp): the readout takes their place
// matplotlib's default figure, 6.4 x 4.8 inches, in points: the design the text is fitted to.
const QSizeF kPlotDesign(460.0, 345.0);

const QColor kBlue(31, 119, 180);    // tab:blue, the first curve
const QColor kOrange(255, 127, 14);  // tab:orange, the second
const QColor kGreen(44, 160, 44);    // tab:green
const QColor kRed(214, 39, 40);      // tab:red

QString number(double v) {
    QString s = QString::fromStdString(text::formatNumber(v, 3));
    if (s.startsWith('-')) s.replace(0, 1, QStringLiteral("\u2212"));
    return s;
}

struct LegendEntry {
    enum Kind { Line, Dot, Ring } kind = Line;
    QColor colour;
    QString text;
};

// An entry's sample, `sample` wide from `x`, on the line at `y`: a line, a dot or a ring.
void drawLegendSample(QPainter& p, const LegendEntry& e, double x, double y, double sample,
                      const FigureStyle& style) {
    const QPointF mid(x + sample / 2.0, y);
    const double r = style.px(2.8);
    switch (e.kind) {
        case LegendEntry::Line:
            p.setPen(QPen(e.colour, style.px(2.0), Qt::SolidLine, Qt::FlatCap));
            p.drawLine(QPointF(x, y), QPointF(x + sample, y));
            break;
        case LegendEntry::Dot:
            p.setPen(QPen(QColor(25, 25, 25), style.px(0.6)));
            p.setBrush(e.colour);
            p.drawEllipse(mid, r, r);
            break;
        case LegendEntry::Ring:
            p.setPen(QPen(e.colour, style.px(1.4)));
            p.setBrush(Qt::NoBrush);
            p.drawEllipse(mid, r, r);
            break;
    }
}

// A framed legend in the upper right corner of the axes, as matplotlib's loc='upper right'.
// The legend's box inside the axes, at their top right.
QRectF legendBox(const QRectF& axes, const std::vector<LegendEntry>& entries,
                 const FigureStyle& style) {
    const QFontMetricsF fm(style.font(kLegendPt));
    const double pad = style.px(5.0);
    const double rowH = fm.height() * 1.15;
    double textW = 0.0;
    for (const LegendEntry& e : entries)
        textW = std::max(textW, fm.horizontalAdvance(e.text));
    const double w = pad + style.px(20.0) + pad + textW + pad;
    return QRectF(axes.right() - pad - w, axes.top() + pad, w,
                  pad + rowH * static_cast<double>(entries.size()) + pad * 0.5);
}

void drawLegend(QPainter& p, const QRectF& axes, const std::vector<LegendEntry>& entries,
                const FigureStyle& style) {
    if (entries.empty()) return;
    const QFont font = style.font(kLegendPt);
    const QFontMetricsF fm(font);
    const double pad = style.px(5.0);
    const double sample = style.px(20.0);
    const double rowH = fm.height() * 1.15;
    const QRectF box = legendBox(axes, entries, style);
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setPen(QPen(style.legendFrame(), style.px(0.8)));
    p.setBrush(style.legendFill(215));
    p.drawRoundedRect(box, style.px(2.0), style.px(2.0));
    p.setFont(font);
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const LegendEntry& e = entries[i];
        const double y = box.top() + pad + rowH * (static_cast<double>(i) + 0.5);
        drawLegendSample(p, e, box.left() + pad, y, sample, style);
        p.setPen(style.foreground());
        detail::drawText(p, QPointF(box.left() + pad + sample + pad, y),
                         Qt::AlignLeft | Qt::AlignVCenter, e.text);
    }
    p.restore();
}

// The fit plot's legend goes above its axes, where it covers no curve (#20): in as few rows as
// `width` allows (detail::flowLegend).
detail::LegendFlow fitLegend(const std::vector<LegendEntry>& entries, const FigureStyle& style,
                             double width) {
    QStringList texts;
    for (const LegendEntry& e : entries)
        texts << e.text;
    return detail::flowLegend(QFontMetricsF(style.font(kLegendPt)), texts, style.px(20.0),
                              style.px(5.0), style.px(10.0), width);
}

double legendRowHeight(const FigureStyle& style) {
    return QFontMetricsF(style.font(kLegendPt)).height() * 1.15;
}

// The strip's height for `entries` in `width`.
double legendStripHeight(const std::vector<LegendEntry>& entries, const FigureStyle& style,
                         double width) {
    return legendRowHeight(style) * fitLegend(entries, style, width).rows() + style.px(5.0);
}

void drawLegendStrip(QPainter& p, const QRectF& strip, const std::vector<LegendEntry>& entries,
                     const FigureStyle& style) {
    const double pad = style.px(5.0);
    const double sample = style.px(20.0);
    const double rowH = legendRowHeight(style);
    const detail::LegendFlow flow = fitLegend(entries, style, strip.width());
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setFont(style.font(kLegendPt));
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const LegendEntry& e = entries[i];
        const double x = strip.left() + flow.x[i];
        const double y = strip.top() + rowH * (flow.row[i] + 0.5);
        drawLegendSample(p, e, x, y, sample, style);
        p.setPen(style.foreground());
        detail::drawText(p, QPointF(x + sample + pad, y), Qt::AlignLeft | Qt::AlignVCenter, e.text);
    }
    p.restore();
}

// The axes rectangle of a plot in `rect` with these axis texts, y from yLo to yHi (axes units).
QRectF plotArea(const QRectF& rect, const FigureStyle& style, const detail::AxesText& text,
                double xLo, double xHi, double yLo, double yHi) {
    const double left = detail::axesLeftMargin(style, text, yLo, yHi);
    const double bottom = detail::axesBottomMargin(style, text);
    const double top = style.px(10.0);
    // Room for half the last x tick label, centred on the axes' right end (a narrow plot with
    // its text at the floor cut "500" at the figure's edge, #20).
    const QFontMetricsF fm(style.font(10.0));
    double widest = 0.0;
    if (text.logX) {
        widest = fm.horizontalAdvance(QStringLiteral("10\u207b\u2070"));
    } else {
        const std::vector<double> ticks = detail::niceTicks(xLo, xHi, 9);
        const double step = ticks.size() > 1 ? ticks[1] - ticks[0] : 1.0;
        for (const double v : ticks)
            widest = std::max(widest, fm.horizontalAdvance(detail::tickLabel(v, step)));
    }
    const double right = std::max(style.px(14.0), widest / 2.0 + style.px(2.0));
    QRectF area = rect.adjusted(left, top, -right, -bottom);
    if (area.width() < 10.0 || area.height() < 10.0) area = rect;
    return area;
}

// log10 of the positive finite values of `lists`: [lo, hi] padded as matplotlib's margins do,
// or [-1, 0] when there are none.
std::pair<double, double> logRange(std::initializer_list<const std::vector<float>*> lists) {
    double lo = INFINITY;
    double hi = -INFINITY;
    for (const auto* list : lists) {
        for (const float v : *list) {
            if (std::isfinite(v) && v > 0.0f) {
                lo = std::min(lo, std::log10(static_cast<double>(v)));
                hi = std::max(hi, std::log10(static_cast<double>(v)));
            }
        }
    }
    if (!std::isfinite(lo)) return {-1.0, 0.0};
    if (hi - lo < 1e-6) return {lo - 0.5, hi + 0.5};
    const double pad = 0.05 * (hi - lo);
    return {lo - pad, hi + pad};
}

// The same over every point's minimum and maximum.
std::pair<double, double> logRange(std::initializer_list<const nnlens::EpochSeries*> curves) {
    std::vector<float> values;
    for (const nnlens::EpochSeries* c : curves) {
        for (const nnlens::EpochSeries::Point& p : c->points()) {
            values.push_back(p.min);
            values.push_back(p.max);
        }
    }
    return logRange({&values});
}

// A polyline through (x_i, log10 v_i), broken where a value is not positive and finite.
QPainterPath logCurve(const detail::DataAxes& ax, const std::vector<float>& values,
                      const std::function<double(std::size_t)>& xOf) {
    QPainterPath path;
    bool open = false;
    for (std::size_t i = 0; i < values.size(); ++i) {
        const float v = values[i];
        if (!(std::isfinite(v) && v > 0.0f)) {
            open = false;
            continue;
        }
        const QPointF pt = ax.map(xOf(i), std::log10(static_cast<double>(v)));
        if (open) {
            path.lineTo(pt);
        } else {
            path.moveTo(pt);
            open = true;
        }
    }
    return path;
}

// A loss curve: a line through each point's mean (one epoch's value in the head) at the middle
// of its epochs, and for buckets a lighter band from their minimum to their maximum, so that a
// spike inside a bucket still shows.
void drawLossCurve(QPainter& p, const detail::DataAxes& ax, const nnlens::EpochSeries& curve,
                   const QColor& colour, const FigureStyle& style) {
    const std::vector<nnlens::EpochSeries::Point> points = curve.points();
    std::vector<float> means;
    std::vector<double> xs;
    means.reserve(points.size());
    xs.reserve(points.size());
    QPainterPath band;
    for (const nnlens::EpochSeries::Point& pt : points) {
        const double x = 0.5 * (pt.first + pt.last);
        means.push_back(pt.first == pt.last ? pt.value : pt.mean);
        xs.push_back(x);
        if (pt.first != pt.last && std::isfinite(pt.min) && std::isfinite(pt.max) &&
            pt.min > 0.0f && pt.max > pt.min) {
            band.moveTo(ax.map(x, std::log10(static_cast<double>(pt.min))));
            band.lineTo(ax.map(x, std::log10(static_cast<double>(pt.max))));
        }
    }
    if (!band.isEmpty()) {
        QColor light = colour;
        light.setAlpha(90);
        p.setPen(QPen(light, style.px(1.0), Qt::SolidLine, Qt::FlatCap));
        p.drawPath(band);
    }
    p.setPen(QPen(colour, style.px(1.5), Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    p.drawPath(logCurve(ax, means, [&](std::size_t i) { return xs[i]; }));
}

detail::AxesText lossAxesText() {
    detail::AxesText text;
    text.xLabel = QStringLiteral("epoch");
    text.yLabel = QStringLiteral("loss");
    text.logY = true;
    text.grid = true;
    return text;
}

FigureStyle plotStyle(const FigureOptions& opt, const QRectF& rect) {
    return detail::fittedStyle(opt.style, rect.size(), kPlotDesign);
}

}  // namespace

namespace {

// The penalty's line: the train curve's blue, lighter.
const QColor kPenalty(0x8f, 0xbb, 0xd9);

std::vector<LegendEntry> lossLegend(const LossHistory* h) {
    std::vector<LegendEntry> legend{{LegendEntry::Line, kBlue, QStringLiteral("train")}};
    if (h && !h->val.empty())
        legend.push_back({LegendEntry::Line, kOrange, QStringLiteral("validation")});
    if (h && h->hasPenalty())
        legend.push_back({LegendEntry::Line, kPenalty, QStringLiteral("penalty")});
    return legend;
}

// The loss plot's legend goes in the axes' upper right, as matplotlib's; with a text floor (the
// window) in a strip above the axes where that box would cover more than a fifth of them (#20:
// at a projector's text size in the Training dock it hid the curves). The strip's height, or 0.
double lossLegendStrip(const QRectF& rect, const FigureStyle& style, const QRectF& axes,
                       const std::vector<LegendEntry>& legend) {
    if (style.minTextPx <= 0.0 || axes.isEmpty()) return 0.0;
    const QFontMetricsF fm(style.font(kLegendPt));
    const double pad = style.px(5.0);
    double textW = 0.0;
    for (const LegendEntry& e : legend)
        textW = std::max(textW, fm.horizontalAdvance(e.text));
    const double boxW = pad + style.px(20.0) + pad + textW + pad;
    const double boxH = pad + fm.height() * 1.15 * static_cast<double>(legend.size()) + pad * 0.5;
    if (boxW * boxH <= 0.2 * axes.width() * axes.height()) return 0.0;
    return legendStripHeight(legend, style, std::max(1.0, rect.width() - 2.0 * style.px(6.0)));
}

}  // namespace

namespace {

// The loss plot's axes and its legend's strip (0: the legend in the axes), for painting and
// for the epoch under the mouse alike.
struct LossGeometry {
    QRectF area;
    double strip = 0.0;
    double lo = -1.0, hi = 0.0;  // log10 of the loss axis
};

// Epochs 1..E on the x axis (1..2 for a single epoch, so the axis has a length).
double lastEpochOnAxis(const FigureOptions& opt) {
    const auto e = opt.history ? static_cast<double>(opt.history->train.epochs()) : 1.0;
    return std::max(2.0, e);
}

LossGeometry lossGeometry(const QRectF& rect, const FigureStyle& style, const FigureOptions& opt) {
    LossGeometry g;
    if (opt.history) {
        std::tie(g.lo, g.hi) =
            logRange({&opt.history->train, &opt.history->val, &opt.history->penalty});
    }
    const double last = lastEpochOnAxis(opt);
    const QRectF full = plotArea(rect, style, lossAxesText(), 1.0, last, g.lo, g.hi);
    g.strip = lossLegendStrip(rect, style, full, lossLegend(opt.history.get()));
    g.area = g.strip > 0.0 ? plotArea(rect.adjusted(0, g.strip, 0, 0), style, lossAxesText(), 1.0,
                                      last, g.lo, g.hi)
                           : full;
    return g;
}

}  // namespace

bool LossHistory::hasPenalty() const {
    for (const nnlens::EpochSeries::Point& p : penalty.points()) {
        if (p.max > 0.0f || p.value > 0.0f) return true;
    }
    return false;
}

QRectF lossPlotArea(const QRectF& rect, const FigureOptions& opt) {
    return lossGeometry(rect, plotStyle(opt, rect), opt).area;
}

namespace {}  // namespace

std::optional<int> lossEpochAt(const QRectF& rect, const FigureOptions& opt, double x) {
    if (!opt.history || opt.history->train.empty()) return std::nullopt;
    const QRectF area = lossPlotArea(rect, opt);
    const double last = lastEpochOnAxis(opt);
    const int n = opt.history->train.epochs();
    if (!(area.width() > 0.0) || !std::isfinite(x)) return 1;
    const double epoch = 1.0 + (x - area.left()) / area.width() * (last - 1.0);
    return static_cast<int>(std::lround(std::clamp(epoch, 1.0, static_cast<double>(n))));
}

void paintLoss(QPainter& p, const QRectF& rect, const FigureOptions& opt) {
    detail::fillBackground(p, rect, opt.style);
    const FigureStyle style = plotStyle(opt, rect);
    if (!opt.history || opt.history->train.empty()) {
        detail::drawNote(p, rect, QStringLiteral("No run yet"), style);
        return;
    }
    const LossHistory& h = *opt.history;
    detail::AxesText text = lossAxesText();
    const std::vector<LegendEntry> legend = lossLegend(&h);
    const LossGeometry g = lossGeometry(rect, style, opt);
    const QRectF& area = g.area;
    const double last = lastEpochOnAxis(opt);
    const detail::DataAxes ax{area, 1.0, last, g.lo, g.hi};

    p.save();
    detail::drawAxesGrid(p, ax, style, text);
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setClipRect(area.adjusted(-1, -1, 1, 1));
    p.setBrush(Qt::NoBrush);
    if (h.hasPenalty()) drawLossCurve(p, ax, h.penalty, kPenalty, style);
    if (!h.val.empty()) drawLossCurve(p, ax, h.val, kOrange, style);
    drawLossCurve(p, ax, h.train, kBlue, style);
    if (h.train.epochs() == 1 && h.train.last() > 0.0f) {  // one epoch: a dot, not an empty line
        p.setBrush(kBlue);
        p.setPen(Qt::NoPen);
        p.drawEllipse(ax.map(1.0, std::log10(h.train.last())), style.px(2.5), style.px(2.5));
    }
    // The changes made while it ran: a thin grey line each (their text on hover).
    if (!h.changes.empty()) {
        QColor grey = style.foreground();
        grey.setAlpha(110);
        p.setPen(QPen(grey, style.px(0.8), Qt::SolidLine, Qt::FlatCap));
        for (const LossHistory::Change& c : h.changes) {
            const double x = ax.px(std::clamp(c.epoch, 1.0, last));
            p.drawLine(QPointF(x, area.top()), QPointF(x, area.bottom()));
        }
    }
    p.setClipping(false);
    if (opt.markEpoch) {
        const int e = std::clamp(*opt.markEpoch, 1, h.train.epochs());
        const double x = ax.px(e);
        QPen pen(style.foreground(), style.px(1.0), Qt::DashLine);
        p.setPen(pen);
        p.drawLine(QPointF(x, area.top()), QPointF(x, area.bottom()));
        // The readout in the x axis label's place, under the axes: never over the curves (#20,
        // walk 5 and 6: inside the axes it sat on both curves wherever it went, a monotone
        // curve crossing every band as wide as the text). Where the whole one is too wide (a
        // narrow dock at a projector's text size), without the validation loss, then without
        // the word, then the loss alone (the timeline's label names the epoch).
        const QFontMetricsF fm(style.font(kAxisLabelPt));
        const double room =
            2.0 * std::min(area.center().x() - rect.left(), rect.right() - area.center().x()) -
            2.0 * style.px(3.0);
        const QString train = number(h.train.at(e).value);
        QStringList labels{QStringLiteral("epoch %1: %2").arg(e).arg(train)};
        if (e <= h.val.epochs())
            labels.prepend(labels.front() + QStringLiteral(" / ") + number(h.val.at(e).value));
        labels << QStringLiteral("%1: %2").arg(e).arg(train) << train;
        text.xLabel = labels.back();
        for (const QString& l : labels) {
            if (fm.horizontalAdvance(l) <= room) {
                text.xLabel = l;
                break;
            }
        }
    }
    detail::drawAxesFrame(p, ax, style, text);
    if (g.strip > 0.0) {
        const double inset = style.px(6.0);
        drawLegendStrip(p,
                        QRectF(rect.left() + inset, rect.top() + style.px(3.0),
                               rect.width() - 2.0 * inset, g.strip),
                        legend, style);
    } else {
        drawLegend(p, area, legend, style);
    }
    p.restore();
}

void paintLrScan(QPainter& p, const QRectF& rect, const FigureOptions& opt) {
    detail::fillBackground(p, rect, opt.style);
    const FigureStyle style = plotStyle(opt, rect);
    if (!opt.scan || opt.scan->loss.empty() || opt.scan->lr.size() != opt.scan->loss.size()) {
        detail::drawNote(p, rect, QStringLiteral("No learning-rate scan"), style);
        return;
    }
    const LrScanCurve& s = *opt.scan;
    // plt.ylim(0.5 * np.min(losses), 10 * losses[0]) on log axes.
    float best = INFINITY;
    std::size_t bestIndex = 0;
    for (std::size_t i = 0; i < s.loss.size(); ++i) {
        if (std::isfinite(s.loss[i]) && s.loss[i] < best) {
            best = s.loss[i];
            bestIndex = i;
        }
    }
    double yLo = best > 0.0f && std::isfinite(best) ? std::log10(0.5 * best) : -1.0;
    double yHi =
        s.loss[0] > 0.0f && std::isfinite(s.loss[0]) ? std::log10(10.0 * s.loss[0]) : yLo + 2.0;
    if (!(yHi > yLo)) yHi = yLo + 1.0;
    // The rates with matplotlib's 5 % margins (in log units).
    double xLo = std::log10(std::max(1e-300, s.lr.front()));
    double xHi = std::log10(std::max(1e-300, s.lr.back()));
    if (s.recommended > 0.0) xLo = std::min(xLo, std::log10(s.recommended));
    if (!(xHi > xLo)) xHi = xLo + 1.0;
    const double pad = 0.05 * (xHi - xLo);
    xLo -= pad;
    xHi += pad;

    detail::AxesText text;
    text.xLabel = QStringLiteral("Learning rate");
    text.yLabel = QStringLiteral("Loss");
    text.logX = true;
    text.logY = true;
    text.grid = true;
    const QRectF area = plotArea(rect, style, text, xLo, xHi, yLo, yHi);
    const detail::DataAxes ax{area, xLo, xHi, yLo, yHi};

    p.save();
    detail::drawAxesGrid(p, ax, style, text);
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setClipRect(area);
    // plt.plot(lr, losses, '.'): small blue dots.
    p.setPen(Qt::NoPen);
    p.setBrush(kBlue);
    const double dot = style.px(1.8);
    for (std::size_t i = 0; i < s.loss.size(); ++i) {
        if (!(std::isfinite(s.loss[i]) && s.loss[i] > 0.0f && s.lr[i] > 0.0)) continue;
        p.drawEllipse(ax.map(std::log10(s.lr[i]), std::log10(s.loss[i])), dot, dot);
    }
    // The minimum: a red ring; the recommended rate (half the rate there): a green dashed line.
    const QPointF minPt = ax.map(std::log10(s.lr[bestIndex]), std::log10(std::max(best, 1e-30f)));
    const bool hasMin = std::isfinite(best) && best > 0.0f;
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(kRed, style.px(1.5)));
    if (hasMin) p.drawEllipse(minPt, style.px(5.0), style.px(5.0));
    double recX = NAN;
    if (s.recommended > 0.0) {
        recX = ax.px(std::log10(s.recommended));
        p.setPen(QPen(kGreen, style.px(1.5), Qt::DashLine));
        p.drawLine(QPointF(recX, area.top()), QPointF(recX, area.bottom()));
    }
    p.setClipping(false);
    detail::drawAxesFrame(p, ax, style, text);

    // Labels: the minimum beside its ring, the recommended rate at the top of its line; each on
    // the side where it fits.
    const QFont font = style.font(10.0);
    const QFontMetricsF fm(font);
    const auto place = [&](QPointF anchor, const QString& label, const QColor& colour,
                           Qt::Alignment vertical) {
        const double w = fm.horizontalAdvance(label);
        const bool right = anchor.x() + style.px(7.0) + w <= area.right() - style.px(2.0);
        const QPointF at(right ? anchor.x() + style.px(7.0) : anchor.x() - style.px(7.0),
                         anchor.y());
        detail::drawHaloText(p, at, (right ? Qt::AlignLeft : Qt::AlignRight) | vertical, label,
                             font, colour, style.legendFill(220));
    };
    if (hasMin) {
        place(
            QPointF(minPt.x(), std::min(minPt.y() + style.px(8.0), area.bottom() - style.px(2.0))),
            QStringLiteral("min %1 at lr %2").arg(number(best), number(s.lr[bestIndex])),
            kRed.darker(130), Qt::AlignTop);
    }
    if (std::isfinite(recX)) {
        place(QPointF(recX, area.top() + style.px(4.0)),
              QStringLiteral("recommended lr %1").arg(number(s.recommended)), kGreen.darker(140),
              Qt::AlignTop);
    }
    p.restore();
}

namespace {

// The fit plot's layout, for painting and for measuring: each row's x, the rows in x order, the
// model's outputs, the legend and the axes.
struct FitGeometry {
    bool ok = false;
    int n = 0;
    int train = 0;
    Matrix out;
    std::vector<double> xs;
    std::vector<int> order;
    detail::AxesText text;
    std::vector<LegendEntry> legend;
    double strip = 0.0;
    double inset = 0.0;
    double stripWidth = 0.0;
    detail::DataAxes ax;
};

constexpr int kMaxFitMarkers = 5000;

FitGeometry fitGeometry(const QRectF& rect, const Network& net, const FigureOptions& opt,
                        const FigureStyle& style) {
    FitGeometry g;
    if (!opt.data || opt.data->size() == 0 || opt.data->targets() == 0 ||
        opt.data->inputs() != net.inputs || net.layers.empty())
        return g;
    g.ok = true;
    const Dataset& data = *opt.data;
    const int n = data.size();
    g.n = n;
    g.train = trainingRowCount(opt);
    if (opt.outputs && opt.outputs->rows() == n && opt.outputs->cols() == net.outputs()) {
        g.out = *opt.outputs;
    } else {
        g.out = forward(net, data.x).output();
    }
    const Matrix& out = g.out;

    // The x of each row: its index, an input column (x1..xD) or an extra column (t).
    std::vector<double>& xs = g.xs;
    xs.resize(static_cast<std::size_t>(n));
    QString xLabel = QStringLiteral("row");
    if (opt.fitColumn.empty()) {
        std::iota(xs.begin(), xs.end(), 0.0);
    } else {
        xLabel = QString::fromStdString(opt.fitColumn);
        const int e = data.extraColumn(opt.fitColumn);
        int input = -1;
        for (int k = 0; e < 0 && k < data.inputs(); ++k) {
            if (opt.fitColumn == "x" + std::to_string(k + 1)) input = k;
        }
        for (int i = 0; i < n; ++i) {
            xs[static_cast<std::size_t>(i)] =
                e >= 0 ? data.extra(i, e) : (input >= 0 ? data.x(i, input) : i);
        }
    }
    std::vector<int>& order = g.order;
    order.resize(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        return xs[static_cast<std::size_t>(a)] < xs[static_cast<std::size_t>(b)];
    });

    double xLo = INFINITY, xHi = -INFINITY, yLo = INFINITY, yHi = -INFINITY;
    for (int i = 0; i < n; ++i) {
        const double x = xs[static_cast<std::size_t>(i)];
        xLo = std::min(xLo, x);
        xHi = std::max(xHi, x);
        for (const double y : {static_cast<double>(data.y(i, 0)), static_cast<double>(out(i, 0))}) {
            if (!std::isfinite(y)) continue;
            yLo = std::min(yLo, y);
            yHi = std::max(yHi, y);
        }
    }
    if (!(xHi > xLo)) {
        xLo -= 0.5;
        xHi += 0.5;
    }
    if (!(yHi > yLo)) {
        yLo -= 0.5;
        yHi += 0.5;
    }
    // matplotlib's 5 % margins.
    const double xPad = 0.05 * (xHi - xLo);
    const double yPad = 0.05 * (yHi - yLo);
    xLo -= xPad;
    xHi += xPad;
    yLo -= yPad;
    yHi += yPad;

    const QString yName = data.targets() > 1 ? QStringLiteral("y1") : QStringLiteral("y");
    detail::AxesText& text = g.text;
    text.xLabel = xLabel;
    text.yLabel = yName;
    text.grid = true;
    // The legend in a strip above the axes, as wide as the figure; where its rows would take
    // more than a third of the height or more than two rows (a narrow dock at a projector's text
    // size, #20: four rows at 3840 x 2160), in short words.
    g.inset = style.px(6.0);
    g.stripWidth = std::max(1.0, rect.width() - 2.0 * g.inset);
    const double stripWidth = g.stripWidth;
    const int train = g.train;
    std::vector<LegendEntry>& legend = g.legend;
    for (const bool brief : {false, true}) {
        legend = {
            {LegendEntry::Line, kBlue, (brief ? QString() : QStringLiteral("target ")) + yName}};
        if (n <= kMaxFitMarkers) {
            legend.push_back(
                {LegendEntry::Dot, kBlue,
                 brief ? QStringLiteral("training") : QStringLiteral("training rows")});
            if (train < n) {
                legend.push_back(
                    {LegendEntry::Ring, kBlue,
                     brief ? QStringLiteral("validation") : QStringLiteral("validation rows")});
            }
        }
        legend.push_back({LegendEntry::Line, kOrange, QStringLiteral("model(") + xLabel + ")"});
        if (legendStripHeight(legend, style, stripWidth) <= rect.height() / 3.0 &&
            fitLegend(legend, style, stripWidth).rows() <= 2)
            break;
    }
    g.strip = legendStripHeight(legend, style, stripWidth);
    const QRectF area = plotArea(rect.adjusted(0, g.strip, 0, 0), style, text, xLo, xHi, yLo, yHi);
    g.ax = detail::DataAxes{area, xLo, xHi, yLo, yHi};
    return g;
}

}  // namespace

QRectF fitPlotArea(const QRectF& rect, const Network& net, const FigureOptions& opt) {
    const FitGeometry g = fitGeometry(rect, net, opt, plotStyle(opt, rect));
    return g.ok ? g.ax.rect : QRectF();
}

void paintFit(QPainter& p, const QRectF& rect, const Network& net, const FigureOptions& opt) {
    detail::fillBackground(p, rect, opt.style);
    const FigureStyle style = plotStyle(opt, rect);
    const FitGeometry g = fitGeometry(rect, net, opt, style);
    if (!g.ok) {
        detail::drawNote(p, rect, QStringLiteral("No regression data"), style);
        return;
    }
    const Dataset& data = *opt.data;
    const int n = g.n;
    const int train = g.train;
    const Matrix& out = g.out;
    const std::vector<double>& xs = g.xs;
    const std::vector<int>& order = g.order;
    const detail::AxesText& text = g.text;
    const detail::DataAxes& ax = g.ax;
    const QRectF area = ax.rect;
    const double inset = g.inset;
    const double stripWidth = g.stripWidth;
    const double strip = g.strip;
    const std::vector<LegendEntry>& legend = g.legend;

    p.save();
    detail::drawAxesGrid(p, ax, style, text);
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setClipRect(area);
    const auto line = [&](const auto& valueOf) {
        QPainterPath path;
        bool open = false;
        for (const int i : order) {
            const double y = valueOf(i);
            if (!std::isfinite(y)) {
                open = false;
                continue;
            }
            const QPointF pt = ax.map(xs[static_cast<std::size_t>(i)], y);
            if (open) {
                path.lineTo(pt);
            } else {
                path.moveTo(pt);
                open = true;
            }
        }
        return path;
    };
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(kBlue, style.px(1.5), Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    p.drawPath(line([&](int i) { return static_cast<double>(data.y(i, 0)); }));
    // The targets as points: filled for training rows, hollow for validation rows (as on the
    // maps); too many to see one by one are left to the line.
    if (n <= kMaxFitMarkers) {
        const double r =
            std::clamp(area.width() / std::max(1, n) * 0.35, style.px(1.2), style.px(2.6));
        for (int i = 0; i < n; ++i) {
            const QPointF c = ax.map(xs[static_cast<std::size_t>(i)], data.y(i, 0));
            if (i < train) {
                p.setPen(QPen(kBlue.darker(150), style.px(0.5)));
                p.setBrush(kBlue);
            } else {
                p.setPen(QPen(kBlue.darker(120), style.px(1.1)));
                p.setBrush(Qt::white);
            }
            p.drawEllipse(c, r, r);
        }
    }
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(kOrange, style.px(2.0), Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    p.drawPath(line([&](int i) { return static_cast<double>(out(i, 0)); }));
    p.setClipping(false);
    detail::drawAxesFrame(p, ax, style, text);
    drawLegendStrip(p, QRectF(rect.left() + inset, rect.top() + style.px(3.0), stripWidth, strip),
                    legend, style);
    p.restore();
}

}  // namespace nnlens::figures
