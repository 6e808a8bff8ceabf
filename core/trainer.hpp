// Trainer: minibatches, seeded shuffling, validation split, per-epoch losses, cancellation and the
// divergence guard.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "backend.hpp"

namespace nnlens {

struct TrainConfig {
    int batch = 10;
    int epochs = 100;
    std::optional<std::int64_t> steps;  // when set, train this many steps instead of epochs
    double valSplit = 0.0;              // Keras validation_split: the last rows validate
    bool shuffle = true;
    std::uint64_t seed = 0;
};

struct TrainProgress {
    int epoch = 0;           // 1-based
    std::int64_t step = 0;   // steps done
    float trainLoss = 0.0f;  // the epoch's (or step's) training loss
    std::optional<float> valLoss;
};

struct TrainResult {
    std::int64_t steps = 0;
    int epochs = 0;                // passes begun over the training rows
    std::vector<float> trainLoss;  // per epoch, or per step with TrainConfig::steps
    std::vector<float> valLoss;    // same length, empty without a validation split
    bool cancelled = false;
    bool diverged = false;
    std::string stopReason;  // empty when training ran to the end
};

// The number of training rows for `valSplit` (floor(N (1 - F)), Keras).
int trainingRows(int n, double valSplit);

// Throws InputError for batch < 1, epochs < 1, steps < 1, valSplit outside [0, 1) or no
// training rows. `progress` is called after every epoch (or step); `cancel` is polled between
// steps. On divergence the session holds the last finite parameters.
TrainResult train(TrainingSession& session, int rows, const TrainConfig& cfg,
                  const std::function<void(const TrainProgress&)>& progress = {},
                  const std::atomic<bool>* cancel = nullptr);

// Visits rows [0, n) in minibatches as PyTorch's DataLoader does (drop_last=False), reshuffled
// every pass when `shuffle`.
class BatchSampler {
  public:
    BatchSampler(int n, int batch, bool shuffle, std::uint64_t seed);
    // The next batch; sets `newPass` when it starts a new pass over the data.
    std::span<const int> next(bool* newPass = nullptr);
    int passes() const { return m_passes; }

  private:
    int m_n;
    int m_batch;
    bool m_shuffle;
    std::uint64_t m_seed;
    int m_passes = 0;
    int m_pos = 0;
    std::vector<int> m_order;
};

}  // namespace nnlens
