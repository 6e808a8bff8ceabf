// bench_cuda_grid: the CUDA figures nnlens-cli bench does not print yet (issue #11), as JSON on
// stdout: the grid kernel's time and GB/s apart from the maps' copy to the host, and training with
// a host round trip per step against one per call (CudaTrainingSession::steps).
//   bench_cuda_grid [--n 2048] [--runs 5] [--quick]
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/dataset.hpp"
#include "core/trainer.hpp"
#include "gpu/cuda_backend.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// One pass over `data` in batches of `batch` rows, `perCall` steps a call (1: step()); samples/s.
double trainRate(nnlens::CudaBackend& backend, const nnlens::Dataset& data, int batch, int epochs,
                 int perCall) {
    using nnlens::Activation;
    const nnlens::Network net = nnlens::Network::initialized(2,
                                                             {{8, Activation::Tanh},
                                                              {8, Activation::Tanh},
                                                              {8, Activation::Tanh},
                                                              {1, Activation::Tanh}},
                                                             0);
    auto session =
        backend.startCudaTraining(net, data, {nnlens::Loss::Mse, nnlens::Reduction::Mean},
                                  {nnlens::OptimizerKind::Adam, 1e-3f});
    nnlens::BatchSampler sampler(data.size(), batch, true, 1);
    const int perEpoch = (data.size() + batch - 1) / batch;
    const int total = perEpoch * epochs;
    std::vector<std::vector<int>> rows;
    std::vector<std::span<const int>> batches;
    const auto start = Clock::now();
    for (int done = 0; done < total;) {
        const int k = std::min(perCall, total - done);
        rows.clear();
        for (int i = 0; i < k; ++i) {
            const std::span<const int> b = sampler.next();
            rows.emplace_back(b.begin(), b.end());
        }
        batches.assign(rows.begin(), rows.end());
        if (perCall == 1) {
            if (!session->step(batches.front()).ok) break;
        } else if (!session->steps(batches).back().ok) {
            break;
        }
        done += k;
    }
    return static_cast<double>(data.size()) * epochs / secondsSince(start);
}

}  // namespace

int main(int argc, char** argv) {
    int n = 2048, runs = 5;
    bool quick = false;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--n") && i + 1 < argc) {
            n = std::atoi(argv[++i]);
        } else if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) {
            runs = std::atoi(argv[++i]);
        } else if (!std::strcmp(argv[i], "--quick")) {
            quick = true;
        } else {
            std::cerr << "usage: bench_cuda_grid [--n N] [--runs R] [--quick]\n";
            return 2;
        }
    }
    const nnlens::CudaDeviceQuery q = nnlens::queryCudaDevices();
    if (q.count == 0) {
        std::cerr << "bench_cuda_grid: no CUDA device (" << q.message << ")\n";
        return 1;
    }
    try {
        using nnlens::Activation;
        const Activation t = Activation::Tanh;
        // The large grid: 2-16-16-16-1 over n x n points.
        const nnlens::Network big =
            nnlens::Network::initialized(2, {{16, t}, {16, t}, {16, t}, {1, t}}, 0);
        const nnlens::CudaGridTiming g = nnlens::timeCudaGrid(big, {n, 3.0, 25}, runs);
        nnlens::CudaBackend backend;
        const nnlens::Dataset large =
            nnlens::generateDataset("spiral", quick ? 20'000 : 1'000'000, 0.1, 1);
        const nnlens::Dataset small = nnlens::generateDataset("spiral", 500, 0.1, 1);
        nlohmann::json j;
        j["device"] = q.name;
        j["grid"] = {{"network", "2-16-16-16-1 tanh"},
                     {"n", n},
                     {"runs", g.runs},
                     {"kernel_ms", g.kernelMs},
                     {"kernel_bytes", g.kernelBytes},
                     {"kernel_gb_per_s", g.kernelGBps()},
                     {"stats_ms", g.statsMs},
                     {"copy_to_host_ms", g.copyMs},
                     {"copy_to_host_gb_per_s", g.copyGBps()},
                     {"compute_ms", g.totalMs}};
        j["train"] = {
            {"network", "2-8-8-8-1 tanh, adam, mse"},
            {"batch4096_step_samples_per_s", trainRate(backend, large, 4096, 1, 1)},
            {"batch4096_steps16_samples_per_s", trainRate(backend, large, 4096, 1, 16)},
            {"batch10_step_samples_per_s", trainRate(backend, small, 10, quick ? 4 : 40, 1)},
            {"batch10_steps50_samples_per_s", trainRate(backend, small, 10, quick ? 4 : 40, 50)}};
        std::cout << j.dump(2) << "\n";
    } catch (const std::exception& e) {
        std::cerr << "bench_cuda_grid: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
