#include "vulkan/hazards.h"

#include <algorithm>

namespace hearth::vk {

AccessedRanges::Bytes AccessedRanges::bytes(const BufferRef& ref)
{
    const uint64_t end = ref.range == VK_WHOLE_SIZE ? UINT64_MAX : ref.offset + ref.range;
    return { ref.buffer, ref.offset, end };
}

bool AccessedRanges::overlaps(const std::vector<Bytes>& set, const BufferRef& ref)
{
    const Bytes b = bytes(ref);
    return std::any_of(set.begin(), set.end(),
        [&](const Bytes& s) { return s.buffer == b.buffer && s.begin < b.end && b.begin < s.end; });
}

bool AccessedRanges::conflicts(std::span<const BufferRef> reads, std::span<const BufferRef> writes) const
{
    for (const BufferRef& r : reads)
        if (overlaps(m_written, r)) return true;
    for (const BufferRef& w : writes)
        if (overlaps(m_written, w) || overlaps(m_read, w)) return true;
    return false;
}

void AccessedRanges::add(std::span<const BufferRef> reads, std::span<const BufferRef> writes)
{
    for (const BufferRef& r : reads)
        m_read.push_back(bytes(r));
    for (const BufferRef& w : writes)
        m_written.push_back(bytes(w));
}

void AccessedRanges::clear()
{
    m_read.clear();
    m_written.clear();
}

} // namespace hearth::vk
