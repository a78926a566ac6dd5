#include "documentcontroller.h"

#include "chatcontroller.h"
#include "modelcontroller.h"
#include "settingscontroller.h"
#include "chatstore.h"
#include "documentcontext.h"
#include "engineclient.h"

#include "extractor.h"
#include "passages.h"
#include "summarizer.h"

#include "storage/conversations.h"
#include "storage/documents.h"
#include "storage/messages.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QPointer>
#include <QUrl>

#include <chrono>
#include <condition_variable>
#include <mutex>

using namespace hearth;

// Everything one summarization shares between the GUI thread and its worker.
struct DocumentController::Job {
    std::string path;
    documents::SummaryLength length = documents::SummaryLength::Medium;
    uint32_t contextTokens = 2048;
    std::atomic<bool> cancel{false};
    std::atomic<bool> abandoned{false};  // the controller is going away: stop waiting for replies
    // Results (written by the worker before it reports done).
    documents::Document document;
    documents::Summary summary;
    QString error;
    std::string checksum;
};

namespace {

// One model call in flight: the worker waits on it, the GUI thread fills it from EngineClient signals.
struct Call {
    std::mutex mutex;
    std::condition_variable ready;
    bool done = false;
    std::string text;
    QVariantMap stats;
    QString error;
};

std::string sha256(const std::string& path)
{
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&file);
    return hash.result().toHex().toStdString();
}

}  // namespace

DocumentController::DocumentController(QObject* parent) : QObject(parent) {}

DocumentController::~DocumentController()
{
    if (m_job) {
        m_job->cancel = true;
        m_job->abandoned = true;
    }
    if (m_worker.joinable())
        m_worker.join();
}

void DocumentController::setStore(ChatStore* store)
{
    m_store = store;
    emit dependenciesChanged();
}

void DocumentController::setEngine(EngineClient* engine)
{
    m_engine = engine;
    emit dependenciesChanged();
}

void DocumentController::setChat(ChatController* chat)
{
    m_chat = chat;
    emit dependenciesChanged();
}

void DocumentController::setContextLength(int tokens)
{
    m_contextLength = tokens;
    emit dependenciesChanged();
}

void DocumentController::setError(const QString& message)
{
    m_error = message;
    emit errorChanged();
}

bool DocumentController::summarize(const QString& path, const QString& length)
{
    if (m_busy || !m_engine || !m_store) {
        setError(m_busy ? tr("A document is already being summarized.") : tr("The app is not ready yet."));
        return false;
    }
    const auto parsedLength = documents::parseSummaryLength(length.toStdString());
    if (!parsedLength) {
        setError(tr("Unknown summary length: %1").arg(length));
        return false;
    }
    const QUrl url(path);
    const QString localPath = url.isLocalFile() ? url.toLocalFile() : path;
    if (m_worker.joinable())
        m_worker.join();  // the previous run has reported done: this returns at once

    auto job = std::make_shared<Job>();
    job->path = localPath.toStdString();
    job->length = *parsedLength;
    job->contextTokens = m_contextLength > 0 ? uint32_t(m_contextLength) : 2048;
    m_job = job;
    m_busy = true;
    m_status = tr("Reading %1…").arg(QFileInfo(localPath).fileName());
    m_fraction = 0;
    m_tokensPerSecond = 0;
    m_secondsLeft = -1;
    setError(QString());
    emit busyChanged();
    emit progressChanged();

    QPointer<DocumentController> self(this);
    auto requestCounter = std::make_shared<std::atomic<int>>(0);

    // The model call for the summarizer, on the worker: hand the request to the GUI thread, wait.
    documents::Generate generate = [this, self, job, requestCounter](const documents::GenerationRequest& request,
                                                                       const std::atomic<bool>* cancel)
        -> Result<documents::GenerationResult> {
        auto call = std::make_shared<Call>();
        const QString id = QStringLiteral("doc%1-%2").arg(quintptr(job.get()), 0, 16).arg(++*requestCounter);
        const QJsonArray messages{QJsonObject{{"role", "system"}, {"content", QString::fromStdString(request.system)}},
                                  QJsonObject{{"role", "user"}, {"content", QString::fromStdString(request.user)}}};
        const int maxTokens = int(request.maxTokens);
        auto resolve = [call](const QString& error, const QVariantMap& stats) {
            std::lock_guard lock(call->mutex);
            call->done = true;
            call->error = error;
            call->stats = stats;
            call->ready.notify_all();
        };
        const bool posted = QMetaObject::invokeMethod(
            this,
            [this, id, messages, maxTokens, call, resolve] {
                if (!m_engine)
                    return resolve(tr("The engine is gone."), {});
                auto connections = std::make_shared<QList<QMetaObject::Connection>>();
                auto disconnectAll = [connections] {
                    for (const auto& c : *connections)
                        QObject::disconnect(c);
                };
                *connections << connect(m_engine, &EngineClient::pieceReceived, this, [id, call](const QString& rid, const QString& text) {
                    if (rid != id)
                        return;
                    std::lock_guard lock(call->mutex);
                    call->text += text.toStdString();
                });
                *connections << connect(m_engine, &EngineClient::generationFinished, this,
                                        [id, resolve, disconnectAll](const QString& rid, const QVariantMap& stats) {
                                            if (rid != id)
                                                return;
                                            disconnectAll();
                                            resolve(QString(), stats);
                                        });
                *connections << connect(m_engine, &EngineClient::generationFailed, this,
                                        [id, resolve, disconnectAll](const QString& rid, const QString&, const QString& message) {
                                            if (rid != id)
                                                return;
                                            disconnectAll();
                                            resolve(message, {});
                                        });
                *connections << connect(m_engine, &EngineClient::engineCrashed, this,
                                        [id, resolve, disconnectAll](const QString& rid, const QString& message) {
                                            if (rid != id)
                                                return;
                                            disconnectAll();
                                            resolve(message, {});
                                        });
                const QJsonObject sampler{{"temperature", 0.0}, {"repeatPenalty", 1.15}};
                m_engine->generate(id, messages, sampler, maxTokens);
            },
            Qt::QueuedConnection);
        if (!posted)
            return makeError(ErrorCode::Cancelled, "cancelled");

        // Wait for the reply; pass a cancel on to the engine once.
        bool cancelSent = false;
        std::unique_lock lock(call->mutex);
        while (!call->done) {
            call->ready.wait_for(lock, std::chrono::milliseconds(50));
            if (job->abandoned)
                return makeError(ErrorCode::Cancelled, "cancelled");
            if (!cancelSent && cancel && cancel->load()) {
                cancelSent = true;
                QMetaObject::invokeMethod(this, [this, id] { if (m_engine) m_engine->cancel(id); }, Qt::QueuedConnection);
            }
        }
        if (!call->error.isEmpty())
            return makeError(ErrorCode::Internal, call->error.toStdString());
        documents::GenerationResult result;
        result.text = call->text;
        result.promptTokens = call->stats.value("promptTokens").toUInt();
        result.generatedTokens = call->stats.value("generatedTokens").toUInt();
        const double prefillRate = call->stats.value("prefillTokensPerSecond").toDouble();
        const double decodeRate = call->stats.value("decodeTokensPerSecond").toDouble();
        const uint32_t prefilled = result.promptTokens - call->stats.value("reusedTokens").toUInt();
        result.prefillSeconds = prefillRate > 0 ? prefilled / prefillRate : 0;
        result.generateSeconds = decodeRate > 0 ? result.generatedTokens / decodeRate : 0;
        result.cancelled = call->stats.value("stopReason").toString() == QLatin1String("cancelled");
        return result;
    };

    // Progress, from the worker to the properties on the GUI thread.
    documents::ProgressFn progress = [this, self](const documents::SummaryProgress& p) {
        QString where = p.level == 0 ? tr("Part %1 of %2").arg(p.part).arg(p.partsInLevel)
                                     : tr("Combining %1 of %2").arg(p.part).arg(p.partsInLevel);
        if (p.firstPage > 0)
            where += p.firstPage == p.lastPage ? tr(" (page %1)").arg(p.firstPage)
                                               : tr(" (pages %1–%2)").arg(p.firstPage).arg(p.lastPage);
        const double fraction = p.totalSteps > 0 ? double(p.finished ? p.step : p.step - 1) / p.totalSteps : 0;
        const double speed = p.tokensPerSecond;
        const double left = p.secondsLeft;
        QMetaObject::invokeMethod(this, [self, where, fraction, speed, left] {
            if (!self)
                return;
            self->m_status = where;
            self->m_fraction = fraction;
            self->m_tokensPerSecond = speed;
            self->m_secondsLeft = left;
            emit self->progressChanged();
        }, Qt::QueuedConnection);
    };

    m_worker = std::thread([this, self, job, generate, progress] {
        auto document = documents::extract(job->path);
        if (!document) {
            job->error = QString::fromStdString(document.error().message);
        } else {
            job->document = std::move(*document);
            job->checksum = sha256(job->path);
            documents::SummarizerOptions options;
            options.contextTokens = job->contextTokens;
            options.length = job->length;
            documents::Summarizer summarizer(generate, estimateTokens, options);
            auto summary = summarizer.summarize(job->document, progress, &job->cancel);
            if (summary)
                job->summary = std::move(*summary);
            else
                job->error = QString::fromStdString(summary.error().message);
        }
        if (!job->abandoned)
            QMetaObject::invokeMethod(this, [self, job] { if (self) self->onWorkerDone(job); }, Qt::QueuedConnection);
    });
    return true;
}

void DocumentController::cancel()
{
    if (m_job)
        m_job->cancel = true;
}

void DocumentController::onWorkerDone(std::shared_ptr<Job> job)
{
    if (!job->error.isEmpty()) {
        setError(job->error);
        emit failed(job->error);
        finish();
        return;
    }
    if (job->summary.text.empty() && job->summary.cancelled) {
        finish();  // cancelled before anything was summarized: nothing to keep
        emit finished(0, true);
        return;
    }
    store(job);
}

// The summary as a conversation: the request, the summary, the document and its passages.
void DocumentController::store(std::shared_ptr<Job> job)
{
    const std::string fileName = QFileInfo(QString::fromStdString(job->path)).fileName().toStdString();
    const std::string title = "Summary: " + (job->document.title.empty() ? fileName : job->document.title);
    std::string request = "Summarize " + fileName + ".";
    std::string summary = job->summary.text;
    if (job->summary.cancelled)
        summary += "\n\n(Stopped before the end: this covers " + job->summary.coverage + ".)";
    const std::vector<documents::PassageText> passages = documents::makePassages(job->document, estimateTokens);

    m_store->async().post(
        this,
        [job, title, request, summary, passages](storage::Database& db) -> Result<std::int64_t> {
            auto conversation = storage::Conversations(db).create(title);
            if (!conversation)
                return conversation.error();
            storage::Messages messages(db);
            auto user = messages.appendUser(conversation->id, request);
            if (!user)
                return user.error();
            auto reply = messages.beginAssistant(conversation->id, user->id);
            if (!reply)
                return reply.error();
            storage::FinishInfo info;
            info.status = job->summary.cancelled ? storage::MessageStatus::Interrupted : storage::MessageStatus::Complete;
            info.text = summary;
            info.promptTokens = int(job->summary.promptTokens);
            info.completionTokens = int(job->summary.generatedTokens);
            info.tokensPerSecond = job->summary.generateSeconds > 0 ? job->summary.generatedTokens / job->summary.generateSeconds : 0;
            if (auto finished = messages.finish(reply->id, info); !finished)
                return finished.error();
            storage::Documents documents(db);
            auto document = documents.addDocument(conversation->id, job->path, job->checksum, job->document.joinedText());
            if (!document)
                return document.error();
            std::vector<storage::PassageInput> inputs;
            for (const auto& p : passages)
                inputs.push_back(storage::PassageInput{p.text, p.offset});
            if (auto added = documents.addPassages(document->id, inputs); !added)
                return added.error();
            return conversation->id;
        },
        [this, job](Result<std::int64_t> result) {
            if (!result) {
                setError(tr("The summary could not be saved: %1").arg(QString::fromStdString(result.error().message)));
                emit failed(m_error);
                finish();
                return;
            }
            m_lastConversationId = *result;
            if (m_chat) {
                m_chat->reloadConversations();
                m_chat->openConversation(*result);
            }
            finish();
            emit finished(*result, job->summary.cancelled);
        });
}

void DocumentController::finish()
{
    m_busy = false;
    m_fraction = 1;
    m_job.reset();
    emit busyChanged();
    emit progressChanged();
}
