// Backend selection for nnlens-cli: the one place that maps "--backend cpu|cuda|auto" to an engine.
#pragma once

#include <memory>
#include <string_view>

#include "core/backend.hpp"

namespace nnlens::cli {

// "cpu" -> CpuBackend; "auto" -> CUDA (wrapped in a FallbackBackend that moves to the CPU on a
// run-time CUDA error) when built with CUDA and a device is present, else the CPU; "cuda" -> the
// same, or a UsageError when there is no device ("--backend cuda: no CUDA device (...)") or no
// CUDA in this build. Any other name is a UsageError that lists the known ones.
std::unique_ptr<Backend> makeBackend(std::string_view name);

}  // namespace nnlens::cli
