// Export a conversation to Markdown (readable, the thread shown) or JSON (complete: every branch,
// statuses, token counts, settings, attached documents with their passages), and import that JSON
// back as a new conversation. Import(export(c)) gives the same conversation with new ids.
//
// JSON format "hearth-conversation", version 1:
// { "format": "hearth-conversation", "version": 1,
//   "conversation": { "title", "createdAt", "updatedAt", "pinned", "model", "systemPrompt",
//                     "sampling": {...}, "currentLeaf": <message id or 0> },
//   "messages": [ { "id", "parent" (0: root), "role", "text", "status", "createdAt", "updatedAt",
//                   "promptTokens", "completionTokens", "tokensPerSecond", "error" }, ... ],
//   "documents": [ { "path", "checksum", "text", "createdAt",
//                    "passages": [ { "offset", "text" }, ... ] }, ... ] }
// Message ids in the file are only for the parent links; times are ms since the epoch.
#pragma once

#include "storage/conversations.h"
#include "storage/database.h"

#include <cstdint>
#include <string>

namespace hearth::storage {

Result<std::string> exportMarkdown(Database& db, std::int64_t conversationId);
Result<std::string> exportJson(Database& db, std::int64_t conversationId);
// A new conversation from exportJson's text (one transaction: all or nothing). Streaming messages in
// the file come back as Interrupted.
Result<Conversation> importJson(Database& db, const std::string& json);

} // namespace hearth::storage
