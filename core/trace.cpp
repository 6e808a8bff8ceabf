// Data flow and statistics: the seed's trace() over torch.nn.Sequential's modules, the backward
// pass with a scaled loss, and one summary per distinct tensor.
#include "trace.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "block.hpp"
#include "error.hpp"
#include "limits.hpp"
#include "parallel.hpp"

namespace nnlens {

std::string_view Module::kind() const {
    return linear ? std::string_view("linear") : activationName(activation);
}

std::vector<Module> splitModules(const Network& net) {
    std::vector<Module> modules;
    modules.reserve(2 * net.layers.size());
    for (std::size_t l = 0; l < net.layers.size(); ++l) {
        const Activation a = net.layers[l].activation;
        modules.push_back({static_cast<int>(l), true, a});
        if (a != Activation::Linear) modules.push_back({static_cast<int>(l), false, a});
    }
    return modules;
}

std::vector<double> TensorSummary::edges() const {
    return linspace(hist.min, hist.max, static_cast<int>(hist.counts.size()) + 1);
}

namespace {

void checkBins(int bins) {
    if (bins < 1 || bins > kMaxBins) {
        throw InputError("bins must be from 1 to " + std::to_string(kMaxBins) + ", not " +
                         std::to_string(bins));
    }
}

}  // namespace

TensorSummary summarize(const float* values, std::int64_t count, int bins) {
    checkBins(bins);
    TensorSummary t;
    t.hist.counts.assign(static_cast<std::size_t>(bins), 0);
    auto [lo, hi] = count > 0 ? block::finiteRange(values, count) : block::Range{1.0f, 0.0f};
    const HistogramEdges edges = histogramEdgesOf(lo, hi, count, bins);
    if (lo > hi) lo = hi = 0.0f;  // no finite value (or none at all)
    t.min = lo;
    t.max = hi;
    t.hist.min = edges.first;
    t.hist.max = edges.last;
    if (count == 0) return t;
    block::countBins(edges, values, count, t.hist.counts.data());

    // mean = c + sum(d) / n and var = sum(d^2) / n - (sum(d) / n)^2 with d = x - c about the
    // midrange c: |d| <= (max - min) / 2, so the difference loses no digits that matter in double.
    // Four sums side by side keep the adds independent.
    const double c = 0.5 * (static_cast<double>(lo) + static_cast<double>(hi));
    double s1[4] = {0.0, 0.0, 0.0, 0.0};
    double s2[4] = {0.0, 0.0, 0.0, 0.0};
    std::int64_t i = 0;
    for (; i + 4 <= count; i += 4) {
        for (int k = 0; k < 4; ++k) {
            const double d = static_cast<double>(values[i + k]) - c;
            s1[k] += d;
            s2[k] += d * d;
        }
    }
    for (; i < count; ++i) {
        const double d = static_cast<double>(values[i]) - c;
        s1[0] += d;
        s2[0] += d * d;
    }
    const double n = static_cast<double>(count);
    const double m1 = (s1[0] + s1[1] + s1[2] + s1[3]) / n;
    const double m2 = (s2[0] + s2[1] + s2[2] + s2[3]) / n;
    t.mean = c + m1;
    const double var = m2 - m1 * m1;
    t.std = std::isnan(var) ? var : std::sqrt(std::max(var, 0.0));
    return t;
}

std::optional<float> ModuleTrace::loss() const {
    if (!gradients) return std::nullopt;
    return gradients->loss;
}

const Matrix& ModuleTrace::input(int m) const {
    const Module& mod = modules.at(static_cast<std::size_t>(m));
    const auto l = static_cast<std::size_t>(mod.layer);
    if (!mod.linear) return forward.layers[l].s;
    return l == 0 ? forward.input : forward.layers[l - 1].out;
}

const Matrix& ModuleTrace::output(int m) const {
    const Module& mod = modules.at(static_cast<std::size_t>(m));
    const LayerTrace& t = forward.layers[static_cast<std::size_t>(mod.layer)];
    // A Linear module without an activation after it outputs s = out: the tensor the next
    // module takes.
    return mod.linear && mod.activation != Activation::Linear ? t.s : t.out;
}

const Matrix* ModuleTrace::grad(int m) const {
    const Module& mod = modules.at(static_cast<std::size_t>(m));
    if (!gradients) return nullptr;
    const LayerGradients& g = gradients->layers[static_cast<std::size_t>(mod.layer)];
    return mod.linear && mod.activation != Activation::Linear ? &g.dS : &g.dOut;
}

const Matrix* ModuleTrace::weight(int m) const {
    const Module& mod = modules.at(static_cast<std::size_t>(m));
    return mod.linear ? &net.layers[static_cast<std::size_t>(mod.layer)].W : nullptr;
}

const Vector* ModuleTrace::bias(int m) const {
    const Module& mod = modules.at(static_cast<std::size_t>(m));
    return mod.linear ? &net.layers[static_cast<std::size_t>(mod.layer)].b : nullptr;
}

const Matrix* ModuleTrace::weightGrad(int m) const {
    const Module& mod = modules.at(static_cast<std::size_t>(m));
    if (!mod.linear || !gradients) return nullptr;
    return &gradients->layers[static_cast<std::size_t>(mod.layer)].dW;
}

const Vector* ModuleTrace::biasGrad(int m) const {
    const Module& mod = modules.at(static_cast<std::size_t>(m));
    if (!mod.linear || !gradients) return nullptr;
    return &gradients->layers[static_cast<std::size_t>(mod.layer)].db;
}

Dataset withZeroTargets(const Network& net, const Dataset& data, LossConfig loss) {
    Dataset d = data;
    if (data.targets() > 0 || data.hasLabels()) return d;
    if (loss.loss == Loss::Ce) {
        d.labels.assign(static_cast<std::size_t>(data.size()), 0);
    } else {
        d.y = Matrix::Zero(data.size(), net.outputs());
    }
    return d;
}

namespace {

// The distinct tensors of a trace (a module's output is the next one's input), each summarised
// once; the work is split over the cores in two balanced halves.
class SummaryTable {
  public:
    // The slot of the tensor at `data` (count values), added when new.
    std::size_t add(const float* data, std::int64_t count) {
        for (std::size_t i = 0; i < m_tensors.size(); ++i) {
            if (m_tensors[i].data == data && m_tensors[i].count == count) return i;
        }
        m_tensors.push_back({data, count});
        return m_tensors.size() - 1;
    }
    std::size_t add(const Matrix& m) { return add(m.data(), m.size()); }
    std::size_t add(const Vector& v) { return add(v.data(), v.size()); }

    void compute(int bins) {
        m_summaries.resize(m_tensors.size());
        // Largest first, each to the lighter of the threads' lists.
        const int threads = std::max(1, parallelThreads());
        std::vector<std::size_t> order(m_tensors.size());
        for (std::size_t i = 0; i < order.size(); ++i)
            order[i] = i;
        std::sort(order.begin(), order.end(), [this](std::size_t a, std::size_t b) {
            return m_tensors[a].count > m_tensors[b].count;
        });
        std::vector<std::vector<std::size_t>> work(static_cast<std::size_t>(threads));
        std::vector<std::int64_t> load(static_cast<std::size_t>(threads), 0);
        for (const std::size_t i : order) {
            const auto k =
                static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
            work[k].push_back(i);
            load[k] += m_tensors[i].count;
        }
        // Only large traces go to the pool: for the statistical example (0.8 M values, under a
        // millisecond) a helper thread that is slow to wake on a busy machine costs more than the
        // split saves.
        constexpr std::int64_t kParallelValues = std::int64_t(1) << 22;
        std::int64_t total = 0;
        for (const std::int64_t l : load)
            total += l;
        const std::int64_t jobs = total >= kParallelValues ? threads : 1;
        if (jobs == 1) {
            for (auto& w : work)
                for (const std::size_t i : w)
                    summarizeOne(i, bins);
            return;
        }
        parallelFor(jobs, 1, [&](std::int64_t begin, std::int64_t end) {
            for (std::int64_t k = begin; k < end; ++k)
                for (const std::size_t i : work[static_cast<std::size_t>(k)])
                    summarizeOne(i, bins);
        });
    }

    const TensorSummary& operator[](std::size_t i) const { return m_summaries[i]; }

  private:
    void summarizeOne(std::size_t i, int bins) {
        m_summaries[i] = summarize(m_tensors[i].data, m_tensors[i].count, bins);
    }

    struct Tensor {
        const float* data;
        std::int64_t count;
    };
    std::vector<Tensor> m_tensors;
    std::vector<TensorSummary> m_summaries;
};

}  // namespace

ModuleTrace traceModules(const Network& net, const Dataset& data, const TraceConfig& cfg,
                         const std::string& source) {
    checkBins(cfg.bins);
    if (!std::isfinite(cfg.lossScale)) throw InputError("the loss scale must be a finite number");
    ModuleTrace t;
    if (cfg.loss) {
        std::optional<Dataset> zeros;
        if (data.targets() == 0 && !data.hasLabels()) zeros = withZeroTargets(net, data, *cfg.loss);
        const Dataset& used = zeros ? *zeros : data;
        checkData(net, used, *cfg.loss, source);
        t.forward = forward(net, data.x);
        t.gradients = backward(net, t.forward, used, *cfg.loss, cfg.lossScale);
    } else {
        // The inputs' checks of checkData (rows, width, finite values); no target matters here.
        Dataset inputs;
        inputs.x = data.x;
        inputs.y = Matrix::Zero(data.size(), net.outputs());
        checkData(net, inputs, LossConfig{}, source);
        t.forward = forward(net, data.x);
    }
    t.net = net;
    t.modules = splitModules(net);

    struct Slots {
        std::size_t in, out;
        std::optional<std::size_t> grad, weight, bias, weightGrad, biasGrad;
    };
    SummaryTable table;
    std::vector<Slots> slots;
    slots.reserve(t.modules.size());
    for (int m = 0; m < t.size(); ++m) {
        Slots s{table.add(t.input(m)), table.add(t.output(m)), {}, {}, {}, {}, {}};
        if (const Matrix* g = t.grad(m)) s.grad = table.add(*g);
        if (const Matrix* w = t.weight(m)) s.weight = table.add(*w);
        if (const Vector* b = t.bias(m)) s.bias = table.add(*b);
        if (const Matrix* w = t.weightGrad(m)) s.weightGrad = table.add(*w);
        if (const Vector* b = t.biasGrad(m)) s.biasGrad = table.add(*b);
        slots.push_back(s);
    }
    table.compute(cfg.bins);
    auto summary = [&table](const std::optional<std::size_t>& slot) {
        return slot ? std::optional<TensorSummary>(table[*slot]) : std::nullopt;
    };
    for (const Slots& s : slots) {
        t.summaries.push_back({table[s.in], table[s.out], summary(s.grad), summary(s.weight),
                               summary(s.bias), summary(s.weightGrad), summary(s.biasGrad)});
    }
    return t;
}

}  // namespace nnlens
