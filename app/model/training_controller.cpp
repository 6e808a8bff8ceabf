// TrainingController: runs, their undo steps and the timeline, over Document and TrainingService.
#include "training_controller.hpp"

#include <utility>

namespace nnlens::model {

TrainingController::TrainingController(Document* doc, TrainingService::BackendFactory factory,
                                       QObject* parent)
    : QObject(parent),
      m_doc(doc),
      m_service(std::make_unique<TrainingService>(std::move(factory))) {
    m_committed = m_doc->network();
    connect(m_service.get(), &TrainingService::progressed, this, [this] { onProgress(); });
    connect(m_service.get(), &TrainingService::stopped, this,
            [this](const QString& reason, bool failure) {
                if (!m_service->running()) commitRun();
                emit message(reason, failure);
                if (m_wasRunning) {
                    m_wasRunning = false;
                    emit runningChanged(false);
                }
            });
    connect(m_doc, &Document::networkChanged, this, [this] {
        if (m_showing) return;
        // An edit, undo or another file: that is the network a later run starts from and goes
        // back to on undo.
        markStale();
        m_committed = m_doc->network();
        m_shown = false;
    });
    connect(m_doc, &Document::dataChanged, this, [this] { markStale(); });
    connect(m_doc, &Document::trainingSettingsChanged, this, [this] {
        // A new rate takes effect at once; anything else needs a fresh session.
        const TrainingSettings& s = m_doc->trainingSettings();
        m_service->setLearningRate(s.lr);
        markStale();
    });
    // Every user edit (and undo/redo) first ends a running run as its own undo step.
    m_doc->setEditGuard([this] {
        if (m_service->running())
            pause();
        else if (m_shownEpoch >= 0)
            endScrub();
    });
}

TrainingController::~TrainingController() {
    m_doc->setEditGuard({});
    m_service->pause();
}

void TrainingController::markStale() {
    m_stale = true;
}

bool TrainingController::ensureRun() {
    if (m_haveRun && !m_stale && m_shownEpoch < 0) return true;
    const std::shared_ptr<const Dataset> data = m_doc->data();
    if (!data || data->size() == 0) {
        emit message(tr("No data to train on: generate a data set or import a CSV (Data dock)"),
                     true);
        return false;
    }
    // A session that ran before is continued from the edited network: epochs count on, the
    // optimizer state restarts.
    const bool restart = m_haveRun;
    const int from = restart ? (m_service->latest() ? m_service->latest()->epoch : 0) : -1;
    QString error;
    if (!m_service->start(m_doc->network(), data, m_doc->trainingSettings(), &error, from)) {
        emit message(tr("Cannot train: %1").arg(error), true);
        return false;
    }
    if (restart) {
        emit message(tr("Training continues from the edited network at epoch %1; the optimizer "
                        "state restarted")
                         .arg(from),
                     false);
    }
    m_committed = m_doc->network();
    m_haveRun = true;
    m_stale = false;
    return true;
}

bool TrainingController::play() {
    if (m_service->running()) return true;
    // Play while the timeline shows an earlier epoch trains on from there.
    if (m_shownEpoch >= 0) return continueFromShown();
    if (!ensureRun()) return false;
    m_service->setEpochLimit(0);
    m_service->play();
    m_wasRunning = true;
    emit runningChanged(true);
    return true;
}

bool TrainingController::togglePlay() {
    if (m_service->running()) {
        pause();
        return true;
    }
    return play();
}

void TrainingController::pause() {
    const bool was = m_service->running();
    m_service->pause();
    onProgress();  // the final parameters, before the run becomes an undo step
    commitRun();
    if (was || m_wasRunning) {
        m_wasRunning = false;
        emit runningChanged(false);
    }
}

bool TrainingController::step() {
    pause();
    if (!ensureRun()) return false;
    m_service->stepOnce();
    m_service->waitIdle();
    onProgress();
    commitRun();
    return true;
}

bool TrainingController::epoch() {
    pause();
    if (!ensureRun()) return false;
    m_service->epochOnce();
    m_service->waitIdle(60000);
    onProgress();
    commitRun();
    return true;
}

void TrainingController::reset() {
    pause();
    m_service->clear();
    m_haveRun = false;
    m_stale = true;
    m_shownEpoch = -1;
    m_doc->reinitialize(m_doc->trainingSettings().seed);
    m_committed = m_doc->network();
    emit progressed();
}

void TrainingController::forget() {
    pause();
    m_service->clear();
    m_haveRun = false;
    m_stale = true;
    m_shownEpoch = -1;
    emit progressed();
}

bool TrainingController::running() const {
    return m_service->running();
}

void TrainingController::onProgress() {
    const std::shared_ptr<const TrainingSnapshot> snap = m_service->latest();
    if (!snap || !snap->network || m_shownEpoch >= 0) {
        emit progressed();
        return;
    }
    // A snapshot of a session that an edit made stale is not shown over the edit.
    if (!m_stale) {
        m_showing = true;
        m_doc->showTrainingNetwork(*snap->network);
        m_showing = false;
        m_shown = true;
    }
    emit progressed();
}

void TrainingController::commitRun() {
    // Only parameters that training showed become an undo step.
    if (!m_shown) return;
    m_shown = false;
    const Network& now = m_doc->network();
    bool changed = now.layers.size() != m_committed.layers.size();
    for (std::size_t l = 0; !changed && l < now.layers.size(); ++l) {
        changed = now.layers[l].W != m_committed.layers[l].W ||
                  now.layers[l].b != m_committed.layers[l].b;
    }
    if (!changed) return;
    const auto snap = m_service->latest();
    const QString text =
        snap ? tr("Train to epoch %1 (step %2)").arg(snap->epoch).arg(snap->step) : tr("Train");
    m_showing = true;
    m_doc->commitTraining(m_committed, text);
    m_showing = false;
    m_committed = m_doc->network();
}

std::shared_ptr<const TrainingSnapshot> TrainingController::snapshot() const {
    return m_service->latest();
}

void TrainingController::showEpoch(int epoch) {
    if (m_service->running()) pause();
    const std::vector<Timeline::Entry> timeline = m_service->timeline();
    if (timeline.empty()) return;
    const Timeline::Entry* best = &timeline.front();
    for (const Timeline::Entry& e : timeline)
        if (e.epoch <= epoch) best = &e;
    m_shownEpoch = best->epoch;
    m_showing = true;
    m_doc->showTrainingNetwork(*best->network);
    m_showing = false;
    m_shown = true;
    emit progressed();
}

void TrainingController::endScrub() {
    if (m_shownEpoch < 0) return;
    const int shown = m_shownEpoch;
    m_showing = true;
    m_doc->commitTraining(m_committed, tr("Go back to epoch %1").arg(shown));
    m_showing = false;
    m_committed = m_doc->network();
    m_shown = false;
    m_shownEpoch = -1;
    // Play from here continues from the shown epoch with a fresh optimizer state.
    m_stale = true;
    m_runStartEpoch = shown;
}

bool TrainingController::continueFromShown() {
    const int shown =
        m_shownEpoch >= 0 ? m_shownEpoch : (m_service->latest() ? m_service->latest()->epoch : 0);
    endScrub();
    const std::shared_ptr<const Dataset> data = m_doc->data();
    QString error;
    if (!data ||
        !m_service->start(m_doc->network(), data, m_doc->trainingSettings(), &error, shown)) {
        emit message(
            error.isEmpty() ? tr("No data to train on") : tr("Cannot train: %1").arg(error), true);
        return false;
    }
    m_committed = m_doc->network();
    m_haveRun = true;
    m_stale = false;
    emit message(tr("Training continues from epoch %1; the optimizer state restarted").arg(shown),
                 false);
    m_service->setEpochLimit(0);
    m_service->play();
    m_wasRunning = true;
    emit runningChanged(true);
    return true;
}

void TrainingController::setEpochsPerSecond(double rate) {
    m_service->setEpochsPerSecond(rate);
}

}  // namespace nnlens::model
