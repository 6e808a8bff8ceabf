// NNLENS_CUDA_CHECK: turns a CUDA runtime error into a BackendFailure naming the call, file and
// line.
#pragma once

#include <string>

#include <cuda_runtime_api.h>

#include "core/error.hpp"

namespace nnlens::gpu {

[[noreturn]] inline void throwCudaError(cudaError_t e, const char* call, const char* file,
                                        int line) {
    throw BackendFailure(std::string(call) + ": " + cudaGetErrorString(e) + " (error " +
                         std::to_string(static_cast<int>(e)) + ", " + file + ":" +
                         std::to_string(line) + ")");
}

}  // namespace nnlens::gpu

#define NNLENS_CUDA_CHECK(call)                                                   \
    do {                                                                          \
        const cudaError_t nnlensErr_ = (call);                                    \
        if (nnlensErr_ != cudaSuccess) {                                          \
            ::nnlens::gpu::throwCudaError(nnlensErr_, #call, __FILE__, __LINE__); \
        }                                                                         \
    } while (false)
