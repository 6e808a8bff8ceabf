// Forward pass over a batch, with each activation written once as an Eigen expression (MiniDNN
// style).
#include "forward.hpp"

#include <string>

#include "error.hpp"

namespace nnlens {

void applyActivation(Activation a, const Eigen::Ref<const Matrix>& s, Eigen::Ref<Matrix> out) {
    const auto S = s.array();
    auto O = out.array();
    switch (a) {
        case Activation::Linear:  // phi(s) = s
            O = S;
            return;
        case Activation::Relu:  // max(0, s)
            O = S.max(0.0f);
            return;
        case Activation::Elu:  // max(0, s) + min(0, expm1(s))
            O = (S > 0.0f).select(S, S.expm1());
            return;
        case Activation::Softplus:  // max(s, 0) + log1p(exp(-|s|)), exact branches beyond |s| > 30
            O = (S > 30.0f).select(
                S, (S < -30.0f).select(S.exp(), S.max(0.0f) + (-S.abs()).exp().log1p()));
            return;
        case Activation::Sigmoid:  // 1 / (1 + exp(-s))
            O = S.logistic();
            return;
        case Activation::Tanh:
            O = S.tanh();
            return;
        case Activation::Softsign:  // s / (|s| + 1)
            O = S / (S.abs() + 1.0f);
            return;
        case Activation::LeakyRelu:
            O = (S > 0.0f).select(S, kLeakyReluSlope * S);
            return;
        case Activation::Gelu:  // 0.5 s (1 + tanh(c (s + a s^3)))
            O = 0.5f * S * (1.0f + (hd::kGeluC * (S + hd::kGeluA * S.cube())).tanh());
            return;
        case Activation::Silu:  // s sigmoid(s)
            O = S * S.logistic();
            return;
        case Activation::Softmax: {  // per row: exp(s - max) / sum exp(s - max)
            out = s.colwise() - s.rowwise().maxCoeff();
            out.array() = out.array().exp();
            const Vector inv = out.rowwise().sum().cwiseInverse();
            out.array().colwise() *= inv.array();
            return;
        }
    }
}

void applyActivationBackward(Activation a, const Eigen::Ref<const Matrix>& s,
                             const Eigen::Ref<const Matrix>& out,
                             const Eigen::Ref<const Matrix>& dout, Eigen::Ref<Matrix> ds) {
    const auto S = s.array();
    const auto O = out.array();
    const auto D = dout.array();
    auto G = ds.array();
    switch (a) {
        case Activation::Linear:  // dS = dOut
            G = D;
            return;
        case Activation::Relu:  // dS = dOut [s > 0]  (relu'(0) = 0, as PyTorch)
            G = (S > 0.0f).select(D, 0.0f);
            return;
        case Activation::Elu:  // dS = dOut (s > 0 ? 1 : exp(s) = out + 1)
            G = (S > 0.0f).select(D, D * (O + 1.0f));
            return;
        case Activation::Softplus:  // dS = dOut sigmoid(s)
            G = D * S.logistic();
            return;
        case Activation::Sigmoid:  // dS = dOut out (1 - out)
            G = D * O * (1.0f - O);
            return;
        case Activation::Tanh:  // dS = dOut (1 - out^2)
            G = D * (1.0f - O.square());
            return;
        case Activation::Softsign:  // dS = dOut / (1 + |s|)^2
            G = D / (1.0f + S.abs()).square();
            return;
        case Activation::LeakyRelu:
            G = (S > 0.0f).select(D, kLeakyReluSlope * D);
            return;
        case Activation::Gelu:
        case Activation::Silu:  // the scalar formula, element by element
            for (Eigen::Index j = 0; j < s.cols(); ++j) {
                for (Eigen::Index i = 0; i < s.rows(); ++i) {
                    ds(i, j) = dout(i, j) * hd::derivative(a, s(i, j), out(i, j));
                }
            }
            return;
        case Activation::Softmax: {  // dS_i = p_i (dP_i - sum_j dP_j p_j), per row
            const Vector dot = (D * O).rowwise().sum();
            G = O * (D.colwise() - dot.array());
            return;
        }
    }
}

Trace forward(const Network& net, const Matrix& x) {
    if (x.cols() != net.inputs) {
        throw InputError("input has " + std::to_string(x.cols()) +
                         " columns but the network takes " + std::to_string(net.inputs) +
                         " inputs");
    }
    Trace trace;
    trace.input = x;
    trace.layers.resize(net.layers.size());
    const Matrix* in = &trace.input;
    for (std::size_t l = 0; l < net.layers.size(); ++l) {
        const Layer& layer = net.layers[l];
        LayerTrace& t = trace.layers[l];
        // S = X W + b (b broadcast over the rows)
        t.s.noalias() = (*in) * layer.W;
        t.s.rowwise() += layer.b.transpose();
        t.out.resize(t.s.rows(), t.s.cols());
        applyActivation(layer.activation, t.s, t.out);
        in = &t.out;
    }
    return trace;
}

}  // namespace nnlens
