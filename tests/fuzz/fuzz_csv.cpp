// libFuzzer harness for data files (CSV): whatever parseCsv accepts must format, parse back to the
// same numbers and format to the same text.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "core/dataset.hpp"
#include "core/error.hpp"

namespace {

[[noreturn]] void fail(const char* what, const std::string& detail) {
    std::fprintf(stderr, "fuzz_csv: %s\n%s\n", what, detail.c_str());
    std::abort();
}

bool sameBits(const nnlens::Matrix& a, const nnlens::Matrix& b) {
    return a.rows() == b.rows() && a.cols() == b.cols() &&
           (a.size() == 0 || std::memcmp(a.data(), b.data(),
                                         sizeof(float) * static_cast<std::size_t>(a.size())) == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    nnlens::Dataset set;
    try {
        set = nnlens::parseCsv(text, "fuzz.csv");
    } catch (const nnlens::InputError&) {
        return 0;  // refused with a message: fine; any other exception is a finding
    }

    const std::string first = nnlens::formatCsv(set);
    nnlens::Dataset back;
    try {
        back = nnlens::parseCsv(first, "formatted.csv");
    } catch (const nnlens::InputError& e) {
        fail("formatCsv wrote a file that parseCsv refuses", e.what() + ("\n" + first));
    }
    if (nnlens::formatCsv(back) != first) fail("format(parse(format(csv))) differs", first);
    if (!sameBits(set.x, back.x) || !sameBits(set.y, back.y) || set.labels != back.labels ||
        !sameBits(set.sigma, back.sigma)) {
        fail("values differ after a round trip", first);
    }
    return 0;
}
