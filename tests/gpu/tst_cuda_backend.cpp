// The CUDA backend: the conformance rows (skipped without a device), CPU/GPU parity, and device
// detection.
#include "backend_conformance.hpp"
#include "gpu/cuda_backend.hpp"

namespace {

bool haveDevice() {
    return nnlens::queryCudaDevices().count > 0;
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
