#include "vulkan/memory_estimate.h"

#include "vulkan/attention_shape.h"

#include <algorithm>

namespace hearth {

uint64_t kvCacheBytes(const LlamaConfig& c, uint32_t contextLength)
{
    return 2ull * c.layerCount * contextLength * c.kvHeadCount * c.headDim * sizeof(uint16_t);
}

uint64_t activationBytes(const LlamaConfig& c, uint32_t batch, uint32_t logitRows)
{
    const uint64_t q = uint64_t(c.headCount) * c.headDim;
    const uint64_t kv = uint64_t(c.kvHeadCount) * c.headDim;
    const uint64_t perToken = 2 * c.dim + (q + 2 * kv) + 2 * q + 3 * uint64_t(c.ffnDim);
    return (perToken * batch + 2 * uint64_t(logitRows) * c.vocabSize) * sizeof(float)
        + vk::attentionPartialsBytes({ c.headCount, c.kvHeadCount, c.headDim });
}

uint64_t estimateDeviceMemory(
    const WeightFootprint& weights, const LlamaConfig& config, uint32_t contextLength)
{
    return weights.bytes + weights.tensorCount * vk::kWeightPadding + vk::kShaderTableBytes
        + kvCacheBytes(config, contextLength) + activationBytes(config, 512, 1);
}

uint64_t contextThatFits(
    const WeightFootprint& weights, const LlamaConfig& config, uint64_t available, uint64_t bufferLimit)
{
    const uint64_t withoutKv = estimateDeviceMemory(weights, config, 0);
    if (withoutKv >= available) return 0;
    uint64_t positions = (available - withoutKv) / std::max<uint64_t>(1, kvCacheBytes(config, 1));
    if (bufferLimit) {
        const uint64_t layerPosition = uint64_t(config.kvHeadCount) * config.headDim * sizeof(uint16_t);
        positions = std::min(positions, bufferLimit / std::max<uint64_t>(1, layerPosition));
    }
    return positions / 256 * 256;
}

} // namespace hearth
