// The window as the GUI tests drive it: no message boxes (errors go to the status bar and
// lastError()), unsaved changes discarded without asking, the CPU engine whatever the machine
// has (the rows compare pixels with `nnlens-cli --backend cpu`; a GPU's maps may differ in the
// last bit), 1280 x 800, shown and exposed.
#pragma once

#include <QCoreApplication>
#include <QMessageBox>
#include <QTest>

#include <memory>

#include "gui/main_window.hpp"
#include "model/training_controller.hpp"
#include "widgets/figure_view.hpp"

namespace nnlens::test {

// Null when the CPU engine cannot be chosen or the window is not exposed.
inline std::unique_ptr<gui::MainWindow> makeTestWindow() {
    auto window = std::make_unique<gui::MainWindow>();
    window->setErrorDialogs(false);
    window->setDiscardPrompt([] { return QMessageBox::Discard; });
    if (!window->setBackend(QStringLiteral("cpu"))) return nullptr;
    window->resize(1280, 800);
    window->show();
    if (!QTest::qWaitForWindowExposed(window.get())) return nullptr;
    return window;
}

// Step and Epoch run on the worker and return at once: these wait for their end (false when the
// command was refused or did not end within 60 s).
inline bool trainEpoch(model::TrainingController& training) {
    return training.epoch() && QTest::qWaitFor([&] { return !training.running(); }, 60000);
}
inline bool trainStep(model::TrainingController& training) {
    return training.step() && QTest::qWaitFor([&] { return !training.running(); }, 60000);
}

// The window after a change of size, font or tab: the posted events handled (layout requests,
// then the resizes and layout requests they post, then the repaints), a few rounds deep. No
// sleep: the same on a loaded machine as on an idle one.
inline void settleLayout(QWidget& window, int rounds = 4) {
    for (int i = 0; i < rounds; ++i) {
        QCoreApplication::sendPostedEvents();
        QCoreApplication::processEvents();
    }
    window.repaint();
}

// The maps of the window's newest request painted.
inline bool waitForMaps(gui::MainWindow& window, int timeoutMs = 20000) {
    return QTest::qWaitFor(
        [&] { return window.graphView()->paintedGeneration() >= window.requestedGeneration(); },
        timeoutMs);
}

}  // namespace nnlens::test
