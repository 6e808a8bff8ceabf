// Tests of nnlens-cli: runs the real binary and checks its JSON, files, messages and exit codes.
#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QProcess>
#include <QRegularExpression>
#include <QStringList>
#include <QTemporaryDir>
#include <QTest>

#include <sys/resource.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "compare.hpp"
#include "core/file_io.hpp"
#include "core/limits.hpp"
#include "core/network_io.hpp"
#include "json.hpp"

using nlohmann::json;

namespace {

// Tolerances of spec section "Reference semantics": forward values and maps, then gradients.
constexpr double kAtol = 1e-5;
constexpr double kRtolForward = 1e-4;
constexpr double kRtolGrad = 1e-3;

struct CliResult {
    int code = -1;  // -1 when the process crashed or timed out
    QByteArray out;
    QByteArray err;
};

// The spec's example network (section 1): s1 = 2 x1 - x2, s2 = -2 x2, s3 = tanh s1 - tanh s2 - 1.
const char* const kQuadrant = R"({
  "format": "nnlens.network",
  "version": 1,
  "name": "Quadrant selector",
  "description": "Two tanh hidden nodes cut the plane in half; the output picks a quadrant.",
  "inputs": 2,
  "layers": [
    { "activation": "tanh", "weights": [[2, 0], [-1, -2]], "bias": [0, 0] },
    { "activation": "tanh", "weights": [[1], [-1]],        "bias": [-1] }
  ],
  "view": { "range": 3.0, "grid": 250, "bins": 25 },
  "comment": "an unknown key, kept on save"
})";

// The same network with a small view, for the flag > view > default precedence.
const char* const kQuadrantSmallView = R"({
  "format": "nnlens.network", "version": 1, "name": "small view", "inputs": 2,
  "layers": [
    { "activation": "tanh", "weights": [[2, 0], [-1, -2]], "bias": [0, 0] },
    { "activation": "tanh", "weights": [[1], [-1]], "bias": [-1] }
  ],
  "view": { "range": 2.0, "grid": 7, "bins": 3 }
})";

// One linear unit: out = s = 0.5 x1 - x2 + 0.25. No view.
const char* const kLinear = R"({
  "format": "nnlens.network", "version": 1, "name": "linear unit", "inputs": 2,
  "layers": [ { "activation": "linear", "weights": [[0.5], [-1]], "bias": [0.25] } ]
})";
constexpr double kLinW0 = 0.5;
constexpr double kLinW1 = -1.0;
constexpr double kLinB = 0.25;

// Node 1 has w = 0 (no arrow) and a constant s = 1; node 2 is s = x1.
const char* const kZeroWeight = R"({
  "format": "nnlens.network", "version": 1, "inputs": 2,
  "layers": [ { "activation": "linear", "weights": [[0, 1], [0, 0]], "bias": [1, 0] } ]
})";

const char* const kTwoOutputs = R"({
  "format": "nnlens.network", "version": 1, "inputs": 2,
  "layers": [ { "activation": "linear", "weights": [[1, 0], [0, 1]], "bias": [0, 0] } ]
})";

const char* const kThreeInputs = R"({
  "format": "nnlens.network", "version": 1, "name": "three inputs", "inputs": 3,
  "layers": [ { "activation": "tanh", "weights": [[1], [1], [1]], "bias": [0] } ]
})";

const char* const kWrongShape = R"({
  "format": "nnlens.network", "version": 1, "inputs": 2,
  "layers": [
    { "activation": "tanh", "weights": [[1, 0], [0, 1]], "bias": [0, 0] },
    { "activation": "tanh", "weights": [[1], [1], [1]], "bias": [0] }
  ]
})";

const char* const kUnknownActivation = R"({
  "format": "nnlens.network", "version": 1, "inputs": 2,
  "layers": [ { "activation": "tanhh", "weights": [[1], [1]], "bias": [0] } ]
})";

// The linear unit as a lesson (spec section 7): its data beside it, its training settings.
const char* const kLesson = R"({
  "format": "nnlens.network", "version": 1, "name": "linear lesson", "inputs": 2,
  "layers": [ { "activation": "linear", "weights": [[0.5], [-1]], "bias": [0.25] } ],
  "data": { "file": "regression.csv", "val_split": 0.25 },
  "training": { "loss": "mse", "optimizer": "sgd", "lr": 0.1, "batch": 4, "epochs": 5,
                "seed": 3, "shuffle": true }
})";

const char* const kLessonMissingData = R"({
  "format": "nnlens.network", "version": 1, "inputs": 2,
  "layers": [ { "activation": "linear", "weights": [[0.5], [-1]], "bias": [0.25] } ],
  "data": { "file": "nope.csv" }, "training": {}
})";

const char* const kLessonBadKey = R"({
  "format": "nnlens.network", "version": 1, "inputs": 2,
  "layers": [ { "activation": "linear", "weights": [[0.5], [-1]], "bias": [0.25] } ],
  "training": { "optimiser": "adam" }
})";

const char* const kMalformed =
    "{\n  \"format\": \"nnlens.network\",\n  \"version\": 1,\n  \"inputs\": \n";

// Rows for forward: (x1, x2).
const double kPoints[][2] = {{0.5, -0.25}, {-1.0, 2.0}, {2.5, 1.0}};

// Rows for grad: (x1, x2, y1).
const double kLinRows[][3] = {{1.0, 2.0, 0.5}, {-1.0, 0.5, 1.0}, {0.3, -0.7, -0.2}};

double tanhQuadrantS3(double x1, double x2) {
    return std::tanh(2 * x1 - x2) - std::tanh(-2 * x2) - 1.0;
}

QByteArray num(double v) {
    return QByteArray::number(v, 'g', 17);
}

bool parseJson(const QByteArray& text, json& out) {
    out = json::parse(text.toStdString(), nullptr, false);
    return !out.is_discarded();
}

std::vector<double> doubles(const json& array) {
    std::vector<double> v;
    for (const json& x : array)
        v.push_back(x.is_null() ? std::nan("") : x.get<double>());
    return v;
}

}  // namespace

class TestCli : public QObject {
    Q_OBJECT

  private slots:
    void init();
    void cleanup();

    void jsonNumbers();
    void jsonWriter();

    void help_data();
    void help();
    void noArguments();

    void forward();
    void forwardToFile();
    void gridValuesAndOrdering();
    void gridRawText();
    void gridArrowAndConstantHistogram();
    void gridPrecedence_data();
    void gridPrecedence();
    void grad_data();
    void grad();
    void train();
    void trainSteps();
    void trainValidationSplit();
    void trainRegularization();
    void inputFeatures();
    void playgroundLessons_data();
    void playgroundLessons();
    void trainDiverges();
    void lrScan();
    void dataset_data();
    void dataset();
    void bench();
    void backendReported_data();
    void backendReported();
    void summary();
    void summaryMapOrientation();
    void summaryThreeInputs();
    void render_data();
    void render();
    void renderFailureLeavesNoFile();
    void fileNameNotUtf8();
    void hugeConstantMap_data();
    void hugeConstantMap();
    void summaryEscapesControlCharacters_data();
    void summaryEscapesControlCharacters();
    void stdoutWriteErrors_data();
    void outputThroughLinkAndToDevice_data();
    void outputThroughLinkAndToDevice();
    void stdoutWriteErrors();

    void badInput_data();
    void badInput();
    void otherFailureExitsOne();
    void fileSizeLimitIsAWriteError_data();
    void fileSizeLimitIsAWriteError();
    void failedTrainKeepsExistingFile();
    void trainFromLesson();
    void trainIntoAnotherFolderKeepsTheLessonsData();
    void controlCharactersFromFilesAreEscaped();
    void trainOptionWins_data();
    void trainOptionWins();

  private:
    QString path(const QString& name) const { return m_dir->filePath(name); }
    void writeFile(const QString& name, const QByteArray& text);
    QByteArray readFile(const QString& name) const;
    // Runs nnlens-cli; "%D" in an argument stands for the temporary folder.
    // With stdoutFile, the program's stdout goes to that file (/dev/full) instead.
    CliResult run(const QStringList& args, const QString& stdoutFile = {}) const;

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestCli::init() {
    // The CLI's tests are about the command line, not the device: hide any GPU from the runs.
    qputenv("CUDA_VISIBLE_DEVICES", "");
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    writeFile("quadrant.nnlens.json", kQuadrant);
    writeFile("small-view.nnlens.json", kQuadrantSmallView);
    writeFile("linear.nnlens.json", kLinear);
    writeFile("zero-w.nnlens.json", kZeroWeight);
    writeFile("two-out.nnlens.json", kTwoOutputs);
    writeFile("three-in.nnlens.json", kThreeInputs);
    writeFile("wrong-shape.nnlens.json", kWrongShape);
    writeFile("unknown-act.nnlens.json", kUnknownActivation);
    writeFile("malformed.nnlens.json", kMalformed);
    writeFile("deep.nnlens.json", QByteArray(65000, '[') + QByteArray(65000, ']'));
    writeFile("overflow.nnlens.json", R"({"format":"nnlens.network","version":1,"inputs":1e400})");

    QByteArray points = "x1,x2\n";
    for (const auto& p : kPoints)
        points += num(p[0]) + "," + num(p[1]) + "\n";
    writeFile("points.csv", points);

    QByteArray lin = "x1,x2,y1\n";
    for (const auto& r : kLinRows)
        lin += num(r[0]) + "," + num(r[1]) + "," + num(r[2]) + "\n";
    writeFile("lin.csv", lin);

    // 40 rows of y = 0.3 x1 + 0.8 x2 - 0.1 on deterministic inputs in [-1, 1]^2.
    QByteArray regression = "x1,x2,y1\n";
    for (int i = 0; i < 40; ++i) {
        const double x1 = std::sin(1.0 * i);
        const double x2 = std::cos(1.7 * i);
        regression += num(x1) + "," + num(x2) + "," + num(0.3 * x1 + 0.8 * x2 - 0.1) + "\n";
    }
    writeFile("regression.csv", regression);

    writeFile("labels.csv", "x1,x2,label\n0.5,0.5,0\n1,-1,2\n");
    writeFile("nan.csv", "x1,x2,y1\n1,2,0.5\n1,nan,0.5\n");
    writeFile("empty.csv", "x1,x2,y1\n");
    writeFile("wide.csv", "x1,x2,x3\n1,2,3\n");

    writeFile("lesson.nnlens.json", kLesson);
    writeFile("lesson-missing.nnlens.json", kLessonMissingData);
    writeFile("lesson-bad-key.nnlens.json", kLessonBadKey);
    writeFile("history.json", R"({"backend":"cpu","steps":40,"epochs":4,)"
                              R"("train_loss":[0.5,0.2,0.1,0.05],"val_loss":[0.6,0.3,0.2,null]})");
    writeFile("scan.json", R"({"backend":"cpu","lr":[1e-6,1e-4,1e-2,1],)"
                           R"("loss":[0.3,0.25,0.1,2.5],"recommended":0.005})");
    writeFile("not-json.json", "{\"train_loss\": [0.5,");
    writeFile("history-type.json", R"({"train_loss": "x"})");
    writeFile("history-item.json", R"({"train_loss": [0.5, "a"]})");
    writeFile("history-lengths.json", R"({"train_loss": [0.5, 0.4], "val_loss": [0.5]})");
    writeFile("scan-no-loss.json", R"({"lr": [0.1]})");
    QByteArray sincos = "x1,x2,y1,t\n";
    for (int i = 0; i < 50; ++i) {
        const double t = 10.0 * i / 49.0;
        sincos += num(std::sin(t)) + "," + num(std::cos(t)) + "," + num(std::sin(t) * std::cos(t)) +
                  "," + num(t) + "\n";
    }
    writeFile("sincos.csv", sincos);
}

void TestCli::cleanup() {
    m_dir.reset();
}

void TestCli::writeFile(const QString& name, const QByteArray& text) {
    QFile f(path(name));
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(f.write(text), qint64(text.size()));
}

QByteArray TestCli::readFile(const QString& name) const {
    QFile f(path(name));
    if (!f.open(QIODevice::ReadOnly)) return {};
    return f.readAll();
}

CliResult TestCli::run(const QStringList& args, const QString& stdoutFile) const {
    QStringList expanded;
    for (const QString& a : args)
        expanded << QString(a).replace("%D", m_dir->path());
    QProcess p;
    p.setProgram(QStringLiteral(NNLENS_CLI_PATH));
    p.setArguments(expanded);
    if (!stdoutFile.isEmpty()) p.setStandardOutputFile(stdoutFile);
    p.start();
    CliResult r;
    if (!p.waitForFinished(240000)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    if (p.exitStatus() == QProcess::NormalExit) r.code = p.exitCode();
    return r;
}

// ---- JSON helpers (in-process) -------------------------------------------------------------

void TestCli::jsonNumbers() {
    // A number's text in the CLI's JSON.
    auto formatFloat = [](float v) { return nnlens::cli::jsonNumber(v).dump(); };
    auto formatDouble = [](double v) { return nnlens::cli::jsonNumber(v).dump(); };
    QCOMPARE(formatFloat(0.1f), std::string("0.1"));
    QCOMPARE(formatFloat(9.0f), std::string("9"));
    QCOMPARE(formatFloat(1e-6f), std::string("1e-06"));
    QCOMPARE(formatDouble(0.1), std::string("0.1"));
    QCOMPARE(formatFloat(std::numeric_limits<float>::quiet_NaN()), std::string("null"));
    QCOMPARE(formatFloat(std::numeric_limits<float>::infinity()), std::string("null"));
    QCOMPARE(formatDouble(-std::numeric_limits<double>::infinity()), std::string("null"));
    // Shortest digits that read back to the same float.
    for (const float v : {1.0f / 3.0f, 0.7615942f, 123456.79f, -2.5e-12f, 3.4028235e38f}) {
        const std::string text = formatFloat(v);
        QCOMPARE(std::strtof(text.c_str(), nullptr), v);
        QVERIFY2(text.size() <= 15, text.c_str());
    }
}

void TestCli::jsonWriter() {
    using nnlens::cli::Json;
    const Json j = {{"a", {1, nullptr, nnlens::cli::jsonNumber(0.5f)}},
                    {"b", "q\"x\n"},
                    {"c", Json::object()},
                    {"d", true}};
    QCOMPARE(nnlens::cli::dumpJson(j),
             std::string("{\"a\":[1,null,0.5],\"b\":\"q\\\"x\\n\",\"c\":{},\"d\":true}\n"));

    // Big lists are written a chunk at a time (#19) with the same text as the tree's: across
    // chunk boundaries, with whole numbers, NaN (null), -0 and exponents.
    std::vector<float> v(10000);
    for (std::size_t i = 0; i < v.size(); ++i)
        v[i] = i % 7 == 0 ? float(i) : std::sin(float(i)) * std::pow(10.0f, float(i % 13) - 6.0f);
    v[5] = std::numeric_limits<float>::quiet_NaN();
    v[4095] = -0.0f;
    for (const std::size_t size :
         {std::size_t{0}, std::size_t{1}, std::size_t{4096}, std::size_t{4097}, v.size()}) {
        std::string text;
        nnlens::cli::appendArray(text, std::span<const float>(v.data(), size));
        QCOMPARE(text, nnlens::cli::jsonArray(std::span<const float>(v.data(), size)).dump());
    }
    nnlens::Matrix m(3, 2);
    m << 1.5f, -2.0f, 0.1f, 1e-7f, 3e20f, -0.0f;
    std::string rows;
    nnlens::cli::appendRows(rows, m);
    QCOMPARE(rows, nnlens::cli::jsonRows(m).dump());
}

// ---- help ----------------------------------------------------------------------------------

void TestCli::help_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("expectedStart");
    const QStringList commands = {"summary", "forward", "grid",  "grad",  "train",
                                  "lr-scan", "dataset", "bench", "render"};
    for (const QString& c : commands) {
        QTest::newRow(qPrintable(c + " --help"))
            << QStringList{c, "--help"} << "Usage: nnlens-cli " + c;
        QTest::newRow(qPrintable(c + " -h")) << QStringList{c, "-h"} << "Usage: nnlens-cli " + c;
    }
    QTest::newRow("help wins over a bad option")
        << QStringList{"train", "--lr", "abc", "--frob", "--help"} << "Usage: nnlens-cli train";
    QTest::newRow("--help") << QStringList{"--help"} << "nnlens-cli ";
    QTest::newRow("help") << QStringList{"help"} << "nnlens-cli ";
    QTest::newRow("help grid") << QStringList{"help", "grid"} << "Usage: nnlens-cli grid";
}

void TestCli::help() {
    QFETCH(QStringList, args);
    QFETCH(QString, expectedStart);
    const CliResult r = run(args);
    QCOMPARE(r.code, 0);
    QVERIFY2(QString::fromUtf8(r.out).startsWith(expectedStart), r.out.constData());
    QVERIFY2(r.err.isEmpty(), r.err.constData());
    if (args == QStringList{"--help"}) {
        for (const char* c :
             {"forward", "grid", "grad", "train", "lr-scan", "dataset", "bench", "summary"}) {
            QVERIFY2(r.out.contains(QByteArray("\n  ") + c + " "), c);
        }
    }
    for (const QByteArray& line : r.out.split('\n')) {
        QVERIFY2(line.size() <= 80, line.constData());
    }
}

void TestCli::noArguments() {
    const CliResult r = run({});
    QCOMPARE(r.code, 2);
    QVERIFY(r.out.isEmpty());
    QVERIFY(r.err.contains("Usage: nnlens-cli COMMAND"));
}

// ---- forward -------------------------------------------------------------------------------

void TestCli::forward() {
    const CliResult r = run({"forward", "%D/quadrant.nnlens.json", "--data", "%D/points.csv"});
    QVERIFY2(r.code == 0, r.err.constData());
    json j;
    QVERIFY(parseJson(r.out, j));
    QCOMPARE(j["backend"].get<std::string>(), std::string("cpu"));
    QCOMPARE(j["layers"].size(), std::size_t(2));
    QCOMPARE(j["layers"][0]["activation"].get<std::string>(), std::string("tanh"));
    const json& l1 = j["layers"][0];
    const json& l2 = j["layers"][1];
    QCOMPARE(l1["s"].size(), std::size(kPoints));
    for (std::size_t i = 0; i < std::size(kPoints); ++i) {
        const double x1 = kPoints[i][0];
        const double x2 = kPoints[i][1];
        const std::vector<double> s1 = {2 * x1 - x2, -2 * x2};
        const std::vector<double> out1 = {std::tanh(s1[0]), std::tanh(s1[1])};
        const std::vector<double> s2 = {tanhQuadrantS3(x1, x2)};
        const std::vector<double> out2 = {std::tanh(s2[0])};
        QCOMPARE(l1["s"][i].size(), std::size_t(2));
        QCOMPARE(l2["out"][i].size(), std::size_t(1));
        NNLENS_COMPARE_CLOSE(doubles(l1["s"][i]), s1, 2, kAtol, kRtolForward);
        NNLENS_COMPARE_CLOSE(doubles(l1["out"][i]), out1, 2, kAtol, kRtolForward);
        NNLENS_COMPARE_CLOSE(doubles(l2["s"][i]), s2, 1, kAtol, kRtolForward);
        NNLENS_COMPARE_CLOSE(doubles(l2["out"][i]), out2, 1, kAtol, kRtolForward);
    }
}

void TestCli::forwardToFile() {
    const CliResult r = run(
        {"forward", "%D/quadrant.nnlens.json", "--data", "%D/points.csv", "-o", "%D/forward.json"});
    QVERIFY2(r.code == 0, r.err.constData());
    QVERIFY(r.out.isEmpty());
    json j;
    QVERIFY(parseJson(readFile("forward.json"), j));
    QCOMPARE(j["layers"][1]["out"].size(), std::size(kPoints));
}

// ---- grid ----------------------------------------------------------------------------------

void TestCli::gridValuesAndOrdering() {
    const int n = 5;
    const CliResult r =
        run({"grid", "%D/quadrant.nnlens.json", "--n", "5", "--range", "3", "--bins", "4"});
    QVERIFY2(r.code == 0, r.err.constData());
    json j;
    QVERIFY(parseJson(r.out, j));
    QCOMPARE(j["backend"].get<std::string>(), std::string("cpu"));
    QCOMPARE(j["n"].get<int>(), n);
    QCOMPARE(j["range"].get<double>(), 3.0);
    QCOMPARE(j["layers"].size(), std::size_t(2));
    QCOMPARE(j["layers"][0]["nodes"].size(), std::size_t(2));
    QCOMPARE(j["layers"][1]["nodes"].size(), std::size_t(1));

    // x = linspace(-3, 3, 5); k = row * n + col is (x[col], x[row]).
    const double x[n] = {-3, -1.5, 0, 1.5, 3};
    double limit = 0.0;
    for (std::size_t l = 0; l < 2; ++l) {
        for (const json& node : j["layers"][l]["nodes"]) {
            QCOMPARE(node["s"].size(), std::size_t(n * n));
            QCOMPARE(node["out"].size(), std::size_t(n * n));
            const std::vector<double> s = doubles(node["s"]);
            const json& hist = node["hist"];
            QCOMPARE(hist["counts"].size(), std::size_t(4));
            std::int64_t total = 0;
            for (const json& c : hist["counts"])
                total += c.get<std::int64_t>();
            QCOMPARE(total, std::int64_t(n * n));
            NNLENS_CLOSE(hist["min"].get<double>(), *std::min_element(s.begin(), s.end()), kAtol,
                         kRtolForward);
            NNLENS_CLOSE(hist["max"].get<double>(), *std::max_element(s.begin(), s.end()), kAtol,
                         kRtolForward);
            for (const json& o : node["out"])
                limit = std::max(limit, std::fabs(o.get<double>()));
            QCOMPARE(node.contains("arrow"), l == 0);
        }
    }
    NNLENS_CLOSE(j["colour_limit"].get<double>(), limit, kAtol, kRtolForward);

    const json& n1 = j["layers"][0]["nodes"][0];  // s = 2 x1 - x2
    const json& n2 = j["layers"][0]["nodes"][1];  // s = -2 x2
    const json& n3 = j["layers"][1]["nodes"][0];
    for (int row = 0; row < n; ++row) {
        for (int col = 0; col < n; ++col) {
            const std::size_t k = static_cast<std::size_t>(row * n + col);
            const double x1 = x[col];
            const double x2 = x[row];
            NNLENS_CLOSE(n1["s"][k].get<double>(), 2 * x1 - x2, kAtol, kRtolForward);
            NNLENS_CLOSE(n2["out"][k].get<double>(), std::tanh(-2 * x2), kAtol, kRtolForward);
            NNLENS_CLOSE(n3["out"][k].get<double>(), std::tanh(tanhQuadrantS3(x1, x2)), kAtol,
                         kRtolForward);
        }
    }
    // The bottom-right corner (row 0, col 4) is (3, -3): s1 = 9; the top-left is (-3, 3): -9.
    QCOMPARE(n1["s"][4].get<double>(), 9.0);
    QCOMPARE(n1["s"][20].get<double>(), -9.0);

    const json& arrow = n1["arrow"];  // origin -b w / |w|^2 = 0, w = column 0 of W = (2, -1)
    QCOMPARE(arrow["w"][0].get<double>(), 2.0);
    QCOMPARE(arrow["w"][1].get<double>(), -1.0);
    QCOMPARE(arrow["origin"][0].get<double>(), 0.0);
    QCOMPARE(arrow["origin"][1].get<double>(), 0.0);
    QCOMPARE(n2["arrow"]["w"][1].get<double>(), -2.0);
}

void TestCli::gridRawText() {
    // Shortest round-trip digits: exact values print without trailing zeros, in grid order.
    const CliResult r = run({"grid", "%D/quadrant.nnlens.json", "--n", "3", "--range", "3"});
    QVERIFY2(r.code == 0, r.err.constData());
    QVERIFY2(r.out.contains("\"s\":[-3,3,9,-6,0,6,-9,-3,3]"), r.out.left(300).constData());
    QVERIFY(r.out.contains("\"s\":[6,6,6,0,0,0,-6,-6,-6]"));
    QVERIFY(r.out.endsWith("}\n"));
}

void TestCli::gridArrowAndConstantHistogram() {
    const CliResult r = run({"grid", "%D/zero-w.nnlens.json", "--n", "4", "--bins", "4"});
    QVERIFY2(r.code == 0, r.err.constData());
    json j;
    QVERIFY(parseJson(r.out, j));
    const json& constant = j["layers"][0]["nodes"][0];
    QVERIFY(constant["arrow"].is_null());
    // numpy.histogram of 16 ones in 4 bins: range [0.5, 1.5], edges 0.5 .. 1.5 step 0.25, so
    // every value lands in the bin [1.0, 1.25).
    const std::vector<double> counts = doubles(constant["hist"]["counts"]);
    const std::vector<double> expected = {0, 0, 16, 0};
    NNLENS_COMPARE_CLOSE(counts, expected, 4, 0.0, 0.0);
    const json& arrow = j["layers"][0]["nodes"][1]["arrow"];
    QVERIFY(arrow.is_object());
    QCOMPARE(arrow["w"][0].get<double>(), 1.0);
    QCOMPARE(arrow["w"][1].get<double>(), 0.0);
}

void TestCli::gridPrecedence_data() {
    QTest::addColumn<QString>("net");
    QTest::addColumn<QStringList>("flags");
    QTest::addColumn<int>("n");
    QTest::addColumn<double>("range");
    QTest::addColumn<int>("bins");
    QTest::newRow("file view") << "small-view" << QStringList{} << 7 << 2.0 << 3;
    QTest::newRow("--n beats view") << "small-view" << QStringList{"--n", "4"} << 4 << 2.0 << 3;
    QTest::newRow("--range and --bins=")
        << "small-view" << QStringList{"--range", "1.5", "--bins=2"} << 7 << 1.5 << 2;
    QTest::newRow("defaults") << "linear" << QStringList{} << 250 << 3.0 << 25;
    QTest::newRow("flag without view") << "linear" << QStringList{"--n=6"} << 6 << 3.0 << 25;
}

void TestCli::gridPrecedence() {
    QFETCH(QString, net);
    QFETCH(QStringList, flags);
    QFETCH(int, n);
    QFETCH(double, range);
    QFETCH(int, bins);
    const CliResult r = run(QStringList{"grid", "%D/" + net + ".nnlens.json"} + flags);
    QVERIFY2(r.code == 0, r.err.constData());
    json j;
    QVERIFY(parseJson(r.out, j));
    QCOMPARE(j["n"].get<int>(), n);
    QCOMPARE(j["range"].get<double>(), range);
    const json& node = j["layers"][0]["nodes"][0];
    QCOMPARE(node["s"].size(), std::size_t(n) * std::size_t(n));
    QCOMPARE(node["hist"]["counts"].size(), std::size_t(bins));
    // The first grid point is (-range, -range).
    const double w0 = net == "linear" ? kLinW0 : 2.0;
    const double w1 = net == "linear" ? kLinW1 : -1.0;
    const double b = net == "linear" ? kLinB : 0.0;
    NNLENS_CLOSE(node["s"][0].get<double>(), -range * w0 - range * w1 + b, kAtol, kRtolForward);
}

// ---- grad ----------------------------------------------------------------------------------

void TestCli::grad_data() {
    QTest::addColumn<QStringList>("flags");
    QTest::addColumn<double>("lossScale");  // loss = lossScale * sum r^2
    QTest::addColumn<double>("gradScale");  // dL/ds_i = gradScale * r_i
    const double n = static_cast<double>(std::size(kLinRows));
    QTest::newRow("mse") << QStringList{"--loss", "mse"} << 1.0 / n << 2.0 / n;
    QTest::newRow("mse sum") << QStringList{"--loss", "mse", "--reduction", "sum"} << 1.0 << 2.0;
    QTest::newRow("l2 (sum by default)") << QStringList{"--loss", "l2"} << 0.5 << 1.0;
    QTest::newRow("l2 mean") << QStringList{"--loss=l2", "--reduction=mean"} << 0.5 / n << 1.0 / n;
}

void TestCli::grad() {
    QFETCH(QStringList, flags);
    QFETCH(double, lossScale);
    QFETCH(double, gradScale);
    const CliResult r =
        run(QStringList{"grad", "%D/linear.nnlens.json", "--data", "%D/lin.csv"} + flags);
    QVERIFY2(r.code == 0, r.err.constData());
    json j;
    QVERIFY(parseJson(r.out, j));
    QCOMPARE(j["backend"].get<std::string>(), std::string("cpu"));
    QCOMPARE(j["layers"].size(), std::size_t(1));
    const json& g = j["layers"][0];
    const std::size_t n = std::size(kLinRows);
    QCOMPARE(g["grad_weights"].size(), std::size_t(2));  // (n_in, n_out) = (2, 1)
    QCOMPARE(g["grad_weights"][0].size(), std::size_t(1));
    QCOMPARE(g["grad_bias"].size(), std::size_t(1));
    QCOMPARE(g["grad_s"].size(), n);  // (N, n_out)
    QCOMPARE(g["grad_s"][0].size(), std::size_t(1));
    QCOMPARE(g["grad_out"].size(), n);

    // By hand: r_i = w . x_i + b - y_i; dL/dW_k = sum dL/ds_i x_ik; dL/db = sum dL/ds_i.
    double loss = 0.0;
    double dW0 = 0.0;
    double dW1 = 0.0;
    double db = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        const auto& row = kLinRows[i];
        const double res = kLinW0 * row[0] + kLinW1 * row[1] + kLinB - row[2];
        loss += lossScale * res * res;
        const double ds = gradScale * res;
        dW0 += ds * row[0];
        dW1 += ds * row[1];
        db += ds;
        NNLENS_CLOSE(g["grad_s"][i][0].get<double>(), ds, kAtol, kRtolGrad);
        NNLENS_CLOSE(g["grad_out"][i][0].get<double>(), ds, kAtol, kRtolGrad);  // linear: equal
    }
    NNLENS_CLOSE(j["loss"].get<double>(), loss, kAtol, kRtolForward);
    NNLENS_CLOSE(g["grad_weights"][0][0].get<double>(), dW0, kAtol, kRtolGrad);
    NNLENS_CLOSE(g["grad_weights"][1][0].get<double>(), dW1, kAtol, kRtolGrad);
    NNLENS_CLOSE(g["grad_bias"][0].get<double>(), db, kAtol, kRtolGrad);
}

// ---- train ---------------------------------------------------------------------------------

void TestCli::train() {
    const QByteArray before = readFile("linear.nnlens.json");
    const CliResult r = run({"train", "%D/linear.nnlens.json", "--data", "%D/regression.csv",
                             "--loss", "mse", "--optimizer", "sgd", "--lr", "0.1", "--batch", "4",
                             "--epochs", "20", "--seed", "3", "-o", "%D/trained.nnlens.json"});
    QVERIFY2(r.code == 0, r.err.constData());
    json j;
    QVERIFY(parseJson(r.out, j));
    QCOMPARE(j["backend"].get<std::string>(), std::string("cpu"));
    QCOMPARE(j["epochs"].get<int>(), 20);
    QCOMPARE(j["steps"].get<int>(), 20 * 10);  // 40 rows in batches of 4
    QCOMPARE(j["train_loss"].size(), std::size_t(20));
    QVERIFY(j["val_loss"].empty());
    QCOMPARE(j["diverged"].get<bool>(), false);
    QVERIFY(j["stop_reason"].is_null());
    const std::vector<double> losses = doubles(j["train_loss"]);
    QVERIFY(losses.back() < 0.1 * losses.front());

    // Progress: one line per reported epoch, never more than about 20, and the save message.
    const QList<QByteArray> lines = r.err.trimmed().split('\n');
    QVERIFY2(lines.size() >= 3 && lines.size() <= 22, r.err.constData());
    QVERIFY(r.err.contains("epoch 20/20"));
    QVERIFY(r.err.contains("trained.nnlens.json"));

    // The written network loads back, keeps what the file carried, and has a lower loss.
    QCOMPARE(readFile("linear.nnlens.json"), before);
    const nnlens::Network trained = nnlens::readNetwork(path("trained.nnlens.json").toStdString());
    QCOMPARE(trained.name, std::string("linear unit"));
    QCOMPARE(trained.layers.size(), std::size_t(1));
    const CliResult g0 =
        run({"grad", "%D/linear.nnlens.json", "--data", "%D/regression.csv", "--loss", "mse"});
    const CliResult g1 =
        run({"grad", "%D/trained.nnlens.json", "--data", "%D/regression.csv", "--loss", "mse"});
    json j0;
    json j1;
    QVERIFY(parseJson(g0.out, j0));
    QVERIFY(parseJson(g1.out, j1));
    QVERIFY2(j1["loss"].get<double>() < 0.1 * j0["loss"].get<double>(),
             g1.out.left(100).constData());
}

void TestCli::trainSteps() {
    const CliResult r = run({"train", "%D/linear.nnlens.json", "--data", "%D/regression.csv",
                             "--loss", "mse", "--optimizer", "adam", "--lr", "0.01", "--steps", "7",
                             "--no-shuffle", "-o", "%D/trained.nnlens.json"});
    QVERIFY2(r.code == 0, r.err.constData());
    json j;
    QVERIFY(parseJson(r.out, j));
    QCOMPARE(j["steps"].get<int>(), 7);
    QCOMPARE(j["train_loss"].size(), std::size_t(7));
    QVERIFY(r.err.contains("step 7/7"));
    QVERIFY(QFileInfo::exists(path("trained.nnlens.json")));
}

// Spec section 10: --l1/--l2 and the file's training.l1/l2; "penalty" per epoch (always
// present); train_loss stays the data loss; a negative or non-finite rate exits 2.
void TestCli::inputFeatures() {
    // Spec section 10 through the commands: init writes one row per feature; forward, grid and
    // trace compute the features; grid's arrow is null unless the features are exactly x1, x2.
    const CliResult init = run({"init", "--layers", "2,3,1", "--activations", "tanh,linear",
                                "--features", "x1^2,sin(x2)", "-o", "%D/f.nnlens.json"});
    QVERIFY2(init.code == 0, init.err.constData());
    json net = json::parse(readFile("f.nnlens.json").toStdString());
    QVERIFY(net["features"] == json({"x1^2", "sin(x2)"}));
    QCOMPARE(net["layers"][0]["weights"].size(), std::size_t(2));
    writeFile("p.csv", "x1,x2,y1\n1.5,-0.5,0\n-2,1,1\n");
    const CliResult fw = run({"forward", "%D/f.nnlens.json", "--data", "%D/p.csv"});
    QVERIFY2(fw.code == 0, fw.err.constData());
    json f;
    QVERIFY(parseJson(fw.out, f));
    const auto& W = net["layers"][0]["weights"];
    const auto& b = net["layers"][0]["bias"];
    const double x[2][2] = {{1.5, -0.5}, {-2.0, 1.0}};
    for (int i = 0; i < 2; ++i) {
        for (int j = 0; j < 3; ++j) {
            const double s = x[i][0] * x[i][0] * W[0][j].get<double>() +
                             std::sin(x[i][1]) * W[1][j].get<double>() + b[j].get<double>();
            QVERIFY(std::abs(f["layers"][0]["s"][i][j].get<double>() - s) <=
                    1e-5 + 1e-4 * std::abs(s));
        }
    }
    const CliResult grid = run({"grid", "%D/f.nnlens.json", "--n", "5"});
    QVERIFY2(grid.code == 0, grid.err.constData());
    json g;
    QVERIFY(parseJson(grid.out, g));
    QVERIFY(g["layers"][0]["nodes"][0]["arrow"].is_null());
    // Grid point 0 is (-3, -3).
    const double s0 =
        9.0 * W[0][1].get<double>() + std::sin(-3.0) * W[1][1].get<double>() + b[1].get<double>();
    QVERIFY(std::abs(g["layers"][0]["nodes"][1]["s"][0].get<double>() - s0) <=
            1e-5 + 1e-4 * std::abs(s0));
    // summary: one weight per feature, and the reason there is no arrow.
    const CliResult sum = run({"summary", "%D/f.nnlens.json", "--n", "9"});
    QVERIFY2(sum.code == 0, sum.err.constData());
    QVERIFY2(sum.out.contains("no arrow: input features"), sum.out.constData());
    QVERIFY2(!sum.out.contains("w = 0"), sum.out.constData());
    const CliResult trace = run({"trace", "%D/f.nnlens.json", "--data", "%D/p.csv"});
    QVERIFY2(trace.code == 0, trace.err.constData());
    json t;
    QVERIFY(parseJson(trace.out, t));
    QVERIFY(t["modules"][0]["in_shape"] == json({2, 2}));
    NNLENS_CLOSE(t["modules"][0]["in"]["max"].get<double>(), 4.0, 0.0, 1e-6);  // (-2)^2
    // x1, x2 as features: the arrow is back.
    net["features"] = {"x1", "x2"};
    net["layers"][0]["weights"] = {{1.0, 0.0, 2.0}, {0.0, 1.0, 1.0}};
    writeFile("plain.nnlens.json", QByteArray::fromStdString(net.dump()));
    const CliResult plainGrid = run({"grid", "%D/plain.nnlens.json", "--n", "5"});
    QVERIFY(parseJson(plainGrid.out, g));
    QVERIFY(g["layers"][0]["nodes"][0]["arrow"].is_object());
    // A broken list is refused with the spec's message, and exit 2.
    net["features"] = {"x1", "x3"};
    writeFile("bad.nnlens.json", QByteArray::fromStdString(net.dump()));
    const CliResult bad = run({"grid", "%D/bad.nnlens.json"});
    QCOMPARE(bad.code, 2);
    QVERIFY2(bad.err.contains(R"(features[1]: unknown feature "x3" (known: x1, x2, x1^2, )"),
             bad.err.constData());
    // One feature: the first layer has a single row of weights (summary read a second one).
    const CliResult one = run({"init", "--layers", "2,2,1", "--activations", "tanh,linear",
                               "--features", "x1*x2", "-o", "%D/one.nnlens.json"});
    QVERIFY2(one.code == 0, one.err.constData());
    const CliResult oneSum = run({"summary", "%D/one.nnlens.json", "--n", "9"});
    QVERIFY2(oneSum.code == 0, oneSum.err.constData());
    QVERIFY2(oneSum.out.contains("no arrow: input features"), oneSum.out.constData());
    const CliResult badInit = run({"init", "--layers", "3,1", "--activations", "tanh", "--features",
                                   "x1", "-o", "%D/g.nnlens.json"});
    QCOMPARE(badInit.code, 2);
    QVERIFY2(badInit.err.contains("2 inputs"), badInit.err.constData());
}

// #21: each Playground lesson does what its description says, trained by train from the file's
// own data and training (spec section 7): accuracy over every generated point, or the
// validation loss at the end.
void TestCli::playgroundLessons_data() {
    QTest::addColumn<QString>("lesson");
    QTest::addColumn<double>("accuracyAtLeast");  // -1: not checked
    QTest::addColumn<double>("accuracyBelow");    // -1: not checked
    QTest::addColumn<double>("valEndAbove");      // -1: not checked
    QTest::addColumn<double>("valEndBelow");      // -1: not checked
    QTest::newRow("circle with x1^2, x2^2: every point")
        << "circle-features" << 0.98 << -1.0 << -1.0 << -1.0;
    QTest::newRow("circle on x1, x2: about 60 %") << "circle-plain" << -1.0 << 0.7 << -1.0 << -1.0;
    QTest::newRow("xor with x1*x2") << "xor-product" << 0.97 << -1.0 << -1.0 << -1.0;
    QTest::newRow("spiral on seven features: about 99 %")
        << "spiral-features" << 0.95 << -1.0 << -1.0 << -1.0;
    QTest::newRow("spiral, deep on x1, x2: about 80 %")
        << "spiral-deep" << -1.0 << 0.9 << -1.0 << -1.0;
    QTest::newRow("overfitting: validation loss above 1")
        << "overfit-wide" << -1.0 << -1.0 << 1.0 << -1.0;
    QTest::newRow("L2 0.01: validation loss near 0.3")
        << "overfit-l2" << -1.0 << -1.0 << -1.0 << 0.5;
}

void TestCli::playgroundLessons() {
    QFETCH(QString, lesson);
    QFETCH(double, accuracyAtLeast);
    QFETCH(double, accuracyBelow);
    QFETCH(double, valEndAbove);
    QFETCH(double, valEndBelow);
    const QString file =
        QStringLiteral(NNLENS_SOURCE_DIR "/resources/presets/lesson-%1.nnlens.json").arg(lesson);
    const CliResult train = run({"train", file, "--backend", "cpu", "-o", "%D/t.nnlens.json"});
    QVERIFY2(train.code == 0, train.err.constData());
    json t;
    QVERIFY(parseJson(train.out, t));
    if (valEndAbove >= 0 || valEndBelow >= 0) {
        const double end = t["val_loss"].back().get<double>();
        if (valEndAbove >= 0) QVERIFY2(end > valEndAbove, qPrintable(QString::number(end)));
        if (valEndBelow >= 0) QVERIFY2(end < valEndBelow, qPrintable(QString::number(end)));
    }
    if (accuracyAtLeast < 0 && accuracyBelow < 0) return;
    // The lesson's points, generated as its "data" says, through the trained network.
    const json net = json::parse(readFile("t.nnlens.json").toStdString());
    const json& g = net["data"]["generate"];
    const CliResult data = run({"dataset", QString::fromStdString(g["kind"].get<std::string>()),
                                "--n", QString::number(g["n"].get<int>()), "--noise",
                                QString::number(g["noise"].get<double>()), "--seed",
                                QString::number(g["seed"].get<int>()), "-o", "%D/d.csv"});
    QVERIFY2(data.code == 0, data.err.constData());
    const CliResult fw = run({"forward", "%D/t.nnlens.json", "--data", "%D/d.csv"});
    QVERIFY2(fw.code == 0, fw.err.constData());
    json f;
    QVERIFY(parseJson(fw.out, f));
    const QList<QByteArray> lines = readFile("d.csv").trimmed().split('\n');
    const int y = lines.front().split(',').indexOf("y1");
    QVERIFY(y >= 0);
    int right = 0;
    const auto& out = f["layers"].back()["out"];
    QCOMPARE(out.size(), std::size_t(lines.size() - 1));
    for (std::size_t i = 0; i < out.size(); ++i) {
        const double target = lines[int(i) + 1].split(',')[y].toDouble();
        right += (out[i][0].get<double>() > 0.5) == (target > 0.5);
    }
    const double accuracy = double(right) / double(out.size());
    if (accuracyAtLeast >= 0)
        QVERIFY2(accuracy >= accuracyAtLeast, qPrintable(QString::number(accuracy)));
    if (accuracyBelow >= 0)
        QVERIFY2(accuracy < accuracyBelow, qPrintable(QString::number(accuracy)));
}

void TestCli::trainRegularization() {
    const QStringList base{"train",       "%D/linear.nnlens.json",
                           "--data",      "%D/regression.csv",
                           "--loss",      "mse",
                           "--optimizer", "sgd",
                           "--lr",        "0.05",
                           "--epochs",    "4",
                           "--batch",     "40",
                           "--no-shuffle"};
    const CliResult plain = run(base + QStringList{"-o", "%D/p.nnlens.json"});
    QVERIFY2(plain.code == 0, plain.err.constData());
    json p;
    QVERIFY(parseJson(plain.out, p));
    QVERIFY(p["penalty"] == json({0.0, 0.0, 0.0, 0.0}));
    const CliResult l2 = run(base + QStringList{"--l2", "0.5", "-o", "%D/r.nnlens.json"});
    QVERIFY2(l2.code == 0, l2.err.constData());
    json r;
    QVERIFY(parseJson(l2.out, r));
    QCOMPARE(r["penalty"].size(), std::size_t(4));
    // The penalty is l2/2 sum W^2 of the written network (biases excluded).
    const json net = json::parse(readFile("r.nnlens.json").toStdString());
    double squares = 0.0;
    for (const auto& row : net["layers"][0]["weights"])
        for (const auto& w : row)
            squares += w.get<double>() * w.get<double>();
    QVERIFY(std::abs(r["penalty"][3].get<double>() - 0.25 * squares) <= 1e-6 * (1 + squares));
    // One batch per epoch: the first epoch's data loss is taken before any update, so it is the
    // same; the weights shrink after it.
    QCOMPARE(r["train_loss"][0].get<double>(), p["train_loss"][0].get<double>());
    QVERIFY(r["train_loss"][3].get<double>() != p["train_loss"][3].get<double>());
    QVERIFY(l2.err.contains("penalty"));
    for (const char* bad : {"-1", "nan", "inf"}) {
        const CliResult refused = run(base + QStringList{"--l1", bad, "-o", "%D/bad.nnlens.json"});
        QCOMPARE(refused.code, 2);
        QVERIFY2(refused.err.contains("--l1"), refused.err.constData());
        QVERIFY(!QFileInfo::exists(path("bad.nnlens.json")));
    }
    // The file's training.l2, and its message.
    json lesson = json::parse(kLesson);
    lesson["training"]["l2"] = 0.5;
    writeFile("l2.nnlens.json", QByteArray::fromStdString(lesson.dump()));
    const CliResult fromFile = run({"train", "%D/l2.nnlens.json", "-o", "%D/f.nnlens.json"});
    QVERIFY2(fromFile.code == 0, fromFile.err.constData());
    json f;
    QVERIFY(parseJson(fromFile.out, f));
    QVERIFY(f["penalty"][0].get<double>() > 0.0);
    QCOMPARE(json::parse(readFile("f.nnlens.json").toStdString())["training"]["l2"].get<double>(),
             0.5);
    lesson["training"]["l2"] = -1;
    writeFile("neg.nnlens.json", QByteArray::fromStdString(lesson.dump()));
    const CliResult neg = run({"train", "%D/neg.nnlens.json", "-o", "%D/g.nnlens.json"});
    QCOMPARE(neg.code, 2);
    QVERIFY2(neg.err.contains("training.l2"), neg.err.constData());
}

void TestCli::trainValidationSplit() {
    // 40 rows, F = 0.25: 30 train (3 batches of 10 per epoch), 10 validate.
    const CliResult r = run({"train", "%D/linear.nnlens.json", "--data", "%D/regression.csv",
                             "--loss", "mse", "--optimizer", "momentum", "--lr", "0.05", "--epochs",
                             "3", "--val-split", "0.25", "-o", "%D/t.nnlens.json"});
    QVERIFY2(r.code == 0, r.err.constData());
    json j;
    QVERIFY(parseJson(r.out, j));
    QCOMPARE(j["steps"].get<int>(), 9);
    QCOMPARE(j["train_loss"].size(), std::size_t(3));
    QCOMPARE(j["val_loss"].size(), std::size_t(3));
    QVERIFY(r.err.contains("val_loss"));
}

// Decision under test: a diverged run still writes the last finite network, reports
// "diverged": true with a stop reason, warns on stderr, and exits 0.
void TestCli::trainDiverges() {
    const CliResult r = run({"train", "%D/linear.nnlens.json", "--data", "%D/regression.csv",
                             "--loss", "mse", "--optimizer", "sgd", "--lr", "1e30", "--batch", "40",
                             "--epochs", "50", "-o", "%D/diverged.nnlens.json"});
    QVERIFY2(r.code == 0, r.err.constData());
    json j;
    QVERIFY(parseJson(r.out, j));
    QCOMPARE(j["diverged"].get<bool>(), true);
    QVERIFY(j["stop_reason"].is_string());
    QVERIFY(j["steps"].get<int>() < 50);
    QVERIFY2(r.err.contains("train: warning: ") && r.err.contains("diverged"), r.err.constData());
    const nnlens::Network net = nnlens::readNetwork(path("diverged.nnlens.json").toStdString());
    QVERIFY(net.layers.at(0).W.allFinite());
    QVERIFY(net.layers.at(0).b.allFinite());
}

// ---- lr-scan -------------------------------------------------------------------------------

void TestCli::lrScan() {
    const QByteArray before = readFile("linear.nnlens.json");
    const CliResult r = run({"lr-scan", "%D/linear.nnlens.json", "--data", "%D/regression.csv",
                             "--loss", "mse", "--optimizer", "sgd", "--batch", "8", "--lr-start",
                             "1e-4", "--lr-stop", "10", "--lr-steps", "30"});
    QVERIFY2(r.code == 0, r.err.constData());
    QCOMPARE(readFile("linear.nnlens.json"), before);  // byte-identical
    json j;
    QVERIFY(parseJson(r.out, j));
    QCOMPARE(j["backend"].get<std::string>(), std::string("cpu"));
    const std::vector<double> lr = doubles(j["lr"]);
    const std::vector<double> loss = doubles(j["loss"]);
    QCOMPARE(lr.size(), loss.size());
    QVERIFY(!lr.empty() && lr.size() <= 30);
    NNLENS_CLOSE(lr.front(), 1e-4, 0.0, 1e-12);
    QVERIFY(std::is_sorted(lr.begin(), lr.end()));
    const std::size_t best =
        static_cast<std::size_t>(std::min_element(loss.begin(), loss.end()) - loss.begin());
    NNLENS_CLOSE(j["recommended"].get<double>(), 0.5 * lr[best], 0.0, 1e-12);
}

// ---- dataset -------------------------------------------------------------------------------

void TestCli::dataset_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("header");
    QTest::addColumn<int>("rows");
    QTest::addColumn<bool>("toFile");
    for (const char* kind : {"xor", "circle", "gaussians", "spiral", "moons"}) {
        QTest::newRow(kind) << QStringList{kind, "--n", "30"} << "x1,x2,y1,label" << 30 << true;
    }
    QTest::newRow("sincos") << QStringList{"sincos", "--n", "25", "--noise", "0.1"}
                            << "x1,x2,y1,sigma,t" << 25 << true;
    QTest::newRow("sincos without noise")
        << QStringList{"sincos", "--n", "25", "--noise", "0"} << "x1,x2,y1,t" << 25 << true;
    QTest::newRow("default n, stdout") << QStringList{"xor"} << "x1,x2,y1,label" << 500 << false;
}

void TestCli::dataset() {
    QFETCH(QStringList, args);
    QFETCH(QString, header);
    QFETCH(int, rows);
    QFETCH(bool, toFile);
    QStringList full = QStringList{"dataset"} + args;
    if (toFile)
        full << "-o"
             << "%D/data.csv";
    const CliResult r = run(full);
    QVERIFY2(r.code == 0, r.err.constData());
    const QByteArray csv = toFile ? readFile("data.csv") : r.out;
    if (toFile) QVERIFY(r.out.isEmpty());
    const QList<QByteArray> lines = csv.trimmed().split('\n');
    QCOMPARE(QString::fromUtf8(lines.front().trimmed()), header);
    QCOMPARE(lines.size(), rows + 1);
    // The file reads back as a data set of that size.
    if (toFile) {
        const CliResult f = run({"forward", "%D/quadrant.nnlens.json", "--data", "%D/data.csv"});
        QVERIFY2(f.code == 0, f.err.constData());
    }
}

// ---- bench ---------------------------------------------------------------------------------

void TestCli::bench() {
    const CliResult r = run({"bench", "--quick"});
    QVERIFY2(r.code == 0, r.err.constData());
    json j;
    QVERIFY(parseJson(r.out, j));
    QCOMPARE(j["backend"].get<std::string>(), std::string("cpu"));
    for (const char* key : {"grid_ms", "grid_update_ms", "train_samples_per_s"}) {
        QVERIFY2(j[key].is_number() && j[key].get<double>() > 0.0, key);
    }
    QCOMPARE(j["targets"]["grid_ms"].get<double>(), 1.5);
    QCOMPARE(j["targets"]["grid_update_ms"].get<double>(), 0.5);
    QCOMPARE(j["targets"]["train_samples_per_s"].get<double>(), 5e6);
    QVERIFY(j["machine"]["threads"].is_number_integer());
    QVERIFY(j["machine"]["threads"].get<int>() >= 0);
    QCOMPARE(j["quick"].get<bool>(), true);
    QVERIFY(!j.contains("large"));

    // --large adds the CUDA issue's sizes (tiny under --quick).
    const CliResult big = run({"bench", "--quick", "--large", "--backend", "cpu"});
    QVERIFY2(big.code == 0, big.err.constData());
    json k;
    QVERIFY(parseJson(big.out, k));
    QVERIFY(k["large"]["grid_2048_ms"].get<double>() > 0.0);
    QVERIFY(k["large"]["train_batch4096_samples_per_s"].get<double>() > 0.0);
}

// ---- --backend -----------------------------------------------------------------------------

void TestCli::backendReported_data() {
    QTest::addColumn<QStringList>("args");
    QTest::newRow("forward auto") << QStringList{
        "forward", "%D/quadrant.nnlens.json", "--data", "%D/points.csv", "--backend", "auto"};
    QTest::newRow("grid cpu") << QStringList{"grid", "%D/quadrant.nnlens.json", "--n", "3",
                                             "--backend=cpu"};
    QTest::newRow("grad auto") << QStringList{
        "grad", "%D/linear.nnlens.json", "--data", "%D/lin.csv", "--loss", "mse", "--backend",
        "auto"};
    QTest::newRow("train cpu") << QStringList{"train",       "%D/linear.nnlens.json",
                                              "--data",      "%D/lin.csv",
                                              "--loss",      "mse",
                                              "--optimizer", "sgd",
                                              "--lr",        "0.1",
                                              "--epochs",    "1",
                                              "-o",          "%D/t.nnlens.json",
                                              "--backend",   "cpu"};
    QTest::newRow("lr-scan auto") << QStringList{"lr-scan",     "%D/linear.nnlens.json",
                                                 "--data",      "%D/lin.csv",
                                                 "--loss",      "mse",
                                                 "--optimizer", "adam",
                                                 "--lr-steps",  "3",
                                                 "--backend",   "auto"};
}

void TestCli::backendReported() {
    QFETCH(QStringList, args);
    const CliResult r = run(args);
    QVERIFY2(r.code == 0, r.err.constData());
    json j;
    QVERIFY(parseJson(r.out, j));
    QCOMPARE(j["backend"].get<std::string>(), std::string("cpu"));
}

// ---- summary -------------------------------------------------------------------------------

void TestCli::summary() {
    const CliResult r = run({"summary", "%D/quadrant.nnlens.json"});
    QVERIFY2(r.code == 0, r.err.constData());
    const QString text = QString::fromUtf8(r.out);
    QVERIFY(text.startsWith("Quadrant selector\n"));
    QVERIFY(text.contains("Two tanh hidden nodes"));
    for (const char* s : {"LYR1-NODE1", "LYR1-NODE2", "LYR2-NODE1", "arrow from (0, 0)",
                          "w (2, -1)", "w (0, -2)", "colour limit"}) {
        QVERIFY2(text.contains(s), s);
    }
    // Layer table: (n_in + 1) n_out parameters, 6 + 3 = 9 in all.
    QVERIFY(text.contains(QRegularExpression("\\n  1 +2  tanh +6\\n")));
    QVERIFY(text.contains(QRegularExpression("\\n  2 +1  tanh +3\\n")));
    QVERIFY(text.contains(QRegularExpression("\\n  total +9\\n")));
    for (const QString& line : text.split('\n'))
        QVERIFY2(line.size() <= 80, qPrintable(line));
}

void TestCli::summaryMapOrientation() {
    // One map per row at width 76; row 0 of the grid (x2 = -3) is the last map line.
    const CliResult r = run({"summary", "%D/quadrant.nnlens.json", "--width", "76"});
    QVERIFY2(r.code == 0, r.err.constData());
    const QStringList lines = QString::fromUtf8(r.out).split('\n');
    auto mapOf = [&](const QString& label) {
        QStringList rows;
        const qsizetype start = lines.indexOf(label);
        if (start < 0) return rows;
        qsizetype i = start + 1;
        while (i < lines.size() && !lines[i].startsWith('+'))
            ++i;
        for (++i; i < lines.size() && lines[i].startsWith('|'); ++i)
            rows << lines[i].mid(1, 76);
        return rows;
    };
    const QStringList node2 = mapOf("LYR1-NODE2");  // tanh(-2 x2): negative at the top
    QCOMPARE(node2.size(), 38);
    QCOMPARE(node2.front(), QString(76, '%'));
    QCOMPARE(node2.back(), QString(76, '#'));
    const QStringList node1 = mapOf("LYR1-NODE1");  // tanh(2 x1 - x2): positive at the right
    QCOMPARE(node1.size(), 38);
    QCOMPARE(node1.front().front(), QChar('%'));
    QCOMPARE(node1.front().back(), QChar('#'));
    QCOMPARE(node1.back().back(), QChar('#'));
}

void TestCli::summaryThreeInputs() {
    const CliResult r = run({"summary", "%D/three-in.nnlens.json"});
    QVERIFY2(r.code == 0, r.err.constData());
    QVERIFY(r.out.startsWith("three inputs\n"));
    QVERIFY(r.out.contains("No maps: they need a network with 2 inputs"));
}

// ---- render --------------------------------------------------------------------------------

void TestCli::render_data() {
    QTest::addColumn<QString>("net");
    QTest::addColumn<QString>("figure");
    QTest::addColumn<QStringList>("extra");
    QTest::addColumn<QSize>("size");  // expected
    QTest::newRow("graph, explicit size")
        << "quadrant.nnlens.json"
        << "graph" << QStringList{"--width", "640", "--height", "480"} << QSize(640, 480);
    QTest::newRow("graph, default size (3 in per map + colour bar)")
        << "linear.nnlens.json"
        << "graph" << QStringList{"--n", "40"} << QSize(0, 300);
    QTest::newRow("unit, width only keeps 6x6 in")
        << "quadrant.nnlens.json"
        << "unit" << QStringList{"--width", "300", "--node", "2,1"} << QSize(300, 300);
    QTest::newRow("node, 200 dpi default")
        << "quadrant.nnlens.json"
        << "node" << QStringList{"--dpi", "200"} << QSize(600, 600);
    QTest::newRow("network of three inputs")
        << "three-in.nnlens.json"
        << "network" << QStringList{"--height", "300"} << QSize(0, 300);
    QTest::newRow("activations, presentation")
        << "quadrant.nnlens.json"
        << "activations" << QStringList{"--presentation", "--activation", "relu"}
        << QSize(1200, 500);
    QTest::newRow("softmax, transparent")
        << "quadrant.nnlens.json"
        << "softmax" << QStringList{"--transparent", "--softmax-range", "-1,1"} << QSize(1050, 300);
    QTest::newRow("loss from train's JSON")
        << "quadrant.nnlens.json"
        << "loss" << QStringList{"--history", "%D/history.json"} << QSize(640, 480);
    QTest::newRow("loss with the timeline's epoch")
        << "quadrant.nnlens.json"
        << "loss" << QStringList{"--history", "%D/history.json", "--mark-epoch", "3"}
        << QSize(640, 480);
    QTest::newRow("lr-scan from lr-scan's JSON")
        << "quadrant.nnlens.json"
        << "lr-scan" << QStringList{"--scan", "%D/scan.json", "--width", "320"} << QSize(320, 240);
    QTest::newRow("data with --data and a split")
        << "quadrant.nnlens.json"
        << "data" << QStringList{"--data", "%D/regression.csv", "--val-split", "0.2", "--n", "50"}
        << QSize(600, 600);
    QTest::newRow("fit against t")
        << "linear.nnlens.json"
        << "fit" << QStringList{"--data", "%D/sincos.csv", "--fit-column", "t"} << QSize(800, 600);
    QTest::newRow("fit from the lesson's data") << "lesson.nnlens.json"
                                                << "fit" << QStringList{} << QSize(800, 600);
    QTest::newRow("losses, default size 13x8.5 in")
        << "quadrant.nnlens.json"
        << "losses" << QStringList{} << QSize(1300, 850);
    QTest::newRow("losses, sigma and emphasis, size typed")
        << "three-in.nnlens.json"
        << "losses" << QStringList{"--sigma", "0.3", "--loss",   "bce_logits",
                                   "--width", "777", "--height", "555"}
        << QSize(777, 555);
    QTest::newRow("flow of three inputs, the size typed")
        << "three-in.nnlens.json"
        << "flow" << QStringList{"--width", "700", "--height", "300"} << QSize(700, 300);
    // Wider than 1.1 in a module (600 px) where its labels need it to stay at 9 pt at 96 dpi.
    QTest::newRow("flow, N 20, seed 4, loss scale 100, module 3, room for the labels")
        << "quadrant.nnlens.json"
        << "flow" << QStringList{"--n", "20", "--seed", "4", "--loss-scale", "100", "--module", "3"}
        << QSize(665, 720);
    QTest::newRow("flow on --data with targets and --loss")
        << "quadrant.nnlens.json"
        << "flow" << QStringList{"--data", "%D/regression.csv", "--loss", "mse", "--width", "500"}
        << QSize(500, 541);
    QTest::newRow("stats, default size: 12 plots, 5 x 3 of 3.2 x 2.6 in")
        << "quadrant.nnlens.json"
        << "stats" << QStringList{} << QSize(1600, 815);
    QTest::newRow("stats, the size typed")
        << "three-in.nnlens.json"
        << "stats" << QStringList{"--width", "900", "--height", "500"} << QSize(900, 500);
    QTest::newRow("stats, N 60, seed 2, bins 8, module 2, loss scale 100, width only")
        << "quadrant.nnlens.json"
        << "stats" << QStringList{"--n",      "60", "--seed",       "2",   "--bins",  "8",
                                  "--module", "2",  "--loss-scale", "100", "--width", "800"}
        << QSize(800, 408);
    QTest::newRow("stats on --data with targets, transparent")
        << "quadrant.nnlens.json"
        << "stats" << QStringList{"--data", "%D/regression.csv", "--loss", "mse", "--transparent"}
        << QSize(1600, 815);
    QTest::newRow("graph with the lesson's points")
        << "lesson.nnlens.json"
        << "graph" << QStringList{"--points", "--n", "40", "--height", "300"} << QSize(0, 300);
}

void TestCli::render() {
    QFETCH(QString, net);
    QFETCH(QString, figure);
    QFETCH(QStringList, extra);
    QFETCH(QSize, size);
    const CliResult r = run(QStringList{"render", "%D/" + net, "--figure", figure, "-o",
                                        "%D/fig.png", "--backend", "cpu"} +
                            extra);
    QVERIFY2(r.code == 0, r.err.constData());
    json j;
    QVERIFY2(parseJson(r.out, j), r.out.constData());
    QCOMPARE(QString::fromStdString(j.at("figure").get<std::string>()), figure);
    QCOMPARE(QString::fromStdString(j.at("file").get<std::string>()), path("fig.png"));
    QCOMPARE(QString::fromStdString(j.at("backend").get<std::string>()), QString("cpu"));
    QVERIFY(j.at("ms").get<double>() >= 0.0);
    const QImage img(path("fig.png"));
    QVERIFY(!img.isNull());
    QCOMPARE(j.at("width").get<int>(), img.width());
    QCOMPARE(j.at("height").get<int>(), img.height());
    if (size.width() > 0) QCOMPARE(img.width(), size.width());
    QCOMPARE(img.height(), size.height());
    if (size.width() == 0) QVERIFY(img.width() > img.height());
    // Not blank: the corner is the background, the middle is not all one colour.
    const QRgb corner = img.pixel(0, 0);
    QCOMPARE(qAlpha(corner), extra.contains("--transparent") ? 0 : 255);
    int other = 0;
    for (int y = 0; y < img.height(); y += 4) {
        for (int x = 0; x < img.width(); x += 4)
            other += img.pixel(x, y) != corner ? 1 : 0;
    }
    QVERIFY2(other > 100, qPrintable(QString::number(other)));
    // stderr: the one line saying what was written.
    QVERIFY2(r.err.startsWith("render: wrote ") && r.err.count('\n') == 1, r.err.constData());
}

void TestCli::renderFailureLeavesNoFile() {
    // An existing PNG stays as it was when a render fails; nothing half-written appears.
    writeFile("fig.png", "previous contents");
    CliResult r =
        run({"render", "%D/three-in.nnlens.json", "--figure", "unit", "-o", "%D/fig.png"});
    QCOMPARE(r.code, 2);
    QCOMPARE(readFile("fig.png"), QByteArray("previous contents"));
    // A folder where nothing can be created: exit 1, one line, no file.
    r = run({"render", "%D/quadrant.nnlens.json", "--figure", "softmax", "-o", "/proc/fig.png"});
    QCOMPARE(r.code, 1);
    QVERIFY(r.out.isEmpty());
    const QString err = QString::fromUtf8(r.err);
    QVERIFY2(err.startsWith("render: /proc/fig.png: ") && err.count('\n') == 1, qPrintable(err));
    QVERIFY(!QFileInfo::exists("/proc/fig.png"));
}

// A file name need not be UTF-8 on Linux; the JSON that names it must still parse (the bytes
// become U+FFFD).
void TestCli::fileNameNotUtf8() {
    const std::string dir = m_dir->path().toStdString();
    // QTemporaryDir cannot remove a name Qt cannot decode: this test removes its own.
    struct RemovedAtExit {
        std::string path;
        ~RemovedAtExit() { std::filesystem::remove(path); }
    } const net{dir + "/q\xff.nnlens.json"};
    std::ofstream(net.path) << kQuadrant;
    // Through the shell: QProcess's arguments are QStrings, which cannot hold the byte 0xff.
    QProcess p;
    p.setProgram(QStringLiteral("/bin/sh"));
    p.setArguments(
        {QStringLiteral("-c"),
         QStringLiteral("ff=$(printf '\\377'); exec \"$0\" render \"$1/q$ff.nnlens.json\" "
                        "--figure network -o \"$1/fig$ff.png\" --backend cpu"),
         QStringLiteral(NNLENS_CLI_PATH), m_dir->path()});
    p.start();
    QVERIFY(p.waitForFinished(60000));
    const QByteArray out = p.readAllStandardOutput();
    QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
    QVERIFY2(out.contains("fig"), out.constData());
    json j;
    QVERIFY2(parseJson(out, j), out.constData());
    QCOMPARE(j.at("file").get<std::string>(), dir + "/fig\xef\xbf\xbd.png");
}

// ---- bad usage and bad input: exit 2, one line, no output file -----------------------------

// A constant map at |s| = 1e17: its histogram's edges collapse in double (#12). It used to crash.
void TestCli::hugeConstantMap_data() {
    QTest::addColumn<QStringList>("args");
    QTest::newRow("grid") << QStringList{"grid", "%D/huge.nnlens.json", "--n", "5"};
    QTest::newRow("summary") << QStringList{"summary", "%D/huge.nnlens.json"};
    QTest::newRow("render unit") << QStringList{"render", "%D/huge.nnlens.json", "--figure", "unit",
                                                "-o",     "%D/huge.png"};
}

void TestCli::hugeConstantMap() {
    QFETCH(QStringList, args);
    writeFile("huge.nnlens.json", R"({"format":"nnlens.network","version":1,"inputs":2,)"
                                  R"("layers":[{"activation":"tanh","weights":[[0],[0]],)"
                                  R"("bias":[1e17]}]})");
    const CliResult r = run(args);
    QVERIFY2(r.code == 0, r.err.constData());
    if (args.first() != "grid") return;
    json doc;
    QVERIFY(parseJson(r.out, doc));
    const json& hist = doc["layers"][0]["nodes"][0]["hist"];
    std::vector<std::int64_t> expected(25, 0);
    expected[12] = 25;  // the middle bin of [s - 0.5, s + 0.5], every one of the 5 x 5 points
    QCOMPARE(hist["counts"].get<std::vector<std::int64_t>>(), expected);
}

// summary prints the file's name and description for a terminal: control characters in them
// are escaped, never passed on (#12).
void TestCli::summaryEscapesControlCharacters_data() {
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<QByteArray>("description");
    QTest::addColumn<QString>("shown");
    QTest::newRow("escape sequence in the name")
        << QByteArray(R"(\u001b[2Jred)") << QByteArray("plain") << R"(\x1b[2Jred)";
    QTest::newRow("bell in the description")
        << QByteArray("n") << QByteArray(R"(ring\u0007 the bell)") << R"(ring\x07 the)";
    // A carriage return is white space to the word wrap, so it becomes a space.
    QTest::newRow("carriage return and DEL in the description")
        << QByteArray("n") << QByteArray(R"(over\rwrite\u007f)") << R"(over write\x7f)";
    QTest::newRow("escape sequence in the file name of a nameless network")
        << QByteArray("") << QByteArray(R"(\u001b]0;title\u0007)") << R"(\x1b]0;title\x07)";
}

void TestCli::summaryEscapesControlCharacters() {
    QFETCH(QByteArray, name);
    QFETCH(QByteArray, description);
    QFETCH(QString, shown);
    writeFile("ctl.nnlens.json", R"({"format":"nnlens.network","version":1,"name":")" + name +
                                     R"(","description":")" + description +
                                     R"(","inputs":2,"layers":[{"activation":"tanh",)"
                                     R"("weights":[[1],[1]],"bias":[0]}]})");
    const CliResult r = run({"summary", "%D/ctl.nnlens.json"});
    QVERIFY2(r.code == 0, r.err.constData());
    QVERIFY2(r.out.contains(shown.toUtf8()), r.out.left(300).constData());
    for (const char c : r.out)
        QVERIFY2(c == '\n' || static_cast<unsigned char>(c) >= 0x20, r.out.left(300).constData());
    QVERIFY(!r.out.contains('\x7f'));
}

// A result that cannot be written to stdout (a full disk) is a failure, exit 1, with one line
// naming stdout (#12); it used to exit 0.
void TestCli::stdoutWriteErrors_data() {
    QTest::addColumn<QStringList>("args");
    QTest::newRow("forward") << QStringList{"forward", "%D/quadrant.nnlens.json", "--data",
                                            "%D/points.csv"};
    QTest::newRow("grid") << QStringList{"grid", "%D/quadrant.nnlens.json", "--n", "3"};
    QTest::newRow("summary") << QStringList{"summary", "%D/quadrant.nnlens.json"};
    QTest::newRow("dataset CSV") << QStringList{"dataset", "xor", "--n", "20"};
    QTest::newRow("help") << QStringList{"--help"};
}

void TestCli::stdoutWriteErrors() {
    if (!QFileInfo::exists("/dev/full")) QSKIP("no /dev/full");
    QFETCH(QStringList, args);
    const CliResult r = run(args, "/dev/full");
    QCOMPARE(r.code, 1);
    const QString err = QString::fromUtf8(r.err);
    QVERIFY2(err.startsWith("nnlens-cli: cannot write the output to stdout"), qPrintable(err));
    QVERIFY2(err.endsWith('\n') && err.count('\n') == 1, qPrintable(err));
}

// -o writes through a symbolic link to its target and refuses a device node, which it used to
// replace with a regular file (#12).
void TestCli::outputThroughLinkAndToDevice_data() {
    QTest::addColumn<QStringList>("args");  // "%O" stands for the output
    QTest::newRow("grid JSON") << QStringList{"grid", "%D/quadrant.nnlens.json", "--n", "3", "-o",
                                              "%O"};
    QTest::newRow("dataset CSV") << QStringList{"dataset", "xor", "--n", "10", "-o", "%O"};
    QTest::newRow("render PNG") << QStringList{
        "render", "%D/quadrant.nnlens.json", "--figure", "network", "-o", "%O"};
}

void TestCli::outputThroughLinkAndToDevice() {
    QFETCH(QStringList, args);
    writeFile("target.out", "old");
    QVERIFY(QFile::link(path("target.out"), path("link.out")));
    const CliResult viaLink = run(QStringList(args).replaceInStrings("%O", path("link.out")));
    QVERIFY2(viaLink.code == 0, viaLink.err.constData());
    QVERIFY(QFileInfo(path("link.out")).isSymLink());
    QVERIFY(readFile("target.out") != "old");
    QVERIFY(readFile("target.out").size() > 3);

    if (!QFileInfo::exists("/dev/null")) QSKIP("no /dev/null");
    const CliResult device = run(QStringList(args).replaceInStrings("%O", "/dev/null"));
    QCOMPARE(device.code, 2);
    QVERIFY2(QString::fromUtf8(device.err).contains("/dev/null: is not a regular file"),
             device.err.constData());
    QVERIFY(!QFileInfo("/dev/null").isFile());
}

void TestCli::badInput_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");  // must appear in the one stderr line
    QTest::addColumn<QString>("output");   // a file that must not exist afterwards ("" for none)

    const QStringList grid = {"grid", "%D/quadrant.nnlens.json", "-o", "%D/out.json"};
    const QStringList train = {"train",       "%D/linear.nnlens.json",
                               "--data",      "%D/regression.csv",
                               "--loss",      "mse",
                               "--optimizer", "adam",
                               "--lr",        "0.01",
                               "-o",          "%D/out.nnlens.json"};
    const QString gridOut = "out.json";
    const QString trainOut = "out.nnlens.json";

    // Files.
    QTest::newRow("missing network file")
        << QStringList{"grid", "%D/missing.nnlens.json", "-o", "%D/out.json"}
        << "missing.nnlens.json: cannot open" << gridOut;
    QTest::newRow("malformed JSON")
        << QStringList{"grid", "%D/malformed.nnlens.json", "-o", "%D/out.json"}
        << "malformed.nnlens.json: " << gridOut;
    QTest::newRow("65000 levels of nesting")
        << QStringList{"grid", "%D/deep.nnlens.json", "-o", "%D/out.json"}
        << "deep.nnlens.json: line 1, column 65: too deeply nested (more than 64 levels) at byte 65"
        << gridOut;
    // Sizes (#12 defect 8): refused before reading, or at the limit from a device.
    QTest::newRow("network file larger than any network needs")
        << QStringList{"summary", "%D/huge.nnlens.json"}
        << "huge.nnlens.json: larger than the 436 MB a network file can need" << QString();
    QTest::newRow("network file from /dev/zero")
        << QStringList{"summary", "/dev/zero"} << "/dev/zero: not a regular file (a device)"
        << QString();
    // A named pipe with no writer is refused at once: opening it would block forever (#19).
    QTest::newRow("network file that is a named pipe")
        << QStringList{"summary", "%D/pipe.nnlens.json"}
        << "pipe.nnlens.json: not a regular file (a named pipe)" << QString();
    QTest::newRow("data file that is a named pipe")
        << QStringList{"train", "%D/linear.nnlens.json", "--data", "%D/pipe.csv", "--loss",
                       "mse",   "--optimizer",           "sgd",    "--lr",        "0.1",
                       "-o",    "%D/out.nnlens.json"}
        << "pipe.csv: not a regular file (a named pipe)" << trainOut;
    QTest::newRow("lesson data file that is a named pipe")
        << QStringList{"train", "%D/lesson-pipe.nnlens.json", "-o", "%D/out.nnlens.json"}
        << "pipe.csv: not a regular file (a named pipe)" << trainOut;
    // Results bounded before any work (#19 item 4): 4097 nodes' maps at n = 1000 took 24 GB.
    QTest::newRow("grid: maps beyond the memory bound")
        << QStringList{"grid", "%D/wide.nnlens.json", "--n", "1000", "-o", "%D/out.json"}
        << "grid: the maps of 4097 nodes at n = 1000 would take about 180 GB (at most 1.5 GB); "
           "--n 91 fits"
        << gridOut;
    QTest::newRow("forward: a result beyond the memory bound")
        << QStringList{"forward", "%D/wide.nnlens.json", "--data", "%D/many.csv",
                       "-o",      "%D/out.json"}
        << "forward: the result for 20000 rows of 4097 nodes would take about 3.28 GB (at most "
           "1.5 GB); take fewer rows, with --rows 9153 or less (and -o FILE to keep the result)"
        << gridOut;
    QTest::newRow("data file larger than any data set needs")
        << QStringList{"forward",    "%D/quadrant.nnlens.json", "--data", "%D/huge.csv", "-o",
                       "%D/out.json"}
        << "huge.csv: larger than the 1 GB a data file can need" << gridOut;
    QTest::newRow("unknown key of 1.2 Mi values")
        << QStringList{"summary", "%D/junk.nnlens.json"}
        << "junk.nnlens.json: \"junk\": keys this nnlens does not read may take at most 16 MiB "
           "in all"
        << QString();
    QTest::newRow("number beyond double range")
        << QStringList{"summary", "%D/overflow.nnlens.json"}
        << "overflow.nnlens.json: line 1, column 49: number 1e400 is out of range" << QString();
    QTest::newRow("wrong shape") << QStringList{"grid", "%D/wrong-shape.nnlens.json", "-o",
                                                "%D/out.json"}
                                 << "layer 2: weights have 3 rows but the layer receives 2 inputs"
                                 << gridOut;
    QTest::newRow("unknown activation")
        << QStringList{"forward",    "%D/unknown-act.nnlens.json", "--data", "%D/points.csv", "-o",
                       "%D/out.json"}
        << "layer 1: unknown activation \"tanhh\"" << gridOut;
    QTest::newRow("missing data file") << QStringList{"grad",   "%D/linear.nnlens.json",
                                                      "--data", "%D/nope.csv",
                                                      "--loss", "mse",
                                                      "-o",     "%D/out.json"}
                                       << "nope.csv: cannot open" << gridOut;
    QTest::newRow("label out of range") << QStringList{"grad",   "%D/two-out.nnlens.json",
                                                       "--data", "%D/labels.csv",
                                                       "--loss", "ce",
                                                       "-o",     "%D/out.json"}
                                        << "labels.csv: line 3, column label: label 2 is out of "
                                           "range"
                                        << gridOut;
    // The file's line and the column, not "row 2" (#12).
    QTest::newRow("bce target out of [0, 1]")
        << QStringList{"grad",   "%D/linear.nnlens.json",
                       "--data", "%D/lin.csv",
                       "--loss", "bce",
                       "-o",     "%D/out.json"}
        << "lin.csv: line 4, column y1: loss bce needs targets in [0, 1]" << gridOut;
    QTest::newRow("grad: a loss past float range (chi2 with sigma 1e-45)")
        << QStringList{"grad",   "%D/linear.nnlens.json",
                       "--data", "%D/tiny-sigma.csv",
                       "--loss", "chi2",
                       "-o",     "%D/out.json"}
        << "tiny-sigma.csv: the chi2 loss is infinite: ((out - y) / sigma)^2 overflows 32-bit "
           "floats with sigma as small as 1.4013e-45"
        << gridOut;
    QTest::newRow("NaN in CSV") << QStringList{"grad",   "%D/linear.nnlens.json",
                                               "--data", "%D/nan.csv",
                                               "--loss", "mse",
                                               "-o",     "%D/out.json"}
                                << "nan.csv: line 3" << gridOut;
    QTest::newRow("empty data set")
        << QStringList{"train", "%D/linear.nnlens.json", "--data", "%D/empty.csv", "--loss",
                       "mse",   "--optimizer",           "sgd",    "--lr",         "0.1",
                       "-o",    "%D/out.nnlens.json"}
        << "empty.csv: " << trainOut;
    QTest::newRow("forward: wrong input width")
        << QStringList{"forward",    "%D/quadrant.nnlens.json", "--data", "%D/wide.csv", "-o",
                       "%D/out.json"}
        << "wide.csv: has 3 input columns (x1..) but the network takes 2 inputs" << gridOut;
    QTest::newRow("grid: three inputs")
        << QStringList{"grid", "%D/three-in.nnlens.json", "-o", "%D/out.json"}
        << "three-in.nnlens.json: maps need a network with 2 inputs, this one has 3" << gridOut;

    // Names.
    QTest::newRow("unknown loss") << QStringList{"grad",   "%D/linear.nnlens.json",
                                                 "--data", "%D/lin.csv",
                                                 "--loss", "hinge",
                                                 "-o",     "%D/out.json"}
                                  << "grad: --loss: unknown loss \"hinge\" (known: mse, "
                                  << gridOut;
    QTest::newRow("unknown reduction")
        << QStringList{"grad", "%D/linear.nnlens.json", "--data", "%D/lin.csv", "--loss",
                       "mse",  "--reduction",           "max"}
        << "grad: --reduction: unknown reduction \"max\" (known: mean, sum)"
        << "";
    QTest::newRow("unknown optimizer")
        << QStringList(train).replaceInStrings("adam", "adagrad")
        << "train: --optimizer: unknown optimizer \"adagrad\" (known: sgd, momentum, adam)"
        << trainOut;
    QTest::newRow("unknown dataset kind")
        << QStringList{"dataset", "swirl", "-o", "%D/out.csv"}
        << "dataset: unknown kind \"swirl\" (known: xor, circle, "
           "gaussians, spiral, moons, sincos, plane, multi-gaussian, normal)"
        << "out.csv";
    QTest::newRow("unknown command")
        << QStringList{"frobnicate"} << "nnlens-cli: unknown command \"frobnicate\""
        << "";
    // CUDA_VISIBLE_DEVICES is emptied for every run (see init()), so a CUDA build sees
    // no device, on a GPU machine too.
    QTest::newRow("backend cuda") << (grid + QStringList{"--backend", "cuda"})
#if NNLENS_HAVE_CUDA
                                  << "--backend cuda: no CUDA device (cudaGetDeviceCount: error "
#else
                                  << "--backend cuda: this nnlens was built without CUDA"
#endif
                                  << gridOut;
    QTest::newRow("unknown backend")
        << (grid + QStringList{"--backend", "gpu"})
        << "--backend: unknown backend \"gpu\" (known: cpu, cuda, auto)" << gridOut;

    // Options out of range.
    QTest::newRow("--lr 0")
        << QStringList(train).replaceInStrings("0.01", "0")
        << "train: --lr: 0 is out of range (must be a number > 0 and at most 1e30)" << trainOut;
    QTest::newRow("--lr inf")
        << QStringList(train).replaceInStrings("0.01", "inf")
        << "train: --lr: inf is out of range (must be a number > 0 and at most 1e30)" << trainOut;
    QTest::newRow("--lr abc") << QStringList(train).replaceInStrings("0.01", "abc")
                              << "train: --lr: \"abc\" is not a number" << trainOut;
    QTest::newRow("--batch 0") << (train + QStringList{"--batch", "0"})
                               << "train: --batch: 0 is out of range (must be at least 1)"
                               << trainOut;
    QTest::newRow("--batch 2.5") << (train + QStringList{"--batch", "2.5"})
                                 << "train: --batch: \"2.5\" is not a whole number" << trainOut;
    QTest::newRow("--epochs 0") << (train + QStringList{"--epochs", "0"})
                                << "train: --epochs: 0 is out of range (must be at least 1)"
                                << trainOut;
    QTest::newRow("--val-split 1")
        << (train + QStringList{"--val-split", "1"})
        << "train: --val-split: 1 is out of range (must be in [0, 1))" << trainOut;
    QTest::newRow("--val-split -0.1")
        << (train + QStringList{"--val-split", "-0.1"})
        << "train: --val-split: -0.1 is out of range (must be in [0, 1))" << trainOut;
    QTest::newRow("--val-split leaves no rows")
        << QStringList{"train",       "%D/linear.nnlens.json",
                       "--data",      "%D/lin.csv",
                       "--loss",      "mse",
                       "--optimizer", "sgd",
                       "--lr",        "0.1",
                       "--val-split", "0.9",
                       "--batch",     "1",
                       "-o",          "%D/out.nnlens.json"}
        << "train: --val-split: 0.9 leaves none of the 3 rows of " << trainOut;
    QTest::newRow("--epochs with --steps")
        << (train + QStringList{"--epochs", "3", "--steps", "5"})
        << "train: --epochs and --steps cannot be used together" << trainOut;
    QTest::newRow("grid --n 1") << (grid + QStringList{"--n", "1"})
                                << "grid: --n: 1 is out of range (must be 2 to 4096)" << gridOut;
    QTest::newRow("grid --bins 0")
        << (grid + QStringList{"--bins", "0"})
        << "grid: --bins: 0 is out of range (must be 1 to 1024)" << gridOut;
    QTest::newRow("grid --range -1")
        << (grid + QStringList{"--range", "-1"})
        << "grid: --range: -1 is out of range (must be a number > 0 and at most 1e6)" << gridOut;
    QTest::newRow("lr-scan --lr-stop below start")
        << QStringList{"lr-scan",     "%D/linear.nnlens.json",
                       "--data",      "%D/lin.csv",
                       "--loss",      "mse",
                       "--optimizer", "sgd",
                       "--lr-start",  "0.1",
                       "--lr-stop",   "0.01",
                       "-o",          "%D/out.json"}
        << "lr-scan: --lr-stop: 0.01 is out of range (must be above --lr-start 0.1)" << gridOut;
    QTest::newRow("lr-scan --lr-steps 1")
        << QStringList{"lr-scan",     "%D/linear.nnlens.json",
                       "--data",      "%D/lin.csv",
                       "--loss",      "mse",
                       "--optimizer", "sgd",
                       "--lr-steps",  "1",
                       "-o",          "%D/out.json"}
        << "lr-scan: --lr-steps: 1 is out of range (must be 2 to 1000000)" << gridOut;
    QTest::newRow("dataset --n 0") << QStringList{"dataset", "xor", "--n", "0", "-o", "%D/out.csv"}
                                   << "dataset: --n: 0 is out of range (must be 1 to 10000000)"
                                   << "out.csv";
    // Values past the float the engine computes in (#12): they printed nulls or wrote inf.
    QTest::newRow("grid --range 1e39")
        << (grid + QStringList{"--range", "1e39"})
        << "grid: --range: 1e39 is out of range (must be a number > 0 and at most 1e6)" << gridOut;
    QTest::newRow("grid --range 1e-50 (0 as a float)")
        << (grid + QStringList{"--range", "1e-50"})
        << "grid: --range: 1e-50 is out of range (must be a number > 0 and at most 1e6)" << gridOut;
    QTest::newRow("dataset --noise 1e308")
        << QStringList{"dataset", "xor", "--noise", "1e308", "-o", "%D/out.csv"}
        << "dataset: --noise: 1e308 is out of range (must be from 0 to 1e6)"
        << "out.csv";
    QTest::newRow("train --lr 1e39") << QStringList(train).replaceInStrings("0.01", "1e39")
                                     << "train: --lr: 1e39 is out of range (must be a number > 0 "
                                        "and at most 1e30)"
                                     << trainOut;
    QTest::newRow("lr-scan --lr-start 1e-50")
        << QStringList{"lr-scan", "%D/linear.nnlens.json", "--data", "%D/regression.csv", "--loss",
                       "mse",     "--optimizer",           "sgd",    "--lr-start",        "1e-50"}
        << "lr-scan: --lr-start: 1e-50 is out of range (must be a number > 0 and at most 1e30)"
        << QString();
    QTest::newRow("render: --vlim 1e39")
        << QStringList{"render",   "%D/quadrant.nnlens.json",
                       "--figure", "network",
                       "--vlim",   "1e39",
                       "-o",       "%D/out.png"}
        << "render: --vlim: 1e39 is out of range (must be a number > 0 and at most 1e30)"
        << "out.png";
    QTest::newRow("dataset --noise -1")
        << QStringList{"dataset", "xor", "--noise", "-1", "-o", "%D/out.csv"}
        << "dataset: --noise: -1 is out of range (must be from 0 to 1e6)"
        << "out.csv";
    QTest::newRow("--seed -1") << (train + QStringList{"--seed", "-1"})
                               << "train: --seed: -1 is out of range (must be at least 0)"
                               << trainOut;

    // render.
    const QStringList render = {"render",    "%D/quadrant.nnlens.json", "--figure", "graph", "-o",
                                "%D/fig.png"};
    const QString renderOut = "fig.png";
    QTest::newRow("render: unknown figure")
        << QStringList(render).replaceInStrings("graph", "pie")
        << "render: --figure: unknown figure \"pie\" (known: graph, unit, activations, softmax, "
           "network, node, loss, lr-scan, data, fit, losses, flow, stats, quiz)"
        << renderOut;
    QTest::newRow("render: --sigma 0")
        << (render + QStringList{"--sigma", "0"})
        << "render: --sigma: 0 is out of range (must be from 0.05 to 100)" << renderOut;
    QTest::newRow("render: --sigma not a number")
        << (render + QStringList{"--sigma", "wide"}) << "render: --sigma: \"wide\" is not a number"
        << renderOut;
    QTest::newRow("render: unknown --loss")
        << (QStringList(render).replaceInStrings("graph", "losses") +
            QStringList{"--loss", "hinge"})
        << "render: --loss: unknown loss \"hinge\" (known: all, mse, l2, chi2, bce, bce_logits, "
           "ce)"
        << renderOut;
    QTest::newRow("render: missing --figure")
        << QStringList{"render", "%D/quadrant.nnlens.json", "-o", "%D/fig.png"}
        << "render: missing --figure" << renderOut;
    QTest::newRow("render: missing -o")
        << QStringList{"render", "%D/quadrant.nnlens.json", "--figure", "graph"}
        << "render: missing -o"
        << "";
    QTest::newRow("render: --node not L,N")
        << (render + QStringList{"--node", "2"})
        << "render: --node: \"2\" is not LAYER,NODE (1-based, e.g. 1,2)" << renderOut;
    QTest::newRow("render: --node 0,1")
        << (render + QStringList{"--node", "0,1"})
        << "render: --node: \"0,1\" is not LAYER,NODE (1-based, e.g. 1,2)" << renderOut;
    QTest::newRow("render: --node layer out of range")
        << (render + QStringList{"--node", "3,1"})
        << "render: --node: layer 3 is out of range (the network has 2 layers)" << renderOut;
    QTest::newRow("render: --node node out of range")
        << (render + QStringList{"--node", "2,2"})
        << "render: --node: node 2 is out of range (layer 2 has 1 nodes)" << renderOut;
    QTest::newRow("render: flow --module out of range")
        << QStringList(render).replaceInStrings("graph", "flow") + QStringList{"--module", "4"}
        << "render: --module: 4 is out of range (the network has 4 modules, 0..3)" << renderOut;
    QTest::newRow("render: --module of a graph")
        << (render + QStringList{"--module", "1"})
        << "render: --module: only for --figure flow or stats" << renderOut;
    QTest::newRow("render: stats --module of an activation module")
        << QStringList(render).replaceInStrings("graph", "stats") + QStringList{"--module", "1"}
        << "render: --module: 1 is not a Linear module (W against dW needs one; this network's: "
           "0, 2)"
        << renderOut;
    QTest::newRow("render: stats --module out of range")
        << QStringList(render).replaceInStrings("graph", "stats") + QStringList{"--module", "9"}
        << "render: --module: 9 is out of range (the network has 4 modules, 0..3)" << renderOut;
    QTest::newRow("render: stats --bins 0")
        << QStringList(render).replaceInStrings("graph", "stats") + QStringList{"--bins", "0"}
        << "render: --bins: 0 is out of range (must be 1 to 1024)" << renderOut;
    QTest::newRow("render: stats --loss-scale 0")
        << QStringList(render).replaceInStrings("graph", "stats") + QStringList{"--loss-scale", "0"}
        << "render: --loss-scale: 0 is out of range" << renderOut;
    QTest::newRow("render: graph of three inputs")
        << QStringList{"render", "%D/three-in.nnlens.json", "--figure", "graph", "-o", "%D/fig.png"}
        << "three-in.nnlens.json: the graph figure needs a network with 2 inputs; this one has 3 "
           "(try --figure network)"
        << renderOut;
    QTest::newRow("render: --width 0")
        << (render + QStringList{"--width", "0"})
        << "render: --width: 0 is out of range (must be 1 to 16384)" << renderOut;
    QTest::newRow("render: --dpi 5")
        << (render + QStringList{"--dpi", "5"})
        << "render: --dpi: 5 is out of range (must be 10 to 1200)" << renderOut;
    QTest::newRow("render: --vlim 0")
        << (render + QStringList{"--vlim", "0"})
        << "render: --vlim: 0 is out of range (must be a number > 0 and at most 1e30)" << renderOut;
    QTest::newRow("render: --softmax-range 5,1")
        << QStringList{"render",
                       "%D/quadrant.nnlens.json",
                       "--figure",
                       "softmax",
                       "--softmax-range",
                       "5,1",
                       "-o",
                       "%D/fig.png"}
        << "render: --softmax-range: \"5,1\" is not LO,HI with LO < HI (e.g. 0,15)" << renderOut;
    QTest::newRow("render: unknown activation")
        << QStringList{"render",       "%D/quadrant.nnlens.json",
                       "--figure",     "activations",
                       "--activation", "swish",
                       "-o",           "%D/fig.png"}
        << "render: --activation: unknown activation \"swish\" (known: " << renderOut;
    QTest::newRow("render: malformed network")
        << QStringList(render).replaceInStrings("quadrant", "malformed")
        << "malformed.nnlens.json: " << renderOut;
    QTest::newRow("render: maps beyond the memory bound")
        << QStringList{"render", "%D/wide.nnlens.json", "--figure", "graph", "--n", "500",
                       "-o",     "%D/fig.png"}
        << "render: the maps of 4097 nodes at n = 500 would take about 12.3 GB (at most 1.5 GB); "
           "--n 174 fits"
        << renderOut;
    QTest::newRow("render: --n 1")
        << (render + QStringList{"--n", "1"})
        << "render: --n: 1 is out of range (must be 2 to 4096)" << renderOut;

    // Lessons and the figures of a run.
    QTest::newRow("lesson's data file missing")
        << QStringList{"train", "%D/lesson-missing.nnlens.json",
                       "--lr",  "0.1",
                       "-o",    "%D/out.nnlens.json"}
        << "nope.csv: cannot open (No such file or directory)" << trainOut;
    QTest::newRow("unknown key in the lesson")
        << QStringList{"train", "%D/lesson-bad-key.nnlens.json", "-o", "%D/out.nnlens.json"}
        << "lesson-bad-key.nnlens.json: training.optimiser: unknown key" << trainOut;
    QTest::newRow("train without data or lesson")
        << QStringList{"train",       "%D/linear.nnlens.json",
                       "--loss",      "mse",
                       "--optimizer", "sgd",
                       "--lr",        "0.1",
                       "-o",          "%D/out.nnlens.json"}
        << "train: missing --data" << trainOut;
    const QStringList loss = {"render",    "%D/quadrant.nnlens.json", "--figure", "loss", "-o",
                              "%D/fig.png"};
    QTest::newRow("loss without --history") << loss << "the loss figure needs --history"
                                            << "fig.png";
    QTest::newRow("history not JSON")
        << (loss + QStringList{"--history", "%D/not-json.json"}) << "not-json.json: not JSON ("
        << "fig.png";
    QTest::newRow("history key of the wrong type")
        << (loss + QStringList{"--history", "%D/history-type.json"})
        << "history-type.json: \"train_loss\": expected a list of numbers, got \"x\""
        << "fig.png";
    QTest::newRow("history entry not a number")
        << (loss + QStringList{"--history", "%D/history-item.json"})
        << "history-item.json: \"train_loss\"[1]: expected a number, got \"a\""
        << "fig.png";
    QTest::newRow("history lists of different lengths")
        << (loss + QStringList{"--history", "%D/history-lengths.json"})
        << "history-lengths.json: \"val_loss\": has 1 value but \"train_loss\" has 2"
        << "fig.png";
    QTest::newRow("--mark-epoch beyond the history")
        << (loss + QStringList{"--history", "%D/history.json", "--mark-epoch", "9"})
        << "render: --mark-epoch: 9 is out of range ("
        << "fig.png";
    QTest::newRow("scan without loss")
        << QStringList{"render", "%D/quadrant.nnlens.json", "--figure", "lr-scan",
                       "--scan", "%D/scan-no-loss.json",    "-o",       "%D/fig.png"}
        << "scan-no-loss.json: \"loss\": missing"
        << "fig.png";
    QTest::newRow("fit without data")
        << QStringList{"render", "%D/linear.nnlens.json", "--figure", "fit", "-o", "%D/fig.png"}
        << "the fit figure needs --data"
        << "fig.png";
    QTest::newRow("fit against a missing column")
        << QStringList{"render",        "%D/linear.nnlens.json", "--figure", "fit", "--data",
                       "%D/sincos.csv", "--fit-column",          "time",     "-o",  "%D/fig.png"}
        << "the fit figure: no column \"time\" in the data (known: x1..x2, t)"
        << "fig.png";

    // Usage.
    QTest::newRow("unknown option")
        << (grid + QStringList{"--foo", "1"}) << "grid: unknown option --foo" << gridOut;
    QTest::newRow("flag with a value") << (train + QStringList{"--no-shuffle=yes"})
                                       << "train: --no-shuffle: takes no value" << trainOut;
    QTest::newRow("option without a value")
        << (train + QStringList{"--batch"}) << "train: --batch: needs a value" << trainOut;
    QTest::newRow("missing --loss") << QStringList{"train",       "%D/linear.nnlens.json",
                                                   "--data",      "%D/regression.csv",
                                                   "--optimizer", "adam",
                                                   "--lr",        "0.01",
                                                   "-o",          "%D/out.nnlens.json"}
                                    << "train: missing --loss" << trainOut;
    QTest::newRow("missing --data")
        << QStringList{"grad", "%D/linear.nnlens.json", "--loss", "mse", "-o", "%D/out.json"}
        << "grad: missing --data" << gridOut;
    QTest::newRow("train: missing -o") << QStringList{"train",       "%D/linear.nnlens.json",
                                                      "--data",      "%D/regression.csv",
                                                      "--loss",      "mse",
                                                      "--optimizer", "adam",
                                                      "--lr",        "0.01"}
                                       << "train: missing -o"
                                       << "";
    QTest::newRow("missing NET") << QStringList{"grid"} << "grid: missing NET"
                                 << "";
    QTest::newRow("extra argument")
        << QStringList{"grid", "%D/quadrant.nnlens.json", "extra", "-o", "%D/out.json"}
        << "grid: unexpected argument \"extra\"" << gridOut;
    QTest::newRow("-o names a folder")
        << QStringList{"grid", "%D/quadrant.nnlens.json", "-o", "%D"} << "grid: -o: "
        << "";
    QTest::newRow("-o into a missing folder")
        << QStringList{"grid", "%D/quadrant.nnlens.json", "-o", "%D/nodir/out.json"} << "grid: -o: "
        << "nodir/out.json";
}

void TestCli::badInput() {
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    QFETCH(QString, output);
    // Large inputs only for the rows that read them: sparse files of one byte past the limits,
    // and a valid network with 1.2 Mi numbers under an unknown key.
    if (args.contains("%D/huge.nnlens.json")) {
        QFile f(path("huge.nnlens.json"));
        QVERIFY(f.open(QIODevice::WriteOnly) && f.resize(nnlens::kMaxNetworkFileBytes + 1));
    }
    if (args.contains("%D/huge.csv")) {
        QFile f(path("huge.csv"));
        QVERIFY(f.open(QIODevice::WriteOnly) && f.resize(nnlens::kMaxCsvFileBytes + 1));
    }
    for (const char* pipe : {"pipe.nnlens.json", "pipe.csv"}) {
        if (args.join(' ').contains(pipe) || args.contains("%D/lesson-pipe.nnlens.json")) {
            QFile::remove(path(pipe));
            QCOMPARE(::mkfifo(QFile::encodeName(path(pipe)).constData(), 0600), 0);
        }
    }
    if (args.contains("%D/lesson-pipe.nnlens.json")) {
        writeFile("lesson-pipe.nnlens.json",
                  QByteArray(kLessonMissingData).replace("nope.csv", "pipe.csv"));
    }
    if (args.contains("%D/wide.nnlens.json")) {
        nnlens::writeNetwork(
            nnlens::Network::initialized(
                2, {{4096, nnlens::Activation::Tanh}, {1, nnlens::Activation::Tanh}}, 1),
            path("wide.nnlens.json").toStdString());
    }
    if (args.contains("%D/tiny-sigma.csv")) {
        writeFile("tiny-sigma.csv", "x1,x2,y1,sigma\n1,1,5,1e-45\n0,1,2,1\n");
    }
    if (args.contains("%D/many.csv")) {
        QByteArray csv = "x1,x2\n";
        for (int i = 0; i < 20000; ++i)
            csv += QByteArray::number(i % 7) + "," + QByteArray::number(i % 5) + "\n";
        writeFile("many.csv", csv);
    }
    if (args.contains("%D/junk.nnlens.json")) {
        QByteArray junk = kLinear;
        junk.insert(junk.lastIndexOf('}'),
                    ", \"junk\": [" + QByteArray("0,").repeated(1200000) + "0]");
        writeFile("junk.nnlens.json", junk);
    }
    const CliResult r = run(args);
    QCOMPARE(r.code, 2);
    QVERIFY2(r.out.isEmpty(), r.out.left(200).constData());
    const QString err = QString::fromUtf8(r.err);
    QVERIFY2(err.endsWith('\n') && err.count('\n') == 1, qPrintable(err));  // exactly one line
    QVERIFY2(err.contains(message), qPrintable(err));
    if (!output.isEmpty()) QVERIFY2(!QFileInfo::exists(path(output)), qPrintable(output));
    // No temporary files left beside the output either.
    const QStringList leftovers = QDir(m_dir->path()).entryList({"*.tmp*"}, QDir::Files);
    QVERIFY2(leftovers.isEmpty(), qPrintable(leftovers.join(", ")));
}

void TestCli::fileSizeLimitIsAWriteError_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("output");
    QTest::newRow("dataset -o CSV")
        << QStringList{"dataset", "spiral", "--n", "100000", "-o", "%D/big.csv"} << "big.csv";
    QTest::newRow("grid -o JSON") << QStringList{"grid", "%D/quadrant.nnlens.json",
                                                 "--n",  "300",
                                                 "-o",   "%D/big.json"}
                                  << "big.json";
    QTest::newRow("render -o PNG") << QStringList{"render",   "%D/quadrant.nnlens.json",
                                                  "--figure", "graph",
                                                  "--width",  "1600",
                                                  "-o",       "%D/big.png"}
                                   << "big.png";
}

void TestCli::fileSizeLimitIsAWriteError() {
    // #19 item 6. A file size limit of 64 KiB stops the write of the temporary file part way,
    // deterministically. SIGXFSZ is ignored (installTempFileCleanup, nnlens-cli's main), so the
    // write fails with EFBIG: exit 1 with the reason, the temporary file removed, the previous
    // output as it was. (SIGINT, SIGTERM and SIGHUP mid-write: tst_network_io.)
    QFETCH(QStringList, args);
    QFETCH(QString, output);
    writeFile(output, "previous contents");
    QStringList expanded;
    for (const QString& a : args)
        expanded << QString(a).replace("%D", m_dir->path());
    QProcess p;
    p.setProgram(QStringLiteral(NNLENS_CLI_PATH));
    p.setArguments(expanded);
    p.setChildProcessModifier([] {
        const rlimit fileSize{64 * 1024, 64 * 1024};
        ::setrlimit(RLIMIT_FSIZE, &fileSize);
        const rlimit noCore{0, 0};
        ::setrlimit(RLIMIT_CORE, &noCore);
    });
    p.start();
    QVERIFY(p.waitForFinished(240000));
    const QString err = QString::fromUtf8(p.readAllStandardError());
    QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() == 1, qPrintable(err));
    QVERIFY2(err.startsWith(args[0] + ": ") &&
                 err.endsWith(output + ": cannot write (File too large)\n") && err.count('\n') == 1,
             qPrintable(err));
    QCOMPARE(readFile(output), QByteArray("previous contents"));
    const QStringList leftovers = QDir(m_dir->path()).entryList({"*.tmp*"}, QDir::Files);
    QVERIFY2(leftovers.isEmpty(), qPrintable(leftovers.join(", ")));
}

void TestCli::otherFailureExitsOne() {
    // The folder exists but no file can be created in it (not even by root): a failure, not
    // bad input, reported when the result is saved.
    const CliResult r =
        run({"grid", "%D/quadrant.nnlens.json", "--n", "3", "-o", "/proc/out.json"});
    QCOMPARE(r.code, 1);
    QVERIFY(r.out.isEmpty());
    const QString err = QString::fromUtf8(r.err);
    QVERIFY2(err.startsWith("grid: /proc/out.json: ") && err.count('\n') == 1, qPrintable(err));
}

void TestCli::failedTrainKeepsExistingFile() {
    writeFile("out.nnlens.json", "previous contents");
    const CliResult r =
        run({"train", "%D/linear.nnlens.json", "--data", "%D/nan.csv", "--loss", "mse",
             "--optimizer", "sgd", "--lr", "0.1", "-o", "%D/out.nnlens.json"});
    QCOMPARE(r.code, 2);
    QCOMPARE(readFile("out.nnlens.json"), QByteArray("previous contents"));
}

// A lesson file trains as the same options on the command line would, and its keys are written
// back into the trained file unchanged.
void TestCli::trainFromLesson() {
    const CliResult fromFile = run({"train", "%D/lesson.nnlens.json", "-o", "%D/a.nnlens.json"});
    QVERIFY2(fromFile.code == 0, fromFile.err.constData());
    const CliResult fromOptions = run({"train",       "%D/linear.nnlens.json",
                                       "--data",      "%D/regression.csv",
                                       "--loss",      "mse",
                                       "--optimizer", "sgd",
                                       "--lr",        "0.1",
                                       "--batch",     "4",
                                       "--epochs",    "5",
                                       "--seed",      "3",
                                       "--val-split", "0.25",
                                       "-o",          "%D/b.nnlens.json"});
    QVERIFY2(fromOptions.code == 0, fromOptions.err.constData());
    json a;
    json b;
    QVERIFY(parseJson(fromFile.out, a));
    QVERIFY(parseJson(fromOptions.out, b));
    QCOMPARE(a["epochs"].get<int>(), 5);
    QCOMPARE(a["steps"].get<int>(), 5 * 8);  // 30 training rows in batches of 4
    QCOMPARE(a["val_loss"].size(), std::size_t(5));
    QVERIFY(a["train_loss"] == b["train_loss"]);
    QVERIFY(a["val_loss"] == b["val_loss"]);

    const json in = json::parse(kLesson);
    const json out = json::parse(readFile("a.nnlens.json").toStdString());
    QVERIFY(out.at("data") == in.at("data"));
    QVERIFY(out.at("training") == in.at("training"));
    const json plain = json::parse(readFile("b.nnlens.json").toStdString());
    QVERIFY(!plain.contains("data") && !plain.contains("training"));
}

void TestCli::controlCharactersFromFilesAreEscaped() {
    // #19 item 10: a lesson's data.file "x<ESC>[2J<CR>y.csv" cleared the screen in train's
    // message; a name with U+0085, U+2028 and U+202E reached summary's output raw.
    writeFile("ctl.nnlens.json",
              QByteArray(kLessonMissingData)
                  .replace("nope.csv", "x\\u001b[2J\\ry\\u009b.csv")
                  .replace("\"inputs\": 2,",
                           "\"inputs\": 2, \"name\": \"a\\u0085b\\u2028c\\u202ed\\u2066e\","));
    const CliResult train = run({"train", "%D/ctl.nnlens.json", "-o", "%D/out.nnlens.json"});
    QCOMPARE(train.code, 2);
    const QString err = QString::fromUtf8(train.err);
    QVERIFY2(err.contains("x\\x1b[2J\\x0dy\\x9b.csv: cannot open"), qPrintable(err));
    QVERIFY2(!train.err.contains('\x1b') && !train.err.contains('\r'), train.err.constData());
    const CliResult summary = run({"summary", "%D/ctl.nnlens.json"});
    QCOMPARE(summary.code, 0);
    const QString out = QString::fromUtf8(summary.out);
    QVERIFY2(out.startsWith("a\\x85b\\u2028c\\u202ed\\u2066e\n"), qPrintable(out));
    for (const char16_t c : {u'\u0085', u'\u2028', u'\u202e', u'\u2066', u'\u009b'})
        QVERIFY2(!out.contains(QChar(c)) && !err.contains(QChar(c)), qPrintable(out));
}

void TestCli::trainIntoAnotherFolderKeepsTheLessonsData() {
    // #19 item 9: train -o into another folder, then train the output: the lesson's relative
    // data.file is rewritten to name the same CSV from there, and nothing else changes.
    QVERIFY(QDir(m_dir->path()).mkpath("out/deeper"));
    const CliResult first =
        run({"train", "%D/lesson.nnlens.json", "-o", "%D/out/deeper/t.nnlens.json"});
    QVERIFY2(first.code == 0, first.err.constData());
    QVERIFY2(first.err.contains("data.file is ../../regression.csv"), first.err.constData());
    const json in = json::parse(kLesson);
    const json out = json::parse(readFile("out/deeper/t.nnlens.json").toStdString());
    QCOMPARE(out.at("data").at("file").get<std::string>(), std::string("../../regression.csv"));
    QVERIFY(out.at("data").at("val_split") == in.at("data").at("val_split"));
    QVERIFY(out.at("training") == in.at("training"));
    const CliResult again =
        run({"train", "%D/out/deeper/t.nnlens.json", "-o", "%D/back.nnlens.json"});
    QVERIFY2(again.code == 0, again.err.constData());
    const json back = json::parse(readFile("back.nnlens.json").toStdString());
    QCOMPARE(back.at("data").at("file").get<std::string>(), std::string("regression.csv"));
}

void TestCli::trainOptionWins_data() {
    QTest::addColumn<QStringList>("extra");
    QTest::addColumn<int>("epochs");
    QTest::addColumn<int>("valLosses");
    QTest::addColumn<int>("steps");
    QTest::newRow("--epochs") << QStringList{"--epochs", "2"} << 2 << 2 << 2 * 8;
    QTest::newRow("--val-split 0") << QStringList{"--val-split", "0"} << 5 << 0 << 5 * 10;
    QTest::newRow("--batch") << QStringList{"--batch", "30"} << 5 << 5 << 5;
    QTest::newRow("--steps over the lesson's epochs") << QStringList{"--steps", "3"} << 1 << 3 << 3;
    QTest::newRow("--data over the lesson's file")
        << QStringList{"--data", "%D/lin.csv", "--val-split", "0"} << 5 << 0 << 5;
}

void TestCli::trainOptionWins() {
    QFETCH(QStringList, extra);
    QFETCH(int, epochs);
    QFETCH(int, valLosses);
    QFETCH(int, steps);
    const CliResult r =
        run(QStringList{"train", "%D/lesson.nnlens.json", "-o", "%D/out.nnlens.json"} + extra);
    QVERIFY2(r.code == 0, r.err.constData());
    json j;
    QVERIFY(parseJson(r.out, j));
    QCOMPARE(j["epochs"].get<int>(), epochs);
    QCOMPARE(static_cast<int>(j["val_loss"].size()), valLosses);
    QCOMPARE(j["steps"].get<int>(), steps);
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
