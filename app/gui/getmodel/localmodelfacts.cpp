#include "localmodelfacts.h"

#include "gguf/gguf.h"
#include "gguf/type_mix.h"
#include "quant/types.h"

LocalModelFacts inspectModel(const hearth::download::LocalModel& file)
{
    LocalModelFacts facts;
    facts.file = file;
    auto gguf = hearth::GgufFile::open(file.path.toStdString());
    if (!gguf) {
        facts.error = QString::fromStdString(gguf.error().message);
        return facts;
    }
    auto config = hearth::LlamaConfig::fromGguf(**gguf);
    if (!config) {
        facts.error = QString::fromStdString(config.error().message);
        return facts;
    }
    facts.config = *config;
    for (const hearth::GgufTensorInfo& t : (*gguf)->tensors()) {
        facts.weights.bytes += t.byteSize;
        ++facts.weights.tensorCount;
        facts.parameters += double(t.elementCount);
    }
    for (const hearth::TypeShare& share : hearth::typeMix(**gguf)) {
        const std::string_view type = hearth::typeName(share.type);
        facts.typeMix << QVariantMap { { "type", QString::fromLatin1(type.data(), qsizetype(type.size())) },
            { "tensors", share.tensors }, { "bytes", double(share.bytes) } };
    }
    return facts;
}
