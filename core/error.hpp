// Error types: InputError is bad input from a user (exit code 2); BackendFailure is a device that
// failed.
#pragma once

#include <stdexcept>
#include <string>

namespace nnlens {

// A malformed file, a wrong shape, an unknown name, a non-finite number or an option out of range.
// The message names the place ("layer 2: ...", "data.csv: line 4, column 2 (x2): ...").
class InputError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Thrown by a device backend when the device fails at run time (out of memory, a failed launch,
// a lost device). The message names the call and the error ("cudaMalloc: out of memory").
// FallbackBackend catches it and moves the work to the CPU.
class BackendFailure : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

}  // namespace nnlens
