// libFuzzer harness for network files: whatever parseNetwork accepts must format, parse back to
// the same network and format to the same text, and its maps must compute (defect 1 of #12 was a
// valid file that crashed the histogram).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/grid.hpp"
#include "core/lesson.hpp"
#include "core/network_io.hpp"

namespace {

[[noreturn]] void fail(const char* what, const std::string& detail) {
    std::fprintf(stderr, "fuzz_network: %s\n%s\n", what, detail.c_str());
    std::abort();
}

bool sameBits(const nnlens::Matrix& a, const nnlens::Matrix& b) {
    return a.rows() == b.rows() && a.cols() == b.cols() &&
           (a.size() == 0 || std::memcmp(a.data(), b.data(),
                                         sizeof(float) * static_cast<std::size_t>(a.size())) == 0);
}

bool sameBits(const nnlens::Vector& a, const nnlens::Vector& b) {
    return a.size() == b.size() &&
           (a.size() == 0 || std::memcmp(a.data(), b.data(),
                                         sizeof(float) * static_cast<std::size_t>(a.size())) == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    nnlens::Network net;
    try {
        net = nnlens::parseNetwork(text);
    } catch (const nnlens::InputError&) {
        return 0;  // refused with a message: fine; any other exception is a finding
    }

    // Everything the loader keeps goes through formatNetwork, so a round trip covers every key
    // the format knows (and the unknown ones it writes back).
    const std::string first = nnlens::formatNetwork(net);
    nnlens::Network back;
    try {
        back = nnlens::parseNetwork(first);
    } catch (const nnlens::InputError& e) {
        fail("formatNetwork wrote a file that parseNetwork refuses", e.what() + ("\n" + first));
    }
    if (nnlens::formatNetwork(back) != first) fail("format(parse(format(net))) differs", first);
    if (back.layers.size() != net.layers.size()) fail("layer count differs", first);
    for (std::size_t i = 0; i < net.layers.size(); ++i) {
        if (!sameBits(net.layers[i].W, back.layers[i].W) ||
            !sameBits(net.layers[i].b, back.layers[i].b)) {
            fail("parameters differ after a round trip", first);
        }
    }

    // A lesson's "data" and "training" keys (spec section 7), as train and the window read them:
    // refused with a message, or written back by setLesson and read again to the same lesson.
    try {
        const nnlens::Lesson lesson = nnlens::lessonOf(net);
        nnlens::Network copy = net;
        nnlens::setLesson(copy, lesson);
        const nnlens::Lesson again = nnlens::lessonOf(copy);
        if (again.data.has_value() != lesson.data.has_value() ||
            again.training.has_value() != lesson.training.has_value()) {
            fail("setLesson/lessonOf lost a key", first);
        }
        if (lesson.training && (again.training->lr != lesson.training->lr ||
                                again.training->batch != lesson.training->batch ||
                                again.training->epochs != lesson.training->epochs ||
                                again.training->seed != lesson.training->seed ||
                                again.training->loss != lesson.training->loss ||
                                again.training->optimizer != lesson.training->optimizer)) {
            fail("training settings differ after setLesson", first);
        }
        if (lesson.data &&
            (again.data->file != lesson.data->file ||
             again.data->valSplit != lesson.data->valSplit ||
             again.data->generate.has_value() != lesson.data->generate.has_value())) {
            fail("data settings differ after setLesson", first);
        }
        const std::string withLesson = nnlens::formatNetwork(copy);
        if (nnlens::formatNetwork(nnlens::parseNetwork(withLesson)) != withLesson) {
            fail("a lesson's network does not round-trip", withLesson);
        }
        // A generated data set within the fuzzer's time: at most 2 000 rows.
        if (lesson.data && lesson.data->generate && lesson.data->generate->n <= 2000) {
            (void)nnlens::loadLessonData(*lesson.data, "fuzz.nnlens.json");
        }
    } catch (const nnlens::InputError&) {
        // refused with the place named
    }

    // The maps the window and `grid`/`summary`/`render` compute, on a small grid.
    if (net.inputs == 2 && net.parameterCount() <= 4096) {
        nnlens::GridConfig cfg = net.view;
        cfg.n = 5;
        try {
            auto evaluator = nnlens::makeCpuGridEvaluator();
            evaluator->compute(net, cfg);
            const nnlens::GridMaps& maps = evaluator->maps();
            if (maps.layers() != static_cast<int>(net.layers.size())) fail("maps: layers", first);
        } catch (const nnlens::InputError&) {
            // e.g. a view range whose grid is not finite in float: refused, not a crash
        }
    }
    return 0;
}
