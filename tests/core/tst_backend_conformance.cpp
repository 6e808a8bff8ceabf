// The backend conformance rows, run for CpuBackend (the reference) on every machine.
#include "backend_conformance.hpp"

class TestCpuBackendConformance : public nnlens::test::BackendConformance {
    Q_OBJECT

  protected:
    std::unique_ptr<nnlens::Backend> makeBackend() override {
        return std::make_unique<nnlens::CpuBackend>();
    }
};

QTEST_GUILESS_MAIN(TestCpuBackendConformance)
#include "tst_backend_conformance.moc"
