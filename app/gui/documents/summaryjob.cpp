#include "summaryjob.h"

#include "engineclient.h"
#include "extractor.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QPromise>
#include <QThreadPool>
#include <algorithm>

using namespace hearth;

namespace {

// Rounds of asking the engine for counts before giving up on a plan. Each round settles at least one
// more decision of the cut; with estimates from the counts known so far, a few rounds do.
constexpr int kMaxCountRounds = 400;

std::string sha256(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&file);
    return hash.result().toHex().toStdString();
}

QJsonArray chatMessages(const documents::GenerationRequest& request)
{
    return QJsonArray { QJsonObject {
                            { "role", "system" }, { "content", QString::fromStdString(request.system) } },
        QJsonObject { { "role", "user" }, { "content", QString::fromStdString(request.user) } } };
}

documents::GenerationResult resultFromStats(std::string text, const QVariantMap& stats)
{
    documents::GenerationResult result;
    result.text = std::move(text);
    result.promptTokens = stats.value("promptTokens").toUInt();
    result.generatedTokens = stats.value("generatedTokens").toUInt();
    const double prefillRate = stats.value("prefillTokensPerSecond").toDouble();
    const double decodeRate = stats.value("decodeTokensPerSecond").toDouble();
    const uint32_t prefilled
        = result.promptTokens - std::min(result.promptTokens, stats.value("reusedTokens").toUInt());
    result.prefillSeconds = prefillRate > 0 ? prefilled / prefillRate : 0;
    result.generateSeconds = decodeRate > 0 ? result.generatedTokens / decodeRate : 0;
    result.cancelled = stats.value("stopReason").toString() == QLatin1String("cancelled");
    return result;
}

} // namespace

// What reading the file produces, off the GUI thread.
struct SummaryJob::Extracted {
    Result<documents::Document> document = makeError(ErrorCode::Internal, "not read");
    std::string checksum;
};

SummaryJob::SummaryJob(EngineClient* engine, const QString& path, documents::SummaryLength length,
    uint32_t contextTokens, QObject* parent)
    : QObject(parent)
    , m_engine(engine)
    , m_path(path)
    , m_length(length)
    , m_contextTokens(contextTokens)
{
    connect(
        &m_reading, &QFutureWatcher<std::shared_ptr<Extracted>>::finished, this, &SummaryJob::onExtracted);
    if (!m_engine) return;
    connect(m_engine, &EngineClient::tokensCounted, this, &SummaryJob::onCounted);
    connect(m_engine, &EngineClient::pieceReceived, this, &SummaryJob::onPiece);
    connect(m_engine, &EngineClient::generationFinished, this, &SummaryJob::onGenerated);
    connect(m_engine, &EngineClient::generationFailed, this, &SummaryJob::onFailed);
    connect(m_engine, &EngineClient::engineCrashed, this, &SummaryJob::onCrashed);
}

SummaryJob::~SummaryJob()
{
    // Nobody will read the answer: let the engine stop writing it.
    if (m_waiting == Waiting::Generation && m_engine) m_engine->cancel(m_requestId);
}

void SummaryJob::start()
{
    if (!m_engine) return fail(tr("The app is not ready yet."));
    m_waiting = Waiting::Reading;
    auto promise = std::make_shared<QPromise<std::shared_ptr<Extracted>>>();
    m_reading.setFuture(promise->future());
    promise->start();
    const std::string path = m_path.toStdString();
    const QString qpath = m_path;
    QThreadPool::globalInstance()->start([promise, path, qpath] {
        auto extracted = std::make_shared<Extracted>();
        extracted->document = documents::extract(path);
        if (extracted->document) extracted->checksum = sha256(qpath);
        promise->addResult(extracted);
        promise->finish();
    });
}

void SummaryJob::onExtracted()
{
    if (m_over || m_waiting != Waiting::Reading) return;
    m_waiting = Waiting::Nothing;
    const std::shared_ptr<Extracted> extracted = m_reading.result();
    if (!extracted->document) return fail(QString::fromStdString(extracted->document.error().message));
    m_document = std::move(*extracted->document);
    m_checksum = extracted->checksum;
    documents::SummarizerOptions options;
    options.contextTokens = m_contextTokens;
    options.length = m_length;
    m_run.emplace(m_document, options, m_counts.counter());
    advance();
}

QString SummaryJob::nextId()
{
    return QStringLiteral("summary-%1-%2").arg(quintptr(this), 0, 16).arg(++m_requests);
}

// Moves the run on until it needs the engine: counts for its plan, or the next step's generation.
void SummaryJob::advance()
{
    if (m_over) return;
    if (m_cancelled) return stopEarly(QString());
    auto step = m_run->next();
    if (!step) return fail(QString::fromStdString(step.error().message));
    switch (step->action) {
    case documents::SummaryRun::Action::Done:
        m_summary = m_run->summary();
        m_over = true;
        emit finished();
        return;
    case documents::SummaryRun::Action::Count:
        return requestCounts();
    case documents::SummaryRun::Action::Generate:
        break;
    }
    m_requestId = nextId();
    m_answer.clear();
    m_waiting = Waiting::Generation;
    const QJsonObject sampler { { "temperature", 0.0 }, { "repeatPenalty", 1.15 } };
    m_engine->generate(m_requestId, chatMessages(step->request), sampler, int(step->request.maxTokens),
        { .background = true });
    emit progressed(step->progress);
}

void SummaryJob::requestCounts()
{
    if (++m_countRounds > kMaxCountRounds)
        return fail(tr("The document could not be measured for this model (its parts did not settle)."));
    QStringList texts;
    for (const std::string& text : m_counts.wantedTexts())
        texts << QString::fromStdString(text);
    QJsonArray prompts;
    for (const documents::GenerationRequest& request : m_counts.wantedPrompts())
        prompts.append(chatMessages(request));
    m_requestId = nextId();
    m_waiting = Waiting::Counts;
    m_engine->countTokens(m_requestId, texts, prompts);
}

void SummaryJob::onCounted(const QString& id, const QList<int>& texts, const QList<int>& prompts)
{
    if (m_waiting != Waiting::Counts || id != m_requestId) return;
    m_waiting = Waiting::Nothing;
    if (!m_counts.add(std::vector<uint32_t>(texts.begin(), texts.end()),
            std::vector<uint32_t>(prompts.begin(), prompts.end())))
        return fail(tr("The engine's token counts did not match the question."));
    advance();
}

void SummaryJob::onPiece(const QString& id, const QString& text)
{
    if (m_waiting == Waiting::Generation && id == m_requestId) m_answer += text.toStdString();
}

void SummaryJob::onGenerated(const QString& id, const QVariantMap& stats)
{
    if (m_waiting != Waiting::Generation || id != m_requestId) return;
    m_waiting = Waiting::Nothing;
    const documents::GenerationResult result = resultFromStats(std::exchange(m_answer, {}), stats);
    if (result.cancelled || m_cancelled) {
        m_summary = m_run->stop(result);
        m_over = true;
        emit finished();
        return;
    }
    m_run->answer(result);
    emit progressed(m_run->finishedProgress());
    advance(); // does nothing when a listener stopped the job meanwhile
}

void SummaryJob::onFailed(const QString& id, const QString&, const QString& message)
{
    if (m_waiting == Waiting::Nothing || m_waiting == Waiting::Reading || id != m_requestId) return;
    stopEarly(message);
}

// The engine died. Whatever this job was waiting for will not come: stop, keeping what was done.
void SummaryJob::onCrashed(const QString&, const QString& message)
{
    if (m_waiting == Waiting::Counts || m_waiting == Waiting::Generation) stopEarly(message);
}

void SummaryJob::cancel()
{
    if (m_over || m_cancelled) return;
    m_cancelled = true;
    // As in chat: the step in flight is asked to stop and ends with its "done"; anything else stops now.
    if (m_waiting == Waiting::Generation)
        m_engine->cancel(m_requestId);
    else
        stopEarly(QString());
}

// Stops before the end with what was done; `error` says why when nobody asked for it.
void SummaryJob::stopEarly(const QString& error)
{
    if (m_over) return;
    const bool generating = m_waiting == Waiting::Generation;
    m_waiting = Waiting::Nothing;
    m_over = true;
    m_error = error;
    documents::GenerationResult partial;
    if (generating) partial.text = std::exchange(m_answer, {});
    if (m_run)
        m_summary = m_run->stop(partial);
    else
        m_summary.cancelled = true;
    if (m_summary.text.empty() && !error.isEmpty()) {
        emit failed(error);
        return;
    }
    emit finished();
}

void SummaryJob::fail(const QString& message)
{
    if (m_over) return;
    m_over = true;
    m_waiting = Waiting::Nothing;
    m_error = message;
    emit failed(message);
}
