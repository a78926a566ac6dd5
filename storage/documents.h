// Documents attached to a conversation, and their passages for retrieval.
//
// The documents engineer extracts the text and cuts it into passages; storage keeps the document
// (path, checksum, extracted text) and indexes the passages with FTS5 so a follow-up question can
// fetch the best few passages, ranked by bm25 (best first). Removing a document removes its passages;
// removing a conversation removes its documents.
#pragma once

#include "storage/database.h"

#include <cstdint>
#include <string>
#include <vector>

namespace hearth::storage {

struct Document {
    std::int64_t id = 0;
    std::int64_t conversationId = 0;
    std::string path; // where the user picked it (informational; the text below is what counts)
    std::string checksum; // e.g. hex SHA-256 of the file bytes: re-attaching the same file is detectable
    std::string text; // the extracted text
    std::int64_t createdAt = 0;
    int passageCount = 0;
};

// One passage as the documents engineer cuts it.
struct PassageInput {
    std::string text;
    std::int64_t offset = 0; // where it starts in the document's text (bytes); informational
};

struct Passage {
    std::int64_t id = 0;
    std::int64_t documentId = 0;
    int ordinal = 0; // 0-based position within the document
    std::int64_t offset = 0;
    std::string text;
};

struct PassageHit {
    Passage passage;
    std::int64_t conversationId = 0;
    std::string documentPath;
    double score = 0.0; // bm25: lower is better (SQLite's sign convention); hits come best first
};

// Which passages a search looks at.
struct PassageScope {
    static PassageScope document(std::int64_t id) { return { id, 0 }; }
    static PassageScope conversation(std::int64_t id) { return { 0, id }; }
    std::int64_t documentId = 0;
    std::int64_t conversationId = 0;
};

class Documents {
public:
    explicit Documents(Database& db)
        : m_db(db)
    {
    }

    Result<Document> addDocument(std::int64_t conversationId, const std::string& path,
        const std::string& checksum, const std::string& text);
    // Append passages after the ones the document already has (ordinals continue). One transaction.
    Status addPassages(std::int64_t documentId, const std::vector<PassageInput>& passages);

    Result<Document> get(std::int64_t documentId);
    // The documents of a conversation, oldest first. withText=false leaves Document::text empty.
    Result<std::vector<Document>> list(std::int64_t conversationId, bool withText = false);
    // The document of this conversation with this checksum, if any (id 0 when none).
    Result<Document> findByChecksum(std::int64_t conversationId, const std::string& checksum);
    Result<std::vector<Passage>> passages(std::int64_t documentId);
    Status remove(std::int64_t documentId);

    // Passages matching any word of `query` (free text: punctuation is ignored, words are OR-ed, so
    // the more query words a passage holds the better it ranks), best bm25 first, at most `limit`.
    Result<std::vector<PassageHit>> searchPassages(
        const PassageScope& scope, const std::string& query, int limit = 5);

private:
    Database& m_db;
};

} // namespace hearth::storage
