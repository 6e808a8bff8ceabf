// Learning-rate scan (the seed's lr_scan): rates rise log-uniformly until the loss blows up.
#include "lr_scan.hpp"

#include <cmath>
#include <limits>

#include "error.hpp"
#include "trainer.hpp"

namespace nnlens {

std::vector<double> logspace(double start, double stop, int steps) {
    // numpy: 10 ** linspace(log10(start), log10(stop), steps)
    const double a = std::log10(start);
    const double b = std::log10(stop);
    std::vector<double> r(static_cast<std::size_t>(steps));
    const double step = steps > 1 ? (b - a) / (steps - 1) : 0.0;
    for (int i = 0; i < steps; ++i) {
        const double e = (i == steps - 1 && steps > 1) ? b : i * step + a;
        r[static_cast<std::size_t>(i)] = std::pow(10.0, e);
    }
    return r;
}

LrScanResult lrScan(TrainingSession& session, int rows, const LrScanConfig& cfg,
                    const std::function<void(int, int)>& progress,
                    const std::atomic<bool>* cancel) {
    if (!(cfg.start > 0.0) || !std::isfinite(cfg.start)) {
        throw InputError("lr-start must be a finite number > 0");
    }
    if (!(cfg.stop > cfg.start) || !std::isfinite(cfg.stop)) {
        throw InputError("lr-stop must be a finite number > lr-start");
    }
    if (cfg.steps < 2) throw InputError("lr-steps must be at least 2");
    if (cfg.batch < 1) throw InputError("batch size must be at least 1");
    if (rows < 1) throw InputError("no data rows");

    const std::vector<double> schedule = logspace(cfg.start, cfg.stop, cfg.steps);
    LrScanResult result;
    session.saveState();
    const float savedLr = session.learningRate();
    BatchSampler sampler(rows, cfg.batch, cfg.shuffle, cfg.seed);
    for (;;) {
        if (cancel && cancel->load(std::memory_order_relaxed)) {
            result.cancelled = true;
            break;
        }
        const double lr = schedule[result.loss.size()];
        session.setLearningRate(static_cast<float>(lr));
        // The loss is taken before the update; the update that follows it is undone at the end.
        const TrainingSession::StepResult r = session.step(sampler.next());
        result.lr.push_back(lr);
        result.loss.push_back(r.loss);
        if (progress) progress(static_cast<int>(result.loss.size()), cfg.steps);
        // Stop at the last rate, when the loss exceeds 10x the first, or (unlike the seed,
        // where NaN compares false and the scan runs on) when it is no longer finite.
        if (static_cast<int>(result.loss.size()) == cfg.steps || r.loss > 10.0f * result.loss[0] ||
            !std::isfinite(r.loss) || !r.ok) {
            break;
        }
    }
    session.restoreState();
    session.setLearningRate(savedLr);

    if (result.loss.empty()) return result;
    std::size_t best = 0;
    float lowest = std::numeric_limits<float>::infinity();
    for (std::size_t i = 0; i < result.loss.size(); ++i) {
        if (result.loss[i] < lowest) {
            lowest = result.loss[i];
            best = i;
        }
    }
    result.recommended = 0.5 * schedule[best];
    return result;
}

}  // namespace nnlens
