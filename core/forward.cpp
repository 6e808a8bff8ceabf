// Forward pass over a batch: every layer through block.hpp's one forward, in chunks of rows.
#include "forward.hpp"

#include <algorithm>
#include <string>

#include "block.hpp"
#include "error.hpp"
#include "parallel.hpp"

namespace nnlens {

Trace forward(const Network& net, const Matrix& x) {
    if (x.cols() != net.inputs) {
        throw InputError("input has " + std::to_string(x.cols()) +
                         " columns but the network takes " + std::to_string(net.inputs) +
                         " inputs");
    }
    Trace trace;
    trace.input = featureMatrix(net.features, x);
    trace.layers.resize(net.layers.size());
    const Eigen::Index n = x.rows();
    for (std::size_t l = 0; l < net.layers.size(); ++l) {
        trace.layers[l].s.resize(n, net.layers[l].outputs());
        trace.layers[l].out.resize(n, net.layers[l].outputs());
    }
    constexpr std::int64_t kChunk = 2048;  // rows taken through every layer while in cache
    parallelFor(n, kChunk, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t r0 = begin; r0 < end; r0 += kChunk) {
            const Eigen::Index rows = std::min<std::int64_t>(kChunk, end - r0);
            const Matrix* in = &trace.input;
            for (std::size_t l = 0; l < net.layers.size(); ++l) {
                const Layer& L = net.layers[l];
                LayerTrace& t = trace.layers[l];
                const int k = L.outputs();
                // S = X W + b;  Out = phi(S)
                block::linearForward(in->data() + r0, n, L.inputs(), L.W.data(), L.b.data(), k,
                                     t.s.data() + r0, n, rows, 0, k);
                block::activationForward(L.activation, t.s.data() + r0, n, t.out.data() + r0, n,
                                         rows, 0, k, k);
                in = &t.out;
            }
        }
    });
    return trace;
}

}  // namespace nnlens
