// Tokenizer throughput: hearth-tokenizer-bench VOCAB.gguf [TEXT_FILE]
// Without a text file it synthesises ~300 KB (about 100 pages) of pseudo-random words, numbers and
// punctuation: a harder case than real prose, whose words repeat and hit the word cache.
#include "gguf/gguf.h"
#include "tokenizer/tokenizer.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

using namespace hearth;

static std::string synthesise(size_t bytes)
{
    std::string text;
    uint64_t state = 0x9E3779B97F4A7C15ull;
    auto next = [&]() {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<uint32_t>(state >> 33);
    };
    while (text.size() < bytes) {
        const uint32_t r = next() % 100;
        if (r < 80) {
            const int length = 1 + next() % 9;
            for (int i = 0; i < length; ++i)
                text.push_back(static_cast<char>('a' + next() % 26));
        } else if (r < 88) {
            text += std::to_string(next() % 100000);
        } else if (r < 95) {
            text += ",.;:!?-()'\""[next() % 11];
        } else if (r < 97) {
            text += "caf\xC3\xA9 na\xC3\xAFve \xE2\x80\x94 \xF0\x9F\x99\x82";
        } else {
            text += "\n\n";
        }
        text.push_back(' ');
    }
    return text;
}

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s VOCAB.gguf [TEXT_FILE]\n", argv[0]);
        return 2;
    }
    auto file = GgufFile::open(argv[1]);
    if (!file) {
        std::fprintf(stderr, "%s\n", file.error().message.c_str());
        return 1;
    }
    const auto loadStart = std::chrono::steady_clock::now();
    auto tokenizer = Tokenizer::fromGguf(**file);
    if (!tokenizer) {
        std::fprintf(stderr, "%s\n", tokenizer.error().message.c_str());
        return 1;
    }
    const double loadMs
        = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - loadStart).count();

    std::string text;
    if (argc > 2) {
        std::ifstream in(argv[2], std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        text = ss.str();
    } else {
        text = synthesise(300 * 1024);
    }

    std::printf(
        "| tokenizer | load ms | text bytes | tokens | pass | ms | MB/s |\n|---|---|---|---|---|---|---|\n");
    for (int pass = 1; pass <= 2; ++pass) { // pass 2 runs with a warm word cache
        const auto start = std::chrono::steady_clock::now();
        const auto ids = (*tokenizer)->encode(text, false, false);
        const double ms
            = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        std::printf("| %s | %.1f | %zu | %zu | %d | %.1f | %.2f |\n",
            std::string((*tokenizer)->kind()).c_str(), loadMs, text.size(), ids.size(), pass, ms,
            text.size() / ms / 1000.0);
    }
    return 0;
}
