#include "args.h"

#include <algorithm>

namespace hearth::cli {

Args::Args(const std::vector<std::string>& args, const std::vector<std::string>& valueOptions)
{
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        const bool takesValue
            = std::find(valueOptions.begin(), valueOptions.end(), arg) != valueOptions.end();
        if (takesValue) {
            if (i + 1 >= args.size()) {
                m_error = "option " + arg + " needs a value";
                return;
            }
            m_values.emplace_back(arg, args[++i]);
        } else if (arg.size() > 1 && arg[0] == '-'
            && !(arg.size() > 1 && (isdigit(arg[1]) || arg[1] == '.'))) {
            m_flags.push_back(arg);
        } else {
            m_positionals.push_back(arg);
        }
    }
}

bool Args::has(const std::string& flag) const
{
    return std::find(m_flags.begin(), m_flags.end(), flag) != m_flags.end();
}

std::optional<std::string> Args::value(const std::string& option) const
{
    for (auto it = m_values.rbegin(); it != m_values.rend(); ++it)
        if (it->first == option) return it->second;
    return std::nullopt;
}

std::string Args::value(const std::string& option, const std::string& fallback) const
{
    return value(option).value_or(fallback);
}

std::optional<BackendChoice> backendChoice(const std::string& name)
{
    if (name == "auto") return BackendChoice::Auto;
    if (name == "cpu") return BackendChoice::Cpu;
    if (name == "vulkan") return BackendChoice::Vulkan;
    return std::nullopt;
}

std::string jsonEscape(const std::string& s)
{
    std::string out;
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (static_cast<unsigned char>(c) >= 0x20) out += c;
    }
    return out;
}

} // namespace hearth::cli
