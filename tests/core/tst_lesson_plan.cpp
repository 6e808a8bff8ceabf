// Tests for lesson plans (*.nnlens-lesson.json): the README's example parses, every malformed plan
// is refused with its place named, step paths resolve against the plan's folder, and the built-in
// notebook lesson is valid and names only presets that exist.
#include <QDir>
#include <QFile>
#include <QTest>

#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/lesson_plan.hpp"

using nnlens::InputError;

namespace {

const std::vector<std::string> kTabs{"network", "activations", "softmax", "losses",
                                     "flow",    "stats",       "quiz"};

// A plan whose single step is `step` (a JSON object's inside).
std::string planWith(const std::string& step) {
    return R"({"format": "nnlens.lesson", "version": 1, "title": "T", "steps": [{)" + step + "}]}";
}

std::string readText(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return f.readAll().toStdString();
}

}  // namespace

class TestLessonPlan : public QObject {
    Q_OBJECT

  private slots:
    void parsesAStep() {
        const nnlens::LessonPlan plan = nnlens::parseLessonPlan(
            R"json({"format": "nnlens.lesson", "version": 1, "title": "Units",
                "description": "Two steps",
                "steps": [
                  {"title": "Block", "network": "preset:single-unit", "tab": "network",
                   "select": {"layer": 1, "node": 1}, "caption": "f(x) = φ(x · w + b)",
                   "arrows": false},
                  {"network": "nets/deep.nnlens.json"}]})json",
            kTabs);
        QCOMPARE(plan.title, std::string("Units"));
        QCOMPARE(plan.description, std::string("Two steps"));
        QCOMPARE(plan.steps.size(), std::size_t{2});
        const nnlens::LessonStep& a = plan.steps[0];
        QCOMPARE(a.title, std::string("Block"));
        QCOMPARE(a.network, std::string("preset:single-unit"));
        QCOMPARE(a.tab, std::string("network"));
        QCOMPARE(a.selectLayer.value_or(0), 1);
        QCOMPARE(a.selectNode.value_or(0), 1);
        QCOMPARE(a.caption, std::string("f(x) = φ(x · w + b)"));
        QCOMPARE(nnlens::lessonStepPreset(a).value_or(""), std::string("single-unit"));
        QVERIFY(!a.arrows);
        // Defaults: the first tab, no selection, no caption (the network's description shows).
        const nnlens::LessonStep& b = plan.steps[1];
        QCOMPARE(b.tab, std::string("network"));
        QVERIFY(!b.selectLayer && !b.selectNode);
        QVERIFY(b.caption.empty());
        QVERIFY(b.arrows);
        QVERIFY(!nnlens::lessonStepPreset(b));
        // The arrow exercise hides the answers unless it says otherwise; the others show them.
        QVERIFY(a.hideAnswers);
        QVERIFY(!b.hideAnswers);
        QVERIFY(b.dock.empty() && b.layout.empty());
    }

    // #20: a step names the dock tab to show, its map layout and whether the answers are hidden;
    // the quiz tab hides them by default.
    void parsesDockLayoutAndAnswers() {
        const nnlens::LessonPlan plan = nnlens::parseLessonPlan(
            R"json({"format": "nnlens.lesson", "version": 1, "steps": [
                  {"network": "a.json", "tab": "quiz"},
                  {"network": "a.json", "tab": "quiz", "hide_answers": false},
                  {"network": "a.json", "dock": "training", "layout": "focus",
                   "hide_answers": true},
                  {"network": "a.json", "dock": "data", "layout": "fill", "features": true}]})json",
            kTabs);
        QCOMPARE(plan.steps.size(), std::size_t{4});
        // #21: "features" shows or hides the input-feature column; absent, the network decides.
        QVERIFY(!plan.steps[0].features.has_value());
        QCOMPARE(plan.steps[3].features, std::optional<bool>(true));
        QVERIFY(plan.steps[0].hideAnswers);
        QVERIFY(!plan.steps[1].hideAnswers);
        QVERIFY(plan.steps[2].hideAnswers);
        QCOMPARE(plan.steps[2].dock, std::string("training"));
        QCOMPARE(plan.steps[2].layout, std::string("focus"));
        QVERIFY(!plan.steps[3].hideAnswers);
        QCOMPARE(plan.steps[3].dock, std::string("data"));
        QCOMPARE(plan.steps[3].layout, std::string("fill"));
    }

    void refusesWithThePlaceNamed_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("syntax error names line and column")
            << QString("{\"format\": \"nnlens.lesson\",\n \"version\": 1,\n \"steps\": [}")
            << QString("line 3, column 12: syntax error");
        QTest::newRow("not an object") << QString("[1, 2]") << QString("expected a JSON object");
        QTest::newRow("wrong format")
            << QString(R"({"format": "nnlens.network", "version": 1, "steps": []})")
            << QString(R"("format": expected "nnlens.lesson", got "nnlens.network")");
        QTest::newRow("missing version") << QString(R"({"format": "nnlens.lesson", "steps": []})")
                                         << QString(R"("version": expected 1)");
        QTest::newRow("unknown top key")
            << QString(R"({"format": "nnlens.lesson", "version": 1, "stepz": []})")
            << QString(R"(unknown key "stepz")");
        QTest::newRow("no steps")
            << QString(R"({"format": "nnlens.lesson", "version": 1, "steps": []})")
            << QString(R"("steps": expected a list of at least one step)");
        QTest::newRow("step not an object")
            << QString(R"({"format": "nnlens.lesson", "version": 1, "steps": [3]})")
            << QString("steps[0]: expected an object, got 3");
        QTest::newRow("step without network") << QString::fromStdString(planWith(R"("title": "x")"))
                                              << QString(R"(steps[0]: "network" is missing)");
        QTest::newRow("network not a string")
            << QString::fromStdString(planWith(R"("network": 5)"))
            << QString("steps[0].network: expected a string, got 5");
        QTest::newRow("preset without a name")
            << QString::fromStdString(planWith(R"("network": "preset:")"))
            << QString(R"(steps[0].network: "preset:" needs a preset's name)");
        QTest::newRow("unknown step key")
            << QString::fromStdString(planWith(R"("network": "a.json", "tabb": "network")"))
            << QString(R"(steps[0]: unknown key "tabb")");
        QTest::newRow("unknown tab")
            << QString::fromStdString(planWith(R"("network": "a.json", "tab": "netwrk")"))
            << QString(R"(steps[0].tab: unknown tab "netwrk" (known: network, activations)");
        QTest::newRow("select not an object")
            << QString::fromStdString(planWith(R"("network": "a.json", "select": [1, 1])"))
            << QString("steps[0].select: expected {\"layer\": L, \"node\": N}");
        QTest::newRow("select zero-based")
            << QString::fromStdString(
                   planWith(R"("network": "a.json", "select": {"layer": 0, "node": 1})"))
            << QString("steps[0].select.layer: expected a whole number >= 1, got 0");
        QTest::newRow("select missing node")
            << QString::fromStdString(planWith(R"("network": "a.json", "select": {"layer": 2})"))
            << QString(R"(steps[0].select: give both "layer" and "node")");
        QTest::newRow("arrows not a boolean")
            << QString::fromStdString(planWith(R"("network": "a.json", "arrows": "no")"))
            << QString(R"(steps[0].arrows: expected true or false, got "no")");
        QTest::newRow("unknown dock")
            << QString::fromStdString(planWith(R"("network": "a.json", "dock": "inspektor")"))
            << QString(R"(steps[0].dock: unknown dock "inspektor" (known: inspector, training)");
        QTest::newRow("unknown layout")
            << QString::fromStdString(planWith(R"("network": "a.json", "layout": 3)"))
            << QString("steps[0].layout: expected a string, got 3");
        QTest::newRow("features not a boolean")
            << QString::fromStdString(planWith(R"("network": "a.json", "features": "yes")"))
            << QString(R"(steps[0].features: expected true or false, got "yes")");
        QTest::newRow("hide_answers not a boolean")
            << QString::fromStdString(planWith(R"("network": "a.json", "hide_answers": 1)"))
            << QString("steps[0].hide_answers: expected true or false, got 1");
        QTest::newRow("deep nesting refused before parsing")
            << QString(std::string(200, '[').c_str()) << QString("too deeply nested");
    }
    void refusesWithThePlaceNamed() {
        QFETCH(QString, text);
        QFETCH(QString, message);
        try {
            nnlens::parseLessonPlan(text.toStdString(), kTabs);
            QFAIL("accepted");
        } catch (const InputError& e) {
            const QString what = QString::fromUtf8(e.what());
            QVERIFY2(what.contains(message), qPrintable(what));
        }
    }

    // #19 item 11: a caption is limited in characters, not UTF-8 bytes.
    void captionLengthCountsCharacters() {
        std::string cjk;
        for (int i = 0; i < 6700; ++i)
            cjk += "\xe5\xad\xa6";  // U+5B66, 3 bytes
        const nnlens::LessonPlan plan = nnlens::parseLessonPlan(
            planWith("\"network\": \"a.json\", \"caption\": \"" + cjk + "\""), kTabs);
        QCOMPARE(plan.steps[0].caption.size(), std::size_t{3 * 6700});
        try {
            nnlens::parseLessonPlan(planWith("\"network\": \"a.json\", \"caption\": \"" +
                                             std::string(20001, 'a') + "\""),
                                    kTabs);
            QFAIL("accepted");
        } catch (const InputError& e) {
            QCOMPARE(QString::fromUtf8(e.what()),
                     QString("steps[0].caption: longer than 20000 characters"));
        }
    }

    void refusesAnOversizedPlan() {
        const std::string big(static_cast<std::size_t>(nnlens::kMaxLessonPlanBytes) + 1, ' ');
        QVERIFY_THROWS_EXCEPTION(InputError, nnlens::parseLessonPlan(big, kTabs));
    }

    void stepPathsResolveAgainstThePlan() {
        nnlens::LessonStep step;
        step.network = "nets/deep.nnlens.json";
        QCOMPARE(nnlens::lessonStepPath(step, "/home/t/course/week1.nnlens-lesson.json"),
                 std::string("/home/t/course/nets/deep.nnlens.json"));
        step.network = "../shared/a.nnlens.json";
        QCOMPARE(nnlens::lessonStepPath(step, "/home/t/course/week1.nnlens-lesson.json"),
                 std::string("/home/t/shared/a.nnlens.json"));
        step.network = "/abs/b.nnlens.json";
        QCOMPARE(nnlens::lessonStepPath(step, "/home/t/course/week1.nnlens-lesson.json"),
                 std::string("/abs/b.nnlens.json"));
        step.network = "preset:quadrant-selector";
        QCOMPARE(nnlens::lessonStepPath(step, "/home/t/x.nnlens-lesson.json"),
                 std::string("preset:quadrant-selector"));
    }

    void builtInLessonsAreValid() {
        const QDir dir(QStringLiteral(NNLENS_SOURCE_DIR "/resources/lessons"));
        const QStringList files = dir.entryList({QStringLiteral("*.nnlens-lesson.json")});
        QVERIFY(!files.isEmpty());
        for (const QString& file : files) {
            const nnlens::LessonPlan plan =
                nnlens::parseLessonPlan(readText(dir.filePath(file)), kTabs);
            QVERIFY(!plan.title.empty());
            for (const nnlens::LessonStep& step : plan.steps) {
                QVERIFY2(!step.caption.empty() && !step.title.empty(), step.network.c_str());
                const auto preset = nnlens::lessonStepPreset(step);
                QVERIFY2(preset, step.network.c_str());
                QVERIFY2(QFile::exists(QStringLiteral(NNLENS_SOURCE_DIR "/resources/presets/%1"
                                                                        ".nnlens.json")
                                           .arg(QString::fromStdString(*preset))),
                         step.network.c_str());
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestLessonPlan)
#include "tst_lesson_plan.moc"
