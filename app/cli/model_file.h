// A model file opened for the subcommands that run it: the GGUF file, its Llama config and its
// weights bound in place (the file stays open as long as this lives).
#pragma once

#include "gguf/gguf.h"
#include "model/llama_config.h"
#include "model/llama_weights.h"
#include "util/result.h"

#include <memory>
#include <string>

namespace hearth::cli {

struct ModelFile {
    std::unique_ptr<GgufFile> file;
    LlamaConfig config;
    LlamaWeights weights;
};

// Errors: the reader's, the config's or the binding's, as a user sees them.
Result<ModelFile> openModelFile(const std::string& path);

} // namespace hearth::cli
