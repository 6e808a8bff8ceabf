// The CUDA backend: the conformance rows (skipped without a device), CPU/GPU parity, edits that
// recompute only what they touch, and evaluators that share nothing.
#include <atomic>
#include <thread>

#include "backend_conformance.hpp"
#include "gpu/cuda_backend.hpp"

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

}  // namespace

class TestCudaBackendConformance : public nnlens::test::BackendConformance {
    Q_OBJECT

  protected:
    std::unique_ptr<nnlens::Backend> makeBackend() override {
        if (!haveDevice()) return nullptr;
        return std::make_unique<nnlens::CudaBackend>();
    }
    QString skipReason() const override { return QStringLiteral("no CUDA device"); }

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
};

QTEST_GUILESS_MAIN(TestCudaBackendConformance)
#include "tst_cuda_backend.moc"
