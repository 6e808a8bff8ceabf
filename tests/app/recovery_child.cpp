// The window that tst_recovery kills: opens argv[1] in the real MainWindow (offscreen), makes
// recovery_test::applyEdits' edits, waits until the recovery file is written and then dies by
// SIGKILL, as a crash or a power loss would end it: no destructor runs, nothing is cleaned up.
#include <QApplication>
#include <QEventLoop>
#include <QTimer>

#include <csignal>
#include <cstdio>

#include "gui/main_window.hpp"
#include "recovery_edits.hpp"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    if (argc != 2) {
        std::fprintf(stderr, "usage: nnlens_recovery_child NETWORK (NNLENS_RECOVERY_DIR set)\n");
        return 2;
    }
    nnlens::gui::MainWindow window;
    window.setErrorDialogs(false);
    if (!window.openFile(QString::fromLocal8Bit(argv[1]))) {
        std::fprintf(stderr, "%s\n", qPrintable(window.lastError()));
        return 3;
    }
    if (!nnlens::recovery_test::applyEdits(*window.document())) {
        std::fprintf(stderr, "an edit was refused: %s\n", qPrintable(window.lastError()));
        return 4;
    }
    QEventLoop loop;
    bool written = false;
    QObject::connect(window.recovery(), &nnlens::model::RecoveryService::written, &loop, [&] {
        written = true;
        loop.quit();
    });
    QObject::connect(window.recovery(), &nnlens::model::RecoveryService::failed, &loop,
                     [&](const QString& message) {
                         std::fprintf(stderr, "%s\n", qPrintable(message));
                         loop.quit();
                     });
    QTimer::singleShot(60000, &loop, &QEventLoop::quit);  // never hang the test
    loop.exec();
    if (!written) return 5;
    std::printf("%s\n", qPrintable(window.recovery()->filePath()));
    std::fflush(stdout);
    std::raise(SIGKILL);
    return 6;
}
