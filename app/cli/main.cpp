// nnlens-cli executable: hands the command line to runCli().
#include <iostream>

#include "cli.hpp"

int main(int argc, char** argv) {
    std::ios::sync_with_stdio(false);  // results can be megabytes of JSON
    const int status = nnlens::cli::runCli(argc, argv, std::cout, std::cerr);
    std::cout.flush();
    return status;
}
