// nnlens-cli bench: times grid maps, single-node map updates and training on one backend.
#include "bench.hpp"

#include <QByteArray>
#include <QImage>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <thread>
#include <vector>

#include "command.hpp"
#include "core/block.hpp"
#include "core/dataset.hpp"
#include "core/network.hpp"
#include "core/trace.hpp"
#include "core/trainer.hpp"
#include "figures/figures.hpp"
#include "figures/map_set.hpp"
#include "figures/png.hpp"
#include "gui_scope.hpp"
#include "json.hpp"
#include "text/number_text.hpp"

namespace nnlens::cli {

namespace {

using Clock = std::chrono::steady_clock;

double millisecondsSince(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// The benchmark network: 2-8-8-8-1, tanh everywhere, PyTorch's initialisation from seed 0.
Network benchNetwork() {
    return Network::initialized(2,
                                {{8, Activation::Tanh},
                                 {8, Activation::Tanh},
                                 {8, Activation::Tanh},
                                 {1, Activation::Tanh}},
                                0);
}

// The CPU model from /proc/cpuinfo where there is one, so saved figures say what ran them.
std::string cpuModel() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("model name", 0) == 0) {
            const auto colon = line.find(':');
            if (colon != std::string::npos) {
                const auto start = line.find_first_not_of(" \t", colon + 1);
                return start == std::string::npos ? std::string() : line.substr(start);
            }
        }
    }
    return {};
}

// The CUDA issue's sizes: 4.2 M grid points through a 2-16-16-16-1 network (every node's maps
// back on the host), and one epoch over 1 M points in batches of 4096.
void runLargeBench(Backend& backend, bool quick, BenchResult& r, std::ostream& log) {
    const Activation t = Activation::Tanh;
    const Network big = Network::initialized(2, {{16, t}, {16, t}, {16, t}, {1, t}}, 0);
    const GridConfig cfg{quick ? 256 : 2048, 3.0, 25};
    auto evaluator = backend.gridEvaluator();
    evaluator->compute(big, cfg);
    std::vector<double> times;
    for (int i = 0; i < (quick ? 1 : 5); ++i) {
        const auto start = Clock::now();
        evaluator->compute(big, cfg);
        times.push_back(millisecondsSince(start));
    }
    r.largeGridMs = median(times);
    log << "bench: large grid (n " << cfg.n << ") " << text::formatNumber(r.largeGridMs) << " ms\n"
        << std::flush;
    if (const auto device = engine::timeDeviceGrid(backend, big, cfg, quick ? 1 : 5)) {
        r.largeGridDevice = *device;
        log << "bench: large grid on the device: kernel " << text::formatNumber(device->kernelMs)
            << " ms (" << text::formatNumber(device->kernelGBps) << " GB/s), copy to host "
            << text::formatNumber(device->copyMs) << " ms\n"
            << std::flush;
    }

    const Dataset data = generateDataset("spiral", quick ? 20'000 : 1'000'000, 0.1, 1);
    auto session = backend.startTraining(benchNetwork(), data, {Loss::Mse, Reduction::Mean},
                                         {OptimizerKind::Adam, 1e-3f});
    TrainConfig cfgTrain;
    cfgTrain.batch = 4096;
    cfgTrain.epochs = 1;
    const auto start = Clock::now();
    train(*session, data.size(), cfgTrain);
    r.largeTrainSamplesPerS = data.size() / std::max(millisecondsSince(start) / 1000.0, 1e-9);
    log << "bench: large training " << text::formatNumber(r.largeTrainSamplesPerS)
        << " samples/s (batch 4096, " << data.size() << " points)\n"
        << std::flush;
}

}  // namespace

BenchResult runBench(Backend& backend, bool quick, bool large, std::ostream& log) {
    BenchResult r;
    r.quick = quick;
    r.large = large;
    const GridConfig gridCfg{250, 3.0, 25};

    // Grid maps: median of the timed runs after a few warm-ups.
    Network net = benchNetwork();
    auto evaluator = backend.gridEvaluator();
    const int warmups = quick ? 1 : 3;
    r.gridRuns = quick ? 3 : 30;
    for (int i = 0; i < warmups; ++i)
        evaluator->compute(net, gridCfg);
    std::vector<double> times;
    for (int i = 0; i < r.gridRuns; ++i) {
        const auto start = Clock::now();
        evaluator->compute(net, gridCfg);
        times.push_back(millisecondsSince(start));
    }
    r.gridMs = median(times);
    log << "bench: grid " << text::formatNumber(r.gridMs) << " ms (median of " << r.gridRuns
        << ")\n"
        << std::flush;

    // Map update after one weight into node 3 of layer 2 changed (a slider drag in the GUI); the
    // sign alternates so the network stays near where it started.
    r.updateRuns = quick ? 10 : 100;
    times.clear();
    constexpr float kDelta = 1e-3f;
    for (int i = 0; i < r.updateRuns; ++i) {
        net.layers[2].W(0, 3) += (i % 2 == 0) ? kDelta : -kDelta;
        const auto start = Clock::now();
        evaluator->update(net, 2, 3);
        times.push_back(millisecondsSince(start));
    }
    r.gridUpdateMs = median(times);
    log << "bench: grid update " << text::formatNumber(r.gridUpdateMs) << " ms (median of "
        << r.updateRuns << ")\n"
        << std::flush;

    // The live path of the window (nnlens --bench adds the repaint): a first-layer weight moves,
    // so every layer is recomputed and every map recoloured.
    {
        Network live = benchNetwork();
        evaluator->compute(live, gridCfg);
        figures::MapSet set = figures::makeMapSet(evaluator->maps(), std::nullopt);
        std::vector<double> colour;
        times.clear();
        for (int i = 0; i < r.updateRuns; ++i) {
            live.layers[0].W(0, 0) += (i % 2 == 0) ? 0.05f : -0.05f;
            const auto t0 = Clock::now();
            evaluator->update(live, 0, 0);
            const auto t1 = Clock::now();
            set.vlim = -1.0f;  // force the recolouring of every layer, as a new colour limit does
            figures::updateMapSet(set, evaluator->maps(), 0, std::nullopt);
            times.push_back(millisecondsSince(t0));
            colour.push_back(millisecondsSince(t1));
        }
        r.liveUpdateMs = median(times);
        r.liveColourMs = median(colour);
        log << "bench: live update " << text::formatNumber(r.liveUpdateMs) << " ms (colouring "
            << text::formatNumber(r.liveColourMs) << " ms)\n"
            << std::flush;
    }

    // Training: MSE, Adam lr 1e-3, batch 10 on 500 spiral points. The epoch count is calibrated
    // so that one run takes about a second; the best run counts (the least disturbed one).
    const Dataset data = generateDataset("spiral", 500, 0.1, 1);
    const LossConfig loss{Loss::Mse, Reduction::Mean};
    OptimizerConfig opt;
    opt.kind = OptimizerKind::Adam;
    opt.lr = 1e-3f;
    TrainConfig trainCfg;
    trainCfg.batch = 10;
    trainCfg.shuffle = true;
    trainCfg.seed = 0;
    const Network start = benchNetwork();
    auto timedRunOf = [&](const Network& trained, const OptimizerConfig& o, int epochs) {
        auto session = backend.startTraining(trained, data, loss, o);
        trainCfg.epochs = epochs;
        const auto t0 = Clock::now();
        train(*session, data.size(), trainCfg);
        return millisecondsSince(t0) / 1000.0;
    };
    auto timedRun = [&](int epochs) { return timedRunOf(start, opt, epochs); };
    // #21's costs, in the same runs: L2 at 0.01; the feature stage with the same layers (x1, x2 as
    // features); and all seven features (the first layer then takes 7 inputs, not 2).
    OptimizerConfig withL2 = opt;
    withL2.l2 = 0.01f;
    Network twoFeatures = start;
    twoFeatures.features = {Feature::X1, Feature::X2};
    const Network sevenFeatures = [&] {
        std::vector<LayerSpec> specs;
        for (const Layer& l : start.layers)
            specs.push_back({l.outputs(), l.activation});
        std::vector<Feature> all;
        for (int k = 0; k < kFeatureKinds; ++k)
            all.push_back(static_cast<Feature>(k));
        return Network::initialized(2, specs, 0, all);
    }();
    if (quick) {
        r.trainEpochs = 2;
        r.trainRuns = 1;
    } else {
        constexpr int kTrialEpochs = 5;
        const double trial = std::max(timedRun(kTrialEpochs), 1e-6);
        r.trainEpochs =
            static_cast<int>(std::clamp(std::round(kTrialEpochs * 1.0 / trial), 5.0, 1'000'000.0));
        r.trainRuns = 3;
    }
    // Alternated, so that a slow minute of a loaded machine falls on every variant alike.
    for (int i = 0; i < r.trainRuns; ++i) {
        const auto rate = [&](const Network& trained, const OptimizerConfig& o) {
            const double seconds = std::max(timedRunOf(trained, o, r.trainEpochs), 1e-9);
            return static_cast<double>(r.trainEpochs) * data.size() / seconds;
        };
        r.trainSamplesPerS = std::max(r.trainSamplesPerS, rate(start, opt));
        r.trainL2SamplesPerS = std::max(r.trainL2SamplesPerS, rate(start, withL2));
        r.trainFeaturesSamplesPerS = std::max(r.trainFeaturesSamplesPerS, rate(twoFeatures, opt));
        r.trainSevenFeaturesSamplesPerS =
            std::max(r.trainSevenFeaturesSamplesPerS, rate(sevenFeatures, opt));
    }
    log << "bench: training " << text::formatNumber(r.trainSamplesPerS) << " samples/s (best of "
        << r.trainRuns << (r.trainRuns == 1 ? " run" : " runs") << " of " << r.trainEpochs
        << " epochs); with L2 " << text::formatNumber(r.trainL2SamplesPerS)
        << ", with features x1, x2 " << text::formatNumber(r.trainFeaturesSamplesPerS)
        << ", with all seven features " << text::formatNumber(r.trainSevenFeaturesSamplesPerS)
        << "\n"
        << std::flush;
    // The network figure for a slide: nn_graph_draw2d of 2-8-8-8-1 at 2400 x 1200, maps
    // included, painted and then encoded as PNG (what render -o writes), medians.
    {
        const GuiScope gui;  // fonts
        const QSize size(2400, 1200);
        const figures::FigureOptions figureOpt;
        figures::renderFigure(figures::FigureKind::Graph, net, nullptr, size, figureOpt);  // fonts
        std::vector<double> paint, encode;
        for (int i = 0; i < (quick ? 1 : 5); ++i) {
            auto t0 = Clock::now();
            const QImage img =
                figures::renderFigure(figures::FigureKind::Graph, net, nullptr, size, figureOpt);
            paint.push_back(millisecondsSince(t0));
            t0 = Clock::now();
            const QByteArray png = figures::encodePng(img);
            encode.push_back(millisecondsSince(t0));
        }
        r.renderGraphMs = median(paint);
        r.renderGraphPngMs = median(encode);
        log << "bench: graph figure 2400x1200 painted in " << text::formatNumber(r.renderGraphMs)
            << " ms, PNG in " << text::formatNumber(r.renderGraphPngMs) << " ms\n"
            << std::flush;
    }
    // #13: the network figure of 2-8-8-8-1 as a tall slide, 1200 x 2400, as render writes it:
    // maps on this backend, painted, encoded as PNG. Medians.
    {
        const GuiScope gui;
        const Network tall = benchNetwork();
        const QSize size(1200, 2400);
        const figures::FigureOptions figureOpt;
        std::vector<double> total, mapsMs, paint, encode;
        for (int i = 0; i < (quick ? 1 : 7); ++i) {
            const auto t0 = Clock::now();
            const figures::MapSet maps =
                figures::computeMapSet(tall, std::nullopt, evaluator.get());
            const auto t1 = Clock::now();
            const QImage img =
                figures::renderFigure(figures::FigureKind::Graph, tall, &maps, size, figureOpt);
            const auto t2 = Clock::now();
            const QByteArray png = figures::encodePng(img);
            mapsMs.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
            paint.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
            encode.push_back(millisecondsSince(t2));
            total.push_back(millisecondsSince(t0));
        }
        r.renderTallMs = median(total);
        r.renderTallMapsMs = median(mapsMs);
        r.renderTallPaintMs = median(paint);
        r.renderTallPngMs = median(encode);
        log << "bench: graph figure 1200x2400 in " << text::formatNumber(r.renderTallMs)
            << " ms (maps " << text::formatNumber(r.renderTallMapsMs) << ", painting "
            << text::formatNumber(r.renderTallPaintMs) << ", PNG "
            << text::formatNumber(r.renderTallPngMs) << ")\n"
            << std::flush;
    }
    // The seed's statistical perspective: 100-200-100-10 (tanh, relu, linear) on N = 500
    // standard normal inputs, loss torch.mean(Xout ** 2), forward, backward and every statistic.
    {
        const Network stats = Network::initialized(
            100, {{200, Activation::Tanh}, {100, Activation::Relu}, {10, Activation::Linear}}, 123);
        const Dataset inputs = normalDataset(500, 100, 123);
        TraceConfig traceCfg;
        traceCfg.loss = LossConfig{Loss::Mse, Reduction::Mean};
        traceModules(stats, inputs, traceCfg);  // warm-up
        r.traceRuns = quick ? 3 : 30;
        times.clear();
        for (int i = 0; i < r.traceRuns; ++i) {
            const auto t0 = Clock::now();
            const ModuleTrace t = traceModules(stats, inputs, traceCfg);
            times.push_back(millisecondsSince(t0));
        }
        r.traceMs = median(times);
        log << "bench: trace 100-200-100-10, N 500 " << text::formatNumber(r.traceMs)
            << " ms (median of " << r.traceRuns << ")\n"
            << std::flush;
    }
    if (large) runLargeBench(backend, quick, r, log);
    return r;
}

Json benchJson(const BenchResult& r, std::string_view backendName) {
    Json j = {{"backend", backendName},
              {"grid_ms", jsonNumber(r.gridMs)},
              {"grid_update_ms", jsonNumber(r.gridUpdateMs)},
              {"train_samples_per_s", jsonNumber(r.trainSamplesPerS)},
              {"train_l2_samples_per_s", jsonNumber(r.trainL2SamplesPerS)},
              {"train_features_samples_per_s", jsonNumber(r.trainFeaturesSamplesPerS)},
              {"train_seven_features_samples_per_s", jsonNumber(r.trainSevenFeaturesSamplesPerS)},
              {"live_update_ms", jsonNumber(r.liveUpdateMs)},
              {"live_colour_ms", jsonNumber(r.liveColourMs)},
              {"render_graph_ms", jsonNumber(r.renderGraphMs)},
              {"render_graph_png_ms", jsonNumber(r.renderGraphPngMs)},
              {"trace_ms", jsonNumber(r.traceMs)},
              {"render_graph_2x8x8x8x1_1200x2400_ms", jsonNumber(r.renderTallMs)},
              {"render_graph_2x8x8x8x1_1200x2400_parts_ms",
               {{"maps", jsonNumber(r.renderTallMapsMs)},
                {"paint", jsonNumber(r.renderTallPaintMs)},
                {"png", jsonNumber(r.renderTallPngMs)}}},
              {"targets",
               {{"grid_ms", jsonNumber(kTargetGridMs)},
                {"grid_update_ms", jsonNumber(kTargetGridUpdateMs)},
                {"train_samples_per_s", jsonNumber(kTargetTrainSamplesPerS)},
                {"trace_ms", jsonNumber(kTargetTraceMs)},
                {"render_graph_2x8x8x8x1_1200x2400_ms", jsonNumber(kTargetRenderTallMs)}}},
              {"machine",
               {{"threads", static_cast<std::int64_t>(std::thread::hardware_concurrency())},
                {"cpu", cpuModel()},
                {"isa", block::instructionSet()}}},
              {"runs",
               {{"grid", r.gridRuns},
                {"grid_update", r.updateRuns},
                {"train", r.trainRuns},
                {"train_epochs", r.trainEpochs},
                {"trace", r.traceRuns}}},
              {"quick", r.quick}};
    if (r.large) {
        j["large"] = {{"grid_2048_ms", jsonNumber(r.largeGridMs)},
                      {"train_batch4096_samples_per_s", jsonNumber(r.largeTrainSamplesPerS)}};
        if (const auto& d = r.largeGridDevice) {
            j["large"]["grid_2048_kernel_ms"] = jsonNumber(d->kernelMs);
            j["large"]["grid_2048_kernel_gb_per_s"] = jsonNumber(d->kernelGBps);
            j["large"]["grid_2048_stats_ms"] = jsonNumber(d->statsMs);
            j["large"]["grid_2048_copy_to_host_ms"] = jsonNumber(d->copyMs);
            j["large"]["grid_2048_copy_to_host_gb_per_s"] = jsonNumber(d->copyGBps);
        }
    }
    return j;
}

namespace {

int runBenchCommand(const Args& a, Io& io) {
    auto backend = backendOption(a, io.err);
    checkOutputFolder(a);
    const BenchResult r = runBench(*backend, a.has("quick"), a.has("large"), io.err);
    emitJson(a, io, benchJson(r, backend->name()));
    return kExitOk;
}

std::string benchHelp() {
    return R"(Usage: nnlens-cli bench [--quick] [--large] [-o OUT.json]

Times the engine on a 2-8-8-8-1 tanh network and prints
  {"backend":..,"grid_ms":..,"grid_update_ms":..,"train_samples_per_s":..,
   "targets":{..},"machine":{"threads":..,"cpu":..},"runs":{..},"quick":..}
grid_ms: median time of all maps at n = 250, 25 bins (30 runs after 3
warm-ups); grid_update_ms: median time to update the maps after one weight of
the third layer changed (100 runs); train_samples_per_s: samples per second
of training (MSE, Adam, batch 10, 500 spiral points), best of 3 runs of about
a second each; train_l2_samples_per_s, train_features_samples_per_s and
train_seven_features_samples_per_s: the same with L2 at 0.01, with the input
feature stage (x1, x2 as features) and with all seven features (a first layer
of 7 inputs), each run alternated with a plain one; live_update_ms: a
first-layer weight changed, every layer recomputed and every map coloured;
render_graph_ms and render_graph_png_ms: the network figure at 2400 x 1200
painted, then encoded as PNG (medians of 5);
render_graph_2x8x8x8x1_1200x2400_ms: what render --figure graph --width 1200
--height 2400 does for the network, maps, painting and PNG (median of 7; its
parts in render_graph_2x8x8x8x1_1200x2400_parts_ms);
trace_ms: nnlens-cli trace's work on the seed's statistical-perspective
network (100-200-100-10, tanh, relu, linear) with 500 standard normal inputs
and mse: forward, backward and every tensor's statistics (median of 30).
With --large and a CUDA device, large.grid_2048_kernel_ms is the grid kernel
alone and large.grid_2048_copy_to_host_ms the copy of the maps, with GB/s.
targets are the figures the project aims for.

Options:
  --quick         only a few runs of each (for tests; the figures are rough)
  --large         also the CUDA issue's sizes: a 2-16-16-16-1 grid at n 2048 and
                  training in batches of 4096 on 1 M points
  -o FILE         write the JSON to FILE instead of stdout
  --backend NAME  cpu, cuda or auto (default auto)
  -h, --help      show this help
)";
}

}  // namespace

Command benchCommand() {
    return {"bench",
            "[--quick] [--large]",
            "time maps and training on this machine",
            benchHelp(),
            {{"backend", "output"}, {"quick", "large"}, {}},
            runBenchCommand};
}

}  // namespace nnlens::cli
