# Every pipeline of the Vulkan backend, declared once. Each operation names its shader source and
# defines, its push-constant struct (inference/vulkan/push_constants.h), its bindings (how many, which
# it writes, which are read as texel buffers), its specialization constants and the weight types it is
# compiled for. shaders.cmake compiles one SPIR-V variant per (operation, type) from this list and
# generates pipeline_ids.h from the same list: the ShaderId enum, each variant's signature, and the
# (operation, type) table that inference/vulkan/registry.h looks pipelines up in.
#
# hearth_operation(Op NAME name SOURCE file.comp PUSH Struct BINDINGS n [WRITES i...] [TEXELS i...]
#                  [SPEC MatVec|Q8] [DEFINES D...] [TYPES t...])
# With TYPES the variant of type t is named name_t and compiled with -DTYPE_T.

# Every weight type the Vulkan backend runs (registry.h's kWeightTypes), and the block types of the
# integer-dot-product path.
set(all_types f32 f16 bf16 q4_0 q8_0 q4_k q5_k q6_k q4_1 q5_0 q5_1 iq4_nl iq4_xs q2_k q3_k iq3_s)
set(block_types q4_0 q8_0 q4_k q5_k q6_k q2_k q3_k iq3_s)
# The types whose variants read a lookup table (the IQ3_S grid): one binding more, after the operation's
# own, which the Recorder binds to the device's table buffer (vulkan/shader_tables.h).
set(HEARTH_TABLE_TYPES iq3_s)

hearth_operation(Copy NAME copy SOURCE copy.comp PUSH CopyPush BINDINGS 2 WRITES 1)
hearth_operation(CopyTexel NAME copy_texel SOURCE copy_texel.comp PUSH CopyPush BINDINGS 2 WRITES 1 TEXELS 0)
hearth_operation(RmsNorm NAME rms_norm SOURCE rms_norm.comp PUSH RmsNormPush BINDINGS 3 WRITES 2)
hearth_operation(RopeStore NAME rope_store SOURCE rope_store.comp PUSH RopeStorePush BINDINGS 6 WRITES 1 2 3)
hearth_operation(Attention NAME attention SOURCE attention.comp PUSH AttentionPush BINDINGS 6 WRITES 3 4)
hearth_operation(AttentionNarrow NAME attention_narrow SOURCE attention_narrow.comp PUSH AttentionPush
                 BINDINGS 6 WRITES 3 4 TEXELS 1 2)
hearth_operation(Swiglu NAME swiglu SOURCE swiglu.comp PUSH SwigluPush BINDINGS 2 WRITES 1)
hearth_operation(Add NAME add SOURCE add.comp PUSH AddPush BINDINGS 2 WRITES 1)

# Products: mat-vec (decode), with the RMSNorm before it fused in, with RoPE and the cache store too,
# and the tiled mat-mat (batches).
hearth_operation(MatVec NAME mul_mat_vec SOURCE mul_mat_vec.comp PUSH MatVecPush BINDINGS 3 WRITES 2
                 SPEC MatVec TYPES ${all_types})
hearth_operation(MatVecSwiglu NAME mul_mat_vec_swiglu SOURCE mul_mat_vec.comp DEFINES SWIGLU PUSH MatVecPush
                 BINDINGS 3 WRITES 2 SPEC MatVec TYPES ${all_types})
hearth_operation(MatVecNorm NAME mul_mat_vec_norm SOURCE mul_mat_vec_norm.comp PUSH MatVecNormPush
                 BINDINGS 4 WRITES 2 SPEC MatVec TYPES ${all_types})
hearth_operation(MatVecNormSwiglu NAME mul_mat_vec_norm_swiglu SOURCE mul_mat_vec_norm.comp DEFINES SWIGLU
                 PUSH MatVecNormPush BINDINGS 4 WRITES 2 SPEC MatVec TYPES ${all_types})
hearth_operation(MatVecNormRope NAME mul_mat_vec_norm_rope SOURCE mul_mat_vec_norm_rope.comp
                 PUSH MatVecNormRopePush BINDINGS 8 WRITES 2 4 5 SPEC MatVec TYPES ${all_types})
hearth_operation(MatMul NAME mul_mat SOURCE mul_mat.comp PUSH MatMulPush BINDINGS 3 WRITES 2 TYPES ${all_types})
hearth_operation(MatMulWide NAME mul_mat_wide SOURCE mul_mat.comp DEFINES WIDE_TILE PUSH MatMulPush
                 BINDINGS 3 WRITES 2 TYPES ${all_types})
hearth_operation(Embed NAME embed SOURCE embed.comp PUSH EmbedPush BINDINGS 3 WRITES 2 TYPES ${all_types})

# Products for CPU devices (lavapipe): weights read through a texel buffer (products_cpu.cpp).
hearth_operation(CpuMatMul NAME mul_mat_cpu SOURCE mul_mat_cpu.comp PUSH MatMulPush BINDINGS 3 WRITES 2
                 TEXELS 0 TYPES ${all_types})
hearth_operation(CpuMatVec NAME mul_mat_vec_cpu SOURCE mul_mat_vec_cpu.comp PUSH MatVecPush BINDINGS 3 WRITES 2
                 TEXELS 0 TYPES ${all_types})
hearth_operation(CpuMatVecSwiglu NAME mul_mat_vec_cpu_swiglu SOURCE mul_mat_vec_cpu.comp DEFINES SWIGLU
                 PUSH MatVecPush BINDINGS 3 WRITES 2 TEXELS 0 TYPES ${all_types})

# The integer-dot-product decode path (products_q8.h): activations quantized to int8 units (with the
# RMSNorm before a product fused in, or not), and mat-vec products on packed 4 x 8-bit dot products.
hearth_operation(QuantizeQ8 NAME quantize_q8 SOURCE quantize_q8.comp PUSH QuantizeQ8Push BINDINGS 2 WRITES 1)
hearth_operation(QuantizeQ8Norm NAME quantize_q8_norm SOURCE quantize_q8_norm.comp PUSH QuantizeQ8Push
                 BINDINGS 3 WRITES 1)
hearth_operation(Q8MatVec NAME mul_mat_vec_q8 SOURCE mul_mat_vec_q8.comp PUSH MatVecPush BINDINGS 3 WRITES 2
                 SPEC Q8 TYPES ${block_types})
hearth_operation(Q8MatVecSwiglu NAME mul_mat_vec_q8_swiglu SOURCE mul_mat_vec_q8.comp DEFINES SWIGLU
                 PUSH MatVecPush BINDINGS 3 WRITES 2 SPEC Q8 TYPES ${block_types})
hearth_operation(Q8MatVecRope NAME mul_mat_vec_q8_rope SOURCE mul_mat_vec_q8_rope.comp PUSH MatVecRopePush
                 BINDINGS 7 WRITES 2 3 4 SPEC Q8 TYPES ${block_types})
