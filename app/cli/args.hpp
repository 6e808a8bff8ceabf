// Command-line option parsing for nnlens-cli: --name value, --name=value, flags, positionals.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace nnlens::cli {

// Bad usage: an unknown option, a missing value, a value that is not a number or out of range.
// An InputError, so it exits with code 2 like any other bad input.
class UsageError : public InputError {
  public:
    using InputError::InputError;
};

// What one command accepts. Option names are written without dashes ("lr", "no-shuffle");
// "output" is also spelled "-o".
struct ArgSpec {
    std::vector<std::string> options;      // take a value
    std::vector<std::string> flags;        // take none
    std::vector<std::string> positionals;  // required, in order, e.g. {"NET"}
};

// The parsed command line of one command. Every error message starts with the command name:
// `train: --lr: "abc" is not a number`, `train: unknown option --foo`, `train: missing --loss`.
class Args {
  public:
    // Parses `argv` (the words after the command name). "--help" or "-h" anywhere before "--"
    // sets helpRequested() and suppresses every other error, so help always works.
    static Args parse(std::string command, const ArgSpec& spec,
                      const std::vector<std::string>& argv);

    const std::string& command() const { return m_command; }
    bool helpRequested() const { return m_help; }

    const std::string& positional(std::size_t i) const { return m_positionals.at(i); }

    // Whether the option or flag was given.
    bool has(std::string_view name) const { return m_values.count(std::string(name)) != 0; }
    std::optional<std::string> value(std::string_view name) const;
    // The value of an option the command cannot do without; throws "missing --name".
    std::string required(std::string_view name) const;

    // Numeric options: the value when given, else `fallback`; throws UsageError naming the
    // option when the text is not a number ("inf" and "nan" are numbers here; range checks
    // reject them where they do not belong).
    double number(std::string_view name, double fallback) const;
    std::optional<double> optionalNumber(std::string_view name) const;
    std::int64_t integer(std::string_view name, std::int64_t fallback) const;
    std::optional<std::int64_t> optionalInteger(std::string_view name) const;

    // "--lr", or "-o" for the output option.
    static std::string label(std::string_view name);

    // Throws UsageError("<command>: <message>").
    [[noreturn]] void fail(const std::string& message) const;
    // Throws UsageError("<command>: <--name>: <message>").
    [[noreturn]] void failOption(std::string_view name, const std::string& message) const;

  private:
    std::string m_command;
    bool m_help = false;
    std::vector<std::string> m_positionals;
    std::map<std::string, std::string> m_values;  // flags map to ""
};

// Checked option values shared by the commands; each fails with "--name: VALUE is out of range
// (must be ...)".
std::string rawValue(const Args& a, std::string_view name);
// "2 to 4096", or "at least 1" when hi is as large as an int goes: how a range reads in
// messages and help texts.
std::string rangeText(std::int64_t lo, std::int64_t hi);
// A whole number in [lo, hi] ("--batch: 0 is out of range (must be at least 1)").
std::int64_t integerInRange(const Args& a, std::string_view name, std::int64_t fallback,
                            std::int64_t lo, std::int64_t hi);
// Upper bounds of the real-valued options, as the help texts state them. The engine computes in
// float, so a value must also stay finite (and a positive one nonzero) once converted to float.
inline constexpr double kMaxRangeOption = 1e6;      // --range: the half-width of the plane
inline constexpr double kMaxRateOption = 1e30;      // --lr, --lr-start, --lr-stop (1e30 diverges)
inline constexpr double kMaxNoiseOption = 1e6;      // dataset --noise
inline constexpr double kMaxVlimOption = 1e30;      // render --vlim
inline constexpr double kMaxLossScaleOption = 1e6;  // trace --loss-scale
// A number > 0 and at most hi, still > 0 as a float ("--lr: 1e-50 is out of range (must be a
// number > 0 and at most 1e6)").
double positiveNumber(const Args& a, std::string_view name, double fallback, double hi);
// A number in [lo, hi] (a finite float then, for hi within float range).
double numberInRange(const Args& a, std::string_view name, double fallback, double lo, double hi);

// Refuses an -o whose folder does not exist, or that names a folder, before any work is done.
void checkOutputFolder(const Args& a);

}  // namespace nnlens::cli
