// formatNumber: the one way app/ writes a number for people to read. (JSON results are for
// programs and keep every digit; see app/cli/json.hpp.)
#pragma once

#include <string>

namespace nnlens::text {

enum class Digits {
    Significant,  // printf's %.Ng: 0.001, 1.5, 2.5e+06
    Decimals,     // printf's %.Nf: 1.50, -0.25
};

// `v` with `digits` significant digits or decimals; halves round to even, as printf and Python
// (the seed notebook) do. A result that reads as zero has no minus sign ("-0", "-0.00" -> "0",
// "0.00"); nan and inf as printf writes them.
std::string formatNumber(double v, int digits = 6, Digits kind = Digits::Significant);

}  // namespace nnlens::text
