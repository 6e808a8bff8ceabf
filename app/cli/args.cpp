// Command-line option parsing for nnlens-cli: --name value, --name=value, flags, positionals.
#include "args.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <system_error>

namespace nnlens::cli {

namespace {

bool contains(const std::vector<std::string>& list, std::string_view name) {
    return std::find(list.begin(), list.end(), name) != list.end();
}

std::string quotedText(std::string_view text) {
    return "\"" + std::string(text) + "\"";
}

}  // namespace

std::string Args::label(std::string_view name) {
    if (name == "output") return "-o";
    return "--" + std::string(name);
}

void Args::fail(const std::string& message) const {
    throw UsageError(m_command + ": " + message);
}

void Args::failOption(std::string_view name, const std::string& message) const {
    fail(label(name) + ": " + message);
}

Args Args::parse(std::string command, const ArgSpec& spec, const std::vector<std::string>& argv) {
    Args args;
    args.m_command = std::move(command);
    for (const std::string& a : argv) {
        if (a == "--") break;
        if (a == "--help" || a == "-h") {
            args.m_help = true;
            return args;
        }
    }

    bool onlyPositionals = false;
    for (std::size_t i = 0; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        if (onlyPositionals || a == "-" || a.empty() || a[0] != '-') {
            args.m_positionals.push_back(a);
            continue;
        }
        if (a == "--") {
            onlyPositionals = true;
            continue;
        }
        std::string name;
        std::optional<std::string> inlineValue;
        if (a.rfind("--", 0) == 0) {
            name = a.substr(2);
            if (const auto eq = name.find('='); eq != std::string::npos) {
                inlineValue = name.substr(eq + 1);
                name.resize(eq);
            }
        } else if (a.rfind("-o", 0) == 0) {  // "-o FILE", "-oFILE", "-o=FILE"
            name = "output";
            if (a.size() > 2) inlineValue = a.substr(a[2] == '=' ? 3 : 2);
        } else {
            args.fail("unknown option " + a);
        }

        if (contains(spec.flags, name)) {
            if (inlineValue) args.failOption(name, "takes no value");
            args.m_values[name] = "";
        } else if (contains(spec.options, name)) {
            if (!inlineValue) {
                if (i + 1 >= argv.size()) args.failOption(name, "needs a value");
                inlineValue = argv[++i];
            }
            args.m_values[name] = *inlineValue;  // given twice: the last one wins, as getopt does
        } else {
            args.fail("unknown option " + (name == "output" ? std::string("-o") : "--" + name));
        }
    }

    if (args.m_positionals.size() < spec.positionals.size()) {
        args.fail("missing " + spec.positionals[args.m_positionals.size()]);
    }
    if (args.m_positionals.size() > spec.positionals.size()) {
        args.fail("unexpected argument " + quotedText(args.m_positionals[spec.positionals.size()]));
    }
    return args;
}

std::optional<std::string> Args::value(std::string_view name) const {
    const auto it = m_values.find(std::string(name));
    if (it == m_values.end()) return std::nullopt;
    return it->second;
}

std::string Args::required(std::string_view name) const {
    const auto v = value(name);
    if (!v) fail("missing " + label(name));
    return *v;
}

std::optional<double> Args::optionalNumber(std::string_view name) const {
    const auto v = value(name);
    if (!v) return std::nullopt;
    double d = 0.0;
    const char* begin = v->data();
    const char* end = v->data() + v->size();
    if (!v->empty() && *begin == '+') ++begin;  // from_chars refuses a leading '+'
    const auto res = std::from_chars(begin, end, d);
    if (v->empty() || res.ec == std::errc::invalid_argument || res.ptr != end) {
        failOption(name, quotedText(*v) + " is not a number");
    }
    if (res.ec == std::errc::result_out_of_range)
        failOption(name, quotedText(*v) + " is out of range");
    return d;
}

double Args::number(std::string_view name, double fallback) const {
    return optionalNumber(name).value_or(fallback);
}

std::optional<std::int64_t> Args::optionalInteger(std::string_view name) const {
    const auto v = value(name);
    if (!v) return std::nullopt;
    std::int64_t n = 0;
    const char* begin = v->data();
    const char* end = v->data() + v->size();
    if (!v->empty() && *begin == '+') ++begin;
    const auto res = std::from_chars(begin, end, n);
    if (res.ec == std::errc::result_out_of_range)
        failOption(name, quotedText(*v) + " is out of range");
    if (v->empty() || res.ec != std::errc() || res.ptr != end) {
        failOption(name, quotedText(*v) + " is not a whole number");
    }
    return n;
}

std::int64_t Args::integer(std::string_view name, std::int64_t fallback) const {
    return optionalInteger(name).value_or(fallback);
}

std::string rawValue(const Args& a, std::string_view name) {
    return a.value(name).value_or("");
}

std::string rangeText(std::int64_t lo, std::int64_t hi) {
    return hi >= std::numeric_limits<int>::max() ? "at least " + std::to_string(lo)
                                                 : std::to_string(lo) + " to " + std::to_string(hi);
}

// A whole number in [lo, hi] ("--batch: 0 is out of range (must be at least 1)").
std::int64_t integerInRange(const Args& a, std::string_view name, std::int64_t fallback,
                            std::int64_t lo, std::int64_t hi) {
    const std::int64_t v = a.integer(name, fallback);
    if (v < lo || v > hi) {
        a.failOption(name,
                     rawValue(a, name) + " is out of range (must be " + rangeText(lo, hi) + ")");
    }
    return v;
}

namespace {

// 1e6 rather than 1000000 in messages, as the help texts write it.
std::string boundText(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", v);
    std::string s = text;
    const std::size_t e = s.find("e+");
    if (e != std::string::npos) {
        std::size_t digits = e + 2;
        while (digits + 1 < s.size() && s[digits] == '0')
            ++digits;
        s = s.substr(0, e) + "e" + s.substr(digits);
    }
    return s;
}

}  // namespace

double positiveNumber(const Args& a, std::string_view name, double fallback, double hi) {
    const double v = a.number(name, fallback);
    if (!(v > 0.0 && v <= hi && static_cast<float>(v) > 0.0f)) {
        a.failOption(name, rawValue(a, name) +
                               " is out of range (must be a number > 0 and at most " +
                               boundText(hi) + ")");
    }
    return v;
}

double numberInRange(const Args& a, std::string_view name, double fallback, double lo, double hi) {
    const double v = a.number(name, fallback);
    if (!(v >= lo && v <= hi && std::isfinite(static_cast<float>(v)))) {
        a.failOption(name, rawValue(a, name) + " is out of range (must be from " + boundText(lo) +
                               " to " + boundText(hi) + ")");
    }
    return v;
}

// Refuses an -o whose folder does not exist, or that names a folder, before any work is done,
// so a long training run does not end in a failed save. (An unwritable folder still fails at
// the end, with exit status 1.)
void checkOutputFolder(const Args& a) {
    const auto path = a.value("output");
    if (!path) return;
    if (path->empty()) a.failOption("output", "needs a file name");
    const std::filesystem::path parent = std::filesystem::path(*path).parent_path();
    std::error_code ec;
    if (!parent.empty() && !std::filesystem::is_directory(parent, ec)) {
        a.failOption("output", *path + ": folder \"" + parent.string() + "\" does not exist");
    }
    if (std::filesystem::is_directory(*path, ec)) {
        a.failOption("output", *path + ": is a folder, not a file");
    }
    // A device node or a pipe (through a link too) would be replaced by a regular file.
    const auto kind = std::filesystem::status(*path, ec).type();
    if (!ec && kind != std::filesystem::file_type::regular &&
        kind != std::filesystem::file_type::not_found) {
        a.failOption("output", *path + ": is not a regular file (not replaced)");
    }
}

}  // namespace nnlens::cli
