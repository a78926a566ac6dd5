// bench_quant: dequantization and quantization throughput per type on the tiny model's weights
// in million elements per CPU-second of one thread (a program printing a table, not a test).
// Usage: bench_quant [SHARED_DIR]
#include "gguf/gguf.h"
#include "quant/dequant.h"
#include "quant/quantize.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

using namespace hearth;

namespace {

// Thread CPU time, so the figures hold on a machine shared with other work.
double cpuSeconds()
{
    timespec ts {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

template <typename F> double bestSeconds(int repeats, F&& f)
{
    double best = 1e30;
    for (int r = 0; r < repeats; ++r) {
        const double start = cpuSeconds();
        f();
        best = std::min(best, cpuSeconds() - start);
    }
    return best;
}

} // namespace

int main(int argc, char** argv)
{
    const std::string shared = argc > 1 ? argv[1] : HEARTH_SHARED_DIR;
    auto f32 = GgufFile::open(shared + "/testdata/models/tiny-llama31-f32.gguf");
    if (!f32) {
        std::fprintf(stderr, "%s\n", f32.error().message.c_str());
        return 1;
    }
    // token_embd: 4096 x 256 = 1M values.
    const GgufTensorInfo* t = (*f32)->tensor("token_embd.weight");
    const auto* src = reinterpret_cast<const float*>(t->data);
    const size_t n = t->elementCount;
    std::vector<float> out(n);
    std::printf("%-6s %18s %18s\n", "type", "dequant Melem/s", "quantize Melem/s");
    for (TensorType type : { TensorType::F16, TensorType::BF16, TensorType::Q8_0, TensorType::Q4_0,
             TensorType::Q4_K, TensorType::Q5_K, TensorType::Q6_K }) {
        std::vector<uint8_t> encoded(rowBytes(type, n));
        const double q = bestSeconds(2, [&] { quantize(type, src, encoded.data(), n); });
        const double d = bestSeconds(5, [&] { dequantize(type, encoded.data(), out.data(), n); });
        std::printf("%-6s %18.1f %18.1f\n", std::string(typeName(type)).c_str(), n / d / 1e6, n / q / 1e6);
    }
    return 0;
}
