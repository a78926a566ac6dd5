#include "conversationtransfer.h"

#include "chatstore.h"
#include "storage/export.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStandardPaths>

using namespace hearth;
using namespace hearth::storage;

namespace {

// Import reads the whole file into memory: a limit far above any real conversation keeps a wrong
// file (a model, a video) from being read whole.
constexpr qint64 maxImportBytes = 256ll * 1024 * 1024;

Result<Ok> writeFile(const QString& path, const std::string& text)
{
    QSaveFile file(path); // written whole or not at all: an existing file is never left half-replaced
    if (!file.open(QIODevice::WriteOnly))
        return makeError(
            ErrorCode::Io, "cannot write " + path.toStdString() + ": " + file.errorString().toStdString());
    file.write(text.data(), qint64(text.size()));
    if (!file.commit())
        return makeError(
            ErrorCode::Io, "cannot write " + path.toStdString() + ": " + file.errorString().toStdString());
    return Ok {};
}

Result<std::string> readFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(
            ErrorCode::Io, "cannot read " + path.toStdString() + ": " + file.errorString().toStdString());
    if (file.size() > maxImportBytes)
        return makeError(ErrorCode::InvalidArgument,
            path.toStdString() + " is too large to be a Hearth conversation export");
    const QByteArray bytes = file.readAll();
    return std::string(bytes.constData(), size_t(bytes.size()));
}

} // namespace

ConversationTransfer::ConversationTransfer(QObject* parent)
    : QObject(parent)
{
}

void ConversationTransfer::setStore(ChatStore* store)
{
    if (store == m_store) return;
    m_store = store;
    emit storeChanged();
}

QString ConversationTransfer::suggestedFileName(const QString& title, Format format)
{
    QString name = title.trimmed();
    name.replace(QRegularExpression(R"([/\\:*?"<>|\x00-\x1f]+)"), " ");
    name = name.simplified().left(80);
    if (name.isEmpty() || name.startsWith('.')) name = "conversation";
    return name + (format == Format::Markdown ? ".md" : ".json");
}

QUrl ConversationTransfer::suggestedFile(const QString& title, Format format)
{
    QString folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    if (folder.isEmpty() || !QDir(folder).exists()) folder = QDir::homePath();
    return QUrl::fromLocalFile(QDir(folder).filePath(suggestedFileName(title, format)));
}

bool ConversationTransfer::start()
{
    if (!m_store || !m_store->ready()) {
        emit failed(tr("The conversation store is not open."));
        return false;
    }
    if (m_busy) {
        emit failed(tr("An export or import is still running."));
        return false;
    }
    m_busy = true;
    emit busyChanged();
    return true;
}

void ConversationTransfer::finish()
{
    m_busy = false;
    emit busyChanged();
}

void ConversationTransfer::exportConversation(qint64 conversationId, const QUrl& file, Format format)
{
    const QString path = file.isLocalFile() ? file.toLocalFile() : file.toString();
    if (conversationId <= 0) {
        emit failed(tr("Open a conversation to export it."));
        return;
    }
    if (path.isEmpty()) {
        emit failed(tr("Choose a file to export to."));
        return;
    }
    if (!start()) return;
    m_store->async().post(
        this,
        [conversationId, path, format](Database& db) -> Result<Ok> {
            auto text = format == Format::Markdown ? exportMarkdown(db, conversationId)
                                                   : exportJson(db, conversationId);
            if (!text.ok()) return text.error();
            return writeFile(path, text.value());
        },
        [this, path](Result<Ok> written) {
            finish();
            if (written.ok())
                emit exported(path);
            else
                emit failed(tr("Export failed: %1").arg(QString::fromStdString(written.error().message)));
        });
}

void ConversationTransfer::importConversation(const QUrl& file)
{
    const QString path = file.isLocalFile() ? file.toLocalFile() : file.toString();
    if (path.isEmpty()) {
        emit failed(tr("Choose a file to import."));
        return;
    }
    if (!start()) return;
    m_store->async().post(
        this,
        [path](Database& db) -> Result<Conversation> {
            auto text = readFile(path);
            if (!text.ok()) return text.error();
            return importJson(db, text.value());
        },
        [this, path](Result<Conversation> conversation) {
            finish();
            if (conversation.ok())
                emit imported(conversation->id, QString::fromStdString(conversation->title));
            else
                emit failed(tr("Could not import %1: %2")
                                .arg(path, QString::fromStdString(conversation.error().message)));
        });
}
