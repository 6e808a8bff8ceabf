// JSON output for nnlens-cli: shortest round-trip numbers, null for non-finite values.
#include "json_out.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace nnlens::cli {

namespace {

template <typename T>
void appendNumber(std::string& out, T v) {
    if (!std::isfinite(v)) {
        out += "null";
        return;
    }
    // std::to_chars without a precision gives the shortest text that round-trips in T; its
    // spelling ("1e-06", "-0") is valid JSON.
    std::array<char, 64> buf{};
    const auto res = std::to_chars(buf.data(), buf.data() + buf.size(), v);
    out.append(buf.data(), res.ptr);
}

}  // namespace

std::string formatFloat(float v) {
    std::string s;
    appendNumber(s, v);
    return s;
}

std::string formatDouble(double v) {
    std::string s;
    appendNumber(s, v);
    return s;
}

void appendJsonString(std::string& out, std::string_view v) {
    out += '"';
    for (const char c : v) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    std::array<char, 8> buf{};
                    std::snprintf(buf.data(), buf.size(), "\\u%04x", static_cast<unsigned>(c));
                    out += buf.data();
                } else {
                    out += c;  // UTF-8 passes through unchanged
                }
        }
    }
    out += '"';
}

void JsonWriter::separate() {
    if (m_afterKey) {
        m_afterKey = false;
        return;
    }
    if (!m_hasItems.empty()) {
        if (m_hasItems.back()) m_out += ',';
        m_hasItems.back() = true;
    }
}

void JsonWriter::raw(std::string_view text) {
    separate();
    m_out += text;
}

JsonWriter& JsonWriter::beginObject() {
    raw("{");
    m_hasItems.push_back(false);
    return *this;
}

JsonWriter& JsonWriter::endObject() {
    m_hasItems.pop_back();
    m_out += '}';
    return *this;
}

JsonWriter& JsonWriter::beginArray() {
    raw("[");
    m_hasItems.push_back(false);
    return *this;
}

JsonWriter& JsonWriter::endArray() {
    m_hasItems.pop_back();
    m_out += ']';
    return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
    separate();
    appendJsonString(m_out, name);
    m_out += ':';
    m_afterKey = true;
    return *this;
}

JsonWriter& JsonWriter::value(float v) {
    separate();
    appendNumber(m_out, v);
    return *this;
}

JsonWriter& JsonWriter::value(double v) {
    separate();
    appendNumber(m_out, v);
    return *this;
}

JsonWriter& JsonWriter::value(std::int64_t v) {
    separate();
    m_out += std::to_string(v);
    return *this;
}

JsonWriter& JsonWriter::value(bool v) {
    raw(v ? "true" : "false");
    return *this;
}

JsonWriter& JsonWriter::value(std::string_view v) {
    separate();
    appendJsonString(m_out, v);
    return *this;
}

JsonWriter& JsonWriter::null() {
    raw("null");
    return *this;
}

JsonWriter& JsonWriter::floats(std::span<const float> v) {
    beginArray();
    m_out.reserve(m_out.size() + v.size() * 12);
    for (const float x : v)
        value(x);
    return endArray();
}

JsonWriter& JsonWriter::doubles(std::span<const double> v) {
    beginArray();
    for (const double x : v)
        value(x);
    return endArray();
}

JsonWriter& JsonWriter::integers(std::span<const std::int64_t> v) {
    beginArray();
    for (const std::int64_t x : v)
        value(x);
    return endArray();
}

JsonWriter& JsonWriter::matrixRows(const Matrix& m) {
    beginArray();
    for (Eigen::Index r = 0; r < m.rows(); ++r) {
        beginArray();
        for (Eigen::Index c = 0; c < m.cols(); ++c)
            value(m(r, c));
        endArray();
    }
    return endArray();
}

}  // namespace nnlens::cli
