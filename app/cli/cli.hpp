// nnlens-cli's entry point as a library function: main() runs it on std::cout and std::cerr.
#pragma once

#include <ostream>

namespace nnlens::cli {

// Runs `nnlens-cli argv[1] ...`: results to `out`, messages and progress to `err`. Returns the
// exit status: 0 success, 2 bad usage or bad input (one line on `err` naming the file, line,
// layer or option), 1 any other failure.
int runCli(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace nnlens::cli
