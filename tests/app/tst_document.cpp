// Document: edits and their undo (bit for bit), drag merging, refused edits, shape rules, files
// (malformed, round trip, unwritable), signals, selection and the presets.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <bit>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

#include "core/lesson.hpp"
#include "core/network.hpp"
#include "core/network_io.hpp"
#include "model/document.hpp"

using namespace nnlens;
using namespace nnlens::model;

namespace {

QString presetPath(const char* name) {
    return QStringLiteral(NNLENS_SOURCE_DIR "/resources/presets/") + QLatin1String(name);
}

bool sameBits(float a, float b) {
    return std::bit_cast<std::uint32_t>(a) == std::bit_cast<std::uint32_t>(b);
}

// Empty when `a` and `b` are the same network (every float bit for bit), else the first difference.
QString networkDifference(const Network& a, const Network& b) {
    if (a.name != b.name) return QStringLiteral("names differ");
    if (a.inputs != b.inputs) return QStringLiteral("inputs differ");
    if (a.view.n != b.view.n || a.view.range != b.view.range || a.view.bins != b.view.bins)
        return QStringLiteral("views differ");
    if (a.layers.size() != b.layers.size())
        return QStringLiteral("%1 vs %2 layers").arg(a.layers.size()).arg(b.layers.size());
    for (std::size_t l = 0; l < a.layers.size(); ++l) {
        const Layer& x = a.layers[l];
        const Layer& y = b.layers[l];
        if (x.activation != y.activation) return QStringLiteral("layer %1: activation").arg(l);
        if (x.W.rows() != y.W.rows() || x.W.cols() != y.W.cols() || x.b.size() != y.b.size())
            return QStringLiteral("layer %1: shape").arg(l);
        for (Eigen::Index r = 0; r < x.W.rows(); ++r) {
            for (Eigen::Index c = 0; c < x.W.cols(); ++c) {
                if (!sameBits(x.W(r, c), y.W(r, c)))
                    return QStringLiteral("layer %1: W(%2, %3): %4 vs %5")
                        .arg(l)
                        .arg(r)
                        .arg(c)
                        .arg(x.W(r, c))
                        .arg(y.W(r, c));
            }
        }
        for (Eigen::Index j = 0; j < x.b.size(); ++j) {
            if (!sameBits(x.b(j), y.b(j))) return QStringLiteral("layer %1: b(%2)").arg(l).arg(j);
        }
    }
    return {};
}

#define COMPARE_NETWORKS(a, b)                                      \
    do {                                                            \
        const QString nnlensDiff_ = networkDifference((a), (b));    \
        if (!nnlensDiff_.isEmpty()) QFAIL(qPrintable(nnlensDiff_)); \
    } while (false)

// Every element of W's rows [r0, r1) and columns [c0, c1) lies in [-k, k], k = fanIn^-1/2.
bool withinInit(const Matrix& w, Eigen::Index r0, Eigen::Index r1, Eigen::Index c0, Eigen::Index c1,
                Eigen::Index fanIn) {
    const double k = 1.0 / std::sqrt(static_cast<double>(fanIn)) * (1.0 + 1e-6);
    for (Eigen::Index r = r0; r < r1; ++r) {
        for (Eigen::Index c = c0; c < c1; ++c) {
            if (!(std::fabs(w(r, c)) <= k)) return false;
        }
    }
    return true;
}

EditHint hintAt(const QSignalSpy& spy, int i) {
    return qvariant_cast<EditHint>(spy.at(i).at(0));
}

bool writeBytes(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) return false;
    return f.write(bytes) == bytes.size();
}

QByteArray readBytes(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// An edit of the spiral preset (2-8-8-8-1 tanh) and the hint it must report.
struct EditCase {
    const char* tag;
    std::function<bool(Document&)> edit;
    EditHint hint;
};

const std::vector<EditCase>& editCases() {
    static const std::vector<EditCase> cases = {
        {"weight layer 1 node 3 from x2",
         [](Document& d) {
             return d.setParameter({0, 2, 1}, 0.75f);
         },
         {0, 2, false}},
        {"weight layer 3 node 6 from node 8",
         [](Document& d) {
             return d.setParameter({2, 5, 7}, -1.25f);
         },
         {2, 5, false}},
        {"bias of the output",
         [](Document& d) {
             return d.setParameter({3, 0, -1}, -0.5f);
         },
         {3, 0, false}},
        {"activation layer 2 relu",
         [](Document& d) { return d.setActivation(1, Activation::Relu); },
         {1, -1, false}},
        {"activation last softmax",
         [](Document& d) { return d.setActivation(3, Activation::Softmax); },
         {3, -1, false}},
        {"insert layer first",
         [](Document& d) { return d.insertLayer(0, 3, Activation::Relu); },
         {0, -1, true}},
        {"insert layer middle",
         [](Document& d) { return d.insertLayer(2, 5, Activation::Sigmoid); },
         {0, -1, true}},
        {"append layer",
         [](Document& d) { return d.insertLayer(4, 2, Activation::Linear); },
         {0, -1, true}},
        {"remove first layer", [](Document& d) { return d.removeLayer(0); }, {0, -1, true}},
        {"remove middle layer", [](Document& d) { return d.removeLayer(2); }, {0, -1, true}},
        {"remove last layer", [](Document& d) { return d.removeLayer(3); }, {0, -1, true}},
        {"move first layer to third", [](Document& d) { return d.moveLayer(0, 2); }, {0, -1, true}},
        {"move last layer to front", [](Document& d) { return d.moveLayer(3, 0); }, {0, -1, true}},
        {"grow layer 2 to 12 nodes",
         [](Document& d) { return d.setNodeCount(1, 12); },
         {0, -1, true}},
        {"shrink layer 2 to 3 nodes",
         [](Document& d) { return d.setNodeCount(1, 3); },
         {0, -1, true}},
        {"grow output to 3 nodes", [](Document& d) { return d.setNodeCount(3, 3); }, {0, -1, true}},
        {"remove node 5 of layer 2", [](Document& d) { return d.removeNode(1, 4); }, {0, -1, true}},
        {"remove first node of layer 3",
         [](Document& d) { return d.removeNode(2, 0); },
         {0, -1, true}},
        {"view",
         [](Document& d) {
             return d.setView({101, 2.0, 10});
         },
         {0, -1, true}},
        {"rename",
         [](Document& d) { return d.setName(QStringLiteral("Renamed")); },
         {0, -1, false}},
        {"reinitialize", [](Document& d) { return d.reinitialize(); }, {0, -1, false}},
    };
    return cases;
}

}  // namespace

class TestDocument : public QObject {
    Q_OBJECT

  private slots:
    void initTestCase();

    void newDocument();
    void editAndUndo_data();
    void editAndUndo();
    void dragMerges();
    void sameValueIsNoStep();
    void refusedEdits_data();
    void refusedEdits();
    void tooManyLayers();

    void insertLayerShapes();
    void removeLayerShapes();
    void moveLayerShapes();
    void nodeCountShapes();
    void removeNodeShapes();
    void newParametersAreRedoneExactly();

    void openMalformed_data();
    void openMalformed();
    void saveReopen();
    void unknownKeysKept();
    void lessonDataFileFollowsSaveAs();
    void editedDataAreWrittenNextToTheNetwork();
    void theLessonsOwnCsvIsNeverOverwritten();
    void aFailedSaveWritesNeitherFile();
    void generatedDataKeepTheirRecipe();
    void clearedDataLeaveTheLesson();
    void unreadableDataFileIsKept();
    void saveUnwritable_data();
    void saveUnwritable();
    void saveWithoutPath();
    void modifiedSignals();
    void displayName();

    void selectionClamp_data();
    void selectionClamp();
    void moveSelection_data();
    void moveSelection();
    void selectionFollowsStructure();

    void presets_data();
    void presets();
};

void TestDocument::initTestCase() {
    qRegisterMetaType<EditHint>();
    qRegisterMetaType<NodeRef>();
}

void TestDocument::newDocument() {
    Document doc;
    doc.newNetwork();
    const Network& net = doc.network();
    QCOMPARE(net.inputs, 2);
    QCOMPARE(net.layers.size(), std::size_t{2});
    QCOMPARE(net.layers[0].outputs(), 2);
    QCOMPARE(net.layers[1].outputs(), 1);
    QCOMPARE(net.layers[0].activation, Activation::Tanh);
    QCOMPARE(net.layers[1].activation, Activation::Tanh);
    QCOMPARE(QString::fromStdString(net.name), QStringLiteral("Untitled"));
    QCOMPARE(net.view.n, GridConfig{}.n);
    QCOMPARE(net.view.range, GridConfig{}.range);
    QCOMPARE(net.view.bins, GridConfig{}.bins);
    QVERIFY(withinInit(net.layers[0].W, 0, 2, 0, 2, 2));
    QVERIFY(withinInit(net.layers[1].W, 0, 2, 0, 1, 2));
    QVERIFY(!doc.isModified());
    QCOMPARE(doc.undoStack()->count(), 0);
    QVERIFY(doc.filePath().isEmpty());
    QCOMPARE(doc.selection(), (NodeRef{0, 0}));

    // A second new network is drawn from a new seed.
    const Network first = net;
    doc.newNetwork();
    QVERIFY(!networkDifference(first, doc.network()).isEmpty());
}

void TestDocument::editAndUndo_data() {
    QTest::addColumn<int>("index");
    const auto& cases = editCases();
    for (std::size_t i = 0; i < cases.size(); ++i)
        QTest::newRow(cases[i].tag) << static_cast<int>(i);
}

void TestDocument::editAndUndo() {
    QFETCH(int, index);
    const EditCase& c = editCases()[static_cast<std::size_t>(index)];
    Document doc;
    QString error;
    QVERIFY2(doc.open(presetPath("spiral-2-8-8-8-1.nnlens.json"), &error), qPrintable(error));
    const Network before = doc.network();

    QSignalSpy changed(&doc, &Document::networkChanged);
    QSignalSpy refused(&doc, &Document::editRefused);
    QVERIFY(c.edit(doc));
    QCOMPARE(refused.count(), 0);
    QCOMPARE(doc.undoStack()->count(), 1);
    QVERIFY(doc.isModified());
    const Network after = doc.network();
    QVERIFY(!networkDifference(before, after).isEmpty());
    validate(after);  // throws (and fails the test) when the edit broke a rule
    QCOMPARE(changed.count(), 1);
    EditHint h = hintAt(changed, 0);
    QCOMPARE(h.layer, c.hint.layer);
    QCOMPARE(h.node, c.hint.node);
    QCOMPARE(h.shape, c.hint.shape);

    doc.undoStack()->undo();
    COMPARE_NETWORKS(doc.network(), before);
    QVERIFY(!doc.isModified());
    QCOMPARE(changed.count(), 2);
    h = hintAt(changed, 1);
    QCOMPARE(h.layer, c.hint.layer);
    QCOMPARE(h.node, c.hint.node);
    QCOMPARE(h.shape, c.hint.shape);

    doc.undoStack()->redo();
    COMPARE_NETWORKS(doc.network(), after);
    QCOMPARE(changed.count(), 3);
    QCOMPARE(hintAt(changed, 2).shape, c.hint.shape);
}

void TestDocument::dragMerges() {
    Document doc;
    QString error;
    QVERIFY(doc.open(presetPath("quadrant-selector.nnlens.json"), &error));
    const Network before = doc.network();
    const ParamRef p{0, 1, 0};

    const int drag = doc.beginDrag();
    QVERIFY(drag > 0);
    for (float v : {0.1f, 0.2f, 0.3f, 0.4f, 0.5f})
        QVERIFY(doc.setParameter(p, v, drag));
    QCOMPARE(doc.undoStack()->count(), 1);
    QVERIFY(sameBits(doc.parameter(p), 0.5f));
    doc.undoStack()->undo();
    COMPARE_NETWORKS(doc.network(), before);
    doc.undoStack()->redo();
    QVERIFY(sameBits(doc.parameter(p), 0.5f));

    // A new press is a new step; so is another parameter within the same drag id.
    const int drag2 = doc.beginDrag();
    QVERIFY(drag2 != drag);
    QVERIFY(doc.setParameter(p, 0.6f, drag2));
    QVERIFY(doc.setParameter(p, 0.7f, drag2));
    QCOMPARE(doc.undoStack()->count(), 2);
    QVERIFY(doc.setParameter({0, 1, -1}, 0.25f, drag2));
    QCOMPARE(doc.undoStack()->count(), 3);

    // dragId 0: every call is its own step.
    QVERIFY(doc.setParameter(p, 1.0f));
    QVERIFY(doc.setParameter(p, 1.5f));
    QCOMPARE(doc.undoStack()->count(), 5);

    doc.undoStack()->undo();
    QVERIFY(sameBits(doc.parameter(p), 1.0f));
    doc.undoStack()->undo();
    QVERIFY(sameBits(doc.parameter(p), 0.7f));
    doc.undoStack()->undo();
    QVERIFY(sameBits(doc.parameter({0, 1, -1}), before.layers[0].b(1)));
    doc.undoStack()->undo();
    QVERIFY(sameBits(doc.parameter(p), 0.5f));
    doc.undoStack()->undo();
    COMPARE_NETWORKS(doc.network(), before);
}

void TestDocument::sameValueIsNoStep() {
    Document doc;
    QString error;
    QVERIFY(doc.open(presetPath("quadrant-selector.nnlens.json"), &error));
    QSignalSpy changed(&doc, &Document::networkChanged);
    const ParamRef p{1, 0, 1};
    QVERIFY(doc.setParameter(p, doc.parameter(p)));
    QVERIFY(doc.setActivation(0, doc.network().layers[0].activation));
    QVERIFY(doc.setNodeCount(0, 2));
    QVERIFY(doc.moveLayer(1, 1));
    QVERIFY(doc.setView(doc.network().view));
    QCOMPARE(doc.undoStack()->count(), 0);
    QCOMPARE(changed.count(), 0);
    QVERIFY(!doc.isModified());
}

void TestDocument::refusedEdits_data() {
    QTest::addColumn<QString>("preset");
    QTest::addColumn<int>("edit");
    QTest::addColumn<QString>("message");  // the message, or its start when it ends in "..."

    const QString quadrant = QStringLiteral("quadrant-selector.nnlens.json");
    const QString single = QStringLiteral("single-unit.nnlens.json");
    int i = 0;
    QTest::newRow("nan weight") << quadrant << i++
                                << "layer 1, node 2, weight from x1: not a finite number";
    QTest::newRow("infinite bias")
        << quadrant << i++ << "layer 2, node 1, bias: not a finite number";
    QTest::newRow("nan weight from a node")
        << quadrant << i++ << "layer 2, node 1, weight from node 2: not a finite number";
    QTest::newRow("no such parameter") << quadrant << i++ << "layer 1, node 6, weight from x1: ...";
    QTest::newRow("softmax on a hidden layer")
        << quadrant << i++ << "layer 1: softmax is only allowed on the last layer";
    QTest::newRow("insert softmax before the last")
        << quadrant << i++ << "layer 2: softmax is only allowed on the last layer";
    QTest::newRow("remove the last remaining layer")
        << single << i++ << "a network needs at least one layer";
    QTest::newRow("zero nodes") << quadrant << i++ << "layer 1: a layer has from 1 to 4096 nodes";
    QTest::newRow("too many nodes")
        << quadrant << i++ << "layer 2: a layer has from 1 to 4096 nodes";
    QTest::newRow("insert zero nodes") << quadrant << i++ << "a layer has from 1 to 4096 nodes";
    QTest::newRow("remove the only node")
        << quadrant << i++ << "layer 2: a layer needs at least one node";
    QTest::newRow("remove a missing node") << quadrant << i++ << "layer 1, node 3: no such node";
    QTest::newRow("remove a missing layer") << quadrant << i++ << "layer 3: no such layer";
    QTest::newRow("move out of range") << quadrant << i++ << "cannot move layer 1 to position 3...";
    QTest::newRow("view grid 1") << quadrant << i++ << "grid size must be from 2 to 4096";
    QTest::newRow("view range 0") << quadrant << i++ << "range must be a finite number > 0";
    QTest::newRow("view range nan") << quadrant << i++ << "range must be a finite number > 0";
    QTest::newRow("view bins 0") << quadrant << i++ << "bins must be from 1 to 1024";
    QTest::newRow("view bins 1025") << quadrant << i++ << "bins must be from 1 to 1024";
    // 3 nodes x 4096^2 points x 12 bytes = 0.6 GB fits; the spiral's 25 maps would need 5 GB.
    QTest::newRow("view grid beyond the memory budget")
        << QStringLiteral("spiral-2-8-8-8-1.nnlens.json") << i++
        << "a grid of 4096 points per side needs 5.0 GB for this network's 25 maps; at most 2236 "
           "fit in 1.5 GB";
}

void TestDocument::refusedEdits() {
    QFETCH(QString, preset);
    QFETCH(int, edit);
    QFETCH(QString, message);
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const float inf = std::numeric_limits<float>::infinity();
    const std::vector<std::function<bool(Document&)>> edits = {
        [&](Document& d) {
            return d.setParameter({0, 1, 0}, nan);
        },
        [&](Document& d) {
            return d.setParameter({1, 0, -1}, inf);
        },
        [&](Document& d) {
            return d.setParameter({1, 0, 1}, -nan, d.beginDrag());
        },
        [&](Document& d) {
            return d.setParameter({0, 5, 0}, 1.0f);
        },
        [](Document& d) { return d.setActivation(0, Activation::Softmax); },
        [](Document& d) { return d.insertLayer(1, 2, Activation::Softmax); },
        [](Document& d) { return d.removeLayer(0); },
        [](Document& d) { return d.setNodeCount(0, 0); },
        [](Document& d) { return d.setNodeCount(1, kMaxNodes + 1); },
        [](Document& d) { return d.insertLayer(1, 0, Activation::Tanh); },
        [](Document& d) { return d.removeNode(1, 0); },
        [](Document& d) { return d.removeNode(0, 2); },
        [](Document& d) { return d.removeLayer(2); },
        [](Document& d) { return d.moveLayer(0, 2); },
        [](Document& d) {
            return d.setView({1, 3.0, 25});
        },
        [](Document& d) {
            return d.setView({250, 0.0, 25});
        },
        [](Document& d) {
            return d.setView({250, std::nan(""), 25});
        },
        [](Document& d) {
            return d.setView({250, 3.0, 0});
        },
        [](Document& d) {
            return d.setView({250, 3.0, 1025});
        },
        [](Document& d) {
            return d.setView({4096, 3.0, 25});
        },
    };
    QCOMPARE(edits.size(), std::size_t{20});

    Document doc;
    QString error;
    QVERIFY2(doc.open(presetPath(preset.toUtf8().constData()), &error), qPrintable(error));
    QVERIFY(doc.setName(QStringLiteral("edited once")));  // so "unmodified" is not the default
    const Network before = doc.network();
    const int steps = doc.undoStack()->count();

    QSignalSpy refused(&doc, &Document::editRefused);
    QSignalSpy changed(&doc, &Document::networkChanged);
    QSignalSpy modified(&doc, &Document::modifiedChanged);
    QVERIFY(!edits[static_cast<std::size_t>(edit)](doc));
    QCOMPARE(refused.count(), 1);
    const QString got = refused.at(0).at(0).toString();
    if (message.endsWith(QStringLiteral("...")))
        QVERIFY2(got.startsWith(message.chopped(3)), qPrintable(got));
    else
        QCOMPARE(got, message);
    COMPARE_NETWORKS(doc.network(), before);
    QCOMPARE(doc.undoStack()->count(), steps);
    QCOMPARE(changed.count(), 0);
    QCOMPARE(modified.count(), 0);
    QVERIFY(doc.isModified());
}

void TestDocument::tooManyLayers() {
    Document doc;
    doc.newNetwork();
    while (doc.network().layers.size() < static_cast<std::size_t>(kMaxLayers))
        QVERIFY(doc.insertLayer(0, 1, Activation::Linear));
    const Network before = doc.network();
    QSignalSpy refused(&doc, &Document::editRefused);
    QVERIFY(!doc.insertLayer(0, 1, Activation::Linear));
    QCOMPARE(refused.count(), 1);
    QCOMPARE(refused.at(0).at(0).toString(), QStringLiteral("a network has at most 64 layers"));
    COMPARE_NETWORKS(doc.network(), before);
}

void TestDocument::insertLayerShapes() {
    Document doc;
    QString error;
    QVERIFY(doc.open(presetPath("spiral-2-8-8-8-1.nnlens.json"), &error));
    const Network old = doc.network();

    // 3 nodes before layer 2: it receives 8, and the old layer 2 keeps its first 3 rows.
    QVERIFY(doc.insertLayer(1, 3, Activation::Relu));
    const Network& a = doc.network();
    QCOMPARE(a.layers.size(), std::size_t{5});
    QCOMPARE(a.layers[1].activation, Activation::Relu);
    QCOMPARE(a.layers[1].W.rows(), 8);
    QCOMPARE(a.layers[1].W.cols(), 3);
    QCOMPARE(a.layers[1].b.size(), 3);
    QVERIFY(withinInit(a.layers[1].W, 0, 8, 0, 3, 8));
    QCOMPARE(a.layers[2].W.rows(), 3);
    QCOMPARE(a.layers[2].W.cols(), 8);
    QVERIFY(a.layers[2].W == old.layers[1].W.topRows(3));
    QVERIFY(a.layers[2].b == old.layers[1].b);
    QVERIFY(a.layers[0].W == old.layers[0].W);
    QVERIFY(a.layers[3].W == old.layers[2].W);
    QVERIFY(a.layers[4].W == old.layers[3].W);
    doc.undoStack()->undo();

    // 10 nodes: the next layer keeps its 8 rows and gets 2 new ones, drawn for fan-in 10.
    QVERIFY(doc.insertLayer(1, 10, Activation::Tanh));
    const Network& b = doc.network();
    QCOMPARE(b.layers[2].W.rows(), 10);
    QVERIFY(b.layers[2].W.topRows(8) == old.layers[1].W);
    QVERIFY(withinInit(b.layers[2].W, 8, 10, 0, 8, 10));
    doc.undoStack()->undo();

    // Appended: receives the old output's single node; nothing else changes.
    QVERIFY(doc.insertLayer(4, 2, Activation::Softmax));
    const Network& c = doc.network();
    QCOMPARE(c.layers[4].W.rows(), 1);
    QCOMPARE(c.layers[4].W.cols(), 2);
    QVERIFY(withinInit(c.layers[4].W, 0, 1, 0, 2, 1));
    for (int l = 0; l < 4; ++l)
        QVERIFY(c.layers[static_cast<std::size_t>(l)].W ==
                old.layers[static_cast<std::size_t>(l)].W);

    // Nothing may follow a softmax output.
    QSignalSpy refused(&doc, &Document::editRefused);
    QVERIFY(!doc.insertLayer(5, 1, Activation::Tanh));
    QCOMPARE(refused.at(0).at(0).toString(),
             QStringLiteral("layer 5: softmax is only allowed on the last layer"));
}

void TestDocument::removeLayerShapes() {
    Document doc;
    QString error;
    QVERIFY(doc.open(presetPath("nn-graph-8-4-3-2.nnlens.json"), &error));
    const Network old = doc.network();

    // 8-4-3-2 without the 3: the 2-node layer now receives 4 (3 rows kept, 1 new).
    QVERIFY(doc.removeLayer(1));
    const Network& a = doc.network();
    QCOMPARE(a.layers.size(), std::size_t{2});
    QVERIFY(a.layers[0].W == old.layers[0].W);
    QCOMPARE(a.layers[1].W.rows(), 4);
    QCOMPARE(a.layers[1].W.cols(), 2);
    QVERIFY(a.layers[1].W.topRows(3) == old.layers[2].W);
    QVERIFY(withinInit(a.layers[1].W, 3, 4, 0, 2, 4));
    QVERIFY(a.layers[1].b == old.layers[2].b);
    QCOMPARE(a.layers[1].activation, old.layers[2].activation);
    doc.undoStack()->undo();

    // Without the first layer: the 3-node layer receives the 8 inputs.
    QVERIFY(doc.removeLayer(0));
    const Network& b = doc.network();
    QCOMPARE(b.layers[0].W.rows(), 8);
    QVERIFY(b.layers[0].W.topRows(4) == old.layers[1].W);
    QVERIFY(withinInit(b.layers[0].W, 4, 8, 0, 3, 8));
    QVERIFY(b.layers[1].W == old.layers[2].W);
}

void TestDocument::moveLayerShapes() {
    Document doc;
    QString error;
    QVERIFY(doc.open(presetPath("nn-graph-8-4-3-2.nnlens.json"), &error));
    const Network old = doc.network();

    // [4, 3, 2] -> [3, 2, 4].
    QVERIFY(doc.moveLayer(0, 2));
    const Network& a = doc.network();
    QCOMPARE(a.layers[0].outputs(), 3);
    QCOMPARE(a.layers[1].outputs(), 2);
    QCOMPARE(a.layers[2].outputs(), 4);
    QCOMPARE(a.layers[0].activation, old.layers[1].activation);
    QCOMPARE(a.layers[2].activation, old.layers[0].activation);
    QCOMPARE(a.layers[0].W.rows(), 8);
    QVERIFY(a.layers[0].W.topRows(4) == old.layers[1].W);
    QVERIFY(withinInit(a.layers[0].W, 4, 8, 0, 3, 8));
    QVERIFY(a.layers[1].W == old.layers[2].W);
    QCOMPARE(a.layers[2].W.rows(), 2);
    QVERIFY(a.layers[2].W == old.layers[0].W.topRows(2));
    QVERIFY(a.layers[2].b == old.layers[0].b);
}

void TestDocument::nodeCountShapes() {
    Document doc;
    QString error;
    QVERIFY(doc.open(presetPath("spiral-2-8-8-8-1.nnlens.json"), &error));
    const Network old = doc.network();

    QVERIFY(doc.setNodeCount(0, 10));
    const Network& a = doc.network();
    QCOMPARE(a.layers[0].W.cols(), 10);
    QCOMPARE(a.layers[0].b.size(), 10);
    QVERIFY(a.layers[0].W.leftCols(8) == old.layers[0].W);
    QVERIFY(a.layers[0].b.head(8) == old.layers[0].b);
    QVERIFY(withinInit(a.layers[0].W, 0, 2, 8, 10, 2));
    QCOMPARE(a.layers[1].W.rows(), 10);
    QVERIFY(a.layers[1].W.topRows(8) == old.layers[1].W);
    QVERIFY(withinInit(a.layers[1].W, 8, 10, 0, 8, 10));
    QVERIFY(a.layers[2].W == old.layers[2].W);
    doc.undoStack()->undo();

    QVERIFY(doc.setNodeCount(0, 5));
    const Network& b = doc.network();
    QVERIFY(b.layers[0].W == old.layers[0].W.leftCols(5));
    QVERIFY(b.layers[0].b == old.layers[0].b.head(5));
    QVERIFY(b.layers[1].W == old.layers[1].W.topRows(5));
}

void TestDocument::removeNodeShapes() {
    Document doc;
    QString error;
    QVERIFY(doc.open(presetPath("spiral-2-8-8-8-1.nnlens.json"), &error));
    const Network old = doc.network();

    QVERIFY(doc.removeNode(0, 2));
    const Network& a = doc.network();
    QCOMPARE(a.layers[0].W.cols(), 7);
    QCOMPARE(a.layers[1].W.rows(), 7);
    for (int j = 0, k = 0; j < 8; ++j) {
        if (j == 2) continue;
        QVERIFY(a.layers[0].W.col(k) == old.layers[0].W.col(j));
        QVERIFY(sameBits(a.layers[0].b(k), old.layers[0].b(j)));
        QVERIFY(a.layers[1].W.row(k) == old.layers[1].W.row(j));
        ++k;
    }
    QVERIFY(a.layers[2].W == old.layers[2].W);

    // The output layer: no next layer to shrink.
    QVERIFY(doc.setNodeCount(3, 3));
    const Network grown = doc.network();
    QVERIFY(doc.removeNode(3, 1));
    const Network& c = doc.network();
    QCOMPARE(c.layers[3].W.cols(), 2);
    QVERIFY(c.layers[3].W.col(0) == grown.layers[3].W.col(0));
    QVERIFY(c.layers[3].W.col(1) == grown.layers[3].W.col(2));
}

void TestDocument::newParametersAreRedoneExactly() {
    // Undo then redo of a layer insertion gives back the same drawn weights, and a second
    // insertion draws new ones.
    Document doc;
    doc.newNetwork();
    QVERIFY(doc.insertLayer(1, 4, Activation::Relu));
    const Network first = doc.network();
    doc.undoStack()->undo();
    doc.undoStack()->redo();
    COMPARE_NETWORKS(doc.network(), first);
    doc.undoStack()->undo();
    QVERIFY(doc.insertLayer(1, 4, Activation::Relu));
    QVERIFY(!(doc.network().layers[1].W == first.layers[1].W));
}

void TestDocument::openMalformed_data() {
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<QByteArray>("contents");  // empty with fileName "missing...": no file
    QTest::addColumn<QString>("message");      // exact, or its start when it ends in "..."

    const QByteArray head = R"({"format": "nnlens.network", "version": 1, "inputs": 2, "layers": )";
    QTest::newRow("bad json") << "badjson.nnlens.json"
                              << QByteArray(R"({"format": "nnlens.network", "version": 1,)")
                              << "badjson.nnlens.json: line 1...";
    QTest::newRow("wrong shape")
        << "bad.nnlens.json"
        << head + R"([{"activation": "tanh", "weights": [[1,2,3,4],[1,2,3,4]], "bias": [0,0,0,0]},
                      {"activation": "tanh", "weights": [[1],[2],[3]], "bias": [0]}]})"
        << "bad.nnlens.json: layer 2: weights have 3 rows but the layer receives 4 inputs";
    QTest::newRow("bias size")
        << "bias.nnlens.json"
        << head + R"([{"activation": "tanh", "weights": [[1,2,3,4],[1,2,3,4]], "bias": [0,0,0]}]})"
        << "bias.nnlens.json: layer 1: bias has 3 values but weights have 4 columns";
    QTest::newRow("unknown activation")
        << "act.nnlens.json"
        << head + R"([{"activation": "tanhh", "weights": [[1],[2]], "bias": [0]}]})"
        << R"(act.nnlens.json: layer 1: unknown activation "tanhh"...)";
    QTest::newRow("softmax hidden")
        << "softmax.nnlens.json"
        << head + R"([{"activation": "softmax", "weights": [[1],[2]], "bias": [0]},
                      {"activation": "tanh", "weights": [[1]], "bias": [0]}]})"
        << "softmax.nnlens.json: layer 1: softmax is only allowed on the last layer";
    QTest::newRow("empty file") << "empty.nnlens.json" << QByteArray() << "empty.nnlens.json: ...";
    QTest::newRow("missing file") << "missing.nnlens.json" << QByteArray()
                                  << "missing.nnlens.json: cannot open...";
}

void TestDocument::openMalformed() {
    QFETCH(QString, fileName);
    QFETCH(QByteArray, contents);
    QFETCH(QString, message);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(fileName);
    if (!fileName.startsWith(QStringLiteral("missing"))) QVERIFY(writeBytes(path, contents));

    Document doc;
    QString error;
    const QString good = dir.filePath(QStringLiteral("good.nnlens.json"));
    QVERIFY(QFile::copy(presetPath("quadrant-selector.nnlens.json"), good));
    QVERIFY(doc.open(good, &error));
    QVERIFY(doc.setParameter({0, 0, 0}, 0.5f));
    doc.setSelection({1, 0});
    const Network before = doc.network();

    QSignalSpy changed(&doc, &Document::networkChanged);
    QSignalSpy path2(&doc, &Document::filePathChanged);
    QSignalSpy modified(&doc, &Document::modifiedChanged);
    QSignalSpy selection(&doc, &Document::selectionChanged);
    QVERIFY(!doc.open(path, &error));
    if (message.endsWith(QStringLiteral("...")))
        QVERIFY2(error.startsWith(message.chopped(3)), qPrintable(error));
    else
        QCOMPARE(error, message);
    COMPARE_NETWORKS(doc.network(), before);
    QCOMPARE(doc.filePath(), good);
    QCOMPARE(doc.undoStack()->count(), 1);
    QVERIFY(doc.isModified());
    QCOMPARE(doc.selection(), (NodeRef{1, 0}));
    QCOMPARE(changed.count(), 0);
    QCOMPARE(path2.count(), 0);
    QCOMPARE(modified.count(), 0);
    QCOMPARE(selection.count(), 0);

    // The preset path gives the same messages.
    error.clear();
    QVERIFY(!doc.openPreset(path, &error));
    QVERIFY(error.startsWith(fileName + QStringLiteral(": ")));
    QCOMPARE(doc.filePath(), good);
}

void TestDocument::saveReopen() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    Document doc;
    QString error;
    QVERIFY(doc.openPreset(presetPath("spiral-2-8-8-8-1.nnlens.json"), &error));
    QVERIFY(doc.setParameter({1, 3, 4}, 0.1f));  // not a short decimal in binary
    QVERIFY(doc.setNodeCount(2, 5));
    QVERIFY(doc.setView({64, 2.5, 7}));
    QVERIFY(doc.isModified());

    QSignalSpy pathChanged(&doc, &Document::filePathChanged);
    QSignalSpy modified(&doc, &Document::modifiedChanged);
    // A plain .json name is kept as given.
    const QString path = dir.filePath(QStringLiteral("saved.json"));
    QVERIFY2(doc.saveAs(path, &error), qPrintable(error));
    QCOMPARE(doc.filePath(), path);
    QVERIFY(!doc.isModified());
    QCOMPARE(pathChanged.count(), 1);
    QCOMPARE(pathChanged.at(0).at(0).toString(), path);
    QCOMPARE(modified.count(), 1);
    QCOMPARE(modified.at(0).at(0).toBool(), false);
    QVERIFY(QFile::exists(path));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{QStringLiteral("saved.json")});

    Document other;
    QVERIFY2(other.open(path, &error), qPrintable(error));
    COMPARE_NETWORKS(other.network(), doc.network());
    QCOMPARE(other.filePath(), path);
    QVERIFY(!other.isModified());

    // save() writes to the same path.
    QVERIFY(doc.setParameter({0, 0, 0}, -2.0f));
    QVERIFY(doc.save(&error));
    QVERIFY(!doc.isModified());
    QVERIFY(other.open(path, &error));
    QVERIFY(sameBits(other.parameter({0, 0, 0}), -2.0f));
}

void TestDocument::unknownKeysKept() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("extra.nnlens.json"));
    QVERIFY(writeBytes(path, R"({"format": "nnlens.network", "version": 1, "inputs": 2,
        "teacher_notes": {"lesson": 3},
        "layers": [{"activation": "relu", "weights": [[1],[2]], "bias": [0.5], "colour": "red"}]})"));
    Document doc;
    QString error;
    QVERIFY2(doc.open(path, &error), qPrintable(error));
    QVERIFY(doc.setParameter({0, 0, 1}, 3.0f));
    QVERIFY(doc.save(&error));
    const Network back = readNetwork(path.toStdString());
    QCOMPARE(back.extra.dump(), std::string(R"({"teacher_notes":{"lesson":3}})"));
    QCOMPARE(back.layers[0].extra.dump(), std::string(R"({"colour":"red"})"));
    QVERIFY(sameBits(back.layers[0].W(1, 0), 3.0f));
}

namespace {

// A lesson in `dir`: a 2-2-1 network whose data.file is "data.csv" (3 rows) beside it.
QString writeLessonWithCsv(const QDir& dir) {
    const QString csv = dir.filePath(QStringLiteral("data.csv"));
    if (!writeBytes(csv, "x1,x2,y1\n0,0,0\n1,0,1\n0,1,1\n")) return {};
    const QString path = dir.filePath(QStringLiteral("lesson.nnlens.json"));
    if (!writeBytes(path, R"({"format": "nnlens.network", "version": 1, "inputs": 2,
        "layers": [{"activation": "tanh", "weights": [[1, 0], [0, 1]], "bias": [0, 0]},
                   {"activation": "sigmoid", "weights": [[1], [1]], "bias": [0]}],
        "data": {"file": "data.csv", "val_split": 0.0},
        "training": {"loss": "bce", "optimizer": "adam", "lr": 0.01}})")) {
        return {};
    }
    return path;
}

std::optional<DataSpec> savedDataSpec(const QString& path) {
    return lessonOf(readNetwork(path.toStdString())).data;
}

}  // namespace

// Save As to another folder names the same data file from there: the lesson opens with its data.
void TestDocument::lessonDataFileFollowsSaveAs() {
    QTemporaryDir tmp;
    QVERIFY(QDir(tmp.path()).mkpath(QStringLiteral("a")));
    QVERIFY(QDir(tmp.path()).mkpath(QStringLiteral("b/deeper")));
    const QString path = writeLessonWithCsv(QDir(tmp.filePath(QStringLiteral("a"))));
    QVERIFY(!path.isEmpty());
    Document doc;
    QString error;
    QVERIFY2(doc.open(path, &error), qPrintable(error));
    QVERIFY(doc.data());
    QCOMPARE(doc.data()->size(), 3);
    const QString moved = tmp.filePath(QStringLiteral("b/deeper/moved.nnlens.json"));
    QVERIFY2(doc.saveAs(moved, &error), qPrintable(error));
    const auto spec = savedDataSpec(moved);
    QVERIFY(spec);
    QCOMPARE(QString::fromStdString(spec->file), QStringLiteral("../../a/data.csv"));
    QVERIFY(!QFile::exists(tmp.filePath(QStringLiteral("b/deeper/moved.data.csv"))));
    Document again;
    QVERIFY2(again.open(moved, &error), qPrintable(error));
    QVERIFY2(again.lessonError().isEmpty(), qPrintable(again.lessonError()));
    QVERIFY(again.data());
    QCOMPARE(again.data()->size(), 3);
    // Saved again where it is: the path stays as it now reads.
    QVERIFY(again.save(&error));
    QCOMPARE(QString::fromStdString(savedDataSpec(moved)->file),
             QStringLiteral("../../a/data.csv"));
}

// Points added in the window are saved: written beside the network, never over the lesson's CSV.
void TestDocument::editedDataAreWrittenNextToTheNetwork() {
    QTemporaryDir tmp;
    const QString path = writeLessonWithCsv(QDir(tmp.path()));
    QVERIFY(!path.isEmpty());
    QFile original(tmp.filePath(QStringLiteral("data.csv")));
    QVERIFY(original.open(QIODevice::ReadOnly));
    const QByteArray before = original.readAll();
    original.close();
    Document doc;
    QString error;
    QVERIFY2(doc.open(path, &error), qPrintable(error));
    QVERIFY(doc.addPoint(0.5f, -0.5f, true));
    QVERIFY(doc.save(&error));
    const auto spec = savedDataSpec(path);
    QVERIFY(spec);
    QCOMPARE(QString::fromStdString(spec->file), QStringLiteral("lesson.data.csv"));
    QVERIFY(original.open(QIODevice::ReadOnly));
    QCOMPARE(original.readAll(), before);
    Document again;
    QVERIFY2(again.open(path, &error), qPrintable(error));
    QVERIFY2(again.lessonError().isEmpty(), qPrintable(again.lessonError()));
    QCOMPARE(again.data()->size(), 4);
    QCOMPARE(again.data()->x(3, 0), 0.5f);
    QCOMPARE(again.data()->x(3, 1), -0.5f);
    QCOMPARE(again.data()->y(3, 0), 1.0f);
}

// #19 item 8: the lesson's own CSV is "<stem>.data.csv", the name edited data would be written
// to: it is kept, and the edited data go to "<stem>.data-2.csv".
void TestDocument::theLessonsOwnCsvIsNeverOverwritten() {
    QTemporaryDir tmp;
    QDir dir(tmp.path());
    const QString lessonPath = writeLessonWithCsv(dir);
    QVERIFY(!lessonPath.isEmpty());
    const QString own = dir.filePath(QStringLiteral("lesson.data.csv"));
    QVERIFY(QFile::rename(dir.filePath(QStringLiteral("data.csv")), own));
    QByteArray text = readBytes(lessonPath);
    text.replace("\"data.csv\"", "\"lesson.data.csv\"");
    QVERIFY(writeBytes(lessonPath, text));
    const QByteArray before = readBytes(own);
    Document doc;
    QString error;
    QVERIFY2(doc.open(lessonPath, &error), qPrintable(error));
    QCOMPARE(doc.data()->size(), 3);
    QVERIFY(doc.addPoint(0.5f, -0.5f, true));
    QVERIFY2(doc.save(&error), qPrintable(error));
    QCOMPARE(readBytes(own), before);
    QCOMPARE(QString::fromStdString(savedDataSpec(lessonPath)->file),
             QStringLiteral("lesson.data-2.csv"));
    Document again;
    QVERIFY2(again.open(lessonPath, &error), qPrintable(error));
    QCOMPARE(again.data()->size(), 4);
    // No temporary files are left beside them.
    QCOMPARE(dir.entryList(QDir::Files, QDir::Name),
             (QStringList{"lesson.data-2.csv", "lesson.data.csv", "lesson.nnlens.json"}));
}

// #19 item 8: the data and the network are saved as one step: when the network cannot be
// written, the data file beside it is not written either.
void TestDocument::aFailedSaveWritesNeitherFile() {
    QTemporaryDir tmp;
    QDir dir(tmp.path());
    const QString lessonPath = writeLessonWithCsv(dir);
    QVERIFY(!lessonPath.isEmpty());
    Document doc;
    QString error;
    QVERIFY2(doc.open(lessonPath, &error), qPrintable(error));
    QVERIFY(doc.addPoint(0.5f, -0.5f, true));
    // The network's name is taken by a folder: its rename fails after both files are written.
    const QString blocked = dir.filePath(QStringLiteral("blocked.nnlens.json"));
    QVERIFY(dir.mkpath(QStringLiteral("blocked.nnlens.json")));
    QVERIFY(!doc.saveAs(blocked, &error));
    QVERIFY2(error.contains(QStringLiteral("blocked.nnlens.json")), qPrintable(error));
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("blocked.data.csv"))));
    QCOMPARE(dir.entryList(QDir::Files, QDir::Name),
             (QStringList{"data.csv", "lesson.nnlens.json"}));
    QVERIFY(doc.isModified());
}

// A preset's generated data keep the generator's recipe (no CSV is written).
void TestDocument::generatedDataKeepTheirRecipe() {
    QTemporaryDir tmp;
    Document doc;
    QString error;
    QVERIFY(QDir(tmp.path()).mkpath(QStringLiteral("from")));
    const QString source = tmp.filePath(QStringLiteral("from/sincos.nnlens.json"));
    QVERIFY(writeBytes(source, R"({"format": "nnlens.network", "version": 1, "inputs": 2,
        "layers": [{"activation": "tanh", "weights": [[1], [0]], "bias": [0]}],
        "data": {"generate": {"kind": "sincos", "n": 100, "noise": 0, "seed": 1},
                 "val_split": 0.2}})"));
    QVERIFY2(doc.open(source, &error), qPrintable(error));
    QVERIFY(doc.data());
    QCOMPARE(doc.data()->size(), 100);
    const QString path = tmp.filePath(QStringLiteral("sincos.nnlens.json"));
    QVERIFY2(doc.saveAs(path, &error), qPrintable(error));
    const auto spec = savedDataSpec(path);
    QVERIFY(spec && spec->generate);
    QVERIFY(spec->file.empty());
    QCOMPARE(QDir(tmp.path()).entryList(QDir::Files).size(), 1);
}

// Data cleared in the window leave the saved lesson without a data key.
void TestDocument::clearedDataLeaveTheLesson() {
    QTemporaryDir tmp;
    const QString path = writeLessonWithCsv(QDir(tmp.path()));
    Document doc;
    QString error;
    QVERIFY2(doc.open(path, &error), qPrintable(error));
    QVERIFY(doc.setData(nullptr, QStringLiteral("Clear data")));
    QVERIFY(doc.save(&error));
    QVERIFY(!savedDataSpec(path));
    Document again;
    QVERIFY(again.open(path, &error));
    QCOMPARE(again.data(), nullptr);
}

// A data file that could not be read stays named in the saved lesson (nothing is dropped).
void TestDocument::unreadableDataFileIsKept() {
    QTemporaryDir tmp;
    const QString path = writeLessonWithCsv(QDir(tmp.path()));
    QVERIFY(QFile::remove(tmp.filePath(QStringLiteral("data.csv"))));
    Document doc;
    QString error;
    QVERIFY2(doc.open(path, &error), qPrintable(error));
    QVERIFY(!doc.lessonError().isEmpty());
    QVERIFY(doc.save(&error));
    const auto spec = savedDataSpec(path);
    QVERIFY(spec);
    QCOMPARE(QString::fromStdString(spec->file), QStringLiteral("data.csv"));
}

void TestDocument::saveUnwritable_data() {
    QTest::addColumn<QString>("relative");
    QTest::newRow("missing folder") << QStringLiteral("no/such/folder/x.nnlens.json");
    QTest::newRow("parent is a file") << QStringLiteral("plain-file/x.nnlens.json");
}

void TestDocument::saveUnwritable() {
    QFETCH(QString, relative);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(writeBytes(dir.filePath(QStringLiteral("plain-file")), "x"));
    const QString good = dir.filePath(QStringLiteral("good.nnlens.json"));
    QVERIFY(QFile::copy(presetPath("quadrant-selector.nnlens.json"), good));

    Document doc;
    QString error;
    QVERIFY(doc.open(good, &error));
    QVERIFY(doc.setParameter({0, 0, 0}, 0.5f));
    QSignalSpy pathChanged(&doc, &Document::filePathChanged);
    QSignalSpy modified(&doc, &Document::modifiedChanged);
    const QString bad = dir.filePath(relative);
    QVERIFY(!doc.saveAs(bad, &error));
    QVERIFY2(error.contains(bad), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("cannot write")), qPrintable(error));
    QVERIFY(doc.isModified());
    QCOMPARE(doc.filePath(), good);
    QCOMPARE(pathChanged.count(), 0);
    QCOMPARE(modified.count(), 0);
    QVERIFY(!QFile::exists(bad));
}

void TestDocument::saveWithoutPath() {
    Document doc;
    doc.newNetwork();
    QString error;
    QVERIFY(!doc.save(&error));
    QVERIFY(!error.isEmpty());
    QVERIFY(doc.filePath().isEmpty());
    QVERIFY(!doc.save(nullptr));  // a null error pointer is allowed
}

void TestDocument::modifiedSignals() {
    Document doc;
    doc.newNetwork();
    QSignalSpy modified(&doc, &Document::modifiedChanged);
    QVERIFY(doc.setParameter({0, 0, 0}, 0.5f));
    QCOMPARE(modified.count(), 1);
    QCOMPARE(modified.at(0).at(0).toBool(), true);
    QVERIFY(doc.setParameter({0, 0, 1}, 0.25f));
    QCOMPARE(modified.count(), 1);  // still modified: no new signal
    doc.undoStack()->undo();
    QCOMPARE(modified.count(), 1);
    doc.undoStack()->undo();
    QCOMPARE(modified.count(), 2);
    QCOMPARE(modified.at(1).at(0).toBool(), false);
    QVERIFY(!doc.isModified());
    doc.undoStack()->redo();
    QCOMPARE(modified.count(), 3);
    QCOMPARE(modified.at(2).at(0).toBool(), true);

    QTemporaryDir dir;
    QString error;
    QVERIFY(doc.saveAs(dir.filePath(QStringLiteral("m.nnlens.json")), &error));
    QCOMPARE(modified.count(), 4);
    QCOMPARE(modified.at(3).at(0).toBool(), false);
    // Undoing past the save point is a modification again.
    doc.undoStack()->undo();
    QCOMPARE(modified.count(), 5);
    QVERIFY(doc.isModified());
    // A new network is unmodified.
    doc.newNetwork();
    QCOMPARE(modified.count(), 6);
    QCOMPARE(modified.at(5).at(0).toBool(), false);
    QVERIFY(!doc.isModified());
    QCOMPARE(doc.undoStack()->count(), 0);
}

void TestDocument::displayName() {
    Document doc;
    QString error;
    QVERIFY(doc.openPreset(presetPath("quadrant-selector.nnlens.json"), &error));
    QCOMPARE(doc.displayName(), QStringLiteral("Quadrant selector"));
    QVERIFY(doc.setName(QString()));
    QCOMPARE(doc.displayName(), QStringLiteral("Untitled"));
    QVERIFY(doc.open(presetPath("quadrant-selector.nnlens.json"), &error));
    QCOMPARE(doc.displayName(), QStringLiteral("quadrant-selector.nnlens.json"));
}

void TestDocument::selectionClamp_data() {
    QTest::addColumn<int>("layer");
    QTest::addColumn<int>("node");
    QTest::addColumn<int>("expectedLayer");
    QTest::addColumn<int>("expectedNode");
    // nn-graph-8-4-3-2: layers of 4, 3 and 2 nodes.
    QTest::newRow("inside") << 1 << 2 << 1 << 2;
    QTest::newRow("node past the end") << 1 << 9 << 1 << 2;
    QTest::newRow("layer past the end") << 7 << 0 << 2 << 0;
    QTest::newRow("both past the end") << 5 << 5 << 2 << 1;
    QTest::newRow("negative") << -1 << -3 << 0 << 0;
}

void TestDocument::selectionClamp() {
    QFETCH(int, layer);
    QFETCH(int, node);
    QFETCH(int, expectedLayer);
    QFETCH(int, expectedNode);
    Document doc;
    QString error;
    QVERIFY(doc.open(presetPath("nn-graph-8-4-3-2.nnlens.json"), &error));
    QSignalSpy selection(&doc, &Document::selectionChanged);
    doc.setSelection({layer, node});
    QCOMPARE(doc.selection(), (NodeRef{expectedLayer, expectedNode}));
    const bool moved = !(expectedLayer == 0 && expectedNode == 0);
    QCOMPARE(selection.count(), moved ? 1 : 0);
    if (moved) QCOMPARE(qvariant_cast<NodeRef>(selection.at(0).at(0)), doc.selection());
}

void TestDocument::moveSelection_data() {
    QTest::addColumn<int>("layer");
    QTest::addColumn<int>("node");
    QTest::addColumn<int>("dx");
    QTest::addColumn<int>("dy");
    QTest::addColumn<int>("expectedLayer");
    QTest::addColumn<int>("expectedNode");
    // nn-graph-8-4-3-2: layers of 4, 3 and 2 nodes.
    QTest::newRow("right") << 0 << 1 << 1 << 0 << 1 << 1;
    QTest::newRow("right clamps the node") << 1 << 2 << 1 << 0 << 2 << 1;
    QTest::newRow("right at the end") << 2 << 0 << 1 << 0 << 2 << 0;
    QTest::newRow("left") << 2 << 1 << -1 << 0 << 1 << 1;
    QTest::newRow("left at the start") << 0 << 3 << -1 << 0 << 0 << 3;
    QTest::newRow("down") << 0 << 1 << 0 << 1 << 0 << 2;
    QTest::newRow("down at the end") << 0 << 3 << 0 << 1 << 0 << 3;
    QTest::newRow("up") << 1 << 2 << 0 << -1 << 1 << 1;
    QTest::newRow("up at the start") << 1 << 0 << 0 << -1 << 1 << 0;
}

void TestDocument::moveSelection() {
    QFETCH(int, layer);
    QFETCH(int, node);
    QFETCH(int, dx);
    QFETCH(int, dy);
    QFETCH(int, expectedLayer);
    QFETCH(int, expectedNode);
    Document doc;
    QString error;
    QVERIFY(doc.open(presetPath("nn-graph-8-4-3-2.nnlens.json"), &error));
    doc.setSelection({layer, node});
    QCOMPARE(doc.selection(), (NodeRef{layer, node}));
    doc.moveSelection(dx, dy);
    QCOMPARE(doc.selection(), (NodeRef{expectedLayer, expectedNode}));
}

void TestDocument::selectionFollowsStructure() {
    Document doc;
    QString error;
    QVERIFY(doc.open(presetPath("spiral-2-8-8-8-1.nnlens.json"), &error));
    doc.setSelection({2, 7});
    QSignalSpy selection(&doc, &Document::selectionChanged);
    QVERIFY(doc.setNodeCount(2, 4));
    QCOMPARE(doc.selection(), (NodeRef{2, 3}));
    QCOMPARE(selection.count(), 1);
    doc.setSelection({3, 0});
    QVERIFY(doc.removeLayer(3));
    QCOMPARE(doc.selection(), (NodeRef{2, 0}));
    doc.undoStack()->undo();  // the layer is back; the selection stays valid
    QCOMPARE(doc.selection(), (NodeRef{2, 0}));
    doc.setSelection({3, 0});
    doc.undoStack()->undo();  // 8-8-4-1 -> 8-8-8-1: still valid
    QCOMPARE(doc.selection(), (NodeRef{3, 0}));
    QVERIFY(doc.open(presetPath("single-unit.nnlens.json"), &error));
    QCOMPARE(doc.selection(), (NodeRef{0, 0}));
}

void TestDocument::presets_data() {
    QTest::addColumn<QString>("path");
    const QDir dir(QStringLiteral(NNLENS_SOURCE_DIR "/resources/presets"));
    const QStringList files = dir.entryList({QStringLiteral("*.nnlens.json")}, QDir::Files);
    QVERIFY(files.size() >= 10);
    for (const QString& f : files)
        QTest::newRow(qPrintable(f)) << dir.filePath(f);
}

void TestDocument::presets() {
    QFETCH(QString, path);
    Document doc;
    QString error;
    QSignalSpy changed(&doc, &Document::networkChanged);
    QVERIFY2(doc.openPreset(path, &error), qPrintable(error));
    QVERIFY(doc.filePath().isEmpty());
    QVERIFY(!doc.isModified());
    QCOMPARE(doc.undoStack()->count(), 0);
    QCOMPARE(changed.count(), 1);
    QVERIFY(hintAt(changed, 0).shape);
    QVERIFY(!doc.network().layers.empty());
    QCOMPARE(doc.displayName(), QString::fromStdString(doc.network().name));
    COMPARE_NETWORKS(doc.network(), readNetwork(path.toStdString()));

    QVERIFY2(doc.open(path, &error), qPrintable(error));
    QCOMPARE(doc.filePath(), path);
    QCOMPARE(doc.displayName(), QFileInfo(path).fileName());
}

QTEST_MAIN(TestDocument)
#include "tst_document.moc"
