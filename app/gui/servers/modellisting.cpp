#include "modellisting.h"

#include "openaiclient.h"

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

void listModelsInBackground(QObject* context, const QString& baseUrl, const QString& apiKey,
    std::function<void(const ModelListing&)> done)
{
    hearth::remote::Endpoint endpoint { baseUrl.toStdString(), apiKey.toStdString() };
    endpoint.silenceSeconds = kListingSilenceSeconds;
    auto* watcher = new QFutureWatcher<ModelListing>(context);
    QObject::connect(watcher, &QFutureWatcher<ModelListing>::finished, context, [watcher, done] {
        done(watcher->result());
        watcher->deleteLater();
    });
    watcher->setFuture(QtConcurrent::run([endpoint] {
        ModelListing listing;
        const auto models = hearth::remote::OpenAiClient(endpoint).listModels();
        if (!models.ok()) {
            listing.error = QString::fromStdString(models.error().message);
            return listing;
        }
        listing.ok = true;
        for (const std::string& id : models.value())
            listing.models.append(QString::fromStdString(id));
        return listing;
    }));
}
