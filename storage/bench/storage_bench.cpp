// hearth-storage-bench: the store at scale (not a test). Builds (once) a database of 10,000
// conversations × 50 messages, then times what the GUI does: list the sidebar, open a conversation,
// append a streamed token (one checkpoint), search. Prints the median of several runs, in ms.
//
//   hearth-storage-bench [--db /tmp/hearth-bench.db] [--conversations 10000] [--messages 50] [--runs 15]
// The database is reused when it already holds the requested size; delete it to rebuild.
#include "storage/conversations.h"
#include "storage/database.h"
#include "storage/messages.h"
#include "storage/search.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <functional>
#include <random>
#include <sqlite3.h>
#include <string>
#include <vector>

using namespace hearth;
using namespace hearth::storage;

namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double threadCpuMs()
{
    timespec t {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}

// Median wall-clock and median CPU time of `runs` runs of `body(run)`. Both are printed: on a shared,
// busy machine the wall clock includes waiting for a core, the CPU time does not.
struct Timing {
    double wallMs = 0;
    double cpuMs = 0;
};

Timing medianMs(int runs, const std::function<void(int)>& body)
{
    std::vector<double> wall, cpu;
    for (int run = 0; run < runs; ++run) {
        Clock::time_point start = Clock::now();
        double cpuStart = threadCpuMs();
        body(run);
        cpu.push_back(threadCpuMs() - cpuStart);
        wall.push_back(msSince(start));
    }
    std::sort(wall.begin(), wall.end());
    std::sort(cpu.begin(), cpu.end());
    return { wall[wall.size() / 2], cpu[cpu.size() / 2] };
}

void row(const std::string& label, Timing t)
{
    std::printf("%-58s %10.2f %10.2f\n", label.c_str(), t.wallMs, t.cpuMs);
}

// A vocabulary of pronounceable words with a Zipf-like frequency, so the index looks like prose:
// a few very common words, a long tail of rare ones.
class TextGenerator {
public:
    explicit TextGenerator(unsigned seed)
        : m_random(seed)
    {
        const char* syllables[] = { "ka", "lo", "mi", "ne", "tu", "ra", "shi", "ven", "dor", "pel", "qua",
            "ist", "ber", "gon", "fa", "lu", "tor", "win", "sol", "mar" };
        for (int i = 0; i < 8000; ++i) {
            std::string word;
            int n = i;
            do {
                word += syllables[n % 20];
                n /= 20;
            } while (n);
            m_words.push_back(word);
        }
        std::vector<double> weights;
        for (size_t i = 0; i < m_words.size(); ++i)
            weights.push_back(1.0 / double(i + 1));
        m_pick = std::discrete_distribution<size_t>(weights.begin(), weights.end());
    }

    std::string sentence(int words)
    {
        std::string text;
        for (int i = 0; i < words; ++i) {
            if (i) text += ' ';
            text += m_words[m_pick(m_random)];
        }
        return text + ".";
    }
    const std::string& word(size_t rank) const { return m_words[rank]; }
    std::mt19937& random() { return m_random; }

private:
    std::mt19937 m_random;
    std::vector<std::string> m_words;
    std::discrete_distribution<size_t> m_pick;
};

bool exec(sqlite3* db, const char* sql)
{
    char* error = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &error) == SQLITE_OK) return true;
    std::fprintf(stderr, "%s: %s\n", sql, error ? error : "?");
    sqlite3_free(error);
    return false;
}

// Fill the database in one transaction with the same rows the API writes (a user/assistant chain per
// conversation, current leaf set), much faster than 500,000 separate commits.
bool generate(Database& db, int conversations, int messagesEach, TextGenerator& text)
{
    sqlite3* h = db.handle();
    Clock::time_point start = Clock::now();
    if (!exec(h, "PRAGMA synchronous = OFF") || !exec(h, "BEGIN")) return false;
    sqlite3_stmt* conv = nullptr;
    sqlite3_stmt* msg = nullptr;
    sqlite3_stmt* leaf = nullptr;
    sqlite3_prepare_v2(h,
        "INSERT INTO conversations (title, created_at, updated_at, model) VALUES (?, ?, ?, 'bench.gguf')", -1,
        &conv, nullptr);
    sqlite3_prepare_v2(h,
        "INSERT INTO messages (conversation_id, parent_id, role, content, status, created_at, updated_at, "
        "completion_tokens) VALUES (?, ?, ?, ?, 'complete', ?, ?, ?)",
        -1, &msg, nullptr);
    sqlite3_prepare_v2(h, "UPDATE conversations SET current_leaf_id = ? WHERE id = ?", -1, &leaf, nullptr);
    std::int64_t time = nowMs() - std::int64_t(conversations) * messagesEach * 1000;
    std::uniform_int_distribution<int> length(15, 80);
    for (int c = 0; c < conversations; ++c) {
        std::string title = text.sentence(4);
        sqlite3_bind_text(conv, 1, title.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(conv, 2, time);
        sqlite3_bind_int64(conv, 3, time + messagesEach * 1000);
        if (sqlite3_step(conv) != SQLITE_DONE) return false;
        sqlite3_reset(conv);
        std::int64_t conversationId = sqlite3_last_insert_rowid(h);
        std::int64_t parent = 0;
        for (int m = 0; m < messagesEach; ++m) {
            std::string body = text.sentence(length(text.random()));
            sqlite3_bind_int64(msg, 1, conversationId);
            if (parent)
                sqlite3_bind_int64(msg, 2, parent);
            else
                sqlite3_bind_null(msg, 2);
            sqlite3_bind_text(msg, 3, m % 2 ? "assistant" : "user", -1, SQLITE_STATIC);
            sqlite3_bind_text(msg, 4, body.c_str(), -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(msg, 5, time);
            sqlite3_bind_int64(msg, 6, time);
            sqlite3_bind_int(msg, 7, m % 2 ? int(body.size() / 4) : 0);
            if (sqlite3_step(msg) != SQLITE_DONE) return false;
            sqlite3_reset(msg);
            parent = sqlite3_last_insert_rowid(h);
            time += 1000;
        }
        sqlite3_bind_int64(leaf, 1, parent);
        sqlite3_bind_int64(leaf, 2, conversationId);
        if (sqlite3_step(leaf) != SQLITE_DONE) return false;
        sqlite3_reset(leaf);
        if ((c + 1) % 1000 == 0)
            std::fprintf(stderr, "  %d conversations written (%.0f s)\n", c + 1, msSince(start) / 1000);
    }
    sqlite3_finalize(conv);
    sqlite3_finalize(msg);
    sqlite3_finalize(leaf);
    if (!exec(h, "COMMIT") || !exec(h, "INSERT INTO messages_fts (messages_fts) VALUES ('optimize')")
        || !exec(h, "PRAGMA synchronous = FULL") || !exec(h, "PRAGMA wal_checkpoint(TRUNCATE)"))
        return false;
    std::fprintf(stderr, "generated in %.1f s\n", msSince(start) / 1000);
    return true;
}

} // namespace

int main(int argc, char** argv)
{
    std::string path = "/tmp/hearth-bench.db";
    int conversations = 10000, messagesEach = 50, runs = 15;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--db"))
            path = argv[i + 1];
        else if (!std::strcmp(argv[i], "--conversations"))
            conversations = std::atoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--messages"))
            messagesEach = std::atoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--runs"))
            runs = std::atoi(argv[i + 1]);
        else {
            std::fprintf(stderr, "unknown option %s\n", argv[i]);
            return 2;
        }
    }

    TextGenerator text(1234);
    Clock::time_point openStart = Clock::now();
    double openCpuStart = threadCpuMs();
    Result<Database> opened = Database::open(path);
    double firstOpenMs = msSince(openStart);
    double firstOpenCpuMs = threadCpuMs() - openCpuStart;
    if (!opened) {
        std::fprintf(stderr, "%s\n", opened.error().message.c_str());
        return 1;
    }
    Database& db = *opened;
    if (*Conversations(db).count(true) != conversations) {
        std::fprintf(stderr, "building %s: %d conversations × %d messages\n", path.c_str(), conversations,
            messagesEach);
        if (*Conversations(db).count(true) != 0) {
            std::fprintf(stderr, "%s holds another size; delete it first\n", path.c_str());
            return 1;
        }
        if (!generate(db, conversations, messagesEach, text)) return 1;
    }

    std::uniform_int_distribution<std::int64_t> pickConversation(1, conversations);
    std::printf("hearth-storage-bench: %s, %d conversations × %d messages, median of %d runs\n\n",
        path.c_str(), conversations, messagesEach, runs);
    std::printf("%-58s %10s %10s\n", "operation", "wall ms", "cpu ms");

    Timing reopen = medianMs(std::max(3, runs / 5), [&](int) {
        Result<Database> again = Database::open(path);
        if (!again) std::fprintf(stderr, "%s\n", again.error().message.c_str());
    });
    row("open database (quick_check, recovery), first", { firstOpenMs, firstOpenCpuMs });
    row("open database (quick_check, recovery), again", reopen);

    size_t listed = 0;
    Timing listPage = medianMs(runs, [&](int) {
        ListOptions page;
        page.limit = 100;
        listed = Conversations(db).list(page)->size();
    });
    row("list conversations, first page (" + std::to_string(listed) + ")", listPage);
    Timing listAll = medianMs(runs, [&](int) { listed = Conversations(db).list()->size(); });
    row("list conversations, all (" + std::to_string(listed) + ")", listAll);

    size_t shown = 0;
    Timing openOne = medianMs(runs, [&](int) {
        std::int64_t id = pickConversation(text.random());
        Result<Conversation> c = Conversations(db).get(id);
        shown = Messages(db).thread(c->id)->size();
    });
    row("open a conversation (" + std::to_string(shown) + " messages)", openOne);

    // One streaming reply in a random conversation; each run appends a token and checkpoints.
    std::int64_t target = pickConversation(text.random());
    std::int64_t question = Messages(db).appendUser(target, "benchmark question")->id;
    std::int64_t reply = Messages(db).beginAssistant(target, question)->id;
    std::string growing;
    Timing checkpoint = medianMs(std::max(runs, 50), [&](int run) {
        growing += "token" + std::to_string(run) + " ";
        if (!Messages(db).checkpoint(reply, growing)) std::fprintf(stderr, "checkpoint failed\n");
    });
    row("append a streamed token (checkpoint, fsync)", checkpoint);
    FinishInfo info;
    info.text = growing;
    Timing finish = medianMs(1, [&](int) {
        if (!Messages(db).finish(reply, info)) std::fprintf(stderr, "finish failed\n");
    });
    row("finish the reply (status, FTS index)", finish);

    // Queries: a rare word, two mid-frequency words, a very common word; best-first and newest-first.
    struct Query {
        std::string label;
        std::string text;
        bool newest;
    };
    std::vector<Query> queries = {
        { "search, rare word, best first", text.word(5000), false },
        { "search, two words, best first", text.word(40) + " " + text.word(90), false },
        { "search, common word, best first", text.word(1), false },
        { "search, common word, newest first", text.word(1), true },
        { "search, prefix while typing, best first", text.word(300).substr(0, 3), false },
    };
    for (const Query& q : queries) {
        size_t hits = 0;
        SearchOptions options;
        options.newestFirst = q.newest;
        options.limit = 50;
        Timing t = medianMs(runs, [&](int) { hits = searchMessages(db, q.text, options)->size(); });
        row(q.label + " '" + q.text + "' (" + std::to_string(hits) + " hits)", t);
    }
    std::printf("\ntargets: list and open < 20 ms, search < 100 ms\n");
    return 0;
}
