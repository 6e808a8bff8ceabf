// JSON output for nnlens-cli: shortest round-trip numbers, null for non-finite values.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/types.hpp"

namespace nnlens::cli {

// The fewest digits that read back to the same float / double ("0.1", "1e-06"); "null" when
// the value is NaN or infinite, since JSON has no spelling for them.
std::string formatFloat(float v);
std::string formatDouble(double v);

// Writes compact JSON into a string. Commas and the key/value pairing are tracked here, so
// callers only say what comes next:
//   JsonWriter w; w.beginObject().key("n").value(250).endObject();
// Floats keep float precision (what the engine computed), doubles keep double precision.
class JsonWriter {
  public:
    JsonWriter& beginObject();
    JsonWriter& endObject();
    JsonWriter& beginArray();
    JsonWriter& endArray();
    JsonWriter& key(std::string_view name);

    JsonWriter& value(float v);
    JsonWriter& value(double v);
    JsonWriter& value(int v) { return value(static_cast<std::int64_t>(v)); }
    JsonWriter& value(std::int64_t v);
    JsonWriter& value(bool v);
    JsonWriter& value(std::string_view v);
    JsonWriter& value(const char* v) { return value(std::string_view(v)); }
    JsonWriter& null();

    // [v0, v1, ...]
    JsonWriter& floats(std::span<const float> v);
    JsonWriter& doubles(std::span<const double> v);
    JsonWriter& integers(std::span<const std::int64_t> v);
    // One inner list per row: [[m(0,0), m(0,1), ...], [m(1,0), ...], ...].
    JsonWriter& matrixRows(const Matrix& m);

    // The document so far, with a final newline.
    std::string str() const { return m_out + "\n"; }

  private:
    // Emits the comma that separates this item from the previous one in the same container.
    void separate();
    void raw(std::string_view text);

    std::string m_out;
    std::vector<bool> m_hasItems;  // one per open container
    bool m_afterKey = false;
};

// Writes `v` as a JSON string literal (quotes and escapes included) to `out`.
void appendJsonString(std::string& out, std::string_view v);

}  // namespace nnlens::cli
