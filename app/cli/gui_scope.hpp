// GuiScope: a QGuiApplication on the offscreen platform for the length of a command that paints
// (render, bench), so that fonts and QPainter work without a display.
#pragma once

#include <QCoreApplication>
#include <QGuiApplication>

#include <cstdio>
#include <memory>
#include <stdexcept>

namespace nnlens::cli {

// QtGui (fonts, painting) needs a QGuiApplication. The command line has none of its own, so one
// lives for the command's duration, on the offscreen platform so that no display is needed.
class GuiScope {
  public:
    GuiScope() {
        if (QCoreApplication::instance() == nullptr) {
            // Qt's note that XDG_RUNTIME_DIR is unset (usual in batch jobs) is not ours to
            // report: stderr carries the command's own messages.
            s_previous = qInstallMessageHandler(&GuiScope::filter);
            m_app = std::make_unique<QGuiApplication>(m_argc, m_argv);
        } else if (qobject_cast<QGuiApplication*>(QCoreApplication::instance()) == nullptr) {
            throw std::runtime_error(
                "drawing needs a QGuiApplication, but this process runs a QCoreApplication");
        }
    }
    ~GuiScope() {
        if (m_app) {
            m_app.reset();
            qInstallMessageHandler(s_previous);
        }
    }
    GuiScope(const GuiScope&) = delete;
    GuiScope& operator=(const GuiScope&) = delete;

  private:
    char m_arg0[11] = "nnlens-cli";
    char m_arg1[10] = "-platform";
    char m_arg2[10] = "offscreen";
    char* m_argv[4] = {m_arg0, m_arg1, m_arg2, nullptr};
    int m_argc = 3;
    std::unique_ptr<QGuiApplication> m_app;

    static void filter(QtMsgType type, const QMessageLogContext& context, const QString& text) {
        if (type == QtWarningMsg && text.startsWith(QLatin1String("QStandardPaths:"))) return;
        if (s_previous) {
            s_previous(type, context, text);
        } else {
            std::fputs(qPrintable(qFormatLogMessage(type, context, text) + '\n'), stderr);
        }
    }
    static inline QtMessageHandler s_previous = nullptr;
};

}  // namespace nnlens::cli
