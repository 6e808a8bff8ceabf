// formatNumber: printf's conversions, with the minus sign of a rounded-away zero dropped.
#include "number_text.hpp"

#include <cstdio>

namespace nnlens::text {

std::string formatNumber(double v, int digits, Digits kind) {
    char buf[512];  // %.Nf of 1e308 has 309 digits before the point
    std::snprintf(buf, sizeof buf, kind == Digits::Decimals ? "%.*f" : "%.*g", digits, v);
    std::string s = buf;
    if (s.size() > 1 && s[0] == '-' && s.find_first_not_of("0.", 1) == std::string::npos) {
        s.erase(0, 1);
    }
    return s;
}

}  // namespace nnlens::text
