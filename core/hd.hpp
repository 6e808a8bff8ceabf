// NNLENS_HD: marks a function that both the host compiler and nvcc compile (one formula, two
// targets).
#pragma once

#if defined(__CUDACC__)
#define NNLENS_HD __host__ __device__ inline
#else
#define NNLENS_HD inline
#endif
