// hearth-vk-opbench: GPU time of single operations at real model shapes, from timestamps around each
// dispatch (a program, not a test: the figures depend on the machine).
//   hearth-vk-opbench matvec TYPE ROWS COLS [REPEAT]          one-token product, weight GB/s
//   hearth-vk-opbench matmul TYPE ROWS COLS TOKENS [REPEAT]   batched product, GFLOP/s
//   hearth-vk-opbench suite [8b]                              the decode products of Llama 3.2 1B (or 3.1 8B)
//   hearth-vk-opbench compile TYPE...                         compile time of the types' products
// TYPE: any the backend runs (f32, q4_k, iq3_s, ...). The weights are random bytes: timing only.
// `compile` measures the driver's shader compiling: run it with an empty shader cache
// (MESA_SHADER_CACHE_DIR=$(mktemp -d) on lavapipe) for the cold figure CI sees.
// Where the device has integer dot products, `suite` also times the int8 path (products_q8.h) of each
// product beside today's: the quantize dispatch and the integer product apart, and the weight GB/s of
// the two together (HEARTH_VK_INT_DOT=0 leaves it out); `matvec` times the int8 path instead with
// HEARTH_VK_INT_DOT=1. HEARTH_VK_Q8_ROWS and HEARTH_VK_Q8_WG set its shader's constants, for sweeps.
#include "quant/dequant.h"
#include "quant/types.h"
#include "vulkan/commands.h"
#include "vulkan/device.h"
#include "vulkan/memory.h"
#include "vulkan/pipeline.h"
#include "vulkan/products.h"
#include "vulkan/products_q8.h"
#include "vulkan/vulkan_model.h"
#include "vulkan/weights.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <sys/resource.h>
#include <vector>

using namespace hearth;
using namespace hearth::vk;

namespace {

struct Bench {
    std::unique_ptr<Device> device;
    std::unique_ptr<Allocator> allocator;
    std::unique_ptr<Pipelines> pipelines;
    std::unique_ptr<DescriptorCache> descriptors;
    std::unique_ptr<Recorder> recorder;
    std::vector<Buffer> buffers;

    ~Bench()
    {
        if (device) vkDeviceWaitIdle(device->handle());
        for (Buffer& b : buffers)
            allocator->destroy(b);
        recorder.reset();
        descriptors.reset();
        pipelines.reset();
    }

    // A device-local buffer of `bytes` random bytes (uploaded through a staging buffer).
    Buffer randomBuffer(uint64_t bytes, uint32_t seed)
    {
        auto staging = allocator->create(bytes, MemoryKind::Upload, "opbench staging");
        auto target = allocator->create(bytes, MemoryKind::DeviceLocal, "opbench");
        if (!staging || !target) {
            std::fprintf(stderr, "out of memory for %llu bytes\n", static_cast<unsigned long long>(bytes));
            std::exit(1);
        }
        std::mt19937 rng(seed);
        auto* words = static_cast<uint32_t*>(staging->mapped);
        for (uint64_t i = 0; i < bytes / 4; ++i)
            words[i] = rng() & 0x3bff3bffu; // f16 halves below 1.0, so scales stay finite
        (void)recorder->begin();
        recorder->copy(whole(*staging), whole(*target));
        (void)recorder->submitAndWait();
        allocator->destroy(*staging);
        buffers.push_back(*target);
        return *target;
    }

    // A one-piece (rows, cols) matrix of `type` holding random bytes.
    GpuMatrix randomMatrix(TensorType type, uint32_t rows, uint32_t cols)
    {
        GpuMatrix w;
        w.type = type;
        w.rows = rows;
        w.cols = cols;
        w.rowBytes = rowBytes(type, cols);
        const Buffer wb = randomBuffer(w.rowBytes * rows + 16, 1);
        w.pieces.push_back({ whole(wb), 0, rows });
        return w;
    }
};

std::unique_ptr<Bench> openBench()
{
    auto device = Device::create(-1);
    if (!device) {
        std::fprintf(stderr, "no Vulkan device: %s\n", device.error().message.c_str());
        return nullptr;
    }
    auto b = std::make_unique<Bench>();
    b->device = std::move(*device);
    b->allocator = std::make_unique<Allocator>(*b->device);
    b->pipelines = std::make_unique<Pipelines>(*b->device, "");
    b->descriptors = std::make_unique<DescriptorCache>(*b->device);
    b->recorder = std::make_unique<Recorder>(*b->device, *b->pipelines, *b->descriptors);
    b->recorder->setProfiling(true);
    if (!b->recorder->profiler()) {
        std::fprintf(stderr, "the device's queue has no timestamps\n");
        return nullptr;
    }
    return b;
}

std::optional<TensorType> parseType(const std::string& name)
{
    for (TensorType t : kWeightTypes) {
        std::string lower(typeName(t));
        for (char& c : lower)
            c = char(std::tolower(static_cast<unsigned char>(c)));
        if (typeName(t) == name || lower == name) return t;
    }
    return std::nullopt;
}

// CPU seconds this process (and so lavapipe's worker threads) has used: on a CPU device the honest
// cost of a dispatch when the machine is shared.
double cpuSeconds()
{
    rusage u {};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec)
        + 1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

double wallSeconds()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// The wall seconds of the first (rows, cols) product of `tokens` tokens, which creates and compiles its
// pipeline (lavapipe compiles at the first dispatch, not at pipeline creation), and of the second.
struct FirstDispatch {
    double first = 0;
    double second = 0;
};

FirstDispatch timeFirstDispatch(Bench& b, TensorType type, uint32_t rows, uint32_t cols, uint32_t tokens)
{
    const GpuMatrix w = b.randomMatrix(type, rows, cols);
    const Buffer x = b.randomBuffer(uint64_t(tokens) * cols * 4, 2);
    const Buffer y = b.randomBuffer(uint64_t(tokens) * rows * 4, 3);
    const ProductPolicy policy = productPolicy(*b.device, *b.pipelines);
    double seconds[2] = {};
    for (double& t : seconds) {
        const double start = wallSeconds();
        (void)b.recorder->begin();
        recordProduct(*b.recorder, policy, w, { x, 0, cols }, tokens, { y, 0, rows }, false);
        if (Status s = b.recorder->submitAndWait(); !s.ok()) {
            std::fprintf(stderr, "%s\n", s.error().message.c_str());
            std::exit(1);
        }
        t = wallSeconds() - start;
    }
    return { seconds[0], seconds[1] };
}

// The compile time of the decode (1 token) and prefill (8 tokens) products of `type`: the first
// dispatch less the second.
void printCompileTimes(Bench& b, TensorType type)
{
    for (uint32_t tokens : { 1u, 8u }) {
        const FirstDispatch t = timeFirstDispatch(b, type, 64, 2048, tokens);
        std::printf("| %s | %s | %.2f | %.3f | %.2f |\n", std::string(typeName(type)).c_str(),
            tokens == 1 ? "matvec" : "matmul", t.first, t.second, t.first - t.second);
        std::fflush(stdout);
    }
}

struct ProductTime {
    double gpu = 0; // seconds per dispatch, from timestamps
    double cpu = 0; // CPU seconds per dispatch
};

// Time per dispatch of a (rows, cols) product over `tokens` tokens, REPEAT dispatches in one submit.
ProductTime timeProduct(Bench& b, TensorType type, uint32_t rows, uint32_t cols, uint32_t tokens, int repeat)
{
    const GpuMatrix w = b.randomMatrix(type, rows, cols);
    const Buffer x = b.randomBuffer(uint64_t(tokens) * cols * 4, 2);
    const Buffer y = b.randomBuffer(uint64_t(tokens) * rows * 4, 3);
    const ProductPolicy policy = productPolicy(*b.device, *b.pipelines);
    // Once to create the pipeline, then the timed submit.
    double cpuStart = 0;
    for (int pass = 0; pass < 2; ++pass) {
        if (pass == 1) cpuStart = cpuSeconds();
        b.recorder->profiler()->reset();
        (void)b.recorder->begin();
        for (int i = 0; i < (pass ? repeat : 1); ++i)
            recordProduct(*b.recorder, policy, w, { x, 0, cols }, tokens, { y, 0, rows }, false);
        if (Status s = b.recorder->submitAndWait(); !s.ok()) {
            std::fprintf(stderr, "%s\n", s.error().message.c_str());
            std::exit(1);
        }
    }
    const double cpu = cpuSeconds() - cpuStart;
    double seconds = 0;
    uint64_t dispatches = 0;
    for (const auto& [name, e] : b.recorder->profiler()->totals()) {
        seconds += e.seconds;
        dispatches += e.dispatches;
    }
    return { seconds / double(std::max<uint64_t>(dispatches, 1)), cpu / double(repeat) };
}

struct Q8Time {
    double quantize = 0; // seconds per quantize_q8 dispatch
    double product = 0; // seconds per mul_mat_vec_q8 dispatch
};

// The int8 path of a one-token (rows, cols) product: quantize x, then the integer product, REPEAT
// times in one submit.
Q8Time timeQ8Product(Bench& b, TensorType type, uint32_t rows, uint32_t cols, int repeat)
{
    const GpuMatrix w = b.randomMatrix(type, rows, cols);
    const Buffer x = b.randomBuffer(uint64_t(cols) * 4, 2);
    const Buffer q8 = b.randomBuffer(uint64_t(q8Stride(cols)) * 16, 4);
    const Buffer y = b.randomBuffer(uint64_t(rows) * 4, 3);
    const ProductPolicy policy = productPolicy(*b.device, *b.pipelines);
    for (int pass = 0; pass < 2; ++pass) {
        b.recorder->profiler()->reset();
        (void)b.recorder->begin();
        for (int i = 0; i < (pass ? repeat : 1); ++i) {
            recordQuantize(*b.recorder, { x, 0, cols }, cols, 1, q8);
            recordQ8Product(*b.recorder, policy, w, q8, 1, { y, 0, rows }, false);
        }
        if (Status s = b.recorder->submitAndWait(); !s.ok()) {
            std::fprintf(stderr, "%s\n", s.error().message.c_str());
            std::exit(1);
        }
    }
    Q8Time t;
    for (const auto& [name, e] : b.recorder->profiler()->totals())
        (name.starts_with("quantize_q8") ? t.quantize : t.product)
            += e.seconds / double(std::max<uint64_t>(e.dispatches, 1));
    return t;
}

// Which products the table shows: today's, the int8 path, or both side by side.
struct Columns {
    bool current = true;
    bool int8 = false;
};

void printHeader(Columns c)
{
    std::printf("| op | type | rows x cols | tokens |");
    if (c.current) std::printf(" us per dispatch | weight GB/s | GFLOP/s | CPU ms | GFLOP per CPU-s |");
    if (c.int8) std::printf(" int8: quantize us | product us | product GB/s | GB/s with quantize |");
    std::printf("\n|---|---|---|---|%s%s\n", c.current ? "---|---|---|---|---|" : "",
        c.int8 ? "---|---|---|---|" : "");
}

void printProduct(
    Bench& b, TensorType type, uint32_t rows, uint32_t cols, uint32_t tokens, int repeat, Columns c)
{
    const double bytes = double(rowBytes(type, cols)) * rows;
    const double flop = 2.0 * rows * cols * tokens;
    std::printf("| %s | %s | %u x %u | %u |", tokens == 1 ? "matvec" : "matmul",
        std::string(typeName(type)).c_str(), rows, cols, tokens);
    if (c.current) {
        const ProductTime t = timeProduct(b, type, rows, cols, tokens, repeat);
        std::printf(" %.1f | %.1f | %.1f | %.1f | %.1f |", t.gpu * 1e6, bytes / t.gpu / 1e9,
            flop / t.gpu / 1e9, t.cpu * 1e3, flop / t.cpu / 1e9);
    }
    if (c.int8 && tokens == 1 && findPipeline(vk::Op::Q8MatVec, type)) {
        const Q8Time t = timeQ8Product(b, type, rows, cols, repeat);
        std::printf(" %.1f | %.1f | %.1f | %.1f |", t.quantize * 1e6, t.product * 1e6,
            bytes / t.product / 1e9, bytes / (t.quantize + t.product) / 1e9);
    } else if (c.int8) {
        std::printf(" - | - | - | - |");
    }
    std::printf("\n");
    std::fflush(stdout);
}

// HEARTH_VK_INT_DOT as the bench reads it: "1", "0" or unset.
std::string intDotEnv()
{
    const char* env = std::getenv("HEARTH_VK_INT_DOT");
    return env ? env : "";
}

int usage()
{
    std::fprintf(stderr,
        "usage: hearth-vk-opbench matvec TYPE ROWS COLS [REPEAT]\n"
        "       hearth-vk-opbench matmul TYPE ROWS COLS TOKENS [REPEAT]\n"
        "       hearth-vk-opbench suite [8b]\n"
        "       hearth-vk-opbench compile TYPE...\n");
    return 2;
}

} // namespace

int main(int argc, char** argv)
{
    const std::vector<std::string> a(argv + 1, argv + argc);
    if (a.empty()) return usage();
    auto bench = openBench();
    if (!bench) return 1;
    std::printf("device: %s\n", bench->device->name().c_str());
    const bool intDot = bench->device->features().intDot;
    if (intDot)
        std::printf("int8 path: mul_mat_vec_q8 with %u rows and %u threads per workgroup\n",
            bench->pipelines->q8Rows(), bench->pipelines->q8Workgroup());
    std::printf("\n");
    auto num = [&](size_t i, int fallback) { return i < a.size() ? std::atoi(a[i].c_str()) : fallback; };
    if ((a[0] == "matvec" && a.size() >= 4) || (a[0] == "matmul" && a.size() >= 5)) {
        const auto type = parseType(a[1]);
        if (!type) return usage();
        const bool vec = a[0] == "matvec";
        const bool int8 = vec && intDot && intDotEnv() == "1";
        const Columns columns { !int8, int8 };
        printHeader(columns);
        printProduct(*bench, *type, uint32_t(num(2, 0)), uint32_t(num(3, 0)), vec ? 1u : uint32_t(num(4, 1)),
            num(vec ? 4 : 5, 10), columns);
        return 0;
    }
    if (a[0] == "compile" && a.size() >= 2) {
        std::printf("| type | op (64 x 2048) | first dispatch s | second s | compile s |\n"
                    "|---|---|---|---|---|\n");
        for (size_t i = 1; i < a.size(); ++i) {
            const auto type = parseType(a[i]);
            if (!type) return usage();
            printCompileTimes(*bench, *type);
        }
        return 0;
    }
    if (a[0] == "suite") {
        const bool big = a.size() > 1 && a[1] == "8b";
        const uint32_t dim = big ? 4096 : 2048, ffn = big ? 14336 : 8192, kv = big ? 1024 : 512;
        const int repeat
            = std::getenv("HEARTH_OPBENCH_REPEAT") ? std::atoi(std::getenv("HEARTH_OPBENCH_REPEAT")) : 20;
        const Columns columns { true, intDot && intDotEnv() != "0" };
        printHeader(columns);
        for (TensorType type : { TensorType::Q4_0, TensorType::Q4_K, TensorType::Q6_K, TensorType::Q8_0 }) {
            printProduct(*bench, type, dim + 2 * kv, dim, 1, repeat, columns); // q|k|v
            printProduct(*bench, type, dim, ffn, 1, repeat, columns); // down
            printProduct(*bench, type, 2 * ffn, dim, 1, repeat, columns); // gate|up
        }
        printProduct(*bench, TensorType::Q6_K, 128256, dim, 1, std::max(1, repeat / 10), columns); // output
        return 0;
    }
    return usage();
}
