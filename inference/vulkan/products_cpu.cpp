#include "vulkan/products_cpu.h"

namespace hearth::vk {

bool recordCpuMatVec(Recorder&, const GpuMatrix&, Activation, uint32_t, Activation, bool) { return false; }

bool recordCpuSwigluMatVec(Recorder&, const GpuMatrix&, Activation, uint32_t, Activation) { return false; }

}  // namespace hearth::vk
