// Llama 3's pre-tokenizer: splits text into the "words" BPE merges within, exactly like the regex
//   (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|
//   ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
// but written by hand over code points (no regex engine: faster, and no dependency).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace hearth {

// Returns the length in code points of each successive word of `cpts`.
std::vector<size_t> splitLlama3Words(std::span<const uint32_t> cpts);

} // namespace hearth
