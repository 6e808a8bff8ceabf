// Network files (*.nnlens.json, spec section 1): parse and write with messages that name the place.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "limits.hpp"
#include "network.hpp"

namespace nnlens {

// Parses and validates a network; throws InputError ("layer 2: bias has 3 values but weights
// have 4 columns", "line 3, column 7: syntax error ..."). Nothing half-loaded escapes.
Network parseNetwork(std::string_view text);
// As parseNetwork, reading `path`; messages start with the path ("net.nnlens.json: layer 2: ...").
Network readNetwork(const std::string& path);

// The spec's JSON, with unknown keys written back. Floats are written with the fewest digits
// that read back to the same float.
std::string formatNetwork(const Network& net);
// Atomic save: writes "<path>.tmp-XXXX" beside the target, flushes, renames over `path`.
void writeNetwork(const Network& net, const std::string& path);

}  // namespace nnlens
