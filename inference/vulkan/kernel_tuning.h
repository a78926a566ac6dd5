// Tuning the hot kernels on the user's device (public part, included by vulkan_backend.h): what the
// caller asks for (VulkanTuning) and what it gets back (KernelTuningReport). The tuner itself is
// tuner.h; its choices live in a file the caller names (tuning_cache.h).
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace hearth {

struct VulkanTuning {
    // On: the first load of a model on a device times the candidate kernels at the model's shapes and
    // keeps the fastest valid ones; later loads take them from the cache file without timing. Off:
    // the device's safe defaults.
    bool enabled = false;
    std::string cachePath; // the choices file (the app's XDG cache folder); empty: tune every load
    double budgetSeconds = 4.0; // questions not finished within it keep their default, uncached
    // 0..1 and what is being timed, while tuning (not called when everything came from the cache).
    std::function<void(float fraction, const std::string& what)> progress;
    // Tests only: every question gets one more candidate, the fastest of all, that computes wrong
    // results (it fills the output with a constant), which the tuner must reject.
    bool injectWrongVariant = false;
};

// One candidate the tuner tried on one question.
struct KernelTrial {
    std::string question; // "decode mat-vec q4_0", "decode attention", ...
    std::string variant; // "16x64", "cpu", "splits=4", "tile128", "injected-wrong"
    double microseconds = -1; // per run, best of a few; -1 when not timed
    bool valid = false; // matched the reference kernel (the question's default) twice
    bool chosen = false;
    std::string note; // why rejected, or "not tried: budget"
};

// The choice made for one question.
struct KernelChoice {
    std::string question;
    std::string shape; // the model's shape it was timed at: "2x(96x64)+(512x64)", "heads=8 ..."
    std::string variant;
    bool cached = false; // taken from the cache file without timing
    bool complete = true; // every candidate tried (only complete choices are cached)
};

struct KernelTuningReport {
    std::string device;
    bool cached = false; // every choice came from the cache: nothing was timed
    double seconds = 0; // spent tuning (compiling, checking and timing)
    std::vector<KernelChoice> choices;
    std::vector<KernelTrial> trials; // empty when cached
    std::string config; // the resulting kernel config, for messages
    std::string warning; // e.g. the cache file could not be written
};

// The report as `hearth-cli tune` prints it: a table of every trial (variant, time, valid or why
// rejected, chosen) and the choices; or one JSON object with "device", "cached", "seconds", "config",
// "choices" and "trials".
std::string tuningReportTable(const KernelTuningReport& report);
std::string tuningReportJson(const KernelTuningReport& report);

} // namespace hearth
