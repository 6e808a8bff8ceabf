// A double-precision reference network (forward, loss, backward) written from the seed's formulas,
// for tests only.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/activation.hpp"
#include "core/dataset.hpp"
#include "core/loss.hpp"
#include "core/network.hpp"

namespace nnlens::test {

using Mat = std::vector<std::vector<double>>;  // [row][col]

inline double phi(Activation a, double s) {
    switch (a) {
        case Activation::Linear:
            return s;
        case Activation::Relu:
            return s > 0 ? s : 0;
        case Activation::Elu:
            return s > 0 ? s : std::expm1(s);
        case Activation::Softplus:
            return std::max(s, 0.0) + std::log1p(std::exp(-std::fabs(s)));
        case Activation::Sigmoid:
            return 1 / (1 + std::exp(-s));
        case Activation::Tanh:
            return std::tanh(s);
        case Activation::Softsign:
            return s / (std::fabs(s) + 1);
        case Activation::LeakyRelu:
            return s > 0 ? s : 0.01 * s;
        case Activation::Gelu:
            return 0.5 * s * (1 + std::tanh(std::sqrt(2 / M_PI) * (s + 0.044715 * s * s * s)));
        case Activation::Silu:
            return s / (1 + std::exp(-s));
        case Activation::Softmax:
            return s;
    }
    return s;
}

struct RefTrace {
    std::vector<Mat> s, out;  // per layer
};

inline Mat toMat(const Matrix& m) {
    Mat r(std::size_t(m.rows()), std::vector<double>(std::size_t(m.cols())));
    for (Eigen::Index i = 0; i < m.rows(); ++i)
        for (Eigen::Index j = 0; j < m.cols(); ++j)
            r[std::size_t(i)][std::size_t(j)] = m(i, j);
    return r;
}

// The first layer's input in double: x through the network's input features (spec section 10),
// written out here from Playground's definitions rather than from core/features.hpp.
inline Mat refFeatures(const Network& net, const Matrix& x) {
    if (net.features.empty()) return toMat(x);
    Mat r(std::size_t(x.rows()), std::vector<double>(net.features.size()));
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
        const double a = x(i, 0), b = x(i, 1);
        for (std::size_t f = 0; f < net.features.size(); ++f) {
            const std::string_view name = featureName(net.features[f]);
            double v = 0;
            if (name == "x1")
                v = a;
            else if (name == "x2")
                v = b;
            else if (name == "x1^2")
                v = a * a;
            else if (name == "x2^2")
                v = b * b;
            else if (name == "x1*x2")
                v = a * b;
            else if (name == "sin(x1)")
                v = std::sin(a);
            else if (name == "sin(x2)")
                v = std::sin(b);
            r[std::size_t(i)][f] = v;
        }
    }
    return r;
}

inline RefTrace refForward(const Network& net, const Matrix& x) {
    RefTrace t;
    Mat in = refFeatures(net, x);
    for (const Layer& L : net.layers) {
        Mat s(in.size(), std::vector<double>(std::size_t(L.outputs())));
        Mat o = s;
        for (std::size_t i = 0; i < in.size(); ++i) {
            for (int j = 0; j < L.outputs(); ++j) {
                double v = L.b(j);
                for (int k = 0; k < L.inputs(); ++k)
                    v += in[i][std::size_t(k)] * double(L.W(k, j));
                s[i][std::size_t(j)] = v;
            }
            if (L.activation == Activation::Softmax) {
                double m = s[i][0], sum = 0;
                for (double v : s[i])
                    m = std::max(m, v);
                for (std::size_t j = 0; j < s[i].size(); ++j)
                    sum += (o[i][j] = std::exp(s[i][j] - m));
                for (double& v : o[i])
                    v /= sum;
            } else {
                for (std::size_t j = 0; j < s[i].size(); ++j)
                    o[i][j] = phi(L.activation, s[i][j]);
            }
        }
        t.s.push_back(s);
        t.out.push_back(o);
        in = o;
    }
    return t;
}

// Mean squared error of the reference output against data.y.
inline double refMse(const RefTrace& t, const Dataset& d) {
    const Mat& o = t.out.back();
    double sum = 0;
    for (std::size_t i = 0; i < o.size(); ++i)
        for (std::size_t j = 0; j < o[i].size(); ++j)
            sum += std::pow(o[i][j] - d.y(Eigen::Index(i), Eigen::Index(j)), 2);
    return sum / double(o.size() * o[0].size());
}

// dL/dW and dL/db per layer of mean squared error, by central differences in double.
struct RefGradients {
    std::vector<Mat> dW;
    std::vector<std::vector<double>> db;
};

inline RefGradients refMseGradients(const Network& net, const Dataset& d) {
    RefGradients g;
    const double h = 1e-6;
    for (std::size_t l = 0; l < net.layers.size(); ++l) {
        const Layer& L = net.layers[l];
        Mat dW(std::size_t(L.inputs()), std::vector<double>(std::size_t(L.outputs())));
        std::vector<double> db(std::size_t(L.outputs()));
        for (int k = 0; k <= L.inputs(); ++k) {
            for (int j = 0; j < L.outputs(); ++j) {
                // the double-precision loss with parameter (k, j) of layer l shifted by delta
                // (k == n_in is the bias)
                auto eval = [&](double delta) {
                    Mat in = refFeatures(net, d.x);
                    double sum = 0;
                    for (std::size_t m = 0; m < net.layers.size(); ++m) {
                        const Layer& M = net.layers[m];
                        Mat o(in.size(), std::vector<double>(std::size_t(M.outputs())));
                        for (std::size_t i = 0; i < in.size(); ++i) {
                            for (int jj = 0; jj < M.outputs(); ++jj) {
                                double v = M.b(jj) +
                                           ((m == l && k == L.inputs() && jj == j) ? delta : 0.0);
                                for (int kk = 0; kk < M.inputs(); ++kk) {
                                    const double w = double(M.W(kk, jj)) +
                                                     ((m == l && kk == k && jj == j) ? delta : 0.0);
                                    v += in[i][std::size_t(kk)] * w;
                                }
                                o[i][std::size_t(jj)] = phi(M.activation, v);
                            }
                        }
                        in = o;
                    }
                    for (std::size_t i = 0; i < in.size(); ++i)
                        for (std::size_t jj = 0; jj < in[i].size(); ++jj)
                            sum += std::pow(in[i][jj] - d.y(Eigen::Index(i), Eigen::Index(jj)), 2);
                    return sum / double(in.size() * in[0].size());
                };
                const double fd = (eval(h) - eval(-h)) / (2 * h);
                if (k == L.inputs())
                    db[std::size_t(j)] = fd;
                else
                    dW[std::size_t(k)][std::size_t(j)] = fd;
            }
        }
        g.dW.push_back(dW);
        g.db.push_back(db);
    }
    return g;
}

// numpy.histogram(values, bins) counted the slow, obvious way: edges = linspace(min, max, bins + 1)
// in double (min - 0.5 .. min + 0.5 when all values are equal), a value goes in the last bin whose
// left edge it reaches, the last bin is closed. Non-finite values are left out.
struct BruteHistogram {
    double min = 0.0;
    double max = 0.0;
    std::vector<std::int64_t> counts;
};
inline BruteHistogram numpyHistogram(const float* values, std::int64_t n, int bins) {
    double lo = INFINITY, hi = -INFINITY;
    for (std::int64_t i = 0; i < n; ++i) {
        if (!std::isfinite(values[i])) continue;
        lo = std::min(lo, double(values[i]));
        hi = std::max(hi, double(values[i]));
    }
    if (lo > hi) lo = hi = 0.0;
    if (lo == hi) {
        lo -= 0.5;
        hi += 0.5;
    }
    std::vector<double> edges(std::size_t(bins) + 1);
    for (int b = 0; b <= bins; ++b)  // numpy.linspace: lo + b * step, the last edge exactly hi
        edges[std::size_t(b)] = b == bins ? hi : lo + b * ((hi - lo) / bins);
    BruteHistogram h{lo, hi, std::vector<std::int64_t>(std::size_t(bins), 0)};
    for (std::int64_t i = 0; i < n; ++i) {
        const double v = values[i];
        if (!std::isfinite(v) || v < lo || v > hi) continue;
        int bin = bins - 1;
        for (int b = 0; b < bins; ++b) {
            if (v < edges[std::size_t(b) + 1]) {
                bin = b;
                break;
            }
        }
        ++h.counts[std::size_t(bin)];
    }
    return h;
}

}  // namespace nnlens::test
