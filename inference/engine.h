// Engine: the one API everything above inference uses (CLI, engine process, tests).
// It owns the model file, tokenizer, chat format and backend; keeps the KV cache of the last prompt
// and reuses its longest common prefix; streams complete UTF-8 pieces; reports errors as values.
#pragma once

#include "chat/chat_format.h"
#include "gguf/type_mix.h"
#include "sampler/sampler.h"
#include "util/result.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace hearth {

enum class BackendChoice { Auto, Cpu, Vulkan };

struct DeviceInfo {
    int index = -1; // Vulkan physical device index; -1 for the CPU
    std::string name;
    std::string type; // "discrete", "integrated", "cpu", "virtual", "other"
    uint64_t memoryBytes = 0; // device-local heap size
};

struct LoadOptions {
    std::string modelPath;
    uint32_t contextLength = 0; // 0: min(trained context, 4096)
    BackendChoice backend = BackendChoice::Auto;
    int deviceIndex = -1; // Vulkan device; -1 picks the best
    int threads = 0; // CPU threads; 0: hardware concurrency
    // On a GPU whose memory cannot hold the context: take the largest context that fits (a notice
    // says so) instead of failing with OutOfMemory.
    bool fitContext = false;
    std::function<void(float fraction)> progress; // 0..1 while loading
    // Where the Vulkan pipeline cache is kept between runs (compiled shaders: the second start skips
    // the driver's compile); empty: no cache on disk.
    std::string pipelineCacheDir;
    // Vulkan: on the first load of a model on a device, time the hot kernels' variants at its shapes
    // and keep the fastest valid ones (vulkan/kernel_tuning.h), remembered in pipelineCacheDir so
    // later loads reuse them at once. Off: the device's safe defaults.
    bool tuneKernels = false;
    std::function<void(float fraction)> tuningProgress; // 0..1 while timing (never when remembered)
};

struct ModelInfo {
    std::string name;
    std::string path;
    std::string architecture;
    uint64_t parameterCount = 0;
    std::string quantization; // e.g. "Q4_K_M", or the dominant tensor type
    std::vector<TypeShare> typeMix; // every tensor type in the file, heaviest first
    uint32_t contextLength = 0; // what we allocated
    uint32_t trainedContext = 0;
    uint32_t vocabSize = 0;
    std::string backend; // "cpu" | "vulkan"
    std::string deviceName;
    std::string chatFormat; // "llama3" | "plain"
    std::string notice; // e.g. fallback to CPU, unknown template: shown to the user, one per line
    std::string deviceNotice; // the lines of notice about the backend and context (not the chat
                              // format), all that matters to a raw prompt
};

// What a load runs on. Auto takes a real GPU when there is one (deviceIndex >= 0: that device), and
// never a CPU-emulated Vulkan device such as lavapipe, which is slower than the CPU backend; notice
// says why Auto chose the CPU. Engine::load and every hearth-cli subcommand decide with it.
struct BackendDecision {
    BackendChoice backend = BackendChoice::Cpu; // Cpu or Vulkan, never Auto
    std::string notice;
};
BackendDecision decideBackend(BackendChoice choice, int deviceIndex = -1);

struct GenerateRequest {
    // Either a conversation (formatted with the model's chat format) or a raw prompt.
    std::vector<ChatMessage> messages;
    std::string rawPrompt;
    bool useChat = true;
    bool parseSpecial = false; // raw prompt only: "<|eot_id|>" etc. in the text become special tokens
    std::string chatDate; // the Llama 3 system header's "Today Date"; empty: the template's default
    // Chat only: the last message is a partial assistant reply to go on writing (the prompt ends inside
    // it, see ChatFormatOptions::continueLastMessage); the pieces are its continuation.
    bool continueLast = false;
    // A long job the user does not watch token by token (a document summary): the engine process runs
    // it at low CPU priority, so the window and the user's other programs keep their cores.
    bool background = false;
    SamplerSettings sampler;
    uint32_t maxTokens = 512;
};

enum class StopReason { EndOfTurn, MaxTokens, ContextFull, Cancelled };

struct GenerateStats {
    uint32_t promptTokens = 0;
    uint32_t reusedTokens = 0; // prompt tokens served from the KV cache
    uint32_t generatedTokens = 0;
    uint32_t droppedMessages = 0; // oldest turns left out to fit the context
    double timeToFirstTokenMs = 0;
    double prefillTokensPerSecond = 0;
    double decodeTokensPerSecond = 0;
    StopReason stopReason = StopReason::EndOfTurn;
};

class Engine {
public:
    Engine();
    ~Engine();

    static std::vector<DeviceInfo> devices();

    Status load(const LoadOptions& options);
    void unload();
    bool loaded() const;
    const ModelInfo& info() const;

    // Streams each complete UTF-8 piece to `onPiece`; stops when it returns false or `cancel` is set.
    Result<GenerateStats> generate(const GenerateRequest& request,
        const std::function<bool(std::string_view piece)>& onPiece,
        const std::atomic<bool>* cancel = nullptr);

    // Token count of a text under the loaded tokenizer (for document chunking).
    Result<uint32_t> countTokens(std::string_view text) const;
    // Token count of a conversation as generate() would prompt it: the chat format's tokens included,
    // nothing dropped (for sizing document parts so that every prompt fits).
    Result<uint32_t> countPromptTokens(const std::vector<ChatMessage>& messages) const;

    // Forgets the KV cache contents (the next generate prefills from scratch).
    void resetCache();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace hearth
