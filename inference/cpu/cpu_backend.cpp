// CpuBackend: the llama forward pass over kernels.h. Every buffer is sized once, at creation, for a
// batch of `batchSize` tokens and `contextLength` positions: nothing is allocated per token.
#include "cpu/cpu_backend.h"

#include "cpu/cpu_features.h"
#include "cpu/kernels.h"
#include "cpu/packed_matrix.h"
#include "cpu/threadpool.h"
#include "gguf/gguf.h"

#include <algorithm>
#include <new>
#include <vector>

namespace hearth {

namespace {

class CpuBackend final : public Backend {
public:
    CpuBackend(
        const LlamaWeights& weights, const LlamaConfig& config, const CpuOptions& options, uint32_t context)
        : m_w(weights)
        , m_c(config)
        , m_context(context)
        , m_batch(std::max(1u, options.batchSize))
        , m_kvF16(options.kvF16)
        , m_pool(options.threads > 0 ? options.threads : cpu::physicalCoreCount())
    {
        packWeights();
        const size_t kvDim = size_t(m_c.kvHeadCount) * m_c.headDim;
        const size_t qDim = size_t(m_c.headCount) * m_c.headDim;
        // The KV cache: per layer, `context` rows of kvDim, f32 or f16.
        const size_t cacheElements = size_t(m_c.layerCount) * m_context * kvDim;
        if (m_kvF16) {
            m_keyF16.resize(cacheElements);
            m_valueF16.resize(cacheElements);
        } else {
            m_key.resize(cacheElements);
            m_value.resize(cacheElements);
        }
        // Activations for one batch.
        m_x.resize(m_batch * size_t(m_c.dim));
        m_xb.resize(m_batch * size_t(m_c.dim));
        m_q.resize(m_batch * qDim);
        m_k.resize(m_batch * kvDim);
        m_v.resize(m_batch * kvDim);
        m_att.resize(m_batch * qDim);
        m_hb.resize(m_batch * size_t(m_c.ffnDim));
        m_hb2.resize(m_batch * size_t(m_c.ffnDim));
    }

    std::string deviceName() const override { return cpuDeviceName(); }
    std::string kind() const override { return "cpu"; }
    uint32_t contextLength() const override { return m_context; }
    uint32_t vocabSize() const override { return m_c.vocabSize; }

    Status forward(std::span<const int32_t> tokens, uint32_t startPos, std::span<float> logits) override
    {
        // Step 1: check the request against what was allocated.
        const size_t n = tokens.size(), vocab = m_c.vocabSize;
        if (n == 0) return makeError(ErrorCode::InvalidArgument, "forward: no tokens");
        if (size_t(startPos) + n > m_context)
            return makeError(ErrorCode::InvalidArgument,
                "forward: positions up to " + std::to_string(startPos + n) + " exceed the context of "
                    + std::to_string(m_context));
        const bool allPositions = logits.size() == n * vocab;
        if (!allPositions && logits.size() != vocab)
            return makeError(
                ErrorCode::InvalidArgument, "forward: logits must hold vocab or tokens × vocab floats");
        for (int32_t token : tokens)
            if (token < 0 || uint32_t(token) >= m_c.vocabSize)
                return makeError(ErrorCode::InvalidArgument,
                    "forward: token id " + std::to_string(token) + " is outside the vocabulary");
        // Step 2: the batches; logits for every position, or for the very last one.
        for (size_t b = 0; b < n; b += m_batch) {
            const uint32_t count = uint32_t(std::min<size_t>(m_batch, n - b));
            const bool last = b + count == n;
            float* out = allPositions ? logits.data() + b * vocab : (last ? logits.data() : nullptr);
            runBatch(tokens.data() + b, count, startPos + uint32_t(b), out, allPositions);
        }
        return Ok {};
    }

private:
    // The panels of every weight that has a panel kernel on this CPU (see cpu/packed_matrix.h); the
    // others, and everything on CPUs without one, are read from the file as they are. A packed
    // matrix's rows are never read from the file again (matmul takes whole panels from the copy,
    // at chunk edges that fall on panel edges as they do when row counts are multiples of 16), so
    // their file pages are dropped: the model is not held in memory twice. Rows past the last panel
    // stay (the page rounding keeps the one they share); an output tied to the embedding refaults
    // only the rows of the tokens looked up.
    struct LayerPanels {
        PackedMatrix q, k, v, o, gate, up, down;
    };

    void packWeights()
    {
        if (!cpu::panelsPayOff()) return;
        auto pack = [&](const TensorView& w, PackedMatrix& out) {
            if (!cpu::panelsPayOff(w.type)) return;
            out = cpu::packMatrix(w, &m_pool);
            if (m_w.fileMapped) releaseFilePages(w.data, size_t(out.panels) * cpu::kPanelRows * w.rowBytes);
        };
        m_panels.resize(m_c.layerCount);
        for (uint32_t l = 0; l < m_c.layerCount; ++l) {
            const LlamaLayerWeights& L = m_w.layers[l];
            LayerPanels& P = m_panels[l];
            pack(L.wq, P.q);
            pack(L.wk, P.k);
            pack(L.wv, P.v);
            pack(L.wo, P.o);
            pack(L.ffnGate, P.gate);
            pack(L.ffnUp, P.up);
            pack(L.ffnDown, P.down);
        }
        pack(m_w.output, m_outputPanels);
    }

    static const PackedMatrix* panels(const PackedMatrix& p) { return p.panels ? &p : nullptr; }
    const LayerPanels* layerPanels(uint32_t l) const { return m_panels.empty() ? nullptr : &m_panels[l]; }

    KvView cacheView(bool value, uint32_t layer) const
    {
        const size_t offset = size_t(layer) * m_context * kvDim();
        KvView view;
        view.f16 = m_kvF16;
        view.rowElements = kvDim();
        view.data = m_kvF16 ? static_cast<const void*>((value ? m_valueF16 : m_keyF16).data() + offset)
                            : static_cast<const void*>((value ? m_value : m_key).data() + offset);
        return view;
    }

    uint32_t kvDim() const { return m_c.kvHeadCount * m_c.headDim; }

    // Writes this batch's keys and values into the cache rows [pos, pos + n) of `layer`.
    void storeKv(uint32_t layer, uint32_t pos, uint32_t n)
    {
        const size_t offset = (size_t(layer) * m_context + pos) * kvDim();
        const size_t count = size_t(n) * kvDim();
        if (m_kvF16) {
            toF16(m_keyF16.data() + offset, m_k.data(), uint32_t(count));
            toF16(m_valueF16.data() + offset, m_v.data(), uint32_t(count));
        } else {
            std::copy_n(m_k.data(), count, m_key.data() + offset);
            std::copy_n(m_v.data(), count, m_value.data() + offset);
        }
    }

    // One batch of n tokens at positions [pos, pos + n), through every layer.
    void runBatch(const int32_t* tokens, uint32_t n, uint32_t pos, float* logits, bool allPositions)
    {
        const uint32_t dim = m_c.dim, ffn = m_c.ffnDim, hd = m_c.headDim;
        const uint32_t qDim = m_c.headCount * hd;
        const float* freqs = m_w.ropeFreqs.empty() ? nullptr : m_w.ropeFreqs.f32();
        const AttentionShape shape { m_c.headCount, m_c.kvHeadCount, hd };
        ThreadPool* pool = &m_pool;
        float *x = m_x.data(), *xb = m_xb.data(), *q = m_q.data(), *k = m_k.data(), *v = m_v.data();
        float *att = m_att.data(), *hb = m_hb.data(), *hb2 = m_hb2.data();

        for (uint32_t t = 0; t < n; ++t)
            embeddingLookup(m_w.tokenEmbedding, tokens[t], x + size_t(t) * dim); // x = embedding
        for (uint32_t l = 0; l < m_c.layerCount; ++l) {
            const LlamaLayerWeights& L = m_w.layers[l];
            const LayerPanels* P = layerPanels(l);
            auto packed = [&](PackedMatrix LayerPanels::*which) { return P ? panels(P->*which) : nullptr; };
            rmsNorm(xb, x, L.attnNorm.f32(), dim, n, m_c.normEps); // attention rmsNorm
            const MatmulJob qkv[] = { { &L.wq, q, packed(&LayerPanels::q) },
                { &L.wk, k, packed(&LayerPanels::k) }, { &L.wv, v, packed(&LayerPanels::v) } };
            matmulMany(qkv, 3, xb, n, pool); // q, k, v = wq, wk, wv · xb
            for (uint32_t t = 0; t < n; ++t) { // rope on q and k
                rope(q + size_t(t) * qDim, m_c.headCount, hd, pos + t, m_c.ropeFreqBase, freqs);
                rope(k + size_t(t) * kvDim(), m_c.kvHeadCount, hd, pos + t, m_c.ropeFreqBase, freqs);
            }
            storeKv(l, pos, n); // append k, v to the cache
            attention(
                shape, q, cacheView(false, l), cacheView(true, l), pos, n, att, pool); // att = softmax(qk)v
            matmul(L.wo, att, n, xb, pool, packed(&LayerPanels::o)); // xb = wo · att
            add(x, xb, n * dim); // x += xb (residual)
            rmsNorm(xb, x, L.ffnNorm.f32(), dim, n, m_c.normEps); // ffn rmsNorm
            const MatmulJob gateUp[] = { { &L.ffnGate, hb, packed(&LayerPanels::gate) },
                { &L.ffnUp, hb2, packed(&LayerPanels::up) } };
            matmulMany(gateUp, 2, xb, n, pool); // hb, hb2 = gate, up · xb
            swiglu(hb, hb, hb2, n * ffn); // hb = silu(hb) * hb2
            matmul(L.ffnDown, hb, n, xb, pool, packed(&LayerPanels::down)); // xb = down · hb
            add(x, xb, n * dim); // x += xb (residual)
        }
        if (!logits) return;
        // Final rmsNorm and the output projection: every row, or only the last.
        const uint32_t first = allPositions ? 0 : n - 1;
        const uint32_t rows = n - first;
        rmsNorm(xb, x + size_t(first) * dim, m_w.outputNorm.f32(), dim, rows, m_c.normEps); // final rmsNorm
        matmul(m_w.output, xb, rows, logits, pool, panels(m_outputPanels)); // logits = output · xb
    }

    LlamaWeights m_w;
    LlamaConfig m_c;
    uint32_t m_context;
    uint32_t m_batch;
    bool m_kvF16;
    ThreadPool m_pool;
    std::vector<LayerPanels> m_panels; // empty where panels do not pay off
    PackedMatrix m_outputPanels;
    std::vector<float> m_key, m_value; // (layers, context, kvDim) when f32
    std::vector<uint16_t> m_keyF16, m_valueF16; // the same in half precision
    std::vector<float> m_x, m_xb; // (batch, dim): residual stream, scratch
    std::vector<float> m_q, m_att; // (batch, headCount * headDim)
    std::vector<float> m_k, m_v; // (batch, kvHeadCount * headDim)
    std::vector<float> m_hb, m_hb2; // (batch, ffnDim)
};

} // namespace

Result<std::unique_ptr<Backend>> createCpuBackend(
    const LlamaWeights& weights, const LlamaConfig& config, const CpuOptions& options)
{
    if (weights.layers.size() != config.layerCount || weights.tokenEmbedding.empty()
        || weights.output.empty())
        return makeError(ErrorCode::InvalidArgument, "createCpuBackend: weights do not match the config");
    uint32_t context = options.contextLength ? options.contextLength : std::min(config.trainedContext, 4096u);
    context = std::max(context, 1u);
    try {
        return std::unique_ptr<Backend>(new CpuBackend(weights, config, options, context));
    } catch (const std::bad_alloc&) {
        return makeError(ErrorCode::OutOfMemory,
            "not enough memory for a KV cache of " + std::to_string(context)
                + " positions and the weights rearranged for this CPU; try a shorter context or a smaller "
                  "model");
    } catch (const std::length_error&) {
        return makeError(
            ErrorCode::OutOfMemory, "KV cache of " + std::to_string(context) + " positions is too large");
    }
}

} // namespace hearth
