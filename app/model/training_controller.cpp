// TrainingController: runs, their undo steps, live changes and the timeline, over Document and
// TrainingService (the states are in the header).
#include "training_controller.hpp"

#include <utility>

namespace nnlens::model {

namespace {

bool sameParameters(const Network& a, const Network& b) {
    if (a.inputs != b.inputs || a.features != b.features || a.layers.size() != b.layers.size()) {
        return false;
    }
    for (std::size_t l = 0; l < a.layers.size(); ++l) {
        const Layer& x = a.layers[l];
        const Layer& y = b.layers[l];
        if (x.activation != y.activation || x.W.rows() != y.W.rows() || x.W.cols() != y.W.cols() ||
            x.b.size() != y.b.size() || x.W != y.W || x.b != y.b) {
            return false;
        }
    }
    return true;
}

}  // namespace

TrainingController::TrainingController(Document* doc, TrainingService::BackendFactory factory,
                                       QObject* parent)
    : QObject(parent),
      m_doc(doc),
      m_service(std::make_unique<TrainingService>(std::move(factory))) {
    m_committed = m_doc->network();
    connect(m_service.get(), &TrainingService::progressed, this, [this] { onProgress(); });
    connect(m_service.get(), &TrainingService::stopped, this,
            [this](const QString& reason, bool failure) { onStopped(reason, failure); });
    connect(m_service.get(), &TrainingService::changed, this,
            [this](const QString& text, bool failure) {
                emit message(failure ? text : tr("Training: %1").arg(text), failure);
            });
    connect(m_doc, &Document::networkChanged, this,
            [this](EditHint hint) { onDocumentNetwork(hint); });
    connect(m_doc, &Document::dataChanged, this, [this] {
        if (!m_haveRun || m_resumeFrom >= 0) return;
        const std::shared_ptr<const Dataset> data = m_doc->data();
        if (!data || data->size() == 0 || data->inputs() != m_doc->network().inputs) {
            // Nothing left to train on: the run ends here (its network stays).
            pause();
            m_service->clear();
            m_haveRun = false;
            emit progressed();
            return;
        }
        m_service->changeData(data);
    });
    connect(m_doc, &Document::trainingSettingsChanged, this, [this] {
        const TrainingSettings& s = m_doc->trainingSettings();
        if (m_haveRun && m_resumeFrom < 0) m_service->changeSettings(s);
        if (m_playing) {
            m_playTarget = s.stopAtEpochs ? m_playStart + std::max(1, s.epochs) : 0;
            m_service->setEpochLimit(m_playTarget);
            emit progressed();
        }
    });
    // Before every user edit (and undo/redo): the run segment so far becomes its own undo step;
    // the run goes on (onDocumentNetwork hands it the edited network).
    m_doc->setEditGuard([this] {
        if (m_shownEpoch >= 0)
            endScrub();
        else
            commitSegment();
    });
}

TrainingController::~TrainingController() {
    m_doc->setEditGuard({});
    m_service->pause();
}

void TrainingController::onDocumentNetwork(EditHint hint) {
    if (hint.training) return;
    // An edit, undo or another file: the network a later segment starts from and goes back to.
    m_committed = m_doc->network();
    m_shown = false;
    if (m_haveRun && m_resumeFrom < 0) m_service->changeNetwork(m_doc->network());
}

bool TrainingController::ensureRun() {
    if (m_haveRun && m_service->diverged()) {
        // After a divergence (and perhaps a smaller rate) the run goes on from the last finite
        // parameters, the window's network, with its history and a fresh optimizer state.
        const auto latest = m_service->latest();
        m_resumeFrom = latest ? latest->epoch : 0;
        return continueFromShown(false);
    }
    if (m_haveRun) return true;
    const std::shared_ptr<const Dataset> data = m_doc->data();
    if (!data || data->size() == 0) {
        emit message(tr("No data to train on: generate a data set or import a CSV (Data dock)"),
                     true);
        return false;
    }
    QString error;
    if (!m_service->start(m_doc->network(), data, m_doc->trainingSettings(), &error)) {
        emit message(tr("Cannot train: %1").arg(error), true);
        return false;
    }
    m_committed = m_doc->network();
    m_haveRun = true;
    m_resumeFrom = -1;
    return true;
}

void TrainingController::setPlaying(bool on) {
    if (m_playing == on) return;
    m_playing = on;
    emit runningChanged(on);
}

bool TrainingController::play() {
    if (m_playing) return true;
    if (m_busy) pause();
    // Play while the timeline shows an earlier epoch trains on from there.
    if (m_shownEpoch >= 0 || m_resumeFrom >= 0) return continueFromShown();
    if (!ensureRun()) return false;
    const TrainingSettings& s = m_doc->trainingSettings();
    const auto snap = m_service->latest();
    const int now = snap ? snap->epoch : 0;
    // A lesson's Play paused before its epochs goes on to them; after them it trains as many more.
    if (!s.stopAtEpochs) {
        m_playTarget = 0;
        m_playStart = now;
    } else if (m_playTarget <= now || m_playTarget - m_playStart != std::max(1, s.epochs)) {
        m_playStart = now;
        m_playTarget = now + std::max(1, s.epochs);
    }
    m_service->setEpochLimit(m_playTarget);
    m_service->play();
    setPlaying(true);
    emit progressed();
    return true;
}

bool TrainingController::togglePlay() {
    if (m_playing || m_busy) {
        pause();
        return true;
    }
    return play();
}

void TrainingController::pause() {
    if (!m_playing && !m_busy && !m_service->running()) return;
    m_service->pause();  // the worker's last snapshot holds the final parameters
    m_busy = false;
    showLatest();
    commitSegment();
    setPlaying(false);
    emit progressed();
}

void TrainingController::onStopped(const QString& reason, bool failure) {
    if (m_playing || m_busy) {
        showLatest();
        commitSegment();
        // A command given while this one ran (Play during Epoch, say) is under way.
        if (!m_service->running()) {
            m_busy = false;
            setPlaying(false);
        }
    }
    if (!reason.isEmpty())
        emit message(failure ? reason : tr("Training paused: %1").arg(reason), failure);
    emit progressed();
}

bool TrainingController::step() {
    if (m_playing) pause();
    if (m_shownEpoch >= 0) endScrub();
    if (m_resumeFrom >= 0 && !continueFromShown(false)) return false;
    if (!ensureRun()) return false;
    m_busy = true;
    m_service->stepOnce();
    return true;
}

bool TrainingController::epoch() {
    if (m_playing) pause();
    if (m_shownEpoch >= 0) endScrub();
    if (m_resumeFrom >= 0 && !continueFromShown(false)) return false;
    if (!ensureRun()) return false;
    m_busy = true;
    m_service->epochOnce();
    return true;
}

void TrainingController::reset() {
    pause();
    m_playTarget = 0;
    m_playStart = 0;
    m_service->clear();
    m_haveRun = false;
    m_shownEpoch = -1;
    m_resumeFrom = -1;
    m_doc->reinitialize(m_doc->trainingSettings().seed);
    m_committed = m_doc->network();
    emit progressed();
}

void TrainingController::forget() {
    pause();
    m_playTarget = 0;
    m_playStart = 0;
    m_service->clear();
    m_haveRun = false;
    m_shownEpoch = -1;
    m_resumeFrom = -1;
    m_shown = false;
    emit progressed();
}

bool TrainingController::running() const {
    return m_playing || m_busy;
}

bool TrainingController::showLatest() {
    const std::shared_ptr<const TrainingSnapshot> snap = m_service->latest();
    if (!snap || !snap->network || m_shownEpoch >= 0) return false;
    // A snapshot taken before the latest edit reached the run would show the edit undone.
    if (snap->generation < m_service->generation()) return false;
    // Paused and nothing moved (a setting changed): the maps need no new frame.
    if (!m_playing && !m_busy && sameParameters(*snap->network, m_doc->network())) return false;
    m_doc->showTrainingNetwork(*snap->network);
    m_shown = true;
    return true;
}

void TrainingController::onProgress() {
    showLatest();
    emit progressed();
}

void TrainingController::commitSegment() {
    // Only parameters that training showed become an undo step.
    if (!m_shown) return;
    m_shown = false;
    if (sameParameters(m_doc->network(), m_committed)) return;
    const auto snap = m_service->latest();
    const QString text =
        snap ? tr("Train to epoch %1 (step %2)").arg(snap->epoch).arg(snap->step) : tr("Train");
    m_doc->commitTraining(m_committed, text);
    m_committed = m_doc->network();
}

std::shared_ptr<const TrainingSnapshot> TrainingController::snapshot() const {
    return m_service->latest();
}

void TrainingController::showEpoch(int epoch) {
    if (running()) pause();
    const std::vector<Timeline::Entry> timeline = m_service->timeline();
    if (timeline.empty()) return;
    commitSegment();
    const Timeline::Entry* best = &timeline.front();
    for (const Timeline::Entry& e : timeline)
        if (e.epoch <= epoch) best = &e;
    m_shownEpoch = best->epoch;
    m_doc->showTrainingNetwork(*best->network);
    m_shown = true;
    emit progressed();
}

void TrainingController::endScrub() {
    if (m_shownEpoch < 0) return;
    const int shown = m_shownEpoch;
    m_shownEpoch = -1;
    m_shown = false;
    // The run's own end shown again: nothing to go back to.
    const auto snap = m_service->latest();
    if (snap && snap->network && sameParameters(*snap->network, m_doc->network())) return;
    if (!sameParameters(m_doc->network(), m_committed))
        m_doc->commitTraining(m_committed, tr("Go back to epoch %1").arg(shown));
    m_committed = m_doc->network();
    // Play from here continues from the shown epoch with a fresh optimizer state.
    m_resumeFrom = shown;
}

bool TrainingController::continueFromShown(bool andPlay) {
    const auto latest = m_service->latest();
    int shown = m_shownEpoch >= 0 ? m_shownEpoch : m_resumeFrom;
    if (shown < 0) shown = latest ? latest->epoch : 0;
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
    m_resumeFrom = -1;
    m_playTarget = 0;
    emit message(tr("Training continues from epoch %1; the optimizer state restarted").arg(shown),
                 false);
    if (!andPlay) return true;
    return play();
}

void TrainingController::setEpochsPerSecond(double rate) {
    m_service->setEpochsPerSecond(rate);
}

}  // namespace nnlens::model
