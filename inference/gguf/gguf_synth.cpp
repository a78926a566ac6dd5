// synthesizeModel: declare the Llama tensor set, then fill each tensor with seeded pseudo-random
// weights chunk by chunk (threads split the rows), encode in the requested mix and stream to disk.
#include "gguf/gguf_synth.h"

#include "gguf/gguf_writer.h"
#include "quant/dequant.h"
#include "quant/quantize.h"

#include <cmath>
#include <cstdio>
#include <thread>

namespace hearth {

namespace {

constexpr float kWeightStd = 0.02f; // keeps activations of a random model in a sane range
constexpr float kRopeBase = 500000.0f;
constexpr uint32_t kContextLength = 131072;

uint64_t splitmix64(uint64_t& state)
{
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint64_t hashName(std::string_view name)
{
    uint64_t h = 1469598103934665603ull; // FNV-1a
    for (char c : name)
        h = (h ^ static_cast<uint8_t>(c)) * 1099511628211ull;
    return h;
}

// One row of approximately normal values (sum of four uniforms, unit variance) times `scale`; the
// row's stream depends only on (tensor seed, row), so any thread split gives the same model.
void randomRow(uint64_t tensorSeed, uint64_t row, float scale, float* out, size_t n)
{
    uint64_t state = tensorSeed ^ (row * 0xd1b54a32d192ed03ull);
    const float k = scale * std::sqrt(3.0f) / 65536.0f; // a 16-bit uniform has std 65536 / sqrt(12)
    for (size_t i = 0; i < n; ++i) {
        const uint64_t r = splitmix64(state);
        const int sum = int(r & 0xffff) + int((r >> 16) & 0xffff) + int((r >> 32) & 0xffff) + int(r >> 48);
        out[i] = static_cast<float>(sum - 131070) * k;
    }
}

struct PlannedTensor {
    std::string name;
    std::vector<uint64_t> shape; // ggml order
    TensorType type;
    enum class Fill { Random, Ones, RopeFactors } fill;
};

std::vector<PlannedTensor> planTensors(const SynthShape& s, uint32_t vocab, int headDim)
{
    const auto dim = uint64_t(s.dim), ffn = uint64_t(s.ffn);
    const auto qDim = uint64_t(s.heads) * headDim, kvDim = uint64_t(s.kvHeads) * headDim;
    using F = PlannedTensor::Fill;
    std::vector<PlannedTensor> plan;
    plan.push_back({ "token_embd.weight", { dim, vocab }, TensorType::F32, F::Random });
    if (!s.tiedEmbeddings) plan.push_back({ "output.weight", { dim, vocab }, TensorType::F32, F::Random });
    plan.push_back({ "output_norm.weight", { dim }, TensorType::F32, F::Ones });
    plan.push_back({ "rope_freqs.weight", { uint64_t(headDim / 2) }, TensorType::F32, F::RopeFactors });
    for (int l = 0; l < s.layers; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        plan.push_back({ p + "attn_norm.weight", { dim }, TensorType::F32, F::Ones });
        plan.push_back({ p + "attn_q.weight", { dim, qDim }, TensorType::F32, F::Random });
        plan.push_back({ p + "attn_k.weight", { dim, kvDim }, TensorType::F32, F::Random });
        plan.push_back({ p + "attn_v.weight", { dim, kvDim }, TensorType::F32, F::Random });
        plan.push_back({ p + "attn_output.weight", { qDim, dim }, TensorType::F32, F::Random });
        plan.push_back({ p + "ffn_norm.weight", { dim }, TensorType::F32, F::Ones });
        plan.push_back({ p + "ffn_gate.weight", { dim, ffn }, TensorType::F32, F::Random });
        plan.push_back({ p + "ffn_up.weight", { dim, ffn }, TensorType::F32, F::Random });
        plan.push_back({ p + "ffn_down.weight", { ffn, dim }, TensorType::F32, F::Random });
    }
    return plan;
}

void setLlamaMetadata(GgufWriter& w, const SynthOptions& o, uint32_t vocab, int headDim)
{
    const SynthShape& s = o.shape;
    w.setString("general.architecture", "llama");
    w.setString("general.name", "hearth-synth-" + std::string(s.name));
    w.setUint32("llama.block_count", uint32_t(s.layers));
    w.setUint32("llama.context_length", kContextLength);
    w.setUint32("llama.embedding_length", uint32_t(s.dim));
    w.setUint32("llama.feed_forward_length", uint32_t(s.ffn));
    w.setUint32("llama.attention.head_count", uint32_t(s.heads));
    w.setUint32("llama.attention.head_count_kv", uint32_t(s.kvHeads));
    w.setUint32("llama.rope.dimension_count", uint32_t(headDim));
    w.setUint32("llama.vocab_size", vocab);
    w.setFloat32("llama.rope.freq_base", kRopeBase);
    w.setFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
    if (o.vocabulary)
        for (const auto& [key, value] : o.vocabulary->metadata())
            if (key.starts_with("tokenizer.")) w.set(key, value);
    if (o.mix != QuantMix::F32 && o.mix != QuantMix::F16 && o.mix != QuantMix::BF16)
        w.setUint32("general.quantization_version", 2);
    w.setUint32("general.file_type", llamaFileType(o.mix));
}

// Fills rows [row, row + n) of a tensor and encodes them into `encoded`, threads splitting the rows.
void fillChunk(const PlannedTensor& t, uint64_t tensorSeed, size_t row, size_t n,
    const std::vector<float>& ropeFactors, unsigned threads, std::vector<float>& values,
    std::vector<uint8_t>& encoded)
{
    const size_t rowLength = t.shape[0];
    const size_t encodedRow = rowBytes(t.type, rowLength);
    auto work = [&](size_t begin, size_t end) {
        for (size_t r = begin; r < end; ++r) {
            float* out = values.data() + r * rowLength;
            switch (t.fill) {
            case PlannedTensor::Fill::Random:
                randomRow(tensorSeed, row + r, kWeightStd, out, rowLength);
                break;
            case PlannedTensor::Fill::Ones:
                std::fill(out, out + rowLength, 1.0f);
                break;
            case PlannedTensor::Fill::RopeFactors:
                std::copy(ropeFactors.begin(), ropeFactors.end(), out);
                break;
            }
            quantize(t.type, out, encoded.data() + r * encodedRow, rowLength);
        }
    };
    const size_t per = (n + threads - 1) / threads;
    std::vector<std::thread> workers;
    for (size_t begin = per; begin < n; begin += per)
        workers.emplace_back(work, begin, std::min(n, begin + per));
    work(0, std::min(n, per));
    for (std::thread& w : workers)
        w.join();
}

} // namespace

std::optional<SynthShape> synthShape(std::string_view name)
{
    static constexpr SynthShape shapes[] = {
        { "1b", 16, 2048, 8192, 32, 8, 128256, true },
        { "3b", 28, 3072, 8192, 24, 8, 128256, true },
        { "8b", 32, 4096, 14336, 32, 8, 128256, false },
        { "tiny", 2, 256, 768, 4, 1, 4096, false },
    };
    for (const SynthShape& s : shapes)
        if (s.name == name) return s;
    return std::nullopt;
}

std::vector<float> llama31RopeFactors(int headDim, float ropeBase)
{
    const double factor = 8.0, lowFreqFactor = 1.0, highFreqFactor = 4.0, oldContext = 8192.0;
    const double lowFreqWavelen = oldContext / lowFreqFactor, highFreqWavelen = oldContext / highFreqFactor;
    std::vector<float> factors;
    for (int i = 0; i < headDim; i += 2) {
        const double freq = 1.0 / std::pow(double(ropeBase), double(i) / headDim);
        const double wavelen = 2 * M_PI / freq;
        if (wavelen < highFreqWavelen)
            factors.push_back(1.0f);
        else if (wavelen > lowFreqWavelen)
            factors.push_back(float(factor));
        else {
            const double smooth = (oldContext / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
            factors.push_back(float(1.0 / ((1 - smooth) / factor + smooth)));
        }
    }
    return factors;
}

Status synthesizeModel(const SynthOptions& o, const std::string& outPath)
{
    const SynthShape& s = o.shape;
    const int headDim = s.dim / s.heads;
    uint32_t vocab = s.vocab;
    if (o.vocabulary) {
        const GgufArray* tokens = o.vocabulary->getArray("tokenizer.ggml.tokens");
        if (!tokens || tokens->values.empty())
            return makeError(ErrorCode::InvalidArgument, "the vocabulary file has no tokenizer.ggml.tokens");
        vocab = static_cast<uint32_t>(tokens->values.size());
    }
    std::vector<PlannedTensor> plan = planTensors(s, vocab, headDim);
    GgufWriter writer;
    setLlamaMetadata(writer, o, vocab, headDim);
    for (PlannedTensor& t : plan) {
        t.type = chooseTensorType(o.mix, t.name, t.shape, s.layers, !s.tiedEmbeddings, TensorType::F32);
        if (auto added = writer.addTensor(t.name, t.type, t.shape); !added) return added.error();
    }
    const std::vector<float> ropeFactors = llama31RopeFactors(headDim, kRopeBase);
    const unsigned threads = o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
    Status status = writer.open(outPath);
    std::vector<float> values;
    std::vector<uint8_t> encoded;
    for (size_t i = 0; status && i < plan.size(); ++i) {
        const PlannedTensor& t = plan[i];
        if (o.progress) o.progress(t.name, t.type, i, plan.size());
        const size_t rowLength = t.shape[0];
        size_t rows = 1;
        for (size_t d = 1; d < t.shape.size(); ++d)
            rows *= t.shape[d];
        const size_t chunkRows = std::max<size_t>(1, (size_t(1) << 22) / rowLength);
        values.resize(std::min(rows, chunkRows) * rowLength);
        encoded.resize(std::min(rows, chunkRows) * rowBytes(t.type, rowLength));
        const uint64_t tensorSeed = o.seed * 0x9e3779b97f4a7c15ull ^ hashName(t.name);
        for (size_t row = 0; status && row < rows; row += chunkRows) {
            const size_t n = std::min(chunkRows, rows - row);
            fillChunk(t, tensorSeed, row, n, ropeFactors, threads, values, encoded);
            status = writer.writeData(encoded.data(), n * rowBytes(t.type, rowLength));
        }
    }
    if (status) status = writer.finish();
    if (!status) std::remove(outPath.c_str());
    return status;
}

} // namespace hearth
