// CpuBackend: the reference engine; training keeps every parameter in one flat buffer with no
// per-step allocation and runs its layers through block.hpp, as forward() and backward() do.
#include "backend.hpp"

#include <algorithm>
#include <cstring>

#include "block.hpp"
#include "error.hpp"

namespace nnlens {

namespace {

using ConstVectorMap = Eigen::Map<const Vector>;
using VectorMap = Eigen::Map<Vector>;

// Where layer l's parameters sit in the flat buffer: W (n_in, n_out) column-major, as in Layer,
// then b (n_out).
struct Slot {
    std::size_t w = 0;
    std::size_t b = 0;
    int in = 0;
    int out = 0;
    Activation activation = Activation::Linear;
};

// One layer's tensors for the gathered rows, (capacity, n_out) column-major.
struct Work {
    std::vector<float> s, out, dS, dOut;
};

class CpuTrainingSession final : public TrainingSession {
  public:
    CpuTrainingSession(const Network& net, const Dataset& data, LossConfig loss,
                       OptimizerConfig opt);

    StepResult step(std::span<const int> rows) override;
    float evaluate(std::span<const int> rows) override;
    float learningRate() const override { return m_optimizer.learningRate(); }
    void setLearningRate(float lr) override { m_optimizer.setLearningRate(lr); }
    void saveState() override;
    void restoreState() override;
    Network network() const override;
    void setParameters(const Network& net) override;

  private:
    void gather(std::span<const int> rows);
    void reserve(std::size_t rows);
    // Forward through every layer with parameters `p`, for the n gathered rows (block.hpp).
    void forwardBatch(const float* p, Eigen::Index n);
    // The loss of the last layer's output; fills m_work.back().dOut when `withGradient`.
    float batchLoss(Eigen::Index n, bool withGradient);
    void backwardBatch(const float* p, Eigen::Index n, float* grad);
    Eigen::Index ld() const { return static_cast<Eigen::Index>(m_capacity); }

    Network m_template;     // shape, names and extras; its parameters are stale
    Dataset m_featureData;  // the data through the input features (empty without features)
    const Dataset& m_data;  // what the first layer sees: the caller's data or m_featureData
    LossConfig m_loss;
    bool m_softmaxOut = false;
    std::vector<Slot> m_slots;
    std::vector<float> m_params[2];  // current and scratch, swapped after a finite update
    int m_current = 0;
    std::vector<float> m_grad;
    Optimizer m_optimizer;
    std::size_t m_capacity = 0;  // rows the buffers hold (their leading dimension)
    std::vector<float> m_x;      // (capacity, D) gathered inputs
    Dataset m_batch;             // gathered targets, labels and sigmas
    std::vector<Work> m_work;
    Matrix m_lossGrad;     // dL/dout from evaluateLoss, (n, K); dL/ds when m_fused
    bool m_fused = false;  // ce after softmax: the loss gives the last layer's dS
    Matrix m_logits;       // the last layer's s, compact, for the fused loss

    std::vector<float> m_savedParams;
    Optimizer::State m_savedOptimizer;
};

CpuTrainingSession::CpuTrainingSession(const Network& net, const Dataset& data, LossConfig loss,
                                       OptimizerConfig opt)
    : m_template(net),
      m_featureData(net.features.empty() ? Dataset{} : withFeatures(net, data)),
      m_data(net.features.empty() ? data : m_featureData),
      m_loss(loss),
      m_optimizer(opt, static_cast<std::size_t>(net.parameterCount())) {
    if (net.layers.empty()) throw InputError("the network has no layers");
    checkPenalty(opt.l1, "l1");
    checkPenalty(opt.l2, "l2");
    setRegularization(opt.l1, opt.l2);
    m_softmaxOut = net.layers.back().activation == Activation::Softmax;
    m_fused = fusedSoftmaxLoss(loss, m_softmaxOut);
    const auto count = static_cast<std::size_t>(net.parameterCount());
    m_params[0].resize(count);
    m_params[1].resize(count);
    m_grad.assign(count, 0.0f);
    std::size_t offset = 0;
    for (const Layer& L : net.layers) {
        Slot s;
        s.in = L.inputs();
        s.out = L.outputs();
        s.activation = L.activation;
        s.w = offset;
        offset += static_cast<std::size_t>(s.in) * static_cast<std::size_t>(s.out);
        s.b = offset;
        offset += static_cast<std::size_t>(s.out);
        Eigen::Map<Matrix>(m_params[0].data() + s.w, s.in, s.out) = L.W;
        VectorMap(m_params[0].data() + s.b, s.out) = L.b;
        m_slots.push_back(s);
    }
    m_work.resize(m_slots.size());
}

void CpuTrainingSession::reserve(std::size_t rows) {
    if (rows <= m_capacity) return;
    m_capacity = rows;
    m_x.resize(rows * static_cast<std::size_t>(m_data.inputs()));
    for (std::size_t l = 0; l < m_slots.size(); ++l) {
        const std::size_t size = rows * static_cast<std::size_t>(m_slots[l].out);
        m_work[l].s.resize(size);
        m_work[l].out.resize(size);
        m_work[l].dS.resize(size);
        m_work[l].dOut.resize(size);
    }
}

void CpuTrainingSession::gather(std::span<const int> rows) {
    reserve(rows.size());
    const auto n = static_cast<Eigen::Index>(rows.size());
    const Dataset& d = m_data;
    if (m_batch.y.rows() != n) {
        m_batch.y.resize(n, d.y.cols());
        m_batch.sigma.resize(d.hasSigma() ? n : 0, d.sigma.cols());
        m_batch.labels.resize(d.hasLabels() ? rows.size() : 0);
    }
    for (Eigen::Index c = 0; c < d.x.cols(); ++c) {
        float* dst = m_x.data() + c * ld();
        const float* src = d.x.col(c).data();
        for (Eigen::Index i = 0; i < n; ++i)
            dst[i] = src[rows[static_cast<std::size_t>(i)]];
    }
    for (Eigen::Index i = 0; i < n; ++i) {
        const int r = rows[static_cast<std::size_t>(i)];
        if (d.y.cols() > 0) m_batch.y.row(i) = d.y.row(r);
        if (d.hasSigma()) m_batch.sigma.row(i) = d.sigma.row(r);
        if (d.hasLabels()) {
            m_batch.labels[static_cast<std::size_t>(i)] = d.labels[static_cast<std::size_t>(r)];
        }
    }
}

void CpuTrainingSession::forwardBatch(const float* p, Eigen::Index n) {
    for (std::size_t l = 0; l < m_slots.size(); ++l) {
        const Slot& L = m_slots[l];
        const float* in = l == 0 ? m_x.data() : m_work[l - 1].out.data();
        Work& w = m_work[l];
        // S = X W + b;  Out = phi(S)
        block::linearForward(in, ld(), L.in, p + L.w, p + L.b, L.out, w.s.data(), ld(), n, 0,
                             L.out);
        block::activationForward(L.activation, w.s.data(), ld(), w.out.data(), ld(), n, 0, L.out,
                                 L.out);
    }
}

float CpuTrainingSession::batchLoss(Eigen::Index n, bool withGradient) {
    const Slot& last = m_slots.back();
    const Eigen::Map<const Matrix, 0, Eigen::OuterStride<>> out(
        m_work.back().out.data(), n, last.out, Eigen::OuterStride<>(ld()));
    if (m_fused) {
        // ce after softmax, through the logits: dL/ds straight into the last layer's dS.
        m_logits = Eigen::Map<const Matrix, 0, Eigen::OuterStride<>>(
            m_work.back().s.data(), n, last.out, Eigen::OuterStride<>(ld()));
        const float loss = evaluateLoss(m_loss, out, m_batch, true, nullptr, &m_logits,
                                        withGradient ? &m_lossGrad : nullptr);
        if (withGradient) {
            Eigen::Map<Matrix, 0, Eigen::OuterStride<>>(m_work.back().dS.data(), n, last.out,
                                                        Eigen::OuterStride<>(ld())) = m_lossGrad;
        }
        return loss;
    }
    const float loss =
        evaluateLoss(m_loss, out, m_batch, m_softmaxOut, withGradient ? &m_lossGrad : nullptr);
    if (withGradient) {
        Eigen::Map<Matrix, 0, Eigen::OuterStride<>>(m_work.back().dOut.data(), n, last.out,
                                                    Eigen::OuterStride<>(ld())) = m_lossGrad;
    }
    return loss;
}

void CpuTrainingSession::backwardBatch(const float* p, Eigen::Index n, float* grad) {
    for (std::size_t l = m_slots.size(); l-- > 0;) {
        const Slot& L = m_slots[l];
        Work& w = m_work[l];
        const float* in = l == 0 ? m_x.data() : m_work[l - 1].out.data();
        // dS = dOut .* phi'(S);  dW = X^T dS;  db = sum over samples of dS;  dX = dS W^T
        // (the last layer's dS came from the loss when it is fused with the softmax)
        if (!(m_fused && l + 1 == m_slots.size())) {
            block::activationBackward(L.activation, w.s.data(), w.out.data(), w.dOut.data(),
                                      w.dS.data(), ld(), n, L.out);
        }
        block::linearBackward(in, ld(), L.in, w.dS.data(), ld(), n, L.out, p + L.w, grad + L.w,
                              grad + L.b, l > 0 ? m_work[l - 1].dOut.data() : nullptr, ld());
    }
}

TrainingSession::StepResult CpuTrainingSession::step(std::span<const int> rows) {
    gather(rows);
    const auto n = static_cast<Eigen::Index>(rows.size());
    const float* p = m_params[m_current].data();
    forwardBatch(p, n);
    StepResult r;
    r.loss = batchLoss(n, true);
    if (!std::isfinite(r.loss)) {
        r.ok = false;
        return r;
    }
    backwardBatch(p, n, m_grad.data());
    if (l1() != 0.0f || l2() != 0.0f) {
        // The penalty's gradient joins dW (biases excluded) before the update. The rates in
        // locals and the buffers as restrict pointers: the loop vectorises (a store through
        // m_grad could otherwise alias the session's own rates).
        const float rate1 = l1();
        const float rate2 = l2();
        float* __restrict grad = m_grad.data();
        const float* __restrict w = p;
        for (const Slot& s : m_slots) {
            const std::size_t end = s.w + static_cast<std::size_t>(s.in) * s.out;
            for (std::size_t i = s.w; i < end; ++i)
                grad[i] += hd::penaltyGradient(w[i], rate1, rate2);
        }
    }
    float* next = m_params[1 - m_current].data();
    if (!m_optimizer.step(p, m_grad.data(), next)) {
        r.ok = false;  // the update overflowed: keep the parameters of before this step
        return r;
    }
    m_current = 1 - m_current;
    return r;
}

float CpuTrainingSession::evaluate(std::span<const int> rows) {
    gather(rows);
    const auto n = static_cast<Eigen::Index>(rows.size());
    forwardBatch(m_params[m_current].data(), n);
    return batchLoss(n, false);
}

void CpuTrainingSession::saveState() {
    m_savedParams = m_params[m_current];
    m_savedOptimizer = m_optimizer.state();
}

void CpuTrainingSession::restoreState() {
    if (m_savedParams.empty()) return;
    m_params[m_current] = m_savedParams;
    m_optimizer.setState(m_savedOptimizer);
}

Network CpuTrainingSession::network() const {
    Network net = m_template;
    const float* p = m_params[m_current].data();
    for (std::size_t l = 0; l < m_slots.size(); ++l) {
        const Slot& s = m_slots[l];
        net.layers[l].W = Eigen::Map<const Matrix>(p + s.w, s.in, s.out);
        net.layers[l].b = ConstVectorMap(p + s.b, s.out);
    }
    return net;
}

void CpuTrainingSession::setParameters(const Network& net) {
    checkSameShape(m_template, net);
    float* p = m_params[m_current].data();
    for (std::size_t l = 0; l < m_slots.size(); ++l) {
        const Slot& s = m_slots[l];
        Eigen::Map<Matrix>(p + s.w, s.in, s.out) = net.layers[l].W;
        VectorMap(p + s.b, s.out) = net.layers[l].b;
    }
}

}  // namespace

void checkSameShape(const Network& have, const Network& net) {
    bool same = have.inputs == net.inputs && have.features == net.features &&
                have.layers.size() == net.layers.size();
    for (std::size_t l = 0; same && l < net.layers.size(); ++l) {
        same = have.layers[l].inputs() == net.layers[l].inputs() &&
               have.layers[l].outputs() == net.layers[l].outputs() &&
               net.layers[l].b.size() == net.layers[l].outputs() &&
               have.layers[l].activation == net.layers[l].activation;
    }
    if (!same) {
        throw InputError(
            "the new parameters do not fit the training session's network (its layers, sizes or "
            "activations differ)");
    }
}

Dataset withFeatures(const Network& net, const Dataset& data) {
    Dataset d = data;
    if (!net.features.empty()) d.x = featureMatrix(net.features, data.x);
    return d;
}

Trace CpuBackend::forward(const Network& net, const Matrix& x) {
    return nnlens::forward(net, x);
}

Gradients CpuBackend::gradients(const Network& net, const Dataset& data, LossConfig loss) {
    const Trace trace = nnlens::forward(net, data.x);
    return backward(net, trace, data, loss);
}

std::unique_ptr<TrainingSession> CpuBackend::startTraining(const Network& net, const Dataset& data,
                                                           LossConfig loss, OptimizerConfig opt) {
    return std::make_unique<CpuTrainingSession>(net, data, loss, opt);
}

std::unique_ptr<GridEvaluator> CpuBackend::gridEvaluator() {
    return makeCpuGridEvaluator();
}

}  // namespace nnlens
