// The CUDA backend: the conformance rows (skipped without a device), CPU/GPU parity, edits that
// recompute only what they touch, evaluators that share nothing, and training several steps per
// call.
#include <atomic>
#include <numeric>
#include <thread>

#include "backend_conformance.hpp"
#include "core/error.hpp"
#include "gpu/cuda_backend.hpp"

Q_DECLARE_METATYPE(nnlens::Loss)

namespace {

bool haveDevice() {
    return nnlens::queryCudaDevices().count > 0;
}

// Two maps are the same to the bit: every node's s, out and histogram, and the colour limit.
void compareMaps(const nnlens::GridMaps& got, const nnlens::GridMaps& expected) {
    QCOMPARE(got.layers(), expected.layers());
    for (std::size_t l = 0; l < expected.s.size(); ++l) {
        NNLENS_COMPARE_CLOSE(got.s[l].data(), expected.s[l].data(), expected.s[l].size(), 0, 0);
        NNLENS_COMPARE_CLOSE(got.out[l].data(), expected.out[l].data(), expected.out[l].size(), 0,
                             0);
        for (std::size_t j = 0; j < expected.hist[l].size(); ++j) {
            QCOMPARE(got.hist[l][j].counts, expected.hist[l][j].counts);
            QCOMPARE(got.hist[l][j].min, expected.hist[l][j].min);
            QCOMPARE(got.hist[l][j].max, expected.hist[l][j].max);
        }
    }
    QCOMPARE(got.colourLimit, expected.colourLimit);
}

void compareNetworks(const nnlens::Network& got, const nnlens::Network& expected, double atol,
                     double rtol) {
    for (std::size_t l = 0; l < expected.layers.size(); ++l) {
        NNLENS_COMPARE_CLOSE(got.layers[l].W.data(), expected.layers[l].W.data(),
                             expected.layers[l].W.size(), atol, rtol);
        NNLENS_COMPARE_CLOSE(got.layers[l].b.data(), expected.layers[l].b.data(),
                             expected.layers[l].b.size(), atol, rtol);
    }
}

}  // namespace

class TestCudaBackendConformance : public nnlens::test::BackendConformance {
    Q_OBJECT

  protected:
    std::unique_ptr<nnlens::Backend> makeBackend() override {
        if (!haveDevice()) return nullptr;
        return std::make_unique<nnlens::CudaBackend>();
    }
    QString skipReason() const override { return QStringLiteral("no CUDA device"); }

    nnlens::CudaBackend& cuda() { return static_cast<nnlens::CudaBackend&>(*m_backend); }

  private slots:
    // CPU and GPU maps of the same network agree to 1e-5 + 1e-4 |e| at the GUI's 250 x 250.
    void parityWithCpuAt250() {
        const nnlens::Network net = nnlens::Network::initialized(2,
                                                                 {{8, nnlens::Activation::Tanh},
                                                                  {8, nnlens::Activation::Tanh},
                                                                  {8, nnlens::Activation::Tanh},
                                                                  {1, nnlens::Activation::Tanh}},
                                                                 0);
        auto gpu = m_backend->gridEvaluator();
        auto cpu = nnlens::CpuBackend().gridEvaluator();
        gpu->compute(net, {});
        cpu->compute(net, {});
        for (int l = 0; l < 4; ++l) {
            const auto& e = cpu->maps().out[std::size_t(l)];
            NNLENS_COMPARE_CLOSE(gpu->maps().out[std::size_t(l)].data(), e.data(), e.size(), 1e-5,
                                 1e-4);
        }
    }

    // An edit recomputes from the stored maps of the layer before it; the result is the same to
    // the bit as computing everything afresh, whichever layer and node changed.
    void updateEqualsFreshCompute_data() {
        QTest::addColumn<int>("layer");
        QTest::addColumn<int>("node");
        QTest::newRow("first layer, one node") << 0 << 3;
        QTest::newRow("first layer, whole") << 0 << -1;
        QTest::newRow("middle layer, one node") << 1 << 0;
        QTest::newRow("middle layer, last node") << 1 << 19;
        QTest::newRow("softmax layer, one node") << 2 << 1;
        QTest::newRow("last layer, whole") << 3 << -1;
    }
    void updateEqualsFreshCompute() {
        QFETCH(int, layer);
        QFETCH(int, node);
        using nnlens::Activation;
        // 20 wide: the kernel's 64-wide instantiation; the softmax layer's nodes all change.
        nnlens::Network net = nnlens::Network::initialized(2,
                                                           {{6, Activation::Relu},
                                                            {20, Activation::Tanh},
                                                            {4, Activation::Softmax},
                                                            {2, Activation::Sigmoid}},
                                                           7);
        const nnlens::GridConfig cfg{67, 2.5, 19};
        auto live = m_backend->gridEvaluator();
        live->compute(net, cfg);
        nnlens::Layer& L = net.layers[std::size_t(layer)];
        if (node >= 0) {
            L.W(0, node) += 0.75f;
            L.b(node) -= 0.25f;
        } else {
            L.W *= 1.5f;
        }
        live->update(net, layer, node);
        auto fresh = m_backend->gridEvaluator();
        fresh->compute(net, cfg);
        compareMaps(live->maps(), fresh->maps());
        QCOMPARE(live->maps().arrows.size(), fresh->maps().arrows.size());
        for (std::size_t j = 0; j < fresh->maps().arrows.size(); ++j) {
            QCOMPARE(live->maps().arrows[j].has_value(), fresh->maps().arrows[j].has_value());
            if (fresh->maps().arrows[j]) {
                QCOMPARE(live->maps().arrows[j]->w[0], fresh->maps().arrows[j]->w[0]);
                QCOMPARE(live->maps().arrows[j]->origin[1], fresh->maps().arrows[j]->origin[1]);
            }
        }
    }

    // Two evaluators on two threads (a map worker and a training view, say) never see each
    // other's network: each result equals the same evaluator's result computed alone.
    void evaluatorsOnTwoThreadsShareNothing() {
        using nnlens::Activation;
        const nnlens::Network a = nnlens::Network::initialized(
            2, {{16, Activation::Tanh}, {16, Activation::Tanh}, {1, Activation::Tanh}}, 1);
        const nnlens::Network b = nnlens::Network::initialized(
            2, {{3, Activation::Relu}, {5, Activation::Sigmoid}, {2, Activation::Linear}}, 2);
        const nnlens::GridConfig cfg{128, 3.0, 25};
        auto aloneA = m_backend->gridEvaluator();
        auto aloneB = m_backend->gridEvaluator();
        aloneA->compute(a, cfg);
        aloneB->compute(b, cfg);
        auto evalA = m_backend->gridEvaluator();
        auto evalB = m_backend->gridEvaluator();
        std::atomic<int> mismatches{0};
        const auto worker = [&](nnlens::GridEvaluator& e, const nnlens::Network& net,
                                const nnlens::GridEvaluator& alone) {
            try {
                for (int i = 0; i < 25; ++i) {
                    e.compute(net, cfg);
                    for (std::size_t l = 0; l < net.layers.size(); ++l) {
                        if (e.maps().out[l] != alone.maps().out[l]) ++mismatches;
                    }
                }
            } catch (const std::exception&) {
                ++mismatches;
            }
        };
        std::thread ta(worker, std::ref(*evalA), std::cref(a), std::cref(*aloneA));
        std::thread tb(worker, std::ref(*evalB), std::cref(b), std::cref(*aloneB));
        ta.join();
        tb.join();
        QCOMPARE(mismatches.load(), 0);
    }

    // dW and db over batches of every size the block reduction meets: one partial warp, a warp
    // and one, a whole block, several rows per thread.
    void weightGradientsOverBatchSizes_data() {
        QTest::addColumn<int>("rows");
        for (int n : {1, 31, 33, 256, 300, 5000})
            QTest::newRow(qPrintable(QStringLiteral("%1 rows").arg(n))) << n;
    }
    void weightGradientsOverBatchSizes() {
        QFETCH(int, rows);
        using nnlens::Activation;
        const nnlens::Network net = nnlens::Network::initialized(
            3, {{7, Activation::Tanh}, {5, Activation::Elu}, {2, Activation::Linear}}, 12);
        const nnlens::Dataset d = regressionData(rows, 3, 2, 13);
        // Mean: the terms stay near 1 whatever the batch, so one tolerance fits every row count.
        const nnlens::LossConfig loss{nnlens::Loss::Mse, nnlens::Reduction::Mean};
        const nnlens::Gradients g = m_backend->gradients(net, d, loss);
        const nnlens::Gradients e = nnlens::CpuBackend().gradients(net, d, loss);
        NNLENS_CLOSE(g.loss, e.loss, 1e-6, 1e-5);
        for (std::size_t l = 0; l < net.layers.size(); ++l) {
            NNLENS_COMPARE_CLOSE(g.layers[l].dW.data(), e.layers[l].dW.data(),
                                 e.layers[l].dW.size(), 1e-5, 1e-3);
            NNLENS_COMPARE_CLOSE(g.layers[l].db.data(), e.layers[l].db.data(),
                                 e.layers[l].db.size(), 1e-5, 1e-3);
        }
    }

    // steps() over K batches is K calls of step(): the same losses and the same parameters, with
    // batches of different sizes in one call.
    void multiStepEqualsSingleSteps_data() {
        QTest::addColumn<nnlens::OptimizerKind>("kind");
        QTest::addColumn<nnlens::Loss>("loss");
        QTest::newRow("sgd, mse") << nnlens::OptimizerKind::Sgd << nnlens::Loss::Mse;
        QTest::newRow("momentum, l2") << nnlens::OptimizerKind::Momentum << nnlens::Loss::L2;
        QTest::newRow("adam, mse") << nnlens::OptimizerKind::Adam << nnlens::Loss::Mse;
    }
    void multiStepEqualsSingleSteps() {
        QFETCH(nnlens::OptimizerKind, kind);
        QFETCH(nnlens::Loss, loss);
        using nnlens::Activation;
        const nnlens::Network net = nnlens::Network::initialized(
            2, {{8, Activation::Tanh}, {8, Activation::Tanh}, {1, Activation::Linear}}, 5);
        const nnlens::Dataset d = regressionData(500, 2, 1, 6);
        const nnlens::LossConfig lc{loss, nnlens::defaultReduction(loss)};
        auto batched = cuda().startCudaTraining(net, d, lc, {kind, 0.01f});
        auto single = cuda().startCudaTraining(net, d, lc, {kind, 0.01f});
        nnlens::BatchSampler sampler(500, 64, true, 3);
        std::vector<std::vector<int>> rows;
        for (int s = 0; s < 20; ++s) {
            const std::span<const int> b = sampler.next();
            rows.emplace_back(b.begin(), b.end());
        }
        std::vector<std::span<const int>> batches(rows.begin(), rows.end());
        // Two calls, to check that the step count (adam's bias correction) carries over.
        std::vector<nnlens::TrainingSession::StepResult> got =
            batched->steps(std::span(batches).first(12));
        const auto rest = batched->steps(std::span(batches).subspan(12));
        got.insert(got.end(), rest.begin(), rest.end());
        QCOMPARE(got.size(), batches.size());
        for (std::size_t s = 0; s < batches.size(); ++s) {
            const auto expected = single->step(batches[s]);
            QVERIFY(got[s].ok && expected.ok);
            NNLENS_CLOSE(got[s].loss, expected.loss, 1e-7, 1e-6);  // atomics add in any order
        }
        compareNetworks(batched->network(), single->network(), 0, 0);
    }

    // A step whose update overflows stops the call: it is the last result, not ok, and the
    // parameters are those of the step before, as with step() and the CPU.
    void multiStepStopsAtDivergence() {
        using nnlens::Activation;
        const nnlens::Network net =
            nnlens::Network::initialized(2, {{4, Activation::Linear}, {1, Activation::Linear}}, 9);
        nnlens::Dataset d = regressionData(64, 2, 1, 10);
        d.y *= 1e6f;
        const nnlens::LossConfig lc{nnlens::Loss::Mse, nnlens::Reduction::Mean};
        const nnlens::OptimizerConfig opt{nnlens::OptimizerKind::Sgd, 1e3f};
        auto batched = cuda().startCudaTraining(net, d, lc, opt);
        auto cpu = nnlens::CpuBackend().startTraining(net, d, lc, opt);
        std::vector<int> all(64);
        std::iota(all.begin(), all.end(), 0);
        const std::vector<std::span<const int>> batches(50, std::span<const int>(all));
        const auto got = batched->steps(batches);
        QVERIFY(got.size() < batches.size());
        QVERIFY(!got.back().ok);
        std::size_t cpuSteps = 0;
        nnlens::Network lastGood = net;
        for (;;) {
            const auto r = cpu->step(all);
            ++cpuSteps;
            if (!r.ok) break;
            lastGood = cpu->network();
            QVERIFY(cpuSteps < batches.size());
        }
        QCOMPARE(got.size(), cpuSteps);
        for (std::size_t s = 0; s + 1 < got.size(); ++s)
            QVERIFY(got[s].ok);
        compareNetworks(batched->network(), lastGood, 1e-5, 1e-4);
        // The parameters left are finite and later calls go on from them.
        const auto again = batched->steps(std::span(batches).first(1));
        QCOMPARE(again.size(), std::size_t(1));
    }

    void unknownOptimizerKindThrows() {
        const nnlens::Network net =
            nnlens::Network::initialized(2, {{1, nnlens::Activation::Linear}}, 0);
        const nnlens::Dataset d = regressionData(4, 2, 1, 0);
        const nnlens::OptimizerConfig opt{static_cast<nnlens::OptimizerKind>(9), 0.1f};
        QVERIFY_THROWS_EXCEPTION(nnlens::InputError,
                                 m_backend->startTraining(net, d, {nnlens::Loss::Mse}, opt));
    }

    // The bench's figures come from the evaluator's own phases.
    void gridTimingCountsTheKernelsBytes() {
        using nnlens::Activation;
        const nnlens::Network net = nnlens::Network::initialized(
            2, {{16, Activation::Tanh}, {16, Activation::Tanh}, {1, Activation::Tanh}}, 0);
        const nnlens::CudaGridTiming t = nnlens::timeCudaGrid(net, {256, 3.0, 25}, 3);
        QCOMPARE(t.runs, 3);
        QVERIFY(t.kernelMs > 0 && t.copyMs > 0 && t.totalMs >= t.kernelMs);
        QCOMPARE(t.copyBytes, 2.0 * 33 * 256 * 256 * 4);
        QVERIFY(t.kernelGBps() > 0);
    }
};

QTEST_GUILESS_MAIN(TestCudaBackendConformance)
#include "tst_cuda_backend.moc"
