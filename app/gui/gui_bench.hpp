// The GUI bench (nnlens --bench): slider value change to repainted network figure, in ms.
#pragma once

#include <QJsonObject>

namespace nnlens::gui {

class MainWindow;

// Opens the 2-8-8-8-1 tanh preset at 250 x 250 in `window` (shown), moves the bias slider of
// LYR1-NODE1 `frames` times as a drag does, and times each step from QSlider::setValue to the end
// of the paint that shows its maps. Returns the figures (median, p90, max, ...), and under
// "stats" runStatsBench's.
// With `featureColumn`, View > Input Features is on (#21: the column's seven maps painted too).
QJsonObject runGuiBench(MainWindow& window, int frames, bool featureColumn = false);

// The Statistics tab on the 100-200-100-10 preset with N = 500 (runGuiBench's "stats"): `repaints`
// times the trace, each plot's statistic, all of them, and the tab's repaint (median, p90, ...).
QJsonObject runStatsBench(MainWindow& window, int repaints);

// The process's resident set size in MB (/proc/self/statm), 0 where there is none.
double rssMb();

// nnlens --bench train: opens the spiral preset with `dataset spiral --n 500 --noise 0.1 --seed 1`
// (or the CSV `dataPath`), mse, Adam lr 0.01, batch 10, maps at 250 x 250 in a 1280 x 800 window,
// presses Play at full speed and stops at 95 % training accuracy or after `limitSeconds`. Returns
// seconds_to_target, accuracy, steps, samples_per_s, fps, frame_interval_ms_p90 and
// gui_lag_ms_p99 (the worst lateness of a 16 ms GUI-thread timer).
// Play lasts at least `soakSeconds` (3 s at the least): pause_ms (the click to the button's flip)
// and rss_growth_mb_per_min are taken over it; then "live" changes lr, batch and optimizer while it
// plays (frames shown in the second after each) and pauses five more times.
QJsonObject runTrainBench(MainWindow& window, const QString& dataPath, double limitSeconds = 30.0,
                          double soakSeconds = 3.0);

}  // namespace nnlens::gui
