// FallbackBackend: a device failure is reported once and the work goes on on the CPU with the same
// network state.
#include <QTest>

#include "compare.hpp"
#include "core/backend.hpp"
#include "core/error.hpp"
#include "core/fallback_backend.hpp"
#include "core/trainer.hpp"

using namespace nnlens;

namespace {

// A "device" that is the CPU until its budget of calls runs out, then fails like a lost GPU.
struct Budget {
    int calls = 0;
    int failAt = 1 << 30;
    void spend(const char* what) {
        if (++calls >= failAt) {
            throw BackendFailure(std::string(what) + ": out of memory (forced)");
        }
    }
};

class FlakySession final : public TrainingSession {
  public:
    FlakySession(std::unique_ptr<TrainingSession> inner, Budget& b)
        : m_inner(std::move(inner)), m_budget(b) {}
    StepResult step(std::span<const int> rows) override {
        m_budget.spend("step");
        return m_inner->step(rows);
    }
    float evaluate(std::span<const int> rows) override {
        m_budget.spend("evaluate");
        return m_inner->evaluate(rows);
    }
    float learningRate() const override { return m_inner->learningRate(); }
    void setLearningRate(float lr) override { m_inner->setLearningRate(lr); }
    void saveState() override { m_inner->saveState(); }
    void restoreState() override { m_inner->restoreState(); }
    // A real device keeps a host copy of its last good step; the wrapped CPU session is that.
    Network network() const override { return m_inner->network(); }
    void setParameters(const Network& net) override {
        m_budget.spend("setParameters");
        m_inner->setParameters(net);
    }

  private:
    std::unique_ptr<TrainingSession> m_inner;
    Budget& m_budget;
};

class FlakyGrid final : public GridEvaluator {
  public:
    explicit FlakyGrid(Budget& b) : m_budget(b), m_inner(CpuBackend().gridEvaluator()) {}
    void compute(const Network& net, const GridConfig& cfg) override {
        m_budget.spend("grid");
        m_inner->compute(net, cfg);
    }
    void update(const Network& net, int layer, int node) override {
        m_budget.spend("grid update");
        m_inner->update(net, layer, node);
    }
    const GridMaps& maps() const override { return m_inner->maps(); }

  private:
    Budget& m_budget;
    std::unique_ptr<GridEvaluator> m_inner;
};

class FlakyBackend final : public Backend {
  public:
    explicit FlakyBackend(Budget& b) : m_budget(b) {}
    std::string_view name() const override { return "flaky"; }
    Trace forward(const Network& net, const Matrix& x) override {
        m_budget.spend("forward");
        return m_cpu.forward(net, x);
    }
    Gradients gradients(const Network& net, const Dataset& data, LossConfig loss) override {
        m_budget.spend("gradients");
        return m_cpu.gradients(net, data, loss);
    }
    std::unique_ptr<TrainingSession> startTraining(const Network& net, const Dataset& data,
                                                   LossConfig loss, OptimizerConfig opt) override {
        return std::make_unique<FlakySession>(m_cpu.startTraining(net, data, loss, opt), m_budget);
    }
    std::unique_ptr<GridEvaluator> gridEvaluator() override {
        return std::make_unique<FlakyGrid>(m_budget);
    }

  private:
    Budget& m_budget;
    CpuBackend m_cpu;
};

Dataset line(int n) {
    Dataset d;
    d.x.resize(n, 2);
    d.y.resize(n, 1);
    for (int i = 0; i < n; ++i) {
        d.x(i, 0) = float(i) / float(n);
        d.x(i, 1) = 1.0f - float(i) / float(n);
        d.y(i, 0) = 0.5f * d.x(i, 0) - 0.25f;
    }
    return d;
}

}  // namespace

class TestFallbackBackend : public QObject {
    Q_OBJECT

  private slots:
    void reportsOnceAndUsesTheCpu() {
        Budget budget;
        budget.failAt = 2;
        QStringList reports;
        FallbackBackend be(std::make_unique<FlakyBackend>(budget), std::make_unique<CpuBackend>(),
                           [&](const std::string& s) { reports << QString::fromStdString(s); });
        const Network net =
            Network::initialized(2, {{3, Activation::Tanh}, {1, Activation::Linear}}, 1);
        const Matrix x = line(5).x;
        QCOMPARE(be.name(), std::string_view("flaky"));
        const Trace first = be.forward(net, x);   // call 1: fine
        const Trace second = be.forward(net, x);  // call 2: fails, redone on the CPU
        const Trace third = be.forward(net, x);
        QCOMPARE(second.output(), first.output());
        QCOMPARE(third.output(), first.output());
        QCOMPARE(reports.size(), 1);
        QCOMPARE(
            reports[0],
            QString(
                "flaky backend failed (forward: out of memory (forced)); continuing on the cpu"));
        QCOMPARE(be.name(), std::string_view("cpu"));
        QVERIFY(be.failedOver());
    }

    void trainingContinuesFromTheLastGoodStep() {
        const Dataset d = line(40);
        const Network net =
            Network::initialized(2, {{4, Activation::Tanh}, {1, Activation::Linear}}, 3);
        TrainConfig cfg;
        cfg.batch = 40;
        cfg.steps = 12;
        cfg.shuffle = false;
        // Reference: sgd on the CPU throughout (sgd has no state, so the switch is seamless).
        auto ref = CpuBackend().startTraining(net, d, {Loss::Mse, Reduction::Mean},
                                              {OptimizerKind::Sgd, 0.1f});
        const TrainResult expected = train(*ref, d.size(), cfg);

        Budget budget;
        budget.failAt = 6;  // the sixth step fails on the "device"
        int reports = 0;
        FallbackBackend be(std::make_unique<FlakyBackend>(budget), std::make_unique<CpuBackend>(),
                           [&](const std::string&) { ++reports; });
        auto session =
            be.startTraining(net, d, {Loss::Mse, Reduction::Mean}, {OptimizerKind::Sgd, 0.1f});
        const TrainResult got = train(*session, d.size(), cfg);
        QCOMPARE(reports, 1);
        QCOMPARE(got.steps, expected.steps);
        NNLENS_COMPARE_CLOSE(got.trainLoss, expected.trainLoss, expected.trainLoss.size(), 0, 0);
        const Network a = session->network(), b = ref->network();
        QCOMPARE(a.layers[0].W, b.layers[0].W);
        QCOMPARE(a.layers[1].b, b.layers[1].b);
    }

    void gridMapsFallBack() {
        Budget budget;
        budget.failAt = 2;
        int reports = 0;
        FallbackBackend be(std::make_unique<FlakyBackend>(budget), std::make_unique<CpuBackend>(),
                           [&](const std::string&) { ++reports; });
        Network net = Network::initialized(2, {{4, Activation::Tanh}, {1, Activation::Tanh}}, 5);
        auto grid = be.gridEvaluator();
        grid->compute(net, {20, 2.0, 10});
        net.layers[1].W(2, 0) += 1.0f;
        grid->update(net, 1, 0);  // fails on the device, recomputed on the CPU
        auto fresh = CpuBackend().gridEvaluator();
        fresh->compute(net, {20, 2.0, 10});
        QCOMPARE(grid->maps().out[1], fresh->maps().out[1]);
        QCOMPARE(reports, 1);
    }
};

QTEST_GUILESS_MAIN(TestFallbackBackend)
#include "tst_fallback_backend.moc"
