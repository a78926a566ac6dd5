// hearth-cli synth --shape 1b|3b|8b|tiny [--type f16|q4_k_m|...] [--seed N] [--vocab FILE] OUT:
// writes a Llama-shaped model with random weights (and a real tokenizer from --vocab) for testing
// and benchmarking without downloading real weights.
#include "args.h"
#include "command.h"
#include "gguf/gguf_synth.h"

#include <chrono>
#include <cstdio>

namespace {

int runSynth(const std::vector<std::string>& argv)
{
    const hearth::cli::Args args(argv, { "--shape", "--type", "--seed", "--vocab", "--threads" });
    if (!args.error().empty() || args.positionals().size() != 1 || !args.value("--shape")) {
        std::fprintf(stderr,
            "usage: hearth-cli synth --shape 1b|3b|8b|tiny [--type f16] [--seed N] [--vocab VOCAB.gguf] "
            "[--threads N] OUT.gguf\n");
        return 2;
    }
    const auto shape = hearth::synthShape(*args.value("--shape"));
    if (!shape) {
        std::fprintf(stderr, "hearth-cli synth: unknown shape '%s' (1b, 3b, 8b, tiny)\n",
            args.value("--shape")->c_str());
        return 2;
    }
    const auto mix = hearth::parseQuantMix(args.value("--type", "f16"));
    if (!mix) {
        std::fprintf(stderr, "hearth-cli synth: unknown type '%s'\n", args.value("--type")->c_str());
        return 2;
    }
    hearth::SynthOptions options;
    options.shape = *shape;
    options.mix = *mix;
    try {
        options.seed = std::stoull(args.value("--seed", "1"));
        options.threads = static_cast<unsigned>(std::stoul(args.value("--threads", "0")));
    } catch (...) {
        std::fprintf(stderr, "hearth-cli synth: --seed and --threads need numbers\n");
        return 2;
    }
    std::unique_ptr<hearth::GgufFile> vocabulary;
    if (const auto path = args.value("--vocab")) {
        auto opened = hearth::GgufFile::open(*path);
        if (!opened) {
            std::fprintf(stderr, "hearth-cli synth: %s\n", opened.error().message.c_str());
            return 1;
        }
        vocabulary = std::move(opened).value();
        options.vocabulary = vocabulary.get();
    } else {
        std::fprintf(stderr, "hearth-cli synth: no --vocab given, the model will have no tokenizer\n");
    }
    options.progress = [](const std::string& name, hearth::TensorType type, size_t i, size_t n) {
        std::fprintf(stderr, "\r[%3zu/%zu] %-28s %-5s", i + 1, n, name.c_str(),
            std::string(hearth::typeName(type)).c_str());
    };
    const auto start = std::chrono::steady_clock::now();
    const std::string& out = args.positionals()[0];
    const hearth::Status status = hearth::synthesizeModel(options, out);
    std::fprintf(stderr, "\n");
    if (!status) {
        std::fprintf(stderr, "hearth-cli synth: %s\n", status.error().message.c_str());
        return 1;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr, "wrote %s (%s, %s) in %.1f s\n", out.c_str(), std::string(shape->name).c_str(),
        std::string(hearth::quantMixName(*mix)).c_str(), seconds);
    return 0;
}

} // namespace

HEARTH_CLI_COMMAND("synth",
    "write a random-weight Llama 1b/3b/8b/tiny model: synth --shape 1b [--type q4_k_m] OUT", runSynth);
