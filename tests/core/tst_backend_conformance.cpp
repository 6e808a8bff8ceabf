// The backend conformance rows, run for CpuBackend (the reference) on every machine.
#include <cstdlib>
#include <cstring>

#include "backend_conformance.hpp"
#include "core/block.hpp"

class TestCpuBackendConformance : public nnlens::test::BackendConformance {
    Q_OBJECT

  protected:
    std::unique_ptr<nnlens::Backend> makeBackend() override {
        return std::make_unique<nnlens::CpuBackend>();
    }

  private slots:
    // The rows above ran on the instruction set this test is registered for: the baseline when
    // NNLENS_ISA=sse2 (tst_backend_conformance_sse2), else AVX2 wherever the processor has it
    // (#19: the sse2 run never said which it ran).
    void ranOnTheInstructionSetAsked() {
        const char* wanted = std::getenv("NNLENS_ISA");
        const QString isa = QString::fromLatin1(nnlens::block::instructionSet());
        if (wanted != nullptr && std::strcmp(wanted, "sse2") == 0) {
            QCOMPARE(isa, QStringLiteral("sse2"));
            return;
        }
#if defined(__x86_64__) && defined(__GNUC__)
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
            QCOMPARE(isa, QStringLiteral("avx2"));
            return;
        }
#endif
        QCOMPARE(isa, QStringLiteral("sse2"));
    }
};

QTEST_GUILESS_MAIN(TestCpuBackendConformance)
#include "tst_backend_conformance.moc"
