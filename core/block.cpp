// Run-time choice between the baseline and the AVX2 build of the block functions: a release binary
// runs on any x86-64 machine and uses AVX2 and FMA where the processor has them.
#include "block.hpp"

#include <cstdlib>
#include <cstring>

namespace nnlens::block {

#define NNLENS_BLOCK_DECLARE(ns)                                                                  \
    namespace ns {                                                                                \
    void linearForward(const float*, Index, int, const float*, const float*, int, float*, Index,  \
                       Index, int, int);                                                          \
    void activationForward(Activation, const float*, Index, float*, Index, Index, int, int, int); \
    void activationBackward(Activation, const float*, const float*, const float*, float*, Index,  \
                            Index, int);                                                          \
    void linearBackward(const float*, Index, int, const float*, Index, Index, int, const float*,  \
                        float*, float*, float*, Index);                                           \
    bool optimizerStep(const OptimizerConfig&, const OptimizerStepScalars&, const float*,         \
                       const float*, float*, float*, float*, std::size_t);                        \
    void countBins(const HistogramEdges&, const float*, std::int64_t, std::int64_t*);             \
    Range finiteRange(const float*, Index);                                                       \
    }

NNLENS_BLOCK_DECLARE(generic)
#if defined(NNLENS_HAVE_AVX2_BLOCK)
NNLENS_BLOCK_DECLARE(avx2)
#endif

namespace {

struct Kernels {
    decltype(&generic::linearForward) linearForward;
    decltype(&generic::activationForward) activationForward;
    decltype(&generic::activationBackward) activationBackward;
    decltype(&generic::linearBackward) linearBackward;
    decltype(&generic::optimizerStep) optimizerStep;
    decltype(&generic::countBins) countBins;
    decltype(&generic::finiteRange) finiteRange;
    const char* name;
};

Kernels choose() {
#if defined(NNLENS_HAVE_AVX2_BLOCK)
    // NNLENS_ISA=sse2 keeps the baseline build on an AVX2 machine (the tests run both).
    const char* wanted = std::getenv("NNLENS_ISA");
    const bool baseline = wanted != nullptr && std::strcmp(wanted, "sse2") == 0;
    __builtin_cpu_init();
    if (!baseline && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        return {avx2::linearForward,      avx2::activationForward,
                avx2::activationBackward, avx2::linearBackward,
                avx2::optimizerStep,      avx2::countBins,
                avx2::finiteRange,        "avx2"};
    }
#endif
    return {generic::linearForward,      generic::activationForward,
            generic::activationBackward, generic::linearBackward,
            generic::optimizerStep,      generic::countBins,
            generic::finiteRange,        "sse2"};
}

const Kernels& kernels() {
    static const Kernels k = choose();
    return k;
}

}  // namespace

void linearForward(const float* X, Index ldX, int nIn, const float* W, const float* b, int nOut,
                   float* S, Index ldS, Index rows, int j0, int j1) {
    kernels().linearForward(X, ldX, nIn, W, b, nOut, S, ldS, rows, j0, j1);
}

void activationForward(Activation a, const float* S, Index ldS, float* O, Index ldO, Index rows,
                       int j0, int j1, int nOut) {
    kernels().activationForward(a, S, ldS, O, ldO, rows, j0, j1, nOut);
}

void activationBackward(Activation a, const float* S, const float* O, const float* dOut, float* dS,
                        Index ld, Index rows, int nOut) {
    kernels().activationBackward(a, S, O, dOut, dS, ld, rows, nOut);
}

void linearBackward(const float* X, Index ldX, int nIn, const float* dS, Index ldS, Index rows,
                    int nOut, const float* W, float* dW, float* db, float* dX, Index ldDX) {
    kernels().linearBackward(X, ldX, nIn, dS, ldS, rows, nOut, W, dW, db, dX, ldDX);
}

bool optimizerStep(const OptimizerConfig& cfg, const OptimizerStepScalars& k, const float* p,
                   const float* g, float* m, float* v, float* out, std::size_t n) {
    return kernels().optimizerStep(cfg, k, p, g, m, v, out, n);
}

void countBins(const HistogramEdges& b, const float* values, std::int64_t count,
               std::int64_t* counts) {
    kernels().countBins(b, values, count, counts);
}

Range finiteRange(const float* v, Index n) {
    return kernels().finiteRange(v, n);
}

const char* instructionSet() {
    return kernels().name;
}

}  // namespace nnlens::block
