#include "model_file.h"

namespace hearth::cli {

Result<ModelFile> openModelFile(const std::string& path)
{
    auto file = GgufFile::open(path);
    if (!file) return file.error();
    auto config = LlamaConfig::fromGguf(**file);
    if (!config) return config.error();
    auto weights = LlamaWeights::bind(**file, *config);
    if (!weights) return weights.error();
    return ModelFile { std::move(*file), *config, std::move(*weights) };
}

} // namespace hearth::cli
