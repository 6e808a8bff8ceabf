// A double-precision reference for gradients: the network, its loss (spec section 3) and central
// finite differences of every tensor, written from the definitions; and a small data set with every
// kind of target. Used by tst_backward and the backend conformance suite; for tests only.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "core/activation.hpp"
#include "core/dataset.hpp"
#include "core/loss.hpp"
#include "core/network.hpp"

namespace nnlens::test::fd {

using nnlens::Activation;
using nnlens::Loss;
using nnlens::Reduction;
using MatD = Eigen::MatrixXd;
using VecD = Eigen::VectorXd;

// ---- A double-precision network, forward pass and loss, written from the definitions -----------

struct LayerD {
    MatD W;  // (n_in, n_out)
    VecD b;
    Activation a = Activation::Linear;
};
using NetD = std::vector<LayerD>;

inline double softplusD(double x) {
    return x > 0.0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}
inline double sigmoidD(double x) {
    return 1.0 / (1.0 + std::exp(-x));
}

// phi(s) for one element (softmax is handled per row in activateD).
inline double phiD(Activation a, double s) {
    switch (a) {
        case Activation::Linear:
            return s;
        case Activation::Relu:
            return std::max(s, 0.0);
        case Activation::Elu:  // alpha = 1
            return s > 0.0 ? s : std::exp(s) - 1.0;
        case Activation::Softplus:
            return softplusD(s);
        case Activation::Sigmoid:
            return sigmoidD(s);
        case Activation::Tanh:
            return std::tanh(s);
        case Activation::Softsign:
            return s / (1.0 + std::fabs(s));
        case Activation::LeakyRelu:
            return s > 0.0 ? s : 0.01 * s;
        case Activation::Gelu: {  // PyTorch GELU(approximate="tanh")
            const double c = std::sqrt(2.0 / 3.14159265358979323846);
            return 0.5 * s * (1.0 + std::tanh(c * (s + 0.044715 * s * s * s)));
        }
        case Activation::Silu:
            return s / (1.0 + std::exp(-s));
        case Activation::Softmax:
            break;
    }
    return s;
}

inline MatD activateD(Activation a, const MatD& s) {
    MatD out(s.rows(), s.cols());
    if (a == Activation::Softmax) {
        for (Eigen::Index i = 0; i < s.rows(); ++i) {
            const double m = s.row(i).maxCoeff();
            double z = 0.0;
            for (Eigen::Index j = 0; j < s.cols(); ++j)
                z += std::exp(s(i, j) - m);
            for (Eigen::Index j = 0; j < s.cols(); ++j)
                out(i, j) = std::exp(s(i, j) - m) / z;
        }
        return out;
    }
    for (Eigen::Index j = 0; j < s.cols(); ++j) {
        for (Eigen::Index i = 0; i < s.rows(); ++i)
            out(i, j) = phiD(a, s(i, j));
    }
    return out;
}

struct DataD {
    MatD x, y, sigma;
    std::vector<int> labels;
};

// Spec section 3 in double. `softmaxOut`: ce is -log out[label] (NLL form).
inline double lossD(Loss loss, Reduction reduction, const MatD& out, const DataD& d,
                    bool softmaxOut) {
    const Eigen::Index n = out.rows();
    const Eigen::Index k = out.cols();
    double total = 0.0;
    double count = static_cast<double>(n * k);
    if (loss == Loss::Ce) {
        count = static_cast<double>(n);
        for (Eigen::Index i = 0; i < n; ++i) {
            const int c = d.labels[static_cast<std::size_t>(i)];
            if (softmaxOut) {
                total += -std::log(out(i, c));
                continue;
            }
            const double m = out.row(i).maxCoeff();
            double z = 0.0;
            for (Eigen::Index j = 0; j < k; ++j)
                z += std::exp(out(i, j) - m);
            total += m + std::log(z) - out(i, c);
        }
    } else {
        for (Eigen::Index j = 0; j < k; ++j) {
            for (Eigen::Index i = 0; i < n; ++i) {
                const double o = out(i, j);
                const double t = d.y(i, j);
                switch (loss) {
                    case Loss::Mse:
                        total += (o - t) * (o - t);
                        break;
                    case Loss::L2:
                        total += 0.5 * (o - t) * (o - t);
                        break;
                    case Loss::Chi2:
                        total += (o - t) * (o - t) / (d.sigma(i, j) * d.sigma(i, j));
                        break;
                    case Loss::Bce:
                        total += -(t * std::max(std::log(o), -100.0) +
                                   (1.0 - t) * std::max(std::log(1.0 - o), -100.0));
                        break;
                    case Loss::BceLogits:
                        total += t * softplusD(-o) + (1.0 - t) * softplusD(o);
                        break;
                    case Loss::Ce:
                        break;
                }
            }
        }
    }
    return reduction == Reduction::Mean ? total / count : total;
}

struct Problem {
    NetD net;
    DataD data;
    Loss loss = Loss::Mse;
    Reduction reduction = Reduction::Mean;
    bool softmaxOut() const { return net.back().a == Activation::Softmax; }

    // The loss when layer `from`'s output is `out` (the rest of the network runs from there).
    double fromOut(std::size_t from, MatD out) const {
        for (std::size_t l = from + 1; l < net.size(); ++l) {
            MatD s = out * net[l].W;
            s.rowwise() += net[l].b.transpose();
            out = activateD(net[l].a, s);
        }
        return lossD(loss, reduction, out, data, softmaxOut());
    }
    double fromS(std::size_t layer, const MatD& s) const {
        return fromOut(layer, activateD(net[layer].a, s));
    }
    // Pre-activations and outputs of every layer.
    std::vector<std::pair<MatD, MatD>> trace() const {
        std::vector<std::pair<MatD, MatD>> t;
        MatD in = data.x;
        for (const LayerD& L : net) {
            MatD s = in * L.W;
            s.rowwise() += L.b.transpose();
            MatD out = activateD(L.a, s);
            t.emplace_back(s, out);
            in = out;
        }
        return t;
    }
    double loss0() const {
        const auto t = trace();
        return lossD(loss, reduction, t.back().second, data, softmaxOut());
    }
};

// Central differences d f / d m(i, j) for every element of `m`, in double. The step is small enough
// that the O(h^2) truncation (~1e-12 here) and the O(eps_double L / h) round-off (~1e-10 L) are far
// below the float32 errors being tested, and it never crosses a relu kink (|s| > 1e-2 is checked).
constexpr double kStep = 1e-6;

inline MatD centralDifferences(MatD m, const std::function<double(const MatD&)>& f) {
    MatD g(m.rows(), m.cols());
    for (Eigen::Index j = 0; j < m.cols(); ++j) {
        for (Eigen::Index i = 0; i < m.rows(); ++i) {
            const double v = m(i, j);
            m(i, j) = v + kStep;
            const double up = f(m);
            m(i, j) = v - kStep;
            const double down = f(m);
            m(i, j) = v;
            g(i, j) = (up - down) / (2.0 * kStep);
        }
    }
    return g;
}

struct ReferenceGradients {
    MatD dW, db, dS, dOut;  // db as an (n_out, 1) matrix
};

inline std::vector<ReferenceGradients> finiteDifferenceGradients(const Problem& p) {
    const auto t = p.trace();
    std::vector<ReferenceGradients> g(p.net.size());
    for (std::size_t l = 0; l < p.net.size(); ++l) {
        g[l].dW = centralDifferences(p.net[l].W, [&](const MatD& W) {
            Problem q = p;
            q.net[l].W = W;
            return q.loss0();
        });
        g[l].db = centralDifferences(p.net[l].b, [&](const MatD& b) {
            Problem q = p;
            q.net[l].b = b;
            return q.loss0();
        });
        g[l].dS = centralDifferences(t[l].first, [&](const MatD& s) { return p.fromS(l, s); });
        g[l].dOut = centralDifferences(t[l].second, [&](const MatD& o) { return p.fromOut(l, o); });
    }
    return g;
}

// ---- Conversions between the engine's float types and the double reference ----------------------

inline NetD toDouble(const nnlens::Network& net) {
    NetD d;
    for (const nnlens::Layer& L : net.layers) {
        d.push_back({L.W.cast<double>(), L.b.cast<double>(), L.activation});
    }
    return d;
}

inline DataD toDouble(const nnlens::Dataset& data) {
    DataD d;
    d.x = data.x.cast<double>();
    d.y = data.y.cast<double>();
    d.sigma = data.sigma.cast<double>();
    d.labels = data.labels;
    return d;
}

// A small data set with every kind of target: N = 5 rows, D = 3 inputs, K = 3 outputs.
// Inputs span [-2, 2] so that tanh, sigmoid and softsign work away from their linear part;
// y is in [0, 1] with exact 0 and 1 among them (valid for bce and bce_logits, fine for regression).
inline nnlens::Dataset makeData() {
    constexpr int n = 5;
    constexpr int d = 3;
    constexpr int k = 3;
    nnlens::Dataset data;
    data.x.resize(n, d);
    data.y.resize(n, k);
    data.sigma.resize(n, k);
    for (int i = 0; i < n; ++i) {
        for (int j = 0; j < d; ++j) {
            data.x(i, j) = static_cast<float>(2.0 * std::sin(1.3 * i + 2.1 * j + 0.4));
        }
        for (int j = 0; j < k; ++j) {
            const int e = i * k + j;
            data.y(i, j) = e % 4 == 0   ? 1.0f
                           : e % 4 == 1 ? 0.0f
                                        : static_cast<float>(0.5 + 0.45 * std::cos(0.9 * e));
            data.sigma(i, j) = 0.5f + 0.25f * static_cast<float>(e % 5);  // 0.5 .. 1.5
        }
    }
    data.labels = {0, 2, 1, 1, 0};
    return data;
}

inline bool isKinked(Activation a) {
    return a == Activation::Relu || a == Activation::LeakyRelu;
}

// A 3-5-3-3 network (hidden widths 5 and 3, so no width is special): two hidden layers with
// `hidden`, then `last`. The first seed from `seed` on whose pre-activations keep |s| > 1e-2
// wherever a relu or leaky relu sits (finite differences must not straddle the kink).
inline bool makeNetwork(Activation hidden, Activation last, const nnlens::Dataset& data,
                        std::uint64_t seed, nnlens::Network* out) {
    for (std::uint64_t attempt = 0; attempt < 200; ++attempt) {
        nnlens::Network net =
            nnlens::Network::initialized(3, {{5, hidden}, {3, hidden}, {3, last}}, seed + attempt);
        Problem p;
        p.net = toDouble(net);
        p.data = toDouble(data);
        const auto t = p.trace();
        bool ok = true;
        for (std::size_t l = 0; l < t.size(); ++l) {
            if (isKinked(p.net[l].a) && (t[l].first.array().abs() <= 1e-2).any()) ok = false;
        }
        if (ok) {
            *out = net;
            return true;
        }
    }
    return false;
}

// Every elementwise activation, and every loss.
inline constexpr Activation kElementwise[] = {
    Activation::Linear,  Activation::Relu, Activation::Elu,      Activation::Softplus,
    Activation::Sigmoid, Activation::Tanh, Activation::Softsign, Activation::LeakyRelu,
    Activation::Gelu,    Activation::Silu,
};
inline constexpr Loss kAllLosses[] = {Loss::Mse, Loss::L2,        Loss::Chi2,
                                      Loss::Bce, Loss::BceLogits, Loss::Ce};

// One gradient case: hidden activation, output activation, loss and reduction.
struct Case {
    Activation hidden;
    Activation last;
    Loss loss;
    Reduction reduction;
    std::string tag;
};

// Every activation x every loss x both reductions, with a linear output (sigmoid for bce: p in
// (0, 1)), the activation under test on the output too, and a softmax output (the NLL form of ce).
inline std::vector<Case> allCases() {
    std::vector<Case> cases;
    for (Activation a : kElementwise) {
        for (Loss loss : kAllLosses) {
            for (Reduction r : {Reduction::Mean, Reduction::Sum}) {
                const std::string base = std::string(activationName(a)) + "/" +
                                         std::string(lossName(loss)) + "/" +
                                         std::string(reductionName(r));
                const Activation out = loss == Loss::Bce ? Activation::Sigmoid : Activation::Linear;
                cases.push_back(
                    {a, out, loss, r, base + "/out-" + std::string(activationName(out))});
                if (loss != Loss::Bce && a != Activation::Linear)
                    cases.push_back(
                        {a, a, loss, r, base + "/out-" + std::string(activationName(a))});
                cases.push_back({a, Activation::Softmax, loss, r, base + "/out-softmax"});
            }
        }
    }
    return cases;
}

// Tolerance. The spec asks for 1e-5 + 1e-3 |e| against a float64 reference; the engine is held to
// 2e-6 + 1e-5 |e|, about twice the worst error seen over all rows. It runs in float32: each
// gradient element is a short chain of float products and sums (5 samples, at most 5 nodes); the
// largest gradients (chi2 and l2 with sum reduction) are ~10-50. The worst elements come from
// derivatives taken from a float output near saturation, as PyTorch takes them: tanh' = 1 - out^2
// and elu' = out + 1 lose digits to cancellation there. The finite differences themselves are
// accurate to ~1e-9.
inline constexpr double kGradAtol = 2e-6;
inline constexpr double kGradRtol = 1e-5;

}  // namespace nnlens::test::fd
