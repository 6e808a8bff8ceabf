// TrainingService: the run, trained on a worker thread (the engine's TrainingSession driven by
// core's TrainLoop, so a run without changes equals `nnlens-cli train` with the same settings and
// seed bit for bit). Play, Pause, Step and Epoch are commands to the worker; settings, parameters
// and data change live (applied before the worker's next batch, or at once while it is idle); the
// parameters come back at the screen's pace as snapshots that coalesce (the newest wins, no frame
// queues up); every epoch's losses go to a bounded history (EpochSeries) with the changes marked,
// and a thinned set of parameter snapshots to the timeline.
#pragma once

#include <QObject>
#include <QString>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/backend.hpp"
#include "core/epoch_series.hpp"
#include "core/trainer.hpp"

namespace nnlens::model {

// What a training run needs besides the network.
struct TrainingSettings {
    LossConfig loss;  // mse, mean
    OptimizerKind optimizer = OptimizerKind::Adam;
    float lr = 0.01f;
    int batch = 10;
    int epochs = 100;  // the lesson's run length: each Play trains this many epochs when
                       // stopAtEpochs (a lesson's "training"), else Play runs until paused
    bool stopAtEpochs = false;
    double valSplit = 0.0;
    std::uint64_t seed = 0;
    bool shuffle = true;
    float l1 = 0.0f;  // regularization (spec section 10): a lesson's training.l1, l2
    float l2 = 0.0f;

    TrainConfig trainConfig() const;
    OptimizerConfig optimizerConfig() const;
    bool operator==(const TrainingSettings& o) const {
        return loss.loss == o.loss.loss && loss.reduction == o.loss.reduction &&
               optimizer == o.optimizer && lr == o.lr && batch == o.batch && epochs == o.epochs &&
               valSplit == o.valSplit && seed == o.seed && shuffle == o.shuffle &&
               stopAtEpochs == o.stopAtEpochs && l1 == o.l1 && l2 == o.l2;
    }
};

// The state shown while training: the parameters and the figures of the status line.
struct TrainingSnapshot {
    std::shared_ptr<const Network> network;
    int epoch = 0;                   // epochs completed
    std::int64_t step = 0;           // steps completed
    int stepInEpoch = 0;             // steps done of the running epoch
    int batchesPerEpoch = 0;         //
    std::optional<float> trainLoss;  // the last completed epoch's
    std::optional<float> valLoss;
    std::optional<double> trainAccuracy;  // classification data only (core accuracy rule)
    std::optional<double> valAccuracy;
    // Samples trained per second of the run's wall time, over the last quarter second or more
    // (0 until a run has gone that long).
    double samplesPerSecond = 0.0;
    bool running = false;
    std::uint64_t serial = 0;      // increases with every snapshot
    std::uint64_t generation = 0;  // the last network change (changeNetwork) it includes
};

// A change made while the run lives (a setting, the structure, the data), marked on the loss plot.
struct RunChange {
    double epoch = 0.0;     // where it took effect: epochs done + the running epoch's fraction
    std::int64_t step = 0;  // steps done before it
    QString text;           // "learning rate 0.01 → 0.003"
};

// The run's figures per epoch (bounded: see EpochSeries) and its changes.
struct TrainingHistory {
    EpochSeries trainLoss;
    EpochSeries valLoss;  // empty without validation rows
    EpochSeries penalty;  // the weight penalty after each epoch (zeros without regularization)
    std::vector<RunChange> changes;
};

// Parameters kept at epoch ends with bounded memory: every epoch up to 64, then every 2nd up to
// 128, every 4th up to 256, ... (64 per octave, denser early where loss curves move fastest), and
// the stride doubles again whenever the kept parameters pass `budgetBytes`.
class Timeline {
  public:
    struct Entry {
        int epoch = 0;  // epochs done
        std::int64_t step = 0;
        std::shared_ptr<const Network> network;
    };
    explicit Timeline(std::size_t budgetBytes = 64u << 20) : m_budget(budgetBytes) {}

    // Whether the parameters at the end of `epoch` are to be kept (so the caller copies them only
    // then).
    bool wants(int epoch) const;
    void add(Entry entry);
    void clear();
    // Drops the entries after `epoch` (Continue from here).
    void truncate(int epoch);
    const std::vector<Entry>& entries() const { return m_entries; }
    // Where the run paused (perhaps inside an epoch): shown as the last entry until the run goes
    // on, so that the timeline's end is the network the epoch counter names.
    void setTip(Entry entry);
    // The entries and, after them, the tip when it is later than the last.
    std::vector<Entry> withTip() const;
    // The kept entry nearest to `epoch` (at or before it when possible); null when empty.
    const Entry* nearest(int epoch) const;
    std::size_t bytes() const { return m_bytes; }

  private:
    int stride(int epoch) const;
    std::size_t m_budget;
    std::size_t m_bytes = 0;
    int m_extraShift = 0;  // doublings forced by the budget
    std::vector<Entry> m_entries;
    std::optional<Entry> m_tip;
};

class TrainingService : public QObject {
    Q_OBJECT

  public:
    using BackendFactory = std::function<std::unique_ptr<Backend>()>;
    // `factory` makes the engine for each new session (CpuBackend when empty).
    explicit TrainingService(BackendFactory factory = {}, QObject* parent = nullptr);
    ~TrainingService() override;  // stops and joins the worker

    // A new run from `net` on `data` (shared, read-only) with `settings`: a fresh session
    // (optimizer state restarts), empty history and timeline unless `keepHistoryFrom` >= 0, which
    // keeps the history and timeline up to that epoch and counts on from it (Continue from here).
    // Pauses first. Returns false with `error` set when the engine refuses (shapes, loss).
    bool start(const Network& net, std::shared_ptr<const Dataset> data,
               const TrainingSettings& settings, QString* error, int keepHistoryFrom = -1);
    bool hasRun() const;
    // The run stopped on a divergence (its session holds the last finite parameters); a new
    // start() is needed to go on.
    bool diverged() const;
    // Forgets the run (the next start() begins at epoch 0).
    void clear();

    void play();
    // Stops the worker after its current chunk of steps (a few ms) and waits for it; the latest
    // snapshot then holds the final parameters (the timeline's tip too).
    void pause();
    void stepOnce();   // one minibatch, on the worker (returns at once; stopped() at its end)
    void epochOnce();  // the rest of the running epoch, or one whole epoch (likewise)
    bool running() const;
    // Epochs per second while playing; 0: as fast as the engine goes.
    void setEpochsPerSecond(double rate);
    // Play stops by itself once this many epochs are done in all (0: never).
    void setEpochLimit(int epochs);

    // Live changes, applied by the worker before its next batch (at once while it is idle) and
    // marked in the history. Settings: a new learning rate keeps the optimizer state (PyTorch's
    // param_group['lr']); batch size, validation split, shuffling and seed begin a new pass from
    // the current parameters; a new loss or optimizer restarts the optimizer state. A refused
    // change (no rows left, say) keeps the old settings and says why in changeRefused().
    void changeSettings(const TrainingSettings& settings);
    // New parameters (the same layers and sizes: the optimizer state is kept), or a new structure
    // (a fresh session from it; the loop, the epochs and the history go on). Returns the change's
    // generation: snapshots older than it (TrainingSnapshot::generation) predate the edit.
    std::uint64_t changeNetwork(const Network& net);
    std::uint64_t generation() const;
    // New data (shared, read-only): a fresh session on them from the current parameters.
    void changeData(std::shared_ptr<const Dataset> data);
    TrainingSettings settings() const;

    std::shared_ptr<const TrainingSnapshot> latest() const;
    TrainingHistory history() const;
    std::vector<Timeline::Entry> timeline() const;
    QString backendName() const;

    // Blocks until the worker is idle (tests and the bench).
    bool waitIdle(int timeoutMs = 10000);

  signals:
    // A new snapshot is there (latest()); one at a time: the next is sent only after the receiver
    // got this one, so a slow GUI never builds a queue.
    void progressed();
    // Play, Step or Epoch ended by itself (not by pause()): its end (reason empty), divergence
    // (the engine's reason, the parameters are the last finite ones), the epoch limit, or an
    // engine error. The latest snapshot then holds the final parameters.
    void stopped(const QString& reason, bool failure);
    // A live change took effect (the text of its mark), or was refused (failure).
    void changed(const QString& text, bool failure);

  private:
    enum class Command { None, Play, Step, Epoch };
    void run();
    void publish(bool running = true);
    void runCommand(Command cmd, std::unique_lock<std::mutex>& lock);
    // Applies the pending changes; the caller holds m_mutex and owns the session (the worker, or
    // anyone while the worker is idle).
    void applyPendingLocked();
    void markLocked(const QString& text);
    void notifyChanged(const QString& text, bool failure);

    BackendFactory m_factory;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_idle;
    // Owned by the worker while it runs a command; by the caller of start() otherwise.
    std::unique_ptr<Backend> m_backend;
    std::shared_ptr<const Dataset> m_data;
    std::unique_ptr<TrainingSession> m_session;
    std::unique_ptr<TrainLoop> m_loop;
    TrainingSettings m_settings;
    int m_epochOffset = 0;  // epochs before this session (Continue from here)
    std::int64_t m_stepOffset = 0;
    Command m_command = Command::None;
    bool m_busy = false;
    bool m_stopRequested = false;
    bool m_quit = false;
    double m_rate = 0.0;
    int m_epochLimit = 0;
    std::optional<TrainingSettings> m_pendingSettings;
    std::optional<Network> m_pendingNetwork;
    std::shared_ptr<const Dataset> m_pendingData;
    std::uint64_t m_generation = 0;         // of the last changeNetwork()
    std::uint64_t m_appliedGeneration = 0;  // of the parameters the session holds
    std::shared_ptr<const TrainingSnapshot> m_latest;
    std::uint64_t m_serial = 0;
    TrainingHistory m_history;
    Timeline m_timeline;
    std::atomic<bool> m_signalPending{false};
    // Worker-side publishing state.
    std::int64_t m_lastPublishNs = 0;
    std::int64_t m_samplesSincePublish = 0;  // since m_rateStartNs
    std::int64_t m_rateStartNs = 0;
    double m_samplesPerSecond = 0.0;
    std::int64_t m_lastAccuracyNs = 0;
    std::optional<double> m_trainAccuracy;
    std::optional<double> m_valAccuracy;
    std::thread m_thread;
};

}  // namespace nnlens::model

Q_DECLARE_METATYPE(std::shared_ptr<const nnlens::model::TrainingSnapshot>)
