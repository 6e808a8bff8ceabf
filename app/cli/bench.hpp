// The bench command: times grid maps, single-node map updates and training on one backend.
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "core/backend.hpp"
#include "engine/backend_choice.hpp"
#include "json.hpp"

namespace nnlens::cli {

struct BenchResult {
    double gridMs = 0.0;        // median GridEvaluator::compute, 2-8-8-8-1 tanh, n 250, bins 25
    double gridUpdateMs = 0.0;  // median GridEvaluator::update after one weight of layer 2 changed
    // The same runs with L2 at 0.01, with the feature stage (x1, x2 as features) and with all seven
    // features (a first layer of 7 inputs), alternated with the plain runs (#21).
    double trainL2SamplesPerS = 0.0;
    double trainFeaturesSamplesPerS = 0.0;
    double trainSevenFeaturesSamplesPerS = 0.0;
    double trainSamplesPerS = 0.0;  // best of the timed runs of nnlens::train on 500 spiral points
    // The window's live path without the repaint: a first-layer weight changed, every layer
    // recomputed and every map recoloured (GridEvaluator::update + figures::updateMapSet).
    double liveUpdateMs = 0.0;
    double liveColourMs = 0.0;  // of which the colouring of the 25 maps
    int gridRuns = 0;
    int updateRuns = 0;
    int trainRuns = 0;
    int trainEpochs = 0;  // epochs per timed training run
    bool quick = false;
    // --large (the CUDA issue's sizes), 0 when not run:
    double largeGridMs = 0.0;  // median compute of a 2-16-16-16-1 tanh at n 2048, maps on the host
    double renderGraphMs = 0.0;     // the 2-8-8-8-1 network figure at 2400 x 1200, painted
    double renderGraphPngMs = 0.0;  // the same image encoded as PNG
    // What render --figure graph --width 1200 --height 2400 does for a 2-8-8-8-1 network (#13):
    // maps, painting and PNG encoding, median; and each part's median.
    double renderTallMs = 0.0;
    double renderTallMapsMs = 0.0;
    double renderTallPaintMs = 0.0;
    double renderTallPngMs = 0.0;
    // traceModules on the statistical-perspective network (100-200-100-10 tanh, relu, linear)
    // with N = 500 normal inputs and mse: forward, backward and every statistic, median.
    double traceMs = 0.0;
    int traceRuns = 0;
    // The device's own time for that grid, apart from the copy to the host (CUDA only).
    std::optional<engine::DeviceGridTiming> largeGridDevice;
    double largeTrainSamplesPerS = 0.0;  // 2-8-8-8-1 tanh, MSE, Adam, batch 4096, 1 M points
    bool large = false;
};

// The figures the benchmark aims for on the 2-core CPU machine (the engine issue's targets).
inline constexpr double kTargetGridMs = 1.5;
inline constexpr double kTargetGridUpdateMs = 0.5;
inline constexpr double kTargetTrainSamplesPerS = 5e6;
inline constexpr double kTargetTraceMs = 10.0;        // the data-flow issue's target
inline constexpr double kTargetRenderTallMs = 100.0;  // #13: the tall network figure, maps to PNG

// Runs the three measurements on `backend`; `quick` runs each only a few times (for tests);
// `large` adds the big grid and the 1 M-point training run. One line per measurement goes to
// `log`.
BenchResult runBench(Backend& backend, bool quick, bool large, std::ostream& log);

// {"backend":..,"grid_ms":..,"grid_update_ms":..,"train_samples_per_s":..,"targets":{..},
//  "machine":{"threads":..,"cpu":..},"runs":{..},"quick":..}
Json benchJson(const BenchResult& r, std::string_view backendName);

}  // namespace nnlens::cli
