// CudaBackend: device buffers, copies and the order of launches; the arithmetic lives in
// kernels.cu.
#include "cuda_backend.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <string>

#include <cuda_runtime_api.h>

#include "core/backward.hpp"
#include "core/error.hpp"
#include "cuda_check.hpp"
#include "device_buffer.hpp"
#include "launch.hpp"

namespace nnlens {

using gpu::DeviceBuffer;
using gpu::LayerDesc;
using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

CudaDeviceQuery queryCudaDevices() {
    CudaDeviceQuery q;
    int count = 0;  // left untouched when the call fails
    const cudaError_t e = cudaGetDeviceCount(&count);
    q.error = static_cast<int>(e);
    if (e != cudaSuccess) {
        q.message = cudaGetErrorString(e);
        cudaGetLastError();  // clear the sticky-free error so later calls start clean
        return q;
    }
    q.count = count;
    if (count > 0) {
        cudaDeviceProp prop{};
        if (cudaGetDeviceProperties(&prop, 0) == cudaSuccess) q.name = prop.name;
    }
    return q;
}

namespace {

// The network's parameters in one flat buffer: per layer W (n_in, n_out) row-major, then b.
void flatten(const Network& net, std::vector<float>& params, std::vector<LayerDesc>& layers) {
    params.clear();
    layers.clear();
    for (const Layer& L : net.layers) {
        LayerDesc d;
        d.in = L.inputs();
        d.out = L.outputs();
        d.activation = L.activation;
        d.w = static_cast<std::int64_t>(params.size());
        const RowMajor w = L.W;
        params.insert(params.end(), w.data(), w.data() + w.size());
        d.b = static_cast<std::int64_t>(params.size());
        params.insert(params.end(), L.b.data(), L.b.data() + L.b.size());
        layers.push_back(d);
    }
}

void unflatten(const std::vector<float>& params, const std::vector<LayerDesc>& layers,
               Network& net) {
    for (std::size_t l = 0; l < layers.size(); ++l) {
        const LayerDesc& d = layers[l];
        net.layers[l].W = Eigen::Map<const RowMajor>(params.data() + d.w, d.in, d.out);
        net.layers[l].b = Eigen::Map<const Vector>(params.data() + d.b, d.out);
    }
}

template <typename T>
void uploadVector(DeviceBuffer<T>& buf, const std::vector<T>& v) {
    buf.resize(v.size());
    if (!v.empty()) buf.upload(v.data(), v.size());
}

void uploadRowMajor(DeviceBuffer<float>& buf, const Matrix& m) {
    const RowMajor r = m;
    buf.resize(static_cast<std::size_t>(r.size()));
    if (r.size() > 0) buf.upload(r.data(), static_cast<std::size_t>(r.size()));
}

Matrix downloadRowMajor(const float* device, Eigen::Index rows, Eigen::Index cols) {
    RowMajor r(rows, cols);
    if (r.size() > 0) {
        NNLENS_CUDA_CHECK(cudaMemcpy(r.data(), device,
                                     static_cast<std::size_t>(r.size()) * sizeof(float),
                                     cudaMemcpyDeviceToHost));
    }
    return r;
}

// `data` as the first layer sees it: the data itself when the network has no input features (no
// copy), else a copy with x through the feature stage, held here.
struct FirstLayerData {
    FirstLayerData(const Network& net, const Dataset& source)
        : featured(net.features.empty() ? Dataset{} : withFeatures(net, source)),
          data(net.features.empty() ? source : featured) {}
    Dataset featured;
    const Dataset& data;
};

// A network and a data set on the device, with the per-layer tensors of one batch.
class DeviceNet {
  public:
    DeviceNet(const Network& net, const Dataset& data) : m_net(net) {
        flatten(net, m_hostParams, m_layers);
        uploadVector(m_params, m_hostParams);
        m_grad.resize(m_hostParams.size());
        uploadRowMajor(m_x, data.x);
        m_inputs = data.inputs();
        if (data.targets() > 0) uploadRowMajor(m_y, data.y);
        if (data.hasSigma()) uploadRowMajor(m_sigma, data.sigma);
        if (data.hasLabels()) uploadVector(m_labels, data.labels);
        m_hasY = data.targets() > 0;
        m_hasSigma = data.hasSigma();
        m_hasLabels = data.hasLabels();
        m_work.resize(m_layers.size());
        m_lossSum.resize(1);
    }

    const std::vector<LayerDesc>& layers() const { return m_layers; }
    DeviceBuffer<float>& params() { return m_params; }
    DeviceBuffer<float>& grad() { return m_grad; }
    std::size_t paramCount() const { return m_hostParams.size(); }
    int outputs() const { return m_layers.back().out; }

    // Gathers `rows` of the data set as the batch and runs every layer forward.
    void forward(std::span<const int> rows) {
        m_rows.resize(std::max<std::size_t>(rows.size(), 1));
        m_rows.upload(rows.data(), rows.size());
        forward(m_rows.data(), static_cast<int>(rows.size()));
    }
    // The same for `n` row indices already on the device (they must outlive the launches).
    void forward(const int* rows, int n) {
        reserve(n);
        NNLENS_CUDA_CHECK(gpu::gatherRows(m_x.data(), m_inputs, rows, n, m_xb.data()));
        if (m_hasY) NNLENS_CUDA_CHECK(gpu::gatherRows(m_y.data(), outputs(), rows, n, m_yb.data()));
        if (m_hasSigma) {
            NNLENS_CUDA_CHECK(gpu::gatherRows(m_sigma.data(), outputs(), rows, n, m_sigmab.data()));
        }
        if (m_hasLabels) {
            NNLENS_CUDA_CHECK(gpu::gatherLabels(m_labels.data(), rows, n, m_labelsb.data()));
        }
        const float* in = m_xb.data();
        for (std::size_t l = 0; l < m_layers.size(); ++l) {
            NNLENS_CUDA_CHECK(gpu::layerForward(in, m_params.data(), m_layers[l], n,
                                                m_work[l].s.data(), m_work[l].out.data()));
            in = m_work[l].out.data();
        }
        m_n = n;
    }

    // loss = (sum of the terms) / lossDivisor(): the term count for mean, 1 for sum.
    double lossDivisor(LossConfig cfg) const {
        return hd::lossDivisor(cfg, static_cast<double>(m_n), static_cast<double>(outputs()));
    }
    // Adds the last forward batch's loss terms to *sum (device) and writes dL/dout into the last
    // layer's dOut; no synchronisation.
    void launchLoss(LossConfig cfg, double* sum) {
        const bool softmaxOut = m_layers.back().activation == Activation::Softmax;
        const auto scale = static_cast<float>(1.0 / lossDivisor(cfg));
        m_fused = fusedSoftmaxLoss(cfg, softmaxOut);
        NNLENS_CUDA_CHECK(gpu::lossForward(
            cfg.loss, m_work.back().out.data(), m_work.back().s.data(),
            m_hasY ? m_yb.data() : nullptr, m_hasLabels ? m_labelsb.data() : nullptr,
            m_hasSigma ? m_sigmab.data() : nullptr, m_n, outputs(), softmaxOut, scale,
            m_work.back().dOut.data(), m_work.back().dS.data(), sum));
    }
    // The loss of the last forward batch (and its dL/dout); synchronises.
    float loss(LossConfig cfg) {
        m_lossSum.zero();
        launchLoss(cfg, m_lossSum.data());
        double sum = 0.0;
        m_lossSum.download(&sum, 1);
        return static_cast<float>(sum / lossDivisor(cfg));
    }

    // The regularization backward() adds to dW (training only; spec section 10).
    void setPenalty(float l1, float l2) {
        m_l1 = l1;
        m_l2 = l2;
    }

    // dS, dW, db and dOut of every layer from the last layer's dOut, into grad().
    void backward() {
        for (std::size_t l = m_layers.size(); l-- > 0;) {
            const LayerDesc& L = m_layers[l];
            Work& w = m_work[l];
            // ce after softmax: the loss wrote the last layer's dS (launchLoss).
            if (!(m_fused && l + 1 == m_layers.size())) {
                NNLENS_CUDA_CHECK(gpu::activationBackward(L.activation, w.s.data(), w.out.data(),
                                                          w.dOut.data(), m_n, L.out, w.dS.data()));
            }
            const float* in = l == 0 ? m_xb.data() : m_work[l - 1].out.data();
            const bool penalised = m_l1 != 0.0f || m_l2 != 0.0f;
            NNLENS_CUDA_CHECK(gpu::weightGradients(
                in, w.dS.data(), m_n, L.in, L.out, m_grad.data() + L.w, m_grad.data() + L.b,
                penalised ? m_params.data() + L.w : nullptr, m_l1, m_l2));
            if (l > 0) {
                NNLENS_CUDA_CHECK(gpu::inputGradients(w.dS.data(), m_params.data(), L, m_n,
                                                      m_work[l - 1].dOut.data()));
            }
        }
    }

    Network network() {
        m_params.download(m_hostParams.data(), m_hostParams.size());
        Network net = m_net;
        unflatten(m_hostParams, m_layers, net);
        return net;
    }
    // Uploads `net`'s parameters (the same layers and sizes, checked by the caller).
    void setParameters(const Network& net) {
        std::vector<LayerDesc> layers;
        flatten(net, m_hostParams, layers);
        m_params.upload(m_hostParams.data(), m_hostParams.size());
    }
    // The network as of the last successful download (for a device that is gone).
    Network lastNetwork() const {
        Network net = m_net;
        unflatten(m_hostParams, m_layers, net);
        return net;
    }

    struct Work {
        DeviceBuffer<float> s, out, dS, dOut;  // (n, n_out) row-major
    };
    const Work& work(std::size_t l) const { return m_work[l]; }
    const DeviceBuffer<float>& gradBuffer() const { return m_grad; }
    int batch() const { return m_n; }

  private:
    void reserve(int n) {
        const auto rows = static_cast<std::size_t>(std::max(n, 1));
        m_xb.resize(rows * static_cast<std::size_t>(m_inputs));
        const auto k = static_cast<std::size_t>(outputs());
        if (m_hasY) m_yb.resize(rows * k);
        if (m_hasSigma) m_sigmab.resize(rows * k);
        if (m_hasLabels) m_labelsb.resize(rows);
        for (std::size_t l = 0; l < m_layers.size(); ++l) {
            const std::size_t size = rows * static_cast<std::size_t>(m_layers[l].out);
            m_work[l].s.resize(size);
            m_work[l].out.resize(size);
            m_work[l].dS.resize(size);
            m_work[l].dOut.resize(size);
        }
    }

    Network m_net;
    std::vector<float> m_hostParams;
    std::vector<LayerDesc> m_layers;
    DeviceBuffer<float> m_params, m_grad;   // (parameters): per layer W row-major, b
    DeviceBuffer<float> m_x, m_y, m_sigma;  // the data set, row-major
    DeviceBuffer<int> m_labels;             // (rows)
    int m_inputs = 0;
    bool m_hasY = false, m_hasSigma = false, m_hasLabels = false;
    DeviceBuffer<int> m_rows, m_labelsb;       // (n): the batch's row indices and labels
    DeviceBuffer<float> m_xb, m_yb, m_sigmab;  // the batch, row-major
    std::vector<Work> m_work;
    DeviceBuffer<double> m_lossSum;  // (1)
    int m_n = 0;
    bool m_fused = false;            // the last loss wrote the last layer's dS (ce after softmax)
    float m_l1 = 0.0f, m_l2 = 0.0f;  // training: the penalty added to dW
};

std::vector<int> allRows(int n) {
    std::vector<int> r(static_cast<std::size_t>(n));
    std::iota(r.begin(), r.end(), 0);
    return r;
}

void checkOptimizerKind(OptimizerKind kind) {
    switch (kind) {
        case OptimizerKind::Sgd:
        case OptimizerKind::Momentum:
        case OptimizerKind::Adam:
            return;
    }
    throw InputError("optimizer kind " + std::to_string(static_cast<int>(kind)) +
                     " is none of sgd, momentum, adam");
}

class DeviceTrainingSession final : public CudaTrainingSession {
  public:
    DeviceTrainingSession(const Network& net, const Dataset& data, LossConfig loss,
                          OptimizerConfig opt)
        : m_dev(net, FirstLayerData(net, data).data), m_loss(loss), m_opt(opt) {
        checkOptimizerKind(opt.kind);
        checkPenalty(opt.l1, "l1");
        checkPenalty(opt.l2, "l2");
        setRegularization(opt.l1, opt.l2);
        m_dev.setPenalty(opt.l1, opt.l2);
        const std::size_t count = m_dev.paramCount();
        m_next.resize(count);
        if (opt.kind != OptimizerKind::Sgd) {
            m_m.resize(count);
            m_m.zero();
        }
        if (opt.kind == OptimizerKind::Adam) {
            m_v.resize(count);
            m_v.zero();
        }
        m_firstBad.resize(1);
    }

    void setPenaltyRates(float l1, float l2) override {
        TrainingSession::setPenaltyRates(l1, l2);
        m_dev.setPenalty(l1, l2);
    }

    StepResult step(std::span<const int> rows) override {
        const std::span<const int> one[] = {rows};
        return steps(one).front();
    }

    // Every step is queued without waiting: forward, loss into its own slot of m_lossSums,
    // backward, then an optimizer launch that checks the loss on the device and a commit that
    // keeps the parameters of before the first failed step. One copy back at the end.
    std::vector<StepResult> steps(std::span<const std::span<const int>> batches) override {
        const std::size_t K = batches.size();
        if (K == 0) return {};
        std::vector<int> rows;
        std::vector<std::size_t> begin;
        for (const std::span<const int> b : batches) {
            begin.push_back(rows.size());
            rows.insert(rows.end(), b.begin(), b.end());
        }
        m_allRows.resize(std::max<std::size_t>(rows.size(), 1));
        m_allRows.upload(rows.data(), rows.size());
        m_lossSums.resize(K);
        m_lossSums.zero(K);
        const int none = static_cast<int>(K);
        m_firstBad.upload(&none, 1);

        std::vector<double> divisors(K);
        const std::size_t count = m_dev.paramCount();
        for (std::size_t s = 0; s < K; ++s) {
            const int step = static_cast<int>(s);
            m_dev.forward(m_allRows.data() + begin[s], static_cast<int>(batches[s].size()));
            m_dev.launchLoss(m_loss, m_lossSums.data() + s);
            m_dev.backward();
            divisors[s] = m_dev.lossDivisor(m_loss);
            const gpu::StepGuard guard{m_lossSums.data() + s, divisors[s], step, m_firstBad.data()};
            const OptimizerStepScalars k =
                optimizerScalars(m_opt, m_steps + static_cast<std::int64_t>(s));
            NNLENS_CUDA_CHECK(gpu::optimizerStep(m_opt.kind, m_dev.params().data(),
                                                 m_dev.grad().data(), m_next.data(), m_m.data(),
                                                 m_v.data(), count, m_opt, k, guard));
            NNLENS_CUDA_CHECK(gpu::commitStep(m_next.data(), m_dev.params().data(), count, step,
                                              m_firstBad.data()));
        }

        std::vector<double> sums(K);
        m_lossSums.download(sums.data(), K);
        int firstBad = none;
        m_firstBad.download(&firstBad, 1);
        std::vector<StepResult> results;
        for (std::size_t s = 0; s < K; ++s) {
            StepResult r;
            r.loss = static_cast<float>(sums[s] / divisors[s]);
            r.ok = static_cast<int>(s) < firstBad;
            results.push_back(r);
            if (!r.ok) break;
        }
        // As the CPU's optimizer, a step counts once its update has run, finite or not: every
        // step returned but a last one whose loss was not finite (no update ran).
        const StepResult& last = results.back();
        const bool lastUpdated = last.ok || std::isfinite(last.loss);
        m_steps += static_cast<std::int64_t>(results.size()) - (lastUpdated ? 0 : 1);
        return results;
    }

    float evaluate(std::span<const int> rows) override {
        m_dev.forward(rows);
        return m_dev.loss(m_loss);
    }

    float learningRate() const override { return m_opt.lr; }
    void setLearningRate(float lr) override { m_opt.lr = lr; }

    void saveState() override {
        copy(m_savedParams, m_dev.params());
        copy(m_savedM, m_m);
        copy(m_savedV, m_v);
        m_savedSteps = m_steps;
        m_savedLr = m_opt.lr;
        m_hasSaved = true;
    }
    void restoreState() override {
        if (!m_hasSaved) return;
        copy(m_dev.params(), m_savedParams);
        copy(m_m, m_savedM);
        copy(m_v, m_savedV);
        m_steps = m_savedSteps;
        m_opt.lr = m_savedLr;
    }

    void setParameters(const Network& net) override {
        checkSameShape(m_dev.lastNetwork(), net);
        m_dev.setParameters(net);
    }

    Network network() const override {
        try {
            return const_cast<DeviceNet&>(m_dev).network();
        } catch (const BackendFailure&) {
            return m_dev.lastNetwork();
        }
    }

  private:
    static void copy(DeviceBuffer<float>& to, const DeviceBuffer<float>& from) {
        if (from.size() == 0) return;
        to.resize(from.size());
        NNLENS_CUDA_CHECK(cudaMemcpy(to.data(), from.data(), from.size() * sizeof(float),
                                     cudaMemcpyDeviceToDevice));
    }

    DeviceNet m_dev;
    LossConfig m_loss;
    OptimizerConfig m_opt;
    DeviceBuffer<float> m_next, m_m, m_v;  // (parameters): the candidate update and the moments
    std::int64_t m_steps = 0;
    DeviceBuffer<int> m_allRows;      // (rows of every batch of one steps() call)
    DeviceBuffer<double> m_lossSums;  // (steps of one call): each step's summed loss terms
    DeviceBuffer<int> m_firstBad;     // (1): the first failed step of the call, or the count
    DeviceBuffer<float> m_savedParams, m_savedM, m_savedV;
    std::int64_t m_savedSteps = 0;
    float m_savedLr = 0.0f;
    bool m_hasSaved = false;
};

// A CUDA event for timing, owned like a buffer.
class Event {
  public:
    Event() { NNLENS_CUDA_CHECK(cudaEventCreate(&m_event)); }
    ~Event() { cudaEventDestroy(m_event); }
    Event(const Event&) = delete;
    Event& operator=(const Event&) = delete;

    void record() { NNLENS_CUDA_CHECK(cudaEventRecord(m_event)); }
    // Milliseconds from `start` to this event; waits for this event.
    double msSince(const Event& start) const {
        NNLENS_CUDA_CHECK(cudaEventSynchronize(m_event));
        float ms = 0.0f;
        NNLENS_CUDA_CHECK(cudaEventElapsedTime(&ms, start.m_event, m_event));
        return ms;
    }

  private:
    cudaEvent_t m_event = nullptr;
};

// Grid maps on the device: the fused kernel for the layers an edit touches, then ranges and
// histograms of the maps that changed; those maps come back to the host for the views. s and out
// of every layer stay on the device, so an edit of layer l recomputes from layer l - 1's stored
// out (as the CPU evaluator does, and to the same bits as a full compute).
class CudaGridEvaluator final : public GridEvaluator {
  public:
    void compute(const Network& net, const GridConfig& cfg) override {
        checkGrid(net, cfg);
        m_maps.config = cfg;
        m_shape.assign(1, net.inputs);
        for (const Layer& L : net.layers)
            m_shape.push_back(L.outputs());
        m_features = net.features;
        const bool fits = net.layers.size() <= static_cast<std::size_t>(kMaxLayers) &&
                          std::all_of(net.layers.begin(), net.layers.end(), [](const Layer& L) {
                              return L.outputs() <= gpu::kGridMaxWidth;
                          });
        m_onCpu = !fits;
        if (m_onCpu) {  // wider than the fused kernel handles: the CPU's maps
            if (!m_cpu) m_cpu = makeCpuGridEvaluator();
            m_cpu->compute(net, cfg);
            m_maps = GridMaps{};
            m_maps.config = cfg;
            return;
        }
        allocate(net, cfg);
        run(net, 0, -1);
    }

    void update(const Network& net, int layer, int node) override {
        if (!sameShape(net)) {  // also where the CPU computed the maps: the new shape may fit
            compute(net, m_maps.config);
            return;
        }
        if (m_onCpu) {
            m_cpu->update(net, layer, node);
            return;
        }
        if (layer < 0 || layer >= static_cast<int>(net.layers.size())) return;
        if (node >= net.layers[static_cast<std::size_t>(layer)].outputs()) node = -1;
        run(net, layer, node);
    }

    const GridMaps& maps() const override { return m_onCpu ? m_cpu->maps() : m_maps; }

    // The last run's phases (grid kernel, statistics, copy to the host) and bytes moved.
    const CudaGridTiming& lastTiming() const { return m_timing; }
    bool onDevice() const { return !m_onCpu && !m_shape.empty(); }

  private:
    bool sameShape(const Network& net) const {
        if (m_shape.size() != net.layers.size() + 1 || m_shape[0] != net.inputs ||
            m_features != net.features) {
            return false;
        }
        for (std::size_t l = 0; l < net.layers.size(); ++l) {
            if (m_shape[l + 1] != net.layers[l].outputs()) return false;
        }
        return true;
    }

    void allocate(const Network& net, const GridConfig& cfg) {
        const std::vector<double> x = linspace(-cfg.range, cfg.range, cfg.n);
        const std::vector<float> xi(x.begin(), x.end());
        uploadVector(m_xi, xi);
        const std::int64_t N = static_cast<std::int64_t>(cfg.n) * cfg.n;
        const std::size_t depth = net.layers.size();
        m_nodeBase.assign(1, 0);
        m_maps.s.resize(depth);
        m_maps.out.resize(depth);
        m_maps.hist.assign(depth, {});
        for (std::size_t l = 0; l < depth; ++l) {
            const int k = net.layers[l].outputs();
            m_maps.s[l].resize(N, k);
            m_maps.out[l].resize(N, k);
            m_maps.hist[l].assign(static_cast<std::size_t>(k), Histogram{});
            m_nodeBase.push_back(m_nodeBase.back() + k);
        }
        const auto nodes = static_cast<std::size_t>(m_nodeBase.back());
        const auto bins = static_cast<std::size_t>(cfg.bins);
        m_s.resize(nodes * static_cast<std::size_t>(N));
        m_out.resize(nodes * static_cast<std::size_t>(N));
        m_ranges.resize(2 * nodes);
        m_absMax.resize(nodes);
        m_thresholds.resize(nodes * (bins + 1));
        m_binParams.resize(4 * nodes);
        m_counts.resize(nodes * bins);
        m_hostRanges.assign(2 * nodes, 0.0f);
        m_hostAbsMax.assign(nodes, 0.0f);
    }

    // Recomputes layers [first, depth) (in layer `first` only node `node` when node >= 0 and the
    // layer is not softmax), their statistics, and brings the changed maps to the host.
    void run(const Network& net, int first, int node) {
        const GridConfig& cfg = m_maps.config;
        const std::int64_t N = static_cast<std::int64_t>(cfg.n) * cfg.n;
        const int depth = static_cast<int>(net.layers.size());
        std::vector<float> params;
        std::vector<LayerDesc> layers;
        flatten(net, params, layers);
        uploadVector(m_params, params);
        gpu::GridLayers table;
        table.depth = depth;
        table.features = static_cast<int>(net.features.size());
        std::copy(net.features.begin(), net.features.end(), table.feature);
        for (int l = 0; l < depth; ++l) {
            table.layer[l] = layers[static_cast<std::size_t>(l)];
            table.offset[l] = N * m_nodeBase[static_cast<std::size_t>(l)];
        }
        const Layer& edited = net.layers[static_cast<std::size_t>(first)];
        const bool single = node >= 0 && edited.activation != Activation::Softmax;

        // The maps that change, as runs of global node numbers (node g's map at g * N).
        struct Run {
            int begin, end;
        };
        std::vector<Run> runs;
        const int firstNode = m_nodeBase[static_cast<std::size_t>(first)];
        const int total = m_nodeBase.back();
        if (single) {
            runs.push_back({firstNode + node, firstNode + node + 1});
            if (first + 1 < depth)
                runs.push_back({m_nodeBase[static_cast<std::size_t>(first) + 1], total});
        } else {
            runs.push_back({firstNode, total});
        }
        int changed = 0;
        for (const Run& r : runs)
            changed += r.end - r.begin;

        m_start.record();
        NNLENS_CUDA_CHECK(gpu::gridForward(m_params.data(), params.size(), table, first, node,
                                           m_xi.data(), cfg.n, m_s.data(), m_out.data()));
        m_kernelEnd.record();

        // Ranges of s (histogram edges) and of |out| (the colour limit), per changed node.
        for (const Run& r : runs) {
            const auto g = static_cast<std::size_t>(r.begin);
            const auto count = static_cast<std::size_t>(r.end - r.begin);
            NNLENS_CUDA_CHECK(gpu::columnRanges(m_s.data() + g * N, m_out.data() + g * N, N,
                                                r.end - r.begin, m_ranges.data() + 2 * g,
                                                m_absMax.data() + g));
            m_ranges.download(m_hostRanges.data() + 2 * g, 2 * count, 2 * g);
            m_absMax.download(m_hostAbsMax.data() + g, count, g);
        }
        // Histograms of the changed nodes. The bin guess is exact only when the first edge is a
        // float; histogramBin corrects by one step either way, which covers every case the CPU
        // path does.
        const int bins = cfg.bins;
        const auto B = static_cast<std::size_t>(bins);
        std::vector<HistogramEdges> edges(static_cast<std::size_t>(total));
        for (const Run& r : runs) {
            std::vector<float> thresholds, binParams;
            for (int g = r.begin; g < r.end; ++g) {
                const auto gi = static_cast<std::size_t>(g);
                edges[gi] =
                    histogramEdgesOf(m_hostRanges[2 * gi], m_hostRanges[2 * gi + 1], N, bins);
                const HistogramEdges& e = edges[gi];
                thresholds.insert(thresholds.end(), e.thresholds.begin(), e.thresholds.end());
                binParams.insert(binParams.end(), {static_cast<float>(e.first), e.scale,
                                                   e.thresholds[0], e.lastFloor});
            }
            const auto g = static_cast<std::size_t>(r.begin);
            const auto count = static_cast<std::size_t>(r.end - r.begin);
            m_thresholds.upload(thresholds.data(), thresholds.size(), g * (B + 1));
            m_binParams.upload(binParams.data(), binParams.size(), 4 * g);
            m_counts.zero(count * B, g * B);
            NNLENS_CUDA_CHECK(gpu::histograms(m_s.data() + g * N, N, r.end - r.begin, bins,
                                              m_thresholds.data() + g * (B + 1),
                                              m_binParams.data() + 4 * g, m_counts.data() + g * B));
        }
        std::vector<unsigned long long> counts(static_cast<std::size_t>(total) * B);
        for (const Run& r : runs) {
            const auto g = static_cast<std::size_t>(r.begin);
            m_counts.download(counts.data() + g * B, static_cast<std::size_t>(r.end - r.begin) * B,
                              g * B);
        }
        m_statsEnd.record();

        // Back to the host: the changed maps, layer by layer (columns are contiguous).
        for (const Run& r : runs) {
            for (int l = 0; l < depth; ++l) {
                const auto li = static_cast<std::size_t>(l);
                const int j0 = std::max(r.begin, m_nodeBase[li]) - m_nodeBase[li];
                const int j1 = std::min(r.end, m_nodeBase[li + 1]) - m_nodeBase[li];
                if (j0 >= j1) continue;
                const auto values = static_cast<std::size_t>(N * (j1 - j0));
                const auto offset = static_cast<std::size_t>(table.offset[l] + N * j0);
                m_s.download(m_maps.s[li].col(j0).data(), values, offset);
                m_out.download(m_maps.out[li].col(j0).data(), values, offset);
                for (int j = j0; j < j1; ++j) {
                    const auto gi = static_cast<std::size_t>(m_nodeBase[li] + j);
                    Histogram& h = m_maps.hist[li][static_cast<std::size_t>(j)];
                    h.min = edges[gi].first;
                    h.max = edges[gi].last;
                    h.counts.assign(counts.begin() + static_cast<std::ptrdiff_t>(gi * B),
                                    counts.begin() + static_cast<std::ptrdiff_t>((gi + 1) * B));
                }
            }
        }
        m_copyEnd.record();

        m_maps.colourLimit = *std::max_element(m_hostAbsMax.begin(), m_hostAbsMax.end());
        if (first == 0) {
            const Layer& L = net.layers.front();
            m_maps.arrows.resize(static_cast<std::size_t>(L.outputs()));
            for (int j = 0; j < L.outputs(); ++j)
                m_maps.arrows[static_cast<std::size_t>(j)] =
                    net.plainInputs() ? weightArrow(L.W(0, j), L.W(1, j), L.b(j)) : std::nullopt;
        }

        const double point = static_cast<double>(N) * sizeof(float);
        m_timing.runs = 1;
        m_timing.kernelMs = m_kernelEnd.msSince(m_start);
        m_timing.statsMs = m_statsEnd.msSince(m_kernelEnd);
        m_timing.copyMs = m_copyEnd.msSince(m_statsEnd);
        // The kernel writes s and out of every changed node and reads its inputs: the previous
        // layer's stored out (or the grid coordinates) and, for a one-node edit, the edited
        // layer's other outputs.
        double read = first == 0 ? cfg.n * sizeof(float)
                                 : point * layers[static_cast<std::size_t>(first) - 1].out;
        if (single && first + 1 < depth) read += point * edited.outputs();
        m_timing.kernelBytes = 2.0 * point * changed + read;
        m_timing.copyBytes = 2.0 * point * changed;
    }

    GridMaps m_maps;
    std::vector<int> m_shape;         // inputs, then every layer's width, as computed; empty before
    std::vector<Feature> m_features;  // the input features the maps were computed with
    std::vector<int> m_nodeBase;      // (layers + 1): global number of each layer's first node
    bool m_onCpu = false;
    std::unique_ptr<GridEvaluator> m_cpu;
    DeviceBuffer<float> m_params;                   // (parameters)
    DeviceBuffer<float> m_xi;                       // (n): the grid coordinates
    DeviceBuffer<float> m_s, m_out;                 // (nodes, N): every node's map, node g at g * N
    DeviceBuffer<float> m_ranges, m_absMax;         // (nodes, 2), (nodes)
    DeviceBuffer<float> m_thresholds, m_binParams;  // (nodes, bins + 1), (nodes, 4)
    DeviceBuffer<unsigned long long> m_counts;      // (nodes, bins)
    std::vector<float> m_hostRanges, m_hostAbsMax;  // host copies, kept for later updates
    Event m_start, m_kernelEnd, m_statsEnd, m_copyEnd;
    CudaGridTiming m_timing;
};

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace

CudaBackend::CudaBackend() {
    NNLENS_CUDA_CHECK(cudaSetDevice(0));
}
CudaBackend::~CudaBackend() = default;

Trace CudaBackend::forward(const Network& net, const Matrix& x) {
    if (x.cols() != net.inputs) return nnlens::forward(net, x);  // the CPU's message
    Dataset d;
    d.x = featureMatrix(net.features, x);  // the fixed feature stage, once on the host
    DeviceNet dev(net, d);
    dev.forward(allRows(static_cast<int>(x.rows())));
    Trace t;
    t.input = std::move(d.x);
    for (std::size_t l = 0; l < net.layers.size(); ++l) {
        const auto k = net.layers[l].outputs();
        t.layers.push_back({downloadRowMajor(dev.work(l).s.data(), x.rows(), k),
                            downloadRowMajor(dev.work(l).out.data(), x.rows(), k)});
    }
    return t;
}

Gradients CudaBackend::gradients(const Network& net, const Dataset& data, LossConfig loss) {
    const FirstLayerData in(net, data);
    DeviceNet dev(net, in.data);
    dev.forward(allRows(data.size()));
    Gradients g;
    g.loss = dev.loss(loss);
    dev.backward();
    std::vector<float> grad(dev.paramCount());
    dev.gradBuffer().download(grad.data(), grad.size());
    for (std::size_t l = 0; l < net.layers.size(); ++l) {
        const LayerDesc& d = dev.layers()[l];
        LayerGradients lg;
        lg.dW = Eigen::Map<const RowMajor>(grad.data() + d.w, d.in, d.out);
        lg.db = Eigen::Map<const Vector>(grad.data() + d.b, d.out);
        lg.dS = downloadRowMajor(dev.work(l).dS.data(), data.size(), d.out);
        lg.dOut = downloadRowMajor(dev.work(l).dOut.data(), data.size(), d.out);
        g.layers.push_back(std::move(lg));
    }
    return g;
}

std::unique_ptr<TrainingSession> CudaBackend::startTraining(const Network& net, const Dataset& data,
                                                            LossConfig loss, OptimizerConfig opt) {
    return startCudaTraining(net, data, loss, opt);
}

std::unique_ptr<CudaTrainingSession> CudaBackend::startCudaTraining(const Network& net,
                                                                    const Dataset& data,
                                                                    LossConfig loss,
                                                                    OptimizerConfig opt) {
    return std::make_unique<DeviceTrainingSession>(net, data, loss, opt);
}

std::unique_ptr<GridEvaluator> CudaBackend::gridEvaluator() {
    return std::make_unique<CudaGridEvaluator>();
}

CudaGridTiming timeCudaGrid(const Network& net, const GridConfig& cfg, int runs) {
    NNLENS_CUDA_CHECK(cudaSetDevice(0));
    CudaGridEvaluator eval;
    eval.compute(net, cfg);  // allocations and first-launch costs
    if (!eval.onDevice()) {
        throw InputError("timeCudaGrid: a layer is wider than the grid kernel's " +
                         std::to_string(gpu::kGridMaxWidth) + " nodes");
    }
    std::vector<double> kernel, stats, copy, total;
    for (int r = 0; r < runs; ++r) {
        const auto start = std::chrono::steady_clock::now();
        eval.compute(net, cfg);
        total.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count());
        kernel.push_back(eval.lastTiming().kernelMs);
        stats.push_back(eval.lastTiming().statsMs);
        copy.push_back(eval.lastTiming().copyMs);
    }
    CudaGridTiming t = eval.lastTiming();
    t.runs = runs;
    if (runs > 0) {
        t.kernelMs = median(kernel);
        t.statsMs = median(stats);
        t.copyMs = median(copy);
        t.totalMs = median(total);
    }
    return t;
}

}  // namespace nnlens
