// CpuBackend: the reference engine; training keeps every parameter in one flat buffer with no
// per-step allocation.
#include "backend.hpp"

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "error.hpp"

namespace nnlens {

namespace {

using ConstVectorMap = Eigen::Map<const Vector>;
using VectorMap = Eigen::Map<Vector>;

// Where layer l's parameters sit in the flat buffer. Inside the session W is stored row-major,
// (n_in, n_out) with each input's n_out weights contiguous, so that every inner loop below runs
// over contiguous memory and vectorises; network() converts back.
struct Slot {
    std::size_t w = 0;  // (n_in, n_out) row-major
    std::size_t b = 0;  // (n_out)
    int in = 0;
    int out = 0;
    Activation activation = Activation::Linear;
};

// Calls f(std::integral_constant<int, N>) with N = n for the common layer widths, else N = 0
// (run-time width): loops of a compile-time length vectorise without prologue or tail.
template <typename F>
void withWidth(std::size_t n, F&& f) {
    switch (n) {
        case 1:
            return f(std::integral_constant<int, 1>{});
        case 2:
            return f(std::integral_constant<int, 2>{});
        case 4:
            return f(std::integral_constant<int, 4>{});
        case 8:
            return f(std::integral_constant<int, 8>{});
        case 16:
            return f(std::integral_constant<int, 16>{});
        default:
            return f(std::integral_constant<int, 0>{});
    }
}

// Activations and their gradients for one layer, one sample a row: (rows, n_out) row-major.
struct Work {
    std::vector<float> s, out, dS, dOut;
    std::vector<float> wT;  // (n_out, n_in) row-major: W transposed, for dX = dS W^T
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

  private:
    void gather(std::span<const int> rows);
    void reserve(std::size_t rows);
    // Forward through every layer with parameters `p`, for the n gathered rows.
    void forwardBatch(const float* p, std::size_t n);
    // The loss of the last layer's output; fills m_work.back().dOut when `withGradient`.
    float batchLoss(std::size_t n, bool withGradient);
    void backwardBatch(const float* p, std::size_t n, float* grad);

    Network m_template;  // shape, names and extras; its parameters are stale
    const Dataset& m_data;
    LossConfig m_loss;
    bool m_softmaxOut = false;
    std::vector<Slot> m_slots;
    std::vector<float> m_params[2];  // current and scratch, swapped after a finite update
    int m_current = 0;
    std::vector<float> m_grad;
    Optimizer m_optimizer;
    std::size_t m_capacity = 0;  // rows the buffers hold
    std::vector<float> m_x;      // (rows, D) row-major gathered inputs
    Dataset m_batch;             // gathered targets, labels and sigmas
    std::vector<Work> m_work;
    Matrix m_lossOut;   // (rows, K) column-major copy of the output, for evaluateLoss
    Matrix m_lossGrad;  // dL/dout from evaluateLoss

    std::vector<float> m_savedParams;
    Optimizer::State m_savedOptimizer;
};

CpuTrainingSession::CpuTrainingSession(const Network& net, const Dataset& data, LossConfig loss,
                                       OptimizerConfig opt)
    : m_template(net),
      m_data(data),
      m_loss(loss),
      m_optimizer(opt, static_cast<std::size_t>(net.parameterCount())) {
    if (net.layers.empty()) throw InputError("the network has no layers");
    m_softmaxOut = net.layers.back().activation == Activation::Softmax;
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
        Eigen::Map<Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
            m_params[0].data() + s.w, s.in, s.out) = L.W;
        VectorMap(m_params[0].data() + s.b, s.out) = L.b;
        m_slots.push_back(s);
    }
    m_work.resize(m_slots.size());
    for (std::size_t l = 0; l < m_slots.size(); ++l) {
        m_work[l].wT.resize(static_cast<std::size_t>(m_slots[l].in) *
                            static_cast<std::size_t>(m_slots[l].out));
    }
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
    const auto D = static_cast<std::size_t>(d.inputs());
    if (m_batch.y.rows() != n) {
        m_batch.y.resize(n, d.y.cols());
        m_batch.sigma.resize(d.hasSigma() ? n : 0, d.sigma.cols());
        m_batch.labels.resize(d.hasLabels() ? rows.size() : 0);
    }
    for (Eigen::Index i = 0; i < n; ++i) {
        const int r = rows[static_cast<std::size_t>(i)];
        for (std::size_t c = 0; c < D; ++c) {
            m_x[static_cast<std::size_t>(i) * D + c] = d.x(r, static_cast<Eigen::Index>(c));
        }
        if (d.y.cols() > 0) m_batch.y.row(i) = d.y.row(r);
        if (d.hasSigma()) m_batch.sigma.row(i) = d.sigma.row(r);
        if (d.hasLabels()) {
            m_batch.labels[static_cast<std::size_t>(i)] = d.labels[static_cast<std::size_t>(r)];
        }
    }
}

void CpuTrainingSession::forwardBatch(const float* p, std::size_t n) {
    for (std::size_t l = 0; l < m_slots.size(); ++l) {
        const Slot& L = m_slots[l];
        const auto nIn = static_cast<std::size_t>(L.in);
        const auto nOut = static_cast<std::size_t>(L.out);
        const float* __restrict in = l == 0 ? m_x.data() : m_work[l - 1].out.data();
        const float* __restrict W = p + L.w;
        const float* __restrict b = p + L.b;
        float* __restrict S = m_work[l].s.data();
        // S[i, :] = b + sum_k X[i, k] W[k, :]
        withWidth(nOut, [&](auto width) {
            constexpr std::size_t N = decltype(width)::value;
            if constexpr (N > 0) {
                using Row = Eigen::Matrix<float, N, 1>;  // one SIMD register for N = 8
                const Row bias = Eigen::Map<const Row>(b);
                for (std::size_t i = 0; i < n; ++i) {
                    Row acc = bias;  // one sample's n_out sums
                    for (std::size_t k = 0; k < nIn; ++k) {
                        acc += in[i * nIn + k] * Eigen::Map<const Row>(W + k * N);
                    }
                    Eigen::Map<Row>(S + i * N) = acc;
                }
            } else {
                for (std::size_t i = 0; i < n; ++i) {
                    float* __restrict si = S + i * nOut;
                    for (std::size_t j = 0; j < nOut; ++j)
                        si[j] = b[j];
                    for (std::size_t k = 0; k < nIn; ++k) {
                        const float x = in[i * nIn + k];
                        const float* __restrict wk = W + k * nOut;
                        for (std::size_t j = 0; j < nOut; ++j)
                            si[j] += x * wk[j];
                    }
                }
            }
        });
        float* out = m_work[l].out.data();
        if (L.activation == Activation::Softmax) {
            for (std::size_t i = 0; i < n; ++i) {
                hd::softmaxRow(S + i * nOut, out + i * nOut, L.out);
            }
        } else {
            // Element-wise: the layout does not matter, so the block is one long column.
            const auto size = static_cast<Eigen::Index>(n * nOut);
            applyActivation(L.activation, Eigen::Map<const Matrix>(S, size, 1),
                            Eigen::Map<Matrix>(out, size, 1));
        }
    }
}

float CpuTrainingSession::batchLoss(std::size_t n, bool withGradient) {
    const Slot& last = m_slots.back();
    const auto rows = static_cast<Eigen::Index>(n);
    using RowMajorMap =
        Eigen::Map<Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;
    m_lossOut = RowMajorMap(m_work.back().out.data(), rows, last.out);
    const float loss = evaluateLoss(m_loss, m_lossOut, m_batch, m_softmaxOut,
                                    withGradient ? &m_lossGrad : nullptr);
    if (withGradient) RowMajorMap(m_work.back().dOut.data(), rows, last.out) = m_lossGrad;
    return loss;
}

void CpuTrainingSession::backwardBatch(const float* p, std::size_t n, float* grad) {
    for (std::size_t l = m_slots.size(); l-- > 0;) {
        const Slot& L = m_slots[l];
        Work& w = m_work[l];
        const auto nIn = static_cast<std::size_t>(L.in);
        const auto nOut = static_cast<std::size_t>(L.out);
        // dS = dOut .* phi'(S)   (softmax: the per-sample Jacobian product)
        if (L.activation == Activation::Softmax) {
            for (std::size_t i = 0; i < n; ++i) {
                hd::softmaxBackwardRow(w.out.data() + i * nOut, w.dOut.data() + i * nOut,
                                       w.dS.data() + i * nOut, L.out);
            }
        } else {
            const auto size = static_cast<Eigen::Index>(n * nOut);
            applyActivationBackward(L.activation, Eigen::Map<const Matrix>(w.s.data(), size, 1),
                                    Eigen::Map<const Matrix>(w.out.data(), size, 1),
                                    Eigen::Map<const Matrix>(w.dOut.data(), size, 1),
                                    Eigen::Map<Matrix>(w.dS.data(), size, 1));
        }
        const float* __restrict in = l == 0 ? m_x.data() : m_work[l - 1].out.data();
        const float* __restrict dS = w.dS.data();
        float* __restrict dW = grad + L.w;
        float* __restrict db = grad + L.b;
        // dW[k, :] = sum_i X[i, k] dS[i, :];  db = sum_i dS[i, :]
        withWidth(nOut, [&](auto width) {
            constexpr std::size_t N = decltype(width)::value;
            if constexpr (N > 0) {
                using Row = Eigen::Matrix<float, N, 1>;
                Row accB = Row::Zero();
                for (std::size_t i = 0; i < n; ++i)
                    accB += Eigen::Map<const Row>(dS + i * N);
                Eigen::Map<Row>{db} = accB;
                for (std::size_t k = 0; k < nIn; ++k) {
                    Row acc = Row::Zero();  // row k of dW, summed over the batch
                    for (std::size_t i = 0; i < n; ++i) {
                        acc += in[i * nIn + k] * Eigen::Map<const Row>(dS + i * N);
                    }
                    Eigen::Map<Row>(dW + k * N) = acc;
                }
            } else {
                std::fill(dW, dW + nIn * nOut, 0.0f);
                std::fill(db, db + nOut, 0.0f);
                for (std::size_t i = 0; i < n; ++i) {
                    const float* __restrict di = dS + i * nOut;
                    for (std::size_t j = 0; j < nOut; ++j)
                        db[j] += di[j];
                    for (std::size_t k = 0; k < nIn; ++k) {
                        const float x = in[i * nIn + k];
                        float* __restrict dwk = dW + k * nOut;
                        for (std::size_t j = 0; j < nOut; ++j)
                            dwk[j] += x * di[j];
                    }
                }
            }
        });
        if (l == 0) break;
        // dX[i, :] = sum_j dS[i, j] W^T[j, :]
        const float* __restrict W = p + L.w;
        float* __restrict wT = w.wT.data();
        for (std::size_t k = 0; k < nIn; ++k) {
            for (std::size_t j = 0; j < nOut; ++j)
                wT[j * nIn + k] = W[k * nOut + j];
        }
        float* __restrict dX = m_work[l - 1].dOut.data();
        withWidth(nIn, [&](auto width) {
            constexpr std::size_t N = decltype(width)::value;
            if constexpr (N > 0) {
                using Row = Eigen::Matrix<float, N, 1>;
                for (std::size_t i = 0; i < n; ++i) {
                    Row acc = Row::Zero();
                    for (std::size_t j = 0; j < nOut; ++j) {
                        acc += dS[i * nOut + j] * Eigen::Map<const Row>(wT + j * N);
                    }
                    Eigen::Map<Row>(dX + i * N) = acc;
                }
            } else {
                for (std::size_t i = 0; i < n; ++i) {
                    float* __restrict dxi = dX + i * nIn;
                    for (std::size_t k = 0; k < nIn; ++k)
                        dxi[k] = 0.0f;
                    for (std::size_t j = 0; j < nOut; ++j) {
                        const float d = dS[i * nOut + j];
                        const float* __restrict wj = wT + j * nIn;
                        for (std::size_t k = 0; k < nIn; ++k)
                            dxi[k] += d * wj[k];
                    }
                }
            }
        });
    }
}

TrainingSession::StepResult CpuTrainingSession::step(std::span<const int> rows) {
    gather(rows);
    const float* p = m_params[m_current].data();
    forwardBatch(p, rows.size());
    StepResult r;
    r.loss = batchLoss(rows.size(), true);
    if (!std::isfinite(r.loss)) {
        r.ok = false;
        return r;
    }
    backwardBatch(p, rows.size(), m_grad.data());
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
    forwardBatch(m_params[m_current].data(), rows.size());
    return batchLoss(rows.size(), false);
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
        net.layers[l].W =
            Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
                p + s.w, s.in, s.out);
        net.layers[l].b = ConstVectorMap(p + s.b, s.out);
    }
    return net;
}

}  // namespace

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
