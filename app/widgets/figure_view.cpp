// FigureView: paints with app/figures on the screen and turns clicks into node selections.
#include "figure_view.hpp"

#include <algorithm>

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>

namespace nnlens::widgets {

namespace {

// Screen text a little larger than matplotlib's 100 dpi figures: readable across a room.
constexpr double kScreenDpi = 96.0;

}  // namespace

FigureView::FigureView(FigureKind kind, model::Document* doc, QWidget* parent)
    : QWidget(parent), m_kind(kind), m_doc(doc) {
    m_options.style.dpi = kScreenDpi;
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMouseTracking(false);
    connect(m_doc, &model::Document::selectionChanged, this, [this](NodeRef node) {
        m_options.selected = node;
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
}

void FigureView::setFrame(std::shared_ptr<const model::MapFrame> frame) {
    m_frame = std::move(frame);
    update();
}

void FigureView::setOptions(const figures::FigureOptions& opt) {
    const double dpi = m_options.style.dpi;
    m_options = opt;
    m_options.style.dpi = dpi;
    update();
}

void FigureView::setPresentation(bool on) {
    m_options.style.scale = on ? 1.5 : 1.0;
    m_options.style.highContrast = on;
    update();
}

const Network& FigureView::shownNetwork() const {
    if (figures::figureNeedsMaps(m_kind) && m_frame && m_frame->network) return *m_frame->network;
    return m_doc->network();
}

QImage FigureView::renderImage(QSize size, const figures::FigureStyle& style) const {
    figures::FigureOptions opt = m_options;
    opt.style = style;
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
    if (figures::figureNeedsMaps(m_kind) && m_frame && m_frame->maps.empty() &&
        m_kind != FigureKind::Graph) {
        p.fillRect(rect(), opt.style.background());
    }
    paintFigure(p, QRectF(rect()), net, opt);
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

void FigureView::mousePressEvent(QMouseEvent* event) {
    const QPointF pos = event->position();
    const Network& net = shownNetwork();
    if (m_kind == FigureKind::Graph) {
        const auto layout = figures::layoutGraph(net, QRectF(rect()), m_options);
        const NodeRef hit = layout.hit(pos);
        if (hit.valid()) emit nodeClicked(hit);
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
