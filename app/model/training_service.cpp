// TrainingService: one worker thread owns the engine's session and its TrainLoop; commands and
// results cross under one mutex, the parameters as immutable snapshots.
#include "training_service.hpp"

#include <QMetaObject>

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
#include "core/metrics.hpp"

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

void Timeline::add(Entry entry) {
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
    m_entries.clear();
    m_bytes = 0;
    m_extraShift = 0;
}

void Timeline::truncate(int epoch) {
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
    m_newLr.reset();
    if (keepHistoryFrom >= 0) {
        const auto keep = static_cast<std::size_t>(keepHistoryFrom);
        if (m_history.trainLoss.size() > keep) m_history.trainLoss.resize(keep);
        if (m_history.valLoss.size() > keep) m_history.valLoss.resize(keep);
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
    if (!m_history.trainLoss.empty()) snap->trainLoss = m_history.trainLoss.back();
    if (!m_history.valLoss.empty()) snap->valLoss = m_history.valLoss.back();
    snap->serial = ++m_serial;
    m_latest = std::move(snap);
    return true;
}

bool TrainingService::hasRun() const {
    std::lock_guard lock(m_mutex);
    return m_loop != nullptr;
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

void TrainingService::setLearningRate(float lr) {
    std::lock_guard lock(m_mutex);
    m_settings.lr = lr;
    m_newLr = lr;
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
    return m_timeline.entries();
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
    TrainingSession& session = *m_session;
    const int batch = m_settings.batch;
    const int rows = loop.trainRows();
    QString stopReason;
    bool failure = false;

    lock.unlock();
    const std::int64_t runStartNs = nowNs();
    const int runStartEpoch = loop.epochsDone();
    m_lastPublishNs = runStartNs;
    m_samplesSincePublish = 0;
    double secondsPerStep = 1e-5;
    bool finished = false;
    try {
        while (!finished) {
            double rate = 0.0;
            int limit = 0;
            {
                std::lock_guard guard(m_mutex);
                if (m_stopRequested || m_quit) break;
                if (m_newLr) session.setLearningRate(*std::exchange(m_newLr, std::nullopt));
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
                m_samplesSincePublish += std::min<std::int64_t>(done * batch, done * rows);
            }
            if (record) {
                std::lock_guard guard(m_mutex);
                m_history.trainLoss.push_back(record->trainLoss);
                if (record->valLoss) m_history.valLoss.push_back(*record->valLoss);
                const int epoch = m_epochOffset + record->epoch;
                if (m_timeline.wants(epoch)) {
                    m_timeline.add({epoch, m_stepOffset + record->step,
                                    std::make_shared<const Network>(session.network())});
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
                    stopReason = tr("reached %1 epochs").arg(limit);
                    finished = true;
                } else if (rate > 0.0) {
                    // The speed control: epoch k of this run ends no earlier than k / rate s.
                    const auto due = Clock::time_point(std::chrono::nanoseconds(
                        runStartNs + static_cast<std::int64_t>(epochs / rate * 1e9)));
                    publish(true);
                    std::unique_lock wait(m_mutex);
                    m_wake.wait_until(wait, due, [&] { return m_stopRequested || m_quit; });
                }
            }
            if (nowNs() - m_lastPublishNs >= kPublishIntervalNs) publish(false);
        }
    } catch (const std::exception& e) {
        stopReason = tr("training stopped: %1").arg(QString::fromStdString(e.what()));
        failure = true;
    }
    publish(true, false);
    lock.lock();
    if (!stopReason.isEmpty()) {
        // The GUI hears of it once the worker is idle again (queued after the last snapshot).
        QMetaObject::invokeMethod(
            this, [this, stopReason, failure] { emit stopped(stopReason, failure); },
            Qt::QueuedConnection);
    }
}

void TrainingService::publish(bool force, bool running) {
    const std::int64_t now = nowNs();
    const double seconds = static_cast<double>(now - m_lastPublishNs) * 1e-9;
    if (seconds > 0.05 || force) {
        if (seconds > 1e-4 && m_samplesSincePublish > 0) {
            m_samplesPerSecond = static_cast<double>(m_samplesSincePublish) / seconds;
        }
    } else if (seconds > 1e-4) {
        m_samplesPerSecond =
            0.5 * m_samplesPerSecond + 0.5 * static_cast<double>(m_samplesSincePublish) / seconds;
    }
    m_lastPublishNs = now;
    m_samplesSincePublish = 0;

    auto snap = std::make_shared<TrainingSnapshot>();
    snap->network = std::make_shared<const Network>(m_session->network());
    const TrainLoop& loop = *m_loop;
    snap->epoch = m_epochOffset + loop.epochsDone();
    snap->step = m_stepOffset + loop.steps();
    snap->stepInEpoch = loop.stepInEpoch();
    snap->batchesPerEpoch = loop.batchesPerEpoch();
    snap->samplesPerSecond = m_samplesPerSecond;
    if (isClassification(*m_data)) {
        const Trace trace = forward(*snap->network, m_data->x);
        snap->trainAccuracy = accuracy(trace.output(), *m_data, 0, loop.trainRows());
        if (loop.trainRows() < m_data->size())
            snap->valAccuracy = accuracy(trace.output(), *m_data, loop.trainRows(), m_data->size());
    }
    {
        std::lock_guard lock(m_mutex);
        if (!m_history.trainLoss.empty()) snap->trainLoss = m_history.trainLoss.back();
        if (!m_history.valLoss.empty()) snap->valLoss = m_history.valLoss.back();
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
