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
};

QTEST_GUILESS_MAIN(TestCudaBackendConformance)
#include "tst_cuda_backend.moc"
