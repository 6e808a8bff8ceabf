// Lessons (spec section 7): the data set and training settings a network file may carry in its
// "data" and "training" keys, validated with the place named, and the data they load.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "dataset.hpp"
#include "network.hpp"

namespace nnlens {

// The ranges of the lesson's numbers: the train, lr-scan and dataset commands' option ranges.
inline constexpr double kMaxLessonRate = 1e30;  // training.lr (as --lr)
inline constexpr double kMaxLessonNoise = 1e6;  // data.generate.noise (as dataset --noise)

// data.generate: the dataset command's kinds and defaults.
struct GenerateSpec {
    std::string kind;
    int n = 500;
    double noise = 0.1;
    std::uint64_t seed = 1;
};

// "data": a CSV relative to the network file's folder, or a generated set; the validation split.
struct DataSpec {
    std::string file;                      // "" when generated
    std::optional<GenerateSpec> generate;  // set when generated
    double valSplit = 0.0;                 // Keras validation_split: the last rows validate
};

// "training": the train command's settings under the same names, its defaults when absent.
// loss, optimizer and lr have no command-line default; a lesson without them uses these.
struct TrainingSpec {
    std::string loss = "mse";
    std::string reduction;  // "" = the loss's own (mean; sum for chi2 and l2)
    std::string optimizer = "adam";
    double lr = 1e-3;  // Keras' and PyTorch's default Adam rate
    int batch = 10;
    int epochs = 100;
    std::optional<std::int64_t> steps;  // train this many steps instead of epochs
    std::uint64_t seed = 0;
    bool shuffle = true;
    double l1 = 0.0;  // regularization (spec section 10)
    double l2 = 0.0;
};

struct Lesson {
    std::optional<DataSpec> data;
    std::optional<TrainingSpec> training;
};

// Parses "data" and "training" from a network file's top-level object (or Network::extra).
// Throws InputError naming the place ("training.optimiser: unknown key", "training.lr: expected
// a number > 0 and at most 1e30, got -1", "data: give \"file\" or \"generate\", not both").
Lesson parseLesson(const nlohmann::json& doc);

// The lesson a loaded network carries (from its kept keys).
Lesson lessonOf(const Network& net);
// Writes (or erases) "data" and "training" in net.extra, so that saving writes them.
void setLesson(Network& net, const Lesson& lesson);

// The file a DataSpec names, relative to the folder of `networkPath` (absolute paths as they are).
std::string lessonDataPath(const DataSpec& spec, const std::string& networkPath);
// For a copy of the network written to `toPath` (train -o into another folder): a relative
// "data.file" is rewritten to name the same file as seen from `toPath`'s folder, the only key
// changed. Returns the new value, or nothing when there was nothing to rewrite.
std::optional<std::string> rebaseLessonData(Network& net, const std::string& fromPath,
                                            const std::string& toPath);
// The lesson's data: the CSV (readCsv's messages: "dir/spiral.csv: cannot open (No such file or
// directory)") or the generated set. Throws InputError, also for a file with no rows.
Dataset loadLessonData(const DataSpec& spec, const std::string& networkPath);

}  // namespace nnlens
