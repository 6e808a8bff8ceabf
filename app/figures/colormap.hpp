// Colour maps: the diverging blue-white-red map of the node maps and viridis for the softmax panel.
#pragma once

#include <QRgb>

#include <array>

namespace nnlens::figures {

class Colormap {
  public:
    static constexpr int kSize = 1024;

    // matplotlib's coolwarm end points (blue at -vlim, red at +vlim) with pure white at zero, as
    // the node maps need: white means s or out = 0.
    static const Colormap& diverging();
    // matplotlib's viridis (imshow's default; the seed's plot_softmax).
    static const Colormap& viridis();

    // t in [0, 1] (clamped; NaN gives the NaN colour, mid grey).
    QRgb at(double t) const;

    const std::array<QRgb, kSize>& table() const { return m_table; }

  private:
    std::array<QRgb, kSize> m_table{};
    friend Colormap makeColormap(const double (*stops)[4], int count);
};

}  // namespace nnlens::figures
