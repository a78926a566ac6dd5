// The sizes of the shaders' dispatches: tiles and workgroups, and the push constants and pipelines
// (registry.h) the dispatch sites use.
#pragma once

#include "vulkan/push_constants.h"
#include "vulkan/registry.h"

#include <cstdint>

namespace hearth::vk {

// Workgroups needed to cover `a` items, `b` per workgroup.
constexpr uint32_t ceilDiv(uint32_t a, uint32_t b)
{
    return (a + b - 1) / b;
}

// Tiles of the shaders, for dispatch sizes.
constexpr uint32_t kMatMulTile = 64; // rows and tokens per workgroup in mul_mat
constexpr uint32_t kMatMulWideTile = 128; // in mul_mat_wide
constexpr uint32_t kRopeGroup = 64;
constexpr uint32_t kEmbedGroup = 64;
constexpr uint32_t kElementwiseGroup = 256;
constexpr uint32_t kQuantizeQ8Group = 64; // 32-element units per workgroup in quantize_q8

} // namespace hearth::vk
