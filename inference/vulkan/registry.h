// The pipelines by (operation, weight type): a typed lookup in the table generated from
// shaders/pipelines.cmake (pipeline_ids.h). An operation that must run every weight type the backend
// loads and lacks one is a build error (the static_assert below), so once createVulkanBackend has
// checked the model's types (checkVulkanWeightTypes, with runsWeightType), pipelineFor never fails.
#pragma once

#include "pipeline_ids.h"
#include "quant/types.h"
#include "util/result.h"

#include <optional>
#include <string_view>

namespace hearth::vk {

// Every weight type the Vulkan backend runs.
inline constexpr TensorType kWeightTypes[] = { TensorType::F32, TensorType::F16, TensorType::BF16,
    TensorType::Q4_0, TensorType::Q8_0, TensorType::Q4_K, TensorType::Q5_K, TensorType::Q6_K,
    TensorType::Q4_1, TensorType::Q5_0, TensorType::Q5_1, TensorType::IQ4_NL, TensorType::IQ4_XS,
    TensorType::Q2_K, TensorType::Q3_K, TensorType::IQ3_S };

constexpr bool runsWeightType(TensorType type)
{
    for (TensorType t : kWeightTypes)
        if (t == type) return true;
    return false;
}

// The variant of `op` for weights of `type` (nullopt for an untyped operation, which has one variant);
// nullopt when it was not compiled.
constexpr std::optional<ShaderId> findPipeline(Op op, std::optional<TensorType> type = std::nullopt)
{
    for (uint32_t i = 0; i < kShaderCount; ++i)
        if (kPipelineInfo[i].op == op && kPipelineInfo[i].type == type) return ShaderId(i);
    return std::nullopt;
}

// Whether `op` has a variant for every weight type the backend runs.
constexpr bool runsEveryWeightType(Op op)
{
    for (TensorType t : kWeightTypes)
        if (!findPipeline(op, t)) return false;
    return true;
}

// The operations every loaded model may take, whatever its weight types: each needs every variant.
static_assert(runsEveryWeightType(Op::MatVec) && runsEveryWeightType(Op::MatVecSwiglu)
        && runsEveryWeightType(Op::MatVecNorm) && runsEveryWeightType(Op::MatVecNormSwiglu)
        && runsEveryWeightType(Op::MatVecNormRope) && runsEveryWeightType(Op::MatMul)
        && runsEveryWeightType(Op::MatMulWide) && runsEveryWeightType(Op::Embed)
        && runsEveryWeightType(Op::CpuMatMul) && runsEveryWeightType(Op::CpuMatVec)
        && runsEveryWeightType(Op::CpuMatVecSwiglu),
    "shaders/pipelines.cmake lacks a weight type of an operation every model may take");
// Untyped operations have their one variant.
static_assert(findPipeline(Op::Copy) && findPipeline(Op::CopyTexel) && findPipeline(Op::RmsNorm)
        && findPipeline(Op::RopeStore) && findPipeline(Op::Attention) && findPipeline(Op::AttentionNarrow)
        && findPipeline(Op::Swiglu) && findPipeline(Op::Add) && findPipeline(Op::QuantizeQ8)
        && findPipeline(Op::QuantizeQ8Norm),
    "shaders/pipelines.cmake lacks an untyped operation");

// The variant of `op` for `type`: one that exists (a type the backend runs, for an operation that runs
// every type, or one findPipeline found); anything else is a programming error.
inline ShaderId pipelineFor(Op op, TensorType type)
{
    const std::optional<ShaderId> id = findPipeline(op, type);
    HEARTH_CHECK(id.has_value());
    return *id;
}

constexpr ShaderId pipelineFor(Op op)
{
    return *findPipeline(op);
}

constexpr const PipelineInfo& pipelineInfo(ShaderId id)
{
    return kPipelineInfo[uint32_t(id)];
}

// The variant's name, as glslc compiled it (mul_mat_vec_q4_k): for profiles and messages.
constexpr std::string_view pipelineName(ShaderId id)
{
    return pipelineInfo(id).name;
}

} // namespace hearth::vk
