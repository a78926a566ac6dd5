// hearth-cli tokenize -m MODEL [--bos] [--special] (-f FILE | TEXT)
// Prints the token ids of the text, space-separated, on one line. By default no BOS is added and
// special-token text ("<|eot_id|>") is plain text; --bos and --special change that. Only the
// vocabulary is read, so vocabulary-only GGUF files work too.
#include "args.h"
#include "command.h"
#include "gguf/gguf.h"
#include "tokenizer/tokenizer.h"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace {

int runTokenize(const std::vector<std::string>& argv)
{
    const hearth::cli::Args args(argv, { "-m", "--model", "-f", "--file" });
    if (!args.error().empty()) {
        std::fprintf(stderr, "tokenize: %s\n", args.error().c_str());
        return 2;
    }
    const auto model = args.value("-m") ? args.value("-m") : args.value("--model");
    const auto file = args.value("-f") ? args.value("-f") : args.value("--file");
    if (!model || (file.has_value() == !args.positionals().empty()) || args.positionals().size() > 1) {
        std::fprintf(stderr, "usage: hearth-cli tokenize -m MODEL [--bos] [--special] (-f FILE | TEXT)\n");
        return 2;
    }

    std::string text;
    if (file) {
        std::ifstream in(*file, std::ios::binary);
        if (!in) {
            std::fprintf(stderr, "tokenize: cannot read %s\n", file->c_str());
            return 1;
        }
        std::stringstream buffer;
        buffer << in.rdbuf();
        text = buffer.str();
    } else {
        text = args.positionals().front();
    }

    auto gguf = hearth::GgufFile::open(*model);
    if (!gguf) {
        std::fprintf(stderr, "tokenize: %s\n", gguf.error().message.c_str());
        return 1;
    }
    auto tokenizer = hearth::Tokenizer::fromGguf(**gguf);
    if (!tokenizer) {
        std::fprintf(stderr, "tokenize: %s\n", tokenizer.error().message.c_str());
        return 1;
    }
    const auto ids = (*tokenizer)->encode(text, args.has("--bos"), args.has("--special"));
    std::string line;
    for (size_t i = 0; i < ids.size(); ++i) {
        if (i) line += ' ';
        line += std::to_string(ids[i]);
    }
    std::printf("%s\n", line.c_str());
    return 0;
}

} // namespace

HEARTH_CLI_COMMAND(
    "tokenize", "print the token ids of a text (-m MODEL [--bos] [--special] (-f FILE | TEXT))", runTokenize);
