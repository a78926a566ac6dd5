#include "gguf/type_mix.h"

#include <algorithm>
#include <map>

namespace hearth {

std::vector<TypeShare> typeMix(const GgufFile& file)
{
    std::map<TensorType, TypeShare> byType;
    for (const GgufTensorInfo& t : file.tensors()) {
        TypeShare& share = byType[t.type];
        share.type = t.type;
        share.tensors += 1;
        share.bytes += t.byteSize;
    }
    std::vector<TypeShare> mix;
    for (const auto& [type, share] : byType)
        mix.push_back(share);
    std::stable_sort(
        mix.begin(), mix.end(), [](const TypeShare& a, const TypeShare& b) { return a.bytes > b.bytes; });
    return mix;
}

} // namespace hearth
