// Messages: a tree per conversation, so nothing the user saw is ever overwritten.
//
// Every message has a parent (0 for the first message). Regenerating an answer starts a new assistant
// message under the same user message; editing a user message and resending adds a new user message
// under the same parent. Such siblings are the alternatives the GUI shows as ‹1/2›. The thread shown
// is the path from the root to the conversation's current leaf; selecting an alternative moves the
// leaf to the newest descendant of that sibling.
//
// One chat turn, and when each step reaches the disk:
//   appendUser()       committed before generation starts;
//   beginAssistant()   an empty reply with status Streaming, committed;
//   checkpoint()       the growing text, each call its own short transaction (call it at most every few
//                      hundred ms; AsyncStore::checkpointLater() does that throttling for the GUI);
//   finish()           the final text, status (Complete / Failed / Interrupted, with what interrupted it),
//                      token counts, speed.
// A reply still Streaming at the next start is marked Interrupted (by AppClosed) by Database::open
// (recovery), keeping all the text of its last checkpoint. resume() turns an interrupted or failed reply
// back into a Streaming one, so "Continue" appends to it through the same checkpoints and finish().
#pragma once

#include "storage/database.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hearth::storage {

enum class Role { System, User, Assistant };
enum class MessageStatus { Complete, Streaming, Interrupted, Failed };
// What ended an Interrupted reply before its end of turn.
enum class Interruption {
    None, // not interrupted (or an older reply whose cause was not recorded)
    ByUser, // the user pressed Stop
    EngineStopped, // the engine process died or lost its device while writing
    AppClosed, // Hearth closed (or was killed) while writing; found by the start-up recovery
};

const char* roleName(Role role); // "system", "user", "assistant"
std::optional<Role> roleFromName(const std::string& name);
const char* statusName(MessageStatus status); // "complete", "streaming", "interrupted", "failed"
std::optional<MessageStatus> statusFromName(const std::string& name);
const char* interruptionName(Interruption interruption); // "", "user", "engine", "appClosed"
std::optional<Interruption> interruptionFromName(const std::string& name);

struct Message {
    std::int64_t id = 0;
    std::int64_t conversationId = 0;
    std::int64_t parentId = 0; // 0: first message of the conversation
    Role role = Role::User;
    std::string text;
    MessageStatus status = MessageStatus::Complete;
    std::int64_t createdAt = 0;
    std::int64_t updatedAt = 0;
    int promptTokens = 0;
    int completionTokens = 0;
    double tokensPerSecond = 0.0;
    std::string error; // why a Failed reply failed; details of an interruption, if any
    Interruption interruption = Interruption::None; // what interrupted an Interrupted reply
    // Filled by thread(): position among the siblings (alternatives) under the same parent, for ‹1/2›.
    int siblingIndex = 0; // 0-based, oldest first
    int siblingCount = 1;
};

struct FinishInfo {
    MessageStatus status = MessageStatus::Complete;
    std::string text; // the full final text
    int promptTokens = 0;
    int completionTokens = 0;
    double tokensPerSecond = 0.0;
    std::string error;
    Interruption interruption = Interruption::None; // Interrupted only; ignored for other statuses
};

class Messages {
public:
    explicit Messages(Database& db)
        : m_db(db)
    {
    }

    Result<Message> get(std::int64_t id);
    // The thread shown: root → current leaf, with siblingIndex/siblingCount filled in.
    Result<std::vector<Message>> thread(std::int64_t conversationId);
    // Every message of the conversation (all branches), oldest first: export, tests.
    Result<std::vector<Message>> all(std::int64_t conversationId);
    // The alternatives under the same parent as `messageId` (itself included), oldest first.
    Result<std::vector<Message>> siblings(std::int64_t messageId);

    // A user message under the current leaf; it becomes the leaf. Committed on return.
    Result<Message> appendUser(std::int64_t conversationId, const std::string& text);
    // A system message (rarely needed: the system prompt normally lives in the conversation settings).
    Result<Message> appendSystem(std::int64_t conversationId, const std::string& text);
    // An empty Streaming assistant reply under `parentId` (a user message); it becomes the leaf.
    // Calling it again with the same parent is "regenerate": the old reply stays as an alternative.
    Result<Message> beginAssistant(std::int64_t conversationId, std::int64_t parentId);
    // Replace the reply's text with the longer text so far (one short transaction). Only a Streaming
    // message accepts checkpoints (InvalidArgument otherwise).
    Status checkpoint(std::int64_t messageId, const std::string& text);
    Status finish(std::int64_t messageId, const FinishInfo& info);
    // Continue: an Interrupted or Failed assistant reply becomes Streaming again with `text` (its text
    // so far, possibly trimmed), its interruption and error cleared; checkpoints and finish() follow.
    // InvalidArgument for any other message.
    Status resume(std::int64_t messageId, const std::string& text);
    // Edit-and-resend: a new user message with `newText` beside `userMessageId` (same parent); it becomes
    // the leaf. The caller then begins the assistant reply under it.
    Result<Message> editResend(std::int64_t userMessageId, const std::string& newText);

    // Show alternative `messageId`: the leaf moves to its newest descendant. Returns the new leaf id.
    Result<std::int64_t> select(std::int64_t messageId);
    // ‹ / ›: move `offset` places among the siblings of `messageId` (clamped). Returns the selected id.
    Result<std::int64_t> selectSibling(std::int64_t messageId, int offset);

    // Start-up recovery: every Streaming message becomes Interrupted by AppClosed. Returns how many.
    // Database::open calls it; exposed for tests and tools.
    Result<int> markStreamingInterrupted();

private:
    Result<Message> insert(std::int64_t conversationId, std::int64_t parentId, Role role,
        const std::string& text, MessageStatus status);

    Database& m_db;
};

} // namespace hearth::storage
