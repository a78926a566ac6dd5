// hearth-cli devices: the compute devices Hearth can use, best first — the index is what --device takes.
#include "args.h"
#include "command.h"
#include "cpu/cpu_features.h"
#include "cpu/kernels.h"
#include "vulkan/vulkan_backend.h"

#include <cstdio>
#include <thread>

namespace {

int runDevices(const std::vector<std::string>& argv)
{
    const hearth::cli::Args args(argv, {});
    if (!args.error().empty() || !args.positionals().empty()) {
        std::fprintf(stderr, "usage: hearth-cli devices\n");
        return 2;
    }
    const auto devices = hearth::listVulkanDevices();
    std::printf("%-7s %-8s %-11s %-10s %s\n", "index", "backend", "type", "memory", "name");
    for (const hearth::DeviceInfo& d : devices)
        std::printf("%-7d %-8s %-11s %6.1f GiB %s\n", d.index, "vulkan", d.type.c_str(),
            double(d.memoryBytes) / double(1ull << 30), d.name.c_str());
    // The CPU: the instruction-set path the kernels take, and the threads the backend uses by default.
    std::printf("%-7s %-8s %-11s %-10s %s, %d cores (%u hardware threads)\n", "-", "cpu", "cpu", "-",
        hearth::cpuDeviceName().c_str(), hearth::cpu::physicalCoreCount(),
        std::thread::hardware_concurrency());
    if (devices.empty())
        std::printf(
            "\nno Vulkan device: %s\nHearth runs on the CPU\n", hearth::noVulkanDeviceReason().c_str());
    else
        std::printf("\ndefault: vulkan device %d (%s); choose another with --device N\n", devices[0].index,
            devices[0].name.c_str());
    return 0;
}

} // namespace

HEARTH_CLI_COMMAND("devices", "list the Vulkan devices (best first) and the CPU", runDevices);
