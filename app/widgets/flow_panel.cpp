// FlowPanel: the flow figure, its trace recomputed by the FlowService's worker whenever the
// network, the data, the training loss or a control changes while the tab is visible (requests
// coalesce, so it follows training at the screen's pace); the GUI thread only paints.
#include "flow_panel.hpp"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QShowEvent>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>

#include "core/trace.hpp"
#include "figure_view.hpp"
#include "model/flow_service.hpp"
#include "model/training_service.hpp"

namespace nnlens::widgets {

namespace {

enum DataChoice { kDataSet = 0, kNormal = 1 };

}  // namespace

FlowPanel::FlowPanel(model::Document* doc, QWidget* parent) : QWidget(parent), m_doc(doc) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_view = new FigureView(figures::FigureKind::Flow, doc, this);
    m_view->setObjectName(QStringLiteral("flowView"));
    m_view->setToolTip(tr("Click a module to select it"));
    m_view->installEventFilter(this);
    layout->addWidget(m_view, 1);

    auto* row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Data:"), this));
    m_data = new QComboBox(this);
    m_data->setObjectName(QStringLiteral("flowData"));
    m_data->addItem(tr("Data set"), kDataSet);
    m_data->addItem(tr("Random normal"), kNormal);
    m_data->setToolTip(tr("The document's data set, or the seed's torch.randn(N, D)"));
    row->addWidget(m_data);
    row->addWidget(new QLabel(tr("N:"), this));
    m_samples = new QSpinBox(this);
    m_samples->setObjectName(QStringLiteral("flowSamples"));
    m_samples->setAccessibleName(tr("Samples N"));
    m_samples->setRange(1, 100000);
    row->addWidget(m_samples);
    row->addWidget(new QLabel(tr("Seed:"), this));
    m_seed = new QSpinBox(this);
    m_seed->setObjectName(QStringLiteral("flowSeed"));
    m_seed->setAccessibleName(tr("Sample seed"));
    m_seed->setRange(0, 1000000);
    row->addWidget(m_seed);
    row->addWidget(new QLabel(tr("Loss scale:"), this));
    m_scale = new QDoubleSpinBox(this);
    m_scale->setObjectName(QStringLiteral("flowLossScale"));
    m_scale->setAccessibleName(tr("Loss scale"));
    m_scale->setDecimals(3);
    m_scale->setRange(0.001, 1e6);  // as nnlens-cli trace --loss-scale
    m_scale->setValue(1.0);
    m_scale->setToolTip(
        tr("The loss times K (the seed's 100 * torch.mean(Xout ** 2)): every "
           "gradient scales by K"));
    row->addWidget(m_scale);
    row->addStretch(1);
    layout->addLayout(row);
    // The status on a line of its own, wrapped: a long message must not widen the window.
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("flowStatus"));
    m_status->setWordWrap(true);
    layout->addWidget(m_status);

    m_service = new model::FlowService(this);
    connect(m_service, &model::FlowService::traced, this,
            [this](const std::shared_ptr<const model::FlowFrame>& frame) { showTrace(frame); });

    connect(m_data, &QComboBox::currentIndexChanged, this, [this] { retrace(); });
    connect(m_samples, &QSpinBox::valueChanged, this, [this] { retrace(); });
    connect(m_seed, &QSpinBox::valueChanged, this, [this] { retrace(); });
    connect(m_scale, &QDoubleSpinBox::valueChanged, this, [this] { retrace(); });
    connect(doc, &model::Document::networkChanged, this, [this] { networkShapeMaybeChanged(); });
    connect(doc, &model::Document::dataChanged, this, [this] { retrace(); });
    connect(doc, &model::Document::trainingSettingsChanged, this, [this] { retrace(); });
    networkShapeMaybeChanged();
}

void FlowPanel::networkShapeMaybeChanged() {
    const Network& net = m_doc->network();
    if (net.inputs != m_inputs) {
        // A new input width: the seed's N for it, and the data set when it fits.
        m_inputs = net.inputs;
        const QSignalBlocker blockN(m_samples);
        const QSignalBlocker blockData(m_data);
        m_samples->setValue(figures::defaultFlowSamples(net));
        m_data->setCurrentIndex(figures::flowUsesData(net, m_doc->data().get()) ? kDataSet
                                                                                : kNormal);
    }
    const int modules = static_cast<int>(splitModules(net).size());
    if (module() >= modules) setModule(std::max(0, modules - 1));
    retrace();
}

int FlowPanel::module() const {
    return m_view->options().flowModule;
}

void FlowPanel::setModule(int module) {
    if (module == this->module()) return;
    figures::FigureOptions opt = m_view->options();
    opt.flowModule = module;
    opt.flowTensorFirst = 0;  // another module's tensors from its input
    m_view->setOptions(opt);
    emit moduleChanged(module);
}

void FlowPanel::showTensors(int first) {
    figures::FigureOptions opt = m_view->options();
    opt.flowTensorFirst = std::max(0, first);
    m_view->setOptions(opt);
}

figures::FlowLayout FlowPanel::flowLayout() const {
    return figures::layoutFlow(m_doc->network(), QRectF(m_view->rect()), m_view->options());
}

figures::FlowSource FlowPanel::source() const {
    figures::FlowSource s;
    if (m_data->currentIndex() == kDataSet) s.data = m_doc->data();
    s.samples = m_samples->value();
    s.seed = static_cast<std::uint64_t>(m_seed->value());
    s.loss = m_doc->trainingSettings().loss;
    s.lossScale = static_cast<float>(m_scale->value());
    return s;
}

std::shared_ptr<const ModuleTrace> FlowPanel::trace() const {
    return m_view->options().trace;
}

QString FlowPanel::status() const {
    return m_status->text();
}

void FlowPanel::retrace() {
    const Network& net = m_doc->network();
    const bool usesData = figures::flowUsesData(net, source().data.get());
    m_samples->setEnabled(!usesData);
    m_seed->setEnabled(!usesData);
    m_stale = true;
    if (isVisible() || m_watchers > 0) requestTrace();
}

void FlowPanel::setWatched(bool on) {
    m_watchers = std::max(0, m_watchers + (on ? 1 : -1));
    if (on && m_stale) requestTrace();
}

void FlowPanel::requestTrace() {
    const Network& net = m_doc->network();
    const figures::FlowSource s = source();
    const bool usesData = figures::flowUsesData(net, s.data.get());
    if (m_data->currentIndex() == kDataSet && !usesData) {
        m_requestedStatus = tr("no data set with %1 inputs: random normal inputs").arg(net.inputs);
    } else if (usesData && s.data->targets() == 0 && !s.data->hasLabels()) {
        m_requestedStatus = tr("no targets: loss = mean(Xout ** 2)");
    } else if (usesData) {
        m_requestedStatus = tr("loss: %1").arg(QString::fromUtf8(lossName(s.loss.loss).data()));
    } else {
        m_requestedStatus = tr("loss = mean(Xout ** 2)");
    }
    m_requestedSamples = s.samples;
    m_stale = false;
    ++m_traceRequests;
    m_requested = m_service->request(net, s);
}

void FlowPanel::showTrace(const std::shared_ptr<const model::FlowFrame>& frame) {
    // Frames arrive in order; one already shown (by waitForTrace) is skipped.
    if (!frame || frame->generation <= m_shown) return;
    m_shown = frame->generation;
    figures::FigureOptions opt = m_view->options();
    opt.flowSamples = m_requestedSamples;
    opt.trace = frame->trace;
    m_status->setText(frame->error.isEmpty() ? m_requestedStatus : frame->error);
    m_view->setOptions(opt);
    emit traceShown(frame->traceMs);
    emit traced();
}

bool FlowPanel::waitForTrace(int timeoutMs) {
    if (m_stale) requestTrace();
    if (!m_service->waitFor(m_requested, timeoutMs)) return false;
    showTrace(m_service->latest());
    return m_shown >= m_requested;
}

void FlowPanel::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (m_stale) requestTrace();
}

bool FlowPanel::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_view && event->type() == QEvent::MouseButtonPress) {
        const auto* mouse = static_cast<QMouseEvent*>(event);
        const auto layout =
            figures::layoutFlow(m_doc->network(), QRectF(m_view->rect()), m_view->options());
        const int hit = layout.hit(mouse->position());
        if (hit >= 0) {
            setModule(hit);
            return true;
        }
        // "◀" / "▶" under the tensors: the ones before or after, where the floor shows fewer.
        if (const int first = layout.tensors.pageHit(mouse->position()); first >= 0) {
            showTensors(first);
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

}  // namespace nnlens::widgets
