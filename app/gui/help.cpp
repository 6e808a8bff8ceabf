// Help > Contents (F1): what each view shows in the notebook's terms, and the shortcuts, listed
// from the window's own actions so the list never goes stale.
#include <QAction>
#include <QDialog>
#include <QDialogButtonBox>
#include <QMenu>
#include <QMenuBar>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <functional>
#include <vector>

#include "main_window.hpp"

namespace nnlens::gui {

namespace {

// "Save &As…" -> "Save As".
QString plainText(QString text) {
    text.remove(QChar(0x2026));
    if (text.endsWith(QStringLiteral("..."))) text.chop(3);
    for (qsizetype i = text.indexOf(QLatin1Char('&')); i >= 0;
         i = text.indexOf(QLatin1Char('&'), i + 1)) {
        text.remove(i, 1);  // "&&" keeps one ampersand
    }
    return text.trimmed();
}

// The menu an action sits in ("File"), or empty.
QString menuOf(const QAction* action) {
    for (QObject* o : action->associatedObjects()) {
        if (const auto* menu = qobject_cast<const QMenu*>(o)) return plainText(menu->title());
    }
    return {};
}

const char* kViews = R"(
<h2>What the views show</h2>
<p>The notebook's convention throughout: an input sample is a row x = (x1, x2); a layer has
weights W (n_in, n_out) and biases b; its pre-activation is <b>s = x W + b</b> and its output
<b>out = &phi;(s)</b>, where &phi; is the layer's activation.</p>
<h3>Network tab</h3>
<p>The notebook's <b>nn_graph_draw2d</b>: one column per layer, one square map per node. Each
map shows that node's output out over the input plane x1, x2 in [&minus;range, range]: red
positive, blue negative, white zero; all maps share the colour bar's limit. Below the maps, the
network diagram: edge thickness is |w|, red w &gt; 0, blue w &lt; 0. Click a map or a node to
select it; the arrow keys move between nodes.</p>
<p>On a first-layer map the <b>arrow</b> is the weight vector w = (w0, w1), drawn from
&minus;b w / |w|&sup2;; the dashed <b>decision line</b> is s = 0 (w &middot; x + b = 0). The
arrow points towards growing s; b moves the line along it.</p>
<p>On a deeper map the white <b>histogram</b> is the distribution of s over the grid, the
dashed curve is &phi; over that range and the white line marks s = 0: where most of s falls on
&phi; tells whether the node works in its linear part or saturates.</p>
<h3>Inspector</h3>
<p>The selected node alone, with its formula out = &phi;(w &middot; x + b) and a slider for each
weight and the bias (a drag is one undo step; + and &minus; nudge).</p>
<h3>Layers</h3>
<p>The network layer by layer: nodes, activation, add, insert, remove and reorder layers, and
the maps' range, grid and colour limit.</p>
<h3>Activations</h3>
<p>The notebook's plot_activations: each activation &phi;(s) over s, the ones unbounded
above in one panel and the saturating ones in the other.</p>
<h3>Softmax</h3>
<p>The notebook's softmax: p_j = exp(X_out^j) / &Sigma;_k exp(X_out^k) turns the C output
values into category probabilities; as in plot_softmax, each panel shows one p_j over a grid of
outputs (a winner-takes-all policy, the sigmoid's generalisation).</p>
<h3>Losses</h3>
<p>The notebook's losses as functions of the output: the L2 loss (torch.nn.MSELoss), the binary
cross-entropy BCE (torch.nn.BCELoss) and the categorical cross-entropy, with their
gradients.</p>
<h3>Data flow</h3>
<p>The notebook's trace(): each module's input and output sizes on the forward pass (X,
S = X W + b, Out = &phi;(S)) and the gradients on the backward pass.</p>
<h3>Statistics</h3>
<p>The notebook's statistical perspective of the same trace: histograms of the input, of each
Linear module's W and b (PyTorch's bound &plusmn;n_in<sup>&minus;1/2</sup> dashed) and of every
module's output; each activation's input against its output; a Linear module's W against dW,
which grows with the loss scale (the notebook's <b>100 *</b> example). Right-click a plot to
export it alone.</p>
<h3>Quiz</h3>
<p>The notebook's exercise: which activation made each map? Six maps of one unit with the same
w and b (the selected first-layer node's), names hidden in a random order; Reveal shows them,
Shuffle asks again. View &gt; Weight Arrows hides the arrows for the arrow exercise: how does
the arrow relate to w0, w1 and b?</p>
<h3>Lessons and the caption</h3>
<p>Above the tabs, the caption shows the network's description or the lesson step's words
(View &gt; Caption hides it). Lesson &gt; a lesson walks through steps like slides: Page Down and
Page Up; edits stay with their step, Reset Step brings the lesson's network back (Undo returns
the edits). A lesson is a small JSON file (*.nnlens-lesson.json; see the README).</p>
<h3>Training and the lr scan</h3>
<p>The Data and Training docks: a data set, an optimiser and Play, Step and Epoch; the loss
plot with its timeline and, for regression, the fit. Training &gt; Learning-rate scan is the
notebook's <b>lr_scan</b>: the loss against a rising learning rate, to pick one just below
where the loss falls fastest.</p>
<h3>Map layout and themes</h3>
<p>View &gt; Map Layout: the notebook's one column per layer (the default, and what exports draw
unless chosen), Fill the Area (each layer a grid, larger maps for deep networks) or Focus on the
Selected Layer. View &gt; Theme: Light, Dark or High contrast; the maps keep their colours and
exports stay light.</p>
<h3>Presentation mode</h3>
<p>F11: full screen with text and figures large enough for the back row; Esc or F11 restores
the window as it was.</p>
)";

}  // namespace

QStringList MainWindow::shortcutList() const {
    QStringList lines;
    QStringList seen;
    // Menu order: the menu bar's menus first, then actions outside menus.
    std::vector<QAction*> actions;
    const std::function<void(const QList<QAction*>&)> walk = [&](const QList<QAction*>& list) {
        for (QAction* a : list) {
            actions.push_back(a);
            if (a->menu()) walk(a->menu()->actions());
        }
    };
    walk(menuBar()->actions());
    for (QAction* a : findChildren<QAction*>())
        actions.push_back(a);
    for (const QAction* a : actions) {
        if (a->shortcut().isEmpty()) continue;
        const QString keys = a->shortcut().toString(QKeySequence::NativeText);
        const QString text = plainText(a->text());
        const QString line = text + QLatin1Char('\t') + keys;
        if (seen.contains(line)) continue;
        seen.push_back(line);
        const QString menu = menuOf(a);
        lines.push_back(menu.isEmpty() ? line : menu + QStringLiteral(" > ") + line);
    }
    return lines;
}

void MainWindow::showHelp() {
    if (!m_help) {
        auto* dialog = new QDialog(this);
        dialog->setObjectName(QStringLiteral("helpWindow"));
        dialog->setWindowTitle(tr("nnlens Help"));
        auto* layout = new QVBoxLayout(dialog);
        auto* text = new QTextBrowser(dialog);
        text->setObjectName(QStringLiteral("helpText"));
        layout->addWidget(text);
        auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
        connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::close);
        layout->addWidget(buttons);
        dialog->resize(720, 640);
        m_help = dialog;
    }
    // Rebuilt on each opening: the shortcuts as the actions have them now.
    QString keys = QStringLiteral("<h2>Shortcuts</h2><table cellspacing=\"2\" cellpadding=\"3\">");
    for (const QString& line : shortcutList()) {
        const QString name = line.section(QLatin1Char('\t'), 0, 0);
        const QString key = line.section(QLatin1Char('\t'), 1);
        keys += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>")
                    .arg(key.toHtmlEscaped(), name.toHtmlEscaped());
    }
    const QStringList other{tr("Esc\tLeave presentation mode"),
                            tr("Arrow keys\tMove between nodes (a figure has the focus)"),
                            tr("+ / -\tNudge the focused weight or bias")};
    for (const QString& line : other) {
        keys += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>")
                    .arg(line.section(QLatin1Char('\t'), 0, 0).toHtmlEscaped(),
                         line.section(QLatin1Char('\t'), 1).toHtmlEscaped());
    }
    keys += QStringLiteral("</table>");
    auto* text = m_help->findChild<QTextBrowser*>(QStringLiteral("helpText"));
    text->setHtml(QString::fromUtf8(kViews) + keys);
    m_help->show();
    m_help->raise();
    m_help->activateWindow();
}

}  // namespace nnlens::gui
