// MapService: a LatestWorker owns the grid evaluator and computes the newest request (edit hints
// merged); each finished frame (a MapSet copy the GUI may read freely) is sent by a queued signal.
#include "map_service.hpp"

#include <QMetaType>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <new>
#include <utility>

#include "core/error.hpp"
#include "core/file_io.hpp"
#include "core/limits.hpp"
#include "core/map_budget.hpp"

namespace nnlens::model {

namespace {

// The hint from the last processed network to the newest one, given the hints of two consecutive
// requests: the earliest layer, one node only when both touched the same node.
EditHint mergeHints(const EditHint& a, const EditHint& b) {
    EditHint h;
    h.shape = a.shape || b.shape;
    h.layer = std::min(a.layer, b.layer);
    h.node = (a.layer == b.layer && a.node == b.node && a.node >= 0) ? a.node : -1;
    return h;
}

bool sameConfig(const GridConfig& a, const GridConfig& b) {
    return a.n == b.n && a.range == b.range && a.bins == b.bins;
}

}  // namespace

int largestMapGrid(std::int64_t nodes, double budget) {
    return static_cast<int>(
        std::clamp<std::int64_t>(largestGrid(nodes, 12.0, budget), kMinGrid, kMaxGrid));
}

MapService::MapService(std::unique_ptr<Backend> backend, QObject* parent)
    : QObject(parent), m_backend(backend ? std::move(backend) : std::make_unique<CpuBackend>()) {
    qRegisterMetaType<std::shared_ptr<const MapFrame>>();
    qRegisterMetaType<EditHint>();
    m_worker.start(
        [this](Request& req, std::uint64_t generation) { return compute(req, generation); },
        [this](std::shared_ptr<const MapFrame> frame) { emit frameReady(std::move(frame)); },
        [](const Request& older, Request& newer) {
            newer.hint = mergeHints(older.hint, newer.hint);
        });
}

MapService::~MapService() {
    m_worker.stop();
}

std::uint64_t MapService::request(const Network& net, EditHint hint,
                                  std::optional<float> fixedLimit, int maxGrid) {
    // Copied outside the worker's lock: a large network must not stall the worker.
    return m_worker.submit(Request{net, hint, fixedLimit, maxGrid});
}

void MapService::setMemoryBudget(double bytes) {
    std::lock_guard lock(m_settingsMutex);
    m_budget = bytes;
}

void MapService::setBackend(std::unique_ptr<Backend> backend) {
    std::lock_guard lock(m_settingsMutex);
    m_nextBackend = backend ? std::move(backend) : std::make_unique<CpuBackend>();
    m_backendChanged = true;
}

QString MapService::backendName() const {
    std::lock_guard lock(m_settingsMutex);
    const Backend* b = m_nextBackend ? m_nextBackend.get() : m_backend.get();
    const std::string_view name = b->name();
    return QString::fromUtf8(name.data(), static_cast<qsizetype>(name.size()));
}

std::shared_ptr<const MapFrame> MapService::latest() const {
    return m_worker.latest();
}

bool MapService::waitFor(std::uint64_t generation, int timeoutMs) {
    return m_worker.waitFor(generation, timeoutMs);
}

std::shared_ptr<const MapFrame> MapService::compute(Request& req, std::uint64_t generation) {
    std::unique_ptr<Backend> retired;
    double budget = 0.0;
    {
        std::lock_guard lock(m_settingsMutex);
        if (m_backendChanged) {
            m_evaluator.reset();  // before its backend goes
            if (m_nextBackend) {
                retired = std::move(m_backend);
                m_backend = std::move(m_nextBackend);
            }
            m_backendChanged = false;
            m_haveMaps = false;
        }
        budget = m_budget;
    }
    retired.reset();  // outside the lock: a device backend may take a while to close

    const auto start = std::chrono::steady_clock::now();
    auto frame = std::make_shared<MapFrame>();
    frame->generation = generation;
    QString failure;
    try {
        const Network& net = req.net;
        const int layers = static_cast<int>(net.layers.size());
        if (net.inputs != 2 || layers == 0) {
            m_maps = figures::MapSet{};
            m_haveMaps = false;
        } else {
            if (!m_evaluator) m_evaluator = m_backend->gridEvaluator();
            GridConfig cfg = net.view;
            if (req.maxGrid > 0) cfg.n = std::min(cfg.n, req.maxGrid);
            // A file's "view": {"grid": 4096} (or a grid that a new layer makes too large)
            // would take gigabytes: drawn at the grid that fits, and said so (#19).
            const std::int64_t nodes = nodeCount(net);
            const int fits = largestMapGrid(nodes, budget);
            if (cfg.n > fits) {
                const double need = 12.0 * cfg.n * cfg.n * static_cast<double>(nodes);
                frame->note =
                    QStringLiteral(
                        "maps at %1 x %1 points: %2 x %2 would need %3 for %4 "
                        "nodes (the maps keep within %5)")
                        .arg(fits)
                        .arg(cfg.n)
                        .arg(QString::fromStdString(byteSize(static_cast<std::int64_t>(need))))
                        .arg(nodes)
                        .arg(QString::fromStdString(byteSize(static_cast<std::int64_t>(budget))));
                cfg.n = fits;
            }
            const bool full = !m_haveMaps || req.hint.shape || !sameConfig(cfg, m_lastConfig) ||
                              req.hint.layer < 0 || req.hint.layer >= layers;
            m_haveMaps = false;  // until this request has succeeded
            if (full) {
                m_evaluator->compute(net, cfg);
                m_maps = figures::makeMapSet(m_evaluator->maps(), req.fixedLimit);
                frame->firstLayer = 0;
            } else {
                const float vlim = m_maps.vlim;
                m_evaluator->update(net, req.hint.layer, req.hint.node);
                figures::updateMapSet(m_maps, m_evaluator->maps(), req.hint.layer, req.fixedLimit);
                // A new colour limit recolours every layer.
                frame->firstLayer = m_maps.vlim == vlim ? req.hint.layer : 0;
            }
            m_lastConfig = cfg;
            m_haveMaps = true;
        }
        frame->maps = m_maps;
    } catch (const InputError& e) {
        failure = QString::fromStdString(e.what());
    } catch (const BackendFailure& e) {
        failure = QStringLiteral("map engine failed: %1").arg(QString::fromStdString(e.what()));
    } catch (const std::bad_alloc&) {
        failure = QStringLiteral("not enough memory for the maps (try a smaller grid)");
    } catch (const std::exception& e) {
        failure = QString::fromStdString(e.what());
    }
    frame->computeMs =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();

    if (!failure.isEmpty()) {
        // A frame that says so, for the network that failed: the views never keep the
        // previous network's maps beside the new one's formula.
        m_haveMaps = false;
        m_maps = figures::MapSet{};
        frame->maps = figures::MapSet{};
        frame->failure = failure;
        frame->note.clear();
        emit failed(failure);
    }

    frame->network = std::make_shared<const Network>(std::move(req.net));
    return frame;
}

}  // namespace nnlens::model
