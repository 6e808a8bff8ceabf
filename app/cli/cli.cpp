// nnlens-cli's dispatcher (spec section 6): the command table, help, and the exit codes.
#include "cli.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <new>
#include <ostream>
#include <streambuf>
#include <string>
#include <system_error>
#include <vector>

#include "command.hpp"
#include "core/error.hpp"
#include "core/shown_text.hpp"

#ifndef NNLENS_VERSION
#define NNLENS_VERSION "unknown"
#endif

namespace nnlens::cli {

namespace {

const std::vector<Command>& commands() {
    static const std::vector<Command> table = {
        summaryCommand(), forwardCommand(), gridCommand(),    gradCommand(),
        trainCommand(),   lrScanCommand(),  datasetCommand(), traceCommand(),
        initCommand(),    renderCommand(),  benchCommand(),
    };
    return table;
}

void printCommandList(std::ostream& os) {
    os << "nnlens-cli " << NNLENS_VERSION
       << ": see how a neural network works, from the command line.\n\n"
       << "Usage: nnlens-cli COMMAND [ARGUMENTS]   (nnlens-cli COMMAND --help for more)\n\n"
       << "Commands:\n";
    for (const Command& c : commands()) {
        char line[128];
        std::snprintf(line, sizeof line, "  %-8s %-28s %s\n", c.name, c.arguments, c.purpose);
        os << line;
    }
    os << "\nResults are JSON on stdout (summary and trace --text print text, dataset\n"
       << "CSV); messages and progress go to stderr. Every command takes\n"
       << "--backend cpu|cuda|auto.\n"
       << "Exit status: 0 success, 2 bad usage or bad input, 1 any other failure.\n";
}

std::string commandNames() {
    std::string s;
    for (const Command& c : commands())
        s += (s.empty() ? "" : ", ") + std::string(c.name);
    return s;
}

// Engine messages are meant to be one line; make sure the exit-2 contract holds regardless.
std::string oneLine(std::string s) {
    std::replace(s.begin(), s.end(), '\n', ' ');
    while (!s.empty() && s.back() == ' ')
        s.pop_back();
    return s;
}

// Messages and progress reach a terminal: every line is written as shownText gives it, so
// that a name from a file ("x\u001b[2J\ry.csv", U+202E) cannot clear the screen or turn the
// sentence around (#19). Lines go out whole as soon as they end.
class ShownLines : public std::streambuf {
  public:
    explicit ShownLines(std::ostream& out) : m_out(out) {}
    ~ShownLines() override { flushLine(); }

  protected:
    int_type overflow(int_type ch) override {
        if (traits_type::eq_int_type(ch, traits_type::eof())) return traits_type::not_eof(ch);
        if (ch == '\n') {
            flushLine();
            m_out << '\n';
            m_out.flush();
        } else {
            m_line += static_cast<char>(ch);
        }
        return ch;
    }
    int sync() override {
        flushLine();
        m_out.flush();
        return 0;
    }

  private:
    void flushLine() {
        if (m_line.empty()) return;
        m_out << shownText(m_line);
        m_line.clear();
    }
    std::ostream& m_out;
    std::string m_line;
};

// The command itself; runCli() checks afterwards that its output reached stdout.
int runCommand(int argc, char** argv, std::ostream& out, std::ostream& err) {
    std::vector<std::string> words(argv + std::min(argc, 1), argv + argc);
    if (words.empty()) {
        printCommandList(err);
        return kExitBadInput;
    }
    const std::string name = words.front();
    if (name == "--help" || name == "-h" || name == "help") {
        if (name == "help" && words.size() > 1) {
            for (const Command& c : commands()) {
                if (words[1] == c.name) {
                    out << c.help;
                    return kExitOk;
                }
            }
            err << "nnlens-cli: unknown command \"" << words[1] << "\" (known: " << commandNames()
                << ")\n";
            return kExitBadInput;
        }
        printCommandList(out);
        return kExitOk;
    }
    if (name == "--version") {
        out << "nnlens-cli " << NNLENS_VERSION << "\n";
        return kExitOk;
    }
    const auto it = std::find_if(commands().begin(), commands().end(),
                                 [&](const Command& c) { return name == c.name; });
    if (it == commands().end()) {
        err << "nnlens-cli: unknown command \"" << name << "\" (known: " << commandNames()
            << "; see nnlens-cli --help)\n";
        return kExitBadInput;
    }

    Io io{out, err};
    try {
        const Args args = Args::parse(it->name, it->spec,
                                      std::vector<std::string>(words.begin() + 1, words.end()));
        if (args.helpRequested()) {
            out << it->help;
            return kExitOk;
        }
        return it->run(args, io);
    } catch (const InputError& e) {
        err << oneLine(e.what()) << "\n";
        return kExitBadInput;
    } catch (const std::bad_alloc&) {
        err << it->name << ": out of memory\n";
        return kExitFailure;
    } catch (const std::exception& e) {
        err << it->name << ": " << oneLine(e.what()) << "\n";
        return kExitFailure;
    }
}

}  // namespace

int runCli(int argc, char** argv, std::ostream& out, std::ostream& rawErr) {
    ShownLines shown(rawErr);
    std::ostream err(&shown);
    const int status = runCommand(argc, argv, out, err);
    // A full disk or a closed pipe on stdout must not pass for success (> /dev/full).
    errno = 0;
    out.flush();
    if (!out) {
        const int code = errno;
        err << "nnlens-cli: cannot write the output to stdout"
            << (code != 0 ? ": " + std::system_category().message(code) : std::string()) << "\n";
        return status == kExitOk ? kExitFailure : status;
    }
    return status;
}

}  // namespace nnlens::cli
