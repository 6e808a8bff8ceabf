// Tests of nnlens-cli trace, init and dataset normal (spec section 8): runs the real binary and
// checks the notebook's printed lines, the JSON's keys and shapes against brute force, the loss
// scale, the messages and exit codes, and the files' round trips.
#include <QByteArray>
#include <QFile>
#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "compare.hpp"
#include "core/file_io.hpp"
#include "core/network_io.hpp"
#include "reference.hpp"

// Ordered, so that the keys' order is the file's.
using json = nlohmann::ordered_json;

namespace {

struct CliResult {
    int code = -1;  // -1 when the process crashed or timed out
    QByteArray out;
    QByteArray err;
};

const QString kPresets = QStringLiteral(NNLENS_SOURCE_DIR "/resources/presets/");
const QString kPrimer = kPresets + "pytorch-primer-8-4-3-2.nnlens.json";
const QString kStatistical = kPresets + "statistical-perspective.nnlens.json";

// The notebook's printed lines ("PyTorch Primer" and "Statistical Perspective"), typed in.
const QByteArray kPrimerForward =
    "0: IN (100, 8) OUT (100, 4)\n"
    "1: IN (100, 4) OUT (100, 4)\n"
    "2: IN (100, 4) OUT (100, 3)\n"
    "3: IN (100, 3) OUT (100, 3)\n"
    "4: IN (100, 3) OUT (100, 2)\n";
const QByteArray kPrimerBackward =
    "4: GRAD (100, 2)\n"
    "3: GRAD (100, 3)\n"
    "2: GRAD (100, 3)\n"
    "1: GRAD (100, 4)\n"
    "0: GRAD (100, 4)\n";
const QByteArray kStatisticalForward =
    "0: IN (500, 100) OUT (500, 200)\n"
    "1: IN (500, 200) OUT (500, 200)\n"
    "2: IN (500, 200) OUT (500, 100)\n"
    "3: IN (500, 100) OUT (500, 100)\n"
    "4: IN (500, 100) OUT (500, 10)\n";
const QByteArray kStatisticalBackward =
    "4: GRAD (500, 10)\n"
    "3: GRAD (500, 100)\n"
    "2: GRAD (500, 100)\n"
    "1: GRAD (500, 200)\n"
    "0: GRAD (500, 200)\n";

bool parseJson(const QByteArray& text, json& out) {
    out = json::parse(text.toStdString(), nullptr, false);
    return !out.is_discarded();
}

std::vector<std::string> keys(const json& object) {
    std::vector<std::string> k;
    for (auto it = object.begin(); it != object.end(); ++it)
        k.push_back(it.key());
    return k;
}

// The values of a CSV without its header, row by row.
std::vector<float> csvValues(const QByteArray& text, int* columns) {
    std::vector<float> values;
    const QList<QByteArray> lines = text.trimmed().split('\n');
    *columns = static_cast<int>(lines.front().split(',').size());
    for (int i = 1; i < lines.size(); ++i) {
        for (const QByteArray& field : lines[i].split(','))
            values.push_back(std::strtof(field.constData(), nullptr));
    }
    return values;
}

}  // namespace

class TestCliTrace : public QObject {
    Q_OBJECT

  private slots:
    void init();
    void cleanup();

    void help_data();
    void help();
    void notebookText_data();
    void notebookText();
    void jsonKeysAndShapes_data();
    void jsonKeysAndShapes();
    void lossScale();
    void toFile();
    void initRoundTrip();
    void datasetNormal();
    void badInput_data();
    void badInput();

  private:
    QString path(const QString& name) const { return m_dir->filePath(name); }
    QByteArray readFile(const QString& name) const;
    // Runs nnlens-cli; "%D" in an argument stands for the temporary folder.
    CliResult run(const QStringList& args) const;
    // dataset normal --n N --dim D --seed S -o %D/<name>.
    void normalData(const QString& name, int n, int dim, int seed = 1);

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestCliTrace::init() {
    qputenv("CUDA_VISIBLE_DEVICES", "");  // the command line, not the device, is under test
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestCliTrace::cleanup() {
    m_dir.reset();
}

QByteArray TestCliTrace::readFile(const QString& name) const {
    QFile f(path(name));
    if (!f.open(QIODevice::ReadOnly)) return {};
    return f.readAll();
}

CliResult TestCliTrace::run(const QStringList& args) const {
    QStringList expanded;
    for (const QString& a : args)
        expanded << QString(a).replace("%D", m_dir->path());
    QProcess p;
    p.setProgram(QStringLiteral(NNLENS_CLI_PATH));
    p.setArguments(expanded);
    p.start();
    CliResult r;
    if (!p.waitForFinished(120000)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    if (p.exitStatus() == QProcess::NormalExit) r.code = p.exitCode();
    return r;
}

void TestCliTrace::normalData(const QString& name, int n, int dim, int seed) {
    const CliResult r =
        run({"dataset", "normal", "--n", QString::number(n), "--dim", QString::number(dim),
             "--seed", QString::number(seed), "-o", "%D/" + name});
    QVERIFY2(r.code == 0, r.err.constData());
}

void TestCliTrace::help_data() {
    QTest::addColumn<QString>("command");
    QTest::newRow("trace") << "trace";
    QTest::newRow("init") << "init";
    QTest::newRow("dataset") << "dataset";
}

// Help for each new command, lines within 80 columns, listed in the command list.
void TestCliTrace::help() {
    QFETCH(QString, command);
    const CliResult r = run({command, "--help"});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.startsWith("Usage: nnlens-cli " + command.toUtf8()), r.out.constData());
    for (const QByteArray& line : r.out.split('\n'))
        QVERIFY2(line.size() <= 80, line.constData());
    const CliResult list = run({"--help"});
    QVERIFY(list.out.contains("\n  " + command.toUtf8() + " "));
}

void TestCliTrace::notebookText_data() {
    QTest::addColumn<QString>("net");
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("dim");
    QTest::addColumn<QStringList>("extra");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("8-4-3-2, N 100, forward")
        << kPrimer << 100 << 8 << QStringList{} << kPrimerForward;
    QTest::newRow("8-4-3-2, N 100, loss mse")
        << kPrimer << 100 << 8 << QStringList{"--loss", "mse"} << kPrimerForward + kPrimerBackward;
    QTest::newRow("100-200-100-10, N 500, forward")
        << kStatistical << 500 << 100 << QStringList{} << kStatisticalForward;
    QTest::newRow("100-200-100-10, N 500, loss mse")
        << kStatistical << 500 << 100 << QStringList{"--loss", "mse"}
        << kStatisticalForward + kStatisticalBackward;
    QTest::newRow("100-200-100-10, N 500, 100 * loss")
        << kStatistical << 500 << 100 << QStringList{"--loss", "mse", "--loss-scale", "100"}
        << kStatisticalForward + kStatisticalBackward;
}

// trace --text prints exactly the notebook's trace(net, verbose=True) lines.
void TestCliTrace::notebookText() {
    QFETCH(QString, net);
    QFETCH(int, n);
    QFETCH(int, dim);
    QFETCH(QStringList, extra);
    QFETCH(QByteArray, expected);
    normalData("x.csv", n, dim);
    const CliResult r = run(QStringList{"trace", net, "--data", "%D/x.csv", "--text"} + extra);
    QVERIFY2(r.code == 0, r.err.constData());
    QCOMPARE(r.out, expected);
    QVERIFY2(r.err.isEmpty(), r.err.constData());
}

void TestCliTrace::jsonKeysAndShapes_data() {
    QTest::addColumn<bool>("withLoss");
    QTest::addColumn<int>("bins");
    QTest::newRow("forward only, 20 bins") << false << 20;
    QTest::newRow("loss mse, default bins") << true << 50;
}

// The spec's JSON: keys in order, shapes, histograms that count every value; module 0's input
// summarised as brute force computes it from the CSV; with mse against zero targets the loss is
// mean(Xout ** 2) of what `forward` prints.
void TestCliTrace::jsonKeysAndShapes() {
    QFETCH(bool, withLoss);
    QFETCH(int, bins);
    normalData("x.csv", 100, 8, 3);
    QStringList args{"trace", kPrimer, "--data", "%D/x.csv"};
    if (withLoss)
        args << "--loss"
             << "mse";
    if (bins != 50) args << "--bins" << QString::number(bins);
    const CliResult r = run(args);
    QVERIFY2(r.code == 0, r.err.constData());
    json j;
    QVERIFY(parseJson(r.out, j));
    QCOMPARE(keys(j), (std::vector<std::string>{"backend", "loss", "modules"}));
    QCOMPARE(j["backend"].get<std::string>(), std::string("cpu"));
    QCOMPARE(j["loss"].is_null(), !withLoss);

    const std::vector<std::string> kinds = {"linear", "relu", "linear", "relu", "linear"};
    const int widths[] = {8, 4, 4, 3, 3, 2};  // the modules' inputs, then the last output
    const int layerWidths[] = {8, 4, 3, 2};
    QCOMPARE(j["modules"].size(), kinds.size());
    const std::vector<std::string> summaryKeys = {"mean", "std", "min", "max", "hist"};
    for (std::size_t m = 0; m < kinds.size(); ++m) {
        const json& mod = j["modules"][m];
        const bool linear = kinds[m] == "linear";
        std::vector<std::string> expected = {"index", "kind", "in_shape", "out_shape",
                                             "in",    "out",  "grad"};
        if (linear) {
            for (const char* k : {"weight", "bias", "weight_grad", "bias_grad"})
                expected.emplace_back(k);
        }
        QCOMPARE(keys(mod), expected);
        QCOMPARE(mod["index"].get<std::size_t>(), m);
        QCOMPARE(mod["kind"].get<std::string>(), kinds[m]);
        QVERIFY(mod["in_shape"] == json::array({100, widths[m]}));
        QVERIFY(mod["out_shape"] == json::array({100, widths[m + 1]}));
        // Each summary: keys, bins + 1 edges from min to max, counts of every value.
        auto checkSummary = [&](const char* name, std::int64_t values) {
            const json& s = mod[name];
            QVERIFY2(s.is_object(), name);
            QCOMPARE(keys(s), summaryKeys);
            QCOMPARE(keys(s["hist"]), (std::vector<std::string>{"edges", "counts"}));
            QCOMPARE(s["hist"]["edges"].size(), std::size_t(bins + 1));
            QCOMPARE(s["hist"]["counts"].size(), std::size_t(bins));
            std::int64_t total = 0;
            for (const json& c : s["hist"]["counts"])
                total += c.get<std::int64_t>();
            QCOMPARE(total, values);
            QCOMPARE(s["hist"]["edges"].front().get<double>(), s["min"].get<double>());
            QCOMPARE(s["hist"]["edges"].back().get<double>(), s["max"].get<double>());
            QVERIFY(s["std"].get<double>() > 0.0);
        };
        checkSummary("in", 100 * widths[m]);
        checkSummary("out", 100 * widths[m + 1]);
        if (withLoss) {
            checkSummary("grad", 100 * widths[m + 1]);
        } else {
            QVERIFY(mod["grad"].is_null());
        }
        if (linear) {
            const int layer = static_cast<int>(m / 2);
            const int nIn = layerWidths[layer];
            const int nOut = layerWidths[layer + 1];
            checkSummary("weight", nIn * nOut);
            checkSummary("bias", nOut);
            // PyTorch's bound, |W| <= n_in^-1/2.
            QVERIFY(mod["weight"]["max"].get<double>() <= 1.0 / std::sqrt(nIn) + 1e-7);
            if (withLoss) {
                checkSummary("weight_grad", nIn * nOut);
                checkSummary("bias_grad", nOut);
            } else {
                QVERIFY(mod["weight_grad"].is_null() && mod["bias_grad"].is_null());
            }
        }
    }

    // Module 0's input is the data: brute force over the CSV's values.
    int columns = 0;
    const std::vector<float> x = csvValues(readFile("x.csv"), &columns);
    QCOMPARE(columns, 8);
    long double sum = 0.0L;
    for (const float v : x)
        sum += v;
    const double mean = static_cast<double>(sum / x.size());
    long double sq = 0.0L;
    for (const float v : x)
        sq += (v - mean) * (v - mean);
    const json& in = j["modules"][0]["in"];
    NNLENS_CLOSE(in["mean"].get<double>(), mean, 1e-15, 1e-12);
    NNLENS_CLOSE(in["std"].get<double>(), std::sqrt(static_cast<double>(sq / x.size())), 0.0,
                 1e-12);
    const auto h =
        nnlens::test::numpyHistogram(x.data(), static_cast<std::int64_t>(x.size()), bins);
    QCOMPARE(in["hist"]["counts"].get<std::vector<std::int64_t>>(), h.counts);
    QCOMPARE(in["min"].get<double>(), h.min);
    QCOMPARE(in["max"].get<double>(), h.max);

    if (withLoss) {
        const CliResult f = run({"forward", kPrimer, "--data", "%D/x.csv", "--backend", "cpu"});
        QVERIFY2(f.code == 0, f.err.constData());
        json fj;
        QVERIFY(parseJson(f.out, fj));
        long double sq2 = 0.0L;
        std::size_t count = 0;
        for (const json& row : fj["layers"].back()["out"]) {
            for (const json& v : row) {
                sq2 += v.get<double>() * v.get<double>();
                ++count;
            }
        }
        QCOMPARE(count, std::size_t(200));
        NNLENS_CLOSE(j["loss"].get<double>(), static_cast<double>(sq2 / count), 1e-7, 1e-5);
    }
}

// --loss-scale 100 (the notebook's 100 * torch.mean(Xout ** 2)) multiplies the loss and every
// gradient by 100 and leaves the forward tensors alone.
void TestCliTrace::lossScale() {
    normalData("x.csv", 500, 100, 2);
    const QStringList base{"trace", kStatistical, "--data", "%D/x.csv", "--loss", "mse"};
    const CliResult one = run(base);
    const CliResult hundred = run(base + QStringList{"--loss-scale", "100"});
    QVERIFY2(one.code == 0 && hundred.code == 0, one.err + hundred.err);
    json a, b;
    QVERIFY(parseJson(one.out, a) && parseJson(hundred.out, b));
    NNLENS_CLOSE(b["loss"].get<double>(), 100 * a["loss"].get<double>(), 0.0, 1e-6);
    for (std::size_t m = 0; m < a["modules"].size(); ++m) {
        const json& ma = a["modules"][m];
        const json& mb = b["modules"][m];
        QVERIFY(mb["in"] == ma["in"]);
        QVERIFY(mb["out"] == ma["out"]);
        std::vector<const char*> grads = {"grad"};
        if (ma.contains("weight_grad")) {
            grads.push_back("weight_grad");
            grads.push_back("bias_grad");
            QVERIFY(mb["weight"] == ma["weight"]);
        }
        for (const char* g : grads) {
            for (const char* stat : {"mean", "std", "min", "max"}) {
                const double s1 = ma[g][stat].get<double>();
                const double s100 = mb[g][stat].get<double>();
                // The mean of a gradient is a sum that cancels: relative to the spread.
                const double atol =
                    std::string(stat) == "mean" ? 1e-4 * 100 * ma[g]["std"].get<double>() : 0.0;
                QVERIFY2(nnlens::test::closeScalar(s100, 100 * s1, atol, 1e-4),
                         qPrintable(QString("module %1 %2 %3: %4 vs 100 x %5")
                                        .arg(m)
                                        .arg(g)
                                        .arg(stat)
                                        .arg(s100)
                                        .arg(s1)));
            }
        }
    }
}

// -o writes the JSON or the text there (atomically) and nothing to stdout.
void TestCliTrace::toFile() {
    normalData("x.csv", 100, 8);
    const QStringList args{"trace", kPrimer, "--data", "%D/x.csv", "--loss", "mse"};
    const CliResult text = run(args + QStringList{"--text", "-o", "%D/t.txt"});
    QVERIFY2(text.code == 0, text.err.constData());
    QVERIFY(text.out.isEmpty());
    QCOMPARE(readFile("t.txt"), kPrimerForward + kPrimerBackward);
    const CliResult j = run(args + QStringList{"-o", "%D/t.json"});
    QVERIFY2(j.code == 0, j.err.constData());
    QVERIFY(j.out.isEmpty());
    QCOMPARE(readFile("t.json"), run(args).out);
}

// init writes a loadable network with PyTorch's bound, the same for the same seed; with seed
// 123 it is the statistical-perspective preset's network.
void TestCliTrace::initRoundTrip() {
    const QStringList args{"init", "--layers", "100,200,100,10", "--activations",
                           "tanh,relu,linear"};
    for (const char* f : {"a", "b"}) {
        const CliResult r =
            run(args + QStringList{"--seed", "5", "-o", QString("%D/") + f + ".json"});
        QVERIFY2(r.code == 0, r.err.constData());
    }
    QVERIFY(run(args + QStringList{"--seed", "6", "-o", "%D/c.json"}).code == 0);
    QCOMPARE(readFile("a.json"), readFile("b.json"));
    QVERIFY(readFile("a.json") != readFile("c.json"));
    QCOMPARE(run(args + QStringList{"--seed", "5"}).out, readFile("a.json"));

    const nnlens::Network net = nnlens::readNetwork(path("a.json").toStdString());
    QCOMPARE(net.name, std::string("100-200-100-10"));
    QCOMPARE(net.inputs, 100);
    const int widths[] = {200, 100, 10};
    const nnlens::Activation acts[] = {nnlens::Activation::Tanh, nnlens::Activation::Relu,
                                       nnlens::Activation::Linear};
    QCOMPARE(net.layers.size(), std::size_t(3));
    for (std::size_t l = 0; l < 3; ++l) {
        const auto& L = net.layers[l];
        QCOMPARE(L.outputs(), widths[l]);
        QCOMPARE(L.activation, acts[l]);
        const float bound = static_cast<float>(1.0 / std::sqrt(static_cast<double>(L.inputs())));
        QVERIFY(L.W.cwiseAbs().maxCoeff() <= bound && L.b.cwiseAbs().maxCoeff() <= bound);
        QVERIFY(L.W.cwiseAbs().maxCoeff() > 0.95f * bound);
    }

    QVERIFY(run(args + QStringList{"--seed", "123", "--name", "N", "--description", "D", "-o",
                                   "%D/p.json"})
                .code == 0);
    const nnlens::Network mine = nnlens::readNetwork(path("p.json").toStdString());
    const nnlens::Network preset = nnlens::readNetwork(kStatistical.toStdString());
    QCOMPARE(mine.name, std::string("N"));
    QCOMPARE(mine.description, std::string("D"));
    for (std::size_t l = 0; l < 3; ++l)
        QVERIFY(mine.layers[l].W == preset.layers[l].W && mine.layers[l].b == preset.layers[l].b);
}

// dataset normal: header x1..xD, N rows, no targets, standard normal values, reproducible.
void TestCliTrace::datasetNormal() {
    normalData("a.csv", 500, 100, 4);
    normalData("b.csv", 500, 100, 4);
    normalData("c.csv", 500, 100, 5);
    const QByteArray a = readFile("a.csv");
    QCOMPARE(a, readFile("b.csv"));
    QVERIFY(a != readFile("c.csv"));
    QCOMPARE(run({"dataset", "normal", "--n", "500", "--dim", "100", "--seed", "4"}).out, a);
    QStringList header;
    for (int j = 1; j <= 100; ++j)
        header << "x" + QString::number(j);
    QCOMPARE(a.left(a.indexOf('\n')), header.join(',').toUtf8());
    QCOMPARE(a.count('\n'), 501);
    int columns = 0;
    const std::vector<float> x = csvValues(a, &columns);
    QCOMPARE(x.size(), std::size_t(50000));
    double sum = 0.0, sq = 0.0;
    for (const float v : x) {
        sum += v;
        sq += double(v) * v;
    }
    const double mean = sum / x.size();
    const double sd = std::sqrt(sq / x.size() - mean * mean);
    QVERIFY2(std::fabs(mean) < 0.025 && std::fabs(sd - 1.0) < 0.025,
             qPrintable(QString("%1 %2").arg(mean).arg(sd)));
    // The default dimension is 2, as the other kinds'.
    const CliResult two = run({"dataset", "normal", "--n", "3"});
    QVERIFY(two.out.startsWith("x1,x2\n"));
    QCOMPARE(two.out.count('\n'), 4);
}

void TestCliTrace::badInput_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");  // the whole line, or its start when it ends with "*"

    const QStringList trace{"trace", kPrimer, "--data", "%D/x.csv"};
    QTest::newRow("trace: data width") << QStringList{"trace", kPrimer, "--data", "%D/d3.csv"}
                                       << "%D/d3.csv: has 3 input columns (x1..) but the network "
                                          "takes 8 inputs";
    QTest::newRow("trace: unknown loss")
        << trace + QStringList{"--loss", "msee"}
        << "trace: --loss: unknown loss \"msee\" (known: mse, l2, chi2, bce, bce_logits, ce)";
    QTest::newRow("trace: bins 0") << trace + QStringList{"--bins", "0"}
                                   << "trace: --bins: 0 is out of range (must be 1 to 1024)";
    QTest::newRow("trace: bins not a number")
        << trace + QStringList{"--bins", "many"} << "trace: --bins: \"many\" is not a whole number";
    QTest::newRow("trace: loss scale 0")
        << trace + QStringList{"--loss", "mse", "--loss-scale", "0"}
        << "trace: --loss-scale: 0 is out of range (must be a number > 0 and at most 1e6)";
    QTest::newRow("trace: loss scale without a loss")
        << trace + QStringList{"--loss-scale", "100"} << "trace: --loss-scale: needs --loss";
    QTest::newRow("trace: reduction without a loss")
        << trace + QStringList{"--reduction", "sum"} << "trace: --reduction: needs --loss";
    QTest::newRow("trace: unknown reduction")
        << trace + QStringList{"--loss", "mse", "--reduction", "avg"}
        << "trace: --reduction: unknown reduction \"avg\" (known: mean, sum)";
    QTest::newRow("trace: no data") << QStringList{"trace", kPrimer} << "trace: missing --data";
    QTest::newRow("trace: chi2 without sigma")
        << trace + QStringList{"--loss", "chi2"}
        << "%D/x.csv: loss chi2 needs the target uncertainty (column \"sigma\" or sigma1..sigmaK)";

    const QStringList init{"init", "--layers", "8,4,3,2"};
    QTest::newRow("init: one activation short")
        << init + QStringList{"--activations", "relu,relu"}
        << "init: --activations: 2 names for 3 layers (one per layer after the input dimension "
           "of --layers)";
    QTest::newRow("init: unknown activation")
        << init + QStringList{"--activations", "relu,rleu,linear"}
        << "init: --activations: layer 2: unknown activation \"rleu\" (known: *";
    QTest::newRow("init: softmax before the last layer")
        << init + QStringList{"--activations", "softmax,relu,linear"}
        << "init: layer 1: softmax is only allowed on the last layer";
    QTest::newRow("init: no layer")
        << QStringList{"init", "--layers", "8", "--activations", "relu"}
        << "init: --layers: \"8\" needs the input dimension and at least one layer (for example "
           "2,8,1)";
    QTest::newRow("init: empty layer")
        << QStringList{"init", "--layers", "8,,2", "--activations", "relu,linear"}
        << "init: --layers: layer 1: \"\" is not a whole number";
    QTest::newRow("init: zero nodes")
        << QStringList{"init", "--layers", "8,0,2", "--activations", "relu,linear"}
        << "init: --layers: layer 1: 0 is out of range (must be 1 to 4096)";
    QTest::newRow("init: input dimension too large")
        << QStringList{"init", "--layers", "5000,2", "--activations", "relu"}
        << "init: --layers: the input dimension: 5000 is out of range (must be 1 to 4096)";
    QTest::newRow("init: too many parameters")
        << QStringList{"init", "--layers", "4096,4096,4096", "--activations", "relu,relu"}
        << "init: the network has 33562624 parameters (at most 16777216, 16 Mi)";
    QTest::newRow("init: no activations")
        << QStringList{"init", "--layers", "2,1"} << "init: missing --activations";
    QTest::newRow("init: negative seed")
        << init + QStringList{"--activations", "relu,relu,linear", "--seed", "-1"}
        << "init: --seed: -1 is out of range (must be at least 0)";

    QTest::newRow("dataset normal: dim 0") << QStringList{"dataset", "normal", "--dim", "0"}
                                           << "dataset: --dim: 0 is out of range (must be 1 to "
                                              "4096)";
    QTest::newRow("dataset normal: too many values")
        << QStringList{"dataset", "normal", "--n", "100000", "--dim", "4096"}
        << "dataset: --n: 100000 is out of range (must be 1 to 4882)";
    QTest::newRow("dataset normal: noise") << QStringList{"dataset", "normal", "--noise", "0.1"}
                                           << "dataset: --noise: kind normal has no noise";
    QTest::newRow("dataset spiral: dim") << QStringList{"dataset", "spiral", "--dim", "3"}
                                         << "dataset: --dim: only kind normal takes it";
}

// Exit 2, nothing on stdout, one line on stderr that names the place.
void TestCliTrace::badInput() {
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    normalData("x.csv", 10, 8);
    normalData("d3.csv", 10, 3);
    const CliResult r = run(args);
    QCOMPARE(r.code, 2);
    QVERIFY2(r.out.isEmpty(), r.out.constData());
    QVERIFY2(r.err.endsWith('\n') && r.err.count('\n') == 1, r.err.constData());
    const QString line = QString::fromUtf8(r.err).trimmed();
    const QString expected = QString(message).replace("%D", m_dir->path());
    if (expected.endsWith('*')) {
        QVERIFY2(line.startsWith(expected.chopped(1)), qPrintable(line));
    } else {
        QCOMPARE(line, expected);
    }
}

QTEST_GUILESS_MAIN(TestCliTrace)
#include "tst_cli_trace.moc"
