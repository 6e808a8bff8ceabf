// FallbackBackend and its session and grid wrappers: catch a device failure, report it once, go on
// on the CPU.
#include "fallback_backend.hpp"

namespace nnlens {

namespace {

class FallbackSession final : public TrainingSession {
  public:
    FallbackSession(FallbackBackend& owner, std::unique_ptr<TrainingSession> primary,
                    const Network& net, const Dataset& data, LossConfig loss, OptimizerConfig opt)
        : m_owner(owner),
          m_primary(std::move(primary)),
          m_data(data),
          m_loss(loss),
          m_opt(opt),
          m_last(net) {
        setRegularization(opt.l1, opt.l2);
    }

    StepResult step(std::span<const int> rows) override {
        if (m_primary) {
            try {
                return m_primary->step(rows);
            } catch (const BackendFailure& e) {
                switchOver(e);
            }
        }
        return m_cpu->step(rows);
    }
    std::vector<StepResult> steps(std::span<const std::span<const int>> batches) override {
        if (m_primary) {
            try {
                return m_primary->steps(batches);
            } catch (const BackendFailure& e) {
                // A device reports an error at the call's end, so which of its steps took effect
                // is not known: the CPU runs the whole call again from the parameters the device
                // last handed to the host (up to one call's steps are redone or lost).
                switchOver(e);
            }
        }
        return m_cpu->steps(batches);
    }
    float evaluate(std::span<const int> rows) override {
        if (m_primary) {
            try {
                return m_primary->evaluate(rows);
            } catch (const BackendFailure& e) {
                switchOver(e);
            }
        }
        return m_cpu->evaluate(rows);
    }
    float learningRate() const override {
        return m_primary ? m_primary->learningRate() : m_cpu->learningRate();
    }
    void setPenaltyRates(float l1, float l2) override {
        TrainingSession::setPenaltyRates(l1, l2);
        m_opt.l1 = l1;
        m_opt.l2 = l2;
        if (m_primary) m_primary->setPenaltyRates(l1, l2);
        if (m_cpu) m_cpu->setPenaltyRates(l1, l2);
    }
    void setLearningRate(float lr) override {
        m_opt.lr = lr;
        if (m_primary) m_primary->setLearningRate(lr);
        if (m_cpu) m_cpu->setLearningRate(lr);
    }
    void saveState() override {
        if (m_primary) {
            try {
                m_primary->saveState();
                m_saved = m_primary->network();
                return;
            } catch (const BackendFailure& e) {
                switchOver(e);
            }
        }
        m_cpu->saveState();
        m_saved = m_cpu->network();
    }
    void restoreState() override {
        if (m_primary) {
            try {
                m_primary->restoreState();
                return;
            } catch (const BackendFailure& e) {
                switchOver(e);
                // The CPU session starts from the saved network; its optimizer state is fresh.
                m_cpu = m_owner.fallback().startTraining(m_saved, m_data, m_loss, m_opt);
                return;
            }
        }
        m_cpu->restoreState();
    }
    Network network() const override {
        if (m_primary) {
            try {
                return m_primary->network();
            } catch (const BackendFailure&) {
                return m_last;
            }
        }
        return m_cpu->network();
    }

    void setParameters(const Network& net) override {
        checkSameShape(m_last, net);
        if (m_primary) {
            try {
                m_primary->setParameters(net);
                m_last = net;
                return;
            } catch (const BackendFailure& e) {
                switchOver(e);
            }
        }
        m_cpu->setParameters(net);
    }

  private:
    // The device's session keeps a host copy of its last good parameters (network() reads it
    // even when the device is gone); the CPU session starts from there.
    void switchOver(const BackendFailure& e) {
        m_owner.fail(e);
        try {
            m_last = m_primary->network();
        } catch (const BackendFailure&) {
        }
        m_primary.reset();
        m_cpu = m_owner.fallback().startTraining(m_last, m_data, m_loss, m_opt);
    }

    FallbackBackend& m_owner;
    std::unique_ptr<TrainingSession> m_primary;
    std::unique_ptr<TrainingSession> m_cpu;
    const Dataset& m_data;
    LossConfig m_loss;
    OptimizerConfig m_opt;
    Network m_last;
    Network m_saved;
};

class FallbackGrid final : public GridEvaluator {
  public:
    FallbackGrid(FallbackBackend& owner, std::unique_ptr<GridEvaluator> primary)
        : m_owner(owner), m_primary(std::move(primary)) {}

    void compute(const Network& net, const GridConfig& cfg) override {
        m_cfg = cfg;
        if (m_primary) {
            try {
                m_primary->compute(net, cfg);
                return;
            } catch (const BackendFailure& e) {
                switchOver(e);
            }
        }
        m_cpu->compute(net, cfg);
    }
    void update(const Network& net, int layer, int node) override {
        if (m_primary) {
            try {
                m_primary->update(net, layer, node);
                return;
            } catch (const BackendFailure& e) {
                switchOver(e);
                m_cpu->compute(net, m_cfg);
                return;
            }
        }
        m_cpu->update(net, layer, node);
    }
    const GridMaps& maps() const override { return m_primary ? m_primary->maps() : m_cpu->maps(); }

  private:
    void switchOver(const BackendFailure& e) {
        m_owner.fail(e);
        m_primary.reset();
        m_cpu = m_owner.fallback().gridEvaluator();
    }

    FallbackBackend& m_owner;
    std::unique_ptr<GridEvaluator> m_primary;
    std::unique_ptr<GridEvaluator> m_cpu;
    GridConfig m_cfg;
};

}  // namespace

FallbackBackend::FallbackBackend(std::unique_ptr<Backend> primary,
                                 std::unique_ptr<Backend> fallback, Report report)
    : m_primary(std::move(primary)), m_fallback(std::move(fallback)), m_report(std::move(report)) {}

std::string_view FallbackBackend::name() const {
    return failedOver() ? m_fallback->name() : m_primary->name();
}

void FallbackBackend::fail(const BackendFailure& e) {
    // exchange: when two threads fail at once, exactly one reports.
    if (m_failed.exchange(true, std::memory_order_acq_rel)) return;
    if (m_report) {
        m_report(std::string(m_primary->name()) + " backend failed (" + e.what() +
                 "); continuing on the " + std::string(m_fallback->name()));
    }
}

Trace FallbackBackend::forward(const Network& net, const Matrix& x) {
    if (!failedOver()) {
        try {
            return m_primary->forward(net, x);
        } catch (const BackendFailure& e) {
            fail(e);
        }
    }
    return m_fallback->forward(net, x);
}

Gradients FallbackBackend::gradients(const Network& net, const Dataset& data, LossConfig loss) {
    if (!failedOver()) {
        try {
            return m_primary->gradients(net, data, loss);
        } catch (const BackendFailure& e) {
            fail(e);
        }
    }
    return m_fallback->gradients(net, data, loss);
}

std::unique_ptr<TrainingSession> FallbackBackend::startTraining(const Network& net,
                                                                const Dataset& data,
                                                                LossConfig loss,
                                                                OptimizerConfig opt) {
    if (!failedOver()) {
        try {
            return std::make_unique<FallbackSession>(
                *this, m_primary->startTraining(net, data, loss, opt), net, data, loss, opt);
        } catch (const BackendFailure& e) {
            fail(e);
        }
    }
    return m_fallback->startTraining(net, data, loss, opt);
}

std::unique_ptr<GridEvaluator> FallbackBackend::gridEvaluator() {
    if (!failedOver()) {
        try {
            return std::make_unique<FallbackGrid>(*this, m_primary->gridEvaluator());
        } catch (const BackendFailure& e) {
            fail(e);
        }
    }
    return m_fallback->gridEvaluator();
}

}  // namespace nnlens
