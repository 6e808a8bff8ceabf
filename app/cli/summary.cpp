// nnlens-cli summary: a network's layer table and every node's map drawn in characters.
#include "summary.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <vector>

#include "command.hpp"
#include "core/network_io.hpp"
#include "core/shown_text.hpp"
#include "text/number_text.hpp"

namespace nnlens::cli {

namespace {

constexpr int kColumns = 80;
constexpr int kGap = 3;  // spaces between maps side by side

// Four steps per sign; the weakest steps are the faint ' and , so a map's zero crossing (the
// seed's decision boundary) shows as a blank band between the two ramps.
constexpr char kPositiveRamp[] = "'+*#";
constexpr char kNegativeRamp[] = ",-=%";
constexpr float kZeroBand = 0.05f;  // |v| / limit below this is drawn blank

std::string number(double v) {
    return text::formatNumber(v, 3);
}

std::string fit(std::string s, std::size_t width) {
    if (s.size() > width) s.resize(width);
    s.resize(width, ' ');
    return s;
}

// Words of `text` (split at white space) in lines of at most `width`, control characters escaped.
std::vector<std::string> wrap(const std::string& text, std::size_t width) {
    std::vector<std::string> lines;
    std::istringstream words(text);
    std::string word;
    std::string line;
    while (words >> word) {
        word = shownText(word);
        if (!line.empty() && line.size() + 1 + word.size() > width) {
            lines.push_back(line);
            line.clear();
        }
        line += (line.empty() ? "" : " ") + word;
    }
    if (!line.empty()) lines.push_back(line);
    return lines;
}

// Nearest grid index for character cell `cell` of `cells` across a side of `n` points.
int gridIndex(int cell, int cells, int n) {
    const double pos = (cell + 0.5) / cells * n - 0.5;
    return std::clamp(static_cast<int>(std::lround(pos)), 0, n - 1);
}

void layerTable(std::ostringstream& s, const Network& net) {
    char line[128];
    std::snprintf(line, sizeof line, "  %-6s %6s  %-11s %11s\n", "layer", "nodes", "activation",
                  "parameters");
    s << line;
    std::snprintf(line, sizeof line, "  %-6s %6d\n", "input", net.inputs);
    s << line;
    for (std::size_t l = 0; l < net.layers.size(); ++l) {
        const Layer& layer = net.layers[l];
        const std::string act(activationName(layer.activation));
        std::snprintf(line, sizeof line, "  %-6zu %6d  %-11s %11lld\n", l + 1, layer.outputs(),
                      act.c_str(), static_cast<long long>(layer.parameterCount()));
        s << line;
    }
    std::snprintf(line, sizeof line, "  %-6s %6s  %-11s %11lld\n", "total", "", "",
                  static_cast<long long>(net.parameterCount()));
    s << line;
}

// One node's block: header lines, then the framed map, then the axis labels; every line is
// exactly `width` + 2 characters so blocks can stand side by side.
std::vector<std::string> nodeBlock(const GridMaps& maps, const Network& net, int l, int j,
                                   const SummaryOptions& opt) {
    const int w = opt.mapWidth;
    const int h = std::max(1, w / 2);
    const std::size_t blockWidth = static_cast<std::size_t>(w) + 2;
    const int n = maps.config.n;
    const Matrix& out = maps.out[static_cast<std::size_t>(l)];
    const float* values = out.data() + static_cast<Eigen::Index>(j) * out.rows();  // node j's map
    const auto [lo, hi] = std::minmax_element(values, values + out.rows());

    std::vector<std::string> lines;
    lines.push_back(
        fit("LYR" + std::to_string(l + 1) + "-NODE" + std::to_string(j + 1), blockWidth));
    lines.push_back(fit("out " + number(*lo) + " .. " + number(*hi), blockWidth));
    if (l == 0) {
        const Layer& layer = net.layers[0];
        std::string weights;
        for (Eigen::Index k = 0; k < layer.W.rows(); ++k) {  // one weight per input or feature
            weights += (k == 0 ? "" : ", ") + number(layer.W(k, j));
        }
        lines.push_back(fit("w (" + weights + ")  b " + number(layer.b(j)), blockWidth));
        const auto& arrow = maps.arrows[static_cast<std::size_t>(j)];
        const std::string noArrow =
            net.plainInputs() ? "w = 0: no arrow" : "no arrow: input features";
        lines.push_back(fit(arrow ? "arrow from (" + number(arrow->origin[0]) + ", " +
                                        number(arrow->origin[1]) + ")"
                                  : noArrow,
                            blockWidth));
    }
    const std::string border = "+" + std::string(static_cast<std::size_t>(w), '-') + "+";
    lines.push_back(border);
    for (int r = h - 1; r >= 0; --r) {  // row 0 is the bottom of the picture (origin='lower')
        const int gridRow = gridIndex(r, h, n);
        std::string row = "|";
        for (int c = 0; c < w; ++c) {
            const int gridCol = gridIndex(c, w, n);
            row += mapGlyph(values[static_cast<std::ptrdiff_t>(gridRow) * n + gridCol],
                            maps.colourLimit);
        }
        lines.push_back(row + "|");
    }
    lines.push_back(border);
    const std::string left = number(-maps.config.range);
    const std::string right = number(maps.config.range);
    std::string axis = left;
    if (blockWidth > left.size() + right.size()) {
        axis += std::string(blockWidth - left.size() - right.size(), ' ');
    }
    lines.push_back(fit(axis + right, blockWidth));
    return lines;
}

}  // namespace

char mapGlyph(float v, float limit) {
    if (!std::isfinite(v)) return '?';
    if (!(limit > 0.0f)) return ' ';
    const float a = std::min(std::fabs(v) / limit, 1.0f);
    if (a < kZeroBand) return ' ';
    const int step = std::min(3, static_cast<int>(a * 4.0f));
    return v > 0.0f ? kPositiveRamp[step] : kNegativeRamp[step];
}

std::string formatSummary(const Network& net, const std::string& source, const SummaryOptions& opt,
                          Backend& backend) {
    std::ostringstream s;
    s << shownText(net.name.empty() ? source : net.name) << "\n";
    for (const std::string& line : wrap(net.description, kColumns - 2))
        s << line << "\n";
    s << "\n";
    layerTable(s, net);
    s << "\n";

    if (net.inputs != 2) {
        s << "No maps: they need a network with 2 inputs, and this one has " << net.inputs << ".\n";
        return s.str();
    }
    if (net.layers.empty()) {
        s << "No maps: the network has no layers.\n";
        return s.str();
    }

    auto evaluator = backend.gridEvaluator();
    evaluator->compute(net, opt.grid);
    const GridMaps& maps = evaluator->maps();
    const std::string range = number(opt.grid.range);
    s << "Node outputs over [-" << range << ", " << range << "]^2 (x1 across, x2 up), "
      << opt.grid.n << " x " << opt.grid.n << " grid" << (opt.gridFromFile ? " from the file" : "")
      << ".\n";
    s << "Shared colour limit " << number(maps.colourLimit)
      << " (the largest |out| in the network); scale:\n";
    s << "  -limit  % = - ,  (blank: within 5% of 0)  ' + * #  +limit\n";

    const int blockWidth = opt.mapWidth + 2;
    const int perRow = std::max(1, (kColumns + kGap) / (blockWidth + kGap));
    for (int l = 0; l < maps.layers(); ++l) {
        const Layer& layer = net.layers[static_cast<std::size_t>(l)];
        const int nodes = layer.outputs();
        s << "\nLayer " << l + 1 << ": " << nodes << (nodes == 1 ? " node, " : " nodes, ")
          << activationName(layer.activation) << "\n";
        const int shown = std::min(nodes, opt.maxNodes);
        for (int first = 0; first < shown; first += perRow) {
            std::vector<std::vector<std::string>> blocks;
            for (int j = first; j < std::min(shown, first + perRow); ++j) {
                blocks.push_back(nodeBlock(maps, net, l, j, opt));
            }
            for (std::size_t line = 0; line < blocks.front().size(); ++line) {
                std::string text;
                for (std::size_t b = 0; b < blocks.size(); ++b) {
                    if (b > 0) text += std::string(kGap, ' ');
                    text += blocks[b][line];
                }
                while (!text.empty() && text.back() == ' ')
                    text.pop_back();
                s << text << "\n";
            }
        }
        if (shown < nodes) {
            s << "(" << nodes - shown << " more nodes not drawn)\n";
        }
    }
    return s.str();
}

namespace {

// Characters per map row.
constexpr int kMinMapWidth = 8;
constexpr int kMaxMapWidth = 76;  // with the frame, 80 columns

int runSummary(const Args& a, Io& io) {
    auto backend = backendOption(a, io.err);
    checkGridOptions(a);
    SummaryOptions opt;
    opt.mapWidth = static_cast<int>(integerInRange(a, "width", 32, kMinMapWidth, kMaxMapWidth));
    const std::string& netPath = a.positional(0);
    const Network net = readNetwork(netPath);
    if (net.inputs == 2) {
        opt.grid = gridConfig(a, net, netPath);
        opt.gridFromFile = net.hasView && !a.has("n");
    }
    io.out << formatSummary(net, netPath, opt, *backend);
    return kExitOk;
}

std::string summaryHelp() {
    return R"(Usage: nnlens-cli summary NET [--n N] [--range R] [--width W]

Prints a network for the terminal: its name and description, a table of the
layers (nodes, activation, parameters (n_in + 1) n_out), and for every node
LYRi-NODEj the range of its output and a map of it over the input plane,
drawn in characters (x1 across, x2 up) with one colour limit shared by all
maps, as the seed's nn_graph_draw2d draws them. First-layer nodes also show
their weights w, bias b and the origin of the arrow w. Maps need 2 inputs.

Options:
  --n N           grid points per side used to compute the maps (default:
                  the file's view, else 250)
  --range R       maps cover [-R, R]^2, R at most 1e6 (default: the file's
                  view, else 3)
  --width W       characters per map row, )" +
           rangeText(kMinMapWidth, kMaxMapWidth) + R"( (default 32)
  --backend NAME  cpu, cuda or auto (default auto)
  -h, --help      show this help
)";
}

}  // namespace

Command summaryCommand() {
    return {"summary",
            "NET",
            "layers and node maps, drawn as text",
            summaryHelp(),
            {{"n", "range", "width", "backend"}, {}, {"NET (the network file)"}},
            runSummary};
}

}  // namespace nnlens::cli
