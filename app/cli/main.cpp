// hearth-cli: the engine from the command line. Each subcommand lives in its own file and registers
// itself with HEARTH_CLI_COMMAND.
#include "command.h"

#include <cstdio>
#include <cstring>

namespace hearth::cli {

std::map<std::string, Command>& commands()
{
    static std::map<std::string, Command> table;
    return table;
}

} // namespace hearth::cli

namespace {

void printUsage()
{
    std::printf("usage: hearth-cli COMMAND [options]\n\ncommands:\n");
    for (const auto& [name, command] : hearth::cli::commands())
        std::printf("  %-10s %s\n", name.c_str(), command.summary.c_str());
    std::printf("  %-10s %s\n", "version", "print the version");
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2 || !std::strcmp(argv[1], "help") || !std::strcmp(argv[1], "--help")
        || !std::strcmp(argv[1], "-h")) {
        printUsage();
        return argc < 2 ? 2 : 0;
    }
    if (!std::strcmp(argv[1], "version") || !std::strcmp(argv[1], "--version")) {
        std::printf("hearth-cli %s\n", HEARTH_VERSION);
        return 0;
    }
    const auto& table = hearth::cli::commands();
    const auto found = table.find(argv[1]);
    if (found == table.end()) {
        std::fprintf(stderr, "hearth-cli: unknown command '%s'\n\n", argv[1]);
        printUsage();
        return 2;
    }
    std::vector<std::string> args(argv + 2, argv + argc);
    return found->second.run(args);
}
