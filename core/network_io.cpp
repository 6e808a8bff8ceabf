// Network files (*.nnlens.json, spec section 1): parsing with messages naming the place, saving.
#include "network_io.hpp"

#include "grid.hpp"
#include "json_text.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <stdexcept>

#include "error.hpp"
#include "file_io.hpp"
#include "lesson.hpp"

namespace nnlens {

namespace {

using json = nlohmann::json;

constexpr std::string_view kFormat = "nnlens.network";
constexpr int kVersion = 1;

// A JSON string literal for `s` (escaped); bytes that are not UTF-8 become U+FFFD.
std::string jsonString(std::string_view s) {
    return json(std::string(s)).dump(-1, ' ', false, json::error_handler_t::replace);
}

// A short rendering of a JSON value for "got ..." in a message.
std::string shown(const json& v) {
    std::string s = v.dump(-1, ' ', false, json::error_handler_t::replace);
    if (s.size() > 40) s = s.substr(0, 37) + "...";
    return s;
}

// "line L, column C" of text[index] (both 1-based).
std::string place(std::string_view text, std::size_t index) {
    index = std::min(index, text.size());
    const std::string_view before = text.substr(0, index);
    const std::size_t line =
        1 + static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
    const std::size_t newline = before.rfind('\n');
    const std::size_t column = newline == std::string_view::npos ? index + 1 : index - newline;
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

// Walks the text outside strings: refuses nesting deeper than kMaxJsonDepth, and (with
// `numbers`) the first number that overflows a double. A malformed text is left to the parser.
void scanJson(std::string_view text, bool numbers) {
    int depth = 0;
    bool inString = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > kMaxJsonDepth) {
                throw InputError(place(text, i) + ": too deeply nested (more than " +
                                 std::to_string(kMaxJsonDepth) + " levels) at byte " +
                                 std::to_string(i + 1));
            }
        } else if (c == ']' || c == '}') {
            --depth;
        } else if (numbers && (c == '-' || (c >= '0' && c <= '9'))) {
            std::size_t end = i;
            while (end < text.size() && std::strchr("+-0123456789.eE", text[end]) != nullptr)
                ++end;
            const std::string token(text.substr(i, end - i));
            if (std::isinf(std::strtod(token.c_str(), nullptr))) {
                const std::string shownToken =
                    token.size() > 40 ? token.substr(0, 40) + "..." : token;
                throw InputError(place(text, i) + ": number " + shownToken + " is out of range");
            }
            i = end - 1;
        }
    }
}

bool isKnownTopKey(const std::string& key);
bool isKnownLayerKey(const std::string& key);

// Bounds what the parser builds (the callback of json::parse, which sees every value as it is
// read): at most kMaxJsonValues values in all, and at most kMaxUnknownJsonBytes (16 bytes a value
// plus its strings' bytes) in what the format does not read: unknown keys at the top and in a
// layer, and "view" beyond its three numbers. Throws InputError naming the key.
class ParseBudget {
  public:
    bool operator()(int depth, json::parse_event_t event, json& parsed) {
        using Event = json::parse_event_t;
        if (event == Event::object_end || event == Event::array_end) {
            if (depth == 2 && m_inLayers) m_unknownLayerKey.clear();  // a layer ends
            return true;
        }
        std::size_t bytes = 0;
        if (event == Event::key) {
            const auto& key = parsed.get_ref<const std::string&>();
            bytes = key.size();
            if (depth == 1) {  // a top-level key (the document's object is at depth 0)
                m_topKey = key;
                m_inLayers = key == "layers";
                m_unknownTop = !isKnownTopKey(key) || key == "view";
                m_unknownLayerKey.clear();
            } else if (depth == 3 && m_inLayers) {  // a key of the object that is layer m_layer
                m_unknownLayerKey = isKnownLayerKey(key) ? std::string() : key;
            }
        } else if (event == Event::value && parsed.is_string()) {
            bytes = parsed.get_ref<const std::string&>().size();
        } else if (event == Event::object_start && depth == 2 && m_inLayers) {
            ++m_layer;
        }
        if (++m_values > kMaxJsonValues) {
            throw InputError(jsonString(m_topKey) + ": more than " +
                             std::to_string(kMaxJsonValues) +
                             " values, more than a network file can need (at most " +
                             std::to_string(kMaxParameters) + " parameters)");
        }
        if (m_unknownTop || !m_unknownLayerKey.empty()) {
            m_unknownBytes += 16 + static_cast<std::int64_t>(bytes);
            if (m_unknownBytes > kMaxUnknownJsonBytes) {
                const std::string where = m_unknownTop ? jsonString(m_topKey)
                                                       : "layer " + std::to_string(m_layer) + ", " +
                                                             jsonString(m_unknownLayerKey);
                throw InputError(where + ": keys this nnlens does not read may take at most " +
                                 std::to_string(kMaxUnknownJsonBytes >> 20) + " MiB in all");
            }
        }
        return true;
    }

  private:
    std::int64_t m_values = 0;
    std::int64_t m_unknownBytes = 0;
    std::string m_topKey;
    std::string m_unknownLayerKey;  // the unknown layer key whose value is being read, or empty
    int m_layer = 0;                // 1-based, as in messages
    bool m_inLayers = false;
    bool m_unknownTop = false;
};

// The value of an integral JSON number (2 and 2.0 alike); nullopt for anything else.
std::optional<std::int64_t> asInteger(const json& v) {
    if (v.is_number_unsigned()) {
        const auto u = v.get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
        return static_cast<std::int64_t>(u);
    }
    if (v.is_number_integer()) return v.get<std::int64_t>();
    if (v.is_number_float()) {
        const double d = v.get<double>();
        if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 0x1p62) {
            return static_cast<std::int64_t>(d);
        }
    }
    return std::nullopt;
}

bool isNonFiniteWord(std::string s) {
    for (char& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!s.empty() && (s[0] == '+' || s[0] == '-')) s.erase(0, 1);
    return s == "nan" || s == "inf" || s == "infinity";
}

// One weight or bias value. JSON has no NaN or infinity, so those arrive as null or as strings.
float parseParameter(const json& v, const std::string& where) {
    if (v.is_number()) {
        const float f = static_cast<float>(v.get<double>());
        if (!std::isfinite(f)) throw InputError(where + ": not a finite number");
        return f;
    }
    if (v.is_null() || (v.is_string() && isNonFiniteWord(v.get<std::string>()))) {
        throw InputError(where + ": not a finite number");
    }
    throw InputError(where + ": expected a number, got " + shown(v));
}

bool isKnownTopKey(const std::string& key) {
    return key == "format" || key == "version" || key == "name" || key == "description" ||
           key == "inputs" || key == "features" || key == "layers" || key == "view";
}

// "features": a non-empty list of known feature names (spec section 10); repeats and the input
// count are checkFeatures' rules.
std::vector<Feature> parseFeatures(const json& j) {
    const std::string rule =
        R"("features": expected a non-empty list of feature names ()" + knownFeatureNames() + ")";
    if (!j.is_array() || j.empty()) throw InputError(rule + ", got " + shown(j));
    std::vector<Feature> features;
    for (std::size_t i = 0; i < j.size(); ++i) {
        const std::string where = "features[" + std::to_string(i) + "]";
        if (!j[i].is_string()) {
            throw InputError(where + ": expected a feature name (" + knownFeatureNames() +
                             "), got " + shown(j[i]));
        }
        const std::string name = j[i].get<std::string>();
        const auto f = featureFromName(name);
        if (!f) {
            throw InputError(where + ": unknown feature " + jsonString(name) +
                             " (known: " + knownFeatureNames() + ")");
        }
        features.push_back(*f);
    }
    return features;
}

bool isKnownLayerKey(const std::string& key) {
    return key == "activation" || key == "weights" || key == "bias";
}

Layer parseLayer(const json& j, std::size_t index) {
    const std::string where = "layer " + std::to_string(index + 1);
    if (!j.is_object()) {
        throw InputError(where + R"(: expected an object with "activation", "weights" and "bias")");
    }
    Layer layer;

    const auto act = j.find("activation");
    if (act == j.end()) throw InputError(where + R"(: missing "activation")");
    if (!act->is_string()) {
        throw InputError(where + R"(, "activation": expected a string (one of )" +
                         knownActivationNames() + "), got " + shown(*act));
    }
    const std::string actName = act->get<std::string>();
    const auto activation = activationFromName(actName);
    if (!activation) {
        throw InputError(where + ": unknown activation " + jsonString(actName) +
                         " (known: " + knownActivationNames() + ")");
    }
    layer.activation = *activation;

    const auto weights = j.find("weights");
    if (weights == j.end()) throw InputError(where + R"(: missing "weights")");
    if (!weights->is_array()) {
        throw InputError(where +
                         R"(, "weights": expected a list of rows (one per input, each a list of )"
                         "one weight per node), got " +
                         shown(*weights));
    }
    const std::size_t rows = weights->size();
    std::size_t cols = 0;
    if (rows > 0) {
        if (!(*weights)[0].is_array()) {
            throw InputError(where + ", weights[0]: expected a list of numbers, got " +
                             shown((*weights)[0]));
        }
        cols = (*weights)[0].size();
    }
    for (std::size_t r = 0; r < rows; ++r) {
        const json& row = (*weights)[r];
        if (!row.is_array() || row.size() != cols) {
            throw InputError(where + ", weights[" + std::to_string(r) + "]: expected a list of " +
                             std::to_string(cols) + " numbers");
        }
    }
    // Read row-major so that the first bad value reported is the first one in the file.
    layer.W.resize(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
    for (std::size_t r = 0; r < rows; ++r) {
        const json& row = (*weights)[r];
        for (std::size_t c = 0; c < cols; ++c) {
            layer.W(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) = parseParameter(
                row[c], where + ", weights[" + std::to_string(r) + "][" + std::to_string(c) + "]");
        }
    }

    const auto bias = j.find("bias");
    if (bias == j.end()) throw InputError(where + R"(: missing "bias")");
    if (!bias->is_array()) {
        throw InputError(where + R"(, "bias": expected a list of numbers, got )" + shown(*bias));
    }
    layer.b.resize(static_cast<Eigen::Index>(bias->size()));
    for (std::size_t k = 0; k < bias->size(); ++k) {
        layer.b(static_cast<Eigen::Index>(k)) =
            parseParameter((*bias)[k], where + ", bias[" + std::to_string(k) + "]");
    }

    for (const auto& [key, value] : j.items()) {
        if (!isKnownLayerKey(key)) layer.extra[key] = value;
    }
    return layer;
}

GridConfig parseView(const json& v) {
    if (!v.is_object()) {
        throw InputError(R"("view": expected an object with "range", "grid" and "bins", got )" +
                         shown(v));
    }
    GridConfig view;
    if (const auto it = v.find("range"); it != v.end()) {
        const double range = it->is_number() ? it->get<double>() : NAN;
        if (!(std::isfinite(range) && range > 0.0)) {
            throw InputError(R"("view", "range": expected a number > 0, got )" + shown(*it));
        }
        view.range = range;
    }
    if (const auto it = v.find("grid"); it != v.end()) {
        const auto grid = asInteger(*it);
        if (!grid || *grid < kMinGrid || *grid > kMaxGrid) {
            throw InputError(R"("view", "grid": expected an integer from )" +
                             std::to_string(kMinGrid) + " to " + std::to_string(kMaxGrid) +
                             ", got " + shown(*it));
        }
        view.n = static_cast<int>(*grid);
    }
    if (const auto it = v.find("bins"); it != v.end()) {
        const auto bins = asInteger(*it);
        if (!bins || *bins < 1 || *bins > kMaxBins) {
            throw InputError(R"("view", "bins": expected an integer from 1 to )" +
                             std::to_string(kMaxBins) + ", got " + shown(*it));
        }
        view.bins = static_cast<int>(*bins);
    }
    return view;
}

std::string optionalString(const json& doc, const char* key) {
    const auto it = doc.find(key);
    if (it == doc.end()) return {};
    if (!it->is_string()) {
        throw InputError("\"" + std::string(key) + "\": expected a string, got " + shown(*it));
    }
    return it->get<std::string>();
}

// The fewest digits that read back to the same float, also for a reader that goes through double
// as JSON readers do: for a few floats (7.038531e-26 is one) the shortest form rounds to a double
// that then rounds to the neighbouring float, and those are written as the shortest double instead.
// -0 keeps its sign through a JSON reader.
std::string formatFloat(float v) {
    if (v == 0.0f && std::signbit(v)) return "-0.0";
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    double back = 0.0;
    std::from_chars(buf, r.ptr, back);
    if (static_cast<float>(back) != v)
        r = std::to_chars(buf, buf + sizeof buf, static_cast<double>(v));
    return std::string(buf, r.ptr);
}

std::string formatDouble(double v) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

// A JSON value pretty-printed with 2 spaces, its continuation lines shifted right by `indent`.
std::string dumpIndented(const json& v, int indent) {
    const std::string s = v.dump(2, ' ', false, json::error_handler_t::replace);
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        out += c;
        if (c == '\n') out.append(static_cast<std::size_t>(indent), ' ');
    }
    return out;
}

void appendList(std::string& out, const float* values, Eigen::Index n, Eigen::Index stride) {
    out += '[';
    for (Eigen::Index i = 0; i < n; ++i) {
        if (i > 0) out += ", ";
        out += formatFloat(values[i * stride]);
    }
    out += ']';
}

}  // namespace

void checkJsonDepth(std::string_view text) {
    scanJson(text, false);
}

// "line L, column C: <what nlohmann says>", from the byte count the parser had read.
std::string jsonSyntaxMessage(const json::parse_error& e, std::string_view text) {
    const std::size_t read = std::min<std::size_t>(e.byte, text.size() + 1);
    const std::size_t last = read > 0 ? read - 1 : 0;  // index of the last character read
    const std::size_t scanned = std::min(last, text.size());
    const std::size_t line =
        1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + scanned, '\n'));
    const std::size_t newline = text.substr(0, scanned).rfind('\n');
    const std::size_t column = newline == std::string_view::npos ? last + 1 : last - newline;

    std::string what = e.what();
    // nlohmann: "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error
    // ..."
    const std::size_t at = what.find(", column ");
    const std::size_t colon = what.find(": ", at == std::string::npos ? 0 : at);
    if (colon != std::string::npos) what = what.substr(colon + 2);
    // nlohmann quotes the token it read ("last read: '...'"): an unterminated string makes that
    // the rest of the file. Keep a short excerpt, as the CSV messages do.
    constexpr std::size_t kExcerpt = 40;
    const std::size_t quote = what.find("last read: '");
    if (quote != std::string::npos) {
        const std::size_t begin = quote + 12;
        const std::size_t end = what.rfind('\'');
        if (end != std::string::npos && end > begin && end - begin > kExcerpt) {
            what = what.substr(0, begin + kExcerpt) + "...'" + what.substr(end + 1);
        }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + what;
}

Network parseNetwork(std::string_view text) {
    json doc;
    scanJson(text, false);
    try {
        doc = json::parse(text.begin(), text.end(), ParseBudget());
    } catch (const json::parse_error& e) {
        throw InputError(jsonSyntaxMessage(e, text));
    } catch (const json::out_of_range&) {
        // A number beyond double range (1e400): find it to name its place.
        scanJson(text, true);
        throw InputError("a number is out of range");
    }
    if (!doc.is_object()) {
        throw InputError(R"(expected a JSON object ({"format": "nnlens.network", ...}), got )" +
                         shown(doc));
    }

    const auto format = doc.find("format");
    if (format == doc.end()) throw InputError(R"("format": expected "nnlens.network")");
    if (!format->is_string() || format->get<std::string>() != kFormat) {
        throw InputError(R"("format": expected "nnlens.network", got )" + shown(*format));
    }

    const auto version = doc.find("version");
    if (version == doc.end()) throw InputError(R"("version": expected 1)");
    const auto v = asInteger(*version);
    if (v && *v > kVersion) {
        throw InputError("\"version\": " + std::to_string(*v) + " is newer than this nnlens (" +
                         std::to_string(kVersion) + ")");
    }
    if (!v || *v < 1) throw InputError(R"("version": expected 1, got )" + shown(*version));

    Network net;
    net.name = optionalString(doc, "name");
    net.description = optionalString(doc, "description");

    const auto inputs = doc.find("inputs");
    const std::string inputsRule =
        R"("inputs": expected an integer from 1 to )" + std::to_string(kMaxInputs);
    if (inputs == doc.end()) throw InputError(inputsRule);
    const auto d = asInteger(*inputs);
    if (!d || *d < 1 || *d > kMaxInputs) throw InputError(inputsRule + ", got " + shown(*inputs));
    net.inputs = static_cast<int>(*d);

    if (const auto features = doc.find("features"); features != doc.end()) {
        net.features = parseFeatures(*features);
        checkFeatures(net.features, net.inputs);
    }

    const auto layers = doc.find("layers");
    if (layers == doc.end()) throw InputError(R"("layers": expected a list of layers)");
    if (!layers->is_array()) {
        throw InputError(R"("layers": expected a list of layers, got )" + shown(*layers));
    }
    net.layers.reserve(layers->size());
    for (std::size_t i = 0; i < layers->size(); ++i) {
        net.layers.push_back(parseLayer((*layers)[i], i));
    }

    if (const auto view = doc.find("view"); view != doc.end()) {
        net.view = parseView(*view);
        net.hasView = true;
    }

    for (const auto& [key, value] : doc.items()) {
        if (!isKnownTopKey(key)) net.extra[key] = value;
    }
    parseLesson(doc);  // "data" and "training" (spec section 7): refused key by key
    validate(net);
    return net;
}

Network readNetwork(const std::string& path) {
    const std::string text = readFile(path, kMaxNetworkFileBytes, "a network file");
    try {
        return parseNetwork(text);
    } catch (const InputError& e) {
        throw InputError(path + ": " + e.what());
    }
}

std::string formatNetwork(const Network& net) {
    // Never produce a file that would be refused on load (nor "nan", which is not JSON).
    validate(net);

    std::string out;
    out.reserve(static_cast<std::size_t>(net.parameterCount()) * 12 + 1024);
    out += "{\n";
    out += "  \"format\": " + jsonString(kFormat) + ",\n";
    out += "  \"version\": " + std::to_string(kVersion) + ",\n";
    out += "  \"name\": " + jsonString(net.name) + ",\n";
    out += "  \"description\": " + jsonString(net.description) + ",\n";
    out += "  \"inputs\": " + std::to_string(net.inputs) + ",\n";
    if (!net.features.empty()) {
        out += "  \"features\": [";
        for (std::size_t i = 0; i < net.features.size(); ++i) {
            out += (i > 0 ? ", " : "") + jsonString(featureName(net.features[i]));
        }
        out += "],\n";
    }
    out += "  \"layers\": [\n";
    for (std::size_t i = 0; i < net.layers.size(); ++i) {
        const Layer& l = net.layers[i];
        out += "    {\n";
        out += "      \"activation\": " + jsonString(activationName(l.activation)) + ",\n";
        out += "      \"weights\": [\n";
        for (Eigen::Index r = 0; r < l.W.rows(); ++r) {
            out += "        ";
            // W is column-major: row r's entries are W.rows() apart.
            appendList(out, l.W.data() + r, l.W.cols(), l.W.rows());
            out += r + 1 < l.W.rows() ? ",\n" : "\n";
        }
        out += "      ],\n";
        out += "      \"bias\": ";
        appendList(out, l.b.data(), l.b.size(), 1);
        if (l.extra.is_object()) {
            for (const auto& [key, value] : l.extra.items()) {
                if (isKnownLayerKey(key)) continue;
                out += ",\n      " + jsonString(key) + ": " + dumpIndented(value, 6);
            }
        }
        out += i + 1 < net.layers.size() ? "\n    },\n" : "\n    }\n";
    }
    out += "  ]";
    const GridConfig defaults;
    if (net.hasView || net.view.range != defaults.range || net.view.n != defaults.n ||
        net.view.bins != defaults.bins) {
        out += ",\n  \"view\": {\"range\": " + formatDouble(net.view.range) +
               ", \"grid\": " + std::to_string(net.view.n) +
               ", \"bins\": " + std::to_string(net.view.bins) + "}";
    }
    if (net.extra.is_object()) {
        for (const auto& [key, value] : net.extra.items()) {
            if (isKnownTopKey(key)) continue;
            out += ",\n  " + jsonString(key) + ": " + dumpIndented(value, 2);
        }
    }
    out += "\n}\n";
    return out;
}

void writeNetwork(const Network& net, const std::string& path) {
    writeFileAtomic(path, formatNetwork(net));
}

}  // namespace nnlens
