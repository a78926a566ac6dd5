// Creating the Vulkan backend: device, memory estimate, weight upload, activation and KV buffers.
#include "vulkan/vulkan_backend.h"

#include "vulkan/attention.h"
#include "vulkan/products_q8.h"
#include "vulkan/tuner.h"
#include "vulkan/vulkan_model.h"

#include <algorithm>
#include <chrono>
#include <cstring>

namespace hearth {
namespace vk {
namespace {

constexpr uint64_t kMiB = 1ull << 20;

} // namespace

VulkanBackend::VulkanBackend(std::unique_ptr<Device> device, const LlamaConfig& config,
    uint32_t contextLength, uint32_t batch, uint64_t pieceLimit, const std::string& cachePath)
    : m_device(std::move(device))
    , m_config(config)
    , m_contextLength(contextLength)
    , m_batch(batch)
    , m_pieceLimit(pieceLimit)
    , m_allocator(*m_device)
    , m_pipelines(*m_device, cachePath)
    , m_descriptors(*m_device)
    , m_recorder(*m_device, m_pipelines, m_descriptors)
    , m_decodeRecorder(*m_device, m_pipelines, m_descriptors)
    , m_weights(*m_device, m_allocator, pieceLimit)
{
}

VulkanBackend::~VulkanBackend()
{
    vkDeviceWaitIdle(m_device->handle());
    for (KvCache& kv : m_kv) {
        m_allocator.destroy(kv.k);
        m_allocator.destroy(kv.v);
    }
    for (Buffer* b :
        { &m_act.x, &m_act.xn, &m_act.qkv, &m_act.q, &m_act.att, &m_act.attPartials, &m_act.gateUp, &m_act.h,
            &m_act.q8, &m_act.logits, &m_act.tokens, &m_act.readback, &m_act.noFactors, &m_act.step })
        m_allocator.destroy(*b);
}

bool VulkanBackend::startProfile()
{
    m_recorder.setProfiling(true);
    m_decodeRecorder.setProfiling(true);
    return m_recorder.profiler() && m_decodeRecorder.profiler();
}

std::string VulkanBackend::profileTable()
{
    std::string out;
    for (Recorder* rec : { &m_recorder, &m_decodeRecorder }) {
        GpuProfiler* profiler = rec->profiler();
        if (profiler && !profiler->totals().empty()) {
            out += rec == &m_recorder ? "batches:\n" : "one-token steps (one recording, submitted again):\n";
            out += profiler->table();
            profiler->reset();
        }
    }
    return out;
}

PlanModel VulkanBackend::planModel() const
{
    const uint64_t kvCacheBytes
        = uint64_t(m_contextLength) * m_config.kvHeadCount * m_config.headDim * sizeof(uint16_t);
    return { m_config, m_weights.matrices(), m_tokenEmbedding, m_output, m_outputNorm, m_layers,
        kvCacheBytes };
}

std::string VulkanBackend::describePlan(uint32_t tokens) const
{
    const ForwardPlan plan = planForward(planModel(), m_products, m_attention, tokens);
    return vk::describePlan(plan, tokens == 1 ? plan : m_plans.forTokens(1), planModel());
}

KernelConfig VulkanBackend::defaultConfig() const
{
    return defaultConfig(m_gpuShaderChoices);
}

void VulkanBackend::applyKernelConfig(KernelConfig config)
{
    applyDeveloperOverrides(config, *m_device);
    m_pipelines.setConfig(config);
    m_products = productPolicy(*m_device, m_pipelines);
    m_attention = vk::attentionPolicy(*m_device, config);
}

uint64_t VulkanBackend::q8Bytes() const
{
    // The quantized input of the integer products: decode batches only, the widest product input.
    const LlamaConfig& c = m_config;
    const uint64_t tokens = std::clamp<uint64_t>(m_products.tiledMinTokens, 1, m_batch);
    return m_products.intDot ? tokens * q8Stride(std::max({ c.dim, c.headCount * c.headDim, c.ffnDim })) * 16
                             : 16;
}

KernelConfig VulkanBackend::defaultConfig(bool gpuShaders) const
{
    KernelConfig config = defaultKernelConfig(*m_device, gpuShaders);
    if (m_intDotProducts) config.intDot = m_device->features().intDot;
    return config;
}

std::vector<TuningQuestion> VulkanBackend::tuningQuestionsFrom(const KernelConfig& base)
{
    static const TuningBuffers kNoBuffers {};
    const KernelConfig now = m_pipelines.config();
    m_pipelines.setConfig(base);
    const ProductPolicy defaults = productPolicy(*m_device, m_pipelines);
    m_pipelines.setConfig(now);
    const PlanModel model = planModel();
    return tuningQuestions(*m_device, base, defaults, { model, m_batch, m_contextLength - 1 }, kNoBuffers);
}

Status VulkanBackend::useKernelConfig(const KernelConfig& config)
{
    applyKernelConfig(config);
    m_plans = planForwardBatches(planModel(), m_products, m_attention, m_batch);
    m_decodeRecorder.dropRecording(); // recorded with the old kernels
    if (q8Bytes() > m_act.q8.size) {
        auto buffer = m_allocator.create(q8Bytes(), MemoryKind::DeviceLocal, "activations");
        if (!buffer) return buffer.error();
        m_allocator.destroy(m_act.q8);
        m_act.q8 = *buffer;
    }
    return Ok {};
}

Status VulkanBackend::planWeights(const LlamaWeights& w)
{
    const LlamaConfig& c = m_config;
    applyKernelConfig(defaultConfig());
    // The attention shader reads keys 8 halves at a time and keeps a query in shared memory.
    if (c.headDim % 8 != 0 || c.headDim > 256)
        return makeError(ErrorCode::Unsupported,
            "the head dimension " + std::to_string(c.headDim)
                + " is not one the Vulkan backend runs (a multiple of 8 up to "
                  "256); use the CPU backend");
    // The matrices' types were checked before the device was opened (checkVulkanWeightTypes); their
    // shapes are checked here.
    auto check = [](const TensorView& t, const char* what) -> Status {
        if (t.cols % 4 != 0)
            return makeError(ErrorCode::Unsupported,
                std::string(what) + " has " + std::to_string(t.cols) + " columns, not a multiple of 4");
        return Ok {};
    };
    // Stack matrices that share an input when their types match and the stack fits one piece.
    auto stacked = [&](std::vector<TensorView> parts) {
        uint64_t rows = 0;
        bool same = true;
        for (const TensorView& p : parts) {
            rows += p.rows;
            same = same && p.type == parts[0].type && p.rowBytes == parts[0].rowBytes;
        }
        std::vector<size_t> ids;
        if (same && m_weights.fitsOnePiece(parts[0].rowBytes, rows))
            ids.push_back(m_weights.add(parts));
        else
            for (const TensorView& p : parts)
                ids.push_back(m_weights.add({ p }));
        return ids;
    };

    if (Status s = check(w.tokenEmbedding, "token_embd.weight"); !s.ok()) return s;
    m_tokenEmbedding = m_weights.add({ w.tokenEmbedding });
    m_outputNorm = m_weights.add({ w.outputNorm });
    if (w.output.data == w.tokenEmbedding.data) {
        m_output = m_tokenEmbedding; // tied: the same device copy serves both
    } else {
        if (Status s = check(w.output, "output.weight"); !s.ok()) return s;
        m_output = m_weights.add({ w.output });
    }
    if (!w.ropeFreqs.empty()) m_ropeFactors = m_weights.add({ w.ropeFreqs });
    for (size_t l = 0; l < w.layers.size(); ++l) {
        const LlamaLayerWeights& lw = w.layers[l];
        for (const TensorView* t : { &lw.wq, &lw.wk, &lw.wv, &lw.wo, &lw.ffnGate, &lw.ffnUp, &lw.ffnDown })
            if (Status s = check(*t, ("blk." + std::to_string(l) + " matrix").c_str()); !s.ok()) return s;
        LayerWeightIds layer;
        layer.attnNorm = m_weights.add({ lw.attnNorm });
        layer.qkv = stacked({ lw.wq, lw.wk, lw.wv });
        layer.wo = m_weights.add({ lw.wo });
        layer.ffnNorm = m_weights.add({ lw.ffnNorm });
        layer.gateUp = stacked({ lw.ffnGate, lw.ffnUp });
        layer.down = m_weights.add({ lw.ffnDown });
        m_layers.push_back(std::move(layer));
    }
    // The dispatches of each class of batch sizes, chosen once (forward_plan.h).
    m_plans = planForwardBatches(planModel(), m_products, m_attention, m_batch);
    return Ok {};
}

Status VulkanBackend::load(const LlamaWeights& w, const std::function<void(float)>& progress)
{
    const LlamaConfig& c = m_config;
    if (Status s = planWeights(w); !s.ok()) return s;
    if (Status s = m_weights.upload(m_recorder, progress); !s.ok()) return s;
    if (m_tuning.enabled) {
        // The tuned config replaces the defaults, and the plans are made again with it.
        KernelTuningReport report;
        auto tuned = vk::tuneKernels({ *m_device, m_pipelines, m_descriptors, m_allocator },
            { planModel(), m_contextLength, m_batch }, defaultConfig(), m_tuning, report);
        // Tuning never costs the user the model: short of a lost device, a failure keeps the defaults.
        if (!tuned && tuned.error().code == ErrorCode::DeviceLost) return tuned.error();
        if (!tuned) report.warning = "tuning stopped, defaults kept: " + tuned.error().message;
        applyKernelConfig(tuned ? *tuned : defaultConfig());
        report.config = describeKernelConfig(m_pipelines.config()); // with the developer overrides
        m_tuningReport = std::move(report);
        m_plans = planForwardBatches(planModel(), m_products, m_attention, m_batch);
    }

    // Activations for a batch, the logits rows that fit one buffer, and the KV cache.
    const uint64_t q = uint64_t(c.headCount) * c.headDim;
    const uint64_t kv = uint64_t(c.kvHeadCount) * c.headDim;
    const uint64_t vocabBytes = uint64_t(c.vocabSize) * sizeof(float);
    // Activations are bound whole: they must fit the device's real range (the override only splits weights).
    const uint64_t bufferLimit
        = std::min<uint64_t>(m_device->maxStorageBufferRange(), m_device->maxAllocationSize());
    m_logitRows = uint32_t(
        std::clamp<uint64_t>(std::min<uint64_t>(bufferLimit, 256 * kMiB) / vocabBytes, 1, m_batch));
    const uint64_t b = m_batch;
    struct Need {
        Buffer* buffer;
        uint64_t bytes;
        MemoryKind kind;
        const char* what;
    };
    const Need needs[] = {
        { &m_act.x, b * c.dim * 4, MemoryKind::DeviceLocal, "activations" },
        { &m_act.xn, b * c.dim * 4, MemoryKind::DeviceLocal, "activations" },
        { &m_act.qkv, b * (q + 2 * kv) * 4, MemoryKind::DeviceLocal, "activations" },
        { &m_act.q, b * q * 4, MemoryKind::DeviceLocal, "activations" },
        { &m_act.att, b * q * 4, MemoryKind::DeviceLocal, "activations" },
        { &m_act.attPartials, attentionPartialsBytes({ c.headCount, c.kvHeadCount, c.headDim }),
            MemoryKind::DeviceLocal, "activations" },
        { &m_act.gateUp, b * 2 * c.ffnDim * 4, MemoryKind::DeviceLocal, "activations" },
        { &m_act.h, b * c.ffnDim * 4, MemoryKind::DeviceLocal, "activations" },
        { &m_act.q8, q8Bytes(), MemoryKind::DeviceLocal, "activations" },
        { &m_act.logits, m_logitRows * vocabBytes, MemoryKind::DeviceLocal, "logits" },
        { &m_act.tokens, b * 4, MemoryKind::Upload, "tokens" },
        { &m_act.readback, m_logitRows * vocabBytes, MemoryKind::Readback, "logits readback" },
        { &m_act.noFactors, 16, MemoryKind::Upload, "rope factors" },
        { &m_act.step, 16, MemoryKind::Upload, "step parameters" },
    };
    for (const Need& need : needs) {
        if (need.bytes > bufferLimit)
            return makeError(ErrorCode::Unsupported,
                std::string("the ") + need.what + " buffer (" + std::to_string(need.bytes / kMiB)
                    + " MiB) exceeds the device's storage-buffer range; use a smaller batch");
        auto buffer = m_allocator.create(need.bytes, need.kind, need.what);
        if (!buffer) return buffer.error();
        *need.buffer = *buffer;
    }
    const float one[4] = { 1.0f, 1.0f, 1.0f, 1.0f };
    std::memcpy(m_act.noFactors.mapped, one, sizeof(one));
    const uint64_t kvLayer = uint64_t(m_contextLength) * kv * sizeof(uint16_t);
    if (kvLayer > bufferLimit)
        return makeError(ErrorCode::Unsupported,
            "a layer's KV cache (" + std::to_string(kvLayer / kMiB)
                + " MiB) exceeds the storage-buffer range; use a smaller context");
    m_kv.resize(m_layers.size());
    for (KvCache& kv : m_kv) {
        for (Buffer* cache : { &kv.k, &kv.v }) {
            auto buffer = m_allocator.create(kvLayer, MemoryKind::DeviceLocal, "KV cache");
            if (!buffer) return buffer.error();
            *cache = *buffer;
        }
    }
    // Split attention's counters start at zero (attention.h).
    if (Status s = m_recorder.begin(); !s.ok()) return s;
    m_recorder.fill(whole(m_act.attPartials), 0);
    if (Status s = m_recorder.submitAndWait(); !s.ok()) return s;
    m_pipelines.saveCache();
    return Ok {};
}

} // namespace vk

std::vector<DeviceInfo> listVulkanDevices()
{
    return vk::enumerateDevices();
}

std::string noVulkanDeviceReason()
{
    return vk::noDeviceReason();
}

WeightFootprint weightFootprint(const GgufFile& file)
{
    WeightFootprint weights;
    for (const GgufTensorInfo& t : file.tensors()) {
        weights.bytes += t.byteSize;
        ++weights.tensorCount;
    }
    return weights;
}

uint64_t estimateVulkanMemory(const GgufFile& file, const LlamaConfig& config, uint32_t contextLength)
{
    return estimateDeviceMemory(weightFootprint(file), config, contextLength);
}

Status checkVulkanWeightTypes(const LlamaWeights& weights)
{
    auto check = [](const TensorView& t, const std::string& name) -> Status {
        if (t.empty() || vk::runsWeightType(t.type)) return Ok {};
        return makeError(ErrorCode::Unsupported,
            "tensor '" + name + "' has type " + std::string(typeName(t.type))
                + ", which the Vulkan backend does not run yet; the CPU backend "
                  "runs this model (choose the CPU backend)");
    };
    if (Status s = check(weights.tokenEmbedding, "token_embd.weight"); !s.ok()) return s;
    if (Status s = check(weights.output, "output.weight"); !s.ok()) return s;
    static constexpr const char* kNames[]
        = { "attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down" };
    for (size_t l = 0; l < weights.layers.size(); ++l) {
        const LlamaLayerWeights& lw = weights.layers[l];
        const TensorView* matrices[]
            = { &lw.wq, &lw.wk, &lw.wv, &lw.wo, &lw.ffnGate, &lw.ffnUp, &lw.ffnDown };
        for (size_t m = 0; m < std::size(matrices); ++m)
            if (Status s = check(*matrices[m], "blk." + std::to_string(l) + "." + kNames[m] + ".weight");
                !s.ok())
                return s;
    }
    return Ok {};
}

namespace {

// The backend on `device`, its weights not yet placed.
std::unique_ptr<vk::VulkanBackend> makeBackend(std::unique_ptr<vk::Device> device, const LlamaConfig& config,
    uint32_t context, const VulkanOptions& options)
{
    const vk::Device& dev = *device;
    uint64_t pieceLimit = std::min<uint64_t>(dev.maxStorageBufferRange(), dev.maxAllocationSize());
    pieceLimit = std::min<uint64_t>(pieceLimit, 1ull << 30);
    if (options.storageBufferLimitOverride)
        pieceLimit = std::min(pieceLimit, options.storageBufferLimitOverride);
    pieceLimit &= ~uint64_t(255);
    const uint32_t batch = std::max<uint32_t>(1, options.maxBatch);
    auto backend = std::make_unique<vk::VulkanBackend>(
        std::move(device), config, context, batch, pieceLimit, options.pipelineCachePath);
    if (options.gpuShaderChoices) backend->useGpuShaderChoices();
    if (options.intDotProducts) backend->useIntDotProducts();
    if (options.tuning.enabled) backend->tuneKernels(options.tuning);
    return backend;
}

} // namespace

Result<std::unique_ptr<Backend>> createVulkanBackend(const GgufFile& file, const LlamaWeights& weights,
    const LlamaConfig& config, const VulkanOptions& options)
{
    // Before the device: a type without shaders is refused the same way with or without a GPU.
    if (Status s = checkVulkanWeightTypes(weights); !s.ok()) return s.error();
    auto device = vk::Device::create(options.deviceIndex, options.enableValidation);
    if (!device) return device.error();
    const vk::Device& dev = **device;

    // Will it fit? Weights + KV cache + activations against the largest device-local heap. With
    // fitContext a context that does not fit becomes the largest that does.
    const uint64_t available
        = options.deviceMemoryOverride ? options.deviceMemoryOverride : dev.deviceLocalBytes();
    const uint64_t fits = contextThatFits(weightFootprint(file), config, available,
        std::min<uint64_t>(dev.maxStorageBufferRange(), dev.maxAllocationSize()));
    uint32_t context = std::max<uint32_t>(1, options.contextLength);
    if (options.fitContext && fits >= std::max<uint32_t>(256, options.fitContextAtLeast) && fits < context)
        context = uint32_t(fits);
    const uint64_t needed = estimateVulkanMemory(file, config, context);
    if (needed > available) {
        const std::string hint = fits >= 256 ? "try a context of "
                + std::to_string(std::min<uint64_t>(fits, context)) + " tokens or the CPU backend"
                                             : "use the CPU backend";
        return makeError(ErrorCode::OutOfMemory,
            "the model needs " + std::to_string(needed / vk::kMiB)
                + " MiB of device memory with a context of " + std::to_string(context) + ", " + dev.name()
                + " has " + std::to_string(available / vk::kMiB) + " MiB: " + hint);
    }

    auto backend = makeBackend(std::move(*device), config, context, options);
    if (Status s = backend->load(weights, options.progress); !s.ok()) return s.error();
    return std::unique_ptr<Backend>(std::move(backend));
}

Result<std::string> describeVulkanPlan(
    const LlamaWeights& weights, const LlamaConfig& config, const VulkanOptions& options, uint32_t tokens)
{
    if (Status s = checkVulkanWeightTypes(weights); !s.ok()) return s.error();
    auto device = vk::Device::create(options.deviceIndex, options.enableValidation);
    if (!device) return device.error();
    const std::string name = (*device)->name();
    auto backend
        = makeBackend(std::move(*device), config, std::max<uint32_t>(1, options.contextLength), options);
    if (Status s = backend->planWeights(weights); !s.ok()) return s.error();
    return "plan for batches of " + std::to_string(tokens) + (tokens == 1 ? " token" : " tokens") + " on "
        + name + ", context " + std::to_string(backend->contextLength()) + ":\n"
        + backend->describePlan(std::max<uint32_t>(1, tokens));
}

const KernelTuningReport* vulkanTuningReport(const Backend& backend)
{
    const auto* vulkan = dynamic_cast<const vk::VulkanBackend*>(&backend);
    return vulkan && vulkan->tuningReport() ? &*vulkan->tuningReport() : nullptr;
}

bool failNextVulkanSubmit(Backend& backend, VulkanFault fault)
{
    auto* vulkan = dynamic_cast<vk::VulkanBackend*>(&backend);
    if (!vulkan) return false;
    vulkan->device().failNextSubmit(
        fault == VulkanFault::DeviceLost ? VK_ERROR_DEVICE_LOST : VK_ERROR_OUT_OF_DEVICE_MEMORY);
    return true;
}

bool startVulkanProfile(Backend& backend)
{
    auto* vulkan = dynamic_cast<vk::VulkanBackend*>(&backend);
    return vulkan && vulkan->startProfile();
}

std::string vulkanProfileTable(Backend& backend)
{
    auto* vulkan = dynamic_cast<vk::VulkanBackend*>(&backend);
    return vulkan ? vulkan->profileTable() : std::string();
}

} // namespace hearth
