// What the JSON readers (network files, lesson plans) share: refusing too deep a nesting before
// parsing, and a parser's error as "line L, column C: what" with a short excerpt.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace nnlens {

// Throws InputError ("line 3, column 7: too deeply nested (more than 64 levels) at byte 52") when
// brackets outside strings nest deeper than kMaxJsonDepth; a malformed text is left to the parser.
void checkJsonDepth(std::string_view text);

// nlohmann's parse error as "line L, column C: syntax error while parsing value - ...", the token
// it quotes cut to 40 characters.
std::string jsonSyntaxMessage(const nlohmann::json::parse_error& e, std::string_view text);

}  // namespace nnlens
