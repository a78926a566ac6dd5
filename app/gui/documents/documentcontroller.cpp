#include "documentcontroller.h"

#include "chatcontroller.h"
#include "chatstore.h"
#include "documentcontext.h"
#include "engineclient.h"
#include "modelcontroller.h"
#include "passages.h"
#include "settingscontroller.h"
#include "storage/conversations.h"
#include "storage/documents.h"
#include "storage/messages.h"
#include "summaryjob.h"
#include "summaryplan.h"

#include <QFileInfo>
#include <QUrl>

using namespace hearth;

DocumentController::DocumentController(QObject* parent)
    : QObject(parent)
{
}

DocumentController::~DocumentController() = default;

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
    const uint32_t contextTokens = m_contextLength > 0 ? uint32_t(m_contextLength) : 2048;

    m_job = new SummaryJob(m_engine, localPath, *parsedLength, contextTokens, this);
    connect(m_job, &SummaryJob::progressed, this, [this](const documents::SummaryProgress& p) {
        QString where = p.level == 0 ? tr("Part %1 of %2").arg(p.part).arg(p.partsInLevel)
                                     : tr("Combining %1 of %2").arg(p.part).arg(p.partsInLevel);
        if (p.firstPage > 0)
            where += p.firstPage == p.lastPage ? tr(" (page %1)").arg(p.firstPage)
                                               : tr(" (pages %1–%2)").arg(p.firstPage).arg(p.lastPage);
        m_status = where;
        m_fraction = p.totalSteps > 0 ? double(p.finished ? p.step : p.step - 1) / p.totalSteps : 0;
        m_tokensPerSecond = p.tokensPerSecond;
        m_secondsLeft = p.secondsLeft;
        emit progressChanged();
    });
    connect(m_job, &SummaryJob::finished, this, &DocumentController::onJobFinished);
    connect(m_job, &SummaryJob::failed, this, &DocumentController::onJobFailed);
    m_busy = true;
    m_status = tr("Reading %1…").arg(QFileInfo(localPath).fileName());
    m_fraction = 0;
    m_tokensPerSecond = 0;
    m_secondsLeft = -1;
    setError(QString());
    emit busyChanged();
    emit progressChanged();
    m_job->start();
    return true;
}

void DocumentController::cancel()
{
    if (m_job) m_job->cancel();
}

void DocumentController::onJobFailed(const QString& message)
{
    setError(message);
    finish();
    emit failed(message);
}

void DocumentController::onJobFinished()
{
    // Stopped early by the engine or a failed step: say why; what was done is still kept below.
    if (!m_job->error().isEmpty())
        setError(tr("%1 The summary stopped before the end; what was done is kept.").arg(m_job->error()));
    if (m_job->summary().text.empty() && m_job->summary().cancelled) {
        finish(); // cancelled before anything was summarized: nothing to keep
        emit finished(0, true);
        return;
    }
    saveSummary();
}

// The summary as a conversation: the request, the summary, the document and its passages.
void DocumentController::saveSummary()
{
    const SummaryJob* job = m_job;
    const std::string fileName = QFileInfo(job->path()).fileName().toStdString();
    const std::string title
        = "Summary: " + (job->document().title.empty() ? fileName : job->document().title);
    std::string request = "Summarize " + fileName + ".";
    std::string summary = job->summary().text;
    if (job->summary().cancelled)
        summary += "\n\n(Stopped before the end: this covers " + job->summary().coverage + ".)";
    const std::vector<documents::PassageText> passages
        = documents::makePassages(job->document(), estimateTokens);
    const documents::Summary totals = job->summary();
    const std::string path = job->path().toStdString();
    const std::string checksum = job->checksum();
    const std::string documentText = job->document().joinedText();

    m_store->async().post(
        this,
        [totals, title, request, summary, passages, path, checksum, documentText](
            storage::Database& db) -> Result<std::int64_t> {
            auto conversation = storage::Conversations(db).create(title);
            if (!conversation) return conversation.error();
            storage::Messages messages(db);
            auto user = messages.appendUser(conversation->id, request);
            if (!user) return user.error();
            auto reply = messages.beginAssistant(conversation->id, user->id);
            if (!reply) return reply.error();
            storage::FinishInfo info;
            info.status
                = totals.cancelled ? storage::MessageStatus::Interrupted : storage::MessageStatus::Complete;
            info.text = summary;
            info.promptTokens = int(totals.promptTokens);
            info.completionTokens = int(totals.generatedTokens);
            info.tokensPerSecond
                = totals.generateSeconds > 0 ? totals.generatedTokens / totals.generateSeconds : 0;
            if (auto finished = messages.finish(reply->id, info); !finished) return finished.error();
            storage::Documents documents(db);
            auto document = documents.addDocument(conversation->id, path, checksum, documentText);
            if (!document) return document.error();
            std::vector<storage::PassageInput> inputs;
            for (const auto& p : passages)
                inputs.push_back(storage::PassageInput { p.text, p.offset });
            if (auto added = documents.addPassages(document->id, inputs); !added) return added.error();
            return conversation->id;
        },
        [this, cancelled = totals.cancelled](Result<std::int64_t> result) {
            if (!result) {
                setError(tr("The summary could not be saved: %1")
                             .arg(QString::fromStdString(result.error().message)));
                emit failed(m_error);
                finish();
                return;
            }
            m_lastConversationId = *result;
            if (m_chat) m_chat->openConversation(*result);
            finish();
            emit finished(*result, cancelled);
        });
}

void DocumentController::finish()
{
    m_busy = false;
    m_fraction = 1;
    if (m_job) m_job->deleteLater();
    m_job = nullptr;
    emit busyChanged();
    emit progressChanged();
}
