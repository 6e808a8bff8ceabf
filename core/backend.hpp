// Backend: the interface every engine implements (forward, gradients, training, grid maps);
// CpuBackend is the reference.
#pragma once

#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "backward.hpp"
#include "dataset.hpp"
#include "forward.hpp"
#include "grid.hpp"
#include "loss.hpp"
#include "network.hpp"
#include "optimizer.hpp"

namespace nnlens {

// One network, one data set, a loss and an optimizer, resident on a backend between steps.
class TrainingSession {
  public:
    virtual ~TrainingSession() = default;

    struct StepResult {
        float loss = 0.0f;  // the batch loss before the update
        bool ok = true;     // false when the loss or an updated parameter is not finite; the
                            // parameters are then left as they were before this step
    };
    // Forward and backward on the given rows of the data set, then the optimizer update.
    virtual StepResult step(std::span<const int> rows) = 0;
    // One step per batch, in order, each as step() runs it; stops after the first step that is not
    // ok (its result is the last one). A device backend runs them without a round trip to the host
    // per step (the losses come back once); this default just loops.
    virtual std::vector<StepResult> steps(std::span<const std::span<const int>> batches) {
        std::vector<StepResult> results;
        results.reserve(batches.size());
        for (const std::span<const int> rows : batches) {
            results.push_back(step(rows));
            if (!results.back().ok) break;
        }
        return results;
    }
    // The loss on the given rows, without an update.
    virtual float evaluate(std::span<const int> rows) = 0;

    virtual float learningRate() const = 0;
    virtual void setLearningRate(float lr) = 0;

    // Snapshot and restore of the parameters and optimizer state (used by the lr scan).
    virtual void saveState() = 0;
    virtual void restoreState() = 0;

    // The network with the current parameters.
    virtual Network network() const = 0;
    // Replaces the parameters with `net`'s, which must have network()'s layers, sizes and
    // activations (InputError otherwise); the optimizer state (moments, step count) is kept, as
    // assigning to a parameter's data in PyTorch keeps it: an edit made while training runs.
    virtual void setParameters(const Network& net) = 0;

    // The regularization the session was started with (OptimizerConfig's l1, l2) and its
    // penalty on the current weights, l1 sum|W| + l2/2 sum W^2 (0 without one; spec section 10).
    float l1() const { return m_l1; }
    float l2() const { return m_l2; }
    double penalty() const;
    // Changes the regularization between steps (the window's Regularization during Play); the
    // optimizer state is kept. InputError for a rate that is negative or not finite.
    virtual void setPenaltyRates(float l1, float l2);

  protected:
    void setRegularization(float l1, float l2) {
        m_l1 = l1;
        m_l2 = l2;
    }

  private:
    float m_l1 = 0.0f;
    float m_l2 = 0.0f;
};

// l1 sum|W| + l2/2 sum W^2 over every layer's weights (biases excluded), in double.
double weightPenalty(const Network& net, double l1, double l2);

// `data` as the first layer sees it: x through `net`'s input features (a copy of `data` with x
// (N, F)). x must have 2 columns when the network has features.
Dataset withFeatures(const Network& net, const Dataset& data);

// Throws InputError unless `net` has `have`'s inputs, features, layers, sizes and activations (what
// TrainingSession::setParameters accepts).
void checkSameShape(const Network& have, const Network& net);

class Backend {
  public:
    virtual ~Backend() = default;

    virtual std::string_view name() const = 0;  // "cpu", "cuda"

    virtual Trace forward(const Network& net, const Matrix& x) = 0;
    virtual Gradients gradients(const Network& net, const Dataset& data, LossConfig loss) = 0;
    // `data` must outlive the session (it is read, not copied, on the CPU).
    virtual std::unique_ptr<TrainingSession> startTraining(const Network& net, const Dataset& data,
                                                           LossConfig loss,
                                                           OptimizerConfig opt) = 0;
    virtual std::unique_ptr<GridEvaluator> gridEvaluator() = 0;
};

class CpuBackend final : public Backend {
  public:
    std::string_view name() const override { return "cpu"; }
    Trace forward(const Network& net, const Matrix& x) override;
    Gradients gradients(const Network& net, const Dataset& data, LossConfig loss) override;
    std::unique_ptr<TrainingSession> startTraining(const Network& net, const Dataset& data,
                                                   LossConfig loss, OptimizerConfig opt) override;
    std::unique_ptr<GridEvaluator> gridEvaluator() override;
};

}  // namespace nnlens
