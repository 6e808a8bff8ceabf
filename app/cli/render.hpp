// nnlens-cli render: draws one of the GUI's figures of a network into a PNG, with the GUI's code.
#pragma once

#include <ostream>

#include "args.hpp"

namespace nnlens::cli {

// The --help text and the options of `render`.
extern const char* const kRenderHelp;
ArgSpec renderSpec();

// Runs `render`: the PNG to -o (atomically), {"backend":..,"figure":..,"width":..,"height":..,
// "dpi":..,"file":..,"ms":..} to `out`. Throws UsageError / InputError for bad usage or input
// and std::runtime_error for other failures (runCli turns them into exit codes 2 and 1).
int runRender(const Args& a, std::ostream& out, std::ostream& err);

}  // namespace nnlens::cli
