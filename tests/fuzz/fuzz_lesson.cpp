// libFuzzer harness for lesson plans (*.nnlens-lesson.json): whatever parseLessonPlan accepts has
// at least one step, each with a network, a known tab and a 1-based selection; anything else is
// refused with InputError, never a crash or another exception.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/lesson_plan.hpp"

namespace {

const std::vector<std::string> kTabs{"network", "activations", "softmax", "losses",
                                     "flow",    "stats",       "quiz"};

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "fuzz_lesson: %s\n", what);
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    nnlens::LessonPlan plan;
    try {
        plan = nnlens::parseLessonPlan(text, kTabs);
    } catch (const nnlens::InputError&) {
        return 0;  // refused with a message: fine
    }
    if (plan.steps.empty()) fail("a plan without steps was accepted");
    for (const nnlens::LessonStep& step : plan.steps) {
        if (step.network.empty()) fail("a step without a network was accepted");
        bool known = false;
        for (const std::string& tab : kTabs)
            known = known || tab == step.tab;
        if (!known) fail("a step with an unknown tab was accepted");
        if (step.selectLayer.has_value() != step.selectNode.has_value()) {
            fail("half a selection was accepted");
        }
        if ((step.selectLayer && *step.selectLayer < 1) ||
            (step.selectNode && *step.selectNode < 1)) {
            fail("a selection below 1 was accepted");
        }
        (void)nnlens::lessonStepPath(step, "/lessons/plan.nnlens-lesson.json");
    }
    return 0;
}
