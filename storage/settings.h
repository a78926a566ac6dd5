// Settings: application-wide key/value pairs (window geometry, default model, theme, ...).
// Values are text; the caller chooses the encoding (plain text, number, JSON).
#pragma once

#include "storage/database.h"

#include <map>
#include <optional>
#include <string>

namespace hearth::storage {

class Settings {
public:
    explicit Settings(Database& db)
        : m_db(db)
    {
    }

    Result<std::optional<std::string>> get(const std::string& key);
    // The stored value, or `fallback` when the key is absent or cannot be read.
    std::string value(const std::string& key, const std::string& fallback = {});
    Status set(const std::string& key, const std::string& value);
    Status remove(const std::string& key);
    Result<std::map<std::string, std::string>> all();

private:
    Database& m_db;
};

} // namespace hearth::storage
