// Lessons (spec section 7): "data" and "training" in a network file, validated key by key with
// the place named, written back, and the data set they name loaded or generated.
#include "lesson.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>

#include "error.hpp"
#include "limits.hpp"
#include "loss.hpp"
#include "optimizer.hpp"

namespace nnlens {

namespace {

using json = nlohmann::json;

// A short rendering of a JSON value for "got ..." in a message.
std::string shown(const json& v) {
    std::string s = v.dump(-1, ' ', false, json::error_handler_t::replace);
    if (s.size() > 40) s = s.substr(0, 37) + "...";
    return s;
}

[[noreturn]] void fail(const std::string& where, const std::string& what) {
    throw InputError(where + ": " + what);
}

void checkObject(const json& v, const std::string& where, std::initializer_list<const char*> keys) {
    if (!v.is_object()) fail(where, "expected an object, got " + shown(v));
    for (const auto& item : v.items()) {
        // Not a structured binding: clang 14 (the fuzz build) cannot capture one in a lambda.
        const std::string& key = item.key();
        if (std::none_of(keys.begin(), keys.end(), [&](const char* k) { return key == k; })) {
            fail(where + "." + key, "unknown key");
        }
    }
}

// An integral JSON number (2 and 2.0 alike) in [lo, hi].
std::int64_t integerIn(const json& v, const std::string& where, std::int64_t lo, std::int64_t hi) {
    std::optional<std::int64_t> n;
    if (v.is_number_unsigned()) {
        const auto u = v.get<std::uint64_t>();
        if (u <= static_cast<std::uint64_t>(INT64_MAX)) n = static_cast<std::int64_t>(u);
    } else if (v.is_number_integer()) {
        n = v.get<std::int64_t>();
    } else if (v.is_number_float()) {
        const double d = v.get<double>();
        if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 0x1p62) {
            n = static_cast<std::int64_t>(d);
        }
    }
    if (!n || *n < lo || *n > hi) {
        const std::string range = hi >= INT32_MAX
                                      ? "at least " + std::to_string(lo)
                                      : "from " + std::to_string(lo) + " to " + std::to_string(hi);
        fail(where, "expected a whole number " + range + ", got " + shown(v));
    }
    return *n;
}

double numberIn(const json& v, const std::string& where, double lo, double hi, bool openLo,
                bool openHi, const std::string& rule) {
    const double d = v.is_number() ? v.get<double>() : NAN;
    const bool ok = std::isfinite(d) && (openLo ? d > lo : d >= lo) && (openHi ? d < hi : d <= hi);
    if (!ok) fail(where, "expected " + rule + ", got " + shown(v));
    return d;
}

std::string stringOf(const json& v, const std::string& where) {
    if (!v.is_string()) fail(where, "expected a string, got " + shown(v));
    return v.get<std::string>();
}

constexpr std::int64_t kMaxSeed = INT64_MAX;

GenerateSpec parseGenerate(const json& g) {
    const std::string where = "data.generate";
    checkObject(g, where, {"kind", "n", "noise", "seed"});
    GenerateSpec spec;
    const auto kind = g.find("kind");
    if (kind == g.end()) fail(where, "missing \"kind\"");
    spec.kind = stringOf(*kind, where + ".kind");
    const auto& kinds = datasetKinds();
    if (std::find(kinds.begin(), kinds.end(), spec.kind) == kinds.end()) {
        std::string known;
        for (const auto& k : kinds)
            known += (known.empty() ? "" : ", ") + k;
        fail(where + ".kind", "unknown data set " + shown(*kind) + " (known: " + known + ")");
    }
    if (const auto it = g.find("n"); it != g.end()) {
        spec.n = static_cast<int>(integerIn(*it, where + ".n", 1, kMaxGeneratedRows));
    }
    if (const auto it = g.find("noise"); it != g.end()) {
        spec.noise = numberIn(*it, where + ".noise", 0.0, kMaxLessonNoise, false, false,
                              "a number from 0 to 1e6");
    }
    if (const auto it = g.find("seed"); it != g.end()) {
        spec.seed = static_cast<std::uint64_t>(integerIn(*it, where + ".seed", 0, kMaxSeed));
    }
    return spec;
}

DataSpec parseData(const json& d) {
    checkObject(d, "data", {"file", "generate", "val_split"});
    DataSpec spec;
    const auto file = d.find("file");
    const auto generate = d.find("generate");
    if (file != d.end() && generate != d.end()) {
        fail("data", R"(give "file" or "generate", not both)");
    }
    if (file == d.end() && generate == d.end()) {
        fail("data", R"(needs "file" (a CSV) or "generate" (a data set to generate))");
    }
    if (file != d.end()) {
        spec.file = stringOf(*file, "data.file");
        if (spec.file.empty()) fail("data.file", "expected a file name, got \"\"");
    }
    if (generate != d.end()) spec.generate = parseGenerate(*generate);
    if (const auto it = d.find("val_split"); it != d.end()) {
        spec.valSplit =
            numberIn(*it, "data.val_split", 0.0, 1.0, false, true, "a number in [0, 1)");
    }
    return spec;
}

TrainingSpec parseTraining(const json& t) {
    const std::string where = "training";
    checkObject(t, where,
                {"loss", "reduction", "optimizer", "lr", "batch", "epochs", "steps", "seed",
                 "shuffle", "l1", "l2"});
    TrainingSpec spec;
    if (const auto it = t.find("loss"); it != t.end()) {
        spec.loss = stringOf(*it, where + ".loss");
        if (!lossFromName(spec.loss)) {
            fail(where + ".loss",
                 "unknown loss " + shown(*it) + " (known: " + knownLossNames() + ")");
        }
    }
    if (const auto it = t.find("reduction"); it != t.end()) {
        spec.reduction = stringOf(*it, where + ".reduction");
        if (!reductionFromName(spec.reduction)) {
            fail(where + ".reduction", "unknown reduction " + shown(*it) + " (known: mean, sum)");
        }
    }
    if (const auto it = t.find("optimizer"); it != t.end()) {
        spec.optimizer = stringOf(*it, where + ".optimizer");
        if (!optimizerFromName(spec.optimizer)) {
            fail(where + ".optimizer",
                 "unknown optimizer " + shown(*it) + " (known: " + knownOptimizerNames() + ")");
        }
    }
    if (const auto it = t.find("lr"); it != t.end()) {
        spec.lr = numberIn(*it, where + ".lr", 0.0, kMaxLessonRate, true, false,
                           "a number > 0 and at most 1e30");
        if (!(static_cast<float>(spec.lr) > 0.0f)) {
            fail(where + ".lr", "expected a number > 0 and at most 1e30, got " + shown(*it) +
                                    " (zero as a float)");
        }
    }
    if (const auto it = t.find("batch"); it != t.end()) {
        spec.batch = static_cast<int>(integerIn(*it, where + ".batch", 1, INT32_MAX));
    }
    if (const auto it = t.find("epochs"); it != t.end()) {
        spec.epochs = static_cast<int>(integerIn(*it, where + ".epochs", 1, INT32_MAX));
    }
    if (const auto it = t.find("steps"); it != t.end()) {
        if (t.contains("epochs")) fail(where, R"(give "epochs" or "steps", not both)");
        spec.steps = integerIn(*it, where + ".steps", 1, INT64_MAX);
    }
    if (const auto it = t.find("seed"); it != t.end()) {
        spec.seed = static_cast<std::uint64_t>(integerIn(*it, where + ".seed", 0, kMaxSeed));
    }
    if (const auto it = t.find("shuffle"); it != t.end()) {
        if (!it->is_boolean())
            fail(where + ".shuffle", "expected true or false, got " + shown(*it));
        spec.shuffle = it->get<bool>();
    }
    for (const char* key : {"l1", "l2"}) {
        if (const auto it = t.find(key); it != t.end()) {
            (key[1] == '1' ? spec.l1 : spec.l2) =
                numberIn(*it, where + "." + key, 0.0, kMaxLessonRate, false, false,
                         "a number >= 0 and at most 1e30");
        }
    }
    return spec;
}

}  // namespace

Lesson parseLesson(const json& doc) {
    Lesson lesson;
    if (!doc.is_object()) return lesson;
    if (const auto it = doc.find("data"); it != doc.end()) lesson.data = parseData(*it);
    if (const auto it = doc.find("training"); it != doc.end()) {
        lesson.training = parseTraining(*it);
    }
    return lesson;
}

Lesson lessonOf(const Network& net) {
    return parseLesson(net.extra);
}

void setLesson(Network& net, const Lesson& lesson) {
    if (!net.extra.is_object()) net.extra = json::object();
    if (lesson.data) {
        const DataSpec& d = *lesson.data;
        json j = json::object();
        if (d.generate) {
            j["generate"] = {{"kind", d.generate->kind},
                             {"n", d.generate->n},
                             {"noise", d.generate->noise},
                             {"seed", d.generate->seed}};
        } else {
            j["file"] = d.file;
        }
        j["val_split"] = d.valSplit;
        net.extra["data"] = std::move(j);
    } else {
        net.extra.erase("data");
    }
    if (lesson.training) {
        const TrainingSpec& t = *lesson.training;
        json j = {{"loss", t.loss},   {"optimizer", t.optimizer}, {"lr", t.lr},
                  {"batch", t.batch}, {"seed", t.seed},           {"shuffle", t.shuffle}};
        if (!t.reduction.empty()) j["reduction"] = t.reduction;
        if (t.l1 != 0.0) j["l1"] = t.l1;
        if (t.l2 != 0.0) j["l2"] = t.l2;
        if (t.steps) {
            j["steps"] = *t.steps;
        } else {
            j["epochs"] = t.epochs;
        }
        net.extra["training"] = std::move(j);
    } else {
        net.extra.erase("training");
    }
}

std::string lessonDataPath(const DataSpec& spec, const std::string& networkPath) {
    const std::filesystem::path file(spec.file);
    if (file.is_absolute()) return spec.file;
    const std::filesystem::path folder = std::filesystem::path(networkPath).parent_path();
    return folder.empty() ? spec.file : (folder / file).string();
}

std::optional<std::string> rebaseLessonData(Network& net, const std::string& fromPath,
                                            const std::string& toPath) {
    namespace fs = std::filesystem;
    if (!net.extra.is_object()) return std::nullopt;
    const auto data = net.extra.find("data");
    if (data == net.extra.end() || !data->is_object()) return std::nullopt;
    const auto file = data->find("file");
    if (file == data->end() || !file->is_string()) return std::nullopt;
    const std::string name = file->get<std::string>();
    if (name.empty() || fs::path(name).is_absolute()) return std::nullopt;
    std::error_code ec;
    const fs::path from = fs::absolute(fs::path(fromPath), ec).parent_path();
    if (ec) return std::nullopt;
    const fs::path to = fs::absolute(fs::path(toPath), ec).parent_path();
    if (ec) return std::nullopt;
    if (from.lexically_normal() == to.lexically_normal()) return std::nullopt;
    const fs::path target = (from / name).lexically_normal();
    fs::path relative = target.lexically_relative(to.lexically_normal());
    std::string rebased = relative.empty() ? target.string() : relative.generic_string();
    if (rebased == name) return std::nullopt;
    (*file) = rebased;
    return rebased;
}

Dataset loadLessonData(const DataSpec& spec, const std::string& networkPath) {
    if (spec.generate) {
        const GenerateSpec& g = *spec.generate;
        return generateDataset(g.kind, g.n, g.noise, g.seed);
    }
    if (spec.file.empty()) throw InputError(networkPath + ": the lesson names no data");
    const std::string path = lessonDataPath(spec, networkPath);
    Dataset data = readCsv(path);
    if (data.size() == 0) throw InputError(path + ": no data rows (the data set is empty)");
    return data;
}

}  // namespace nnlens
