// The seed's learning-rate scan (Smith 2015): log-spaced rates, loss before each step, stop on
// blow-up.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "backend.hpp"

namespace nnlens {

// Rates per scan: a scan needs two; the most keeps a typo from running for days.
inline constexpr int kMinLrScanSteps = 2;
inline constexpr int kMaxLrScanSteps = 1'000'000;

struct LrScanConfig {
    double start = 1e-6;
    double stop = 1.0;
    int steps = 100;
    int batch = 10;
    bool shuffle = true;
    std::uint64_t seed = 0;
};

struct LrScanResult {
    std::vector<double> lr;    // the rate used for each recorded loss
    std::vector<float> loss;   // loss before each step
    double recommended = 0.0;  // half the scheduled rate at the lowest loss
    bool cancelled = false;    // stopped by `cancel`: the result holds the steps done
};

// numpy.logspace(log10(start), log10(stop), steps).
std::vector<double> logspace(double start, double stop, int steps);

// Runs the scan on `session` over rows [0, rows) and restores its parameters and optimizer
// state afterwards. Throws InputError for start <= 0, stop <= start, steps < 2, batch < 1.
// `progress(done, steps)` is called after each step; `cancel` is polled between steps (the
// parameters are restored all the same).
LrScanResult lrScan(TrainingSession& session, int rows, const LrScanConfig& cfg,
                    const std::function<void(int, int)>& progress = {},
                    const std::atomic<bool>* cancel = nullptr);

}  // namespace nnlens
