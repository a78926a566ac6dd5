// The follow-up hook for document conversations: runs on the store's worker thread (a function of
// Database&, like every AsyncStore request). Empty when the conversation has no document; otherwise a
// system message holding the passages that best match the question (storage's FTS5 bm25 ranking).
//
// ChatController uses it when it builds a prompt:  inside the turn's store request,
//     turn.documentContext = documentContextFor(db, conversationId, questionText);
// and before the thread's messages,
//     if (!turn.documentContext.empty()) prompt.append({"role": "system", "content": documentContext});
#pragma once

#include "storage/database.h"

#include <cstdint>
#include <string>

// Tokens estimated from bytes (the engine protocol has no token count): at most one token per two bytes
// holds for every tokenizer we load, so budgets computed with it are never exceeded.
uint32_t estimateTokens(std::string_view text);

std::string documentContextFor(hearth::storage::Database& db, std::int64_t conversationId,
    const std::string& question, uint32_t budgetTokens = 1024);
