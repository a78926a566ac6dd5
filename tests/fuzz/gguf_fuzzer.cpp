// libFuzzer target: any bytes go through GgufFile::fromBytes; whatever is accepted is then read
// through every accessor and every tensor's first and last block is dequantized, so ASan/UBSan
// catch any read the validation failed to bound.
#include "gguf/gguf.h"
#include "quant/dequant.h"

#include <cstddef>
#include <cstdint>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    auto file = hearth::GgufFile::fromBytes({ data, size });
    if (!file) return 0;
    const hearth::GgufFile& f = **file;
    size_t checksum = 0;
    for (const auto& [key, value] : f.metadata()) {
        checksum += hearth::describeValue(value).size();
        checksum += f.getUint(key).value_or(0) + f.getString(key).value_or("").size();
        if (const hearth::GgufArray* array = f.getArray(key))
            for (const hearth::GgufValue& v : array->values)
                checksum += hearth::valueAsUint(v).value_or(0);
    }
    std::vector<float> block(256);
    for (const hearth::GgufTensorInfo& t : f.tensors()) {
        if (f.tensor(t.name) != &t) __builtin_trap(); // lookup must find the tensor itself
        const auto traits = hearth::typeTraits(static_cast<uint32_t>(t.type));
        if (!traits || !traits->supported) __builtin_trap(); // the reader promised only supported types
        const uint64_t blocks = t.elementCount / traits->blockElements;
        hearth::dequantize(t.type, t.data, block.data(), traits->blockElements);
        hearth::dequantize(
            t.type, t.data + (blocks - 1) * traits->blockBytes, block.data(), traits->blockElements);
        checksum += static_cast<size_t>(block[0] == block[0]);
    }
    return checksum == 0xdeadbeef ? 1 : 0;
}
