// hearth-cli quantize IN OUT TYPE [--threads N]: re-encode a model (q4_0, q4_1, q5_0, q5_1, q8_0,
// iq4_nl, iq4_xs, iq3_s, q2_k, q3_k_s/m/l, q4_k(_s/_m), q5_k(_s/_m), q6_k, f16, bf16, f32), choosing
// per-tensor types as llama-quantize does.
#include "args.h"
#include "command.h"
#include "gguf/gguf.h"
#include "gguf/gguf_quantize.h"

#include <chrono>
#include <cstdio>
#include <sys/stat.h>

namespace {

int runQuantize(const std::vector<std::string>& argv)
{
    const hearth::cli::Args args(argv, { "--threads" });
    if (!args.error().empty() || args.positionals().size() != 3) {
        std::fprintf(stderr,
            "usage: hearth-cli quantize IN.gguf OUT.gguf TYPE [--threads N]\n"
            "  TYPE: q4_0 q4_1 q5_0 q5_1 q8_0 iq4_nl iq4_xs iq3_s q2_k q3_k_s q3_k_m q3_k_l q4_k q4_k_s "
            "q4_k_m\n"
            "        q5_k q5_k_s q5_k_m q6_k f16 bf16 f32\n");
        return 2;
    }
    const auto& pos = args.positionals();
    const auto mix = hearth::parseQuantMix(pos[2]);
    if (!mix) {
        std::fprintf(stderr, "hearth-cli quantize: unknown type '%s'\n", pos[2].c_str());
        return 2;
    }
    unsigned threads = 0;
    try {
        threads = static_cast<unsigned>(std::stoul(args.value("--threads", "0")));
    } catch (...) {
        std::fprintf(stderr, "hearth-cli quantize: --threads needs a number\n");
        return 2;
    }
    // Writing over the mapped input (same path, or a link to it) would pull the bytes out from under us.
    struct stat in {
    }, out {};
    if (pos[0] == pos[1]
        || (stat(pos[0].c_str(), &in) == 0 && stat(pos[1].c_str(), &out) == 0 && in.st_dev == out.st_dev
            && in.st_ino == out.st_ino)) {
        std::fprintf(stderr, "hearth-cli quantize: output would overwrite the input\n");
        return 2;
    }
    auto input = hearth::GgufFile::open(pos[0]);
    if (!input) {
        std::fprintf(stderr, "hearth-cli quantize: %s\n", input.error().message.c_str());
        return 1;
    }
    const auto start = std::chrono::steady_clock::now();
    const hearth::Status status = hearth::quantizeModel(**input, pos[1], *mix, threads,
        [](const hearth::GgufTensorInfo& t, hearth::TensorType type, size_t i, size_t n) {
            std::fprintf(stderr, "[%3zu/%zu] %-32s %-5s -> %s\n", i + 1, n, t.name.c_str(),
                std::string(hearth::typeName(t.type)).c_str(), std::string(hearth::typeName(type)).c_str());
        });
    if (!status) {
        std::fprintf(stderr, "hearth-cli quantize: %s\n", status.error().message.c_str());
        return 1;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr, "wrote %s (%s) in %.2f s\n", pos[1].c_str(),
        std::string(hearth::quantMixName(*mix)).c_str(), seconds);
    return 0;
}

} // namespace

HEARTH_CLI_COMMAND("quantize", "re-encode a model: quantize IN OUT q4_k_m|q8_0|f16|...", runQuantize);
