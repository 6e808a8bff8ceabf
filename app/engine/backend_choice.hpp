// Backend choice for the CLI and the window: "auto", "cpu" or "cuda" to an engine, with the CUDA
// device query and the reports of a fall-back to the CPU. Callers word the errors themselves.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/backend.hpp"

namespace nnlens::engine {

enum class BackendChoice { Auto, Cpu, Cuda };

// "auto", "cpu" or "cuda"; nullopt for any other name.
std::optional<BackendChoice> backendChoiceFromName(std::string_view name);
// The names backendChoiceFromName knows, for messages: "cpu, cuda, auto".
std::string_view knownBackendNames();

// The chosen backend cannot run here. what() is the plain reason, for the caller to wrap in its
// own words: "no CUDA device (cudaGetDeviceCount: error 35, ...)", "this nnlens was built
// without CUDA", or the CUDA runtime's message when the device does not start.
class BackendUnavailable : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// One line saying that the work moved to the CPU: "CUDA device unusable (...); using the CPU"
// when auto finds a device that does not start, or FallbackBackend's "cuda backend failed (...);
// continuing on the cpu" when the device fails later. The second comes on whichever thread runs
// the backend (the window's map worker), so a report that touches a GUI must queue itself.
using FallbackReport = std::function<void(const std::string& line)>;

// Cpu: a CpuBackend. Auto: when built with CUDA and a device starts, the CUDA backend wrapped in
// a FallbackBackend that moves to the CPU on a run-time failure (reported once through
// `report`); otherwise the CPU. Cuda: as auto, but throws BackendUnavailable where auto would
// take the CPU.
std::unique_ptr<Backend> makeBackend(BackendChoice choice, const FallbackReport& report);

// The grid maps' device time apart from the copy of the maps back to the host (medians over
// `runs`, in ms), and the bytes per second each moves. Only for a backend that runs on a CUDA
// device now; nullopt for any other (the CPU's maps have no copy to leave out).
struct DeviceGridTiming {
    double kernelMs = 0.0;    // the fused grid kernel: every node's s and out
    double kernelGBps = 0.0;  // what it reads and writes in device memory, per second
    double statsMs = 0.0;     // ranges and histograms
    double copyMs = 0.0;      // the maps to the host
    double copyGBps = 0.0;
};
std::optional<DeviceGridTiming> timeDeviceGrid(const Backend& backend, const Network& net,
                                               const GridConfig& cfg, int runs);

}  // namespace nnlens::engine
