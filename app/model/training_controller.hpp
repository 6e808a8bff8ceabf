// TrainingController: the window's training run between the Document and the TrainingService.
//
// The run (TrainingService) owns the live network, the settings, the loss history with its
// changes and the timeline; the Document shows the run's network (showTrainingNetwork, no undo
// step, hint.training) and receives one committed network per run segment (commitTraining, one
// undo step). Every knob is live, as in TensorFlow Playground.
//
// States and transitions:
//
//   NoRun     no session. Play, Step or Epoch starts one from the document's network, data and
//             settings (epoch 0). -> Playing / Busy.
//   Paused    a session holds the run (optimizer state, history, timeline) and the document shows
//             its network. Settings, parameter edits, structural edits, undo and data go to the
//             session at once (TrainingService::change*), so the next Play goes on from exactly
//             what the window shows. Play -> Playing; Step, Epoch -> Busy; Reset -> NoRun.
//   Playing   the worker trains; its snapshots are shown (only those that include the latest
//             edit: TrainingSnapshot::generation). An edit first commits the segment so far (the
//             edit guard), then goes to the run at its next batch; the run keeps playing. Pause
//             (instant: the worker stops after its chunk of a few ms), the lesson's epochs, or a
//             divergence commit the segment -> Paused.
//   Busy      Step or Epoch runs on the worker (the GUI never waits); its end commits -> Paused.
//   Scrubbing the timeline shows an earlier epoch (Paused underneath). Play or Continue from here
//             trains on from the shown epoch (later history dropped, optimizer state restarted);
//             an edit first commits "Go back to epoch N".
//
// Another file: forget() -> NoRun.
#pragma once

#include <QObject>
#include <QString>

#include <cstdint>
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
    void pause();  // ends Play, Step or Epoch as one undo step ("Train to epoch 42 (step 840)")
    bool togglePlay();
    bool step();   // one minibatch on the worker; returns at once
    bool epoch();  // the rest of the running epoch (or a whole one) on the worker; likewise
    // Re-initialises the parameters (PyTorch's default rule, the training seed) and forgets the
    // run; one undo step.
    void reset();
    // Playing, or Step / Epoch in flight.
    bool running() const;
    bool playing() const { return m_playing; }
    // Ends a running run (as one undo step) and forgets it: before another network is opened.
    void forget();

    // The epochs this Play stops at (the lesson's epochs per Play), or 0 when it runs until
    // paused; and the epoch it started from (the progress bar).
    int playTarget() const { return m_playTarget; }
    int playStartEpoch() const { return m_playStart; }

    // The timeline: shows the parameters kept nearest to `epoch` (no undo step until the
    // scrubbing ends with endScrub()).
    void showEpoch(int epoch);
    void endScrub();
    // Trains on from the epoch the timeline shows (history after it is dropped).
    bool continueFromShown(bool andPlay = true);
    int shownEpoch() const { return m_shownEpoch; }

    void setEpochsPerSecond(double rate);  // 0: as fast as the engine goes
    std::shared_ptr<const TrainingSnapshot> snapshot() const;

  signals:
    // A new snapshot is shown (status figures, loss plot).
    void progressed();
    void runningChanged(bool running);
    // Status-bar lines: why training stopped, what a live change did, ...
    void message(const QString& text, bool failure);

  private:
    bool ensureRun();
    void onProgress();
    void onStopped(const QString& reason, bool failure);
    // Shows the latest snapshot when it includes the latest edit; true when it did.
    bool showLatest();
    void commitSegment();
    void setPlaying(bool on);
    void onDocumentNetwork(EditHint hint);

    Document* m_doc;
    std::unique_ptr<TrainingService> m_service;
    Network m_committed;     // the document's network at the last undo step (a segment's start)
    bool m_haveRun = false;  // NoRun when false
    bool m_playing = false;
    bool m_busy = false;    // Step or Epoch in flight
    bool m_shown = false;   // the document shows parameters training put there, uncommitted
    int m_shownEpoch = -1;  // >= 0 while Scrubbing
    int m_resumeFrom = -1;  // >= 0: the next Play continues from this epoch (after Scrubbing)
    int m_playTarget = 0;
    int m_playStart = 0;
};

}  // namespace nnlens::model
