// Text from files shown to a person (a terminal, a label): what would steer the display, written
// visibly instead.
#pragma once

#include <string>
#include <string_view>

namespace nnlens {

// Whether code point `c` is written escaped: C0 controls, DEL, C1 controls (U+0085, U+009B),
// the line and paragraph separators (U+2028, U+2029) and the bidirectional controls (U+061C,
// U+200E, U+200F, U+202A..U+202E, U+2066..U+2069; U+202E turned a sentence around).
bool escapedWhenShown(char32_t c);

// `text` (UTF-8) with every such character as \xNN (below U+0100) or \uNNNN, and every byte that
// is not UTF-8 as \xNN. With `keepNewlines`, '\n' stays (multi-line output).
std::string shownText(std::string_view text, bool keepNewlines = false);

}  // namespace nnlens
