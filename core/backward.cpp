// Backward pass: the chain rule of the seed's "Data Flow Perspective", layer by layer from the
// loss.
#include "backward.hpp"

#include <cmath>
#include <string>

#include "block.hpp"
#include "error.hpp"

namespace nnlens {

namespace {

std::string plural(Eigen::Index n, const char* word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

void checkData(const Network& net, const Dataset& data, LossConfig cfg, const std::string& source) {
    const std::string where = source.empty() ? std::string("data") : source;
    if (data.size() == 0) throw InputError(where + ": no data rows");
    if (data.inputs() != net.inputs) {
        throw InputError(where + ": has " + plural(data.inputs(), "input column") +
                         " (x1..) but the network takes " + plural(net.inputs, "input"));
    }
    if (!data.x.allFinite()) throw InputError(where + ": an input is not a finite number");
    const int outputs = net.outputs();
    if (cfg.loss == Loss::Ce) {
        if (!data.hasLabels()) {
            throw InputError(where + ": loss ce needs a \"label\" column (class 0.." +
                             std::to_string(outputs - 1) + ")");
        }
        for (std::size_t i = 0; i < data.labels.size(); ++i) {
            const int label = data.labels[i];
            if (label < 0 || label >= outputs) {
                // Data row i is line i + 2 of a CSV (the header is line 1; rows follow it).
                throw InputError(
                    where + ": line " + std::to_string(i + 2) + ", column label: label " +
                    std::to_string(label) + " is out of range for a network with " +
                    plural(outputs, "output") + " (0.." + std::to_string(outputs - 1) + ")");
            }
        }
        return;
    }
    if (data.targets() == 0) {
        throw InputError(where + ": loss " + std::string(lossName(cfg.loss)) +
                         " needs target columns y1..y" + std::to_string(outputs));
    }
    if (data.targets() != outputs) {
        throw InputError(where + ": has " + plural(data.targets(), "target column") +
                         " (y1..) but the network has " + plural(outputs, "output"));
    }
    if (!data.y.allFinite()) throw InputError(where + ": a target is not a finite number");
    if (cfg.loss == Loss::Chi2) {
        if (!data.hasSigma()) {
            throw InputError(where +
                             ": loss chi2 needs the target uncertainty (column \"sigma\" "
                             "or sigma1..sigmaK)");
        }
        if (!((data.sigma.array() > 0.0f).all() && data.sigma.allFinite())) {
            throw InputError(where + ": every sigma must be a finite number > 0");
        }
    }
    if (cfg.loss == Loss::Bce) {
        for (Eigen::Index i = 0; i < data.y.rows(); ++i) {
            for (Eigen::Index j = 0; j < data.y.cols(); ++j) {
                const float y = data.y(i, j);
                if (!(y >= 0.0f && y <= 1.0f)) {
                    throw InputError(where + ": line " + std::to_string(i + 2) + ", column y" +
                                     std::to_string(j + 1) + ": loss bce needs targets in [0, 1]");
                }
            }
        }
    }
}

bool fusedSoftmaxLoss(LossConfig cfg, bool outIsSoftmax) {
    return outIsSoftmax && cfg.loss == Loss::Ce;
}

float evaluateLoss(LossConfig cfg, const Eigen::Ref<const Matrix>& out, const Dataset& data,
                   bool outIsSoftmax, Matrix* dout, const Matrix* logits, Matrix* ds) {
    const Eigen::Index n = out.rows();
    const Eigen::Index k = out.cols();
    if (dout) dout->resize(n, k);
    const bool fused = fusedSoftmaxLoss(cfg, outIsSoftmax) && logits;
    if (ds && fused) ds->resize(n, k);
    double total = 0.0;
    if (cfg.loss == Loss::Ce) {
        // The row functions walk a row with one stride for the output and its gradient, so a
        // block of a taller matrix (outerStride != rows) is first made compact.
        Matrix compact;
        const float* o = out.data();
        if (out.outerStride() != n) {
            compact = out;
            o = compact.data();
        }
        const int stride = static_cast<int>(n);
        for (Eigen::Index i = 0; i < n; ++i) {
            const int label = data.labels[static_cast<std::size_t>(i)];
            float* dOutRow = dout ? dout->data() + i : nullptr;
            if (fused) {
                total += hd::softmaxCrossEntropyRow(logits->data() + i, o + i, static_cast<int>(k),
                                                    stride, label, ds ? ds->data() + i : nullptr,
                                                    dOutRow);
            } else {
                total += hd::crossEntropyRow(o + i, static_cast<int>(k), stride, label,
                                             outIsSoftmax, dOutRow);
            }
        }
    } else {
        const bool chi2 = cfg.loss == Loss::Chi2;
        for (Eigen::Index j = 0; j < k; ++j) {
            for (Eigen::Index i = 0; i < n; ++i) {
                const float sigma = chi2 ? data.sigma(i, j) : 1.0f;
                total += hd::lossTerm(cfg.loss, out(i, j), data.y(i, j), sigma);
                if (dout) {
                    (*dout)(i, j) = hd::lossTermGradient(cfg.loss, out(i, j), data.y(i, j), sigma);
                }
            }
        }
    }
    const double divisor = hd::lossDivisor(cfg, static_cast<double>(n), static_cast<double>(k));
    total /= divisor;
    if (dout && divisor != 1.0) *dout *= static_cast<float>(1.0 / divisor);
    if (ds && fused && divisor != 1.0) *ds *= static_cast<float>(1.0 / divisor);
    return static_cast<float>(total);
}

Gradients backward(const Network& net, const Trace& trace, const Dataset& data, LossConfig cfg,
                   float lossScale) {
    Gradients g;
    const std::size_t depth = net.layers.size();
    g.layers.resize(depth);
    if (depth == 0) return g;
    const bool softmaxOut = net.layers.back().activation == Activation::Softmax;
    // ce after softmax: dL/ds of the last layer straight from the logits (no softmax backward).
    const bool fused = fusedSoftmaxLoss(cfg, softmaxOut);
    g.loss = evaluateLoss(cfg, trace.output(), data, softmaxOut, &g.layers.back().dOut,
                          &trace.layers.back().s, fused ? &g.layers.back().dS : nullptr);
    if (lossScale != 1.0f) {
        g.loss *= lossScale;
        g.layers.back().dOut *= lossScale;
        if (fused) g.layers.back().dS *= lossScale;
    }
    const Eigen::Index n = trace.input.rows();
    for (std::size_t l = depth; l-- > 0;) {
        const Layer& layer = net.layers[l];
        const LayerTrace& t = trace.layers[l];
        LayerGradients& lg = g.layers[l];
        const Matrix& in = l == 0 ? trace.input : trace.layers[l - 1].out;
        const int k = layer.outputs();
        lg.dW.resize(layer.inputs(), k);
        lg.db.resize(k);
        // dS = dOut .* phi'(S);  dW = X^T dS;  db = sum over samples of dS;  dX = dS W^T
        if (!(fused && l + 1 == depth)) {
            lg.dS.resize(n, k);
            block::activationBackward(layer.activation, t.s.data(), t.out.data(), lg.dOut.data(),
                                      lg.dS.data(), n, n, k);
        }
        Matrix* dX = nullptr;
        if (l > 0) {
            dX = &g.layers[l - 1].dOut;
            dX->resize(n, layer.inputs());
        }
        block::linearBackward(in.data(), n, layer.inputs(), lg.dS.data(), n, n, k, layer.W.data(),
                              lg.dW.data(), lg.db.data(), dX ? dX->data() : nullptr, n);
    }
    return g;
}

}  // namespace nnlens
