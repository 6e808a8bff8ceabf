// Data sets: the generators (xor, circle, spiral, ..., sincos) and CSV read/write (spec section 2).
#include "dataset.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <set>

#include "error.hpp"
#include "file_io.hpp"
#include "network_io.hpp"
#include "random.hpp"

namespace nnlens {

namespace {

constexpr double kPi = 3.14159265358979323846;

// ---------------------------------------------------------------------------------------------
// Generators. Two-class sets alternate labels (row i has class i % 2), so the classes are balanced
// and any contiguous slice (a validation split) holds both. The shape is drawn first, the class
// taken from the clean point, then Gaussian jitter of standard deviation `noise` is added.

struct Point {
    double x1;
    double x2;
};

Point xorPoint(Random& rng, int label) {
    // TensorFlow Playground: uniform points kept a little away from the axes; class 1 where
    // x1 x2 > 0 (first and third quadrants).
    const auto coordinate = [&rng]() {
        const double sign = rng.uniform() < 0.5 ? -1.0 : 1.0;
        return sign * rng.uniform(0.2, 3.0);
    };
    const double a = coordinate();
    const double magnitude = std::fabs(coordinate());
    const double b = ((label == 1) == (a > 0.0)) ? magnitude : -magnitude;
    return {a, b};
}

Point circlePoint(Random& rng, int label) {
    // Playground: class 1 is the inner disc (r < R/2), class 0 the ring 0.7 R < r < R, R = 3.
    const double r = label == 1 ? rng.uniform(0.0, 1.5) : rng.uniform(2.1, 3.0);
    const double angle = rng.uniform(0.0, 2.0 * kPi);
    return {r * std::sin(angle), r * std::cos(angle)};
}

Point gaussiansPoint(Random& rng, int label) {
    // Two round blobs of standard deviation 0.5 at +-(1.5, 1.5); class 1 is the upper right one.
    const double c = label == 1 ? 1.5 : -1.5;
    return {c + 0.5 * rng.normal(), c + 0.5 * rng.normal()};
}

Point spiralPoint(int label, int index, int count) {
    // Playground: r = R f, t = 1.75 (2 pi) f + (0 or pi) for the j-th of m points of a class, with
    // f = (j + 1/2) / m rather than j / m so that the two arms never share the point (0, 0).
    const double f = (index + 0.5) / count;
    const double r = 3.0 * f;
    const double t = 1.75 * 2.0 * kPi * f + (label == 1 ? 0.0 : kPi);
    return {r * std::sin(t), r * std::cos(t)};
}

Point moonsPoint(int label, int index, int count) {
    // sklearn.datasets.make_moons: class 0 is (cos t, sin t), class 1 is (1 - cos t, 1/2 - sin t),
    // t = linspace(0, pi, m); shifted by (-1/2, -1/4) and doubled, so x1 spans [-3, 3].
    const double t = count > 1 ? kPi * index / (count - 1) : 0.0;
    const Point p =
        label == 0 ? Point{std::cos(t), std::sin(t)} : Point{1.0 - std::cos(t), 0.5 - std::sin(t)};
    return {2.0 * (p.x1 - 0.5), 2.0 * (p.x2 - 0.25)};
}

Dataset twoClassSet(std::string_view kind, int n, double noise, std::uint64_t seed) {
    Dataset data;
    data.x.resize(n, 2);
    data.y.resize(n, 1);
    data.labels.resize(static_cast<std::size_t>(n));
    Random rng(seed);
    const int count[2] = {(n + 1) / 2, n / 2};  // rows of class 0 and class 1
    for (int i = 0; i < n; ++i) {
        const int label = i % 2;
        const int index = i / 2;  // position among the rows of this class
        Point p{};
        if (kind == "xor") {
            p = xorPoint(rng, label);
        } else if (kind == "circle") {
            p = circlePoint(rng, label);
        } else if (kind == "gaussians") {
            p = gaussiansPoint(rng, label);
        } else if (kind == "spiral") {
            p = spiralPoint(label, index, count[label]);
        } else {
            p = moonsPoint(label, index, count[label]);
        }
        if (noise > 0.0) {
            p.x1 += noise * rng.normal();
            p.x2 += noise * rng.normal();
        }
        data.x(i, 0) = static_cast<float>(p.x1);
        data.x(i, 1) = static_cast<float>(p.x2);
        data.y(i, 0) = static_cast<float>(label);
        data.labels[static_cast<std::size_t>(i)] = label;
    }
    return data;
}

Dataset sincosSet(int n, double noise, std::uint64_t seed) {
    // The seed's regression example: t = linspace(0, 10, n), x = [sin t, cos t], y = sin t cos t.
    Dataset data;
    data.x.resize(n, 2);
    data.y.resize(n, 1);
    if (noise > 0.0) data.sigma = Matrix::Constant(n, 1, static_cast<float>(noise));
    data.extraNames = {"t"};
    data.extra.resize(n, 1);
    Random rng(seed);
    for (int i = 0; i < n; ++i) {
        const double t = n > 1 ? 10.0 * i / (n - 1) : 0.0;
        const double s = std::sin(t);
        const double c = std::cos(t);
        double y = s * c;
        if (noise > 0.0) y += noise * rng.normal();
        data.x(i, 0) = static_cast<float>(s);
        data.x(i, 1) = static_cast<float>(c);
        data.y(i, 0) = static_cast<float>(y);
        data.extra(i, 0) = static_cast<float>(t);
    }
    return data;
}

// TensorFlow Playground's regression sets, halved into [-3, 3]^2 (spec section 10).
double planeLabel(double x1, double x2) {
    return (x1 + x2) / 5.0;
}

double multiGaussianLabel(double x1, double x2) {
    // Six bumps sign * max(0, 1 - d); the label is the one of largest magnitude (the first of
    // equals, as Playground keeps it).
    struct Bump {
        double cx, cy, sign;
    };
    static constexpr Bump kBumps[] = {{-2.0, 1.25, 1.0},   {0.0, 1.25, -1.0}, {2.0, 1.25, 1.0},
                                      {-2.0, -1.25, -1.0}, {0.0, -1.25, 1.0}, {2.0, -1.25, -1.0}};
    double label = 0.0;
    for (const Bump& b : kBumps) {
        const double d = std::hypot(x1 - b.cx, x2 - b.cy);
        const double value = b.sign * std::max(0.0, 1.0 - d);
        if (std::abs(value) > std::abs(label)) label = value;
    }
    return label;
}

Dataset regressionSet(std::string_view kind, int n, double noise, std::uint64_t seed) {
    // Uniform points in [-3, 3]^2; as in Playground, noise moves the point at which the label is
    // computed (by uniform(-3, 3) * noise in each coordinate), not the point stored.
    Dataset data;
    data.x.resize(n, 2);
    data.y.resize(n, 1);
    Random rng(seed);
    const auto label = kind == "plane" ? planeLabel : multiGaussianLabel;
    for (int i = 0; i < n; ++i) {
        const double x1 = rng.uniform(-3.0, 3.0);
        const double x2 = rng.uniform(-3.0, 3.0);
        const double dx1 = rng.uniform(-3.0, 3.0) * noise;
        const double dx2 = rng.uniform(-3.0, 3.0) * noise;
        data.x(i, 0) = static_cast<float>(x1);
        data.x(i, 1) = static_cast<float>(x2);
        data.y(i, 0) = static_cast<float>(label(x1 + dx1, x2 + dx2));
    }
    return data;
}

// ---------------------------------------------------------------------------------------------
// CSV

// Blanks around a field: spaces, tabs and carriage returns (a "\r" before a comma would otherwise
// stay in a header name that the line reader, which drops a final "\r", reads differently once
// written back).
std::string_view trim(std::string_view s) {
    const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
    while (!s.empty() && blank(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && blank(s.back()))
        s.remove_suffix(1);
    return s;
}

// A field without surrounding blanks and without one pair of enclosing double quotes. Commas
// inside quotes are not supported: every comma separates fields.
std::string_view cleanField(std::string_view s) {
    s = trim(s);
    if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = trim(s.substr(1, s.size() - 2));
    return s;
}

void splitFields(std::string_view line, std::vector<std::string_view>& fields) {
    fields.clear();
    std::size_t start = 0;
    for (;;) {
        const std::size_t comma = line.find(',', start);
        if (comma == std::string_view::npos) {
            fields.push_back(cleanField(line.substr(start)));
            return;
        }
        fields.push_back(cleanField(line.substr(start, comma - start)));
        start = comma + 1;
    }
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

// The k of "x<k>" (k >= 1, no leading zero) in a lower-case header name; nullopt otherwise.
std::optional<int> indexedName(std::string_view name, std::string_view prefix) {
    if (name.size() <= prefix.size() || name.substr(0, prefix.size()) != prefix)
        return std::nullopt;
    const std::string_view digits = name.substr(prefix.size());
    if (digits.front() == '0') return std::nullopt;
    int k = 0;
    const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), k);
    if (r.ec != std::errc() || r.ptr != digits.data() + digits.size() || k < 1) return std::nullopt;
    return k;
}

enum class ParsedNumber { Ok, NotANumber, NotFinite, OutOfRange };

// A whole field as a float. Accepts a leading '+'; a value below float range becomes 0 or a
// subnormal, a value above it is not finite.
ParsedNumber parseFloat(std::string_view s, float& out) {
    if (s.size() > 1 && s.front() == '+' && s[1] != '-' && s[1] != '+') s.remove_prefix(1);
    if (s.empty()) return ParsedNumber::NotANumber;
    const char* end = s.data() + s.size();
    const auto r = std::from_chars(s.data(), end, out);
    if (r.ptr != end) return ParsedNumber::NotANumber;
    if (r.ec == std::errc::invalid_argument) return ParsedNumber::NotANumber;
    if (r.ec == std::errc::result_out_of_range) {
        // Too large for a float is refused; too small underflows to a subnormal or to 0 alike
        // for 1e-46 (below float) and 1e-400 (below double too), as numpy.float32 reads both.
        double d = 0.0;
        const auto rd = std::from_chars(s.data(), end, d);
        if (rd.ec == std::errc()) {
            if (!(std::fabs(d) < 1.0)) return ParsedNumber::OutOfRange;  // "1e39": a number
            out = static_cast<float>(d);
            return ParsedNumber::Ok;
        }
        // Beyond double as well: tiny when the exponent is negative, or, without one, when no
        // digit before the point is nonzero.
        const std::size_t e = s.find_first_of("eE");
        const bool tiny =
            e != std::string_view::npos
                ? e + 1 < s.size() && s[e + 1] == '-'
                : s.substr(0, s.find('.')).find_first_of("123456789") == std::string_view::npos;
        if (!tiny) return ParsedNumber::OutOfRange;
        out = s.front() == '-' ? -0.0f : 0.0f;
        return ParsedNumber::Ok;
    }
    return std::isfinite(out) ? ParsedNumber::Ok : ParsedNumber::NotFinite;
}

// A cell as a message shows it: quoted, at most 40 characters, control characters and bytes
// above 0x7e escaped as \xNN, "..." when cut.
std::string quote(std::string_view s) {
    constexpr std::size_t kShown = 40;
    std::string q = "\"";
    for (std::size_t i = 0; i < s.size() && i < kShown; ++i) {
        const auto u = static_cast<unsigned char>(s[i]);
        if (u < 0x20 || u > 0x7e || u == '"' || u == '\\') {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02x", u);
            q += hex;
        } else {
            q += s[i];
        }
    }
    q += "\"";
    if (s.size() > kShown) q += "...";
    return q;
}

std::string formatFloat(float v) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

// The numbered columns of one family ("x", "y", "sigma") must run 1..K without gaps.
int contiguousCount(const std::map<int, int>& columns, std::string_view family) {
    int expected = 1;
    for (const auto& [k, column] : columns) {
        if (k != expected) {
            const std::string name(family);
            const auto above = columns.lower_bound(expected);
            const bool hasBelow = expected > 1;
            std::string has = hasBelow ? name + std::to_string(expected - 1) + " and " : "";
            has += name + std::to_string(above->first);
            throw InputError("line 1: has " + has + " but no " + name + std::to_string(expected));
        }
        ++expected;
    }
    return static_cast<int>(columns.size());
}

}  // namespace

Dataset Dataset::slice(int begin, int end) const {
    std::vector<int> rows;
    for (int i = begin; i < end; ++i)
        rows.push_back(i);
    return gather(rows);
}

int Dataset::extraColumn(std::string_view name) const {
    for (std::size_t c = 0; c < extraNames.size(); ++c) {
        if (extraNames[c] == name) return static_cast<int>(c);
    }
    return -1;
}

Dataset Dataset::gather(const std::vector<int>& rows) const {
    const auto n = static_cast<Eigen::Index>(rows.size());
    Dataset out;
    out.extraNames = extraNames;
    out.extra.resize(n, extra.cols());
    out.x.resize(n, x.cols());
    out.y.resize(n, y.cols());
    if (hasSigma()) out.sigma.resize(n, sigma.cols());
    if (hasLabels()) out.labels.resize(rows.size());
    for (Eigen::Index i = 0; i < n; ++i) {
        const int r = rows[static_cast<std::size_t>(i)];
        out.x.row(i) = x.row(r);
        if (y.cols() > 0) out.y.row(i) = y.row(r);
        if (hasSigma()) out.sigma.row(i) = sigma.row(r);
        if (extra.cols() > 0) out.extra.row(i) = extra.row(r);
        if (hasLabels()) {
            out.labels[static_cast<std::size_t>(i)] = labels[static_cast<std::size_t>(r)];
        }
    }
    return out;
}

const std::vector<std::string>& datasetKinds() {
    static const std::vector<std::string> kinds = {
        "xor", "circle", "gaussians", "spiral", "moons", "sincos", "plane", "multi-gaussian"};
    return kinds;
}

Dataset generateDataset(std::string_view kind, int n, double noise, std::uint64_t seed) {
    const auto& kinds = datasetKinds();
    if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) {
        std::string known;
        for (const auto& k : kinds)
            known += (known.empty() ? "" : ", ") + k;
        throw InputError("unknown data set " + quote(kind) + " (known: " + known + ")");
    }
    if (n < 1 || n > kMaxGeneratedRows) {
        throw InputError("a data set needs from 1 to " + std::to_string(kMaxGeneratedRows) +
                         " points, not " + std::to_string(n));
    }
    if (!std::isfinite(noise) || noise < 0.0) {
        throw InputError("noise must be a finite number >= 0, not " +
                         formatFloat(static_cast<float>(noise)));
    }
    if (kind == "sincos") return sincosSet(n, noise, seed);
    if (kind == "plane" || kind == "multi-gaussian") return regressionSet(kind, n, noise, seed);
    return twoClassSet(kind, n, noise, seed);
}

Dataset normalDataset(int n, int dim, std::uint64_t seed) {
    if (dim < 1 || dim > kMaxInputs) {
        throw InputError("a normal data set needs from 1 to " + std::to_string(kMaxInputs) +
                         " inputs, not " + std::to_string(dim));
    }
    if (n < 1 || static_cast<std::int64_t>(n) * dim > kMaxGeneratedValues) {
        throw InputError("a normal data set needs from 1 to " +
                         std::to_string(kMaxGeneratedValues / dim) + " points for " +
                         std::to_string(dim) + " inputs, not " + std::to_string(n));
    }
    Dataset data;
    data.x.resize(n, dim);
    Random rng(seed);
    for (int i = 0; i < n; ++i) {
        for (int j = 0; j < dim; ++j)
            data.x(i, j) = static_cast<float>(rng.normal());
    }
    return data;
}

Dataset parseCsv(std::string_view text, const std::string& source) {
    const std::string prefix = source.empty() ? std::string() : source + ": ";
    try {
        if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 byte order mark

        // The next line without its "\n" or "\r\n"; false at the end of the text.
        std::size_t pos = 0;
        const auto nextLine = [&text, &pos](std::string_view& line) {
            if (pos > text.size()) return false;
            std::size_t end = text.find('\n', pos);
            if (end == std::string_view::npos) end = text.size();
            line = text.substr(pos, end - pos);
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            pos = end + 1;
            return true;
        };

        // Header: which column holds what.
        std::string_view headerLine;
        nextLine(headerLine);
        std::vector<std::string_view> header;
        splitFields(headerLine, header);
        std::map<int, int> xCols, yCols, sigmaCols;  // index k -> column (0-based)
        std::optional<int> labelCol, sigmaCol;
        std::vector<int> extraCols;  // columns of no family, kept while all their cells are numbers
        std::set<std::string> seen;
        for (std::size_t c = 0; c < header.size(); ++c) {
            const std::string name = lower(header[c]);
            const int col = static_cast<int>(c);
            if (!name.empty() && !seen.insert(name).second) {
                throw InputError("line 1, column " + std::to_string(c + 1) + " (" +
                                 std::string(header[c]) + "): the column appears twice");
            }
            if (const auto k = indexedName(name, "x")) {
                xCols[*k] = col;
            } else if (const auto ky = indexedName(name, "y")) {
                yCols[*ky] = col;
            } else if (const auto ks = indexedName(name, "sigma")) {
                sigmaCols[*ks] = col;
            } else if (name == "sigma") {
                sigmaCol = col;
            } else if (name == "label") {
                labelCol = col;
            } else if (!name.empty()) {
                extraCols.push_back(col);
            }
        }
        if (xCols.empty()) throw InputError("line 1: no input columns (x1, x2, ...)");
        const int d = contiguousCount(xCols, "x");
        const int k = contiguousCount(yCols, "y");
        const int ks = contiguousCount(sigmaCols, "sigma");
        if (sigmaCol && ks > 0) {
            throw InputError(
                "line 1: has both \"sigma\" and \"sigma1\" columns (use one or the other)");
        }
        if ((sigmaCol || ks > 0) && k == 0) {
            throw InputError("line 1: has sigma but no targets (y1, y2, ...)");
        }
        if (ks > 0 && ks != k) {
            throw InputError("line 1: has " + std::to_string(ks) + " sigma columns but " +
                             std::to_string(k) + " targets (y1..y" + std::to_string(k) + ")");
        }

        // Rows, into matrices sized for every remaining line and trimmed at the end.
        const auto capacity = static_cast<Eigen::Index>(
            std::count(text.begin() + static_cast<std::ptrdiff_t>(std::min(pos, text.size())),
                       text.end(), '\n') +
            1);
        const bool hasSigma = sigmaCol || ks > 0;
        Dataset data;
        data.x.resize(capacity, d);
        data.y.resize(capacity, k);
        if (labelCol) data.labels.reserve(static_cast<std::size_t>(capacity));
        if (hasSigma) data.sigma.resize(capacity, k);
        const auto extras = static_cast<Eigen::Index>(extraCols.size());
        data.extra.resize(capacity, extras);
        std::vector<bool> extraKept(extraCols.size(), true);

        Eigen::Index rows = 0;
        std::size_t lineNumber = 1;
        std::size_t firstBlank = 0;  // line number of a blank line not yet followed by a row
        std::string_view line;
        std::vector<std::string_view> fields;
        while (nextLine(line)) {
            ++lineNumber;
            if (trim(line).empty()) {
                if (firstBlank == 0) firstBlank = lineNumber;
                continue;
            }
            // Blank lines may end the file; one before a row most likely means a damaged file.
            if (firstBlank != 0) {
                throw InputError("line " + std::to_string(firstBlank) +
                                 ": empty line (rows must follow one another)");
            }
            splitFields(line, fields);
            if (fields.size() != header.size()) {
                throw InputError("line " + std::to_string(lineNumber) + ": has " +
                                 std::to_string(fields.size()) + " fields but the header has " +
                                 std::to_string(header.size()));
            }
            const auto where = [&](int col) {
                return "line " + std::to_string(lineNumber) + ", column " +
                       std::to_string(col + 1) + " (" +
                       std::string(header[static_cast<std::size_t>(col)]) + "): ";
            };
            const auto number = [&](int col) {
                const std::string_view field = fields[static_cast<std::size_t>(col)];
                float v = 0.0f;
                switch (parseFloat(field, v)) {
                    case ParsedNumber::Ok:
                        return v;
                    case ParsedNumber::NotANumber:
                        throw InputError(where(col) + quote(field) + " is not a number");
                    case ParsedNumber::OutOfRange:
                        throw InputError(where(col) + quote(field) +
                                         " is out of float range (at most 3.4e38 in size)");
                    case ParsedNumber::NotFinite:
                        break;
                }
                throw InputError(where(col) + quote(field) + " is not a finite number");
            };
            const auto positiveSigma = [&](int col) {
                const float s = number(col);
                if (!(s > 0.0f)) {
                    throw InputError(where(col) + "sigma must be > 0, not " +
                                     quote(fields[static_cast<std::size_t>(col)]));
                }
                return s;
            };
            for (const auto& [j, col] : xCols)
                data.x(rows, j - 1) = number(col);
            for (const auto& [j, col] : yCols)
                data.y(rows, j - 1) = number(col);
            if (sigmaCol) data.sigma.row(rows).setConstant(positiveSigma(*sigmaCol));
            for (const auto& [j, col] : sigmaCols)
                data.sigma(rows, j - 1) = positiveSigma(col);
            if (labelCol) {
                const std::string_view field = fields[static_cast<std::size_t>(*labelCol)];
                int label = -1;
                const char* end = field.data() + field.size();
                const auto res = std::from_chars(field.data(), end, label);
                if (field.empty() || res.ec != std::errc() || res.ptr != end || label < 0) {
                    throw InputError(where(*labelCol) + quote(field) +
                                     " is not a class label (an integer >= 0)");
                }
                data.labels.push_back(label);
            }
            for (std::size_t e = 0; e < extraCols.size(); ++e) {
                float v = 0.0f;
                const std::string_view field = fields[static_cast<std::size_t>(extraCols[e])];
                if (!extraKept[e] || parseFloat(field, v) != ParsedNumber::Ok) {
                    extraKept[e] = false;
                    v = 0.0f;
                }
                data.extra(rows, static_cast<Eigen::Index>(e)) = v;
            }
            ++rows;
        }
        if (rows == 0) throw InputError("no data rows");
        data.x.conservativeResize(rows, d);
        data.y.conservativeResize(rows, k);
        if (hasSigma) data.sigma.conservativeResize(rows, k);
        // Only the extra columns that are numbers throughout; the others are ignored (spec 2).
        std::vector<Eigen::Index> kept;
        for (std::size_t e = 0; e < extraCols.size(); ++e) {
            if (!extraKept[e]) continue;
            kept.push_back(static_cast<Eigen::Index>(e));
            data.extraNames.emplace_back(header[static_cast<std::size_t>(extraCols[e])]);
        }
        Matrix extra(rows, static_cast<Eigen::Index>(kept.size()));
        for (std::size_t c = 0; c < kept.size(); ++c)
            extra.col(static_cast<Eigen::Index>(c)) = data.extra.col(kept[c]).head(rows);
        data.extra = std::move(extra);
        return data;
    } catch (const InputError& e) {
        throw InputError(prefix + e.what());
    }
}

Dataset readCsv(const std::string& path) {
    return parseCsv(readFile(path, kMaxCsvFileBytes, "a data file"), path);
}

std::string formatCsv(const Dataset& data) {
    const int d = data.inputs();
    const int k = data.targets();
    const bool sigma = data.hasSigma() && data.sigma.cols() == k;
    bool oneSigma = sigma;
    for (Eigen::Index i = 0; oneSigma && i < data.sigma.rows(); ++i) {
        for (Eigen::Index j = 1; j < k; ++j)
            oneSigma = oneSigma && data.sigma(i, j) == data.sigma(i, 0);
    }

    std::string out;
    std::vector<std::string> names;
    for (int j = 1; j <= d; ++j)
        names.push_back("x" + std::to_string(j));
    for (int j = 1; j <= k; ++j)
        names.push_back("y" + std::to_string(j));
    if (oneSigma) {
        names.emplace_back("sigma");
    } else if (sigma) {
        for (int j = 1; j <= k; ++j)
            names.push_back("sigma" + std::to_string(j));
    }
    if (data.hasLabels()) names.emplace_back("label");
    const auto extras = std::min<Eigen::Index>(static_cast<Eigen::Index>(data.extraNames.size()),
                                               data.extra.cols());
    for (Eigen::Index e = 0; e < extras; ++e) {
        // A name that reading would change (one that starts and ends with a double quote loses
        // that pair) is written inside one more pair, so it reads back as it is (fuzz_csv).
        const std::string& name = data.extraNames[static_cast<std::size_t>(e)];
        names.push_back(cleanField(name) == name ? name : '"' + name + '"');
    }
    for (std::size_t c = 0; c < names.size(); ++c)
        out += (c > 0 ? "," : "") + names[c];
    out += '\n';

    for (Eigen::Index i = 0; i < data.x.rows(); ++i) {
        std::string line;
        const auto add = [&line](const std::string& field) {
            if (!line.empty()) line += ',';
            line += field;
        };
        for (int j = 0; j < d; ++j)
            add(formatFloat(data.x(i, j)));
        for (int j = 0; j < k; ++j)
            add(formatFloat(data.y(i, j)));
        if (oneSigma) {
            add(formatFloat(data.sigma(i, 0)));
        } else if (sigma) {
            for (int j = 0; j < k; ++j)
                add(formatFloat(data.sigma(i, j)));
        }
        if (data.hasLabels()) add(std::to_string(data.labels[static_cast<std::size_t>(i)]));
        for (Eigen::Index e = 0; e < extras; ++e)
            add(formatFloat(data.extra(i, e)));
        out += line;
        out += '\n';
    }
    return out;
}

void writeCsv(const Dataset& data, const std::string& path) {
    writeFileAtomic(path, formatCsv(data));
}

}  // namespace nnlens
