// hearth-cli tune -m MODEL [--device N] [--json] [--cache FILE] [--budget SECONDS] [--context N] [--batch N]
// Tunes the GPU kernels for MODEL on a Vulkan device as the first load does (inference/vulkan/tuner.h)
// and prints what it tried: each candidate variant with its time, whether its output matched the
// reference kernel, and the choice per question. A choice already in the cache file (by default the
// user's, $XDG_CACHE_HOME/hearth/kernel-tuning.txt) is reused without timing: "cached". With --json:
// one object with "device", "cached", "seconds", "config", "choices" and "trials".
#include "args.h"
#include "command.h"
#include "model_file.h"
#include "vulkan/vulkan_backend.h"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

int fail(const std::string& message)
{
    std::fprintf(stderr, "tune: %s\n", message.c_str());
    return 1;
}

// The file the app keeps its choices in: beside its pipeline cache in the XDG cache folder.
std::string defaultCachePath()
{
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
        return std::string(xdg) + "/hearth/kernel-tuning.txt";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::string(home) + "/.cache/hearth/kernel-tuning.txt";
    return "";
}

bool parseNumber(const std::string& text, double& out)
{
    char* end = nullptr;
    out = std::strtod(text.c_str(), &end);
    return !text.empty() && end && *end == '\0' && out >= 0;
}

int runTune(const std::vector<std::string>& argv)
{
    const hearth::cli::Args args(argv, { "-m", "--device", "--cache", "--budget", "--context", "--batch" });
    const auto model = args.value("-m");
    double device = -1, budget = 4, context = 4096, batch = 512;
    const bool parsed = args.value("--device") ? parseNumber(*args.value("--device"), device) : true;
    if (!args.error().empty() || !model || !args.positionals().empty() || !parsed
        || !parseNumber(args.value("--budget", "4"), budget)
        || !parseNumber(args.value("--context", "4096"), context)
        || !parseNumber(args.value("--batch", "512"), batch) || context < 1 || batch < 1) {
        if (!args.error().empty()) std::fprintf(stderr, "tune: %s\n", args.error().c_str());
        std::fprintf(stderr,
            "usage: hearth-cli tune -m MODEL [--device N] [--json] [--cache FILE] [--budget SECONDS] "
            "[--context N] [--batch N]\n");
        return 2;
    }
    auto opened = hearth::cli::openModelFile(*model);
    if (!opened) return fail(opened.error().message);

    hearth::VulkanOptions options;
    options.deviceIndex = int(device);
    options.contextLength = uint32_t(context);
    options.maxBatch = uint32_t(batch);
    options.fitContext = true;
    options.tuning.enabled = true;
    options.tuning.cachePath = args.value("--cache", defaultCachePath());
    options.tuning.budgetSeconds = budget;
    const bool json = args.has("--json");
    if (!json)
        options.tuning.progress = [](float fraction, const std::string& what) {
            std::fprintf(stderr, "\r%3d%% %-60.60s", int(fraction * 100), what.c_str());
        };
    auto backend = hearth::createVulkanBackend(*opened->file, opened->weights, opened->config, options);
    if (!json) std::fprintf(stderr, "\r%-66s\r", "");
    if (!backend) return fail(backend.error().message);
    const hearth::KernelTuningReport* report = hearth::vulkanTuningReport(**backend);
    if (!report) return fail("the backend made no tuning report");
    std::printf(
        "%s", json ? hearth::tuningReportJson(*report).c_str() : hearth::tuningReportTable(*report).c_str());
    return 0;
}

} // namespace

HEARTH_CLI_COMMAND("tune",
    "tune the GPU kernels for a model on this device, or show the cached choice (-m MODEL [--device N] "
    "[--json] [--cache FILE] [--budget SECONDS])",
    runTune);
