// Lesson plans: parsing with the place named (the network file's conventions: a syntax error by
// line and column, unknown keys refused inside a step as inside "training").
#include "lesson_plan.hpp"

#include "error.hpp"
#include "json_text.hpp"

#include <algorithm>
#include <filesystem>

#include <nlohmann/json.hpp>

namespace nnlens {

namespace {

using json = nlohmann::json;

constexpr std::size_t kMaxTextChars = 20000;  // a title or a caption

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& n : names) {
        if (!out.empty()) out += ", ";
        out += n;
    }
    return out;
}

// A JSON value as a message shows it: short, one line.
std::string shownValue(const json& v) {
    std::string s = v.dump(-1, ' ', true, json::error_handler_t::replace);
    if (s.size() > 40) s = s.substr(0, 37) + "...";
    return s;
}

std::string text(const json& obj, const char* key, const std::string& where, bool required) {
    const auto it = obj.find(key);
    if (it == obj.end()) {
        if (required) throw InputError(where + ": \"" + key + "\" is missing");
        return {};
    }
    if (!it->is_string()) {
        throw InputError(where + "." + key + ": expected a string, got " + shownValue(*it));
    }
    std::string s = it->get<std::string>();
    // Characters, not bytes: a 6 700-character Chinese caption is 20 100 bytes of UTF-8.
    const auto chars = static_cast<std::size_t>(std::count_if(
        s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
    if (chars > kMaxTextChars) {
        throw InputError(where + "." + key + ": longer than " + std::to_string(kMaxTextChars) +
                         " characters");
    }
    return s;
}

int positive(const json& obj, const char* key, const std::string& where) {
    const json& v = obj.at(key);
    if (v.is_number_integer() || v.is_number_unsigned()) {
        const auto i = v.get<std::int64_t>();
        if (i >= 1 && i <= 1 << 20) return static_cast<int>(i);
    }
    throw InputError(where + "." + key + ": expected a whole number >= 1, got " + shownValue(v));
}

LessonStep parseStep(const json& j, const std::string& where,
                     const std::vector<std::string>& tabs) {
    if (!j.is_object()) throw InputError(where + ": expected an object, got " + shownValue(j));
    for (const auto& [key, value] : j.items()) {
        if (key != "title" && key != "network" && key != "tab" && key != "select" &&
            key != "caption" && key != "arrows" && key != "dock" && key != "layout" &&
            key != "hide_answers" && key != "features") {
            throw InputError(where + ": unknown key \"" + key +
                             "\" (known: title, network, tab, select, caption, arrows, dock, "
                             "layout, hide_answers, features)");
        }
    }
    LessonStep step;
    step.title = text(j, "title", where, false);
    step.network = text(j, "network", where, true);
    if (step.network.empty()) throw InputError(where + ".network: empty");
    if (step.network.starts_with("preset:") && step.network.size() == 7) {
        throw InputError(where + ".network: \"preset:\" needs a preset's name");
    }
    step.tab = text(j, "tab", where, false);
    if (step.tab.empty() && !tabs.empty()) step.tab = tabs.front();
    if (!tabs.empty() && std::find(tabs.begin(), tabs.end(), step.tab) == tabs.end()) {
        throw InputError(where + ".tab: unknown tab \"" + step.tab + "\" (known: " + joined(tabs) +
                         ")");
    }
    if (const auto sel = j.find("select"); sel != j.end()) {
        const std::string at = where + ".select";
        if (!sel->is_object()) {
            throw InputError(at + ": expected {\"layer\": L, \"node\": N}, got " +
                             shownValue(*sel));
        }
        for (const auto& [key, value] : sel->items()) {
            if (key != "layer" && key != "node") {
                throw InputError(at + ": unknown key \"" + key + "\" (known: layer, node)");
            }
        }
        if (!sel->contains("layer") || !sel->contains("node")) {
            throw InputError(at + ": give both \"layer\" and \"node\" (1-based, as LYR1-NODE1)");
        }
        step.selectLayer = positive(*sel, "layer", at);
        step.selectNode = positive(*sel, "node", at);
    }
    step.caption = text(j, "caption", where, false);
    if (const auto features = j.find("features"); features != j.end()) {
        if (!features->is_boolean()) {
            throw InputError(where + ".features: expected true or false, got " +
                             shownValue(*features));
        }
        step.features = features->get<bool>();
    }
    if (const auto arrows = j.find("arrows"); arrows != j.end()) {
        if (!arrows->is_boolean()) {
            throw InputError(where + ".arrows: expected true or false, got " + shownValue(*arrows));
        }
        step.arrows = arrows->get<bool>();
    }
    const auto oneOf = [&](const char* key, const std::vector<std::string>& names) {
        std::string value = text(j, key, where, false);
        if (j.contains(key) && std::find(names.begin(), names.end(), value) == names.end()) {
            throw InputError(where + "." + key + ": unknown " + key + " \"" + value +
                             "\" (known: " + joined(names) + ")");
        }
        return value;
    };
    step.dock = oneOf("dock", lessonDockNames());
    step.layout = oneOf("layout", lessonLayoutNames());
    step.hideAnswers = step.tab == "quiz" || !step.arrows;
    if (const auto hide = j.find("hide_answers"); hide != j.end()) {
        if (!hide->is_boolean()) {
            throw InputError(where + ".hide_answers: expected true or false, got " +
                             shownValue(*hide));
        }
        step.hideAnswers = hide->get<bool>();
    }
    return step;
}

}  // namespace

LessonPlan parseLessonPlan(std::string_view source, const std::vector<std::string>& tabs) {
    if (static_cast<std::int64_t>(source.size()) > kMaxLessonPlanBytes) {
        throw InputError("larger than the " + std::to_string(kMaxLessonPlanBytes >> 20) +
                         " MiB a lesson plan may have");
    }
    checkJsonDepth(source);
    json doc;
    try {
        doc = json::parse(source.begin(), source.end());
    } catch (const json::parse_error& e) {
        throw InputError(jsonSyntaxMessage(e, source));
    } catch (const json::out_of_range&) {
        throw InputError("a number is out of range");
    }
    if (!doc.is_object()) {
        throw InputError(R"(expected a JSON object ({"format": "nnlens.lesson", ...}), got )" +
                         shownValue(doc));
    }
    const auto format = doc.find("format");
    if (format == doc.end() || !format->is_string() ||
        format->get<std::string>() != kLessonPlanFormat) {
        throw InputError(std::string(R"("format": expected "nnlens.lesson")") +
                         (format == doc.end() ? "" : ", got " + shownValue(*format)));
    }
    const auto version = doc.find("version");
    if (version == doc.end() || !version->is_number_integer() || version->get<int>() != 1) {
        throw InputError(std::string(R"("version": expected 1)") +
                         (version == doc.end() ? "" : ", got " + shownValue(*version)));
    }
    for (const auto& [key, value] : doc.items()) {
        if (key != "format" && key != "version" && key != "title" && key != "description" &&
            key != "steps") {
            throw InputError("unknown key \"" + key +
                             "\" (known: format, version, title, description, steps)");
        }
    }
    LessonPlan plan;
    plan.title = text(doc, "title", "lesson", false);
    plan.description = text(doc, "description", "lesson", false);
    const auto steps = doc.find("steps");
    if (steps == doc.end() || !steps->is_array() || steps->empty()) {
        throw InputError(R"("steps": expected a list of at least one step)");
    }
    if (steps->size() > static_cast<std::size_t>(kMaxLessonSteps)) {
        throw InputError("\"steps\": more than " + std::to_string(kMaxLessonSteps) + " steps");
    }
    for (std::size_t i = 0; i < steps->size(); ++i) {
        plan.steps.push_back(parseStep((*steps)[i], "steps[" + std::to_string(i) + "]", tabs));
    }
    return plan;
}

std::optional<std::string> lessonStepPreset(const LessonStep& step) {
    if (step.network.starts_with("preset:")) return step.network.substr(7);
    return std::nullopt;
}

std::string lessonStepPath(const LessonStep& step, const std::string& planPath) {
    if (lessonStepPreset(step)) return step.network;
    const std::filesystem::path file(step.network);
    if (file.is_absolute() || planPath.empty()) return step.network;
    return (std::filesystem::path(planPath).parent_path() / file).lexically_normal().string();
}

}  // namespace nnlens
