// hearth-cli template (-m MODEL | --template FILE) --conversation CONV.json [--no-generation-prompt]
//                     [--bos TEXT --eos TEXT] [--date YYYY-MM-DD]
// Prints the prompt a chat template renders for a conversation, byte for byte, as transformers'
// apply_chat_template (jinja2) would: for checking a fine-tune's format, and for tests. CONV.json is
// {"messages": [{"role": ..., "content": ...}, ...]}. With -m the template, bos_token and eos_token
// come from the GGUF; --bos/--eos override them. --date fixes what strftime_now and date_string see.
// A template that raises fails with its own message (exit 1).
#include "args.h"
#include "chat/jinja/json_parse.h"
#include "chat/jinja_chat.h"
#include "command.h"
#include "gguf/gguf.h"
#include "tokenizer/tokenizer.h"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace {

const char* const kUsage
    = "usage: hearth-cli template (-m MODEL.gguf | --template FILE.jinja) --conversation CONV.json "
      "[--no-generation-prompt] [--bos TEXT --eos TEXT] [--date YYYY-MM-DD]\n";

std::optional<std::string> readFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

int runTemplate(const std::vector<std::string>& argv)
{
    const hearth::cli::Args args(
        argv, { "-m", "--model", "--template", "--conversation", "--bos", "--eos", "--date" });
    if (!args.error().empty()) {
        std::fprintf(stderr, "template: %s\n", args.error().c_str());
        return 2;
    }
    const auto model = args.value("-m") ? args.value("-m") : args.value("--model");
    const auto templatePath = args.value("--template");
    const auto conversationPath = args.value("--conversation");
    if (model.has_value() == templatePath.has_value() || !conversationPath || !args.positionals().empty()) {
        std::fprintf(stderr, "%s", kUsage);
        return 2;
    }

    hearth::ChatTemplateInputs inputs;
    inputs.addGenerationPrompt = !args.has("--no-generation-prompt");
    std::string source;
    if (templatePath) {
        auto text = readFile(*templatePath);
        if (!text) {
            std::fprintf(stderr, "template: cannot read %s\n", templatePath->c_str());
            return 1;
        }
        source = std::move(*text);
    } else {
        auto gguf = hearth::GgufFile::open(*model);
        if (!gguf) {
            std::fprintf(stderr, "template: %s\n", gguf.error().message.c_str());
            return 1;
        }
        const auto chatTemplate = (*gguf)->getString("tokenizer.chat_template");
        if (!chatTemplate) {
            std::fprintf(stderr, "template: %s has no tokenizer.chat_template\n", model->c_str());
            return 1;
        }
        source = std::string(*chatTemplate);
        auto tokenizer = hearth::Tokenizer::fromGguf(**gguf);
        if (!tokenizer) {
            std::fprintf(stderr, "template: %s\n", tokenizer.error().message.c_str());
            return 1;
        }
        const auto& special = (*tokenizer)->special();
        if (special.bos >= 0) inputs.bosToken = std::string((*tokenizer)->tokenText(special.bos));
        if (special.eos >= 0) inputs.eosToken = std::string((*tokenizer)->tokenText(special.eos));
    }
    if (const auto bos = args.value("--bos")) inputs.bosToken = *bos;
    if (const auto eos = args.value("--eos")) inputs.eosToken = *eos;
    if (const auto date = args.value("--date")) {
        inputs.date = hearth::parseIsoDate(*date);
        if (!inputs.date) {
            std::fprintf(stderr, "template: --date wants YYYY-MM-DD, got '%s'\n", date->c_str());
            return 2;
        }
    }

    const auto conversationText = readFile(*conversationPath);
    if (!conversationText) {
        std::fprintf(stderr, "template: cannot read %s\n", conversationPath->c_str());
        return 1;
    }
    auto conversation = hearth::jinja::parseJson(*conversationText, true);
    if (!conversation) {
        std::fprintf(
            stderr, "template: %s: %s\n", conversationPath->c_str(), conversation.error().message.c_str());
        return 1;
    }
    const hearth::jinja::Value* messages
        = conversation->isDict() ? conversation->entries().find("messages") : nullptr;
    if (!messages || !messages->isList()) {
        std::fprintf(stderr, "template: %s: expected {\"messages\": [...]}\n", conversationPath->c_str());
        return 1;
    }
    inputs.messages = *messages;

    auto parsed = hearth::jinja::JinjaTemplate::parse(source);
    if (!parsed) {
        std::fprintf(stderr, "template: %s\n", parsed.error().message.c_str());
        return 1;
    }
    auto rendered
        = parsed->render(hearth::chatTemplateVariables(inputs), {}, hearth::chatTemplateDate(inputs));
    if (!rendered) {
        std::fprintf(stderr, "template: %s\n", rendered.error().message.c_str());
        return 1;
    }
    std::fwrite(rendered->str().data(), 1, rendered->size(), stdout);
    return 0;
}

} // namespace

HEARTH_CLI_COMMAND("template",
    "print the prompt a chat template renders for a conversation ((-m MODEL | --template FILE) "
    "--conversation CONV.json)",
    runTemplate);
