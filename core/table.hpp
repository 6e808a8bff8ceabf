// Lookups shared by the engine's tables (activations, losses, optimizers): each row has an `id`
// and a `name`.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace nnlens {

// The row's id whose name is `name`, if any.
template <typename Table>
auto findByName(const Table& table, std::string_view name) -> std::optional<decltype(table[0].id)> {
    for (const auto& row : table) {
        if (row.name == name) return row.id;
    }
    return std::nullopt;
}

// "a, b, c": every name in table order, for help texts and messages.
template <typename Table>
std::string joinNames(const Table& table) {
    std::string s;
    for (const auto& row : table) {
        if (!s.empty()) s += ", ";
        s += row.name;
    }
    return s;
}

}  // namespace nnlens
