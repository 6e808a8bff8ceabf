// LayerEditor: a table row per layer with a node spin box and an activation combo box; every
// change goes through the document as one undo step.
#include "layer_editor.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

#include "core/grid.hpp"
#include "model/commands.hpp"

namespace nnlens::widgets {

namespace {

enum Column { kLayer, kNodes, kActivation, kParams, kColumns };

QString number(std::int64_t v) {
    return QLocale().toString(static_cast<qlonglong>(v));
}

}  // namespace

LayerEditor::LayerEditor(model::Document* doc, QWidget* parent) : QWidget(parent), m_doc(doc) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);

    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    m_summary->setObjectName(QStringLiteral("summary"));
    layout->addWidget(m_summary);

    m_table = new QTableWidget(0, kColumns, this);
    m_table->setHorizontalHeaderLabels({tr("Layer"), tr("Nodes"), tr("Activation"), tr("Params")});
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(kActivation, QHeaderView::Stretch);
    layout->addWidget(m_table, 1);

    auto* buttons = new QGridLayout;
    auto button = [this, buttons](const QString& text, const QString& tip, int row, int col) {
        auto* b = new QPushButton(text, this);
        b->setToolTip(tip);
        buttons->addWidget(b, row, col);
        return b;
    };
    m_add = button(tr("Add layer"), tr("Append a layer after the last one"), 0, 0);
    m_insert = button(tr("Insert before"), tr("Insert a layer before the selected one"), 0, 1);
    m_remove = button(tr("Remove layer"), tr("Remove the selected layer"), 1, 0);
    m_removeNode = button(tr("Remove node"), tr("Remove the selected node"), 1, 1);
    m_up = button(tr("Move up"), tr("Move the selected layer towards the input"), 2, 0);
    m_down = button(tr("Move down"), tr("Move the selected layer towards the output"), 2, 1);
    m_addNode = button(tr("Add node"), tr("Add a node to the selected layer"), 3, 0);
    m_add->setObjectName(QStringLiteral("addLayer"));
    m_insert->setObjectName(QStringLiteral("insertLayer"));
    m_remove->setObjectName(QStringLiteral("removeLayer"));
    m_up->setObjectName(QStringLiteral("moveUp"));
    m_down->setObjectName(QStringLiteral("moveDown"));
    m_addNode->setObjectName(QStringLiteral("addNode"));
    m_removeNode->setObjectName(QStringLiteral("removeNode"));
    layout->addLayout(buttons);

    connect(m_add, &QPushButton::clicked, this, [this] {
        const Network& net = m_doc->network();
        // A new hidden layer goes before a softmax output; otherwise it is appended.
        const int n = static_cast<int>(net.layers.size());
        const bool softmaxLast = n > 0 && net.layers.back().activation == Activation::Softmax;
        const int index = softmaxLast ? n - 1 : n;
        const int nodes =
            n > 0 ? net.layers[static_cast<std::size_t>(softmaxLast ? n - 1 : n - 1)].outputs() : 2;
        if (m_doc->insertLayer(index, softmaxLast ? 4 : nodes, Activation::Tanh)) {
            m_doc->setSelection({index, 0});
        }
    });
    connect(m_insert, &QPushButton::clicked, this, [this] {
        const int layer = std::max(0, currentLayer());
        if (m_doc->insertLayer(layer, 2, Activation::Tanh)) m_doc->setSelection({layer, 0});
    });
    connect(m_remove, &QPushButton::clicked, this, [this] { m_doc->removeLayer(currentLayer()); });
    connect(m_up, &QPushButton::clicked, this, [this] { moveCurrentLayer(-1); });
    connect(m_down, &QPushButton::clicked, this, [this] { moveCurrentLayer(1); });
    connect(m_addNode, &QPushButton::clicked, this, [this] {
        const int l = currentLayer();
        if (l < 0) return;
        const int n = m_doc->network().layers[static_cast<std::size_t>(l)].outputs();
        if (m_doc->setNodeCount(l, n + 1)) m_doc->setSelection({l, n});
    });
    connect(m_removeNode, &QPushButton::clicked, this, [this] {
        const model::NodeRef sel = m_doc->selection();
        if (sel.valid()) m_doc->removeNode(sel.layer, sel.node);
    });
    connect(m_table, &QTableWidget::currentCellChanged, this, [this](int row) {
        if (m_refreshing || row < 0) return;
        if (m_doc->selection().layer != row) m_doc->setSelection({row, 0});
    });

    auto* view = new QGroupBox(tr("Maps"), this);
    auto* form = new QFormLayout(view);
    m_range = new QDoubleSpinBox(view);
    m_range->setRange(0.01, 1000.0);
    m_range->setDecimals(2);
    m_range->setKeyboardTracking(false);
    m_range->setToolTip(tr("Maps cover [-range, range] in x1 and x2 (the notebook's x_range)"));
    m_grid = new QSpinBox(view);
    m_grid->setRange(kMinGrid, kMaxGrid);
    m_grid->setKeyboardTracking(false);
    m_grid->setToolTip(tr("Points per side of every map (the notebook's n_grid)"));
    m_bins = new QSpinBox(view);
    m_bins->setRange(1, kMaxBins);
    m_bins->setKeyboardTracking(false);
    m_bins->setToolTip(tr("Histogram bins on the maps after the first layer (n_bins)"));
    m_fixed = new QCheckBox(tr("Fixed colour limit"), view);
    m_vlim = new QDoubleSpinBox(view);
    m_vlim->setRange(0.001, 1e6);
    m_vlim->setDecimals(3);
    m_vlim->setValue(1.0);
    m_vlim->setEnabled(false);
    m_vlim->setKeyboardTracking(false);
    m_range->setObjectName(QStringLiteral("viewRange"));
    m_grid->setObjectName(QStringLiteral("viewGrid"));
    m_bins->setObjectName(QStringLiteral("viewBins"));
    m_fixed->setObjectName(QStringLiteral("fixedLimit"));
    m_vlim->setObjectName(QStringLiteral("colourLimit"));
    form->addRow(tr("Input range ±"), m_range);
    form->addRow(tr("Grid points"), m_grid);
    form->addRow(tr("Histogram bins"), m_bins);
    form->addRow(m_fixed, m_vlim);
    layout->addWidget(view);

    auto viewEdited = [this] {
        if (m_refreshing) return;
        GridConfig v = m_doc->network().view;
        v.range = m_range->value();
        v.n = m_grid->value();
        v.bins = m_bins->value();
        if (!m_doc->setView(v)) refreshView();  // refused (the message is shown): back to it
    };
    connect(m_range, &QDoubleSpinBox::valueChanged, this, viewEdited);
    connect(m_grid, &QSpinBox::valueChanged, this, viewEdited);
    connect(m_bins, &QSpinBox::valueChanged, this, viewEdited);
    connect(m_fixed, &QCheckBox::toggled, this, [this](bool on) {
        m_vlim->setEnabled(on);
        emit colourLimitChanged();
    });
    connect(m_vlim, &QDoubleSpinBox::valueChanged, this, [this] {
        if (m_fixed->isChecked()) emit colourLimitChanged();
    });

    connect(doc, &model::Document::networkChanged, this, [this](model::EditHint hint) {
        // A weight or bias changes nothing in the table: skip the work while a slider moves or
        // training shows its parameters (a frame each).
        if (!hint.training && (hint.shape || hint.node < 0)) refresh();
    });
    connect(doc, &model::Document::filePathChanged, this, [this] { refresh(); });
    connect(doc, &model::Document::selectionChanged, this, [this](model::NodeRef sel) {
        QSignalBlocker block(m_table);
        if (sel.layer >= 0 && sel.layer < m_table->rowCount()) m_table->selectRow(sel.layer);
        const Network& net = m_doc->network();
        m_removeNode->setEnabled(sel.valid() && sel.layer < static_cast<int>(net.layers.size()) &&
                                 net.layers[static_cast<std::size_t>(sel.layer)].outputs() > 1);
    });
    refresh();
}

void LayerEditor::resetColourLimit() {
    QSignalBlocker block(m_fixed);
    m_fixed->setChecked(false);
    m_vlim->setEnabled(false);
}

bool LayerEditor::eventFilter(QObject* watched, QEvent* event) {
    // A wheel turned over the table scrolls it; it must not change a node count or an activation
    // (each notch would be an edit with new random weights) unless that box was clicked first.
    if (event->type() == QEvent::Wheel) {
        if (auto* w = qobject_cast<QWidget*>(watched); w && !w->hasFocus()) {
            event->ignore();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

std::optional<float> LayerEditor::fixedColourLimit() const {
    if (!m_fixed->isChecked()) return std::nullopt;
    return static_cast<float>(m_vlim->value());
}

void LayerEditor::setDataColourLimit(float vlim) {
    if (m_fixed->isChecked()) return;
    QSignalBlocker block(m_vlim);
    m_vlim->setValue(vlim);
}

int LayerEditor::currentLayer() const {
    const int row = m_table->currentRow();
    if (row >= 0) return row;
    return m_doc->selection().layer;
}

void LayerEditor::refresh() {
    m_refreshing = true;
    const Network& net = m_doc->network();
    const int layers = static_cast<int>(net.layers.size());
    m_table->setRowCount(layers);
    for (int l = 0; l < layers; ++l) {
        const Layer& layer = net.layers[static_cast<std::size_t>(l)];
        auto* name = new QTableWidgetItem(QString::number(l + 1));
        name->setToolTip(tr("Layer %1: %2 inputs").arg(l + 1).arg(layer.inputs()));
        m_table->setItem(l, kLayer, name);

        auto* nodes = qobject_cast<QSpinBox*>(m_table->cellWidget(l, kNodes));
        if (!nodes) {
            nodes = new QSpinBox(m_table);
            nodes->setRange(1, kMaxNodes);
            nodes->setKeyboardTracking(false);
            nodes->setObjectName(QStringLiteral("nodes-%1").arg(l + 1));
            nodes->setAccessibleName(tr("Nodes in layer %1").arg(l + 1));
            nodes->setFocusPolicy(Qt::StrongFocus);
            nodes->installEventFilter(this);
            m_table->setCellWidget(l, kNodes, nodes);
            // Cell widgets stay on their row (rows are only added or cut at the end), so the row
            // is the layer.
            connect(nodes, &QSpinBox::valueChanged, this, [this, l](int value) {
                if (!m_refreshing && !m_doc->setNodeCount(l, value)) refresh();
            });
        }
        {
            QSignalBlocker block(nodes);
            nodes->setValue(layer.outputs());
        }

        auto* act = qobject_cast<QComboBox*>(m_table->cellWidget(l, kActivation));
        if (!act) {
            act = new QComboBox(m_table);
            for (int a = 0; a < kActivationCount; ++a) {
                act->addItem(QString::fromUtf8(activationName(static_cast<Activation>(a)).data()),
                             a);
            }
            act->setObjectName(QStringLiteral("activation-%1").arg(l + 1));
            act->setAccessibleName(tr("Activation of layer %1").arg(l + 1));
            act->setFocusPolicy(Qt::StrongFocus);
            act->installEventFilter(this);
            m_table->setCellWidget(l, kActivation, act);
            connect(act, &QComboBox::activated, this, [this, act, l](int index) {
                const auto a = static_cast<Activation>(act->itemData(index).toInt());
                if (!m_doc->setActivation(l, a)) refresh();
            });
        }
        {
            QSignalBlocker block(act);
            act->setCurrentIndex(act->findData(static_cast<int>(layer.activation)));
        }
        m_table->setItem(l, kParams, new QTableWidgetItem(number(layer.parameterCount())));
        m_table->item(l, kParams)->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    }
    const model::NodeRef sel = m_doc->selection();
    if (sel.layer >= 0 && sel.layer < layers) m_table->selectRow(sel.layer);

    QStringList shape{QString::number(net.inputs)};
    for (const Layer& layer : net.layers)
        shape << QString::number(layer.outputs());
    m_summary->setText(tr("<b>%1</b><br>%2 · %3 parameters")
                           .arg(m_doc->displayName().toHtmlEscaped(), shape.join(QChar(0x2013)),
                                number(net.parameterCount())));
    m_remove->setEnabled(layers > 1);
    m_removeNode->setEnabled(sel.valid() && sel.layer < layers &&
                             net.layers[static_cast<std::size_t>(sel.layer)].outputs() > 1);
    refreshView();
    m_refreshing = false;
}

void LayerEditor::refreshView() {
    const GridConfig& v = m_doc->network().view;
    QSignalBlocker b1(m_range), b2(m_grid), b3(m_bins);
    m_range->setValue(v.range);
    m_grid->setValue(v.n);
    m_bins->setValue(v.bins);
    const bool maps = m_doc->network().inputs == 2;
    m_range->setEnabled(maps);
    m_grid->setEnabled(maps);
    m_bins->setEnabled(maps);
}

void LayerEditor::moveCurrentLayer(int delta) {
    const int from = currentLayer();
    const int to = from + delta;
    if (from < 0 || to < 0 || to >= static_cast<int>(m_doc->network().layers.size())) return;
    // Layers of other widths reshape the weights: say so before, and after in the status bar.
    const QStringList changes = model::describeLayerMove(m_doc->network(), from, to);
    if (!changes.isEmpty()) {
        const bool go = m_confirmMove
                            ? m_confirmMove(changes)
                            : QMessageBox::question(
                                  this, tr("Move layer"),
                                  tr("Moving layer %1 to position %2 reshapes weights:\n\n%3\n\n"
                                     "Undo brings them back.")
                                      .arg(from + 1)
                                      .arg(to + 1)
                                      .arg(changes.join(QLatin1Char('\n')))) == QMessageBox::Yes;
        if (!go) return;
    }
    if (!m_doc->moveLayer(from, to)) return;
    m_doc->setSelection({to, 0});
    emit message(
        changes.isEmpty()
            ? tr("Moved layer %1 to position %2; every weight kept.").arg(from + 1).arg(to + 1)
            : tr("Moved layer %1 to position %2. ").arg(from + 1).arg(to + 1) +
                  changes.join(QLatin1Char(' ')));
}

void LayerEditor::setHideAnswers(bool hide) {
    m_table->setColumnHidden(kActivation, hide);
    m_table->setToolTip(hide ? tr("The activations are hidden for the exercise: View > Show "
                                  "Answers shows them")
                             : QString());
}

}  // namespace nnlens::widgets
