// Backend choice: the CUDA device query, the FallbackBackend around the CUDA backend, and the
// reasons a choice cannot be had.
#include "backend_choice.hpp"

#include "core/fallback_backend.hpp"

#if NNLENS_HAVE_CUDA
#include "gpu/cuda_backend.hpp"
#endif

namespace nnlens::engine {

std::optional<BackendChoice> backendChoiceFromName(std::string_view name) {
    if (name == "auto") return BackendChoice::Auto;
    if (name == "cpu") return BackendChoice::Cpu;
    if (name == "cuda") return BackendChoice::Cuda;
    return std::nullopt;
}

std::string_view knownBackendNames() {
    return "cpu, cuda, auto";
}

std::unique_ptr<Backend> makeBackend(BackendChoice choice,
                                     [[maybe_unused]] const FallbackReport& report) {
    if (choice == BackendChoice::Cpu) return std::make_unique<CpuBackend>();
#if NNLENS_HAVE_CUDA
    const CudaDeviceQuery q = queryCudaDevices();
    if (q.count > 0) {
        try {
            return std::make_unique<FallbackBackend>(std::make_unique<CudaBackend>(),
                                                     std::make_unique<CpuBackend>(), report);
        } catch (const BackendFailure& e) {
            if (choice == BackendChoice::Cuda) throw BackendUnavailable(e.what());
            if (report) {
                report(std::string("CUDA device unusable (") + e.what() + "); using the CPU");
            }
            return std::make_unique<CpuBackend>();
        }
    }
    if (choice == BackendChoice::Cuda) {
        throw BackendUnavailable("no CUDA device (cudaGetDeviceCount: error " +
                                 std::to_string(q.error) + ", " +
                                 (q.message.empty() ? std::string("0 devices") : q.message) + ")");
    }
#else
    if (choice == BackendChoice::Cuda) {
        throw BackendUnavailable("this nnlens was built without CUDA");
    }
#endif
    return std::make_unique<CpuBackend>();
}

std::optional<DeviceGridTiming> timeDeviceGrid(const Backend& backend, const Network& net,
                                               const GridConfig& cfg, int runs) {
#if defined(NNLENS_HAVE_CUDA)
    if (backend.name() == "cuda") {
        const CudaGridTiming t = timeCudaGrid(net, cfg, runs);
        return DeviceGridTiming{t.kernelMs, t.kernelGBps(), t.statsMs, t.copyMs, t.copyGBps()};
    }
#else
    (void)net;
    (void)cfg;
    (void)runs;
#endif
    (void)backend;
    return std::nullopt;
}

}  // namespace nnlens::engine
