// parallelFor: splits a range over a small persistent pool of threads (one per core, the caller
// included).
#pragma once

#include <cstdint>
#include <functional>

namespace nnlens {

// Calls fn(begin, end) on disjoint chunks that cover [0, n), at most one chunk per thread, and
// returns when all are done. Ranges shorter than 2 * minChunk run on the calling thread, and so
// does a call made while another thread's region holds the pool (no thread waits for another's
// work). When a chunk throws, the first exception is rethrown to the caller after every chunk has
// ended; a call from inside a chunk runs on that chunk's thread.
void parallelFor(std::int64_t n, std::int64_t minChunk,
                 const std::function<void(std::int64_t, std::int64_t)>& fn);

// Number of threads parallelFor uses (>= 1).
int parallelThreads();

}  // namespace nnlens
