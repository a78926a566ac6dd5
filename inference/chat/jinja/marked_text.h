// A string that remembers which of its bytes came from the caller's data (message contents, tool
// data) rather than from the template's own literals. After rendering, special-token text is only
// honoured outside the caller's ranges, so a user typing "<|im_end|>" keeps it as text.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hearth::jinja {

class MarkedText {
public:
    MarkedText() = default;
    MarkedText(std::string bytes, bool fromCaller = false);

    const std::string& str() const { return m_bytes; }
    size_t size() const { return m_bytes.size(); }
    bool empty() const { return m_bytes.empty(); }
    bool anyFromCaller() const { return !m_caller.empty(); }
    // Sorted, disjoint [begin, end) byte ranges that came from the caller.
    const std::vector<std::pair<size_t, size_t>>& callerRanges() const { return m_caller; }
    bool fromCallerAt(size_t pos) const;

    void append(const MarkedText& other);
    void append(std::string_view bytes, bool fromCaller);
    // Bytes [begin, begin + length), each keeping its origin.
    MarkedText substr(size_t begin, size_t length) const;
    // A transformation of this text (upper, replace, ...): the caller's if any input byte was.
    MarkedText derived(std::string bytes) const { return MarkedText(std::move(bytes), anyFromCaller()); }
    void markAllFromCaller();

private:
    std::string m_bytes;
    std::vector<std::pair<size_t, size_t>> m_caller;
    void addRange(size_t begin, size_t end);
};

} // namespace hearth::jinja
