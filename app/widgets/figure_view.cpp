// FigureView: paints with app/figures on the screen and turns clicks into node selections.
#include "figure_view.hpp"

#include <algorithm>
#include <cmath>

#include <QCheckBox>
#include <QCursor>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include "figures/stats_figure.hpp"

namespace nnlens::widgets {

namespace {

// Screen text a little larger than matplotlib's 100 dpi figures: readable across a room.
constexpr double kScreenDpi = 96.0;
// A plot in a narrow dock shrinks its text to no less than 3/4 of the design (about 10 px tick
// labels); a smaller figure would be unreadable on a projector.
constexpr double kScreenMinFit = 0.75;
// No text on the normal screen under 9 pt at 96 dpi (#20), however small the view: a figure that
// cannot fit its text at this size lays itself out otherwise (fewer labels, another layout).
constexpr double kNormalFloorPx = 9.0 * kScreenDpi / 72.0;
// View > Theme's choice, for views made after it.
bool screenDark = false;
bool screenContrast = false;

}  // namespace

FigureView::FigureView(FigureKind kind, model::Document* doc, QWidget* parent)
    : QWidget(parent), m_kind(kind), m_doc(doc) {
    m_options.style.dpi = kScreenDpi;
    m_options.style.minFit = kScreenMinFit;
    m_options.style.minTextPx = kNormalFloorPx;
    m_options.showSelection = true;  // the window marks the selected node; figures do not
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMouseTracking(kind == FigureKind::Loss);  // the loss plot reads out the epoch
    connect(m_doc, &model::Document::selectionChanged, this, [this](NodeRef node) {
        m_options.selected = node;
        // The Focus layout moves the columns around the selected node.
        if (m_featureToggles) placeFeatureBoxes(Placement::WhenMoved);
        update();
    });
    connect(m_doc, &model::Document::networkChanged, this, [this] {
        // Figures without maps draw the document's network directly. The diagram waits for the
        // next map frame (setFrame) when one is wired, so that a slider step costs one repaint of
        // the window, not two competing with the map worker for the CPU.
        if (!figures::figureNeedsMaps(m_kind) && !(m_kind == FigureKind::Network && m_frame)) {
            update();
        }
    });
    m_options.selected = m_doc->selection();
    setTheme(screenDark, screenContrast);
}

void FigureView::setScreenTheme(bool dark, bool highContrast) {
    screenDark = dark;
    screenContrast = highContrast;
}

void FigureView::setTheme(bool dark, bool highContrast) {
    m_themeContrast = highContrast;
    m_options.style.dark = dark;
    m_options.style.highContrast = m_presentation || highContrast;
    update();
}

void FigureView::setFrame(std::shared_ptr<const model::MapFrame> frame) {
    m_frame = std::move(frame);
    if (m_featureToggles) placeFeatureBoxes(Placement::WhenMoved);
    update();
}

void FigureView::setFeatureToggles(bool on) {
    m_featureToggles = on;
    if (on && m_featureBoxes.empty()) {
        for (int k = 0; k < kFeatureKinds; ++k) {
            const auto f = static_cast<Feature>(k);
            const QString name = QString::fromUtf8(featureName(f).data(),
                                                   static_cast<qsizetype>(featureName(f).size()));
            auto* box = new QCheckBox(this);
            box->setObjectName(QStringLiteral("feature-%1").arg(k));
            box->setAccessibleName(tr("Input feature %1").arg(name));
            box->setToolTip(
                tr("Input feature %1: on, the first layer gets a row of weights from it")
                    .arg(name));
            box->hide();
            connect(box, &QCheckBox::toggled, this, [this, f](bool checked) {
                if (!m_doc->setFeature(f, checked)) placeFeatureBoxes();  // refused: as it was
            });
            m_featureBoxes.push_back(box);
        }
        connect(m_doc, &model::Document::networkChanged, this, [this] {
            if (m_featureToggles) placeFeatureBoxes(Placement::WhenMoved);
        });
    }
    placeFeatureBoxes();
}

QCheckBox* FigureView::featureBox(Feature f) const {
    const auto k = static_cast<std::size_t>(f);
    if (k >= m_featureBoxes.size() || m_featureBoxes[k]->isHidden()) return nullptr;
    return m_featureBoxes[k];
}

FigureView::FeatureBoxKey FigureView::featureBoxKey() const {
    const Network& net = shownNetwork();
    FeatureBoxKey key{net.inputs,   m_options.selected.layer, m_options.selected.node, {},
                      net.features, m_doc->activeFeatures()};
    for (const Layer& layer : net.layers)
        key.sizes.push_back(layer.outputs());
    return key;
}

void FigureView::placeFeatureBoxes(Placement when) {
    if (m_featureBoxes.empty()) return;
    // A slider step or a training frame keeps the shape: no layout pass for the boxes.
    FeatureBoxKey key = featureBoxKey();
    if (when == Placement::WhenMoved && key == m_featureBoxKey) return;
    m_featureBoxKey = std::move(key);
    std::vector<QRectF> rects;
    if (m_featureToggles && m_options.featureColumn && m_kind == FigureKind::Graph) {
        rects = figures::layoutGraph(shownNetwork(), QRectF(rect()), m_options).features;
    }
    const std::vector<Feature> used = m_doc->activeFeatures();
    for (std::size_t k = 0; k < m_featureBoxes.size(); ++k) {
        QCheckBox* box = m_featureBoxes[k];
        const QSize hint = box->sizeHint();
        // The box in the map's lower left corner, where the map's name (at the top) is not.
        if (k >= rects.size() || rects[k].width() < 1.5 * hint.width()) {
            box->hide();
            continue;
        }
        const QRectF& r = rects[k];
        const int margin = std::max(2, static_cast<int>(r.width() / 40.0));
        box->setGeometry(static_cast<int>(r.left()) + margin,
                         static_cast<int>(r.bottom()) - margin - hint.height(), hint.width(),
                         hint.height());
        const QSignalBlocker block(box);
        box->setChecked(std::find(used.begin(), used.end(), static_cast<Feature>(k)) != used.end());
        box->show();
    }
}

void FigureView::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    if (m_featureToggles) placeFeatureBoxes();
}

void FigureView::setOptions(const figures::FigureOptions& opt) {
    const figures::FigureStyle screen = m_options.style;
    m_options = opt;
    m_options.style.dpi = screen.dpi;
    m_options.style.minFit = screen.minFit;
    m_options.style.minTextPx = screen.minTextPx;
    m_options.style.dark = screen.dark;  // the theme's, as the screen shows it
    m_options.style.highContrast = screen.highContrast;
    if (m_featureToggles) placeFeatureBoxes();
    update();
}

void FigureView::setPresentation(bool on, double textPx) {
    // The figures grow so that their smallest design text (10 pt tick labels) reaches `textPx`;
    // fitting them into a view never shrinks them below the normal screen's scale, and no text
    // below `textPx`.
    const double tickPx = 10.0 * kScreenDpi / 72.0;
    const double scale = on ? std::max(1.25, textPx / tickPx) : 1.0;
    m_options.style.scale = scale;
    m_presentation = on;
    // A plot's least height grows with its text: at presentation mode's size the loss and fit
    // plots' 160 px left their axes no room, and their ticks fell outside (#20). By the square
    // root of the scale: the text grows, the axes need not, and two plots in the Training dock
    // must fit the height of a 1080-line screen with the dock's controls.
    // And at least the lines of text around the axes plus four for the axes themselves: the fit
    // plot's legend rows above them, the ticks and label below (#20: with the Training settings
    // unfolded, its axes were 42 px at 1920 x 1080).
    if (m_kind == FigureKind::Loss || m_kind == FigureKind::Fit || m_kind == FigureKind::LrScan) {
        if (m_baseMinimumHeight < 0) m_baseMinimumHeight = minimumHeight();
        const double lines = !on ? 0.0 : m_kind == FigureKind::Fit ? 15.0 : 11.0;
        setMinimumHeight(static_cast<int>(
            std::max(m_baseMinimumHeight * std::sqrt(scale), std::ceil(lines * textPx))));
    }
    // Leaving presentation mode returns to the theme's contrast.
    m_options.style.highContrast = on || m_themeContrast;
    m_options.style.minFit = on ? std::max(kScreenMinFit, 1.0 / scale) : kScreenMinFit;
    // Every figure keeps its text at the floor and lays itself out for it (the data flow
    // figure shows fewer modules, its tensor panels in rows).
    m_options.style.minTextPx = on ? std::max(textPx, tickPx) : kNormalFloorPx;
    if (m_featureToggles) placeFeatureBoxes();
    update();
}

const Network& FigureView::shownNetwork() const {
    if (figures::figureNeedsMaps(m_kind) && m_frame && m_frame->network) return *m_frame->network;
    return m_doc->network();
}

QImage FigureView::renderImage(QSize size, const figures::FigureStyle& style) const {
    figures::FigureOptions opt = m_options;
    opt.style = style;
    opt.showSelection = false;  // a figure to paste on a slide, as render draws it
    const Network& net = shownNetwork();
    const bool maps = figures::figureNeedsMaps(m_kind) && m_frame && !m_frame->maps.empty();
    return figures::renderFigure(m_kind, net, maps ? &m_frame->maps : nullptr, size, opt);
}

QSize FigureView::sizeHint() const {
    switch (m_kind) {
        case FigureKind::Graph:
            return {480, 400};
        case FigureKind::Unit:
        case FigureKind::NodeMap:
            return {300, 320};
        case FigureKind::Network:
            return {480, 160};
        case FigureKind::Activations:
            return {600, 300};
        case FigureKind::Softmax:
            return {600, 220};
        case FigureKind::Loss:
        case FigureKind::LrScan:
            return {320, 200};
        case FigureKind::Data:
        case FigureKind::Fit:
            return {480, 360};
        case FigureKind::Losses:
            return {720, 480};
        case FigureKind::Flow:
            return {640, 260};
        case FigureKind::Stats:
            return {800, 480};
        case FigureKind::Quiz:
            return {760, 380};
    }
    return {400, 300};
}

QSize FigureView::minimumSizeHint() const {
    return {160, 120};
}

void FigureView::paintFigure(QPainter& p, const QRectF& rect, const Network& net,
                             const figures::FigureOptions& opt) const {
    static const figures::MapSet kNoMaps;
    const figures::MapSet& maps = m_frame ? m_frame->maps : kNoMaps;
    switch (m_kind) {
        case FigureKind::Graph:
            figures::paintGraph(p, rect, net, maps, opt);
            break;
        case FigureKind::Unit:
            figures::paintUnit(p, rect, net, maps, opt.selected, opt);
            break;
        case FigureKind::NodeMap:
            figures::paintNodeMap(p, rect, net, maps, opt.selected, opt);
            break;
        case FigureKind::Network:
            figures::paintDiagram(p, rect, net, opt);
            break;
        case FigureKind::Activations:
            figures::paintActivations(p, rect, opt);
            break;
        case FigureKind::Softmax:
            figures::paintSoftmax(p, rect, opt);
            break;
        case FigureKind::Loss:
            figures::paintLoss(p, rect, opt);
            break;
        case FigureKind::LrScan:
            figures::paintLrScan(p, rect, opt);
            break;
        case FigureKind::Data:
            figures::paintData(p, rect, net, maps, opt);
            break;
        case FigureKind::Fit:
            figures::paintFit(p, rect, net, opt);
            break;
        case FigureKind::Losses:
            figures::paintLosses(p, rect, opt);
            break;
        case FigureKind::Flow:
            figures::paintFlow(p, rect, net, opt);
            break;
        case FigureKind::Stats:
            figures::paintStats(p, rect, net, opt);
            break;
        case FigureKind::Quiz:
            figures::paintQuiz(p, rect, net, opt);
            break;
    }
}

void FigureView::paintEvent(QPaintEvent*) {
    QElapsedTimer timer;
    timer.start();
    QPainter p(this);
    const Network& net = shownNetwork();
    figures::FigureOptions opt = m_options;
    // The selection may name a node the frame's (older) network lacks while a shape edit is on its
    // way; the figure then shows no selection until the new frame arrives.
    if (opt.selected.layer >= static_cast<int>(net.layers.size()) ||
        (opt.selected.valid() &&
         opt.selected.node >= net.layers[static_cast<std::size_t>(opt.selected.layer)].outputs())) {
        // The single-node views keep showing the nearest node rather than flashing "no map".
        if ((m_kind == FigureKind::Unit || m_kind == FigureKind::NodeMap) && !net.layers.empty()) {
            const int layer = std::min(opt.selected.layer, static_cast<int>(net.layers.size()) - 1);
            const int nodes = net.layers[static_cast<std::size_t>(layer)].outputs();
            opt.selected = {layer, std::min(opt.selected.node, nodes - 1)};
        } else {
            opt.selected = {};
        }
    }
    if (figures::figureNeedsMaps(m_kind) && m_frame && !m_frame->failure.isEmpty()) {
        // The maps of this network could not be computed: said where they would be (#19).
        p.fillRect(rect(), opt.style.background());
        p.setPen(opt.style.foreground());
        p.setFont(opt.style.font(11.0));
        p.drawText(QRectF(rect()).adjusted(12, 12, -12, -12), Qt::AlignCenter | Qt::TextWordWrap,
                   tr("No maps for this network: %1").arg(model::shownText(m_frame->failure)));
    } else {
        if (figures::figureNeedsMaps(m_kind) && m_frame && m_frame->maps.empty() &&
            m_kind != FigureKind::Graph) {
            p.fillRect(rect(), opt.style.background());
        }
        paintFigure(p, QRectF(rect()), net, opt);
    }
    if (hasFocus()) {
        p.setPen(QPen(palette().highlight().color(), 2));
        p.setBrush(Qt::NoBrush);
        p.drawRect(QRectF(rect()).adjusted(1, 1, -1, -1));
    }
    m_lastPaintMs = static_cast<double>(timer.nsecsElapsed()) / 1e6;
    const std::uint64_t generation = m_frame ? m_frame->generation : 0;
    if (generation != m_paintedGeneration) {
        m_paintedGeneration = generation;
        emit framePainted(generation, m_lastPaintMs);
    }
}

void FigureView::setPointEditing(bool on) {
    m_pointEditing = on && m_kind == FigureKind::Graph;
    setMouseTracking(m_pointEditing);
    setCursor(m_pointEditing ? Qt::CrossCursor : Qt::ArrowCursor);
    m_dragRow = -1;
    m_hoverRow = -1;
}

std::optional<QPointF> FigureView::inputAt(QPointF pos) const {
    const Network& net = shownNetwork();
    if (m_kind != FigureKind::Graph || net.inputs != 2 || net.layers.empty()) return std::nullopt;
    const auto layout = figures::layoutGraph(net, QRectF(rect()), m_options);
    if (layout.maps.empty()) return std::nullopt;
    const double r = net.view.range;
    for (const QRectF& map : layout.maps.back()) {
        if (!map.contains(pos)) continue;
        // The map covers [-r, r]^2 with x1 to the right and x2 up (origin='lower').
        return QPointF(-r + 2.0 * r * (pos.x() - map.left()) / map.width(),
                       r - 2.0 * r * (pos.y() - map.top()) / map.height());
    }
    return std::nullopt;
}

int FigureView::pointAt(QPointF pos) const {
    const std::shared_ptr<const Dataset> rows = m_doc->data();
    const Network& net = shownNetwork();
    if (!rows || rows->inputs() != 2 || m_kind != FigureKind::Graph || net.layers.empty())
        return -1;
    const auto layout = figures::layoutGraph(net, QRectF(rect()), m_options);
    const double r = net.view.range;
    int best = -1;
    for (const QRectF& map : layout.maps.back()) {
        // Only a press on a point's own marker grabs it (half a pixel spare): anywhere else adds
        // a point, however many points a small map packs together (#20).
        const double kGrab = figures::pointMarkerRadius(map.width(), m_options.style) + 0.5;
        double bestDistance = kGrab * kGrab;
        if (!map.adjusted(-kGrab, -kGrab, kGrab, kGrab).contains(pos)) continue;
        // Hidden validation points cannot be grabbed.
        const int grabbable = m_options.showValidation
                                  ? rows->size()
                                  : std::min(rows->size(), figures::trainingRowCount(m_options));
        for (int i = 0; i < grabbable; ++i) {
            const double px = map.left() + (rows->x(i, 0) + r) / (2.0 * r) * map.width();
            const double py = map.top() + (r - rows->x(i, 1)) / (2.0 * r) * map.height();
            const double d = (px - pos.x()) * (px - pos.x()) + (py - pos.y()) * (py - pos.y());
            if (d <= bestDistance) {
                bestDistance = d;
                best = i;
            }
        }
        if (best >= 0) break;
    }
    return best;
}

void FigureView::mouseMoveEvent(QMouseEvent* event) {
    if (m_kind == FigureKind::Loss && m_options.history) {
        // The epoch under the mouse and its losses.
        const auto epoch = figures::lossEpochAt(QRectF(rect()), m_options, event->position().x());
        const auto& h = *m_options.history;
        if (epoch && *epoch >= 1 && *epoch <= h.train.epochs()) {
            const auto describe = [](const nnlens::EpochSeries::Point& p) {
                if (p.first == p.last) return QString::number(double(p.value), 'g', 5);
                return tr("%1 (mean of epochs %2-%3, min %4, max %5)")
                    .arg(double(p.mean), 0, 'g', 5)
                    .arg(p.first)
                    .arg(p.last)
                    .arg(double(p.min), 0, 'g', 5)
                    .arg(double(p.max), 0, 'g', 5);
            };
            QString text =
                tr("epoch %1\ntrain loss %2").arg(*epoch).arg(describe(h.train.at(*epoch)));
            if (*epoch <= h.val.epochs())
                text += tr("\nvalidation loss %1").arg(describe(h.val.at(*epoch)));
            // The changes within a few pixels of the mouse: their new values.
            const QRectF area = figures::lossPlotArea(QRectF(rect()), m_options);
            const double perEpoch =
                area.width() / std::max(1.0, double(std::max(2, h.train.epochs())) - 1.0);
            for (const figures::LossHistory::Change& c : h.changes) {
                const double x = area.left() + (c.epoch - 1.0) * perEpoch;
                if (std::abs(x - event->position().x()) <= 4.0)
                    text += tr("\nat epoch %1: %2").arg(c.epoch, 0, 'f', 1).arg(c.text);
            }
            QToolTip::showText(event->globalPosition().toPoint(), text, this);
        }
    }
    if (m_pointEditing) {
        const QPointF pos = event->position();
        if (m_dragRow >= 0) {
            if (const auto at = inputAt(pos)) {
                m_doc->movePoint(m_dragRow, static_cast<float>(at->x()),
                                 static_cast<float>(at->y()), m_dragId);
            }
        } else {
            m_hoverRow = pointAt(pos);
            setCursor(m_hoverRow >= 0 ? Qt::OpenHandCursor : Qt::CrossCursor);
        }
    }
    QWidget::mouseMoveEvent(event);
}

void FigureView::mouseReleaseEvent(QMouseEvent* event) {
    if (m_dragRow >= 0) {
        m_dragRow = -1;
        setCursor(Qt::OpenHandCursor);
    }
    QWidget::mouseReleaseEvent(event);
}

void FigureView::mousePressEvent(QMouseEvent* event) {
    const QPointF pos = event->position();
    const Network& net = shownNetwork();
    if (m_pointEditing) {
        if (const auto at = inputAt(pos)) {
            setFocus();
            // A left press on a marker drags that point; any other left press adds a class-1
            // point, a right or Shift press a class-0 point, each one undo step.
            const bool high =
                event->button() == Qt::LeftButton && !(event->modifiers() & Qt::ShiftModifier);
            const int row = high ? pointAt(pos) : -1;
            if (row >= 0) {
                m_dragRow = row;
                m_dragId = m_doc->beginDrag();
                setCursor(Qt::ClosedHandCursor);
            } else if (event->button() == Qt::LeftButton || event->button() == Qt::RightButton) {
                m_doc->addPoint(static_cast<float>(at->x()), static_cast<float>(at->y()), high);
            }
            return;
        }
    }
    if (m_kind == FigureKind::Graph) {
        const auto layout = figures::layoutGraph(net, QRectF(rect()), m_options);
        const NodeRef hit = layout.hit(pos);
        if (hit.valid()) emit nodeClicked(hit);
        // A click on a feature's map turns it on or off, as its check box does.
        const auto feature = layout.featureAt(pos);
        if (feature && m_featureToggles && event->button() == Qt::LeftButton) {
            const std::vector<Feature> used = m_doc->activeFeatures();
            m_doc->setFeature(*feature,
                              std::find(used.begin(), used.end(), *feature) == used.end());
        }
    } else if (m_kind == FigureKind::Network) {
        const auto layout = figures::layoutDiagram(net, QRectF(rect()), m_options);
        const auto hit = layout.hit(net, pos);
        if (hit.kind == figures::DiagramLayout::Hit::Node && hit.node.valid()) {
            emit nodeClicked(hit.node);
        } else if (hit.kind == figures::DiagramLayout::Hit::Edge) {
            emit edgeClicked(hit.node, hit.input);
        }
    }
    QWidget::mousePressEvent(event);
}

void FigureView::keyPressEvent(QKeyEvent* event) {
    if (m_pointEditing && (event->key() == Qt::Key_Delete || event->key() == Qt::Key_Backspace)) {
        const int row = m_hoverRow >= 0 ? m_hoverRow : pointAt(mapFromGlobal(QCursor::pos()));
        if (row >= 0) {
            m_doc->removePoint(row);
            m_hoverRow = -1;
        }
        return;
    }
    switch (event->key()) {
        case Qt::Key_Left:
            m_doc->moveSelection(-1, 0);
            return;
        case Qt::Key_Right:
            m_doc->moveSelection(1, 0);
            return;
        case Qt::Key_Up:
            m_doc->moveSelection(0, -1);
            return;
        case Qt::Key_Down:
            m_doc->moveSelection(0, 1);
            return;
        default:
            QWidget::keyPressEvent(event);
    }
}

}  // namespace nnlens::widgets
