// nnlens: the window. `nnlens [FILE]` opens FILE (default: the quadrant selector preset).
#include <QApplication>
#include <QByteArray>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>
#include <QIcon>
#include <QJsonDocument>
#include <QScreen>
#include <QTimer>

#include <cstdio>

#include <malloc.h>

#include "core/temp_files.hpp"
#include "gui_bench.hpp"
#include "main_window.hpp"

namespace {

struct Options {
    QCommandLineOption presentation{QStringLiteral("presentation"),
                                    QStringLiteral("Start in presentation mode (F11).")};
    QCommandLineOption backend{QStringLiteral("backend"),
                               QStringLiteral("Engine: auto (default), cpu or cuda."),
                               QStringLiteral("name"), QStringLiteral("auto")};
    QCommandLineOption bench{
        QStringLiteral("bench"),
        QStringLiteral("Time slider change to repaint on the 2-8-8-8-1 preset and the "
                       "Statistics tab on 100-200-100-10 (\"stats\"); print JSON. "
                       "\"--bench train\": train the spiral lesson with Play at full speed "
                       "and time it (to 95 % accuracy or 30 s). \"--bench features\": the "
                       "slider bench with the input features' column shown.")};
    QCommandLineOption benchData{
        QStringLiteral("data"),
        QStringLiteral("For --bench train: a CSV to train on instead of the spiral set."),
        QStringLiteral("csv")};
    QCommandLineOption frames{QStringLiteral("frames"),
                              QStringLiteral("Slider steps for --bench (default 200)."),
                              QStringLiteral("n"), QStringLiteral("200")};
    QCommandLineOption tab{
        QStringLiteral("tab"),
        QStringLiteral("Centre tab: network, activations, softmax, losses, flow, stats or quiz."),
        QStringLiteral("name"), QStringLiteral("network")};
    QCommandLineOption benchSeconds{
        QStringLiteral("bench-seconds"),
        QStringLiteral("--bench train: how long Play runs (a soak: memory growth, Pause at the "
                       "end); at least 3"),
        QStringLiteral("seconds"), QStringLiteral("3")};
};

void describe(QCommandLineParser& parser, const Options& o) {
    parser.setApplicationDescription(
        QStringLiteral("See how a neural network works: edit it layer by layer and watch every "
                       "node's map live."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(
        QStringLiteral("file"),
        QStringLiteral("A network file (*.nnlens.json) or a lesson (*.nnlens-lesson.json, opened "
                       "at its first step); default: the quadrant selector preset."));
    parser.addOptions(
        {o.presentation, o.backend, o.bench, o.benchData, o.frames, o.tab, o.benchSeconds});
}

void nameApplication() {
    QCoreApplication::setOrganizationName(QStringLiteral("nnlens"));
    QCoreApplication::setApplicationName(QStringLiteral("nnlens"));
    QCoreApplication::setApplicationVersion(QStringLiteral(NNLENS_VERSION));
}

// Whether Qt can open a window: a platform named (QT_QPA_PLATFORM, -platform), an X display, or
// a Wayland one (WAYLAND_DISPLAY, or the default socket wayland-0 in XDG_RUNTIME_DIR).
bool displayReachable(int argc, char** argv) {
    if (qEnvironmentVariableIsSet("QT_QPA_PLATFORM")) return true;
    for (int i = 1; i < argc; ++i) {
        const QByteArray a(argv[i]);
        if (a == "--") break;
        if (a == "-platform" || a == "--platform" || a.startsWith("-platform=")) return true;
    }
    if (qEnvironmentVariableIsSet("DISPLAY") || qEnvironmentVariableIsSet("WAYLAND_DISPLAY"))
        return true;
    const QString runtime = qEnvironmentVariable("XDG_RUNTIME_DIR");
    return !runtime.isEmpty() && QFileInfo::exists(runtime + QStringLiteral("/wayland-0"));
}

// Without a display QApplication aborts: --help and --version are answered by a QCoreApplication
// instead, anything else gets a sentence. Returns the exit status.
int answerWithoutDisplay(int argc, char** argv) {
    QCoreApplication core(argc, argv);
    nameApplication();
    QCommandLineParser parser;
    Options options;
    describe(parser, options);
    if (!parser.parse(core.arguments())) {
        std::fprintf(stderr, "nnlens: %s\n", qPrintable(parser.errorText()));
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) parser.showHelp(0);       // exits
    if (parser.isSet(QStringLiteral("version"))) parser.showVersion();  // exits
    std::fprintf(stderr,
                 "nnlens: no display to open the window on (DISPLAY and WAYLAND_DISPLAY are "
                 "unset); nnlens-cli works without one\n");
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    nnlens::installTempFileCleanup();  // a save cut short by a signal leaves no temporary file
    if (!displayReachable(argc, argv)) return answerWithoutDisplay(argc, argv);
    // Every map frame allocates 250 KB images and frees those of the frame before, on another
    // thread. Above glibc's mmap threshold each would be fresh pages (a page fault per 4 KB, a
    // few ms per frame in a VM); from the heap they are reused.
    mallopt(M_MMAP_THRESHOLD, 64 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
    QApplication app(argc, argv);
    nameApplication();
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/nnlens.svg")));

    QCommandLineParser parser;
    const Options o;
    describe(parser, o);
    parser.process(app);

    nnlens::gui::MainWindow window;
    if (parser.value(o.backend) != QStringLiteral("auto") &&
        !window.setBackend(parser.value(o.backend))) {
        std::fprintf(stderr, "nnlens: %s\n", qPrintable(window.lastError()));
        return 2;
    }
    if (parser.isSet(o.bench)) {
        const bool train = parser.positionalArguments().value(0) == QStringLiteral("train");
        const QJsonObject result =
            train ? nnlens::gui::runTrainBench(window, parser.value(o.benchData), 30.0,
                                               parser.value(o.benchSeconds).toDouble())
                  : nnlens::gui::runGuiBench(
                        window, parser.value(o.frames).toInt(),
                        parser.positionalArguments().value(0) == QStringLiteral("features"));
        std::printf("%s\n", QJsonDocument(result).toJson(QJsonDocument::Indented).constData());
        return result.contains(QStringLiteral("error")) ? 1 : 0;
    }
    const QStringList files = parser.positionalArguments();
    // A file that cannot be read leaves the example open, as a plain start does.
    if (!window.openAtStart(files.value(0))) {
        std::fprintf(stderr, "nnlens: %s\n", qPrintable(window.lastError()));
    }
    if (parser.isSet(o.tab)) window.showTab(parser.value(o.tab));  // a lesson step names its own
    // Centred in the screen's free area, its frame (title bar) on the screen: leaving a
    // presentation started here comes back to it (#20: it came back at 0, 0, the title bar off
    // the screen).
    if (const QScreen* screen = window.screen()) {
        const QRect free = screen->availableGeometry();
        window.move(free.center() - QPoint(window.width() / 2, window.height() / 2));
    }
    window.show();
    if (parser.isSet(o.presentation)) window.setPresentation(true);
    // Once the window is up: what a crash or a power loss left unsaved.
    QTimer::singleShot(0, &window, [&window] { window.offerRecovery(); });
    return QApplication::exec();
}
