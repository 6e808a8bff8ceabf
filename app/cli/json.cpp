// jsonNumber: whole values as integers, floats through their shortest decimal; arrays of them.
#include "json.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

namespace nnlens::cli {

namespace {

// Below 2^53 every whole double (and float) is an exact int64.
constexpr double kExactIntegers = 9007199254740992.0;

// The integer for a whole, finite `v` (but not -0, which has no integer spelling).
std::optional<std::int64_t> wholeNumber(double v) {
    if (v == std::trunc(v) && std::fabs(v) < kExactIntegers && !(v == 0.0 && std::signbit(v))) {
        return static_cast<std::int64_t>(v);
    }
    return std::nullopt;
}

template <typename T>
Json numbers(std::span<const T> v) {
    Json a = Json::array();
    auto& items = a.get_ref<Json::array_t&>();
    items.reserve(v.size());
    for (const T x : v)
        items.push_back(jsonNumber(x));
    return a;
}

}  // namespace

Json jsonNumber(float v) {
    if (!std::isfinite(v)) return nullptr;
    if (const auto n = wholeNumber(v)) return *n;
    // The float's shortest decimal read as a double: nlohmann then prints those same digits.
    char text[32];
    const auto end = std::to_chars(text, text + sizeof text, v).ptr;
    double d = 0.0;
    std::from_chars(text, end, d);
    return d;
}

Json jsonNumber(double v) {
    if (!std::isfinite(v)) return nullptr;
    if (const auto n = wholeNumber(v)) return *n;
    return v;
}

Json jsonArray(std::span<const float> v) {
    return numbers(v);
}

Json jsonArray(std::span<const double> v) {
    return numbers(v);
}

Json jsonRows(const Matrix& m) {
    Json rows = Json::array();
    for (Eigen::Index r = 0; r < m.rows(); ++r) {
        Json row = Json::array();
        for (Eigen::Index c = 0; c < m.cols(); ++c)
            row.push_back(jsonNumber(m(r, c)));
        rows.push_back(std::move(row));
    }
    return rows;
}

void appendJson(std::string& out, const Json& small) {
    out += small.dump(-1, ' ', false, Json::error_handler_t::replace);
}

void appendArray(std::string& out, std::span<const float> v) {
    // A chunk at a time through nlohmann's own printer, so the digits are the same as a tree's.
    constexpr std::size_t kChunk = 4096;
    out += '[';
    for (std::size_t first = 0; first < v.size(); first += kChunk) {
        const std::string text = numbers(v.subspan(first, std::min(kChunk, v.size() - first)))
                                     .dump(-1, ' ', false, Json::error_handler_t::replace);
        if (first > 0) out += ',';
        out.append(text, 1, text.size() - 2);  // without its brackets
    }
    out += ']';
}

void appendRows(std::string& out, const Matrix& m) {
    out += '[';
    std::vector<float> row(static_cast<std::size_t>(m.cols()));
    for (Eigen::Index r = 0; r < m.rows(); ++r) {
        for (Eigen::Index c = 0; c < m.cols(); ++c)
            row[static_cast<std::size_t>(c)] = m(r, c);
        if (r > 0) out += ',';
        appendArray(out, row);
    }
    out += ']';
}

std::string dumpJson(const Json& j) {
    return j.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace nnlens::cli
