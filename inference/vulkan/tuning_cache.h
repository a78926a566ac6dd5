// The tuner's choices on disk (tuner.h): one line per tuned question, keyed by what makes a choice
// valid — the device (its UUID), its driver version, the shader build (a hash of the embedded
// SPIR-V) and the question with its shape — so a later load reuses a choice at once and a driver
// update or a new build tunes again. The caller gives the file's path (the app: its XDG cache
// folder); a missing, corrupt or foreign file reads as empty and is rewritten whole, atomically.
#pragma once

#include "util/result.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace hearth::vk {

// What a cached choice was measured on.
struct TuningIdentity {
    std::string deviceUuid;
    uint32_t driverVersion = 0;
    uint64_t shaderBuild = 0;
};

// FNV-1a over every embedded SPIR-V variant: changes whenever a shader does.
uint64_t shaderBuildHash();

class TuningCache {
public:
    // Reads `path`; anything unreadable leaves the cache empty (and the file is rewritten on save).
    static TuningCache load(const std::string& path);

    // The choice of `question` (with its shape) on `identity`, if cached.
    std::optional<std::string> find(
        const TuningIdentity& identity, const std::string& question, const std::string& shape) const;
    void put(const TuningIdentity& identity, const std::string& question, const std::string& shape,
        const std::string& choice);
    // Writes beside the file and renames over it (creating its folder), so a reader never sees half a
    // file.
    Status save(const std::string& path) const;

    size_t size() const { return m_entries.size(); }

private:
    std::map<std::string, std::string> m_entries; // key line -> choice
};

} // namespace hearth::vk
