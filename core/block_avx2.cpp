// block.hpp's functions built with AVX2 and FMA (CMake adds -mavx2 -mfma to this file only);
// block.cpp calls them only where the processor has both.
#define NNLENS_BLOCK_ISA avx2
#include "block_kernels.inl"
