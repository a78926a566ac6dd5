#include "vulkan/device.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace hearth::vk {
namespace {

std::atomic<uint32_t> g_validationMessages { 0 };
std::atomic<bool> g_validationLayerMissing { false };

VKAPI_ATTR VkBool32 VKAPI_CALL onDebugMessage(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
    VkDebugUtilsMessageTypeFlagsEXT, const VkDebugUtilsMessengerCallbackDataEXT* data, void*)
{
    if (severity >= VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT) {
        g_validationMessages.fetch_add(1);
        std::fprintf(stderr, "[vulkan] %s\n", data && data->pMessage ? data->pMessage : "(no message)");
    }
    return VK_FALSE;
}

bool envFlag(const char* name)
{
    const char* v = std::getenv(name);
    return v && std::strcmp(v, "1") == 0;
}

bool listed(const std::vector<VkExtensionProperties>& extensions, const char* name)
{
    for (const auto& e : extensions)
        if (!std::strcmp(e.extensionName, name)) return true;
    return false;
}

bool hasInstanceExtension(const char* name)
{
    uint32_t count = 0;
    vkEnumerateInstanceExtensionProperties(nullptr, &count, nullptr);
    std::vector<VkExtensionProperties> exts(count);
    vkEnumerateInstanceExtensionProperties(nullptr, &count, exts.data());
    return listed(exts, name);
}

bool hasDeviceExtension(VkPhysicalDevice device, const char* name)
{
    uint32_t count = 0;
    vkEnumerateDeviceExtensionProperties(device, nullptr, &count, nullptr);
    std::vector<VkExtensionProperties> exts(count);
    vkEnumerateDeviceExtensionProperties(device, nullptr, &count, exts.data());
    return listed(exts, name);
}

bool hasLayer(const char* name)
{
    uint32_t count = 0;
    vkEnumerateInstanceLayerProperties(&count, nullptr);
    std::vector<VkLayerProperties> layers(count);
    vkEnumerateInstanceLayerProperties(&count, layers.data());
    for (const auto& l : layers)
        if (!std::strcmp(l.layerName, name)) return true;
    return false;
}

const char* typeName(VkPhysicalDeviceType type)
{
    switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
        return "discrete";
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
        return "integrated";
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
        return "virtual";
    case VK_PHYSICAL_DEVICE_TYPE_CPU:
        return "cpu";
    default:
        return "other";
    }
}

// Lower is better: discrete, integrated, virtual, CPU (lavapipe), other.
int typeRank(VkPhysicalDeviceType type)
{
    switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
        return 0;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
        return 1;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
        return 2;
    case VK_PHYSICAL_DEVICE_TYPE_CPU:
        return 3;
    default:
        return 4;
    }
}

uint64_t localHeapBytes(VkPhysicalDevice device)
{
    VkPhysicalDeviceMemoryProperties mem;
    vkGetPhysicalDeviceMemoryProperties(device, &mem);
    uint64_t best = 0;
    for (uint32_t i = 0; i < mem.memoryHeapCount; ++i)
        if (mem.memoryHeaps[i].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT)
            best = std::max<uint64_t>(best, mem.memoryHeaps[i].size);
    return best;
}

// A bare instance for enumeration or for a device; validation adds the layer and the messenger.
VkResult createInstance(bool validation, VkInstance* instance, bool* debugUtils)
{
    VkApplicationInfo app { VK_STRUCTURE_TYPE_APPLICATION_INFO };
    app.pApplicationName = "Hearth";
    app.pEngineName = "Hearth";
    app.apiVersion = VK_API_VERSION_1_2;
    std::vector<const char*> layers;
    std::vector<const char*> extensions;
    *debugUtils = hasInstanceExtension(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
    if (*debugUtils) extensions.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
    if (validation && hasLayer("VK_LAYER_KHRONOS_validation"))
        layers.push_back("VK_LAYER_KHRONOS_validation");
    else if (validation)
        g_validationLayerMissing = true;
    VkInstanceCreateInfo info { VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO };
    info.pApplicationInfo = &app;
    info.enabledLayerCount = uint32_t(layers.size());
    info.ppEnabledLayerNames = layers.data();
    info.enabledExtensionCount = uint32_t(extensions.size());
    info.ppEnabledExtensionNames = extensions.data();
    return vkCreateInstance(&info, nullptr, instance);
}

// Physical devices that can run our shaders (Vulkan 1.2, compute queue, subgroup arithmetic), in
// Vulkan's enumeration order.
std::vector<VkPhysicalDevice> physicalDevices(VkInstance instance)
{
    uint32_t count = 0;
    vkEnumeratePhysicalDevices(instance, &count, nullptr);
    std::vector<VkPhysicalDevice> devices(count);
    vkEnumeratePhysicalDevices(instance, &count, devices.data());
    return devices;
}

bool usable(VkPhysicalDevice device, std::string* why)
{
    VkPhysicalDeviceProperties props;
    vkGetPhysicalDeviceProperties(device, &props);
    if (props.apiVersion < VK_API_VERSION_1_2) {
        *why = "needs Vulkan 1.2";
        return false;
    }
    VkPhysicalDeviceSubgroupProperties subgroup { VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES };
    VkPhysicalDeviceProperties2 props2 { VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2 };
    props2.pNext = &subgroup;
    vkGetPhysicalDeviceProperties2(device, &props2);
    if (!(subgroup.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT)
        || !(subgroup.supportedOperations & VK_SUBGROUP_FEATURE_ARITHMETIC_BIT)) {
        *why = "no subgroup arithmetic in compute shaders";
        return false;
    }
    // The products' reductions keep one partial sum per subgroup, for up to a quarter of the workgroup.
    if (subgroup.subgroupSize < 4) {
        *why = "subgroups of fewer than 4 invocations";
        return false;
    }
    return true;
}

} // namespace

uint32_t validationMessageCount()
{
    return g_validationMessages.load();
}
bool validationLayerMissing()
{
    return g_validationLayerMissing.load();
}

std::string resultName(VkResult result)
{
    const char* name = "VK_ERROR";
    switch (result) {
    case VK_ERROR_OUT_OF_HOST_MEMORY:
        name = "VK_ERROR_OUT_OF_HOST_MEMORY";
        break;
    case VK_ERROR_OUT_OF_DEVICE_MEMORY:
        name = "VK_ERROR_OUT_OF_DEVICE_MEMORY";
        break;
    case VK_ERROR_INITIALIZATION_FAILED:
        name = "VK_ERROR_INITIALIZATION_FAILED";
        break;
    case VK_ERROR_DEVICE_LOST:
        name = "VK_ERROR_DEVICE_LOST";
        break;
    case VK_ERROR_INCOMPATIBLE_DRIVER:
        name = "VK_ERROR_INCOMPATIBLE_DRIVER";
        break;
    case VK_ERROR_LAYER_NOT_PRESENT:
        name = "VK_ERROR_LAYER_NOT_PRESENT";
        break;
    case VK_ERROR_EXTENSION_NOT_PRESENT:
        name = "VK_ERROR_EXTENSION_NOT_PRESENT";
        break;
    case VK_ERROR_FEATURE_NOT_PRESENT:
        name = "VK_ERROR_FEATURE_NOT_PRESENT";
        break;
    case VK_TIMEOUT:
        name = "VK_TIMEOUT";
        break;
    default:
        break;
    }
    return std::string(name) + " (" + std::to_string(int(result)) + ")";
}

Error vulkanError(VkResult result, const std::string& what)
{
    ErrorCode code = ErrorCode::Internal;
    if (result == VK_ERROR_OUT_OF_DEVICE_MEMORY || result == VK_ERROR_OUT_OF_HOST_MEMORY)
        code = ErrorCode::OutOfMemory;
    else if (result == VK_ERROR_DEVICE_LOST)
        code = ErrorCode::DeviceLost;
    else if (result == VK_ERROR_INCOMPATIBLE_DRIVER || result == VK_ERROR_INITIALIZATION_FAILED)
        code = ErrorCode::NoDevice;
    return makeError(code, what + " failed: " + resultName(result));
}

std::vector<DeviceInfo> enumerateDevices()
{
    std::vector<DeviceInfo> result;
    VkInstance instance = VK_NULL_HANDLE;
    bool debugUtils = false;
    if (!loadVulkan().ok() || createInstance(false, &instance, &debugUtils) != VK_SUCCESS) return result;
    const auto devices = physicalDevices(instance);
    std::vector<std::pair<int, DeviceInfo>> ranked;
    for (size_t i = 0; i < devices.size(); ++i) {
        std::string why;
        if (!usable(devices[i], &why)) continue;
        VkPhysicalDeviceProperties props;
        vkGetPhysicalDeviceProperties(devices[i], &props);
        DeviceInfo info;
        info.index = int(i);
        info.name = props.deviceName;
        info.type = typeName(props.deviceType);
        info.memoryBytes = localHeapBytes(devices[i]);
        ranked.push_back({ typeRank(props.deviceType), info });
    }
    std::stable_sort(
        ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [rank, info] : ranked)
        result.push_back(std::move(info));
    vkDestroyInstance(instance, nullptr);
    return result;
}

namespace {

// vkCreateInstance failed: the loader is there, no driver answered.
std::string noDriver(VkResult result)
{
    return "no Vulkan driver is installed (vkCreateInstance: " + resultName(result)
        + "); install your GPU's Vulkan driver";
}

} // namespace

std::string noDeviceReason()
{
    if (Status loaded = loadVulkan(); !loaded.ok()) return loaded.error().message;
    VkInstance instance = VK_NULL_HANDLE;
    bool debugUtils = false;
    if (VkResult vr = createInstance(false, &instance, &debugUtils); vr != VK_SUCCESS) return noDriver(vr);
    const auto devices = physicalDevices(instance);
    std::string reason = devices.empty() ? "the Vulkan driver reports no device" : "";
    for (VkPhysicalDevice device : devices) {
        std::string why;
        if (usable(device, &why)) continue;
        VkPhysicalDeviceProperties props;
        vkGetPhysicalDeviceProperties(device, &props);
        reason += (reason.empty() ? "" : "; ") + std::string(props.deviceName) + " cannot run Hearth: " + why;
    }
    vkDestroyInstance(instance, nullptr);
    return reason;
}

Result<std::unique_ptr<Device>> Device::create(int index, bool validation)
{
    validation = validation || envFlag("HEARTH_VULKAN_VALIDATION");
    if (Status loaded = loadVulkan(); !loaded.ok()) return loaded.error();
    std::unique_ptr<Device> dev(new Device());
    bool debugUtils = false;
    VkResult vr = createInstance(validation, &dev->m_instance, &debugUtils);
    if (vr != VK_SUCCESS) return makeError(ErrorCode::NoDevice, noDriver(vr));

    // Count validation messages whenever debug utils exist: a layer enabled through
    // VK_INSTANCE_LAYERS reports here too.
    if (debugUtils) {
        auto createMessenger = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
            vkGetInstanceProcAddr(dev->m_instance, "vkCreateDebugUtilsMessengerEXT"));
        if (createMessenger) {
            VkDebugUtilsMessengerCreateInfoEXT info {
                VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT
            };
            info.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT
                | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
            info.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT
                | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT
                | VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
            info.pfnUserCallback = onDebugMessage;
            createMessenger(dev->m_instance, &info, nullptr, &dev->m_messenger);
        }
    }

    // Pick: the requested index, or the best-ranked usable device.
    const auto devices = physicalDevices(dev->m_instance);
    if (devices.empty()) return makeError(ErrorCode::NoDevice, "no Vulkan device found");
    int chosen = -1;
    std::string why;
    if (index >= 0) {
        if (index >= int(devices.size()))
            return makeError(ErrorCode::NoDevice,
                "Vulkan device " + std::to_string(index) + " does not exist ("
                    + std::to_string(devices.size()) + " found)");
        if (!usable(devices[index], &why))
            return makeError(ErrorCode::Unsupported,
                "Vulkan device " + std::to_string(index) + " cannot run Hearth: " + why);
        chosen = index;
    } else {
        int bestRank = 100;
        for (size_t i = 0; i < devices.size(); ++i) {
            VkPhysicalDeviceProperties props;
            vkGetPhysicalDeviceProperties(devices[i], &props);
            if (usable(devices[i], &why) && typeRank(props.deviceType) < bestRank) {
                bestRank = typeRank(props.deviceType);
                chosen = int(i);
            }
        }
        if (chosen < 0) return makeError(ErrorCode::NoDevice, "no Vulkan device can run Hearth: " + why);
    }
    dev->m_index = chosen;
    dev->m_physical = devices[chosen];
    vkGetPhysicalDeviceProperties(dev->m_physical, &dev->m_properties);
    vkGetPhysicalDeviceMemoryProperties(dev->m_physical, &dev->m_memory);
    VkPhysicalDeviceMaintenance3Properties maint3 {
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_3_PROPERTIES
    };
    VkPhysicalDeviceSubgroupProperties subgroup { VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES };
    VkPhysicalDeviceIDProperties ids { VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ID_PROPERTIES };
    VkPhysicalDeviceProperties2 props2 { VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2 };
    props2.pNext = &maint3;
    maint3.pNext = &subgroup;
    subgroup.pNext = &ids;
    vkGetPhysicalDeviceProperties2(dev->m_physical, &props2);
    static constexpr char kHex[] = "0123456789abcdef";
    for (uint8_t byte : ids.deviceUUID) {
        dev->m_uuid += kHex[byte >> 4];
        dev->m_uuid += kHex[byte & 15];
    }
    dev->m_maxAllocation = maint3.maxMemoryAllocationSize;
    dev->m_subgroupSize = subgroup.subgroupSize;

    // Optional features: queried and reported, not required.
    VkPhysicalDeviceVulkan11Features f11 { VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES };
    VkPhysicalDeviceVulkan12Features f12 { VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES };
    f11.pNext = &f12;
    VkPhysicalDeviceFeatures2 features2 { VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2 };
    features2.pNext = &f11;
    // The instance asks for Vulkan 1.2, so integer dot products come from their extension (core in 1.3).
    const bool intDotExtension
        = hasDeviceExtension(dev->m_physical, VK_KHR_SHADER_INTEGER_DOT_PRODUCT_EXTENSION_NAME);
    VkPhysicalDeviceShaderIntegerDotProductFeaturesKHR intDot {
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_INTEGER_DOT_PRODUCT_FEATURES_KHR
    };
    if (intDotExtension) f12.pNext = &intDot;
    vkGetPhysicalDeviceFeatures2(dev->m_physical, &features2);
    dev->m_features.storage16 = f11.storageBuffer16BitAccess;
    dev->m_features.storage8 = f12.storageBuffer8BitAccess;
    dev->m_features.float16 = f12.shaderFloat16;
    dev->m_features.int8 = f12.shaderInt8;
    dev->m_features.int64 = features2.features.shaderInt64;
    dev->m_features.intDot = intDotExtension && intDot.shaderIntegerDotProduct;

    // A queue family with compute.
    uint32_t familyCount = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(dev->m_physical, &familyCount, nullptr);
    std::vector<VkQueueFamilyProperties> families(familyCount);
    vkGetPhysicalDeviceQueueFamilyProperties(dev->m_physical, &familyCount, families.data());
    int family = -1;
    for (uint32_t i = 0; i < familyCount && family < 0; ++i)
        if (families[i].queueFlags & VK_QUEUE_COMPUTE_BIT) family = int(i);
    if (family < 0) return makeError(ErrorCode::Unsupported, dev->name() + " has no compute queue");
    dev->m_queueFamily = uint32_t(family);

    const float priority = 1.0f;
    VkDeviceQueueCreateInfo queueInfo { VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO };
    queueInfo.queueFamilyIndex = dev->m_queueFamily;
    queueInfo.queueCount = 1;
    queueInfo.pQueuePriorities = &priority;
    VkDeviceCreateInfo info { VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO };
    // Integer dot products for mul_mat_vec_q8, where present (whether they are used is products.h's
    // choice).
    const char* intDotName = VK_KHR_SHADER_INTEGER_DOT_PRODUCT_EXTENSION_NAME;
    VkPhysicalDeviceShaderIntegerDotProductFeaturesKHR enabledIntDot {
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_INTEGER_DOT_PRODUCT_FEATURES_KHR
    };
    if (dev->m_features.intDot) {
        enabledIntDot.shaderIntegerDotProduct = VK_TRUE;
        info.pNext = &enabledIntDot;
        info.enabledExtensionCount = 1;
        info.ppEnabledExtensionNames = &intDotName;
    }
    info.queueCreateInfoCount = 1;
    info.pQueueCreateInfos = &queueInfo;
    vr = vkCreateDevice(dev->m_physical, &info, nullptr, &dev->m_device);
    if (vr != VK_SUCCESS) return vulkanError(vr, "vkCreateDevice on " + dev->name());
    vkGetDeviceQueue(dev->m_device, dev->m_queueFamily, 0, &dev->m_queue);
    return dev;
}

Device::~Device()
{
    if (m_device) vkDestroyDevice(m_device, nullptr);
    if (m_messenger) {
        auto destroy = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
            vkGetInstanceProcAddr(m_instance, "vkDestroyDebugUtilsMessengerEXT"));
        if (destroy) destroy(m_instance, m_messenger, nullptr);
    }
    if (m_instance) vkDestroyInstance(m_instance, nullptr);
}

uint64_t Device::storageAlignment() const
{
    return std::max<uint64_t>(m_properties.limits.minStorageBufferOffsetAlignment, 16);
}

uint64_t Device::deviceLocalBytes() const
{
    return localHeapBytes(m_physical);
}

} // namespace hearth::vk
