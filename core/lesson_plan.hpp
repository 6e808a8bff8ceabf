// Lesson plans (*.nnlens-lesson.json): an ordered list of steps a teacher walks through like
// slides, each a network, a tab, a selected node and a caption. The format is in the README.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nnlens {

inline constexpr std::string_view kLessonPlanFormat = "nnlens.lesson";
// A lesson plan is words and file names: a megabyte is thousands of steps.
inline constexpr std::int64_t kMaxLessonPlanBytes = std::int64_t{1} << 20;
inline constexpr int kMaxLessonSteps = 1000;

struct LessonStep {
    std::string title;    // "The building block"
    std::string network;  // "preset:NAME" (a built-in preset) or a path relative to the plan
    std::string tab;      // the window's tab ("network" when absent)
    // The node selected when the step opens, 1-based as the maps label it (LYR1-NODE1).
    std::optional<int> selectLayer;
    std::optional<int> selectNode;
    std::string caption;  // the words shown with the step; "" = the network's description
    // false: the weight arrows hidden until View > Weight Arrows shows them (the notebook's arrow
    // exercise); absent or true: shown.
    bool arrows = true;
    // The dock tab brought to the front ("inspector", "training", "layers" or "data"); "" = the
    // Inspector, or the Training dock when the step's file carries data to train on; "none": the
    // figure alone, every dock hidden until the next step or the lesson's end.
    std::string dock;
    // The graph figure's map layout ("notebook", "fill" or "focus"); "" = notebook.
    std::string layout;
    // true: what would give the exercise's answer away is hidden until View > Show Answers: the
    // diagram's weight colours and widths, the Inspector's activation and map, the Layers dock's
    // activations. Absent: hidden on the quiz tab and where the arrows are hidden, else shown.
    bool hideAnswers = false;
    // The graph's input-feature column (View > Input Features): true shown, false hidden; absent:
    // shown when the step's network has input features.
    std::optional<bool> features;
};

// The dock tabs and map layouts a step may name.
inline const std::vector<std::string>& lessonDockNames() {
    static const std::vector<std::string> names{"inspector", "training", "layers", "data", "none"};
    return names;
}
inline const std::vector<std::string>& lessonLayoutNames() {
    static const std::vector<std::string> names{"notebook", "fill", "focus"};
    return names;
}

struct LessonPlan {
    std::string title;
    std::string description;
    std::vector<LessonStep> steps;  // at least one
};

// Parses a lesson plan. `tabs` are the tab names a step may give (the first is the default).
// Throws InputError naming the place: "line 3, column 9: syntax error ...", "steps[2].tab:
// unknown tab \"netwrk\" (known: network, activations, ...)", "steps[0]: unknown key \"tabb\"",
// "steps[1].network: expected a string". Steps are counted from 0, as the JSON array is.
LessonPlan parseLessonPlan(std::string_view text, const std::vector<std::string>& tabs);

// The file a step's network names: "preset:NAME" stays as it is; a relative path is taken from
// the folder of `planPath` (absolute paths as they are).
std::string lessonStepPath(const LessonStep& step, const std::string& planPath);
// "single-unit" for "preset:single-unit"; nullopt for a file.
std::optional<std::string> lessonStepPreset(const LessonStep& step);

}  // namespace nnlens
