// Engine: loading a model (file, config, weights, tokenizer, chat format, backend) and what it tells
// about itself. Generation is in engine_generate.cpp, prompt fitting in prompt_fit.cpp.
#include "engine.h"

#include "chat/chat_tokens.h"
#include "cpu/cpu_backend.h"
#include "engine/engine_impl.h"
#include "quant/types.h"

#ifdef HEARTH_HAVE_VULKAN
#include "vulkan/vulkan_backend.h"
#endif

#include <algorithm>
#include <map>

namespace hearth {

namespace {

// llama.cpp's llama_ftype numbers, as stored in general.file_type.
std::string fileTypeName(uint64_t fileType)
{
    static const std::map<uint64_t, const char*> names {
        { 0, "F32" },
        { 1, "F16" },
        { 2, "Q4_0" },
        { 3, "Q4_1" },
        { 7, "Q8_0" },
        { 8, "Q5_0" },
        { 9, "Q5_1" },
        { 10, "Q2_K" },
        { 11, "Q3_K_S" },
        { 12, "Q3_K_M" },
        { 13, "Q3_K_L" },
        { 14, "Q4_K_S" },
        { 15, "Q4_K_M" },
        { 16, "Q5_K_S" },
        { 17, "Q5_K_M" },
        { 18, "Q6_K" },
        { 21, "Q2_K_S" },
        { 25, "IQ4_NL" },
        { 26, "IQ3_S" },
        { 27, "IQ3_M" },
        { 30, "IQ4_XS" },
        { 32, "BF16" },
    };
    auto it = names.find(fileType);
    return it == names.end() ? std::string() : it->second;
}

// The type holding most of the bytes of the matrices, when general.file_type is absent.
std::string dominantType(const GgufFile& file)
{
    std::map<TensorType, uint64_t> bytes;
    for (const auto& t : file.tensors()) {
        if (t.shape.size() >= 2) bytes[t.type] += t.byteSize;
    }
    if (bytes.empty()) return "unknown";
    auto best
        = std::max_element(bytes.begin(), bytes.end(), [](auto& a, auto& b) { return a.second < b.second; });
    return std::string(typeName(best->first));
}

void report(const LoadOptions& options, float fraction)
{
    if (options.progress) options.progress(fraction);
}

} // namespace

Engine::Engine()
    : m_impl(std::make_unique<Impl>())
{
}
Engine::~Engine() = default;

std::vector<DeviceInfo> Engine::devices()
{
    std::vector<DeviceInfo> list;
#ifdef HEARTH_HAVE_VULKAN
    list = listVulkanDevices();
#endif
    DeviceInfo cpu;
    cpu.index = -1;
    cpu.name = "CPU";
    cpu.type = "cpu";
    list.push_back(cpu);
    return list;
}

BackendDecision decideBackend(BackendChoice choice, int deviceIndex)
{
    if (choice != BackendChoice::Auto) return { choice, {} };
#ifdef HEARTH_HAVE_VULKAN
    // Auto takes a real GPU when there is one; a software Vulkan device (lavapipe, type "cpu") would
    // only be slower than the CPU backend.
    const auto list = listVulkanDevices();
    const bool gpu = std::any_of(list.begin(), list.end(),
        [&](const DeviceInfo& d) { return d.type != "cpu" && (deviceIndex < 0 || d.index == deviceIndex); });
    if (gpu) return { BackendChoice::Vulkan, {} };
    if (list.empty())
        return { BackendChoice::Cpu,
            "The GPU cannot be used: " + noVulkanDeviceReason() + ". Running on the CPU (slower)." };
    return { BackendChoice::Cpu, "No Vulkan GPU found; running on the CPU (slower)." };
#else
    (void)deviceIndex;
    return { BackendChoice::Cpu, "This build has no Vulkan backend; running on the CPU." };
#endif
}

Status Engine::load(const LoadOptions& options)
{
    // The model loaded now stays until the new file has been read and checked (a bad or incomplete
    // file, the usual failure, leaves it working); it is released before the new backend allocates,
    // since two models may not fit in memory together.
    auto impl = std::make_unique<Impl>();
    report(options, 0.0f);

    // 1. The file: mapped and validated.
    auto file = GgufFile::open(options.modelPath);
    if (!file) return file.error();
    impl->file = std::move(file.value());
    const GgufFile& gguf = *impl->file;
    const std::string architecture(gguf.getString("general.architecture").value_or(""));
    if (architecture != "llama") {
        return makeError(ErrorCode::Unsupported,
            "unsupported architecture '" + architecture + "' (Hearth runs general.architecture = llama)");
    }
    report(options, 0.05f);

    // 2. Hyper-parameters and weights bound by name, shapes checked.
    auto config = LlamaConfig::fromGguf(gguf);
    if (!config) return config.error();
    impl->config = config.value();
    auto weights = LlamaWeights::bind(gguf, impl->config);
    if (!weights) return weights.error();
    impl->weights = std::move(weights.value());

    // 3. Tokenizer and chat format.
    auto tokenizer = Tokenizer::fromGguf(gguf);
    if (!tokenizer) return tokenizer.error();
    impl->tokenizer = std::move(tokenizer.value());
    const std::string_view chatTemplate = gguf.getString("tokenizer.chat_template").value_or("");
    ChatVocabulary vocabulary;
    vocabulary.hasHeaderTokens = impl->tokenizer->findToken("<|start_header_id|>").has_value();
    const SpecialTokens& special = impl->tokenizer->special();
    if (special.bos >= 0) vocabulary.bosToken = std::string(impl->tokenizer->tokenText(special.bos));
    if (special.eos >= 0) vocabulary.eosToken = std::string(impl->tokenizer->tokenText(special.eos));
    for (int32_t id = 0; id < impl->tokenizer->vocabSize(); ++id) {
        const TokenType type = impl->tokenizer->type(id);
        if (type == TokenType::Control || type == TokenType::UserDefined)
            vocabulary.specialTokens.emplace_back(impl->tokenizer->tokenText(id));
    }
    auto detected = detectChatFormat(chatTemplate, vocabulary);
    impl->chatFormat = std::move(detected.format);
    impl->chatStopTokens.clear();
    for (const auto& text : impl->chatFormat->stopTokens())
        if (const auto id = impl->tokenizer->findToken(text)) impl->chatStopTokens.push_back(*id);
    const std::string chatNotice = detected.notice;
    std::vector<std::string> notices; // the device's: backend and context
    report(options, 0.15f);

    // 4. The backend, as decideBackend says (Auto: a real GPU when there is one), after the previous
    //    model has let go of its memory.
    unload();
    const uint32_t context = options.contextLength
        ? options.contextLength
        : std::min<uint32_t>(impl->config.trainedContext ? impl->config.trainedContext : 4096, 4096);
    // A GPU that Auto chose but cannot run the model (a weight type without shaders, too little
    // memory) gives way to the CPU below, with the reason in a notice.
    const BackendDecision decision = decideBackend(options.backend, options.deviceIndex);
    if (!decision.notice.empty()) notices.push_back(decision.notice);
    const bool useVulkan = decision.backend == BackendChoice::Vulkan;
#ifdef HEARTH_HAVE_VULKAN
    if (useVulkan) {
        VulkanOptions vulkan;
        vulkan.deviceIndex = options.deviceIndex;
        vulkan.contextLength = context;
        // A context asked for is kept, or refused; the default one gives way on a GPU that holds the
        // model but not 4096 positions of cache, down to 2048: still far faster than the CPU.
        const bool defaultContext = options.contextLength == 0 && options.backend == BackendChoice::Auto;
        vulkan.fitContext = options.fitContext || defaultContext;
        vulkan.fitContextAtLeast = options.fitContext ? 256 : 2048;
        if (!options.pipelineCacheDir.empty())
            vulkan.pipelineCachePath = options.pipelineCacheDir + "/vulkan-pipelines.bin";
        vulkan.progress = [&](float f) { report(options, 0.15f + 0.8f * f); };
        if (options.tuneKernels && !options.pipelineCacheDir.empty()) {
            vulkan.tuning.enabled = true;
            vulkan.tuning.cachePath = options.pipelineCacheDir + "/kernel-tuning.txt";
            vulkan.tuning.progress = [&](float f, const std::string&) {
                if (options.tuningProgress) options.tuningProgress(f);
            };
        }
        auto backend = createVulkanBackend(gguf, impl->weights, impl->config, vulkan);
        if (backend) {
            impl->backend = std::move(backend.value());
            const KernelTuningReport* tuning = vulkanTuningReport(*impl->backend);
            if (tuning && !tuning->warning.empty())
                notices.push_back("Tuning for the GPU: " + tuning->warning + ".");
            if (impl->backend->contextLength() < context)
                notices.push_back("The context is " + std::to_string(impl->backend->contextLength())
                    + " tokens, not " + std::to_string(context) + ", so that the model fits in "
                    + impl->backend->deviceName() + "'s memory.");
        } else if (options.backend == BackendChoice::Vulkan) {
            return backend.error();
        } else {
            notices.push_back(
                "The GPU could not be used (" + backend.error().message + "); running on the CPU.");
        }
    }
#else
    if (useVulkan) return makeError(ErrorCode::NoDevice, "this build of Hearth has no Vulkan backend");
#endif
    if (!impl->backend) {
        CpuOptions cpu;
        cpu.contextLength = context;
        cpu.threads = options.threads;
        auto backend = createCpuBackend(impl->weights, impl->config, cpu);
        if (!backend) return backend.error();
        impl->backend = std::move(backend.value());
    }
    report(options, 0.95f);

    // 5. What the UI shows about the model.
    ModelInfo& info = impl->info;
    info.name = impl->config.name;
    info.path = options.modelPath;
    info.architecture = architecture;
    for (const auto& t : gguf.tensors())
        info.parameterCount += t.elementCount;
    info.quantization = fileTypeName(gguf.getUint("general.file_type").value_or(~0ull));
    if (info.quantization.empty()) info.quantization = dominantType(gguf);
    info.typeMix = typeMix(gguf);
    info.contextLength = impl->backend->contextLength();
    info.trainedContext = impl->config.trainedContext;
    info.vocabSize = static_cast<uint32_t>(impl->tokenizer->vocabSize());
    info.backend = impl->backend->kind();
    info.deviceName = impl->backend->deviceName();
    info.chatFormat = std::string(impl->chatFormat->name());
    for (size_t i = 0; i < notices.size(); ++i)
        info.deviceNotice += (i ? "\n" : "") + notices[i];
    info.notice = chatNotice;
    if (!info.deviceNotice.empty()) info.notice += (info.notice.empty() ? "" : "\n") + info.deviceNotice;

    impl->logits.assign(impl->backend->vocabSize(), 0.0f);
    m_impl = std::move(impl);
    report(options, 1.0f);
    return Ok {};
}

void Engine::unload()
{
    m_impl = std::make_unique<Impl>();
}

bool Engine::loaded() const
{
    return m_impl->isLoaded();
}

const ModelInfo& Engine::info() const
{
    return m_impl->info;
}

Result<uint32_t> Engine::countTokens(std::string_view text) const
{
    if (!m_impl->tokenizer) return makeError(ErrorCode::InvalidArgument, "no model is loaded");
    return static_cast<uint32_t>(m_impl->tokenizer->encode(text, false, false).size());
}

Result<uint32_t> Engine::countPromptTokens(const std::vector<ChatMessage>& messages) const
{
    if (!m_impl->tokenizer || !m_impl->chatFormat)
        return makeError(ErrorCode::InvalidArgument, "no model is loaded");
    // As buildPrompt renders it: a conversation the template refuses is an error, not an empty count.
    auto ids = m_impl->chatIds(messages, {});
    if (!ids) return ids.error();
    return static_cast<uint32_t>(ids->size());
}

void Engine::resetCache()
{
    m_impl->cached.clear();
}

} // namespace hearth
