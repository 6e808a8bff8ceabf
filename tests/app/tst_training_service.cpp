// TrainingService: the window's worker gives train()'s parameters bit for bit, pauses within a
// chunk, stops a divergent run with finite parameters, and keeps a bounded, dense-early timeline.
#include <QSignalSpy>
#include <QTest>

#include <cmath>

#include "core/backend.hpp"
#include "core/dataset.hpp"
#include "core/network.hpp"
#include "core/trainer.hpp"
#include "model/training_service.hpp"

using namespace nnlens;
using namespace nnlens::model;

namespace {

Network spiralNet() {
    return Network::initialized(2,
                                {{8, Activation::Tanh},
                                 {8, Activation::Tanh},
                                 {8, Activation::Tanh},
                                 {1, Activation::Sigmoid}},
                                7);
}

bool sameParameters(const Network& a, const Network& b) {
    if (a.layers.size() != b.layers.size()) return false;
    for (std::size_t l = 0; l < a.layers.size(); ++l) {
        if (a.layers[l].W != b.layers[l].W || a.layers[l].b != b.layers[l].b) return false;
    }
    return true;
}

// A short run's values, one per epoch (no bucket yet).
std::vector<float> valuesOf(const EpochSeries& c) {
    std::vector<float> v;
    for (const EpochSeries::Point& p : c.points())
        v.push_back(p.value);
    return v;
}

bool finite(const Network& n) {
    for (const Layer& l : n.layers)
        if (!l.W.allFinite() || !l.b.allFinite()) return false;
    return true;
}

}  // namespace

class TestTrainingService : public QObject {
    Q_OBJECT

  private slots:
    void epochsEqualTrain_data() {
        QTest::addColumn<QString>("optimizer");
        QTest::addColumn<double>("valSplit");
        QTest::newRow("adam, no validation") << "adam" << 0.0;
        QTest::newRow("momentum, validation 0.2") << "momentum" << 0.2;
    }
    void epochsEqualTrain() {
        QFETCH(QString, optimizer);
        QFETCH(double, valSplit);
        auto data = std::make_shared<const Dataset>(generateDataset("spiral", 200, 0.1, 1));
        TrainingSettings s;
        s.optimizer = optimizer == "adam" ? OptimizerKind::Adam : OptimizerKind::Momentum;
        s.lr = 0.01f;
        s.batch = 10;
        s.valSplit = valSplit;
        s.seed = 3;
        const Network net = spiralNet();

        TrainingService service;
        QString error;
        QVERIFY2(service.start(net, data, s, &error), qPrintable(error));
        // Step, then Epoch (finishes the running epoch), then Play to 6 epochs.
        service.stepOnce();
        QVERIFY(service.waitIdle());
        QCOMPARE(service.latest()->step, std::int64_t(1));
        QCOMPARE(service.latest()->epoch, 0);
        service.epochOnce();
        QVERIFY(service.waitIdle());
        QCOMPARE(service.latest()->epoch, 1);
        service.setEpochLimit(6);
        // Step's and Epoch's own ends (queued) are not the limit's.
        QCoreApplication::processEvents();
        QSignalSpy stopped(&service, &TrainingService::stopped);
        service.play();
        QVERIFY(stopped.wait(20000));
        QCOMPARE(stopped.first().at(1).toBool(), false);  // the limit, not a failure
        const auto snap = service.latest();
        QCOMPARE(snap->epoch, 6);
        QVERIFY(!snap->running);

        TrainConfig cfg = s.trainConfig();
        cfg.epochs = 6;
        auto session = CpuBackend().startTraining(net, *data, s.loss, s.optimizerConfig());
        const TrainResult r = train(*session, data->size(), cfg);
        QVERIFY(sameParameters(*snap->network, session->network()));
        const TrainingHistory h = service.history();
        QCOMPARE(valuesOf(h.trainLoss), r.trainLoss);
        QCOMPARE(valuesOf(h.valLoss), r.valLoss);
        QCOMPARE(snap->step, r.steps);
        QVERIFY(snap->trainAccuracy.has_value());  // spiral has class targets
        QCOMPARE(snap->valAccuracy.has_value(), valSplit > 0);
        // The timeline holds the start and every epoch's parameters, the last one exactly.
        const auto timeline = service.timeline();
        QCOMPARE(int(timeline.size()), 7);
        QCOMPARE(timeline.front().epoch, 0);
        QVERIFY(sameParameters(*timeline.front().network, net));
        QVERIFY(sameParameters(*timeline.back().network, session->network()));
    }

    // Changes made while a run lives reach the engine exactly as the engine's own calls would:
    // a learning rate by setLearningRate (optimizer state kept), edited parameters by
    // setParameters, a batch size by TrainLoop::reconfigure; each is marked in the history.
    void liveChangesEqualTheEngineCalls() {
        auto data = std::make_shared<const Dataset>(generateDataset("spiral", 100, 0.1, 1));
        TrainingSettings s;
        s.seed = 4;
        const Network net = spiralNet();
        Network edited = net;
        edited.layers[0].W(0, 0) = 1.5f;

        TrainingService service;
        QString error;
        QVERIFY2(service.start(net, data, s, &error), qPrintable(error));
        const auto steps = [&](int n) {
            for (int i = 0; i < n; ++i) {
                service.stepOnce();
                QVERIFY(service.waitIdle());
            }
        };
        steps(7);
        TrainingSettings faster = s;
        faster.lr = 0.05f;
        service.changeSettings(faster);
        steps(5);
        const std::uint64_t generation = service.changeNetwork(edited);
        QCOMPARE(service.latest()->generation, generation);
        QCOMPARE(service.latest()->network->layers[0].W(0, 0), 1.5f);
        steps(6);
        TrainingSettings bigger = faster;
        bigger.batch = 25;
        service.changeSettings(bigger);
        QCOMPARE(service.latest()->batchesPerEpoch, 4);
        steps(9);

        auto session = CpuBackend().startTraining(net, *data, s.loss, s.optimizerConfig());
        TrainLoop loop(*session, data->size(), s.trainConfig());
        const auto advance = [&](int n) {
            for (int i = 0; i < n; ++i)
                loop.advance(1);
        };
        advance(7);
        session->setLearningRate(0.05f);
        advance(5);
        session->setParameters(edited);
        advance(6);
        loop.reconfigure(data->size(), bigger.trainConfig());
        advance(9);
        QVERIFY(sameParameters(*service.latest()->network, session->network()));
        QCOMPARE(service.latest()->step, loop.steps());
        QCOMPARE(service.latest()->epoch, loop.epochsDone());
        const TrainingHistory h = service.history();
        QCOMPARE(int(h.changes.size()), 2);
        QVERIFY(h.changes[0].text.contains("learning rate"));
        QCOMPARE(h.changes[0].step, std::int64_t(7));
        QVERIFY(h.changes[1].text.contains("batch 10 → 25"));
        // A new optimizer restarts its state: a fresh session from the current parameters.
        TrainingSettings momentum = bigger;
        momentum.optimizer = OptimizerKind::Momentum;
        service.changeSettings(momentum);
        QVERIFY(service.history().changes.back().text.contains("optimizer state restarted"));
        QVERIFY(sameParameters(*service.latest()->network, session->network()));
        // A refused change keeps the old settings.
        QSignalSpy changed(&service, &TrainingService::changed);
        TrainingSettings bad = momentum;
        bad.valSplit = 0.999;
        service.changeSettings(bad);
        QTRY_VERIFY(!changed.isEmpty());
        QVERIFY(changed.last().at(1).toBool());
        QCOMPARE(service.settings().valSplit, 0.0);
    }

    void pauseStopsPlay() {
        auto data = std::make_shared<const Dataset>(generateDataset("spiral", 500, 0.1, 1));
        TrainingService service;
        QString error;
        QVERIFY(service.start(spiralNet(), data, {}, &error));
        QSignalSpy progressed(&service, &TrainingService::progressed);
        service.play();
        QVERIFY(progressed.wait(10000));
        QVERIFY(service.running());
        service.pause();
        QVERIFY(!service.running());
        const auto snap = service.latest();
        QVERIFY(!snap->running);
        QVERIFY(snap->step > 0);
        // Nothing moves after Pause returned.
        QTest::qWait(50);
        QCOMPARE(service.latest()->serial, snap->serial);
    }

    void divergenceStopsWithFiniteParameters() {
        auto data = std::make_shared<const Dataset>(generateDataset("spiral", 100, 0.1, 1));
        TrainingSettings s;
        s.optimizer = OptimizerKind::Sgd;
        s.lr = 1e30f;
        Network net = spiralNet();
        net.layers.back().activation = Activation::Linear;
        TrainingService service;
        QString error;
        QVERIFY(service.start(net, data, s, &error));
        QSignalSpy stopped(&service, &TrainingService::stopped);
        service.play();
        QVERIFY(stopped.wait(10000));
        QVERIFY(stopped.first().at(1).toBool());
        QVERIFY2(stopped.first().at(0).toString().contains("diverged"),
                 qPrintable(stopped.first().at(0).toString()));
        QVERIFY(finite(*service.latest()->network));
    }

    void refusesMismatchedData() {
        auto data = std::make_shared<const Dataset>(generateDataset("spiral", 50, 0.1, 1));
        Network net = Network::initialized(3, {{1, Activation::Tanh}}, 1);
        TrainingService service;
        QString error;
        QVERIFY(!service.start(net, data, {}, &error));
        QVERIFY2(error.contains("3 inputs"), qPrintable(error));
        QVERIFY(!service.hasRun());
    }

    void timelineIsDenseEarlyAndBounded() {
        auto net = std::make_shared<const Network>(spiralNet());
        Timeline t;
        for (int e = 0; e <= 4096; ++e)
            if (t.wants(e)) t.add({e, e * 10, net});
        // 0..64 every epoch, then 64 per octave.
        QVERIFY(t.wants(63) && t.wants(64) && t.wants(65));
        QVERIFY(!t.wants(129) && t.wants(130));
        QVERIFY(!t.wants(257) && t.wants(260));
        QVERIFY(t.entries().size() < 64 * 8);
        QCOMPARE(t.nearest(129)->epoch, 128);
        QCOMPARE(t.nearest(5000)->epoch, 4096);
        // A small budget thins it further and keeps the start.
        Timeline small(20 * 1024);
        for (int e = 0; e <= 1000; ++e)
            if (small.wants(e)) small.add({e, e, net});
        QVERIFY(small.bytes() <= 20 * 1024);
        QCOMPARE(small.entries().front().epoch, 0);
        small.truncate(100);
        QVERIFY(small.entries().back().epoch <= 100);
    }
};

QTEST_GUILESS_MAIN(TestTrainingService)
#include "tst_training_service.moc"
