// Small option parser shared by the subcommands: `-m MODEL`, `--temp 0.7`, flags, positionals.
#pragma once

#include "engine.h"

#include <optional>
#include <string>
#include <vector>

namespace hearth::cli {

class Args {
public:
    // `valueOptions` take a value (e.g. {"-m", "-p", "--temp"}); anything else starting with '-' is a flag.
    Args(const std::vector<std::string>& args, const std::vector<std::string>& valueOptions);

    bool has(const std::string& flag) const;
    std::optional<std::string> value(const std::string& option) const;
    std::string value(const std::string& option, const std::string& fallback) const;
    const std::vector<std::string>& positionals() const { return m_positionals; }
    // Set when an option was unknown or lacked its value; the message says which.
    const std::string& error() const { return m_error; }

private:
    std::vector<std::pair<std::string, std::string>> m_values;
    std::vector<std::string> m_flags;
    std::vector<std::string> m_positionals;
    std::string m_error;
};

// --backend's value: "auto" (hearth::decideBackend chooses, as the app does), "cpu" or "vulkan";
// nullopt for anything else.
std::optional<BackendChoice> backendChoice(const std::string& name);

// `s` inside a JSON string: quotes and backslashes escaped, control characters dropped.
std::string jsonEscape(const std::string& s);

} // namespace hearth::cli
