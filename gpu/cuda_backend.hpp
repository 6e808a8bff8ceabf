// CudaBackend: the engine's passes on an NVIDIA GPU; a plain C++ header (no CUDA types), so any
// caller can include it.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/backend.hpp"

namespace nnlens {

struct CudaDeviceQuery {
    int count = 0;        // devices found (0 on any error)
    int error = 0;        // cudaError_t of cudaGetDeviceCount: 35 no driver, 100 no device
    std::string message;  // "" or the runtime's text for `error`
    std::string name;     // device 0's name when count > 0
};

// cudaGetDeviceCount, with the count initialised to 0 (the runtime leaves it untouched on error).
CudaDeviceQuery queryCudaDevices();

// A training session on the device that can also run several minibatch steps in one call, with
// no copy back to the host between them (issue #11).
class CudaTrainingSession : public TrainingSession {
  public:
    // One step per batch, in order, each exactly as step() would run it. The losses stay on the
    // device until the last step has been queued and come back in one copy. Stops at the first
    // step that is not ok (non-finite loss or update): its result is the last one returned, and
    // the parameters are those of before it, as after step().
    std::vector<StepResult> steps(std::span<const std::span<const int>> batches) override = 0;
};

// Runs forward, gradients, training steps and grid maps on device 0. Every CUDA error becomes a
// BackendFailure (wrap it in a FallbackBackend to go on on the CPU). Construct only when
// queryCudaDevices().count > 0.
class CudaBackend final : public Backend {
  public:
    CudaBackend();
    ~CudaBackend() override;

    std::string_view name() const override { return "cuda"; }
    Trace forward(const Network& net, const Matrix& x) override;
    Gradients gradients(const Network& net, const Dataset& data, LossConfig loss) override;
    std::unique_ptr<TrainingSession> startTraining(const Network& net, const Dataset& data,
                                                   LossConfig loss, OptimizerConfig opt) override;
    std::unique_ptr<GridEvaluator> gridEvaluator() override;

    // startTraining() with the multi-step interface in reach. Throws InputError for an optimizer
    // kind that is none of core's.
    std::unique_ptr<CudaTrainingSession> startCudaTraining(const Network& net, const Dataset& data,
                                                           LossConfig loss, OptimizerConfig opt);
};

// The phases of one grid-map computation on the device, for `nnlens-cli bench`: medians over the
// timed runs, in milliseconds (CUDA events, except totalMs: the host's wall clock of compute()).
struct CudaGridTiming {
    int runs = 0;
    double kernelMs = 0.0;     // the fused grid kernel alone: every node's s and out over the grid
    double statsMs = 0.0;      // ranges and histograms, with their small copies
    double copyMs = 0.0;       // every node's s and out to the host
    double totalMs = 0.0;      // compute() as a caller sees it
    double kernelBytes = 0.0;  // what the kernel reads and writes in device memory
    double copyBytes = 0.0;    // what the copy to the host moves
    double kernelGBps() const { return kernelMs > 0.0 ? kernelBytes / (kernelMs * 1e6) : 0.0; }
    double copyGBps() const { return copyMs > 0.0 ? copyBytes / (copyMs * 1e6) : 0.0; }
};

// Computes the maps of `net` with `cfg` once to warm up, then `runs` times, on device 0. Throws
// InputError when a layer is wider than the fused grid kernel handles (the CPU computes those).
CudaGridTiming timeCudaGrid(const Network& net, const GridConfig& cfg, int runs);

}  // namespace nnlens
