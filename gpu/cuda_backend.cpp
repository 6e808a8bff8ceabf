// CudaBackend: device buffers, copies and the order of launches; the arithmetic lives in
// kernels.cu.
#include "cuda_backend.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include <cuda_runtime_api.h>

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
        m_bad.resize(1);
    }

    const std::vector<LayerDesc>& layers() const { return m_layers; }
    DeviceBuffer<float>& params() { return m_params; }
    DeviceBuffer<float>& grad() { return m_grad; }
    std::size_t paramCount() const { return m_hostParams.size(); }
    int outputs() const { return m_layers.back().out; }

    // Gathers `rows` of the data set as the batch and runs every layer forward.
    void forward(std::span<const int> rows) {
        const int n = static_cast<int>(rows.size());
        reserve(n);
        m_rows.upload(rows.data(), rows.size());
        const int* r = m_rows.data();
        NNLENS_CUDA_CHECK(gpu::gatherRows(m_x.data(), m_inputs, r, n, m_xb.data()));
        if (m_hasY) NNLENS_CUDA_CHECK(gpu::gatherRows(m_y.data(), outputs(), r, n, m_yb.data()));
        if (m_hasSigma) {
            NNLENS_CUDA_CHECK(gpu::gatherRows(m_sigma.data(), outputs(), r, n, m_sigmab.data()));
        }
        if (m_hasLabels) {
            NNLENS_CUDA_CHECK(gpu::gatherLabels(m_labels.data(), r, n, m_labelsb.data()));
        }
        const float* in = m_xb.data();
        for (std::size_t l = 0; l < m_layers.size(); ++l) {
            NNLENS_CUDA_CHECK(gpu::layerForward(in, m_params.data(), m_layers[l], n,
                                                m_work[l].s.data(), m_work[l].out.data()));
            in = m_work[l].out.data();
        }
        m_n = n;
    }

    // The loss of the last forward batch (dL/dout into the last layer's dOut); synchronises.
    float loss(LossConfig cfg) {
        const int k = outputs();
        const double count = cfg.loss == Loss::Ce ? m_n : static_cast<double>(m_n) * k;
        const float scale =
            cfg.reduction == Reduction::Mean ? static_cast<float>(1.0 / count) : 1.0f;
        m_lossSum.zero();
        const bool softmaxOut = m_layers.back().activation == Activation::Softmax;
        NNLENS_CUDA_CHECK(gpu::lossForward(
            cfg.loss, m_work.back().out.data(), m_hasY ? m_yb.data() : nullptr,
            m_hasLabels ? m_labelsb.data() : nullptr, m_hasSigma ? m_sigmab.data() : nullptr, m_n,
            k, softmaxOut, scale, m_work.back().dOut.data(), m_lossSum.data()));
        double sum = 0.0;
        m_lossSum.download(&sum, 1);
        return static_cast<float>(cfg.reduction == Reduction::Mean ? sum / count : sum);
    }

    // dS, dW, db and dOut of every layer from the last layer's dOut, into grad().
    void backward() {
        for (std::size_t l = m_layers.size(); l-- > 0;) {
            const LayerDesc& L = m_layers[l];
            Work& w = m_work[l];
            NNLENS_CUDA_CHECK(gpu::activationBackward(L.activation, w.s.data(), w.out.data(),
                                                      w.dOut.data(), m_n, L.out, w.dS.data()));
            const float* in = l == 0 ? m_xb.data() : m_work[l - 1].out.data();
            NNLENS_CUDA_CHECK(gpu::weightGradients(in, w.dS.data(), m_n, L.in, L.out,
                                                   m_grad.data() + L.w, m_grad.data() + L.b));
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
    DeviceBuffer<int>& badFlag() { return m_bad; }

  private:
    void reserve(int n) {
        const auto rows = static_cast<std::size_t>(std::max(n, 1));
        m_rows.resize(rows);
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
    DeviceBuffer<float> m_params, m_grad;
    DeviceBuffer<float> m_x, m_y, m_sigma;
    DeviceBuffer<int> m_labels;
    int m_inputs = 0;
    bool m_hasY = false, m_hasSigma = false, m_hasLabels = false;
    DeviceBuffer<int> m_rows, m_labelsb;
    DeviceBuffer<float> m_xb, m_yb, m_sigmab;
    std::vector<Work> m_work;
    DeviceBuffer<double> m_lossSum;
    DeviceBuffer<int> m_bad;
    int m_n = 0;
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

class CudaTrainingSession final : public TrainingSession {
  public:
    CudaTrainingSession(const Network& net, const Dataset& data, LossConfig loss,
                        OptimizerConfig opt)
        : m_dev(net, data), m_loss(loss), m_opt(opt) {
        checkOptimizerKind(opt.kind);
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
    }

    StepResult step(std::span<const int> rows) override {
        StepResult r;
        m_dev.forward(rows);
        r.loss = m_dev.loss(m_loss);
        if (!std::isfinite(r.loss)) {
            r.ok = false;
            return r;
        }
        m_dev.backward();
        const OptimizerStepScalars k = optimizerScalars(m_opt, m_steps);
        m_dev.badFlag().zero();
        NNLENS_CUDA_CHECK(gpu::optimizerStep(m_opt.kind, m_dev.params().data(), m_dev.grad().data(),
                                             m_next.data(), m_m.data(), m_v.data(),
                                             m_dev.paramCount(), m_opt, k, m_dev.badFlag().data()));
        ++m_steps;
        int bad = 0;
        m_dev.badFlag().download(&bad, 1);
        if (bad) {
            r.ok = false;  // keep the parameters of before this step
            return r;
        }
        std::swap(m_dev.params(), m_next);
        return r;
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
    DeviceBuffer<float> m_next, m_m, m_v;
    std::int64_t m_steps = 0;
    DeviceBuffer<float> m_savedParams, m_savedM, m_savedV;
    std::int64_t m_savedSteps = 0;
    float m_savedLr = 0.0f;
    bool m_hasSaved = false;
};

// Grid maps on the device: one fused kernel for every node, then ranges and histograms; the maps
// come back to the host for the views. An edit recomputes everything (it is cheap here).
class CudaGridEvaluator final : public GridEvaluator {
  public:
    void compute(const Network& net, const GridConfig& cfg) override {
        checkGrid(net, cfg);
        m_net = net;
        m_maps.config = cfg;
        const bool fits = net.layers.size() <= static_cast<std::size_t>(kMaxLayers) &&
                          std::all_of(net.layers.begin(), net.layers.end(), [](const Layer& L) {
                              return L.outputs() <= gpu::kGridMaxWidth;
                          });
        if (!fits) {  // wider than the fused kernel keeps in registers: the CPU's maps
            if (!m_cpu) m_cpu = makeCpuGridEvaluator();
            m_cpu->compute(net, cfg);
            m_maps = m_cpu->maps();
            return;
        }
        run(net, cfg);
    }
    void update(const Network& net, int, int) override { compute(net, m_maps.config); }
    const GridMaps& maps() const override { return m_maps; }

  private:
    void run(const Network& net, const GridConfig& cfg) {
        std::vector<float> params;
        std::vector<LayerDesc> layers;
        flatten(net, params, layers);
        uploadVector(m_params, params);
        const std::vector<double> x = linspace(-cfg.range, cfg.range, cfg.n);
        std::vector<float> xi(x.begin(), x.end());
        uploadVector(m_xi, xi);
        const std::int64_t N = static_cast<std::int64_t>(cfg.n) * cfg.n;
        std::vector<std::int64_t> offsets;
        std::int64_t total = 0;
        int nodes = 0;
        for (const LayerDesc& d : layers) {
            offsets.push_back(total);
            total += N * d.out;
            nodes += d.out;
        }
        uploadVector(m_offsets, offsets);
        m_s.resize(static_cast<std::size_t>(total));
        m_out.resize(static_cast<std::size_t>(total));
        NNLENS_CUDA_CHECK(gpu::gridFused(m_params.data(), params.size(), layers.data(),
                                         static_cast<int>(layers.size()), m_xi.data(), cfg.n,
                                         m_offsets.data(), m_s.data(), m_out.data()));
        // Ranges of s (histogram edges) and of |out| (the colour limit), per node.
        m_ranges.resize(static_cast<std::size_t>(2 * nodes));
        m_absMax.resize(static_cast<std::size_t>(nodes));
        NNLENS_CUDA_CHECK(gpu::columnRanges(m_s.data(), m_out.data(), N, nodes, m_ranges.data(),
                                            m_absMax.data()));
        std::vector<float> ranges(static_cast<std::size_t>(2 * nodes)),
            absMax(static_cast<std::size_t>(nodes));
        m_ranges.download(ranges.data(), ranges.size());
        m_absMax.download(absMax.data(), absMax.size());
        const int bins = cfg.bins;
        std::vector<HistogramEdges> edges;
        std::vector<float> thresholds, binParams;
        for (int j = 0; j < nodes; ++j) {
            edges.push_back(histogramEdges(ranges[2 * static_cast<std::size_t>(j)],
                                           ranges[2 * static_cast<std::size_t>(j) + 1], bins));
            const HistogramEdges& e = edges.back();
            thresholds.insert(thresholds.end(), e.thresholds.begin(), e.thresholds.end());
            binParams.insert(binParams.end(),
                             {static_cast<float>(e.first), e.scale, e.thresholds[0], e.lastFloor});
        }
        // The bin guess is exact only when the first edge is a float; histogramBin corrects
        // by one step either way, which covers every case the CPU path does.
        uploadVector(m_thresholds, thresholds);
        uploadVector(m_binParams, binParams);
        m_counts.resize(static_cast<std::size_t>(nodes) * static_cast<std::size_t>(bins));
        m_counts.zero();
        NNLENS_CUDA_CHECK(gpu::histograms(m_s.data(), N, nodes, bins, m_thresholds.data(),
                                          m_binParams.data(), m_counts.data()));
        std::vector<unsigned long long> counts(m_counts.size());
        m_counts.download(counts.data(), counts.size());

        // Back to the host: every node's map, histogram and arrow.
        m_maps.s.resize(layers.size());
        m_maps.out.resize(layers.size());
        m_maps.hist.assign(layers.size(), {});
        int node = 0;
        float limit = 0.0f;
        for (std::size_t l = 0; l < layers.size(); ++l) {
            const int k = layers[l].out;
            m_maps.s[l].resize(N, k);
            m_maps.out[l].resize(N, k);
            m_s.download(m_maps.s[l].data(), static_cast<std::size_t>(N * k),
                         static_cast<std::size_t>(offsets[l]));
            m_out.download(m_maps.out[l].data(), static_cast<std::size_t>(N * k),
                           static_cast<std::size_t>(offsets[l]));
            for (int j = 0; j < k; ++j, ++node) {
                Histogram h;
                h.min = edges[static_cast<std::size_t>(node)].first;
                h.max = edges[static_cast<std::size_t>(node)].last;
                for (int b = 0; b < bins; ++b) {
                    h.counts.push_back(static_cast<std::int64_t>(
                        counts[static_cast<std::size_t>(node) * static_cast<std::size_t>(bins) +
                               static_cast<std::size_t>(b)]));
                }
                m_maps.hist[l].push_back(std::move(h));
                limit = std::max(limit, absMax[static_cast<std::size_t>(node)]);
            }
        }
        m_maps.colourLimit = limit;
        const Layer& first = net.layers.front();
        m_maps.arrows.clear();
        for (int j = 0; j < first.outputs(); ++j) {
            m_maps.arrows.push_back(weightArrow(first.W(0, j), first.W(1, j), first.b(j)));
        }
    }

    Network m_net;
    GridMaps m_maps;
    std::unique_ptr<GridEvaluator> m_cpu;
    DeviceBuffer<float> m_params, m_xi, m_s, m_out, m_ranges, m_absMax, m_thresholds, m_binParams;
    DeviceBuffer<std::int64_t> m_offsets;
    DeviceBuffer<unsigned long long> m_counts;
};

}  // namespace

CudaBackend::CudaBackend() {
    NNLENS_CUDA_CHECK(cudaSetDevice(0));
}
CudaBackend::~CudaBackend() = default;

Trace CudaBackend::forward(const Network& net, const Matrix& x) {
    if (x.cols() != net.inputs) return nnlens::forward(net, x);  // the CPU's message
    Dataset d;
    d.x = x;
    DeviceNet dev(net, d);
    dev.forward(allRows(static_cast<int>(x.rows())));
    Trace t;
    t.input = x;
    for (std::size_t l = 0; l < net.layers.size(); ++l) {
        const auto k = net.layers[l].outputs();
        t.layers.push_back({downloadRowMajor(dev.work(l).s.data(), x.rows(), k),
                            downloadRowMajor(dev.work(l).out.data(), x.rows(), k)});
    }
    return t;
}

Gradients CudaBackend::gradients(const Network& net, const Dataset& data, LossConfig loss) {
    DeviceNet dev(net, data);
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
    return std::make_unique<CudaTrainingSession>(net, data, loss, opt);
}

std::unique_ptr<GridEvaluator> CudaBackend::gridEvaluator() {
    return std::make_unique<CudaGridEvaluator>();
}

}  // namespace nnlens
