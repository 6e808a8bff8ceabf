// Backend selection for nnlens-cli: the one place that maps "--backend cpu|cuda|auto" to an engine.
#include "backend_select.hpp"

#include <iostream>
#include <string>

#include "args.hpp"
#include "core/fallback_backend.hpp"

#if NNLENS_HAVE_CUDA
#include "gpu/cuda_backend.hpp"
#endif

namespace nnlens::cli {

std::unique_ptr<Backend> makeBackend(std::string_view name) {
    if (name != "cpu" && name != "cuda" && name != "auto") {
        throw UsageError("--backend: unknown backend \"" + std::string(name) +
                         "\" (known: cpu, cuda, auto)");
    }
    if (name == "cpu") return std::make_unique<CpuBackend>();
#if NNLENS_HAVE_CUDA
    const CudaDeviceQuery q = queryCudaDevices();
    if (q.count > 0) {
        try {
            // A CUDA error at run time is reported once; the work goes on on the CPU.
            return std::make_unique<FallbackBackend>(
                std::make_unique<CudaBackend>(), std::make_unique<CpuBackend>(),
                [](const std::string& line) { std::cerr << "nnlens-cli: " << line << "\n"; });
        } catch (const BackendFailure& e) {
            if (name == "cuda") throw UsageError(std::string("--backend cuda: ") + e.what());
            std::cerr << "nnlens-cli: CUDA device unusable (" << e.what() << "); using the CPU\n";
            return std::make_unique<CpuBackend>();
        }
    }
    if (name == "cuda") {
        throw UsageError("--backend cuda: no CUDA device (cudaGetDeviceCount: error " +
                         std::to_string(q.error) + ", " +
                         (q.message.empty() ? std::string("0 devices") : q.message) + ")");
    }
    return std::make_unique<CpuBackend>();
#else
    if (name == "cuda") throw UsageError("--backend cuda: this nnlens was built without CUDA");
    return std::make_unique<CpuBackend>();
#endif
}

}  // namespace nnlens::cli
