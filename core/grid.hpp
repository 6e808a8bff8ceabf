// Grid maps: every node's s and out over an n x n grid of the input plane, histograms, arrows,
// colour limit.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "network.hpp"
#include "types.hpp"

namespace nnlens {

// numpy.histogram of one node's s over [min, max] in equal bins (edges in double precision,
// last bin closed; min == max gives [min - 0.5, min + 0.5]).
struct Histogram {
    double min = 0.0;
    double max = 0.0;
    std::vector<std::int64_t> counts;
};

// The arrow drawn on a first-layer map: w from origin -b w / |w|^2, where s = 0.
struct Arrow {
    float origin[2];
    float w[2];
};

// Grid points in the seed's ordering (spec section 5): row k = r * n + c is (x_i[c], x_i[r]),
// x_i = linspace(-range, range, n). Shape (n*n, 2).
Matrix gridPoints(int n, double range);
// numpy.linspace(lo, hi, n) in double.
std::vector<double> linspace(double lo, double hi, int n);

// numpy.histogram's edges over [lo, hi] (widened to [lo - 0.5, hi + 0.5] when lo == hi), in the
// form hd::histogramBin() uses.
struct HistogramEdges {
    double first = 0.0;  // the first edge
    double last = 0.0;   // the last edge
    int bins = 1;
    std::vector<float> thresholds;  // bins + 1: the smallest float >= each edge
    float lastFloor = 0.0f;         // the largest float <= last: x <= lastFloor iff x <= last
    float scale = 0.0f;             // bins / (last - first), for the first guess
};
HistogramEdges histogramEdges(double lo, double hi, int bins);
// The edges for `count` values whose finite ones span [lo, hi] (lo > hi: none is finite), by one
// rule wherever a histogram is counted (maps on the CPU and the GPU, histogram(), the trace's
// summaries): numpy.histogram's [0, 1] for no values at all, the finite range as numpy takes it,
// and [-0.5, 0.5] (the range of a constant 0) when no value is finite, where numpy refuses.
HistogramEdges histogramEdgesOf(float lo, float hi, std::int64_t count, int bins);

Histogram histogram(const float* values, std::int64_t count, int bins);
// Null when w = 0.
std::optional<Arrow> weightArrow(float w0, float w1, float b);

// Every node of every layer over the grid. Column j of s(l) / out(l) is node j's flat map.
struct GridMaps {
    GridConfig config;
    std::vector<Matrix> s;                     // per layer: (n*n, n_out)
    std::vector<Matrix> out;                   // per layer: (n*n, n_out)
    std::vector<std::vector<Histogram>> hist;  // per layer, per node
    std::vector<std::optional<Arrow>> arrows;  // first layer, per node
    float colourLimit = 0.0f;                  // largest |out| over the whole network

    int layers() const { return static_cast<int>(s.size()); }
};

// Computes and keeps the maps of one network, recomputing only what an edit touches. The
// network must have 2 inputs (InputError otherwise).
class GridEvaluator {
  public:
    virtual ~GridEvaluator() = default;

    // Recomputes everything.
    virtual void compute(const Network& net, const GridConfig& cfg) = 0;
    // After an edit of layer `layer` (0-based): when `node` >= 0 only that node of `layer`
    // changed (a weight into it or its bias), else the whole layer; every later layer is
    // recomputed. Falls back to compute() when the shape or config changed.
    virtual void update(const Network& net, int layer, int node = -1) = 0;

    virtual const GridMaps& maps() const = 0;
};

// Throws InputError unless `net` has 2 inputs and `cfg` is in range (n kMinGrid..kMaxGrid,
// range > 0, bins 1..kMaxBins). Every GridEvaluator calls it first.
void checkGrid(const Network& net, const GridConfig& cfg);

// The reference implementation (CpuBackend::gridEvaluator()).
std::unique_ptr<GridEvaluator> makeCpuGridEvaluator();

}  // namespace nnlens
