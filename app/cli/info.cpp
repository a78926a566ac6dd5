// hearth-cli info MODEL [--metadata] [--tensors]: what a GGUF file holds — architecture, size,
// shapes, tensor types, tokenizer, chat template. A bad file prints the reader's error and exits 1.
#include "args.h"
#include "command.h"
#include "gguf/gguf.h"
#include "gguf/type_mix.h"

#include <cstdio>
#include <map>
#include <string>

namespace {

using hearth::GgufFile;

std::string humanBytes(double bytes)
{
    const char* units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
    int unit = 0;
    while (bytes >= 1024 && unit < 4) {
        bytes /= 1024;
        ++unit;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, unit ? "%.2f %s" : "%.0f %s", bytes, units[unit]);
    return buf;
}

std::string humanCount(double n)
{
    char buf[32];
    if (n >= 1e9)
        std::snprintf(buf, sizeof buf, "%.2fB", n / 1e9);
    else if (n >= 1e6)
        std::snprintf(buf, sizeof buf, "%.2fM", n / 1e6);
    else if (n >= 1e3)
        std::snprintf(buf, sizeof buf, "%.1fK", n / 1e3);
    else
        std::snprintf(buf, sizeof buf, "%.0f", n);
    return buf;
}

// "<arch>.key" as an integer, or "-" when absent.
std::string archUint(const GgufFile& f, const std::string& arch, const char* key)
{
    const auto v = f.getUint(arch + "." + key);
    return v ? std::to_string(*v) : "-";
}

void printSummary(const GgufFile& f)
{
    const std::string arch(f.getString("general.architecture").value_or("?"));
    std::printf("file:           %s\n", std::string(f.path()).c_str());
    std::printf("size:           %s (%llu bytes), GGUF v%u, alignment %llu\n",
        humanBytes(double(f.fileSize())).c_str(), static_cast<unsigned long long>(f.fileSize()), f.version(),
        static_cast<unsigned long long>(f.alignment()));
    std::printf("architecture:   %s\n", arch.c_str());
    std::printf("name:           %s\n", std::string(f.getString("general.name").value_or("-")).c_str());

    // Parameters and the type mix, heaviest first.
    uint64_t params = 0;
    for (const hearth::GgufTensorInfo& t : f.tensors())
        params += t.elementCount;
    std::printf("parameters:     %s (%llu) in %zu tensors\n", humanCount(double(params)).c_str(),
        static_cast<unsigned long long>(params), f.tensors().size());
    std::printf("tensor types:  ");
    for (const hearth::TypeShare& share : hearth::typeMix(f))
        std::printf(" %s x%u (%s)", std::string(hearth::typeName(share.type)).c_str(), share.tensors,
            humanBytes(double(share.bytes)).c_str());
    std::printf("\n");
    if (const auto ft = f.getUint("general.file_type"))
        std::printf("file type:      %llu\n", static_cast<unsigned long long>(*ft));

    // Shapes.
    std::printf("context length: %s\n", archUint(f, arch, "context_length").c_str());
    std::printf("layers:         %s\n", archUint(f, arch, "block_count").c_str());
    std::printf("embedding:      %s, feed-forward %s\n", archUint(f, arch, "embedding_length").c_str(),
        archUint(f, arch, "feed_forward_length").c_str());
    const auto heads = f.getUint(arch + ".attention.head_count");
    const auto kvHeads = f.getUint(arch + ".attention.head_count_kv");
    const auto dim = f.getUint(arch + ".embedding_length");
    std::printf("heads:          %s query, %s key/value", archUint(f, arch, "attention.head_count").c_str(),
        archUint(f, arch, "attention.head_count_kv").c_str());
    if (heads && *heads && dim)
        std::printf(", head size %llu", static_cast<unsigned long long>(*dim / *heads));
    if (heads && kvHeads && *kvHeads)
        std::printf(" (grouped %llu:1)", static_cast<unsigned long long>(*heads / *kvHeads));
    std::printf("\n");
    if (const auto base = f.getFloat(arch + ".rope.freq_base"))
        std::printf(
            "rope base:      %g%s\n", *base, f.tensor("rope_freqs.weight") ? " with rope_freqs factors" : "");
    if (const auto eps = f.getFloat(arch + ".attention.layer_norm_rms_epsilon"))
        std::printf("rms norm eps:   %g\n", *eps);
    std::printf(
        "tied embedding: %s\n", f.tensor("output.weight") || !f.tensor("token_embd.weight") ? "no" : "yes");

    // Tokenizer and chat template.
    const hearth::GgufArray* tokens = f.getArray("tokenizer.ggml.tokens");
    std::printf("tokenizer:      %s", std::string(f.getString("tokenizer.ggml.model").value_or("-")).c_str());
    if (const auto pre = f.getString("tokenizer.ggml.pre"))
        std::printf(" (pre %s)", std::string(*pre).c_str());
    if (tokens) std::printf(", %zu tokens", tokens->values.size());
    if (const hearth::GgufArray* merges = f.getArray("tokenizer.ggml.merges"))
        std::printf(", %zu merges", merges->values.size());
    std::printf("\n");
    if (const auto bos = f.getUint("tokenizer.ggml.bos_token_id"))
        std::printf("bos / eos:      %llu / %s\n", static_cast<unsigned long long>(*bos),
            f.getUint("tokenizer.ggml.eos_token_id")
                ? std::to_string(*f.getUint("tokenizer.ggml.eos_token_id")).c_str()
                : "-");
    if (const auto tmpl = f.getString("tokenizer.chat_template")) {
        const std::string_view first = tmpl->substr(0, tmpl->find('\n'));
        std::printf("chat template:  yes, %zu bytes; first line: %.*s\n", tmpl->size(), int(first.size()),
            first.data());
    } else
        std::printf("chat template:  none\n");
}

int runInfo(const std::vector<std::string>& argv)
{
    const hearth::cli::Args args(argv, {});
    if (!args.error().empty() || args.positionals().size() != 1) {
        std::fprintf(stderr, "usage: hearth-cli info MODEL.gguf [--metadata] [--tensors]\n");
        return 2;
    }
    auto file = GgufFile::open(args.positionals()[0]);
    if (!file) {
        std::fprintf(stderr, "hearth-cli info: %s\n", file.error().message.c_str());
        return 1;
    }
    const GgufFile& f = **file;
    printSummary(f);
    if (args.has("--metadata")) {
        std::printf("\nmetadata (%zu keys):\n", f.metadata().size());
        for (const auto& [key, value] : f.metadata())
            std::printf("  %-40s %s\n", key.c_str(), hearth::describeValue(value).c_str());
    }
    if (args.has("--tensors")) {
        std::printf("\ntensors (%zu):\n", f.tensors().size());
        for (const hearth::GgufTensorInfo& t : f.tensors()) {
            std::string shape;
            for (uint64_t d : t.shape)
                shape += (shape.empty() ? "" : " x ") + std::to_string(d);
            std::printf("  %-32s %-5s %-20s %12llu bytes at %llu\n", t.name.c_str(),
                std::string(hearth::typeName(t.type)).c_str(), shape.c_str(),
                static_cast<unsigned long long>(t.byteSize), static_cast<unsigned long long>(t.fileOffset));
        }
    }
    return 0;
}

} // namespace

HEARTH_CLI_COMMAND("info", "show what a GGUF model holds (--metadata, --tensors for everything)", runInfo);
