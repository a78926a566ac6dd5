// The crash test's child: streams replies into the store the way the app does, printing an
// acknowledgement line after each commit, until the parent kills it with SIGKILL.
//
//   storage_crash_child <db path> <seed>
// Output, one line per commit (flushed at once):
//   conv <id>              a conversation was created
//   user <id>              a user message was committed
//   reply <id>             a streaming reply was begun
//   ckpt <id> <bytes>      a checkpoint of that many bytes was committed
//   done <id> <bytes>      the reply was finished (status complete)
// Reply text is deterministic: replyText(n) for the first n pieces, so the parent can check prefixes.
#include "storage/conversations.h"
#include "storage/database.h"
#include "storage/messages.h"

#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <thread>

using namespace hearth;
using namespace hearth::storage;

namespace {

constexpr int kPiecesPerReply = 40;
constexpr int kPieceIntervalMs = 8;

std::string piece(int i)
{
    return "tok" + std::to_string(i) + " ";
}

int fail(const std::string& what)
{
    std::printf("error %s\n", what.c_str());
    return 1;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc != 3) return fail("usage: storage_crash_child <db path> <seed>");
    std::setvbuf(stdout, nullptr, _IONBF, 0);
    std::mt19937 random(std::stoul(argv[2]));
    std::uniform_int_distribution<int> checkpointMs(50, 200);

    Result<Database> db = Database::open(argv[1]);
    if (!db) return fail(db.error().message);
    Result<Conversation> conversation = Conversations(*db).create(std::string("child ") + argv[2]);
    if (!conversation) return fail(conversation.error().message);
    std::printf("conv %lld\n", static_cast<long long>(conversation->id));

    Messages messages(*db);
    for (int turn = 0;; ++turn) {
        // The user message is committed before generation starts.
        Result<Message> user = messages.appendUser(conversation->id, "question " + std::to_string(turn));
        if (!user) return fail(user.error().message);
        std::printf("user %lld\n", static_cast<long long>(user->id));
        Result<Message> reply = messages.beginAssistant(conversation->id, user->id);
        if (!reply) return fail(reply.error().message);
        std::printf("reply %lld\n", static_cast<long long>(reply->id));

        // Pieces arrive every few ms; the text is checkpointed every 50–200 ms, each in its own transaction.
        std::string text;
        auto lastCheckpoint = std::chrono::steady_clock::now();
        int interval = checkpointMs(random);
        for (int i = 0; i < kPiecesPerReply; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(kPieceIntervalMs));
            text += piece(i);
            auto now = std::chrono::steady_clock::now();
            if (now - lastCheckpoint >= std::chrono::milliseconds(interval)) {
                if (Status s = messages.checkpoint(reply->id, text); !s) return fail(s.error().message);
                std::printf("ckpt %lld %zu\n", static_cast<long long>(reply->id), text.size());
                lastCheckpoint = now;
                interval = checkpointMs(random);
            }
        }
        FinishInfo info;
        info.text = text;
        info.completionTokens = kPiecesPerReply;
        if (Status s = messages.finish(reply->id, info); !s) return fail(s.error().message);
        std::printf("done %lld %zu\n", static_cast<long long>(reply->id), text.size());
    }
}
