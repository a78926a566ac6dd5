#include "vulkan/ops.h"

namespace hearth::vk {

PipelineSignature signatureOf(std::string_view family)
{
    struct Row {
        std::string_view family;
        PipelineSignature signature;
    };
    static const Row table[] = {
        { "mul_mat_vec", { 3, sizeof(MatVecPush), 1u << 2 } },
        { "mul_mat_vec_cpu", { 3, sizeof(MatVecPush), 1u << 2, 1u << 0 } },
        { "mul_mat_vec_norm", { 4, sizeof(MatVecNormPush), 1u << 2 } },
        { "mul_mat_vec_norm_rope", { 8, sizeof(MatVecNormRopePush), (1u << 2) | (1u << 4) | (1u << 5) } },
        { "mul_mat_vec_q8", { 3, sizeof(MatVecPush), 1u << 2 } },
        { "mul_mat_vec_q8_rope", { 7, sizeof(MatVecRopePush), (1u << 2) | (1u << 3) | (1u << 4) } },
        { "quantize_q8", { 2, sizeof(QuantizeQ8Push), 1u << 1 } },
        { "quantize_q8_norm", { 3, sizeof(QuantizeQ8Push), 1u << 1 } },
        { "mul_mat", { 3, sizeof(MatMulPush), 1u << 2 } },
        { "mul_mat_cpu", { 3, sizeof(MatMulPush), 1u << 2, 1u << 0 } },
        { "rms_norm", { 3, sizeof(RmsNormPush), 1u << 2 } },
        { "rope_store", { 6, sizeof(RopeStorePush), (1u << 1) | (1u << 2) | (1u << 3) } },
        { "attention", { 6, sizeof(AttentionPush), (1u << 3) | (1u << 4) } },
        { "attention_narrow", { 6, sizeof(AttentionPush), (1u << 3) | (1u << 4), (1u << 1) | (1u << 2) } },
        { "swiglu", { 2, sizeof(SwigluPush), 1u << 1 } },
        { "add", { 2, sizeof(AddPush), 1u << 1 } },
        { "embed", { 3, sizeof(EmbedPush), 1u << 2 } },
        { "copy", { 2, sizeof(CopyPush), 1u << 1 } },
        { "copy_texel", { 2, sizeof(CopyPush), 1u << 1, 1u << 0 } },
    };
    for (const Row& row : table)
        if (row.family == family) return row.signature;
    return {};
}

} // namespace hearth::vk
