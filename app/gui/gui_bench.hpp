// The GUI bench (nnlens --bench): slider value change to repainted network figure, in ms.
#pragma once

#include <QJsonObject>

namespace nnlens::gui {

class MainWindow;

// Opens the 2-8-8-8-1 tanh preset at 250 x 250 in `window` (shown), moves the bias slider of
// LYR1-NODE1 `frames` times as a drag does, and times each step from QSlider::setValue to the end
// of the paint that shows its maps. Returns the figures (median, p90, max, ...).
QJsonObject runGuiBench(MainWindow& window, int frames);

}  // namespace nnlens::gui
