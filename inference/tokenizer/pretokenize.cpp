#include "tokenizer/pretokenize.h"

#include "tokenizer/unicode.h"

namespace hearth {

namespace {

constexpr uint32_t kOutOfRange = 0xFFFFFFFF;

struct Flags {
    bool valid = false; // inside the text
    bool letter = false;
    bool number = false;
    bool whitespace = false;
};

uint32_t asciiLower(uint32_t c)
{
    return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

} // namespace

std::vector<size_t> splitLlama3Words(std::span<const uint32_t> cpts)
{
    std::vector<size_t> words;
    words.reserve(cpts.size() / 4 + 1);
    const size_t end = cpts.size();

    auto cptAt = [&](size_t pos) -> uint32_t { return pos < end ? cpts[pos] : kOutOfRange; };
    auto flagsAt = [&](size_t pos) -> Flags {
        if (pos >= end) return {};
        const uint32_t c = cpts[pos];
        return Flags { true, unicode::isLetter(c), unicode::isNumber(c), unicode::isWhitespace(c) };
    };

    size_t prevEnd = 0;
    auto addWord = [&](size_t wordEnd) -> size_t {
        const size_t length = wordEnd - prevEnd;
        if (length > 0) words.push_back(length);
        prevEnd = wordEnd;
        return length;
    };

    for (size_t pos = 0; pos < end;) {
        const uint32_t cpt = cptAt(pos);
        const Flags flags = flagsAt(pos);

        // (?i:'s|'t|'re|'ve|'m|'ll|'d): English contractions, case-insensitive.
        if (cpt == '\'' && pos + 1 < end) {
            const uint32_t next = asciiLower(cptAt(pos + 1));
            if (next == 's' || next == 't' || next == 'm' || next == 'd') {
                pos += addWord(pos + 2);
                continue;
            }
            if (pos + 2 < end) {
                const uint32_t nextNext = asciiLower(cptAt(pos + 2));
                if ((next == 'r' && nextNext == 'e') || (next == 'v' && nextNext == 'e')
                    || (next == 'l' && nextNext == 'l')) {
                    pos += addWord(pos + 3);
                    continue;
                }
            }
        }

        // [^\r\n\p{L}\p{N}]?\p{L}+: a word, with one optional leading non-letter (usually a space).
        if (!(cpt == '\r' || cpt == '\n' || flags.number)) {
            if (flags.letter || flagsAt(pos + 1).letter) {
                ++pos;
                while (flagsAt(pos).letter)
                    ++pos;
                addWord(pos);
                continue;
            }
        }

        // \p{N}{1,3}: digits in groups of at most three.
        if (flags.number) {
            size_t groupStart = pos;
            while (flagsAt(pos).number) {
                if (++pos - groupStart >= 3) {
                    addWord(pos);
                    groupStart = pos;
                }
            }
            addWord(pos);
            continue;
        }

        // ' ?[^\s\p{L}\p{N}]+[\r\n]*': punctuation run, optional leading space, trailing newlines.
        Flags flags2 = (cpt == ' ') ? flagsAt(pos + 1) : flags;
        if (!(flags2.whitespace || flags2.letter || flags2.number) && flags.valid) {
            pos += (cpt == ' ') ? 1 : 0;
            while (!(flags2.whitespace || flags2.letter || flags2.number) && flags2.valid) {
                flags2 = flagsAt(++pos);
            }
            uint32_t cpt2 = cptAt(pos);
            while (cpt2 == '\r' || cpt2 == '\n')
                cpt2 = cptAt(++pos);
            addWord(pos);
            continue;
        }

        // Measure the whitespace run here and where its last newline is.
        size_t spaces = 0;
        size_t lastNewlineEnd = 0;
        while (flagsAt(pos + spaces).whitespace) {
            const uint32_t c = cptAt(pos + spaces);
            if (c == '\r' || c == '\n') lastNewlineEnd = pos + spaces + 1;
            ++spaces;
        }

        // \s*[\r\n]+: whitespace up to and including the last newline.
        if (lastNewlineEnd > 0) {
            pos = lastNewlineEnd;
            addWord(pos);
            continue;
        }

        // \s+(?!\S): whitespace except the last one, which then leads the next word.
        if (spaces > 1 && cptAt(pos + spaces) != kOutOfRange) {
            pos += spaces - 1;
            addWord(pos);
            continue;
        }

        // \s+: trailing whitespace.
        if (spaces > 0) {
            pos += spaces;
            addWord(pos);
            continue;
        }

        // Nothing matched (cannot happen for valid input): take one code point.
        addWord(++pos);
    }
    return words;
}

} // namespace hearth
