// nnlens-cli executable: hands the command line to runCli().
#include <iostream>

#include "cli.hpp"
#include "core/temp_files.hpp"

int main(int argc, char** argv) {
    nnlens::installTempFileCleanup();  // Ctrl+C during -o leaves no temporary file
    std::ios::sync_with_stdio(false);  // results can be megabytes of JSON
    const int status = nnlens::cli::runCli(argc, argv, std::cout, std::cerr);
    std::cout.flush();
    return status;
}
