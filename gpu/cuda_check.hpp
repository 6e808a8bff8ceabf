// NNLENS_CUDA_CHECK: turns a CUDA runtime error into a BackendFailure naming the call, the
// runtime's error text, and the file and line of the check (the caller's, never a helper's).
#pragma once

#include <string>
#include <string_view>

#include <cuda_runtime_api.h>

#include "core/error.hpp"

namespace nnlens::gpu {

// "cuda_backend.cpp" from "/path/to/gpu/cuda_backend.cpp": messages stay short and the same on
// every build machine.
constexpr std::string_view fileName(std::string_view path) {
    const std::size_t slash = path.find_last_of("/\\");
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

[[noreturn]] inline void throwCudaError(cudaError_t e, const char* call, const char* file,
                                        int line) {
    throw BackendFailure(std::string(call) + ": " + cudaGetErrorString(e) + " (error " +
                         std::to_string(static_cast<int>(e)) + ", " + std::string(fileName(file)) +
                         ":" + std::to_string(line) + ")");
}

}  // namespace nnlens::gpu

// Checks a runtime call or a launch wrapper from launch.hpp (which return the launch's
// cudaError_t instead of checking it themselves, so that this line is the one reported).
#define NNLENS_CUDA_CHECK(call)                                                   \
    do {                                                                          \
        const cudaError_t nnlensErr_ = (call);                                    \
        if (nnlensErr_ != cudaSuccess) {                                          \
            ::nnlens::gpu::throwCudaError(nnlensErr_, #call, __FILE__, __LINE__); \
        }                                                                         \
    } while (false)
