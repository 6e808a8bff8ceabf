// Deterministic random numbers (SplitMix64): the same seed gives the same network and data on every
// platform.
#pragma once

#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

namespace nnlens {

class Random {
  public:
    explicit Random(std::uint64_t seed) : m_state(seed) {}

    std::uint64_t next() {
        std::uint64_t z = (m_state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    // Uniform in [0, 1) with 53 random bits.
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    // Standard normal (Box-Muller; the second value is discarded for simplicity).
    double normal() {
        double u1 = uniform();
        while (u1 <= 0.0)
            u1 = uniform();
        const double u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }
    // Uniform integer in [0, n) for n < 2^53.
    std::uint64_t below(std::uint64_t n) {
        const auto k = static_cast<std::uint64_t>(uniform() * static_cast<double>(n));
        return k < n ? k : n - 1;
    }
    // Fisher-Yates shuffle of 0..n-1.
    std::vector<int> permutation(int n) {
        std::vector<int> p(static_cast<std::size_t>(n));
        std::iota(p.begin(), p.end(), 0);
        for (int i = n - 1; i > 0; --i) {
            const auto j = static_cast<int>(below(static_cast<std::uint64_t>(i) + 1));
            std::swap(p[static_cast<std::size_t>(i)], p[static_cast<std::size_t>(j)]);
        }
        return p;
    }

  private:
    std::uint64_t m_state;
};

}  // namespace nnlens
