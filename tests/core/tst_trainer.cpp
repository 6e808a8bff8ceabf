// Trainer and lr scan: minibatch order, Keras bookkeeping, reaching a loss on spiral and sincos,
// divergence, cancel.
#include <atomic>
#include <cmath>
#include <limits>
#include <set>

#include <QTest>

#include "compare.hpp"
#include "core/backend.hpp"
#include "core/error.hpp"
#include "core/lr_scan.hpp"
#include "core/trainer.hpp"

using namespace nnlens;

namespace {

Dataset line(int n) {
    // y = 2 x - 1 on x in [-1, 1]
    Dataset d;
    d.x.resize(n, 1);
    d.y.resize(n, 1);
    for (int i = 0; i < n; ++i) {
        d.x(i, 0) = -1.0f + 2.0f * float(i) / float(n - 1);
        d.y(i, 0) = 2.0f * d.x(i, 0) - 1.0f;
    }
    return d;
}

Network unit(float w, float b) {
    Network net;
    net.inputs = 1;
    Layer L;
    L.W = Matrix::Constant(1, 1, w);
    L.b = Vector::Constant(1, b);
    L.activation = Activation::Linear;
    net.layers = {L};
    return net;
}

// L = mean (w x + b - y)^2 of unit(w, b) on `d`, with dL/dw = 2 mean (r x) and dL/db = 2 mean r,
// in double: the hand derivations' reference.
struct UnitMse {
    double loss = 0, gw = 0, gb = 0;
};
UnitMse unitMse(const Dataset& d, double w, double b) {
    UnitMse m;
    const double n = d.size();
    for (int i = 0; i < d.size(); ++i) {
        const double res = w * d.x(i, 0) + b - d.y(i, 0);
        m.loss += res * res / n;
        m.gw += 2 * res * d.x(i, 0) / n;
        m.gb += 2 * res / n;
    }
    return m;
}

std::vector<int> toVector(std::span<const int> s) {
    return {s.begin(), s.end()};
}

}  // namespace

class TestTrainer : public QObject {
    Q_OBJECT

  private slots:
    void batchesInOrderKeepTheLastSmallBatch() {
        BatchSampler s(25, 10, false, 0);
        bool pass = false;
        QCOMPARE(toVector(s.next(&pass)), (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
        QVERIFY(pass);
        QCOMPARE(toVector(s.next(&pass)).front(), 10);
        QVERIFY(!pass);
        QCOMPARE(toVector(s.next()), (std::vector<int>{20, 21, 22, 23, 24}));
        QCOMPARE(toVector(s.next(&pass)).front(), 0);
        QVERIFY(pass);
        QCOMPARE(s.passes(), 2);
    }

    void shuffledPassesArePermutations() {
        BatchSampler a(30, 7, true, 42), b(30, 7, true, 42), c(30, 7, true, 43);
        std::vector<int> first, second, other;
        for (int k = 0; k < 5; ++k) {
            for (int r : a.next())
                first.push_back(r);
            const auto rb = b.next();
            QCOMPARE(toVector(rb),
                     std::vector<int>(first.end() - std::ptrdiff_t(rb.size()), first.end()));
            for (int r : c.next())
                other.push_back(r);
        }
        for (int k = 0; k < 5; ++k)
            for (int r : a.next())
                second.push_back(r);
        QCOMPARE(std::set<int>(first.begin(), first.end()).size(), std::size_t(30));
        QCOMPARE(std::set<int>(second.begin(), second.end()).size(), std::size_t(30));
        QVERIFY(first != second);  // a fresh permutation each pass
        QVERIFY(first != other);   // the seed matters
    }

    // A setting changed while the loop runs (the window's live knobs): the next batch begins a
    // new pass with the new batch size and split; the steps and epochs done stay counted; a bad
    // change is refused and leaves the loop as it was. A batch over the rows is all the rows.
    void trainLoopReconfiguresAtTheNextBatch() {
        const Dataset d = line(40);
        const Network net =
            Network::initialized(1, {{3, Activation::Tanh}, {1, Activation::Linear}}, 2);
        CpuBackend cpu;
        auto session =
            cpu.startTraining(net, d, {Loss::Mse, Reduction::Mean}, {OptimizerKind::Adam, 0.01f});
        TrainConfig cfg;
        cfg.batch = 4;
        TrainLoop loop(*session, d.size(), cfg);
        QCOMPARE(loop.batchesPerEpoch(), 10);
        QVERIFY(loop.advance(10).has_value());
        QVERIFY(!loop.advance(3).has_value());
        QCOMPARE(loop.stepInEpoch(), 3);
        cfg.batch = 8;
        cfg.valSplit = 0.2;
        loop.reconfigure(d.size(), cfg);
        QCOMPARE(loop.batchesPerEpoch(), 4);  // 32 training rows
        QCOMPARE(loop.trainRows(), 32);
        QCOMPARE(int(loop.validationRows().size()), 8);
        QCOMPARE(loop.stepInEpoch(), 0);
        QCOMPARE(loop.steps(), std::int64_t(13));
        QCOMPARE(loop.epochsDone(), 1);
        const auto record = loop.advance(100);
        QVERIFY(record.has_value());
        QCOMPARE(record->epoch, 2);
        QCOMPARE(record->step, std::int64_t(17));
        QVERIFY(record->valLoss.has_value());
        TrainConfig bad = cfg;
        bad.valSplit = 1.5;
        QVERIFY_THROWS_EXCEPTION(InputError, loop.reconfigure(d.size(), bad));
        QCOMPARE(loop.batchesPerEpoch(), 4);
        cfg.batch = 2147483647;  // clamped to the rows, no overflow
        loop.reconfigure(d.size(), cfg);
        QCOMPARE(loop.batchesPerEpoch(), 1);
        TrainConfig huge;
        huge.batch = 2147483647;
        TrainLoop again(*session, d.size(), huge);
        QCOMPARE(again.batchesPerEpoch(), 1);
        QVERIFY(again.advance(1).has_value());
    }

    void trainLoopInPiecesEqualsTrain_data() {
        QTest::addColumn<int>("chunk");
        QTest::addColumn<double>("valSplit");
        QTest::newRow("one step at a time") << 1 << 0.0;
        QTest::newRow("seven steps, validation 0.2") << 7 << 0.2;
        QTest::newRow("more than an epoch per call") << 1000 << 0.3;
    }
    void trainLoopInPiecesEqualsTrain() {
        // The window advances a TrainLoop a few steps at a time (Step, Play, Pause); it must give
        // the parameters and per-epoch losses of one train() call bit for bit.
        QFETCH(int, chunk);
        QFETCH(double, valSplit);
        Dataset d = line(53);
        Network net;
        net.inputs = 1;
        Layer hidden;
        hidden.W = Matrix::Constant(1, 3, 0.3f);
        hidden.W(0, 1) = -0.7f;
        hidden.b = Vector::Constant(3, 0.1f);
        hidden.activation = Activation::Tanh;
        Layer out;
        out.W = Matrix::Constant(3, 1, 0.5f);
        out.b = Vector::Constant(1, 0.0f);
        out.activation = Activation::Linear;
        net.layers = {hidden, out};
        TrainConfig cfg;
        cfg.batch = 4;
        cfg.epochs = 5;
        cfg.valSplit = valSplit;
        cfg.seed = 9;
        CpuBackend cpu;
        auto whole =
            cpu.startTraining(net, d, {Loss::Mse, Reduction::Mean}, {OptimizerKind::Adam, 0.01f});
        const TrainResult r = train(*whole, d.size(), cfg);
        auto pieces =
            cpu.startTraining(net, d, {Loss::Mse, Reduction::Mean}, {OptimizerKind::Adam, 0.01f});
        TrainLoop loop(*pieces, d.size(), cfg);
        std::vector<float> trainLoss, valLoss;
        while (loop.epochsDone() < cfg.epochs) {
            if (const auto record = loop.advance(chunk)) {
                trainLoss.push_back(record->trainLoss);
                if (record->valLoss) valLoss.push_back(*record->valLoss);
                QCOMPARE(record->epoch, loop.epochsDone());
                QCOMPARE(record->step, loop.steps());
                QCOMPARE(loop.stepInEpoch(), 0);
            }
        }
        QCOMPARE(loop.steps(), r.steps);
        QCOMPARE(trainLoss, r.trainLoss);
        QCOMPARE(valLoss, r.valLoss);
        QCOMPARE(valLoss.empty(), valSplit == 0.0);
        const Network a = whole->network(), b = pieces->network();
        for (std::size_t l = 0; l < a.layers.size(); ++l) {
            QVERIFY(a.layers[l].W == b.layers[l].W);
            QVERIFY(a.layers[l].b == b.layers[l].b);
        }
    }

    void epochLossIsMeanOfBatchLossesBeforeUpdate() {
        // With lr = 0 nothing changes, so each epoch's loss is the mean of the fixed batch losses.
        const Dataset d = line(25);
        const Network net = unit(0.5f, 0.25f);
        auto session = CpuBackend().startTraining(net, d, {Loss::Mse, Reduction::Mean},
                                                  {OptimizerKind::Sgd, 0.0f});
        TrainConfig cfg;
        cfg.batch = 10;
        cfg.epochs = 2;
        cfg.shuffle = false;
        const TrainResult r = train(*session, d.size(), cfg);
        double expected = 0;
        for (auto [b, e] : {std::pair{0, 10}, {10, 20}, {20, 25}}) {
            double sum = 0;
            for (int i = b; i < e; ++i)
                sum += std::pow(0.5 * d.x(i, 0) + 0.25 - d.y(i, 0), 2);
            expected += sum / (e - b);
        }
        expected /= 3;
        QCOMPARE(r.trainLoss.size(), std::size_t(2));
        NNLENS_CLOSE(r.trainLoss[0], expected, 1e-6, 1e-5);
        NNLENS_CLOSE(r.trainLoss[1], expected, 1e-6, 1e-5);
        QCOMPARE(r.steps, std::int64_t(6));
        QCOMPARE(r.epochs, 2);
    }

    void fullBatchSgdMatchesHandDerivation() {
        // L = mean (w x + b - y)^2; dL/dw = 2 mean (r x), dL/db = 2 mean r; w -= lr dL/dw.
        const Dataset d = line(11);
        auto session = CpuBackend().startTraining(unit(0.0f, 0.0f), d, {Loss::Mse, Reduction::Mean},
                                                  {OptimizerKind::Sgd, 0.1f});
        TrainConfig cfg;
        cfg.batch = 11;
        cfg.steps = 3;
        cfg.shuffle = false;
        const TrainResult r = train(*session, d.size(), cfg);
        double w = 0, b = 0;
        for (int s = 0; s < 3; ++s) {
            const auto [loss, gw, gb] = unitMse(d, w, b);
            NNLENS_CLOSE(r.trainLoss[std::size_t(s)], loss, 1e-6, 1e-5);
            w -= 0.1 * gw;
            b -= 0.1 * gb;
        }
        const Network out = session->network();
        NNLENS_CLOSE(out.layers[0].W(0, 0), w, 1e-6, 1e-5);
        NNLENS_CLOSE(out.layers[0].b(0), b, 1e-6, 1e-5);
    }

    // Spec section 10: the loss gains l1 sum|W| + l2/2 sum W^2 (biases excluded); its gradient
    // l1 sign(W) + l2 W joins dW before the update; train_loss stays the data loss and "penalty"
    // records the penalty after each step. Derived by hand in double, as the test above.
    void regularizationJoinsTheWeightGradient_data() {
        QTest::addColumn<double>("l1");
        QTest::addColumn<double>("l2");
        QTest::addColumn<float>("w0");
        QTest::newRow("l2 (SGD weight_decay)") << 0.0 << 0.5 << 0.3f;
        QTest::newRow("l1") << 0.2 << 0.0 << -0.3f;
        QTest::newRow("both") << 0.2 << 0.5 << 0.3f;
        QTest::newRow("l1 at w = 0: sign(0) = 0") << 0.2 << 0.0 << 0.0f;
    }
    void regularizationJoinsTheWeightGradient() {
        QFETCH(double, l1);
        QFETCH(double, l2);
        QFETCH(float, w0);
        const Dataset d = line(11);
        OptimizerConfig opt{OptimizerKind::Sgd, 0.1f};
        opt.l1 = static_cast<float>(l1);
        opt.l2 = static_cast<float>(l2);
        auto session =
            CpuBackend().startTraining(unit(w0, 0.1f), d, {Loss::Mse, Reduction::Mean}, opt);
        TrainConfig cfg;
        cfg.batch = 11;
        cfg.steps = 3;
        cfg.shuffle = false;
        const TrainResult r = train(*session, d.size(), cfg);
        QCOMPARE(r.penalty.size(), std::size_t(3));
        double w = w0, b = 0.1;
        for (int s = 0; s < 3; ++s) {
            const auto [loss, gw, gb] = unitMse(d, w, b);
            NNLENS_CLOSE(r.trainLoss[std::size_t(s)], loss, 1e-6, 1e-5);  // the data loss
            const double sign = w > 0 ? 1.0 : (w < 0 ? -1.0 : 0.0);
            w -= 0.1 * (gw + l1 * sign + l2 * w);
            b -= 0.1 * gb;  // no penalty on the bias
            NNLENS_CLOSE(r.penalty[std::size_t(s)], l1 * std::abs(w) + l2 / 2 * w * w, 1e-6, 1e-5);
        }
        const Network out = session->network();
        NNLENS_CLOSE(out.layers[0].W(0, 0), w, 1e-6, 1e-5);
        NNLENS_CLOSE(out.layers[0].b(0), b, 1e-6, 1e-5);
        NNLENS_CLOSE(session->penalty(),
                     weightPenalty(out, static_cast<float>(l1), static_cast<float>(l2)), 1e-12,
                     1e-9);
    }

    void regularizationRefusesNegativeOrNonFinite() {
        for (const float bad : {-0.1f, std::numeric_limits<float>::infinity(),
                                std::numeric_limits<float>::quiet_NaN()}) {
            OptimizerConfig opt{OptimizerKind::Sgd, 0.1f};
            opt.l2 = bad;
            const Dataset d = line(3);
            QVERIFY_THROWS_EXCEPTION(
                InputError,
                CpuBackend().startTraining(unit(0, 0), d, {Loss::Mse, Reduction::Mean}, opt));
        }
        // Without regularization the penalty is 0 and recorded as such.
        const Dataset d = line(5);  // the session reads it: it must outlive the session
        auto session = CpuBackend().startTraining(unit(1, 0), d, {Loss::Mse, Reduction::Mean},
                                                  {OptimizerKind::Sgd, 0.1f});
        TrainConfig cfg;
        cfg.epochs = 2;
        const TrainResult r = train(*session, 5, cfg);
        QCOMPARE(r.penalty, std::vector<float>({0.0f, 0.0f}));
    }

    void stepsModeRecordsEveryStep() {
        const Dataset d = line(25);
        auto session = CpuBackend().startTraining(unit(0, 0), d, {Loss::Mse, Reduction::Mean},
                                                  {OptimizerKind::Adam, 0.01f});
        TrainConfig cfg;
        cfg.batch = 10;
        cfg.steps = 7;
        cfg.valSplit = 0.2;  // 20 training rows -> 2 batches a pass
        const TrainResult r = train(*session, d.size(), cfg);
        QCOMPARE(r.steps, std::int64_t(7));
        QCOMPARE(r.trainLoss.size(), std::size_t(7));
        QCOMPARE(r.valLoss.size(), std::size_t(7));
        QCOMPARE(r.epochs, 4);
    }

    void validationSplitIsTheLastRows() {
        const Dataset d = line(100);
        auto session = CpuBackend().startTraining(unit(0, 0), d, {Loss::Mse, Reduction::Mean},
                                                  {OptimizerKind::Adam, 0.05f});
        TrainConfig cfg;
        cfg.epochs = 5;
        cfg.valSplit = 0.25;
        QCOMPARE(trainingRows(100, 0.25), 75);
        QCOMPARE(trainingRows(10, 0.33), 6);  // floor(10 * 0.67), as Keras
        const TrainResult r = train(*session, d.size(), cfg);
        QCOMPARE(r.valLoss.size(), std::size_t(5));
        const Network net = session->network();
        double loss = 0;
        for (int i = 75; i < 100; ++i)
            loss +=
                std::pow(net.layers[0].W(0, 0) * d.x(i, 0) + net.layers[0].b(0) - d.y(i, 0), 2) /
                25;
        NNLENS_CLOSE(r.valLoss.back(), loss, 1e-6, 1e-5);
    }

    void learnsSpiral() {
        const Dataset d = generateDataset("spiral", 500, 0.1, 1);
        const Network net = Network::initialized(
            2, {{16, Activation::Tanh}, {16, Activation::Tanh}, {1, Activation::Sigmoid}}, 1);
        auto session = CpuBackend().startTraining(net, d, {Loss::Bce, Reduction::Mean},
                                                  {OptimizerKind::Adam, 0.01f});
        TrainConfig cfg;
        cfg.epochs = 200;
        const TrainResult r = train(*session, d.size(), cfg);
        QVERIFY2(r.trainLoss.back() < 0.2f, qPrintable(QString("loss %1").arg(r.trainLoss.back())));
        const Trace t = forward(session->network(), d.x);
        int right = 0;
        for (int i = 0; i < d.size(); ++i)
            right += (t.output()(i, 0) > 0.5f) == (d.y(i, 0) > 0.5f);
        QVERIFY2(right >= 475, qPrintable(QString("%1 of 500 right").arg(right)));
    }

    void learnsSinCos() {
        // The seed's Keras example: 2-3-1 tanh, Adam(1e-3), batch 10, 500 epochs, validation_split
        // 0.2.
        const Dataset d = generateDataset("sincos", 100, 0.0, 1);
        const Network net =
            Network::initialized(2, {{3, Activation::Tanh}, {1, Activation::Tanh}}, 0);
        auto session = CpuBackend().startTraining(net, d, {Loss::Mse, Reduction::Mean},
                                                  {OptimizerKind::Adam, 1e-3f});
        TrainConfig cfg;
        cfg.epochs = 500;
        cfg.valSplit = 0.2;
        const TrainResult r = train(*session, d.size(), cfg);
        QVERIFY2(r.trainLoss.back() < 0.005f,
                 qPrintable(QString("loss %1").arg(r.trainLoss.back())));
        QVERIFY2(r.valLoss.back() < 0.005f,
                 qPrintable(QString("val loss %1").arg(r.valLoss.back())));
        QVERIFY(r.trainLoss.front() > 10 * r.trainLoss.back());
    }

    void divergenceKeepsLastFiniteParameters() {
        const Dataset d = line(20);
        auto session = CpuBackend().startTraining(unit(1, 0), d, {Loss::Mse, Reduction::Mean},
                                                  {OptimizerKind::Sgd, 1e6f});
        TrainConfig cfg;
        cfg.epochs = 50;
        cfg.batch = 20;
        const TrainResult r = train(*session, d.size(), cfg);
        QVERIFY(r.diverged);
        QVERIFY2(QString::fromStdString(r.stopReason).startsWith("diverged at step"),
                 r.stopReason.c_str());
        QVERIFY(r.steps < 50);
        const Network net = session->network();
        QVERIFY(net.layers[0].W.allFinite() && net.layers[0].b.allFinite());
        for (float l : r.trainLoss)
            QVERIFY(std::isfinite(l));
    }

    // #19 item 11: an infinite loss before any update is not called a divergence, nor blamed on
    // the learning rate.
    void anInfiniteStartingLossSaysWhatIsInfinite() {
        const Dataset d = line(20);
        auto session = CpuBackend().startTraining(
            unit(3e38f, 3e38f), d, {Loss::Mse, Reduction::Mean}, {OptimizerKind::Sgd, 0.01f});
        TrainConfig cfg;
        cfg.epochs = 3;
        cfg.batch = 20;
        const TrainResult r = train(*session, d.size(), cfg);
        QVERIFY(r.diverged);
        QVERIFY2(QString::fromStdString(r.stopReason)
                     .startsWith("the loss is infinite at step 1 (epoch 1), before any update: "
                                 "the starting network's outputs on this batch or its targets "
                                 "overflow 32-bit floats"),
                 r.stopReason.c_str());
        QVERIFY(!QString::fromStdString(r.stopReason).contains("try a smaller learning rate"));
    }

    void cancelStopsBetweenSteps() {
        const Dataset d = line(30);
        auto session = CpuBackend().startTraining(unit(0, 0), d, {Loss::Mse, Reduction::Mean},
                                                  {OptimizerKind::Adam, 0.01f});
        std::atomic<bool> cancel{false};
        TrainConfig cfg;
        cfg.epochs = 100;
        const TrainResult r = train(
            *session, d.size(), cfg,
            [&](const TrainProgress& p) {
                if (p.epoch == 3) cancel = true;
            },
            &cancel);
        QVERIFY(r.cancelled);
        QCOMPARE(r.trainLoss.size(), std::size_t(3));
        QCOMPARE(r.steps, std::int64_t(9));
    }

    void badConfigurationsAreRefused_data() {
        QTest::addColumn<int>("batch");
        QTest::addColumn<int>("epochs");
        QTest::addColumn<double>("split");
        QTest::addColumn<QString>("message");
        QTest::newRow("batch 0") << 0 << 1 << 0.0 << "batch size must be at least 1";
        QTest::newRow("epochs 0") << 1 << 0 << 0.0 << "epochs must be at least 1";
        QTest::newRow("split 1") << 1 << 1 << 1.0 << "validation split must be in [0, 1)";
        QTest::newRow("split too large for 3 rows")
            << 1 << 1 << 0.9 << "no rows left for training after the validation split";
    }
    void badConfigurationsAreRefused() {
        QFETCH(int, batch);
        QFETCH(int, epochs);
        QFETCH(double, split);
        QFETCH(QString, message);
        const Dataset d = line(3);
        auto session = CpuBackend().startTraining(unit(0, 0), d, {Loss::Mse, Reduction::Mean},
                                                  {OptimizerKind::Sgd, 0.1f});
        TrainConfig cfg;
        cfg.batch = batch;
        cfg.epochs = epochs;
        cfg.valSplit = split;
        try {
            train(*session, d.size(), cfg);
            QFAIL("no exception");
        } catch (const InputError& e) {
            QCOMPARE(QString(e.what()), message);
        }
    }

    void logspaceMatchesNumpy() {
        const std::vector<double> lr = logspace(1e-6, 1.0, 100);
        QCOMPARE(lr.size(), std::size_t(100));
        NNLENS_CLOSE(lr.front(), 1e-6, 0, 1e-15);
        QCOMPARE(lr.back(), 1.0);
        NNLENS_CLOSE(lr[50], std::pow(10.0, -6.0 + 50 * 6.0 / 99), 0, 1e-15);
    }

    void lrScanFollowsTheSeed() {
        const Dataset d = line(40);
        const Network net = unit(0.0f, 0.0f);
        auto session = CpuBackend().startTraining(net, d, {Loss::Mse, Reduction::Mean},
                                                  {OptimizerKind::Sgd, 0.123f});
        LrScanConfig cfg;
        cfg.start = 1e-4;
        cfg.stop = 100;
        cfg.steps = 60;
        cfg.batch = 10;
        const LrScanResult r = lrScan(*session, d.size(), cfg);
        const std::vector<double> schedule = logspace(1e-4, 100, 60);
        QVERIFY(r.loss.size() < 60);  // sgd blows up well before lr = 100
        QVERIFY(r.loss.back() > 10 * r.loss.front() || !std::isfinite(r.loss.back()));
        for (std::size_t i = 0; i < r.lr.size(); ++i)
            QCOMPARE(r.lr[i], schedule[i]);
        const auto best =
            std::size_t(std::min_element(r.loss.begin(), r.loss.end()) - r.loss.begin());
        QCOMPARE(r.recommended, 0.5 * schedule[best]);
        // the network, the optimizer state and its learning rate are restored
        const Network after = session->network();
        QCOMPARE(after.layers[0].W(0, 0), 0.0f);
        QCOMPARE(after.layers[0].b(0), 0.0f);
        QCOMPARE(session->learningRate(), 0.123f);
    }

    void lrScanRestoresAdamState() {
        const Dataset d = line(20);
        const Network net = unit(0.3f, -0.2f);
        auto a = CpuBackend().startTraining(net, d, {Loss::Mse, Reduction::Mean},
                                            {OptimizerKind::Adam, 0.01f});
        auto b = CpuBackend().startTraining(net, d, {Loss::Mse, Reduction::Mean},
                                            {OptimizerKind::Adam, 0.01f});
        const std::vector<int> rows = {0, 1, 2, 3, 4};
        a->step(rows);
        b->step(rows);
        LrScanConfig cfg;
        cfg.steps = 20;
        lrScan(*a, d.size(), cfg);
        a->step(rows);
        b->step(rows);
        QCOMPARE(a->network().layers[0].W(0, 0), b->network().layers[0].W(0, 0));
        QCOMPARE(a->network().layers[0].b(0), b->network().layers[0].b(0));
    }
};

QTEST_GUILESS_MAIN(TestTrainer)
#include "tst_trainer.moc"
