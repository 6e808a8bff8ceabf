// JSON results of nnlens-cli, built with nlohmann::json: members in the order the spec lists
// them, numbers that read back to the values computed, always valid UTF-8.
#pragma once

#include <nlohmann/json.hpp>

#include <span>
#include <string>

#include "core/types.hpp"

namespace nnlens::cli {

// Keys stay in the order they are set.
using Json = nlohmann::ordered_json;

// A computed number: a whole value as an integer ("9", where nlohmann writes a double as
// "9.0"); a float as the double nearest its shortest decimal, so that it prints with the float's
// own digits ("0.1", not "0.10000000149011612") and reads back to the same float; a double with
// all its digits; NaN and infinities as null (JSON has no spelling for them).
Json jsonNumber(float v);
Json jsonNumber(double v);
// [v0, v1, ...], each as jsonNumber.
Json jsonArray(std::span<const float> v);
Json jsonArray(std::span<const double> v);
// One inner list per row: [[m(0,0), m(0,1), ...], [m(1,0), ...], ...].
Json jsonRows(const Matrix& m);

// Big results without a tree of all their values (#19: a tree of 10^8 numbers takes gigabytes,
// and freeing it under a memory limit could throw again during unwinding). Each appends the text
// dumpJson would write for the same value, without the final newline.
void appendJson(std::string& out, const Json& small);          // a value of a few members
void appendArray(std::string& out, std::span<const float> v);  // as jsonArray(v)
void appendRows(std::string& out, const Matrix& m);            // as jsonRows(m)
// About how many bytes of JSON text a float takes in those lists (digits, sign, exponent and
// the comma): the bound checked before a big result is built.
inline constexpr double kJsonBytesPerFloat = 16.0;

// Compact text with a final newline. Bytes that are not UTF-8 (a file name, say) become U+FFFD,
// so the result is valid JSON whatever the strings held.
std::string dumpJson(const Json& j);

}  // namespace nnlens::cli
