// What an nnlens-cli command is made of (its entry in the command table) and what several
// commands share: the engine options (backend, loss, optimizer, seed, maps), the data file and
// the JSON result.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "args.hpp"
#include "core/backend.hpp"
#include "core/dataset.hpp"
#include "core/grid.hpp"
#include "core/network.hpp"
#include "core/optimizer.hpp"
#include "json.hpp"

namespace nnlens::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitBadInput = 2;

struct Io {
    std::ostream& out;  // results
    std::ostream& err;  // messages and progress
};

struct Command {
    const char* name;
    const char* arguments;  // for the command list
    const char* purpose;    // for the command list
    std::string help;       // the full --help text
    ArgSpec spec;
    // Returns the exit status; throws UsageError / InputError for bad usage or input (exit 2)
    // and anything else for other failures (exit 1).
    std::function<int(const Args&, Io&)> run;
};

// One per file, in the order `nnlens-cli --help` lists them.
Command summaryCommand();
Command forwardCommand();
Command gridCommand();
Command gradCommand();
Command trainCommand();
Command lrScanCommand();
Command datasetCommand();
Command traceCommand();
Command initCommand();
Command renderCommand();
Command benchCommand();

// ---- options several commands share ---------------------------------------------------------

// The engine --backend names (default auto). An unknown name or an unavailable backend is a
// UsageError ("--backend cuda: no CUDA device (...)"); fall-back reports go to `err` as
// "nnlens-cli: <line>".
std::unique_ptr<Backend> backendOption(const Args& a, std::ostream& err);
// --seed, a whole number >= 0.
std::uint64_t seedOption(const Args& a, std::uint64_t fallback);
// --loss (required) and --reduction (default: the loss's own).
LossConfig lossOption(const Args& a);
// --optimizer (required).
OptimizerKind optimizerOption(const Args& a);
// --l1 and --l2 (spec section 10), each finite and >= 0, else `l1` and `l2` (the file's).
void penaltyOptions(const Args& a, OptimizerConfig& opt, double l1 = 0.0, double l2 = 0.0);
// Checks --n, --range and --bins where given, before any file is read, so that a bad flag is
// reported as such.
void checkGridOptions(const Args& a);
// The maps' settings: a flag > the file's "view" > the defaults (250, 3, 25); every value is
// checked, naming the flag or the file it came from.
GridConfig gridConfig(const Args& a, const Network& net, const std::string& netPath);

// A data file with at least one row; the engine's messages already start with the file name.
Dataset loadData(const std::string& path);
// The JSON result: to -o FILE (atomically, only now that everything succeeded) or `io.out`.
void emitJson(const Args& a, Io& io, const Json& result);
// The same for a result already written as JSON text (with its final newline).
void emitText(const Args& a, Io& io, const std::string& text);
// Refuses, before any work, a result whose working memory and JSON text would pass the memory
// a command may take (kMapMemoryBudget, the window's limit for its maps): "<what> would take
// about 24 GB (at most 1.5 GB); <advice>".
void checkResultSize(double bytes, const std::string& what, const std::string& advice);
// The maps of every node of `net` at grid n, `bytesPerValue` bytes a node and point: refused
// when past the budget, naming the largest --n that fits.
void checkMapSize(const std::string& command, const Network& net, int n, double bytesPerValue);

}  // namespace nnlens::cli
