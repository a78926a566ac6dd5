// FakeInference: see fakeinference.h for the script it follows.
#include "fakeinference.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <thread>
#include <unistd.h>

namespace hearth::test {

namespace {
constexpr uint32_t kFakeGpuPositions = 1024;
}

std::vector<DeviceInfo> FakeInference::devices()
{
    return { DeviceInfo { -1, "CPU", "cpu", 0 }, DeviceInfo { 0, "Fake GPU", "virtual", 1u << 30 } };
}

Status FakeInference::load(const LoadOptions& options)
{
    std::ifstream file(options.modelPath, std::ios::binary);
    if (!file) return makeError(ErrorCode::FileNotFound, "cannot open " + options.modelPath);
    char magic[4] = {};
    file.read(magic, 4);
    if (std::string(magic, 4) != "GGUF")
        return makeError(ErrorCode::BadFormat, options.modelPath + " is not a GGUF file");
    const bool gpu = options.backend == BackendChoice::Vulkan;
    uint32_t context = options.contextLength ? options.contextLength : 512;
    std::string notice;
    if (gpu && context > kFakeGpuPositions) {
        // As hearth::Engine: a bad file leaves the loaded model alone, but the GPU's memory is only
        // asked for once the old model has let go of it, so this failure leaves nothing loaded.
        if (!options.fitContext) {
            m_loaded = false;
            return makeError(ErrorCode::OutOfMemory,
                "the model needs 600 MiB of device memory with a context of " + std::to_string(context)
                    + ", Fake GPU has 512 MiB: try a context of " + std::to_string(kFakeGpuPositions)
                    + " tokens or the CPU backend");
        }
        notice = "The context is " + std::to_string(kFakeGpuPositions) + " tokens, not "
            + std::to_string(context) + ", so that the model fits in Fake GPU's memory.";
        context = kFakeGpuPositions;
    }
    for (float f : { 0.0f, 0.5f, 1.0f })
        if (options.progress) options.progress(f);
    // Tuning on the fake GPU: timed on a model's first load there, remembered after.
    if (gpu && options.tuneKernels && m_tunedModels.insert(options.modelPath).second)
        for (float f : { 0.0f, 0.5f, 1.0f }) {
            if (options.tuningProgress) options.tuningProgress(f);
            std::this_thread::sleep_for(std::chrono::milliseconds(100)); // long enough to be seen
        }
    m_info = {};
    const auto slash = options.modelPath.find_last_of('/');
    m_info.name = options.modelPath.substr(slash == std::string::npos ? 0 : slash + 1);
    m_info.path = options.modelPath;
    m_info.architecture = "llama";
    m_info.parameterCount = 260000;
    m_info.quantization = "F32";
    m_info.contextLength = context;
    m_info.trainedContext = 512;
    m_info.vocabSize = 512;
    m_info.backend = gpu ? "vulkan" : "cpu";
    m_info.deviceName = gpu ? "Fake GPU" : "CPU";
    m_info.notice = notice;
    m_info.chatFormat = "plain";
    m_loaded = true;
    return Ok {};
}

namespace {
int niceOfThisThread()
{
    return getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)));
}
} // namespace

Result<GenerateStats> FakeInference::generate(const GenerateRequest& request,
    const std::function<bool(std::string_view)>& onPiece, const std::atomic<bool>* cancel)
{
    std::string lastUser;
    std::string system;
    std::vector<size_t> words;
    size_t promptWords = 0;
    for (const ChatMessage& m : request.messages) {
        if (m.role == "user") lastUser = m.content;
        if (m.role == "system") system = m.content;
        words.push_back(1 + size_t(std::count(m.content.begin(), m.content.end(), ' ')));
        promptWords += words.back();
    }
    // Context overflow as the engine reports it: oldest non-system messages dropped until the
    // prompt (one token per word here) fits the context, the last message always kept.
    uint32_t dropped = 0;
    for (size_t i = 0; i + 1 < words.size() && promptWords > m_info.contextLength; ++i) {
        if (request.messages[i].role == "system") continue;
        promptWords -= words[i];
        ++dropped;
    }
    if (lastUser == "crash now") std::abort(); // the simulated driver fault the GUI must survive
    if (lastUser == "device lost") return makeError(ErrorCode::DeviceLost, "the fake GPU was lost");

    const char* delayEnv = std::getenv("HEARTH_FAKE_DELAY_MS");
    const int delayMs = delayEnv ? std::atoi(delayEnv) : 2;
    GenerateStats stats;
    stats.promptTokens = uint32_t(promptWords);
    stats.droppedMessages = dropped;
    stats.reusedTokens = uint32_t(std::min(promptWords, m_lastPromptWords));
    m_lastPromptWords = promptWords;
    const auto start = std::chrono::steady_clock::now();
    for (uint32_t i = 0; i < request.maxTokens; ++i) {
        if (cancel && cancel->load()) {
            stats.stopReason = StopReason::Cancelled;
            return stats;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(delayMs));
        // "system? ..." echoes what the model was told as the system message instead.
        const std::string echoed = lastUser.rfind("system?", 0) == 0 ? system
            : lastUser == "nice?" ? "nice " + std::to_string(niceOfThisThread())
                                  : lastUser;
        const std::string piece = request.continueLast ? " c" + std::to_string(i + 1)
            : i == 0                                   ? "Echo: " + echoed
                                                       : " w" + std::to_string(i);
        if (i == 0)
            stats.timeToFirstTokenMs
                = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        ++stats.generatedTokens;
        if (!onPiece(piece)) {
            stats.stopReason = StopReason::Cancelled;
            return stats;
        }
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    stats.decodeTokensPerSecond = seconds > 0 ? stats.generatedTokens / seconds : 0;
    stats.stopReason = StopReason::MaxTokens;
    return stats;
}

} // namespace hearth::test
