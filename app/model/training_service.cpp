// TrainingService: one worker thread owns the engine's session and its TrainLoop; commands and
// results cross under one mutex, the parameters as immutable snapshots.
#include "training_service.hpp"

#include <QMetaObject>
#include <QStringList>

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif
#include <QMetaType>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <exception>
#include <utility>

#include "core/error.hpp"
#include "core/forward.hpp"
#include "core/loss.hpp"
#include "core/metrics.hpp"
#include "core/optimizer.hpp"

namespace nnlens::model {

namespace {

using Clock = std::chrono::steady_clock;

std::int64_t nowNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
        .count();
}

std::size_t networkBytes(const Network& net) {
    std::size_t bytes = sizeof(Network);
    for (const Layer& layer : net.layers) {
        bytes += sizeof(Layer) +
                 static_cast<std::size_t>(layer.W.size() + layer.b.size()) * sizeof(float);
    }
    return bytes;
}

// The parameters are published at most this often while playing (the screen's pace).
constexpr std::int64_t kPublishIntervalNs = 15'000'000;
// A chunk of steps between checks for Pause and new settings.
constexpr double kChunkSeconds = 0.003;
// The accuracy (a forward pass over every row) is taken at most this often while playing: on
// 100 000 rows it would otherwise cost more than the training it reports on.
constexpr std::int64_t kAccuracyIntervalNs = 250'000'000;

QString number(double v) {
    return QString::number(v, 'g', 4);
}

}  // namespace

// ---- settings -----------------------------------------------------------------------------

TrainConfig TrainingSettings::trainConfig() const {
    TrainConfig cfg;
    cfg.batch = batch;
    cfg.epochs = std::max(1, epochs);
    cfg.valSplit = valSplit;
    cfg.shuffle = shuffle;
    cfg.seed = seed;
    return cfg;
}

OptimizerConfig TrainingSettings::optimizerConfig() const {
    OptimizerConfig opt;
    opt.kind = optimizer;
    opt.lr = lr;
    opt.l1 = l1;
    opt.l2 = l2;
    return opt;
}

// ---- timeline -----------------------------------------------------------------------------

int Timeline::stride(int epoch) const {
    const int octave = epoch < 1 ? 0 : std::bit_width(static_cast<unsigned>(epoch)) - 1;
    const int shift = std::max(0, octave - 6) + m_extraShift;
    return 1 << std::min(shift, 30);
}

bool Timeline::wants(int epoch) const {
    return epoch == 0 || epoch % stride(epoch) == 0;
}

void Timeline::setTip(Entry entry) {
    m_tip = std::move(entry);
}

std::vector<Timeline::Entry> Timeline::withTip() const {
    std::vector<Entry> all = m_entries;
    if (m_tip && m_tip->network && (all.empty() || m_tip->step > all.back().step))
        all.push_back(*m_tip);
    return all;
}

void Timeline::add(Entry entry) {
    m_tip.reset();
    if (!entry.network || !wants(entry.epoch)) return;
    if (!m_entries.empty() && m_entries.back().epoch >= entry.epoch) truncate(entry.epoch - 1);
    m_bytes += networkBytes(*entry.network);
    m_entries.push_back(std::move(entry));
    // Over budget: thin everything to the next stride (the start is always kept).
    while (m_bytes > m_budget && m_entries.size() > 2) {
        ++m_extraShift;
        std::vector<Entry> kept;
        m_bytes = 0;
        for (Entry& e : m_entries) {
            if (e.epoch == 0 || e.epoch % stride(e.epoch) == 0 || &e == &m_entries.back()) {
                m_bytes += networkBytes(*e.network);
                kept.push_back(std::move(e));
            }
        }
        m_entries = std::move(kept);
    }
}

void Timeline::clear() {
    m_tip.reset();
    m_entries.clear();
    m_bytes = 0;
    m_extraShift = 0;
}

void Timeline::truncate(int epoch) {
    m_tip.reset();
    while (!m_entries.empty() && m_entries.back().epoch > epoch) {
        m_bytes -= networkBytes(*m_entries.back().network);
        m_entries.pop_back();
    }
}

const Timeline::Entry* Timeline::nearest(int epoch) const {
    if (m_entries.empty()) return nullptr;
    const auto after = std::upper_bound(m_entries.begin(), m_entries.end(), epoch,
                                        [](int e, const Entry& x) { return e < x.epoch; });
    if (after == m_entries.begin()) return &m_entries.front();
    return &*(after - 1);
}

// ---- service ------------------------------------------------------------------------------

TrainingService::TrainingService(BackendFactory factory, QObject* parent)
    : QObject(parent), m_factory(std::move(factory)) {
    qRegisterMetaType<std::shared_ptr<const TrainingSnapshot>>();
    m_thread = std::thread([this] { run(); });
}

TrainingService::~TrainingService() {
    {
        std::lock_guard lock(m_mutex);
        m_quit = true;
        m_stopRequested = true;
    }
    m_wake.notify_all();
    m_thread.join();
}

bool TrainingService::start(const Network& net, std::shared_ptr<const Dataset> data,
                            const TrainingSettings& settings, QString* error, int keepHistoryFrom) {
    pause();
    const auto fail = [&](const QString& message) {
        if (error) *error = message;
        return false;
    };
    if (!data || data->size() == 0) return fail(tr("no data to train on"));
    std::unique_ptr<Backend> backend = m_factory ? m_factory() : nullptr;
    if (!backend) backend = std::make_unique<CpuBackend>();
    std::unique_ptr<TrainingSession> session;
    std::unique_ptr<TrainLoop> loop;
    try {
        if (data->inputs() != net.inputs) {
            throw InputError("the data have " + std::to_string(data->inputs()) +
                             " input columns but the network has " + std::to_string(net.inputs) +
                             " inputs");
        }
        session = backend->startTraining(net, *data, settings.loss, settings.optimizerConfig());
        loop = std::make_unique<TrainLoop>(*session, data->size(), settings.trainConfig());
    } catch (const std::exception& e) {
        return fail(QString::fromStdString(e.what()));
    }
    std::lock_guard lock(m_mutex);
    // The old session goes before its backend.
    m_loop.reset();
    m_session.reset();
    m_backend = std::move(backend);
    m_session = std::move(session);
    m_loop = std::move(loop);
    m_data = std::move(data);
    m_settings = settings;
    m_pendingSettings.reset();
    m_pendingNetwork.reset();
    m_pendingData.reset();
    m_appliedGeneration = m_generation;
    m_trainAccuracy.reset();
    m_valAccuracy.reset();
    m_lastAccuracyNs = 0;
    if (keepHistoryFrom >= 0) {
        m_history.trainLoss.truncate(keepHistoryFrom);
        m_history.valLoss.truncate(keepHistoryFrom);
        m_history.penalty.truncate(keepHistoryFrom);
        std::erase_if(m_history.changes,
                      [&](const RunChange& c) { return c.epoch > keepHistoryFrom; });
        m_timeline.truncate(keepHistoryFrom);
        m_epochOffset = keepHistoryFrom;
        m_stepOffset = 0;
        for (const Timeline::Entry& e : m_timeline.entries())
            m_stepOffset = std::max(m_stepOffset, e.step);
    } else {
        m_history = {};
        m_timeline.clear();
        m_epochOffset = 0;
        m_stepOffset = 0;
    }
    auto start = std::make_shared<const Network>(net);
    if (m_timeline.entries().empty() || m_timeline.entries().back().epoch < m_epochOffset)
        m_timeline.add({m_epochOffset, m_stepOffset, start});
    // The first snapshot: the starting point, with its losses unknown until an epoch ends.
    auto snap = std::make_shared<TrainingSnapshot>();
    snap->network = start;
    snap->epoch = m_epochOffset;
    snap->step = m_stepOffset;
    snap->batchesPerEpoch = m_loop->batchesPerEpoch();
    if (!m_history.trainLoss.empty()) snap->trainLoss = m_history.trainLoss.last();
    if (!m_history.valLoss.empty()) snap->valLoss = m_history.valLoss.last();
    snap->serial = ++m_serial;
    snap->generation = m_appliedGeneration;
    m_latest = std::move(snap);
    return true;
}

bool TrainingService::hasRun() const {
    std::lock_guard lock(m_mutex);
    return m_loop != nullptr;
}

bool TrainingService::diverged() const {
    std::lock_guard lock(m_mutex);
    return m_loop && m_loop->diverged();
}

void TrainingService::clear() {
    pause();
    std::lock_guard lock(m_mutex);
    m_loop.reset();
    m_session.reset();
    m_data.reset();
    m_history = {};
    m_timeline.clear();
    m_latest.reset();
    m_epochOffset = 0;
    m_stepOffset = 0;
}

void TrainingService::play() {
    {
        std::lock_guard lock(m_mutex);
        if (!m_loop || m_loop->diverged()) return;
        m_command = Command::Play;
        m_stopRequested = false;
    }
    m_wake.notify_all();
}

void TrainingService::stepOnce() {
    pause();
    {
        std::lock_guard lock(m_mutex);
        if (!m_loop || m_loop->diverged()) return;
        m_command = Command::Step;
    }
    m_wake.notify_all();
}

void TrainingService::epochOnce() {
    pause();
    {
        std::lock_guard lock(m_mutex);
        if (!m_loop || m_loop->diverged()) return;
        m_command = Command::Epoch;
    }
    m_wake.notify_all();
}

void TrainingService::pause() {
    std::unique_lock lock(m_mutex);
    m_command = Command::None;
    m_stopRequested = true;
    m_wake.notify_all();
    m_idle.wait(lock, [&] { return !m_busy; });
    m_stopRequested = false;
    // Changes that came after the worker's last batch: the paused run holds them too.
    if (m_pendingSettings || m_pendingNetwork || m_pendingData) {
        applyPendingLocked();
        lock.unlock();
        if (m_loop) publish(false);
    }
}

bool TrainingService::running() const {
    std::lock_guard lock(m_mutex);
    return m_busy || m_command != Command::None;
}

void TrainingService::setEpochsPerSecond(double rate) {
    {
        std::lock_guard lock(m_mutex);
        m_rate = std::max(0.0, rate);
    }
    m_wake.notify_all();
}

void TrainingService::changeSettings(const TrainingSettings& settings) {
    bool idle = false;
    {
        std::lock_guard lock(m_mutex);
        m_pendingSettings = settings;
        idle = !m_busy && m_loop;
        if (idle) applyPendingLocked();
    }
    if (idle) publish(false);
}

std::uint64_t TrainingService::changeNetwork(const Network& net) {
    bool idle = false;
    std::uint64_t generation = 0;
    {
        std::lock_guard lock(m_mutex);
        m_pendingNetwork = net;
        generation = ++m_generation;
        idle = !m_busy && m_loop;
        if (idle) applyPendingLocked();
    }
    if (idle) publish(false);
    return generation;
}

std::uint64_t TrainingService::generation() const {
    std::lock_guard lock(m_mutex);
    return m_generation;
}

void TrainingService::changeData(std::shared_ptr<const Dataset> data) {
    if (!data) return;
    bool idle = false;
    {
        std::lock_guard lock(m_mutex);
        m_pendingData = std::move(data);
        idle = !m_busy && m_loop;
        if (idle) applyPendingLocked();
    }
    if (idle) publish(false);
}

TrainingSettings TrainingService::settings() const {
    std::lock_guard lock(m_mutex);
    return m_settings;
}

void TrainingService::markLocked(const QString& text) {
    RunChange c;
    c.step = m_stepOffset + m_loop->steps();
    c.epoch = m_epochOffset + m_loop->epochsDone() +
              (m_loop->batchesPerEpoch() > 0
                   ? double(m_loop->stepInEpoch()) / double(m_loop->batchesPerEpoch())
                   : 0.0);
    c.text = text;
    // Changes at the same step (a slider dragged between two batches) keep only the newest.
    if (!m_history.changes.empty() && m_history.changes.back().step == c.step)
        m_history.changes.back() = c;
    else if (m_history.changes.size() < 4096)
        m_history.changes.push_back(c);
    notifyChanged(text, false);
}

void TrainingService::notifyChanged(const QString& text, bool failure) {
    QMetaObject::invokeMethod(
        this, [this, text, failure] { emit changed(text, failure); }, Qt::QueuedConnection);
}

void TrainingService::applyPendingLocked() {
    if (!m_loop || !m_session) {
        m_pendingSettings.reset();
        m_pendingNetwork.reset();
        m_pendingData.reset();
        return;
    }
    // The session after a change: a new one (loss, optimizer, structure, data) replaces the old
    // only once the loop is bound to it; the old one goes before the data it reads.
    const auto replaceSession = [&](std::unique_ptr<TrainingSession> next) {
        m_loop->setSession(*next);
        m_session = std::move(next);
    };
    if (m_pendingData) {
        std::shared_ptr<const Dataset> data = std::exchange(m_pendingData, nullptr);
        try {
            auto next = m_backend->startTraining(m_session->network(), *data, m_settings.loss,
                                                 m_settings.optimizerConfig());
            m_loop->reconfigure(data->size(), m_settings.trainConfig());
            replaceSession(std::move(next));
            m_data = std::move(data);
            m_trainAccuracy.reset();
            m_valAccuracy.reset();
            m_lastAccuracyNs = 0;
            markLocked(tr("data: %n rows (optimizer state restarted)", nullptr, m_data->size()));
        } catch (const std::exception& e) {
            notifyChanged(tr("The run keeps its data: %1").arg(QString::fromStdString(e.what())),
                          true);
        }
    }
    if (m_pendingNetwork) {
        const Network net = *std::exchange(m_pendingNetwork, std::nullopt);
        try {
            try {
                m_session->setParameters(net);
            } catch (const InputError&) {
                // Layers, nodes or activations changed: a fresh session on the new structure.
                auto next = m_backend->startTraining(net, *m_data, m_settings.loss,
                                                     m_settings.optimizerConfig());
                replaceSession(std::move(next));
                markLocked(tr("network structure edited (optimizer state restarted)"));
            }
            m_appliedGeneration = m_generation;
            m_lastAccuracyNs = 0;
        } catch (const std::exception& e) {
            m_appliedGeneration = m_generation;
            notifyChanged(tr("The run cannot take the edited network: %1")
                              .arg(QString::fromStdString(e.what())),
                          true);
        }
    }
    if (m_pendingSettings) {
        const TrainingSettings next = *std::exchange(m_pendingSettings, std::nullopt);
        const TrainingSettings old = m_settings;
        QStringList what;
        try {
            const bool newOptimizer = next.loss.loss != old.loss.loss ||
                                      next.loss.reduction != old.loss.reduction ||
                                      next.optimizer != old.optimizer;
            const bool newPass = next.batch != old.batch || next.valSplit != old.valSplit ||
                                 next.shuffle != old.shuffle || next.seed != old.seed;
            std::unique_ptr<TrainingSession> session;
            if (newOptimizer) {
                session = m_backend->startTraining(m_session->network(), *m_data, next.loss,
                                                   next.optimizerConfig());
            }
            if (newPass) m_loop->reconfigure(m_data->size(), next.trainConfig());
            if (session) replaceSession(std::move(session));
            if (!newOptimizer && next.lr != old.lr) m_session->setLearningRate(next.lr);
            if (!newOptimizer && (next.l1 != old.l1 || next.l2 != old.l2))
                m_session->setPenaltyRates(next.l1, next.l2);
            m_settings = next;
            if (next.loss.loss != old.loss.loss) {
                const LossInfo& a = lossInfo(old.loss.loss);
                const LossInfo& b = lossInfo(next.loss.loss);
                what << tr("loss %1 → %2")
                            .arg(QString::fromUtf8(a.name.data(), qsizetype(a.name.size())),
                                 QString::fromUtf8(b.name.data(), qsizetype(b.name.size())));
            }
            if (next.optimizer != old.optimizer) {
                const OptimizerInfo& a = optimizerInfo(old.optimizer);
                const OptimizerInfo& b = optimizerInfo(next.optimizer);
                what << tr("optimizer %1 → %2")
                            .arg(QString::fromUtf8(a.name.data(), qsizetype(a.name.size())),
                                 QString::fromUtf8(b.name.data(), qsizetype(b.name.size())));
            }
            if (next.lr != old.lr)
                what << tr("learning rate %1 → %2").arg(number(old.lr), number(next.lr));
            if (next.batch != old.batch) what << tr("batch %1 → %2").arg(old.batch).arg(next.batch);
            if (next.valSplit != old.valSplit)
                what << tr("validation split %1 → %2")
                            .arg(number(old.valSplit), number(next.valSplit));
            if (next.shuffle != old.shuffle)
                what << (next.shuffle ? tr("shuffling on") : tr("shuffling off"));
            if (next.seed != old.seed) what << tr("seed %1 → %2").arg(old.seed).arg(next.seed);
            if (next.l1 != old.l1) what << tr("L1 %1 → %2").arg(number(old.l1), number(next.l1));
            if (next.l2 != old.l2) what << tr("L2 %1 → %2").arg(number(old.l2), number(next.l2));
            if (newOptimizer) what << tr("optimizer state restarted");
            if (newPass) m_lastAccuracyNs = 0;
            if (!what.isEmpty()) markLocked(what.join(QStringLiteral("; ")));
        } catch (const std::exception& e) {
            notifyChanged(
                tr("The run keeps its settings: %1").arg(QString::fromStdString(e.what())), true);
        }
    }
}

void TrainingService::setEpochLimit(int epochs) {
    std::lock_guard lock(m_mutex);
    m_epochLimit = std::max(0, epochs);
}

std::shared_ptr<const TrainingSnapshot> TrainingService::latest() const {
    std::lock_guard lock(m_mutex);
    return m_latest;
}

TrainingHistory TrainingService::history() const {
    std::lock_guard lock(m_mutex);
    return m_history;
}

std::vector<Timeline::Entry> TrainingService::timeline() const {
    std::lock_guard lock(m_mutex);
    return m_timeline.withTip();
}

QString TrainingService::backendName() const {
    std::lock_guard lock(m_mutex);
    return m_backend ? QString::fromUtf8(m_backend->name().data(),
                                         static_cast<qsizetype>(m_backend->name().size()))
                     : QString();
}

bool TrainingService::waitIdle(int timeoutMs) {
    std::unique_lock lock(m_mutex);
    return m_idle.wait_for(lock, std::chrono::milliseconds(timeoutMs),
                           [&] { return !m_busy && m_command == Command::None; });
}

void TrainingService::run() {
#ifdef __linux__
    // Below the GUI and map threads: on a machine with few cores, full-speed training takes what
    // they leave, so the window keeps its frame rate and answers at once.
    setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), 10);
#endif
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [&] { return m_quit || m_command != Command::None; });
        if (m_quit) return;
        const Command cmd = std::exchange(m_command, Command::None);
        m_busy = true;
        runCommand(cmd, lock);
        m_busy = false;
        m_idle.notify_all();
    }
}

void TrainingService::runCommand(Command cmd, std::unique_lock<std::mutex>& lock) {
    if (!m_loop || m_loop->diverged()) return;
    TrainLoop& loop = *m_loop;
    QString stopReason;
    bool failure = false;

    lock.unlock();
    const std::int64_t runStartNs = nowNs();
    const int runStartEpoch = loop.epochsDone();
    m_lastPublishNs = runStartNs;
    m_samplesSincePublish = 0;
    m_rateStartNs = runStartNs;
    m_samplesPerSecond = 0.0;  // this run's, not the last one's
    double secondsPerStep = 1e-5;
    bool finished = false;
    try {
        while (!finished) {
            double rate = 0.0;
            int limit = 0;
            {
                std::lock_guard guard(m_mutex);
                if (m_stopRequested || m_quit) break;
                if (m_pendingSettings || m_pendingNetwork || m_pendingData) {
                    applyPendingLocked();
                    // A change shows at once, even at a slow speed.
                    m_lastPublishNs = 0;
                }
                rate = m_rate;
                limit = m_epochLimit;
            }
            int chunk = 1;
            if (cmd != Command::Step) {
                chunk = static_cast<int>(std::clamp(kChunkSeconds / secondsPerStep, 1.0, 4096.0));
            }
            const std::int64_t before = loop.steps();
            const std::int64_t t0 = nowNs();
            const std::optional<EpochRecord> record = loop.advance(chunk);
            const std::int64_t done = loop.steps() - before;
            if (done > 0) {
                const double perStep =
                    static_cast<double>(nowNs() - t0) * 1e-9 / static_cast<double>(done);
                secondsPerStep = 0.7 * secondsPerStep + 0.3 * perStep;
                // A batch is `batch` rows except the pass's last (rows % batch when not 0).
                const std::int64_t batch = std::min(m_settings.batch, loop.trainRows());
                m_samplesSincePublish += done * batch;
            }
            if (record) {
                std::lock_guard guard(m_mutex);
                m_history.trainLoss.append(record->trainLoss);
                if (record->valLoss) m_history.valLoss.append(*record->valLoss);
                m_history.penalty.append(record->penalty);
                const int epoch = m_epochOffset + record->epoch;
                if (m_timeline.wants(epoch)) {
                    m_timeline.add({epoch, m_stepOffset + record->step,
                                    std::make_shared<const Network>(m_session->network())});
                }
            }
            if (loop.diverged()) {
                stopReason = QString::fromStdString(loop.stopReason());
                failure = true;
                break;
            }
            if (cmd == Command::Step) finished = true;
            if (cmd == Command::Epoch && record) finished = true;
            if (cmd == Command::Play && record) {
                const int epochs = loop.epochsDone() - runStartEpoch;
                if (limit > 0 && m_epochOffset + loop.epochsDone() >= limit) {
                    finished = true;
                    stopReason = tr("reached %1 epochs").arg(limit);
                } else if (rate > 0.0) {
                    // The speed control: epoch k of this run ends no earlier than k / rate s.
                    const auto due = Clock::time_point(std::chrono::nanoseconds(
                        runStartNs + static_cast<std::int64_t>(epochs / rate * 1e9)));
                    publish();
                    std::unique_lock wait(m_mutex);
                    m_wake.wait_until(wait, due, [&] { return m_stopRequested || m_quit; });
                }
            }
            if (nowNs() - m_lastPublishNs >= kPublishIntervalNs) publish();
        }
    } catch (const std::exception& e) {
        stopReason = tr("training stopped: %1").arg(QString::fromStdString(e.what()));
        failure = true;
    }
    publish(false);
    lock.lock();
    // Where the run stands is the timeline's last entry (a pause inside an epoch included).
    m_timeline.setTip({m_epochOffset + loop.epochsDone(), m_stepOffset + loop.steps(),
                       m_latest ? m_latest->network : nullptr});
    if (finished || !stopReason.isEmpty()) {
        // The GUI hears of it once the worker is idle again (queued after the last snapshot).
        QMetaObject::invokeMethod(
            this, [this, stopReason, failure] { emit stopped(stopReason, failure); },
            Qt::QueuedConnection);
    }
}

void TrainingService::publish(bool running) {
    const std::int64_t now = nowNs();
    // Samples per second of wall time while the run goes (a slowed run's waits included), over
    // windows of at least kRateWindowS: a run's last few steps, published at once when it stops,
    // once gave millions of samples per second over a tenth of a millisecond (#20).
    constexpr double kRateWindowS = 0.25;
    const double seconds = static_cast<double>(now - m_rateStartNs) * 1e-9;
    if (seconds >= kRateWindowS && m_samplesSincePublish > 0) {
        const double rate = static_cast<double>(m_samplesSincePublish) / seconds;
        m_samplesPerSecond =
            m_samplesPerSecond > 0.0 ? 0.5 * m_samplesPerSecond + 0.5 * rate : rate;
        m_rateStartNs = now;
        m_samplesSincePublish = 0;
    }
    m_lastPublishNs = now;

    auto snap = std::make_shared<TrainingSnapshot>();
    snap->network = std::make_shared<const Network>(m_session->network());
    const TrainLoop& loop = *m_loop;
    snap->epoch = m_epochOffset + loop.epochsDone();
    snap->step = m_stepOffset + loop.steps();
    snap->stepInEpoch = loop.stepInEpoch();
    snap->batchesPerEpoch = loop.batchesPerEpoch();
    snap->samplesPerSecond = m_samplesPerSecond;
    if (isClassification(*m_data) && (!running || now - m_lastAccuracyNs >= kAccuracyIntervalNs)) {
        const Trace trace = forward(*snap->network, m_data->x);
        m_trainAccuracy = accuracy(trace.output(), *m_data, 0, loop.trainRows());
        m_valAccuracy.reset();
        if (loop.trainRows() < m_data->size())
            m_valAccuracy = accuracy(trace.output(), *m_data, loop.trainRows(), m_data->size());
        m_lastAccuracyNs = now;
    }
    snap->trainAccuracy = m_trainAccuracy;
    snap->valAccuracy = m_valAccuracy;
    {
        std::lock_guard lock(m_mutex);
        if (!m_history.trainLoss.empty()) snap->trainLoss = m_history.trainLoss.last();
        if (!m_history.valLoss.empty()) snap->valLoss = m_history.valLoss.last();
        snap->generation = m_appliedGeneration;
        snap->running = running;
        snap->serial = ++m_serial;
        m_latest = std::move(snap);
    }
    if (!m_signalPending.exchange(true)) {
        QMetaObject::invokeMethod(
            this,
            [this] {
                m_signalPending = false;
                emit progressed();
            },
            Qt::QueuedConnection);
    }
}

}  // namespace nnlens::model
