// Conversations: the sidebar's rows and each conversation's own settings.
//
// Listing is newest first with pinned conversations on top. Deleting is soft by default (deletedAt is
// set, the row disappears from list() and search) so the GUI can offer "Undo"; restore() brings it
// back, purgeDeleted() makes it final (messages and documents go with it: ON DELETE CASCADE).
// Model, system prompt and sampling overrides are stored per conversation. The sampling overrides are a
// JSON object whose keys the app owns (e.g. {"temperature":0.7,"top_p":0.9}); storage keeps the text
// as given and export embeds it as an object.
#pragma once

#include "storage/database.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hearth::storage {

struct ConversationSettings {
    std::string model; // the model used (file name or id, as the app names it)
    std::string systemPrompt;
    std::string samplingJson = "{}"; // JSON object with sampling overrides
};

struct Conversation {
    std::int64_t id = 0;
    std::string title;
    std::int64_t createdAt = 0; // ms since epoch
    std::int64_t updatedAt = 0; // last change to the conversation or any of its messages
    bool pinned = false;
    std::optional<std::int64_t> deletedAt; // set while soft-deleted
    ConversationSettings settings;
    std::int64_t currentLeafId = 0; // last message of the thread shown (0: no messages)
};

struct ListOptions {
    int limit = -1; // -1: all
    int offset = 0;
    bool includeDeleted = false;
};

class Conversations {
public:
    explicit Conversations(Database& db)
        : m_db(db)
    {
    }

    Result<Conversation> create(const std::string& title, const ConversationSettings& settings = {});
    Result<Conversation> get(std::int64_t id);
    // Pinned first, then most recently updated first; soft-deleted ones left out unless asked.
    Result<std::vector<Conversation>> list(const ListOptions& options = {});
    Result<std::int64_t> count(bool includeDeleted = false);

    Status rename(std::int64_t id, const std::string& title);
    Status setPinned(std::int64_t id, bool pinned);
    Status setSettings(std::int64_t id, const ConversationSettings& settings);

    Status softDelete(std::int64_t id); // reversible with restore()
    Status restore(std::int64_t id);
    Status remove(std::int64_t id); // final: the conversation, its messages and documents
    // Final removal of everything soft-deleted before `beforeMs` (e.g. at start-up); returns how many.
    Result<int> purgeDeleted(std::int64_t beforeMs);

private:
    Database& m_db;
};

// Milliseconds since the Unix epoch, the clock every table uses.
std::int64_t nowMs();

} // namespace hearth::storage
