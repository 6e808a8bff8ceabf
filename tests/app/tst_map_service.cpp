// MapService: frames arrive off the GUI thread with the right maps, partial updates equal a full
// compute, requests coalesce, networks without maps give empty frames, shutdown while busy.
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "core/backend.hpp"
#include "core/network_io.hpp"
#include "figures/map_set.hpp"
#include "model/latest_worker.hpp"
#include "model/map_service.hpp"

using namespace nnlens;
using namespace nnlens::model;

namespace {

using FramePtr = std::shared_ptr<const MapFrame>;

Network preset(const char* name) {
    return readNetwork(std::string(NNLENS_SOURCE_DIR "/resources/presets/") + name);
}

// Collects the service's frames in this (the test's) thread: the connection is queued, so the
// vector is only touched here.
class FrameSink : public QObject {
    Q_OBJECT

  public:
    explicit FrameSink(MapService& service) {
        connect(&service, &MapService::frameReady, this, [this](const FramePtr& frame) {
            frames.push_back(frame);
            emit received();
        });
        connect(&service, &MapService::failed, this, [this](const QString& message) {
            failures.push_back(message);
            emit received();
        });
    }
    std::vector<FramePtr> frames;
    QStringList failures;

  signals:
    void received();
};

// The maps of `net` from a fresh evaluator, coloured as the service colours them.
figures::MapSet freshMaps(const Network& net, std::optional<float> fixedLimit = std::nullopt) {
    auto evaluator = CpuBackend().gridEvaluator();
    evaluator->compute(net, net.view);
    return figures::makeMapSet(evaluator->maps(), fixedLimit);
}

// Empty when the two sets have the same images (pixel for pixel) and histograms.
QString mapDifference(const figures::MapSet& a, const figures::MapSet& b, int fromLayer = 0) {
    if (a.layers() != b.layers()) return QStringLiteral("layer counts differ");
    if (a.vlim != b.vlim) return QStringLiteral("vlim %1 vs %2").arg(a.vlim).arg(b.vlim);
    for (int l = fromLayer; l < a.layers(); ++l) {
        const auto& x = a.images[static_cast<std::size_t>(l)];
        const auto& y = b.images[static_cast<std::size_t>(l)];
        if (x.size() != y.size()) return QStringLiteral("layer %1: node counts differ").arg(l);
        for (std::size_t j = 0; j < x.size(); ++j) {
            if (x[j] != y[j])
                return QStringLiteral("layer %1, node %2: images differ").arg(l).arg(j);
        }
        const auto& hx = a.hist[static_cast<std::size_t>(l)];
        const auto& hy = b.hist[static_cast<std::size_t>(l)];
        for (std::size_t j = 0; j < hx.size(); ++j) {
            if (hx[j].counts != hy[j].counts)
                return QStringLiteral("layer %1, node %2: histograms differ").arg(l).arg(j);
        }
    }
    return {};
}

#define COMPARE_MAPS(a, b)                                          \
    do {                                                            \
        const QString nnlensDiff_ = mapDifference((a), (b));        \
        if (!nnlensDiff_.isEmpty()) QFAIL(qPrintable(nnlensDiff_)); \
    } while (false)

// Waits until the sink holds a frame of `generation` (or newer).
bool waitForFrame(FrameSink& sink, std::uint64_t generation, int timeoutMs = 20000) {
    QSignalSpy spy(&sink, &FrameSink::received);
    QElapsedTimer timer;
    timer.start();
    while (sink.frames.empty() || sink.frames.back()->generation < generation) {
        if (timer.elapsed() > timeoutMs) return false;
        spy.wait(200);
    }
    return true;
}

}  // namespace

class TestMapService : public QObject {
    Q_OBJECT

  private slots:
    void latestWorkerComputesTheNewestOnly();
    void firstFrame();
    void partialUpdate_data();
    void partialUpdate();
    void coalescing();
    void noMaps_data();
    void noMaps();
    void fixedLimit();
    void viewChange();
    void failureKeepsRunning();
    void gridPastTheBudgetIsCapped();
    void setBackend();
    void destroyWhileBusy();
};

// The worker under both services: while one request computes, later ones replace each other
// (merged), so only the first and the newest are computed; waitFor sees each generation.
void TestMapService::latestWorkerComputesTheNewestOnly() {
    struct Req {
        int value = 0;
        int merged = 0;  // how many older requests were folded in
    };
    struct Out {
        int value = 0;
        int merged = 0;
        std::uint64_t generation = 0;
    };
    std::mutex gate;
    std::atomic<int> started{0};
    std::vector<Out> delivered;
    std::mutex deliveredMutex;
    {
        LatestWorker<Req, Out> worker;
        // Released before the worker joins its thread, also when a check below fails.
        std::unique_lock hold(gate);
        worker.start(
            [&](Req& r, std::uint64_t generation) {
                ++started;
                std::lock_guard wait(gate);  // held by the test until the requests are queued
                return std::make_shared<const Out>(Out{r.value, r.merged, generation});
            },
            [&](std::shared_ptr<const Out> out) {
                std::lock_guard lock(deliveredMutex);
                delivered.push_back(*out);
            },
            [](const Req& older, Req& newer) { newer.merged += older.merged + 1; });
        QCOMPARE(worker.submit(Req{1}), std::uint64_t(1));
        QTRY_COMPARE(started.load(), 1);  // computing request 1, blocked on the gate
        worker.submit(Req{2});
        worker.submit(Req{3});
        const std::uint64_t last = worker.submit(Req{4});
        QCOMPARE(last, std::uint64_t(4));
        QCOMPARE(worker.requested(), std::uint64_t(4));
        QVERIFY(!worker.waitFor(1, 50));  // still blocked
        hold.unlock();
        QVERIFY(worker.waitFor(last, 5000));
        QCOMPARE(worker.latest()->value, 4);
        QCOMPARE(started.load(), 2);
    }  // the destructor joins the thread
    QCOMPARE(delivered.size(), std::size_t(2));
    QCOMPARE(delivered[0].value, 1);
    QCOMPARE(delivered[0].generation, std::uint64_t(1));
    QCOMPARE(delivered[1].value, 4);
    QCOMPARE(delivered[1].merged, 2);  // 2 and 3 folded into 4
    QCOMPARE(delivered[1].generation, std::uint64_t(4));
}

void TestMapService::firstFrame() {
    MapService service;
    FrameSink sink(service);
    QSignalSpy spy(&sink, &FrameSink::received);
    const Network net = preset("quadrant-selector.nnlens.json");
    const std::uint64_t g = service.request(net, EditHint{0, -1, true});
    QVERIFY(spy.wait(20000));
    QCOMPARE(sink.frames.size(), std::size_t{1});
    const MapFrame& f = *sink.frames[0];
    QCOMPARE(f.generation, g);
    QCOMPARE(f.firstLayer, 0);
    QVERIFY(f.computeMs > 0.0);
    QCOMPARE(f.maps.layers(), 2);
    QCOMPARE(f.maps.images[0].size(), std::size_t{2});
    QCOMPARE(f.maps.images[1].size(), std::size_t{1});
    for (const auto& layer : f.maps.images) {
        for (const QImage& img : layer)
            QCOMPARE(img.size(), QSize(250, 250));
    }
    QCOMPARE(f.maps.arrows.size(), std::size_t{2});
    QCOMPARE(f.maps.hist[1][0].counts.size(), std::size_t{25});
    COMPARE_MAPS(f.maps, freshMaps(net));
    QCOMPARE(service.latest(), sink.frames[0]);
    QVERIFY(service.waitFor(g, 0));
    QCOMPARE(service.backendName(), QStringLiteral("cpu"));
}

void TestMapService::partialUpdate_data() {
    QTest::addColumn<int>("layer");
    QTest::addColumn<int>("node");
    QTest::addColumn<int>("input");  // -1: the bias
    QTest::addColumn<float>("value");
    // spiral-2-8-8-8-1.
    QTest::newRow("layer 2 weight") << 1 << 3 << 5 << 0.05f;
    QTest::newRow("layer 3 bias") << 2 << 7 << -1 << 0.01f;
    QTest::newRow("output weight") << 3 << 0 << 2 << -0.02f;
    QTest::newRow("layer 1 weight") << 0 << 4 << 1 << 0.2f;
}

void TestMapService::partialUpdate() {
    QFETCH(int, layer);
    QFETCH(int, node);
    QFETCH(int, input);
    QFETCH(float, value);
    Network net = preset("spiral-2-8-8-8-1.nnlens.json");
    net.view.n = 120;  // quicker; the ordering and the rules are the same
    // A fixed colour limit, so no layer is recoloured because the data's limit moved.
    const float vlim = 1.0f;
    const figures::MapSet original = freshMaps(net, vlim);
    MapService service;
    FrameSink sink(service);
    const std::uint64_t g1 = service.request(net, EditHint{0, -1, true}, vlim);
    QVERIFY(waitForFrame(sink, g1));
    const FramePtr before = sink.frames.back();

    Layer& l = net.layers[static_cast<std::size_t>(layer)];
    if (input < 0)
        l.b(node) += value;
    else
        l.W(input, node) += value;
    const std::uint64_t g2 = service.request(net, EditHint{layer, node, false}, vlim);
    QVERIFY(waitForFrame(sink, g2));
    const FramePtr after = sink.frames.back();
    QCOMPARE(after->generation, g2);

    const figures::MapSet full = freshMaps(net, vlim);
    QCOMPARE(after->maps.vlim, before->maps.vlim);
    QCOMPARE(after->firstLayer, layer);
    // The layers before the edit are the very same images (not recoloured, not recomputed).
    for (int k = 0; k < layer; ++k) {
        for (std::size_t j = 0; j < after->maps.images[static_cast<std::size_t>(k)].size(); ++j) {
            const QImage& a = after->maps.images[static_cast<std::size_t>(k)][j];
            const QImage& b = before->maps.images[static_cast<std::size_t>(k)][j];
            QCOMPARE(a.cacheKey(), b.cacheKey());
            QVERIFY(a == b);
        }
    }
    // The edited node changed.
    QVERIFY(after->maps.images[static_cast<std::size_t>(layer)][static_cast<std::size_t>(node)] !=
            before->maps.images[static_cast<std::size_t>(layer)][static_cast<std::size_t>(node)]);
    // And the whole set equals a fresh full compute of the edited network.
    COMPARE_MAPS(after->maps, full);
    // The earlier frame still shows the old maps (the worker did not write into it).
    COMPARE_MAPS(before->maps, original);
}

void TestMapService::coalescing() {
    Network net = preset("spiral-2-8-8-8-1.nnlens.json");
    net.view.n = 200;
    MapService service;
    FrameSink sink(service);
    Network sent = net;
    // The first request computes everything; the next 49 arrive while the worker is busy.
    std::uint64_t last = service.request(sent, EditHint{0, -1, true});
    QVERIFY(service.waitFor(last, 20000));
    for (int i = 1; i < 50; ++i) {
        sent.layers[1].W(2, 3) = 0.01f * static_cast<float>(i);
        sent.layers[3].b(0) = -0.005f * static_cast<float>(i);
        // Alternate the edited layer, ending on the later one: the merged hint must keep the
        // earlier layer, or layer 2's maps would be stale.
        const EditHint hint = i % 2 ? EditHint{3, 0, false} : EditHint{1, 3, false};
        last = service.request(sent, hint);
    }
    QCOMPARE(last, std::uint64_t{50});
    QVERIFY(service.waitFor(last, 20000));
    QVERIFY(waitForFrame(sink, last));
    QTest::qWait(50);  // nothing else is on its way
    qInfo("%zu frames for 50 requests", sink.frames.size());
    QVERIFY2(sink.frames.size() < 25, qPrintable(QString::number(sink.frames.size())));
    QCOMPARE(sink.frames.back()->generation, last);
    QCOMPARE(service.latest()->generation, last);
    for (std::size_t i = 1; i < sink.frames.size(); ++i)
        QVERIFY(sink.frames[i]->generation > sink.frames[i - 1]->generation);
    COMPARE_MAPS(sink.frames.back()->maps, freshMaps(sent));
    QVERIFY(sink.failures.isEmpty());
}

void TestMapService::noMaps_data() {
    QTest::addColumn<int>("kind");
    QTest::newRow("8 inputs") << 0;
    QTest::newRow("1 input") << 1;
    QTest::newRow("no layers") << 2;
}

void TestMapService::noMaps() {
    QFETCH(int, kind);
    Network net;
    if (kind == 0) net = preset("nn-graph-8-4-3-2.nnlens.json");
    if (kind == 1) net = Network::initialized(1, {{3, Activation::Tanh}}, 4);
    if (kind == 2) net.inputs = 2;
    MapService service;
    FrameSink sink(service);
    // A good network first, so the empty frame replaces real maps.
    const std::uint64_t g0 =
        service.request(preset("single-unit.nnlens.json"), EditHint{0, -1, true});
    QVERIFY(waitForFrame(sink, g0));
    QVERIFY(!sink.frames.back()->maps.empty());
    const std::uint64_t g = service.request(net, EditHint{0, 1, false});
    QVERIFY(waitForFrame(sink, g));
    QVERIFY(sink.frames.back()->maps.empty());
    QVERIFY(sink.failures.isEmpty());
    // And back to a good one, with a non-shape hint: the service recomputes everything.
    const Network good = preset("quadrant-selector.nnlens.json");
    const std::uint64_t g2 = service.request(good, EditHint{1, 0, false});
    QVERIFY(waitForFrame(sink, g2));
    COMPARE_MAPS(sink.frames.back()->maps, freshMaps(good));
}

void TestMapService::fixedLimit() {
    Network net = preset("quadrant-selector.nnlens.json");
    net.view.n = 64;
    MapService service;
    FrameSink sink(service);
    const std::uint64_t g1 = service.request(net, EditHint{0, -1, true}, 4.0f);
    QVERIFY(waitForFrame(sink, g1));
    const FramePtr fixed = sink.frames.back();
    QCOMPARE(fixed->maps.vlim, 4.0f);
    QVERIFY(fixed->maps.dataLimit > 0.0f && fixed->maps.dataLimit <= 1.0f);
    COMPARE_MAPS(fixed->maps, freshMaps(net, 4.0f));

    // Dropping the fixed limit recolours every layer, even for a last-layer hint.
    const std::uint64_t g2 = service.request(net, EditHint{1, 0, false});
    QVERIFY(waitForFrame(sink, g2));
    const FramePtr data = sink.frames.back();
    QCOMPARE(data->maps.vlim, data->maps.dataLimit);
    QCOMPARE(data->firstLayer, 0);
    QVERIFY(data->maps.images[0][0] != fixed->maps.images[0][0]);
    COMPARE_MAPS(data->maps, freshMaps(net));
}

void TestMapService::viewChange() {
    Network net = preset("quadrant-selector.nnlens.json");
    net.view.n = 40;
    MapService service;
    FrameSink sink(service);
    const std::uint64_t g1 = service.request(net, EditHint{0, -1, true});
    QVERIFY(waitForFrame(sink, g1));
    // A new grid with a hint that does not say so: the config change alone forces a compute.
    net.view.n = 33;
    net.view.bins = 5;
    const std::uint64_t g2 = service.request(net, EditHint{1, 0, false});
    QVERIFY(waitForFrame(sink, g2));
    const MapFrame& f = *sink.frames.back();
    QCOMPARE(f.maps.images[0][0].size(), QSize(33, 33));
    QCOMPARE(f.maps.hist[1][0].counts.size(), std::size_t{5});
    QCOMPARE(f.firstLayer, 0);
    COMPARE_MAPS(f.maps, freshMaps(net));
}

void TestMapService::failureKeepsRunning() {
    Network net = preset("quadrant-selector.nnlens.json");
    net.view.n = 1;  // refused by checkGrid
    MapService service;
    FrameSink sink(service);
    QSignalSpy spy(&sink, &FrameSink::received);
    const std::uint64_t g1 = service.request(net, EditHint{0, -1, true});
    QVERIFY(spy.wait(20000));
    QCOMPARE(sink.failures.size(), 1);
    QVERIFY2(sink.failures[0].contains(QStringLiteral("grid size")), qPrintable(sink.failures[0]));
    QVERIFY(service.waitFor(g1, 1000));
    // A frame that says so, for this network, with no maps (#19: the views showed the previous
    // network's maps beside the new formula).
    QTRY_COMPARE(sink.frames.size(), std::size_t{1});
    QVERIFY(sink.frames.back()->maps.empty());
    QCOMPARE(sink.frames.back()->failure, sink.failures[0]);
    QCOMPARE(sink.frames.back()->network->view.n, 1);
    QCOMPARE(sink.frames.back()->generation, g1);
    net.view.n = 30;
    const std::uint64_t g2 = service.request(net, EditHint{1, 0, false});
    QVERIFY(waitForFrame(sink, g2));
    COMPARE_MAPS(sink.frames.back()->maps, freshMaps(net));
}

// #19 item 5: a grid past the memory budget (a file's "grid": 4096 took 5 GB) is drawn at the
// largest grid that fits, and the frame says so.
void TestMapService::gridPastTheBudgetIsCapped() {
    QCOMPARE(largestMapGrid(25), 2236);  // sqrt(1.5e9 / (12 * 25)): the window's budget
    QCOMPARE(largestMapGrid(1, 1e20), kMaxGrid);
    QCOMPARE(largestMapGrid(1 << 30), kMinGrid);
    Network net = preset("spiral-2-8-8-8-1.nnlens.json");  // 25 nodes
    net.view.n = 4096;
    // A budget of 30 MB here (1.5 GB in the window): 12 * 316^2 * 25 <= 3e7 < 12 * 317^2 * 25.
    MapService service;
    service.setMemoryBudget(3e7);
    FrameSink sink(service);
    const std::uint64_t g = service.request(net, EditHint{0, -1, true});
    QVERIFY(waitForFrame(sink, g));
    const auto& frame = *sink.frames.back();
    QCOMPARE(frame.maps.config.n, 316);
    QCOMPARE(frame.note, QStringLiteral("maps at 316 x 316 points: 4096 x 4096 would need 5.03 GB "
                                        "for 25 nodes (the maps keep within 30 MB)"));
    QCOMPARE(frame.network->view.n, 4096);  // the network keeps its view
    QVERIFY(frame.failure.isEmpty());
    // Within the budget: the file's grid, no note.
    net.view.n = 300;
    const std::uint64_t g2 = service.request(net, EditHint{0, -1, true});
    QVERIFY(waitForFrame(sink, g2));
    QCOMPARE(sink.frames.back()->maps.config.n, 300);
    QVERIFY(sink.frames.back()->note.isEmpty());
}

void TestMapService::setBackend() {
    Network net = preset("quadrant-selector.nnlens.json");
    net.view.n = 50;
    MapService service(std::make_unique<CpuBackend>());
    FrameSink sink(service);
    const std::uint64_t g1 = service.request(net, EditHint{0, -1, true});
    QVERIFY(waitForFrame(sink, g1));
    service.setBackend(std::make_unique<CpuBackend>());
    QCOMPARE(service.backendName(), QStringLiteral("cpu"));
    net.layers[1].W(0, 0) = 0.5f;
    const std::uint64_t g2 = service.request(net, EditHint{1, 0, false});
    QVERIFY(waitForFrame(sink, g2));
    QCOMPARE(sink.frames.back()->firstLayer, 0);  // a new engine computes everything
    COMPARE_MAPS(sink.frames.back()->maps, freshMaps(net));
}

void TestMapService::destroyWhileBusy() {
    Network net = preset("spiral-2-8-8-8-1.nnlens.json");
    net.view.n = 1500;  // long enough to be mid-compute at destruction
    std::uint64_t last = 0;
    {
        MapService service;
        FrameSink sink(service);
        for (int i = 0; i < 5; ++i) {
            net.layers[0].b(0) = 0.1f * static_cast<float>(i);
            last = service.request(net, EditHint{0, -1, true});
        }
        QTest::qWait(20);
        QVERIFY(last == 5);
    }
    // The frames queued to the destroyed sink are dropped with it; nothing else runs.
    // (ASan/UBSan builds check that no frame or evaluator outlives the service.)
    QCoreApplication::processEvents();
}

QTEST_MAIN(TestMapService)
#include "tst_map_service.moc"
