// FallbackBackend: runs a device backend and moves the work to the CPU, once and for good, when the
// device fails.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "backend.hpp"
#include "error.hpp"

namespace nnlens {

// Wraps `primary` (a device backend). The first BackendFailure is reported through `report`
// (one line) and from then on every call, the one that failed included, runs on `fallback`
// (the CPU) with the same network state: a training session continues from the parameters of
// its last good step.
class FallbackBackend final : public Backend {
  public:
    using Report = std::function<void(const std::string&)>;
    FallbackBackend(std::unique_ptr<Backend> primary, std::unique_ptr<Backend> fallback,
                    Report report);

    // The backend doing the work now: the primary's name until it has failed. Safe from any
    // thread.
    std::string_view name() const override;
    bool failedOver() const { return m_failed.load(std::memory_order_acquire); }

    Trace forward(const Network& net, const Matrix& x) override;
    Gradients gradients(const Network& net, const Dataset& data, LossConfig loss) override;
    std::unique_ptr<TrainingSession> startTraining(const Network& net, const Dataset& data,
                                                   LossConfig loss, OptimizerConfig opt) override;
    std::unique_ptr<GridEvaluator> gridEvaluator() override;

    // Records a failure (reported once) and switches to the fallback for good.
    void fail(const BackendFailure& e);
    Backend& fallback() { return *m_fallback; }

  private:
    std::unique_ptr<Backend> m_primary;
    std::unique_ptr<Backend> m_fallback;
    Report m_report;
    // Written by whichever thread meets the failure (the window's map worker, a training thread)
    // and read by others (the window's status bar).
    std::atomic<bool> m_failed{false};
};

}  // namespace nnlens
