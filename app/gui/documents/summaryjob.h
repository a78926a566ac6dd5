// SummaryJob: one document summarized in the app, from start to end. It owns the run (summaryrun.h) and
// moves it on as the engine process answers — EngineClient's signals, nothing waits: token counts for
// the plan (the tokenizer lives in the engine), then one generation per step. Reading the file (text
// extraction, checksum) runs on the thread pool and reports back through a future watcher.
// Stopping is the same as in chat: cancel asks the engine to stop the step in flight and keeps what was
// done; when the engine dies (or a step fails) what was done is kept too, with the reason as `error`.
#pragma once

#include "document.h"
#include "summaryrun.h"
#include "tokencounts.h"

#include <QFutureWatcher>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QVariantMap>
#include <memory>
#include <optional>

class EngineClient;

class SummaryJob : public QObject {
    Q_OBJECT

public:
    SummaryJob(EngineClient* engine, const QString& path, hearth::documents::SummaryLength length,
        uint32_t contextTokens, QObject* parent = nullptr);
    ~SummaryJob() override;

    void start();
    void cancel();

    QString path() const { return m_path; }
    const hearth::documents::Document& document() const { return m_document; }
    const std::string& checksum() const { return m_checksum; }
    // Once finished: the summary (complete, or what was done when stopped early: summary().cancelled).
    const hearth::documents::Summary& summary() const { return m_summary; }
    // Why it stopped early when nobody asked it to (the engine died, a step failed); empty otherwise.
    QString error() const { return m_error; }

signals:
    void progressed(const hearth::documents::SummaryProgress& progress);
    // The summary or what was done of it is ready (it may be empty when stopped before the first part).
    void finished();
    // Nothing could be summarized (unreadable document, context too small, engine error before any part).
    void failed(const QString& message);

private:
    struct Extracted;
    enum class Waiting { Nothing, Reading, Counts, Generation };

    void onExtracted();
    void advance();
    void requestCounts();
    void onCounted(const QString& id, const QList<int>& texts, const QList<int>& prompts);
    void onPiece(const QString& id, const QString& text);
    void onGenerated(const QString& id, const QVariantMap& stats);
    void onFailed(const QString& id, const QString& code, const QString& message);
    void onCrashed(const QString& id, const QString& message);
    void stopEarly(const QString& error);
    void fail(const QString& message);
    QString nextId();

    QPointer<EngineClient> m_engine;
    QString m_path;
    hearth::documents::SummaryLength m_length;
    uint32_t m_contextTokens;
    QFutureWatcher<std::shared_ptr<Extracted>> m_reading;
    hearth::documents::Document m_document;
    std::string m_checksum;
    hearth::documents::TokenCounts m_counts;
    std::optional<hearth::documents::SummaryRun> m_run;
    hearth::documents::Summary m_summary;
    QString m_error;

    Waiting m_waiting = Waiting::Nothing;
    bool m_cancelled = false;
    bool m_over = false;
    QString m_requestId; // the count or generation in flight
    std::string m_answer; // pieces of the generation in flight
    int m_requests = 0;
    int m_countRounds = 0;
};
