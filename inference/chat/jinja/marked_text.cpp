#include "chat/jinja/marked_text.h"

#include <algorithm>

namespace hearth::jinja {

MarkedText::MarkedText(std::string bytes, bool fromCaller)
    : m_bytes(std::move(bytes))
{
    if (fromCaller) addRange(0, m_bytes.size());
}

bool MarkedText::fromCallerAt(size_t pos) const
{
    const auto after = std::upper_bound(m_caller.begin(), m_caller.end(), pos,
        [](size_t p, const std::pair<size_t, size_t>& range) { return p < range.first; });
    return after != m_caller.begin() && pos < std::prev(after)->second;
}

void MarkedText::addRange(size_t begin, size_t end)
{
    if (begin >= end) return;
    // Ranges arrive in order (appends, substr); merge with the last when they touch.
    if (!m_caller.empty() && m_caller.back().second >= begin) {
        m_caller.back().second = std::max(m_caller.back().second, end);
        return;
    }
    m_caller.emplace_back(begin, end);
}

void MarkedText::append(const MarkedText& other)
{
    const size_t offset = m_bytes.size();
    m_bytes += other.m_bytes;
    for (const auto& [begin, end] : other.m_caller)
        addRange(offset + begin, offset + end);
}

void MarkedText::append(std::string_view bytes, bool fromCaller)
{
    const size_t offset = m_bytes.size();
    m_bytes += bytes;
    if (fromCaller) addRange(offset, m_bytes.size());
}

MarkedText MarkedText::substr(size_t begin, size_t length) const
{
    MarkedText out;
    begin = std::min(begin, m_bytes.size());
    const size_t end = begin + std::min(length, m_bytes.size() - begin);
    out.m_bytes = m_bytes.substr(begin, end - begin);
    for (const auto& [b, e] : m_caller) {
        const size_t lo = std::max(b, begin), hi = std::min(e, end);
        if (lo < hi) out.addRange(lo - begin, hi - begin);
    }
    return out;
}

void MarkedText::markAllFromCaller()
{
    m_caller.clear();
    addRange(0, m_bytes.size());
}

} // namespace hearth::jinja
