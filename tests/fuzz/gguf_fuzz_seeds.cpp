// Writes small seed files for the GGUF fuzzer from real models: each model's metadata with arrays
// cut to a few elements, and its tensor names and types over tiny shapes (one or two blocks), so
// seeds are a few KB yet hold every metadata and tensor type the real files use.
#include "gguf/gguf.h"
#include "gguf/gguf_writer.h"

#include <cstdio>
#include <string>
#include <vector>

using namespace hearth;

namespace {

GgufValue shrink(const GgufValue& value)
{
    if (const auto* a = std::get_if<std::shared_ptr<GgufArray>>(&value)) {
        auto small = std::make_shared<GgufArray>();
        small->elementType = (*a)->elementType;
        for (size_t i = 0; i < (*a)->values.size() && i < 6; ++i)
            small->values.push_back(shrink((*a)->values[i]));
        return small;
    }
    return value;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 3) {
        std::fprintf(stderr, "usage: gguf_fuzz_seeds OUT_DIR MODEL.gguf...\n");
        return 2;
    }
    for (int i = 2; i < argc; ++i) {
        auto file = GgufFile::open(argv[i]);
        if (!file) {
            std::fprintf(stderr, "%s\n", file.error().message.c_str());
            return 1;
        }
        GgufWriter writer;
        for (const auto& [key, value] : (*file)->metadata())
            writer.set(key, shrink(value));
        std::vector<uint64_t> sizes;
        int kept = 0;
        for (const GgufTensorInfo& t : (*file)->tensors()) {
            if (kept++ >= 6) break;
            const uint32_t block = typeTraits(static_cast<uint32_t>(t.type))->blockElements;
            const std::vector<uint64_t> shape = { block == 1 ? 8 : block, t.shape.size() > 1 ? 2u : 1u };
            auto added = writer.addTensor(t.name, t.type, shape);
            if (!added) return 1;
            sizes.push_back(*added);
        }
        std::string name = argv[i];
        name = std::string(argv[1]) + "/seed-" + name.substr(name.find_last_of('/') + 1);
        if (!writer.open(name).ok()) return 1;
        for (size_t t = 0; t < sizes.size(); ++t) {
            const std::vector<uint8_t> data(sizes[t], uint8_t(0x3c + t));
            if (!writer.writeData(data.data(), data.size()).ok()) return 1;
        }
        if (!writer.finish().ok()) return 1;
    }
    return 0;
}
