#include "vulkan/loader.h"

#include <cstdlib>
#include <cstring>
#include <mutex>

#ifdef _WIN32
#include <windows.h>
#else
#include <dlfcn.h>
#endif

namespace hearth::vk {

#define HEARTH_DEFINE_VULKAN_FUNCTION(name) PFN_##name name = nullptr;
HEARTH_VULKAN_FUNCTIONS(HEARTH_DEFINE_VULKAN_FUNCTION)
#undef HEARTH_DEFINE_VULKAN_FUNCTION

namespace {

#if defined(_WIN32)
constexpr const char* kLoaderName = "vulkan-1.dll";
#elif defined(__APPLE__)
constexpr const char* kLoaderName = "libvulkan.1.dylib";
#else
constexpr const char* kLoaderName = "libvulkan.so.1";
#endif

// The library stays open for the life of the process: Vulkan objects may outlive any one user.
struct Library {
    void* handle = nullptr;
    std::string error; // when it exists but cannot be opened; empty when it is not there
};

Library openLibrary(const std::string& path)
{
    Library lib;
#ifdef _WIN32
    lib.handle = reinterpret_cast<void*>(LoadLibraryA(path.c_str()));
    if (!lib.handle) lib.error = GetLastError() == ERROR_MOD_NOT_FOUND ? "" : std::to_string(GetLastError());
#else
    lib.handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!lib.handle) {
        const char* why = dlerror();
        lib.error = why && !std::strstr(why, "No such file") ? why : "";
    }
#endif
    return lib;
}

void* symbol(void* handle, const char* name)
{
#ifdef _WIN32
    return reinterpret_cast<void*>(GetProcAddress(reinterpret_cast<HMODULE>(handle), name));
#else
    return dlsym(handle, name);
#endif
}

Status load()
{
    const char* override = std::getenv("HEARTH_VULKAN_LOADER");
    const std::string path = override && *override ? override : kLoaderName;
    const Library lib = openLibrary(path);
    if (!lib.handle)
        return makeError(ErrorCode::NoDevice,
            "Vulkan is not installed (" + path
                + (lib.error.empty() ? " was not found" : " could not be opened: " + lib.error)
                + "); install your GPU's Vulkan driver (on Debian: libvulkan1 with mesa-vulkan-drivers, or "
                  "your GPU vendor's driver)");
    std::string missing;
#define HEARTH_LOAD_VULKAN_FUNCTION(name)                                                                    \
    name = reinterpret_cast<PFN_##name>(symbol(lib.handle, #name));                                          \
    if (!name && missing.empty()) missing = #name;
    HEARTH_VULKAN_FUNCTIONS(HEARTH_LOAD_VULKAN_FUNCTION)
#undef HEARTH_LOAD_VULKAN_FUNCTION
    if (!missing.empty())
        return makeError(ErrorCode::NoDevice,
            "the Vulkan loader " + path + " is too old (it lacks " + missing
                + "; Hearth needs Vulkan 1.2): update your GPU's Vulkan driver");
    return Ok {};
}

} // namespace

Status loadVulkan()
{
    static std::once_flag once;
    static Status result = Ok {};
    std::call_once(once, [] { result = load(); });
    return result;
}

} // namespace hearth::vk
