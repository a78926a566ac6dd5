// hearth-cli subcommands register themselves here, one file each (info.cpp, eval.cpp, ...).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::cli {

using CommandFn = std::function<int(const std::vector<std::string>& args)>;

struct Command {
    std::string summary; // one line for `hearth-cli help`
    CommandFn run;
};

std::map<std::string, Command>& commands();

struct Registrar {
    Registrar(const char* name, const char* summary, CommandFn run)
    {
        commands()[name] = Command { summary, std::move(run) };
    }
};

} // namespace hearth::cli

#define HEARTH_CLI_COMMAND(name, summary, fn)                                                                \
    static ::hearth::cli::Registrar hearthCliRegistrar_##fn(name, summary, fn)
