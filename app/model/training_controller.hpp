// TrainingController: the window's training, between the Document and the TrainingService. Play
// starts (or continues) a run on the document's network, data and settings; snapshots are shown
// in the document without undo steps; Pause, an edit, undo or a divergence ends the run as one
// undo step; an edit makes the next Play start a fresh session (the optimizer state restarts)
// from the edited network, counting epochs on.
#pragma once

#include <QObject>
#include <QString>

#include <memory>

#include "document.hpp"
#include "training_service.hpp"

namespace nnlens::model {

class TrainingController : public QObject {
    Q_OBJECT

  public:
    TrainingController(Document* doc, TrainingService::BackendFactory factory,
                       QObject* parent = nullptr);
    ~TrainingController() override;

    TrainingService* service() const { return m_service.get(); }

    // Each returns false (and emits message) when there is nothing to train: no data, or data
    // and network that do not fit.
    bool play();
    void pause();  // ends the run as one undo step ("Train: epochs 0-42")
    bool togglePlay();
    bool step();
    bool epoch();
    // Re-initialises the parameters (PyTorch's default rule, the training seed) and forgets the
    // run; one undo step.
    void reset();
    bool running() const;
    // Ends a running run (as one undo step) and forgets it: before another network is opened.
    void forget();

    // The timeline: shows the parameters kept nearest to `epoch` (no undo step until the
    // scrubbing ends with endScrub()).
    void showEpoch(int epoch);
    void endScrub();
    // Trains on from the epoch the timeline shows (history after it is dropped).
    bool continueFromShown();
    int shownEpoch() const { return m_shownEpoch; }

    void setEpochsPerSecond(double rate);  // 0: as fast as the engine goes
    std::shared_ptr<const TrainingSnapshot> snapshot() const;

  signals:
    // A new snapshot is shown (status figures, loss plot).
    void progressed();
    void runningChanged(bool running);
    // Status-bar lines: why training stopped, that the optimizer restarted, ...
    void message(const QString& text, bool failure);

  private:
    bool ensureRun();
    void onProgress();
    void commitRun();
    void markStale();

    Document* m_doc;
    std::unique_ptr<TrainingService> m_service;
    Network m_committed;     // the network of the document's undo state before the run
    bool m_haveRun = false;  // the service holds a session for the current inputs
    bool m_stale = true;     // network, data or settings changed since the session began
    bool m_showing = false;  // the document change in progress is a training snapshot
    bool m_wasRunning = false;
    bool m_shown = false;   // the document shows parameters training put there, uncommitted
    int m_shownEpoch = -1;  // >= 0 while the timeline shows an earlier epoch
    int m_runStartEpoch = 0;
};

}  // namespace nnlens::model
