// StatsPanel: the stats figure of the Data flow tab's trace, redrawn whenever that trace is new
// (the network, the data, the training loss or a control changed).
#include "stats_panel.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QContextMenuEvent>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QMouseEvent>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>

#include "core/limits.hpp"
#include "core/trace.hpp"
#include "export_dialog.hpp"
#include "figure_view.hpp"
#include "figures/stats_figure.hpp"
#include "flow_panel.hpp"

namespace nnlens::widgets {

namespace {

// `mine` shows `theirs` and edits it: each follows the other (the Data flow tab's controls).
void mirror(QSpinBox* mine, QSpinBox* theirs) {
    mine->setRange(theirs->minimum(), theirs->maximum());
    mine->setValue(theirs->value());
    QObject::connect(mine, &QSpinBox::valueChanged, theirs, &QSpinBox::setValue);
    QObject::connect(theirs, &QSpinBox::valueChanged, mine, [mine](int v) {
        const QSignalBlocker block(mine);
        mine->setValue(v);
    });
}

void mirror(QDoubleSpinBox* mine, QDoubleSpinBox* theirs) {
    mine->setDecimals(theirs->decimals());
    mine->setRange(theirs->minimum(), theirs->maximum());
    mine->setValue(theirs->value());
    mine->setToolTip(theirs->toolTip());
    QObject::connect(mine, &QDoubleSpinBox::valueChanged, theirs, &QDoubleSpinBox::setValue);
    QObject::connect(theirs, &QDoubleSpinBox::valueChanged, mine, [mine](double v) {
        const QSignalBlocker block(mine);
        mine->setValue(v);
    });
}

void mirror(QComboBox* mine, QComboBox* theirs) {
    for (int i = 0; i < theirs->count(); ++i)
        mine->addItem(theirs->itemText(i), theirs->itemData(i));
    mine->setCurrentIndex(theirs->currentIndex());
    mine->setToolTip(theirs->toolTip());
    QObject::connect(mine, &QComboBox::currentIndexChanged, theirs, &QComboBox::setCurrentIndex);
    QObject::connect(theirs, &QComboBox::currentIndexChanged, mine, [mine](int i) {
        const QSignalBlocker block(mine);
        mine->setCurrentIndex(i);
    });
}

}  // namespace

StatsPanel::StatsPanel(model::Document* doc, FlowPanel* flow, QWidget* parent)
    : QWidget(parent), m_doc(doc), m_flow(flow) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_view = new FigureView(figures::FigureKind::Stats, doc, this);
    m_view->setObjectName(QStringLiteral("statsView"));
    m_view->setToolTip(tr("Right-click a plot to export it alone"));
    m_view->installEventFilter(this);
    layout->addWidget(m_view, 1);

    auto* row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Bins:"), this));
    m_bins = new QSpinBox(this);
    m_bins->setObjectName(QStringLiteral("statsBins"));
    m_bins->setAccessibleName(tr("Histogram bins"));
    m_bins->setRange(1, 200);
    m_bins->setValue(m_view->options().statsBins);
    m_bins->setToolTip(tr("The histograms' bins (the notebook's plt.hist(..., bins=50))"));
    row->addWidget(m_bins);
    row->addWidget(new QLabel(tr("W vs dW of:"), this));
    m_module = new QComboBox(this);
    m_module->setObjectName(QStringLiteral("statsModule"));
    m_module->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_module->setToolTip(
        tr("The Linear module whose weights are plotted against their gradients "
           "(the notebook's learning-rate insight)"));
    row->addWidget(m_module);
    // The Data flow tab's trace settings, shared: the loss scale beside the plots it moves, the
    // data on a second row (one row would make the window wider than a laptop's screen).
    auto* row2 = new QHBoxLayout;
    row2->addWidget(new QLabel(tr("Data:"), this));
    m_data = new QComboBox(this);
    m_data->setObjectName(QStringLiteral("statsData"));
    mirror(m_data, flow->dataChoice());
    row2->addWidget(m_data);
    row2->addWidget(new QLabel(tr("N:"), this));
    m_samples = new QSpinBox(this);
    m_samples->setObjectName(QStringLiteral("statsSamples"));
    m_samples->setAccessibleName(tr("Samples N"));
    mirror(m_samples, flow->samples());
    row2->addWidget(m_samples);
    row2->addWidget(new QLabel(tr("Seed:"), this));
    m_seed = new QSpinBox(this);
    m_seed->setObjectName(QStringLiteral("statsSeed"));
    m_seed->setAccessibleName(tr("Sample seed"));
    mirror(m_seed, flow->seed());
    row2->addWidget(m_seed);
    row->addWidget(new QLabel(tr("Loss scale:"), this));
    m_scale = new QDoubleSpinBox(this);
    m_scale->setObjectName(QStringLiteral("statsLossScale"));
    m_scale->setAccessibleName(tr("Loss scale"));
    mirror(m_scale, flow->lossScale());
    row->addWidget(m_scale);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("statsStatus"));
    // The controls keep their width; the status takes what is left (its tooltip says it all).
    m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    row2->addWidget(m_status, 1);
    row->addStretch(1);
    layout->addLayout(row);
    layout->addLayout(row2);

    connect(m_bins, &QSpinBox::valueChanged, this, [this](int bins) {
        figures::FigureOptions opt = m_view->options();
        opt.statsBins = bins;
        m_view->setOptions(opt);
    });
    connect(m_module, &QComboBox::currentIndexChanged, this, [this] {
        if (m_module->currentIndex() < 0) return;
        figures::FigureOptions opt = m_view->options();
        opt.statsModule = m_module->currentData().toInt();
        m_view->setOptions(opt);
    });
    connect(flow, &FlowPanel::traced, this, [this] { followTrace(); });
    followTrace();
}

QString StatsPanel::status() const {
    return m_status->text();
}

int StatsPanel::module() const {
    return figures::statsModule(m_doc->network(), m_view->options());
}

void StatsPanel::setModule(int module) {
    const int index = m_module->findData(module);
    if (index >= 0) m_module->setCurrentIndex(index);
}

void StatsPanel::refillModules() {
    const Network& net = m_doc->network();
    QStringList names;
    QList<int> modules;
    const int count = static_cast<int>(splitModules(net).size());
    for (int m = 0; m < count; ++m) {
        if (!figures::isLinearModule(net, m)) continue;
        modules << m;
        names << QStringLiteral("(%1) %2").arg(m).arg(
            figures::moduleTitle(net, m).replace(QLatin1Char('\n'), QString()));
    }
    bool same = names.size() == m_module->count();
    for (int i = 0; same && i < names.size(); ++i)
        same = m_module->itemText(i) == names[i];
    if (same) return;  // a slider step: the modules are those already listed
    const int shown = figures::statsModule(net, m_view->options());
    const QSignalBlocker block(m_module);
    m_module->clear();
    for (int i = 0; i < names.size(); ++i)
        m_module->addItem(names[i], modules[i]);
    m_module->setCurrentIndex(std::max(0, m_module->findData(shown)));
    figures::FigureOptions opt = m_view->options();
    opt.statsModule = m_module->currentIndex() >= 0 ? m_module->currentData().toInt() : -1;
    m_view->setOptions(opt);
}

void StatsPanel::followTrace() {
    // The flow sets N and the data choice for a new network with its signals blocked.
    {
        const QSignalBlocker b1(m_data), b2(m_samples), b3(m_seed), b4(m_scale);
        m_data->setCurrentIndex(m_flow->dataChoice()->currentIndex());
        m_samples->setValue(m_flow->samples()->value());
        m_seed->setValue(m_flow->seed()->value());
        m_scale->setValue(m_flow->lossScale()->value());
    }
    refillModules();
    figures::FigureOptions opt = m_view->options();
    opt.trace = m_flow->trace();
    opt.flowSamples = m_flow->samples()->value();
    m_view->setOptions(opt);
    m_samples->setEnabled(m_flow->samples()->isEnabled());
    m_seed->setEnabled(m_flow->seed()->isEnabled());
    m_status->setText(m_flow->status());
    m_status->setToolTip(m_flow->status());
}

void StatsPanel::showPlots(int first) {
    figures::FigureOptions opt = m_view->options();
    opt.statsFirst = std::max(0, first);
    m_view->setOptions(opt);
}

figures::StatsLayout StatsPanel::statsLayout() const {
    return figures::layoutStats(m_view->shownNetwork(), QRectF(m_view->rect()), m_view->options());
}

int StatsPanel::plotAt(QPointF pos) const {
    return figures::layoutStats(m_view->shownNetwork(), QRectF(m_view->rect()), m_view->options())
        .hit(pos);
}

QImage StatsPanel::plotImage(int plot, QSize size, const figures::FigureStyle& style) const {
    figures::FigureOptions opt = m_view->options();
    opt.style = style;
    return figures::renderStatsPlot(m_view->shownNetwork(), opt, plot, size);
}

bool StatsPanel::exportPlot(int plot, QSize size, const figures::FigureStyle& style,
                            const QString& path, QString* error) const {
    QImage image;
    try {
        image = plotImage(plot, size, style);
    } catch (const std::exception& e) {
        if (error) *error = QString::fromUtf8(e.what());
        return false;
    }
    return savePng(image, path, error);
}

void StatsPanel::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    m_flow->setWatched(true);
}

void StatsPanel::hideEvent(QHideEvent* event) {
    QWidget::hideEvent(event);
    m_flow->setWatched(false);
}

bool StatsPanel::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_view && event->type() == QEvent::MouseButtonPress) {
        // "◀" / "▶" in the title row: the page before or after, where the floor shows fewer.
        const auto* press = static_cast<QMouseEvent*>(event);
        const int first =
            figures::layoutStats(m_view->shownNetwork(), QRectF(m_view->rect()), m_view->options())
                .pageHit(press->position());
        if (press->button() == Qt::LeftButton && first >= 0) {
            showPlots(first);
            return true;
        }
    }
    if (watched == m_view && event->type() == QEvent::ToolTip) {
        // A plot's title whole (at the text floor a narrow cell elides it).
        const auto* help = static_cast<QHelpEvent*>(event);
        const int plot = plotAt(QPointF(help->pos()));
        const auto plots =
            figures::statsPlots(m_view->shownNetwork(),
                                figures::statsModule(m_view->shownNetwork(), m_view->options()));
        if (plot >= 0 && plot < static_cast<int>(plots.size())) {
            QToolTip::showText(
                help->globalPos(),
                tr("%1 (right-click to export it alone)")
                    .arg(figures::statsPlotTitle(m_view->shownNetwork(),
                                                 plots[static_cast<std::size_t>(plot)])),
                m_view);
            return true;
        }
    }
    if (watched == m_view && event->type() == QEvent::ContextMenu) {
        const auto* menu = static_cast<QContextMenuEvent*>(event);
        const int plot = plotAt(QPointF(menu->pos()));
        if (plot >= 0) {
            showPlotMenu(menu->globalPos(), plot);
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void StatsPanel::showPlotMenu(QPoint globalPos, int plot) {
    const auto plots = figures::statsPlots(
        m_doc->network(), figures::statsModule(m_doc->network(), m_view->options()));
    if (plot < 0 || plot >= static_cast<int>(plots.size())) return;
    const QString title =
        figures::statsPlotTitle(m_doc->network(), plots[static_cast<std::size_t>(plot)]);
    QMenu menu(this);
    menu.addAction(tr("Export \u201c%1\u201d as PNG\u2026").arg(title),
                   [this, plot] { plotExportDialog(plot); });
    menu.exec(globalPos);
}

void StatsPanel::plotExportDialog(int plot) {
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Export plot"));
    auto* form = new QFormLayout(&dialog);
    auto* size = new FigureSizeEditor(form, &dialog);
    size->setSize(figures::defaultStatsPlotSize({}));
    auto* transparent = new QCheckBox(tr("Transparent background"), &dialog);
    form->addRow(QString(), transparent);
    auto* status = new QLabel(&dialog);
    form->addRow(status);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Close, &dialog);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, [&] {
        const QString path = QFileDialog::getSaveFileName(
            &dialog, tr("Export plot as PNG"), QStringLiteral("stats-plot-%1.png").arg(plot),
            tr("PNG images (*.png)"));
        if (path.isEmpty()) return;
        figures::FigureStyle style;
        style.dpi = size->dpi();
        style.transparent = transparent->isChecked();
        QString error;
        if (exportPlot(plot, size->size(), style, path, &error)) {
            dialog.accept();
        } else {
            status->setText(error);
        }
    });
    dialog.exec();
}

}  // namespace nnlens::widgets
