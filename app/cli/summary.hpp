// The summary command's text: a network's layer table and every node's map drawn in characters.
#pragma once

#include <string>

#include "core/backend.hpp"
#include "core/grid.hpp"

namespace nnlens::cli {

struct SummaryOptions {
    GridConfig grid;  // the maps are computed at this resolution, then sampled
    bool gridFromFile = false;
    int mapWidth = 32;  // characters per map row; a map is mapWidth / 2 rows tall, which
                        // looks square in a terminal whose cells are twice as tall as wide
    int maxNodes = 32;  // maps drawn per layer; the rest are counted
};

// Lines of at most 80 columns (for mapWidth <= 76): the name and description, the layer table
// with the seed's parameter count (n_in + 1) n_out, then per node LYRi-NODEj its out min/max, a
// character map with row 0 at the bottom, and for first-layer nodes w, b and the arrow origin.
// Maps need a 2-input network; for others only the table is printed, with a note.
std::string formatSummary(const Network& net, const std::string& source, const SummaryOptions& opt,
                          Backend& backend);

// The glyph for value v under colour limit `limit`: ' ' near zero, then ' + * # for rising
// positive values and , - = % for rising negative ones (four steps of |v| / limit each).
char mapGlyph(float v, float limit);

}  // namespace nnlens::cli
