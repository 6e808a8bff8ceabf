// Grid maps on the CPU: the whole grid goes through each layer as one batch, split over the cores.
#include "grid.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <memory>
#include <mutex>
#include <string>

#include "backend.hpp"
#include "binning.hpp"
#include "block.hpp"
#include "error.hpp"
#include "forward.hpp"
#include "parallel.hpp"

namespace nnlens {

std::vector<double> linspace(double lo, double hi, int n) {
    // numpy: y = arange(n) * step + lo, with the last point set to hi exactly.
    std::vector<double> x(static_cast<std::size_t>(std::max(n, 0)));
    if (n == 1) {
        x[0] = lo;
        return x;
    }
    const double step = (hi - lo) / (n - 1);
    for (int i = 0; i < n; ++i)
        x[static_cast<std::size_t>(i)] = i * step + lo;
    if (n > 1) x.back() = hi;
    return x;
}

Matrix gridPoints(int n, double range) {
    const std::vector<double> xi = linspace(-range, range, n);
    Matrix X(static_cast<Eigen::Index>(n) * n, 2);
    for (int r = 0; r < n; ++r) {
        for (int c = 0; c < n; ++c) {
            const Eigen::Index k = static_cast<Eigen::Index>(r) * n + c;
            X(k, 0) = static_cast<float>(xi[static_cast<std::size_t>(c)]);
            X(k, 1) = static_cast<float>(xi[static_cast<std::size_t>(r)]);
        }
    }
    return X;
}

std::optional<Arrow> weightArrow(float w0, float w1, float b) {
    const float norm2 = w0 * w0 + w1 * w1;
    if (!(norm2 > 0.0f) || !std::isfinite(norm2)) return std::nullopt;
    // origin = -b w / |w|^2: the foot of the perpendicular from 0 to the line s = 0.
    return Arrow{{-b * w0 / norm2, -b * w1 / norm2}, {w0, w1}};
}

HistogramEdges histogramEdges(double lo, double hi, int bins) {
    HistogramEdges b;
    const bool constant = lo == hi;
    const double value = lo;
    if (constant) {
        lo -= 0.5;
        hi += 0.5;
    }
    b.first = lo;
    b.last = hi;
    b.bins = bins;
    const std::vector<double> edges = linspace(lo, hi, bins + 1);
    b.thresholds.resize(edges.size());
    for (std::size_t i = 0; i < edges.size(); ++i) {
        float f = static_cast<float>(edges[i]);
        if (static_cast<double>(f) < edges[i])
            f = std::nextafter(f, std::numeric_limits<float>::infinity());
        while (static_cast<double>(std::nextafter(f, -std::numeric_limits<float>::infinity())) >=
               edges[i]) {
            f = std::nextafter(f, -std::numeric_limits<float>::infinity());
        }
        b.thresholds[i] = f;
    }
    b.lastFloor = static_cast<float>(hi);
    if (static_cast<double>(b.lastFloor) > hi) {
        b.lastFloor = std::nextafter(b.lastFloor, -std::numeric_limits<float>::infinity());
    }
    b.scale = static_cast<float>(bins / (hi - lo));
    if (constant) {
        // Every finite value equals v, which sits in the middle of [v - 0.5, v + 0.5]: bin
        // bins / 2 in exact arithmetic. For a large |v| those edges round onto v in double (or
        // even in float), so the thresholds are set to put v there directly.
        const float v = static_cast<float>(value);  // the data's min and max, a float
        const float above = std::nextafter(v, std::numeric_limits<float>::infinity());
        for (int i = 0; i <= bins; ++i)
            b.thresholds[static_cast<std::size_t>(i)] = i <= bins / 2 ? v : above;
        b.lastFloor = std::max(b.lastFloor, v);
    }
    // A range that collapsed to one point (|v| near 1e17) has no finite scale; the guess then
    // starts at bin 0 and hd::histogramBin() walks to the right bin.
    if (!std::isfinite(b.scale)) b.scale = 0.0f;
    return b;
}

namespace {

void checkBins(int bins) {
    if (bins < 1 || bins > kMaxBins) {
        throw InputError("bins must be from 1 to " + std::to_string(kMaxBins));
    }
}

}  // namespace

void checkGrid(const Network& net, const GridConfig& cfg) {
    if (net.inputs != 2) {
        throw InputError("grid maps need a network with 2 inputs; this one has " +
                         std::to_string(net.inputs));
    }
    if (cfg.n < kMinGrid || cfg.n > kMaxGrid) {
        throw InputError("grid size n must be from " + std::to_string(kMinGrid) + " to " +
                         std::to_string(kMaxGrid));
    }
    if (!(cfg.range > 0.0) || !std::isfinite(cfg.range)) {
        throw InputError("grid range must be a finite number > 0");
    }
    checkBins(cfg.bins);
}

HistogramEdges histogramEdgesOf(float lo, float hi, std::int64_t count, int bins) {
    if (count == 0) return histogramEdges(0.0, 1.0, bins);  // numpy: "use 0-1"
    if (lo > hi) return histogramEdges(0.0, 0.0, bins);     // no finite value
    return histogramEdges(lo, hi, bins);
}

Histogram histogram(const float* values, std::int64_t count, int bins) {
    checkBins(bins);
    Histogram h;
    h.counts.assign(static_cast<std::size_t>(bins), 0);
    const auto [lo, hi] = count > 0 ? block::finiteRange(values, count) : block::Range{1.0f, 0.0f};
    const HistogramEdges b = histogramEdgesOf(lo, hi, count, bins);
    h.min = b.first;
    h.max = b.last;
    if (count > 0) block::countBins(b, values, count, h.counts.data());
    return h;
}

namespace {

constexpr std::int64_t kRowChunk = 4096;  // rows pushed through all layers while in cache
class CpuGridEvaluator final : public GridEvaluator {
  public:
    void compute(const Network& net, const GridConfig& cfg) override;
    void update(const Network& net, int layer, int node) override;
    const GridMaps& maps() const override { return m_maps; }

  private:
    bool sameShape(const Network& net) const;
    void allocate(const Network& net);
    // Recomputes s and out of layers [fromLayer, end) over the whole grid; in layer fromLayer only
    // node `node` when node >= 0.
    void propagate(const Network& net, int fromLayer, int node);
    void finish(const Network& net, int fromLayer, int node);

    GridMaps m_maps;
    Matrix m_points;                  // (n*n, 2)
    Matrix m_input;                   // (n*n, F): the points through the network's input features
    std::vector<Feature> m_features;  // the features m_input was made with
    std::vector<int> m_shape;
    // Per layer, per node: the finite range of s (the histogram's edges) and the largest finite
    // |out| (the colour limit), gathered while the rows are still in cache.
    struct NodeRange {
        float sLo = std::numeric_limits<float>::infinity();
        float sHi = -std::numeric_limits<float>::infinity();
        float outAbs = 0.0f;
        void merge(const NodeRange& o) {
            sLo = std::min(sLo, o.sLo);
            sHi = std::max(sHi, o.sHi);
            outAbs = std::max(outAbs, o.outAbs);
        }
    };
    std::vector<std::vector<NodeRange>> m_ranges;
    std::mutex m_rangeMutex;
};

bool CpuGridEvaluator::sameShape(const Network& net) const {
    if (m_shape.size() != net.layers.size() + 1) return false;
    if (m_shape[0] != net.inputs || m_features != net.features) return false;
    for (std::size_t l = 0; l < net.layers.size(); ++l) {
        if (m_shape[l + 1] != net.layers[l].outputs()) return false;
    }
    return true;
}

void CpuGridEvaluator::allocate(const Network& net) {
    const Eigen::Index N = static_cast<Eigen::Index>(m_maps.config.n) * m_maps.config.n;
    const std::size_t depth = net.layers.size();
    m_maps.s.resize(depth);
    m_maps.out.resize(depth);
    m_maps.hist.resize(depth);
    m_ranges.resize(depth);
    m_shape.assign(1, net.inputs);
    for (std::size_t l = 0; l < depth; ++l) {
        const int k = net.layers[l].outputs();
        m_maps.s[l].resize(N, k);
        m_maps.out[l].resize(N, k);
        m_maps.hist[l].assign(static_cast<std::size_t>(k), Histogram{});
        m_ranges[l].assign(static_cast<std::size_t>(k), NodeRange{});
        m_shape.push_back(k);
    }
}

void CpuGridEvaluator::compute(const Network& net, const GridConfig& cfg) {
    checkGrid(net, cfg);
    if (m_points.rows() == 0 || cfg.n != m_maps.config.n || cfg.range != m_maps.config.range) {
        m_points = gridPoints(cfg.n, cfg.range);
        m_input.resize(0, 0);
    }
    if (m_input.rows() == 0 || m_features != net.features) {
        m_input = net.features.empty() ? Matrix() : featureMatrix(net.features, m_points);
        m_features = net.features;
    }
    m_maps.config = cfg;
    allocate(net);
    propagate(net, 0, -1);
    finish(net, 0, -1);
}

void CpuGridEvaluator::update(const Network& net, int layer, int node) {
    if (!sameShape(net) || m_points.rows() == 0) {
        compute(net, m_maps.config);
        return;
    }
    if (layer < 0 || layer >= static_cast<int>(net.layers.size())) return;
    if (node >= net.layers[static_cast<std::size_t>(layer)].outputs()) node = -1;
    propagate(net, layer, node);
    finish(net, layer, node);
}

void CpuGridEvaluator::propagate(const Network& net, int fromLayer, int node) {
    const Eigen::Index N = m_points.rows();
    const int depth = static_cast<int>(net.layers.size());
    const auto columns = [&](int l) {  // the nodes of layer l that this pass recomputes
        const Layer& L = net.layers[static_cast<std::size_t>(l)];
        const bool single = l == fromLayer && node >= 0 && L.activation != Activation::Softmax;
        return single ? std::pair{node, node + 1} : std::pair{0, L.outputs()};
    };
    for (int l = fromLayer; l < depth; ++l) {
        const auto [j0, j1] = columns(l);
        for (int j = j0; j < j1; ++j)
            m_ranges[static_cast<std::size_t>(l)][static_cast<std::size_t>(j)] = NodeRange{};
    }
    parallelFor(N, kRowChunk, [&](std::int64_t begin, std::int64_t end) {
        std::vector<std::vector<NodeRange>> local(m_ranges.size());
        for (int l = fromLayer; l < depth; ++l)
            local[static_cast<std::size_t>(l)].resize(m_ranges[static_cast<std::size_t>(l)].size());
        for (std::int64_t r0 = begin; r0 < end; r0 += kRowChunk) {
            const Eigen::Index rows = std::min<std::int64_t>(kRowChunk, end - r0);
            for (int l = fromLayer; l < depth; ++l) {
                const Layer& L = net.layers[static_cast<std::size_t>(l)];
                const auto li = static_cast<std::size_t>(l);
                const Matrix& X =
                    l == 0 ? (m_features.empty() ? m_points : m_input) : m_maps.out[li - 1];
                Matrix& Sfull = m_maps.s[li];
                const auto S = Sfull.middleRows(r0, rows);
                const auto O = m_maps.out[li].middleRows(r0, rows);
                const auto [j0, j1] = columns(l);
                // S = X W + b for the recomputed nodes; Out = phi(S) (softmax: whole rows).
                // block::linearForward sums each node in the same order whatever nodes are
                // asked for, so an update repeats compute()'s arithmetic bit for bit.
                block::linearForward(X.data() + r0, X.rows(), L.inputs(), L.W.data(), L.b.data(),
                                     L.outputs(), Sfull.data() + r0, Sfull.rows(), rows, j0, j1);
                block::activationForward(L.activation, Sfull.data() + r0, Sfull.rows(),
                                         m_maps.out[li].data() + r0, m_maps.out[li].rows(), rows,
                                         j0, j1, L.outputs());
                // The ranges, while the rows are in cache.
                for (int j = j0; j < j1; ++j) {
                    const auto [lo, hi] = block::finiteRange(S.col(j).data(), rows);
                    const auto [olo, ohi] = block::finiteRange(O.col(j).data(), rows);
                    const float outAbs = olo <= ohi ? std::max(std::abs(olo), std::abs(ohi)) : 0.0f;
                    local[li][static_cast<std::size_t>(j)].merge({lo, hi, outAbs});
                }
            }
        }
        const std::lock_guard lock(m_rangeMutex);
        for (int l = fromLayer; l < depth; ++l) {
            const auto [j0, j1] = columns(l);
            for (int j = j0; j < j1; ++j) {
                m_ranges[static_cast<std::size_t>(l)][static_cast<std::size_t>(j)].merge(
                    local[static_cast<std::size_t>(l)][static_cast<std::size_t>(j)]);
            }
        }
    });
}

void CpuGridEvaluator::finish(const Network& net, int fromLayer, int node) {
    const int depth = static_cast<int>(net.layers.size());
    const Eigen::Index N = m_points.rows();
    const int bins = m_maps.config.bins;
    // The maps whose values changed: (layer, node) pairs.
    std::vector<std::pair<int, int>> dirty;
    for (int l = fromLayer; l < depth; ++l) {
        const Layer& L = net.layers[static_cast<std::size_t>(l)];
        const bool single = l == fromLayer && node >= 0 && L.activation != Activation::Softmax;
        for (int j = 0; j < L.outputs(); ++j) {
            if (!single || j == node) dirty.emplace_back(l, j);
        }
    }
    // Ranges of s and |out| per dirty map, then the histograms, both split over the cores by map.
    parallelFor(static_cast<std::int64_t>(dirty.size()), 1, [&](std::int64_t b, std::int64_t e) {
        for (std::int64_t d = b; d < e; ++d) {
            const auto [l, j] = dirty[static_cast<std::size_t>(d)];
            const auto s = m_maps.s[static_cast<std::size_t>(l)].col(j);
            Histogram& h = m_maps.hist[static_cast<std::size_t>(l)][static_cast<std::size_t>(j)];
            const NodeRange& r = m_ranges[static_cast<std::size_t>(l)][static_cast<std::size_t>(j)];
            const HistogramEdges binning = histogramEdgesOf(r.sLo, r.sHi, N, bins);
            h.min = binning.first;
            h.max = binning.last;
            h.counts.assign(static_cast<std::size_t>(bins), 0);
            block::countBins(binning, s.data(), N, h.counts.data());
        }
    });
    float limit = 0.0f;
    for (const auto& layer : m_ranges) {
        for (const NodeRange& r : layer)
            limit = std::max(limit, r.outAbs);
    }
    m_maps.colourLimit = limit;
    if (fromLayer == 0) {
        const Layer& first = net.layers.front();
        m_maps.arrows.resize(static_cast<std::size_t>(first.outputs()));
        for (int j = 0; j < first.outputs(); ++j) {
            // An arrow only where the first layer sees the plane itself (spec section 10).
            m_maps.arrows[static_cast<std::size_t>(j)] =
                net.plainInputs() ? weightArrow(first.W(0, j), first.W(1, j), first.b(j))
                                  : std::nullopt;
        }
    }
}

}  // namespace

std::unique_ptr<GridEvaluator> makeCpuGridEvaluator() {
    return std::make_unique<CpuGridEvaluator>();
}

}  // namespace nnlens
