// Chat formats: Llama 3.x Instruct turns, and a plain fallback for files with an unknown template.
#pragma once

#include <string>
#include <vector>

namespace hearth {

struct ChatMessage {
    std::string role;     // "system" | "user" | "assistant"
    std::string content;
};

// (Implemented in chat/: see chat_format.cpp for the interface the engine uses.)

}  // namespace hearth
