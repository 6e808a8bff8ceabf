// Tests for lessons (spec section 7): "data" and "training" parsed, refused with the place named,
// written back unchanged, data paths relative to the network file, the missing-file message.
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <string>

#include "core/dataset.hpp"
#include "core/error.hpp"
#include "core/lesson.hpp"
#include "core/network_io.hpp"

using nnlens::InputError;

namespace {

// A valid 2-1 network as text with `lesson` spliced in as further top-level keys.
std::string networkWith(const std::string& lesson) {
    return R"({"format": "nnlens.network", "version": 1, "inputs": 2,
               "layers": [{"activation": "tanh", "weights": [[1], [2]], "bias": [0]}])" +
           (lesson.empty() ? std::string() : ", " + lesson) + "}";
}

void writeText(const QString& path, const std::string& text) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text.data(), static_cast<qint64>(text.size()));
}

}  // namespace

class TestLesson : public QObject {
    Q_OBJECT

  private slots:
    void parsesSpecExample() {
        const nnlens::Network net = nnlens::parseNetwork(networkWith(
            R"("data": { "file": "spiral.csv", "val_split": 0.2 },
               "training": { "loss": "mse", "optimizer": "adam", "lr": 0.01,
                             "batch": 10, "epochs": 200, "seed": 0, "shuffle": true })"));
        const nnlens::Lesson lesson = nnlens::lessonOf(net);
        QVERIFY(lesson.data.has_value());
        QCOMPARE(lesson.data->file, std::string("spiral.csv"));
        QVERIFY(!lesson.data->generate.has_value());
        QCOMPARE(lesson.data->valSplit, 0.2);
        QVERIFY(lesson.training.has_value());
        QCOMPARE(lesson.training->loss, std::string("mse"));
        QCOMPARE(lesson.training->optimizer, std::string("adam"));
        QCOMPARE(lesson.training->lr, 0.01);
        QCOMPARE(lesson.training->batch, 10);
        QCOMPARE(lesson.training->epochs, 200);
        QCOMPARE(lesson.training->seed, std::uint64_t{0});
        QCOMPARE(lesson.training->shuffle, true);
    }

    void defaultsWhenAbsent() {
        // The dataset command's defaults for generate, the train command's for training.
        const nnlens::Lesson lesson = nnlens::lessonOf(nnlens::parseNetwork(
            networkWith(R"("data": {"generate": {"kind": "moons"}}, "training": {})")));
        QVERIFY(lesson.data && lesson.data->generate);
        QCOMPARE(lesson.data->generate->kind, std::string("moons"));
        QCOMPARE(lesson.data->generate->n, 500);
        QCOMPARE(lesson.data->generate->noise, 0.1);
        QCOMPARE(lesson.data->generate->seed, std::uint64_t{1});
        QCOMPARE(lesson.data->valSplit, 0.0);
        QVERIFY(lesson.training);
        QCOMPARE(lesson.training->batch, 10);
        QCOMPARE(lesson.training->epochs, 100);
        QCOMPARE(lesson.training->shuffle, true);
        QVERIFY(!lesson.training->steps);
        // A plain network has no lesson.
        const nnlens::Lesson none = nnlens::lessonOf(nnlens::parseNetwork(networkWith("")));
        QVERIFY(!none.data && !none.training);
    }

    void refused_data() {
        QTest::addColumn<QString>("lesson");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown training key") << R"("training": {"optimiser": "adam"})"
                                              << "training.optimiser: unknown key";
        QTest::newRow("unknown data key") << R"("data": {"file": "a.csv", "split": 0.2})"
                                          << "data.split: unknown key";
        QTest::newRow("unknown generate key")
            << R"("data": {"generate": {"kind": "xor", "points": 3}})"
            << "data.generate.points: unknown key";
        QTest::newRow("training not an object") << R"("training": 3)"
                                                << "training: expected an object, got 3";
        QTest::newRow("unknown loss")
            << R"("training": {"loss": "mae"})"
            << R"(training.loss: unknown loss "mae" (known: mse, l2, chi2, bce, bce_logits, ce))";
        QTest::newRow("unknown optimizer")
            << R"("training": {"optimizer": "rmsprop"})"
            << R"(training.optimizer: unknown optimizer "rmsprop" (known: sgd, momentum, adam))";
        QTest::newRow("unknown reduction")
            << R"("training": {"reduction": "max"})"
            << R"(training.reduction: unknown reduction "max" (known: mean, sum))";
        QTest::newRow("lr zero") << R"("training": {"lr": 0})"
                                 << "training.lr: expected a number > 0 and at most 1e30, got 0";
        QTest::newRow("lr a string")
            << R"("training": {"lr": "fast"})"
            << R"(training.lr: expected a number > 0 and at most 1e30, got "fast")";
        QTest::newRow("batch zero") << R"("training": {"batch": 0})"
                                    << "training.batch: expected a whole number at least 1, got 0";
        QTest::newRow("epochs fractional")
            << R"("training": {"epochs": 2.5})"
            << "training.epochs: expected a whole number at least 1, got 2.5";
        QTest::newRow("seed negative")
            << R"("training": {"seed": -1})"
            << "training.seed: expected a whole number at least 0, got -1";
        QTest::newRow("shuffle not a boolean") << R"("training": {"shuffle": 1})"
                                               << "training.shuffle: expected true or false, got 1";
        QTest::newRow("epochs and steps") << R"("training": {"epochs": 2, "steps": 3})"
                                          << R"(training: give "epochs" or "steps", not both)";
        QTest::newRow("val_split one") << R"("data": {"file": "a.csv", "val_split": 1})"
                                       << "data.val_split: expected a number in [0, 1), got 1";
        QTest::newRow("file and generate")
            << R"("data": {"file": "a.csv", "generate": {"kind": "xor"}})"
            << R"(data: give "file" or "generate", not both)";
        QTest::newRow("neither file nor generate")
            << R"("data": {"val_split": 0.2})"
            << R"(data: needs "file" (a CSV) or "generate" (a data set to generate))";
        QTest::newRow("file not a string") << R"("data": {"file": 3})"
                                           << "data.file: expected a string, got 3";
        QTest::newRow("unknown kind")
            << R"("data": {"generate": {"kind": "spirals"}})"
            << R"(data.generate.kind: unknown data set "spirals" (known: xor, circle, gaussians, spiral, moons, sincos, plane, multi-gaussian))";
        QTest::newRow("n zero") << R"("data": {"generate": {"kind": "xor", "n": 0}})"
                                << "data.generate.n: expected a whole number from 1 to 10000000, "
                                   "got 0";
        QTest::newRow("noise negative")
            << R"("data": {"generate": {"kind": "xor", "noise": -0.1}})"
            << "data.generate.noise: expected a number from 0 to 1e6, got -0.1";
    }
    void refused() {
        QFETCH(QString, lesson);
        QFETCH(QString, message);
        try {
            nnlens::parseNetwork(networkWith(lesson.toStdString()));
            QFAIL("the lesson was accepted");
        } catch (const InputError& e) {
            QCOMPARE(QString::fromStdString(e.what()), message);
        }
    }

    void roundTrip_data() {
        QTest::addColumn<QString>("lesson");
        QTest::newRow("file") << R"("data": {"file": "d/x.csv", "val_split": 0.25},
                                    "training": {"loss": "bce", "optimizer": "sgd", "lr": 0.5,
                                                 "batch": 4, "epochs": 7, "seed": 3,
                                                 "shuffle": false, "reduction": "sum"})";
        QTest::newRow("generate and steps")
            << R"("data": {"generate": {"kind": "sincos", "n": 100, "noise": 0, "seed": 9}},
                  "training": {"loss": "mse", "optimizer": "adam", "lr": 0.001, "steps": 12})";
    }
    void roundTrip() {
        // parse -> setLesson -> format -> parse gives the same lesson; the kept keys survive.
        QFETCH(QString, lesson);
        nnlens::Network net = nnlens::parseNetwork(networkWith(lesson.toStdString()));
        const nnlens::Lesson a = nnlens::lessonOf(net);
        nnlens::setLesson(net, a);
        const nnlens::Network back = nnlens::parseNetwork(nnlens::formatNetwork(net));
        const nnlens::Lesson b = nnlens::lessonOf(back);
        QVERIFY(a.data && b.data && a.training && b.training);
        QCOMPARE(b.data->file, a.data->file);
        QCOMPARE(b.data->generate.has_value(), a.data->generate.has_value());
        if (a.data->generate) {
            QCOMPARE(b.data->generate->kind, a.data->generate->kind);
            QCOMPARE(b.data->generate->n, a.data->generate->n);
            QCOMPARE(b.data->generate->noise, a.data->generate->noise);
            QCOMPARE(b.data->generate->seed, a.data->generate->seed);
        }
        QCOMPARE(b.data->valSplit, a.data->valSplit);
        QCOMPARE(b.training->loss, a.training->loss);
        QCOMPARE(b.training->reduction, a.training->reduction);
        QCOMPARE(b.training->optimizer, a.training->optimizer);
        QCOMPARE(b.training->lr, a.training->lr);
        QCOMPARE(b.training->batch, a.training->batch);
        QCOMPARE(b.training->epochs, a.training->epochs);
        QCOMPARE(b.training->steps, a.training->steps);
        QCOMPARE(b.training->seed, a.training->seed);
        QCOMPARE(b.training->shuffle, a.training->shuffle);
    }

    void setLessonErases() {
        nnlens::Network net = nnlens::parseNetwork(
            networkWith(R"("data": {"file": "a.csv"}, "training": {}, "note": "kept")"));
        nnlens::setLesson(net, nnlens::Lesson{});
        const std::string text = nnlens::formatNetwork(net);
        QVERIFY(text.find("\"data\"") == std::string::npos);
        QVERIFY(text.find("\"training\"") == std::string::npos);
        QVERIFY(text.find("\"note\": \"kept\"") != std::string::npos);
    }

    void dataPathIsRelativeToTheNetwork_data() {
        QTest::addColumn<QString>("network");
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("expected");
        QTest::newRow("beside") << "lessons/a.nnlens.json"
                                << "d.csv"
                                << "lessons/d.csv";
        QTest::newRow("subfolder") << "/x/a.nnlens.json"
                                   << "data/d.csv"
                                   << "/x/data/d.csv";
        QTest::newRow("no folder") << "a.nnlens.json"
                                   << "d.csv"
                                   << "d.csv";
        QTest::newRow("absolute") << "lessons/a.nnlens.json"
                                  << "/tmp/d.csv"
                                  << "/tmp/d.csv";
    }
    void dataPathIsRelativeToTheNetwork() {
        QFETCH(QString, network);
        QFETCH(QString, file);
        QFETCH(QString, expected);
        nnlens::DataSpec spec;
        spec.file = file.toStdString();
        QCOMPARE(QString::fromStdString(nnlens::lessonDataPath(spec, network.toStdString())),
                 expected);
    }

    void loadsTheFileBesideTheNetwork() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QVERIFY(QDir(dir.path()).mkdir("sub"));
        writeText(dir.filePath("sub/d.csv"), "x1,x2,y1\n1,2,0\n3,4,1\n");
        const std::string netPath = dir.filePath("sub/net.nnlens.json").toStdString();
        nnlens::DataSpec spec;
        spec.file = "d.csv";
        const nnlens::Dataset data = nnlens::loadLessonData(spec, netPath);
        QCOMPARE(data.size(), 2);
        QCOMPARE(data.x(1, 1), 4.0f);
    }

    void missingFileMessage() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        nnlens::DataSpec spec;
        spec.file = "gone.csv";
        const std::string netPath = dir.filePath("net.nnlens.json").toStdString();
        try {
            nnlens::loadLessonData(spec, netPath);
            QFAIL("a missing file was loaded");
        } catch (const InputError& e) {
            QCOMPARE(QString::fromStdString(e.what()),
                     dir.filePath("gone.csv") + ": cannot open (No such file or directory)");
        }
    }

    void generatesTheNamedSet() {
        nnlens::DataSpec spec;
        spec.generate = nnlens::GenerateSpec{"sincos", 100, 0.0, 1};
        const nnlens::Dataset data = nnlens::loadLessonData(spec, "anywhere/net.nnlens.json");
        QCOMPARE(data.size(), 100);
        // The seed's t = linspace(0, 10, 100) as the extra column t.
        QCOMPARE(data.extraColumn("t"), 0);
        QCOMPARE(data.extra(99, 0), 10.0f);
    }
};

QTEST_GUILESS_MAIN(TestLesson)
#include "tst_lesson.moc"
