// The engine's hot loops. The one forward and backward pass of a layer over a block of rows:
// forward(), backward(), the CPU training session and the grid maps all run their layers through
// these four functions; and the optimizer step. Each exists in a baseline and an AVX2 build, one
// chosen at run time (block.cpp).
// Blocks are column-major with a leading dimension: element (r, j) of a block sits at
// data[j * ld + r], so a tall matrix, a chunk of its rows and a map column are all blocks.
#pragma once

#include <cstdint>

#include <Eigen/Core>

#include "activation.hpp"
#include "optimizer.hpp"

namespace nnlens {
struct HistogramEdges;
}

namespace nnlens::block {

using Index = Eigen::Index;

// S[r, j] = b[j] + sum_k X[r, k] W[k, j]  (S = X W + b) for rows [0, rows) and nodes [j0, j1).
// X (rows, nIn) at ldX, W (nIn, nOut) column-major (leading dimension nIn), b (nOut), S at ldS.
// Each element is summed in the same order whichever nodes are asked for, so recomputing one
// node gives bit for bit what recomputing the layer gives. Layers wider than the blocked loop's
// registers (more than 32 inputs) use Eigen's product for every node, whatever [j0, j1) says.
void linearForward(const float* X, Index ldX, int nIn, const float* W, const float* b, int nOut,
                   float* S, Index ldS, Index rows, int j0, int j1);

// Out = phi(S) for rows [0, rows) and nodes [j0, j1); softmax always fills whole rows (each
// output depends on every node). `O` may equal `S` when ldO == ldS.
void activationForward(Activation a, const float* S, Index ldS, float* O, Index ldO, Index rows,
                       int j0, int j1, int nOut);

// dS = dOut .* phi'(S) (softmax: the per-row Jacobian product p (dP - dP.p)), every block at
// `ld`. `dS` may equal `dOut`.
void activationBackward(Activation a, const float* S, const float* O, const float* dOut, float* dS,
                        Index ld, Index rows, int nOut);

// dW = X^T dS (nIn, nOut, leading dimension nIn), db = the column sums of dS (nOut), and when
// `dX` is not null dX = dS W^T (rows, nIn) at ldDX.
void linearBackward(const float* X, Index ldX, int nIn, const float* dS, Index ldS, Index rows,
                    int nOut, const float* W, float* dW, float* db, float* dX, Index ldDX);

// One optimizer step over n parameters (optimizer.hpp's NNLENS_HD update rules): out = the
// updated p (out may equal p), m and v the optimizer's state (unused ones may be null). Returns
// false when an updated parameter is not finite.
bool optimizerStep(const OptimizerConfig& cfg, const OptimizerStepScalars& k, const float* p,
                   const float* g, float* m, float* v, float* out, std::size_t n);

// Adds the numpy.histogram bin counts of values[0, count) to `counts` (bins of `b`). Values
// outside [first, last] (NaN included) are not counted; there are none when the range is the
// data's own min and max.
void countBins(const HistogramEdges& b, const float* values, std::int64_t count,
               std::int64_t* counts);

// The finite [lo, hi] of v[0, n) (lo > hi when no value is finite).
struct Range {
    float lo;
    float hi;
};
Range finiteRange(const float* v, Index n);

// The instruction set the functions above run with on this machine: "avx2" or "sse2".
const char* instructionSet();

}  // namespace nnlens::block
