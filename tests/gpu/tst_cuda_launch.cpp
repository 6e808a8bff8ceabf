// Launch errors on every machine: a failed launch names the caller's file and line and the
// runtime's error text; an optimizer kind that is none of core's fails before any launch.
#include <string>

#include <QTest>

#include "core/error.hpp"
#include "gpu/cuda_check.hpp"
#include "gpu/launch.hpp"

class TestCudaLaunch : public QObject {
    Q_OBJECT

  private slots:
    void fileNameKeepsTheLastPart() {
        QCOMPARE(nnlens::gpu::fileName("/src/nnlens/gpu/cuda_backend.cpp"), "cuda_backend.cpp");
        QCOMPARE(nnlens::gpu::fileName("cuda_backend.cpp"), "cuda_backend.cpp");
    }

    void failedLaunchNamesTheCaller() {
        // 20001 bins ask for 80 kB of dynamic shared memory, over the 48 kB a launch gets without
        // opting in: the launch fails on a device (invalid argument) as it does without one (no
        // driver or no device), and nothing runs.
        std::string message;
        int line = 0;
        try {
            line = __LINE__ + 1;
            NNLENS_CUDA_CHECK(
                nnlens::gpu::histograms(nullptr, 1, 1, 20000, nullptr, nullptr, nullptr));
        } catch (const nnlens::BackendFailure& e) {
            message = e.what();
        }
        QVERIFY2(!message.empty(), "the failed launch threw no BackendFailure");
        const std::string where = "tst_cuda_launch.cpp:" + std::to_string(line) + ")";
        QVERIFY2(message.find(where) != std::string::npos, message.c_str());
        QVERIFY2(message.find("nnlens::gpu::histograms(") == 0, message.c_str());
        QVERIFY2(message.find("kernels.cu") == std::string::npos, message.c_str());
        // The runtime's own text follows the call: "...): <cudaGetErrorString> (error N, ...".
        QVERIFY2(message.find("): ") != std::string::npos &&
                     message.find(" (error ") != std::string::npos,
                 message.c_str());
        // On a device the launch error is not sticky: NNLENS_CUDA_CHECK consumed it and the next
        // query starts clean. Without one (no driver, no device) the runtime's own start-up
        // error is all it ever reports. (#19: this compared cudaGetLastError() with itself.)
        int devices = 0;
        const bool device = cudaGetDeviceCount(&devices) == cudaSuccess && devices > 0;
        const cudaError_t next = cudaGetLastError();
        if (device) {
            QCOMPARE(next, cudaSuccess);
        } else {
            QVERIFY2(next == cudaErrorInsufficientDriver || next == cudaErrorNoDevice ||
                         next == cudaErrorInitializationError || next == cudaErrorStubLibrary,
                     cudaGetErrorName(next));
        }
    }

    void unknownOptimizerKindThrows() {
        const auto unknown = static_cast<nnlens::OptimizerKind>(7);
        QVERIFY_THROWS_EXCEPTION(nnlens::InputError, [&] {
            (void)nnlens::gpu::optimizerStep(unknown, nullptr, nullptr, nullptr, nullptr, nullptr,
                                             1, {}, {}, {});
        }());
    }
};

QTEST_GUILESS_MAIN(TestCudaLaunch)
#include "tst_cuda_launch.moc"
