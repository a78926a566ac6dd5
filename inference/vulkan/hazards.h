// The byte ranges that the commands recorded since the last barrier read and wrote, from which the
// recorder (commands.h) decides whether the next command must wait for them. Ranges, not whole buffers:
// the products of one step write their own rows of one buffer (q, k and v into q|k|v, the pieces of a
// split matrix into their rows of y), and only work touching the same bytes needs a barrier between.
#pragma once

#include "vulkan/loader.h"
#include "vulkan/memory.h"

#include <cstdint>
#include <span>
#include <vector>

namespace hearth::vk {

class AccessedRanges {
public:
    // A hazard: reading bytes written since the last barrier, or writing bytes read or written since.
    // A range of VK_WHOLE_SIZE runs to the end of its buffer.
    bool conflicts(std::span<const BufferRef> reads, std::span<const BufferRef> writes) const;
    void add(std::span<const BufferRef> reads, std::span<const BufferRef> writes);
    // After a barrier.
    void clear();

private:
    // [begin, end) of one buffer.
    struct Bytes {
        VkBuffer buffer;
        uint64_t begin;
        uint64_t end;
    };
    static Bytes bytes(const BufferRef& ref);
    static bool overlaps(const std::vector<Bytes>& set, const BufferRef& ref);

    // A handful between two barriers in the forward pass: a linear search beats any index.
    std::vector<Bytes> m_read;
    std::vector<Bytes> m_written;
};

} // namespace hearth::vk
