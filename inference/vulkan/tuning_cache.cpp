#include "vulkan/tuning_cache.h"

#include "vulkan/registry.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace hearth::vk {

namespace {

constexpr const char* kHeader = "hearth-kernel-tuning 1";

// Keys and choices are single words or "key=value" lists without tabs or newlines.
bool printable(const std::string& s)
{
    for (char c : s)
        if (c == '\t' || c == '\n' || c == '\r') return false;
    return !s.empty();
}

std::string entryKey(const TuningIdentity& id, const std::string& question, const std::string& shape)
{
    char build[17];
    std::snprintf(build, sizeof(build), "%016llx", static_cast<unsigned long long>(id.shaderBuild));
    return "device=" + id.deviceUuid + " driver=" + std::to_string(id.driverVersion) + " shaders=" + build
        + " question=" + question + " shape=" + shape;
}

} // namespace

uint64_t shaderBuildHash()
{
    uint64_t hash = 1469598103934665603ull;
    for (uint32_t i = 0; i < kShaderCount; ++i)
        for (uint32_t word : shaderSpirv(ShaderId(i)))
            for (int b = 0; b < 4; ++b) {
                hash ^= (word >> (8 * b)) & 0xffu;
                hash *= 1099511628211ull;
            }
    return hash;
}

TuningCache TuningCache::load(const std::string& path)
{
    TuningCache cache;
    std::ifstream in(path);
    std::string line;
    if (!in || !std::getline(in, line) || line != kHeader) return cache;
    while (std::getline(in, line)) {
        const size_t tab = line.find('\t');
        if (tab == std::string::npos || tab == 0 || tab + 1 == line.size()) return {}; // corrupt: ignore all
        cache.m_entries[line.substr(0, tab)] = line.substr(tab + 1);
    }
    return cache;
}

std::optional<std::string> TuningCache::find(
    const TuningIdentity& identity, const std::string& question, const std::string& shape) const
{
    const auto it = m_entries.find(entryKey(identity, question, shape));
    if (it == m_entries.end()) return std::nullopt;
    return it->second;
}

void TuningCache::put(const TuningIdentity& identity, const std::string& question, const std::string& shape,
    const std::string& choice)
{
    const std::string key = entryKey(identity, question, shape);
    if (printable(key) && printable(choice)) m_entries[key] = choice;
}

Status TuningCache::save(const std::string& path) const
{
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path file(path);
    if (file.has_parent_path()) fs::create_directories(file.parent_path(), ec);
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << kHeader << '\n';
        for (const auto& [key, choice] : m_entries)
            out << key << '\t' << choice << '\n';
        out.flush();
        if (!out) return makeError(ErrorCode::Io, "cannot write the tuning cache " + tmp);
    }
    fs::rename(tmp, file, ec);
    if (ec) return makeError(ErrorCode::Io, "cannot replace the tuning cache " + path + ": " + ec.message());
    return Ok {};
}

} // namespace hearth::vk
