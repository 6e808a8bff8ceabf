// Trainer: minibatches, seeded shuffling, validation split, per-epoch losses, cancellation and the
// divergence guard.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
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
    float penalty = 0.0f;  // the weight penalty after it (0 without regularization)
};

struct TrainResult {
    std::int64_t steps = 0;
    int epochs = 0;                // passes begun over the training rows
    std::vector<float> trainLoss;  // per epoch, or per step with TrainConfig::steps
    std::vector<float> valLoss;    // same length, empty without a validation split
    std::vector<float> penalty;    // same length as trainLoss: the weight penalty after each
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

// One epoch's record, as train() reports it.
struct EpochRecord {
    int epoch = 0;           // 1-based
    std::int64_t step = 0;   // steps done at its end
    float trainLoss = 0.0f;  // the mean of its minibatch losses, each before its update
    std::optional<float> valLoss;
    float penalty = 0.0f;  // the session's weight penalty at its end
};

class BatchSampler;

// The epoch loop of train(), resumable: the window advances it a few steps at a time (Step,
// Epoch, Play with Pause at any step) and gets bit for bit the parameters that train() gives
// with the same session, rows and config. Steps go to the session in groups of at most 32 that
// never cross an epoch's end, as in train().
class TrainLoop {
  public:
    static constexpr int kStepsPerCall = 32;

    // Throws InputError as train() does (cfg.epochs and cfg.steps are not used: the caller
    // decides when to stop).
    TrainLoop(TrainingSession& session, int rows, const TrainConfig& cfg);
    ~TrainLoop();
    TrainLoop(const TrainLoop&) = delete;
    TrainLoop& operator=(const TrainLoop&) = delete;

    // A change of settings while the loop runs (the window's live knobs): from the next batch on,
    // the loop visits `rows` rows with `cfg`'s batch size, validation split, shuffling and seed.
    // The epoch in progress is given up (its steps stay counted, its loss is not recorded) and a
    // new pass begins, numbered after the passes so far (so its shuffle differs from the first
    // pass's). Throws InputError as the constructor does, leaving the loop as it was.
    void reconfigure(int rows, const TrainConfig& cfg);
    // Goes on with another session (a new loss or optimizer, new data): the pass in progress
    // continues, its loss so far kept.
    void setSession(TrainingSession& session) { m_session = &session; }

    // Runs at most `maxSteps` steps of the current epoch (fewer when it ends first). Returns the
    // epoch's record when these steps completed it (the validation loss is taken then). After a
    // divergence it does nothing: diverged() and stopReason() say why, and the session holds the
    // last finite parameters.
    std::optional<EpochRecord> advance(int maxSteps);

    bool diverged() const { return m_diverged; }
    const std::string& stopReason() const { return m_stopReason; }
    int epochsDone() const { return m_epochsDone; }
    std::int64_t steps() const { return m_steps; }
    int batchesPerEpoch() const { return m_batchesPerEpoch; }
    int stepInEpoch() const { return m_stepInEpoch; }  // steps done of the current epoch
    int passesBegun() const;                           // epochs begun (train()'s `epochs`)
    int trainRows() const { return m_nTrain; }
    const std::vector<int>& validationRows() const { return m_valRows; }

  private:
    TrainingSession* m_session;
    int m_nTrain = 0;
    int m_batchesPerEpoch = 0;
    std::vector<int> m_valRows;
    std::unique_ptr<BatchSampler> m_sampler;
    std::vector<std::span<const int>> m_group;
    double m_sum = 0.0;  // the current epoch's loss sum
    int m_stepInEpoch = 0;
    int m_epochsDone = 0;
    std::int64_t m_steps = 0;
    bool m_diverged = false;
    std::string m_stopReason;
};

// Visits rows [0, n) in minibatches as PyTorch's DataLoader does (drop_last=False), reshuffled
// every pass when `shuffle`.
class BatchSampler {
  public:
    // `firstPass`: the number of passes already made (a sampler that takes over from another).
    BatchSampler(int n, int batch, bool shuffle, std::uint64_t seed, int firstPass = 0);
    // The next batch; sets `newPass` when it starts a new pass over the data.
    std::span<const int> next(bool* newPass = nullptr);
    int passes() const { return m_passes; }

  private:
    int m_n;
    int m_batch;
    bool m_shuffle;
    std::uint64_t m_seed;
    int m_passes = 0;
    int m_firstPass = 0;
    int m_pos = 0;
    std::vector<int> m_order;
};

}  // namespace nnlens
