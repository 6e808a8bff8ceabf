// MainWindow's training animation: File > Export Training Animation renders the timeline's stored
// networks one by one (maps by the window's kind of engine on a worker thread, painting on the
// GUI thread between events) and hands the frames to figures::AnimationWriter.
#include <QApplication>
#include <QProgressDialog>
#include <QStatusBar>

#include <chrono>
#include <future>

#include "figures/animation.hpp"
#include "main_window.hpp"
#include "widgets/figure_view.hpp"
#include "widgets/layer_editor.hpp"

namespace nnlens::gui {

void MainWindow::animationDialog() {
    const int entries = static_cast<int>(m_training->service()->timeline().size());
    if (entries < 2) {
        showError(
            tr("Train for at least one epoch first: the animation shows the run's kept "
               "epochs."));
        return;
    }
    auto* dialog = new widgets::AnimationDialog(
        entries, [this](const widgets::AnimationSettings& s) { return exportAnimation(s); },
        [this](figures::FigureKind kind, double dpi) { return defaultExportSize(kind, dpi); },
        this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFigure(m_doc->network().inputs == 2 ? figures::FigureKind::Graph
                                                   : figures::FigureKind::Network);
    dialog->open();
}

bool MainWindow::exportAnimation(const widgets::AnimationSettings& s) {
    // A copy: training may go on (or the document change) while the frames are written.
    const std::vector<model::Timeline::Entry> timeline = m_training->service()->timeline();
    const std::vector<int> picked =
        figures::animationFrameIndices(static_cast<int>(timeline.size()), s.maxFrames);
    if (timeline.size() < 2) {
        showError(
            tr("%1: there is no training run to animate (train for an epoch first)").arg(s.path));
        return false;
    }
    const int frames = static_cast<int>(picked.size());
    const figures::FigureOptions base = exportOptions(s.kind, s.style);
    const std::optional<float> fixedLimit = m_layers->fixedColourLimit();
    const bool needsMaps = figures::figureNeedsMaps(s.kind);
    const bool marksEpoch = base.history != nullptr;

    figures::AnimationWriter writer;
    QString error;
    if (!writer.open(s.path, s.format, frames, s.delayMs(), s.lastDelayMs(), &error)) {
        showError(error);
        return false;
    }
    std::unique_ptr<Backend> engine;
    std::unique_ptr<GridEvaluator> evaluator;
    if (needsMaps) {
        engine = makeEngine();
        evaluator = engine->gridEvaluator();
    }

    QProgressDialog progress(tr("Writing the animation frames…"), tr("Cancel"), 0, frames, this);
    progress.setObjectName(QStringLiteral("animationProgress"));
    progress.setWindowTitle(tr("Export training animation"));
    progress.setWindowModality(Qt::WindowModal);  // the window stays as it is meanwhile
    progress.setMinimumDuration(0);
    progress.setValue(0);

    for (int i = 0; i < frames && !progress.wasCanceled(); ++i) {
        const model::Timeline::Entry& entry = timeline[static_cast<std::size_t>(picked[i])];
        const Network& net = *entry.network;
        try {
            figures::MapSet maps;
            if (needsMaps) {
                figures::checkFigure(s.kind, net, base);
                // The maps on a worker thread; the window keeps painting and Cancel stays live.
                auto job = std::async(std::launch::async, [&] {
                    return figures::computeMapSet(net, fixedLimit, evaluator.get());
                });
                while (job.wait_for(std::chrono::milliseconds(15)) != std::future_status::ready)
                    QApplication::processEvents(QEventLoop::AllEvents, 15);
                maps = job.get();
            }
            figures::FigureOptions opt = base;
            if (marksEpoch) {
                opt.markEpoch.reset();
                if (entry.epoch > 0) opt.markEpoch = entry.epoch;
            }
            const QImage image =
                figures::renderFigure(s.kind, net, needsMaps ? &maps : nullptr, s.size, opt);
            if (!writer.addFrame(image, &error)) {
                showError(error);
                return false;
            }
        } catch (const std::exception& e) {
            writer.cancel();
            showError(tr("%1: frame %2 (epoch %3): %4")
                          .arg(s.path)
                          .arg(i)
                          .arg(entry.epoch)
                          .arg(QString::fromUtf8(e.what())));
            return false;
        }
        progress.setValue(i + 1);
        emit animationFrameWritten(i, frames);
        QApplication::processEvents();
    }
    if (progress.wasCanceled()) {
        writer.cancel();
        statusBar()->showMessage(tr("Animation export cancelled; nothing was written."), 5000);
        return false;
    }
    if (!writer.finish(&error)) {
        showError(error);
        return false;
    }
    statusBar()->showMessage(tr("Wrote %1 frames (epochs %2 to %3) to %4")
                                 .arg(frames)
                                 .arg(timeline[static_cast<std::size_t>(picked.front())].epoch)
                                 .arg(timeline[static_cast<std::size_t>(picked.back())].epoch)
                                 .arg(s.path),
                             8000);
    return true;
}

}  // namespace nnlens::gui
