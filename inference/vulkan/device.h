// The Vulkan instance and one logical device with its compute queue: picking the device (discrete >
// integrated > virtual > CPU), checking what the shaders need, and the validation-layer messenger.
#pragma once

#include "engine.h"
#include "util/result.h"
#include "vulkan/loader.h"

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace hearth::vk {

// Optional device capabilities. The shaders read weights as 32-bit words and compute in f32, so none
// is required; they are reported by `hearth-cli devices` and left for faster variants.
struct DeviceFeatures {
    bool storage16 = false; // storageBuffer16BitAccess
    bool storage8 = false; // storageBuffer8BitAccess
    bool float16 = false; // shaderFloat16
    bool int8 = false; // shaderInt8
    bool int64 = false; // shaderInt64 (reported only: no shader needs it)
    // shaderIntegerDotProduct (VK_KHR_shader_integer_dot_product), enabled when present: packed 4 x 8-bit
    // dot products (mul_mat_vec_q8, products_q8.h)
    bool intDot = false;
};

class Device {
public:
    // index < 0 picks the best device. validation: enable VK_LAYER_KHRONOS_validation and count its
    // messages (also when HEARTH_VULKAN_VALIDATION=1).
    static Result<std::unique_ptr<Device>> create(int index, bool validation = false);
    ~Device();
    Device(const Device&) = delete;
    Device& operator=(const Device&) = delete;

    VkDevice handle() const { return m_device; }
    VkPhysicalDevice physical() const { return m_physical; }
    VkQueue queue() const { return m_queue; }
    uint32_t queueFamily() const { return m_queueFamily; }
    const VkPhysicalDeviceProperties& properties() const { return m_properties; }
    const VkPhysicalDeviceMemoryProperties& memoryProperties() const { return m_memory; }
    const DeviceFeatures& features() const { return m_features; }
    std::string name() const { return m_properties.deviceName; }
    int index() const { return m_index; }
    // deviceUUID in hex: the same physical device across processes and driver updates.
    const std::string& uuid() const { return m_uuid; }

    // Largest buffer a shader may bind, and largest single allocation.
    uint64_t maxStorageBufferRange() const { return m_properties.limits.maxStorageBufferRange; }
    uint64_t maxAllocationSize() const { return m_maxAllocation; }
    // Invocations per subgroup (lavapipe: its SIMD width in 32-bit lanes, 4 to 16).
    uint32_t subgroupSize() const { return m_subgroupSize; }
    uint64_t storageAlignment() const;
    // Size of the largest device-local heap (what the model must fit in).
    uint64_t deviceLocalBytes() const;

    // Tests only: the next queue submit on this device fails with `result` without reaching the GPU,
    // as a driver reports a lost device or exhausted memory (Recorder takes it).
    void failNextSubmit(VkResult result) const { m_injectedFault = result; }
    VkResult takeInjectedFault() const { return std::exchange(m_injectedFault, VK_SUCCESS); }

private:
    Device() = default;

    VkInstance m_instance = VK_NULL_HANDLE;
    VkDebugUtilsMessengerEXT m_messenger = VK_NULL_HANDLE;
    VkPhysicalDevice m_physical = VK_NULL_HANDLE;
    VkDevice m_device = VK_NULL_HANDLE;
    VkQueue m_queue = VK_NULL_HANDLE;
    uint32_t m_queueFamily = 0;
    int m_index = -1;
    std::string m_uuid;
    VkPhysicalDeviceProperties m_properties {};
    VkPhysicalDeviceMemoryProperties m_memory {};
    uint64_t m_maxAllocation = 1ull << 30;
    uint32_t m_subgroupSize = 1;
    DeviceFeatures m_features;
    mutable VkResult m_injectedFault = VK_SUCCESS;
};

// Warnings and errors reported by the validation layers since the process started (tests assert 0).
uint32_t validationMessageCount();
// Whether validation was asked for but VK_LAYER_KHRONOS_validation is not installed, so that a count
// of 0 above means nothing (the validation test runs fail on it).
bool validationLayerMissing();

// Every physical device, best first; empty when there is no loader or device.
std::vector<DeviceInfo> enumerateDevices();
// Why enumerateDevices() finds nothing: no loader, no driver, no device, or none that can run Hearth
// (each with its reason); empty when some device is usable.
std::string noDeviceReason();

// "VK_ERROR_OUT_OF_DEVICE_MEMORY (-2)" and the matching ErrorCode.
std::string resultName(VkResult result);
Error vulkanError(VkResult result, const std::string& what);

} // namespace hearth::vk
