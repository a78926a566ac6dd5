// The Vulkan loader (libvulkan.so.1), opened at run time instead of linked. A machine without it (no
// GPU driver installed, a minimal VM) still starts the engine, which then runs on the CPU and says why;
// a linked loader would stop the process before main.
//
// Every file of the backend includes this header instead of <vulkan/vulkan.h>: the target compiles
// with VK_NO_PROTOTYPES, and the functions below are pointers in hearth::vk with the API's names, so
// the call sites read as plain Vulkan. They are taken from the loader's exports (it exports every core
// command, each dispatching on its handle), so one set serves every instance and device. Extension
// commands (debug utils) are still fetched through vkGetInstanceProcAddr where they are used.
#pragma once

#include "util/result.h"

#include <string>
#include <vulkan/vulkan.h>

#define HEARTH_VULKAN_FUNCTIONS(X)                                                                           \
    X(vkGetInstanceProcAddr)                                                                                 \
    X(vkCreateInstance)                                                                                      \
    X(vkDestroyInstance)                                                                                     \
    X(vkEnumerateInstanceLayerProperties)                                                                    \
    X(vkEnumerateInstanceExtensionProperties)                                                                \
    X(vkEnumeratePhysicalDevices)                                                                            \
    X(vkEnumerateDeviceExtensionProperties)                                                                  \
    X(vkGetPhysicalDeviceProperties)                                                                         \
    X(vkGetPhysicalDeviceProperties2)                                                                        \
    X(vkGetPhysicalDeviceFeatures2)                                                                          \
    X(vkGetPhysicalDeviceMemoryProperties)                                                                   \
    X(vkGetPhysicalDeviceQueueFamilyProperties)                                                              \
    X(vkCreateDevice)                                                                                        \
    X(vkDestroyDevice)                                                                                       \
    X(vkGetDeviceQueue)                                                                                      \
    X(vkDeviceWaitIdle)                                                                                      \
    X(vkQueueSubmit)                                                                                         \
    X(vkAllocateMemory)                                                                                      \
    X(vkFreeMemory)                                                                                          \
    X(vkMapMemory)                                                                                           \
    X(vkInvalidateMappedMemoryRanges)                                                                        \
    X(vkCreateBuffer)                                                                                        \
    X(vkDestroyBuffer)                                                                                       \
    X(vkGetBufferMemoryRequirements)                                                                         \
    X(vkBindBufferMemory)                                                                                    \
    X(vkCreateBufferView)                                                                                    \
    X(vkDestroyBufferView)                                                                                   \
    X(vkCreateShaderModule)                                                                                  \
    X(vkDestroyShaderModule)                                                                                 \
    X(vkCreatePipelineCache)                                                                                 \
    X(vkDestroyPipelineCache)                                                                                \
    X(vkGetPipelineCacheData)                                                                                \
    X(vkCreateComputePipelines)                                                                              \
    X(vkDestroyPipeline)                                                                                     \
    X(vkCreatePipelineLayout)                                                                                \
    X(vkDestroyPipelineLayout)                                                                               \
    X(vkCreateDescriptorSetLayout)                                                                           \
    X(vkDestroyDescriptorSetLayout)                                                                          \
    X(vkCreateDescriptorPool)                                                                                \
    X(vkDestroyDescriptorPool)                                                                               \
    X(vkAllocateDescriptorSets)                                                                              \
    X(vkUpdateDescriptorSets)                                                                                \
    X(vkCreateCommandPool)                                                                                   \
    X(vkDestroyCommandPool)                                                                                  \
    X(vkAllocateCommandBuffers)                                                                              \
    X(vkBeginCommandBuffer)                                                                                  \
    X(vkEndCommandBuffer)                                                                                    \
    X(vkResetCommandBuffer)                                                                                  \
    X(vkCreateFence)                                                                                         \
    X(vkDestroyFence)                                                                                        \
    X(vkResetFences)                                                                                         \
    X(vkWaitForFences)                                                                                       \
    X(vkCreateQueryPool)                                                                                     \
    X(vkDestroyQueryPool)                                                                                    \
    X(vkGetQueryPoolResults)                                                                                 \
    X(vkCmdBindPipeline)                                                                                     \
    X(vkCmdBindDescriptorSets)                                                                               \
    X(vkCmdPushConstants)                                                                                    \
    X(vkCmdDispatch)                                                                                         \
    X(vkCmdPipelineBarrier)                                                                                  \
    X(vkCmdCopyBuffer)                                                                                       \
    X(vkCmdFillBuffer)                                                                                       \
    X(vkCmdResetQueryPool)                                                                                   \
    X(vkCmdWriteTimestamp)

namespace hearth::vk {

#define HEARTH_DECLARE_VULKAN_FUNCTION(name) extern PFN_##name name;
HEARTH_VULKAN_FUNCTIONS(HEARTH_DECLARE_VULKAN_FUNCTION)
#undef HEARTH_DECLARE_VULKAN_FUNCTION

// Opens the loader once per process and fills the pointers above. HEARTH_VULKAN_LOADER names another
// library file (an unusual install; tests use a missing one). Errors (NoDevice): no loader, or one too
// old to export Vulkan 1.2's commands, with what to install.
Status loadVulkan();

} // namespace hearth::vk
