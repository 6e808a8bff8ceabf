// NodeRef: which node of a network is meant (selection, clicks, the figure to draw); plain C++,
// so the model can name a node without pulling in the painting headers.
#pragma once

namespace nnlens::figures {

// A node of the network: layer 0-based over Network::layers, node 0-based. {-1, -1}: none.
struct NodeRef {
    int layer = -1;
    int node = -1;
    bool valid() const { return layer >= 0 && node >= 0; }
    bool operator==(const NodeRef&) const = default;
};

}  // namespace nnlens::figures
