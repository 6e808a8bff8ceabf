// The training loop: Keras' per-epoch bookkeeping over any backend's TrainingSession.
#include "trainer.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "error.hpp"
#include "random.hpp"

namespace nnlens {

int trainingRows(int n, double valSplit) {
    return static_cast<int>(std::floor(static_cast<double>(n) * (1.0 - valSplit)));
}

BatchSampler::BatchSampler(int n, int batch, bool shuffle, std::uint64_t seed, int firstPass)
    : m_n(n),
      m_batch(batch),
      m_shuffle(shuffle),
      m_seed(seed),
      m_passes(firstPass),
      m_firstPass(firstPass) {}

std::span<const int> BatchSampler::next(bool* newPass) {
    const bool starting = m_passes == m_firstPass || m_pos >= m_n;
    if (starting) {
        if (m_shuffle) {
            // A fresh permutation per pass, from a generator seeded by (seed, pass).
            Random rng(m_seed * 0x9E3779B97F4A7C15ull + static_cast<std::uint64_t>(m_passes));
            m_order = rng.permutation(m_n);
        } else if (m_order.size() != static_cast<std::size_t>(m_n)) {
            m_order.resize(static_cast<std::size_t>(m_n));
            for (int i = 0; i < m_n; ++i)
                m_order[static_cast<std::size_t>(i)] = i;
        }
        m_pos = 0;
        ++m_passes;
    }
    if (newPass) *newPass = starting;
    const int count = std::min(m_batch, m_n - m_pos);
    std::span<const int> rows(m_order.data() + m_pos, static_cast<std::size_t>(count));
    m_pos += count;
    return rows;
}

namespace {

std::string describeStop(std::int64_t step, int epoch, float loss) {
    const std::string place =
        " at step " + std::to_string(step) + " (epoch " + std::to_string(epoch) + ")";
    if (!std::isfinite(loss) && step == 1) {
        // Before any update: the starting network and the data, not the learning rate (#19).
        return std::string("the loss is ") + (std::isnan(loss) ? "NaN" : "infinite") + place +
               ", before any update: the starting network's outputs on this batch or its "
               "targets overflow 32-bit floats (a smaller learning rate will not help; check "
               "the data and the weights)";
    }
    const std::string what =
        std::isfinite(loss)
            ? "an updated parameter was not a finite number"
            : "the loss became " + std::string(std::isnan(loss) ? "NaN" : "infinite");
    return "diverged" + place + ": " + what +
           "; kept the last finite parameters (try a smaller learning rate)";
}

std::vector<int> range(int begin, int end) {
    std::vector<int> r;
    r.reserve(static_cast<std::size_t>(std::max(0, end - begin)));
    for (int i = begin; i < end; ++i)
        r.push_back(i);
    return r;
}

}  // namespace

void TrainingSession::setPenaltyRates(float l1, float l2) {
    checkPenalty(l1, "l1");
    checkPenalty(l2, "l2");
    setRegularization(l1, l2);
}

double weightPenalty(const Network& net, double l1, double l2) {
    double abs = 0.0, squares = 0.0;
    for (const Layer& layer : net.layers) {
        for (Eigen::Index i = 0; i < layer.W.size(); ++i) {
            const double w = layer.W.data()[i];
            abs += std::abs(w);
            squares += w * w;
        }
    }
    return l1 * abs + l2 / 2.0 * squares;
}

double TrainingSession::penalty() const {
    if (m_l1 == 0.0f && m_l2 == 0.0f) return 0.0;
    return weightPenalty(network(), m_l1, m_l2);
}

TrainLoop::TrainLoop(TrainingSession& session, int rows, const TrainConfig& cfg)
    : m_session(&session) {
    if (cfg.batch < 1) throw InputError("batch size must be at least 1");
    if (!(cfg.valSplit >= 0.0 && cfg.valSplit < 1.0)) {
        throw InputError("validation split must be in [0, 1)");
    }
    m_nTrain = trainingRows(rows, cfg.valSplit);
    if (m_nTrain < 1) throw InputError("no rows left for training after the validation split");
    m_valRows = range(m_nTrain, rows);
    // A batch larger than the rows is all the rows (PyTorch's DataLoader), and no sum overflows.
    const int batch = std::min(cfg.batch, m_nTrain);
    m_batchesPerEpoch = (m_nTrain + batch - 1) / batch;
    m_sampler = std::make_unique<BatchSampler>(m_nTrain, batch, cfg.shuffle, cfg.seed);
    m_group.reserve(kStepsPerCall);
}

TrainLoop::~TrainLoop() = default;

void TrainLoop::reconfigure(int rows, const TrainConfig& cfg) {
    if (cfg.batch < 1) throw InputError("batch size must be at least 1");
    if (!(cfg.valSplit >= 0.0 && cfg.valSplit < 1.0)) {
        throw InputError("validation split must be in [0, 1)");
    }
    const int nTrain = trainingRows(rows, cfg.valSplit);
    if (nTrain < 1) throw InputError("no rows left for training after the validation split");
    const int batch = std::min(cfg.batch, nTrain);
    m_nTrain = nTrain;
    m_valRows = range(nTrain, rows);
    m_batchesPerEpoch = (nTrain + batch - 1) / batch;
    m_sampler = std::make_unique<BatchSampler>(nTrain, batch, cfg.shuffle, cfg.seed,
                                               m_sampler ? m_sampler->passes() : 0);
    m_sum = 0.0;
    m_stepInEpoch = 0;
}

int TrainLoop::passesBegun() const {
    return m_sampler->passes();
}

std::optional<EpochRecord> TrainLoop::advance(int maxSteps) {
    if (m_diverged) return std::nullopt;
    // Batches go to the session at most kStepsPerCall at a time (a device runs them without a
    // host round trip each); they all come from one pass, whose order stays put until it ends.
    int left = std::min(maxSteps, m_batchesPerEpoch - m_stepInEpoch);
    while (left > 0) {
        const int count = std::min(left, kStepsPerCall);
        m_group.clear();
        for (int k = 0; k < count; ++k)
            m_group.push_back(m_sampler->next());
        for (const TrainingSession::StepResult& r : m_session->steps(m_group)) {
            if (!r.ok) {
                m_diverged = true;
                m_stopReason = describeStop(m_steps + 1, m_sampler->passes(), r.loss);
                return std::nullopt;
            }
            ++m_steps;
            ++m_stepInEpoch;
            m_sum += r.loss;
        }
        left -= count;
    }
    if (m_stepInEpoch < m_batchesPerEpoch) return std::nullopt;
    EpochRecord record;
    record.epoch = ++m_epochsDone;
    record.step = m_steps;
    record.trainLoss = static_cast<float>(m_sum / m_batchesPerEpoch);
    if (!m_valRows.empty()) record.valLoss = m_session->evaluate(m_valRows);
    record.penalty = static_cast<float>(m_session->penalty());
    m_sum = 0.0;
    m_stepInEpoch = 0;
    return record;
}

TrainResult train(TrainingSession& session, int rows, const TrainConfig& cfg,
                  const std::function<void(const TrainProgress&)>& progress,
                  const std::atomic<bool>* cancel) {
    if (cfg.batch < 1) throw InputError("batch size must be at least 1");
    if (!cfg.steps && cfg.epochs < 1) throw InputError("epochs must be at least 1");
    if (cfg.steps && *cfg.steps < 1) throw InputError("steps must be at least 1");
    if (!(cfg.valSplit >= 0.0 && cfg.valSplit < 1.0)) {
        throw InputError("validation split must be in [0, 1)");
    }
    const int nTrain = trainingRows(rows, cfg.valSplit);
    if (nTrain < 1) throw InputError("no rows left for training after the validation split");
    const std::vector<int> valRows = range(nTrain, rows);

    TrainResult result;
    BatchSampler sampler(nTrain, cfg.batch, cfg.shuffle, cfg.seed);
    const auto cancelled = [&] { return cancel && cancel->load(std::memory_order_relaxed); };
    const auto validate = [&]() -> std::optional<float> {
        if (valRows.empty()) return std::nullopt;
        return session.evaluate(valRows);
    };
    // One step; false when training must stop (divergence).
    const auto doStep = [&](float* loss) {
        const std::span<const int> batch = sampler.next();
        const TrainingSession::StepResult r = session.step(batch);
        *loss = r.loss;
        if (!r.ok) {
            result.diverged = true;
            result.stopReason = describeStop(result.steps + 1, sampler.passes(), r.loss);
            return false;
        }
        ++result.steps;
        return true;
    };

    if (cfg.steps) {
        for (std::int64_t s = 0; s < *cfg.steps; ++s) {
            if (cancelled()) {
                result.cancelled = true;
                result.stopReason = "cancelled";
                break;
            }
            float loss = 0.0f;
            if (!doStep(&loss)) break;
            result.trainLoss.push_back(loss);
            const std::optional<float> val = validate();
            if (val) result.valLoss.push_back(*val);
            const auto penalty = static_cast<float>(session.penalty());
            result.penalty.push_back(penalty);
            if (progress) progress({sampler.passes(), result.steps, loss, val, penalty});
        }
        result.epochs = sampler.passes();
        return result;
    }

    TrainLoop loop(session, rows, cfg);
    for (int e = 1; e <= cfg.epochs; ++e) {
        std::optional<EpochRecord> record;
        while (!record && !loop.diverged()) {
            if (cancelled()) {
                result.cancelled = true;
                result.stopReason = "cancelled";
                break;
            }
            record = loop.advance(TrainLoop::kStepsPerCall);
        }
        result.steps = loop.steps();
        result.epochs = loop.passesBegun();
        if (loop.diverged()) {
            result.diverged = true;
            result.stopReason = loop.stopReason();
        }
        if (!record) break;
        result.trainLoss.push_back(record->trainLoss);
        if (record->valLoss) result.valLoss.push_back(*record->valLoss);
        result.penalty.push_back(record->penalty);
        if (progress) {
            progress(
                {record->epoch, record->step, record->trainLoss, record->valLoss, record->penalty});
        }
    }
    return result;
}

}  // namespace nnlens
