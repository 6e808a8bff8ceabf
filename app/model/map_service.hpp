// MapService: computes the grid maps off the GUI thread. Requests coalesce (the newest wins, edit
// hints merge), so a slider drag never queues up stale work; finished frames arrive by signal.
#pragma once

#include <QObject>

#include <memory>
#include <mutex>
#include <optional>

#include "core/backend.hpp"
#include "core/limits.hpp"
#include "core/network.hpp"
#include "document.hpp"
#include "figures/map_set.hpp"
#include "latest_worker.hpp"

namespace nnlens::model {

struct MapFrame {
    figures::MapSet maps;
    std::shared_ptr<const Network> network;  // the network the maps were computed from
    std::uint64_t generation = 0;            // the request's generation
    double computeMs = 0.0;                  // engine update + colouring, on the worker
    int firstLayer = 0;  // layers before this one are unchanged since the last frame
    // Why the grid is coarser than the file's: the file's grid would pass the maps' memory
    // budget ("maps at 1118 x 1118 points: 4096 x 4096 would need 5.1 GB ..."); else empty.
    QString note;
    // Why there are no maps (empty maps, `network` the one that failed); else empty. The views
    // say it where the maps would be, never keeping another network's maps beside it.
    QString failure;
};

// The largest grid side whose maps of `nodes` nodes keep within `budget` bytes (12 a point and
// node: s, out and the coloured image).
int largestMapGrid(std::int64_t nodes, double budget = kMapMemoryBudget);

class MapService : public QObject {
    Q_OBJECT

  public:
    // `backend` makes the grid evaluator (CpuBackend when null).
    explicit MapService(std::unique_ptr<Backend> backend = nullptr, QObject* parent = nullptr);
    ~MapService() override;  // stops and joins the worker

    // Queues a recompute of `net` (copied). Returns the request's generation. A network that
    // cannot have maps (inputs != 2, no layers) yields a frame with an empty MapSet; a failed
    // one a frame with `failure` set (and failed()). A grid past the memory budget is drawn at
    // largestMapGrid() (frame.note says so), wherever it came from. `maxGrid` > 0
    // caps the grid's side for this frame (a draft while training plays; the frame's
    // maps.config says the side used).
    std::uint64_t request(const Network& net, EditHint hint,
                          std::optional<float> fixedLimit = std::nullopt, int maxGrid = 0);
    // The bytes the maps may take (kMapMemoryBudget; tests set a small one).
    void setMemoryBudget(double bytes);
    // Swaps the engine (the next request recomputes everything).
    void setBackend(std::unique_ptr<Backend> backend);
    QString backendName() const;

    std::shared_ptr<const MapFrame> latest() const;
    // Blocks until the frame of `generation` (or a newer one) is done; for tests and the bench.
    bool waitFor(std::uint64_t generation, int timeoutMs = 10000);

  signals:
    // Queued to the receiver's thread; only the newest frame is sent.
    void frameReady(std::shared_ptr<const nnlens::model::MapFrame> frame);
    void failed(const QString& message);

  private:
    struct Request {
        Network net;
        EditHint hint;
        std::optional<float> fixedLimit;
        int maxGrid = 0;
    };
    // On the worker: the frame of `req`, updating the maps it keeps from the last one.
    std::shared_ptr<const MapFrame> compute(Request& req, std::uint64_t generation);

    // Guards the settings below, which the worker reads before each request.
    mutable std::mutex m_settingsMutex;
    std::unique_ptr<Backend> m_backend;  // the worker's engine; swapped only by the worker
    // setBackend()'s engine, taken over by the worker before its next request (the evaluator
    // made by the old engine is destroyed first, so it never outlives its backend).
    std::unique_ptr<Backend> m_nextBackend;
    bool m_backendChanged = true;
    double m_budget = kMapMemoryBudget;

    // The worker's own state, touched by compute() only.
    std::unique_ptr<GridEvaluator> m_evaluator;
    figures::MapSet m_maps;  // each frame gets a copy
    GridConfig m_lastConfig;
    bool m_haveMaps = false;  // the evaluator holds the maps of the last processed network

    LatestWorker<Request, MapFrame> m_worker;  // last: stopped before the state above goes
};

}  // namespace nnlens::model

Q_DECLARE_METATYPE(std::shared_ptr<const nnlens::model::MapFrame>)
