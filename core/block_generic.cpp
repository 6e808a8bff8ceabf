// block.hpp's functions for any x86-64 (or other) processor: the baseline instruction set.
#define NNLENS_BLOCK_ISA generic
#include "block_kernels.inl"
