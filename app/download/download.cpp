#include "download.h"

#include "hubfiles.h"
#include "networkerror.h"

#include <QDir>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QStorageInfo>

namespace hearth::download {

namespace {

constexpr qint64 kSpeedWindowMs = 5000;
constexpr qint64 kEmitEveryMs = 250;
constexpr qint64 kSidecarEveryMs = 2000;
// A server that sends nothing for this long is given up on (the part is kept).
constexpr int kTransferTimeoutMs = 60000;

// Decimal units, as Hugging Face gives sizes.
QString sizeText(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeSIFormat);
}

// "bytes START-END/TOTAL" → START, or -1.
qint64 contentRangeStart(const QByteArray& header)
{
    static const QRegularExpression re(QStringLiteral("^bytes (\\d+)-\\d+/(\\d+|\\*)$"));
    const auto m = re.match(QString::fromLatin1(header.trimmed()));
    return m.hasMatch() ? m.captured(1).toLongLong() : -1;
}

} // namespace

Download::Download(QNetworkAccessManager& network, const QUrl& hub, const QString& folder,
    const PartInfo& seed, QObject* parent)
    : QObject(parent)
    , m_network(network)
    , m_hub(hub)
    , m_folder(folder)
    , m_info(seed)
{
    m_clock.start();
    m_status.file = seed.file;
    m_status.repo = seed.repo;
    m_status.catalogKey = seed.catalogKey;
    m_status.total = seed.expectedSize;
    // What is on the disk already (a download found in the folder after a restart).
    m_status.bytes = QFileInfo(partPath(folder, seed.file)).size();
    m_status.partKept = m_status.bytes > 0;
    m_part.setFileName(partPath(folder, seed.file));
}

Download::~Download()
{
    dropReply();
}

void Download::start()
{
    const DownloadState s = m_status.state;
    if (s == DownloadState::Listing || s == DownloadState::Downloading || s == DownloadState::Done) return;
    m_status.error.clear();
    if (m_info.sha256.isEmpty())
        requestListing();
    else
        beginTransfer();
}

void Download::pause()
{
    if (m_status.state != DownloadState::Listing && m_status.state != DownloadState::Downloading) return;
    dropReply();
    m_part.close();
    saveSidecar();
    m_status.bytesPerSecond = 0;
    m_status.secondsLeft = -1;
    setState(DownloadState::Paused);
}

void Download::cancel()
{
    dropReply();
    removePart();
    m_status.bytes = 0;
    m_status.partKept = false;
    m_status.error = tr("Cancelled; the part downloaded so far was deleted.");
    setState(DownloadState::Failed);
}

// Step 1: the Hub's listing gives the exact size and sha256 the bytes are checked against.
void Download::requestListing()
{
    setState(DownloadState::Listing);
    QNetworkRequest request(listingUrl(m_hub, m_info.repo));
    request.setTransferTimeout(kTransferTimeoutMs);
    m_reply = m_network.get(request);
    QNetworkReply* reply = m_reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply] { onListing(reply); });
}

void Download::onListing(QNetworkReply* reply)
{
    reply->deleteLater();
    m_reply = nullptr;
    if (reply->error() != QNetworkReply::NoError) {
        fail(networkErrorText(reply), m_status.bytes > 0);
        return;
    }
    auto remote = findInListing(reply->readAll(), m_info.file);
    if (!remote) {
        fail(QString::fromStdString(remote.error().message), m_status.bytes > 0);
        return;
    }
    m_info.url = fileUrl(m_hub, m_info.repo, m_info.file);
    m_info.expectedSize = remote->size;
    m_info.sha256 = remote->sha256;
    m_status.total = remote->size;
    saveSidecar(); // from now on a restart resumes this download
    beginTransfer();
}

// Step 2: the bytes, from where the part file ends.
void Download::beginTransfer()
{
    if (QFileInfo::exists(QDir(m_folder).filePath(m_info.file))) {
        fail(tr("%1 is already in the models folder.").arg(m_info.file), false);
        return;
    }
    if (!m_part.isOpen() && !m_part.open(QIODevice::ReadWrite | QIODevice::Unbuffered)) {
        fail(tr("Could not write %1: %2. Check that the models folder is writable.")
                 .arg(m_part.fileName(), m_part.errorString()),
            false);
        return;
    }
    qint64 have = m_part.size();
    if (have > m_info.expectedSize) { // not a prefix of this file: start again
        m_part.resize(0);
        have = 0;
    }
    // Enough room for the rest? (And checked again on every write: other programs fill disks too.)
    const QStorageInfo disk(m_folder);
    const qint64 needed = m_info.expectedSize - have;
    if (disk.isValid() && disk.bytesAvailable() < needed) {
        m_part.close();
        fail(tr("Not enough disk space for %1: it needs %2 more, and %3 has %4 free. Free some space "
                "or choose another models folder in Settings, then press Resume.")
                 .arg(m_info.file, sizeText(needed), disk.rootPath(), sizeText(disk.bytesAvailable())),
            have > 0);
        return;
    }
    m_hash.reset();
    if (Status s = hashExisting(m_part, have, m_hash); !s.ok()) {
        m_part.close();
        fail(QString::fromStdString(s.error().message), false);
        return;
    }
    m_status.bytes = have;
    m_offset = have;
    if (have == m_info.expectedSize) { // everything is here: only the check is left
        finishTransfer();
        return;
    }
    QNetworkRequest request(m_info.url);
    request.setTransferTimeout(kTransferTimeoutMs);
    if (have > 0) request.setRawHeader("Range", "bytes=" + QByteArray::number(have) + "-");
    m_responseChecked = false;
    m_samples.clear();
    setState(DownloadState::Downloading);
    m_reply = m_network.get(request);
    connect(m_reply, &QNetworkReply::readyRead, this, &Download::onData);
    connect(m_reply, &QNetworkReply::finished, this, &Download::onFinished);
}

// The response's status, once: 206 from our offset continues the part; 200 is the whole file, so
// the part is emptied first. Anything else is left to onFinished (an error status).
bool Download::acceptResponse()
{
    m_responseChecked = true;
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 206 && contentRangeStart(m_reply->rawHeader("Content-Range")) == m_offset) return true;
    if (status == 206) { // a range we did not ask for: do not trust it
        fail(tr("The server sent a part of %1 that was not asked for; press Resume to try again.")
                 .arg(m_info.file),
            true);
        return false;
    }
    if (status == 200) {
        if (m_offset > 0) restartFromZero();
        return true;
    }
    return false;
}

void Download::restartFromZero()
{
    m_part.resize(0);
    m_part.seek(0);
    m_hash.reset();
    m_offset = 0;
    m_status.bytes = 0;
}

void Download::onData()
{
    if (!m_reply) return;
    if (!m_responseChecked && !acceptResponse()) return;
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status != 200 && status != 206) return; // an error page: onFinished reports it
    const QByteArray data = m_reply->readAll();
    if (data.isEmpty()) return;
    if (m_status.bytes + data.size() > m_info.expectedSize) {
        removePart();
        fail(tr("The server sent more than the %1 the Hub listed for %2; the download was deleted.")
                 .arg(sizeText(m_info.expectedSize), m_info.file),
            false);
        return;
    }
    const qint64 written = m_part.write(data);
    m_status.fetched += data.size();
    if (written != data.size()) {
        // A full disk (or another write error): keep what was written whole, for a resume.
        const QString why = m_part.errorString();
        if (written > 0) m_part.resize(m_status.bytes);
        m_part.close();
        saveSidecar();
        fail(tr("Could not write %1: %2. The %3 downloaded so far are kept; free some space and "
                "press Resume.")
                 .arg(m_part.fileName(), why, sizeText(m_status.bytes)),
            true);
        return;
    }
    m_hash.addData(data);
    m_status.bytes += written;
    sampleSpeed();
    if (m_clock.elapsed() - m_lastSidecarMs > kSidecarEveryMs) saveSidecar();
    emitChanged(false);
}

void Download::onFinished()
{
    QNetworkReply* reply = m_reply;
    if (!reply) return;
    m_reply = nullptr;
    reply->deleteLater();
    if (m_status.state == DownloadState::Failed) return; // already reported (disk, size)
    if (reply->bytesAvailable() > 0) {
        m_reply = reply;
        onData();
        m_reply = nullptr;
        if (m_status.state == DownloadState::Failed) return;
    }
    m_part.close();
    saveSidecar();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 416) { // the part is not a prefix the server knows: start again
        restartFromZero();
        m_part.open(QIODevice::ReadWrite | QIODevice::Unbuffered);
        m_part.resize(0);
        m_part.close();
        beginTransfer();
        return;
    }
    if (reply->error() != QNetworkReply::NoError) {
        fail(networkErrorText(reply), m_status.bytes > 0);
        return;
    }
    finishTransfer();
}

// Step 3: size and sha256, then the final name.
void Download::finishTransfer()
{
    m_part.close();
    if (m_status.bytes != m_info.expectedSize) {
        fail(tr("The server stopped after %1 of %2. The part is kept: press Resume.")
                 .arg(sizeText(m_status.bytes), sizeText(m_info.expectedSize)),
            true);
        return;
    }
    const QByteArray got = m_hash.result().toHex();
    if (got != m_info.sha256) {
        removePart();
        m_status.bytes = 0;
        fail(tr("%1 does not match its sha256 (expected %2, got %3): it was corrupted or altered on "
                "the way, and has been deleted. Download it again.")
                 .arg(m_info.file, QString::fromLatin1(m_info.sha256), QString::fromLatin1(got)),
            false);
        return;
    }
    const QString finalPath = QDir(m_folder).filePath(m_info.file);
    if (!QFile::rename(m_part.fileName(), finalPath)) {
        fail(tr("%1 was verified but could not be renamed to %2.").arg(m_part.fileName(), finalPath), true);
        return;
    }
    QFile::remove(sidecarPath(m_folder, m_info.file));
    m_status.path = finalPath;
    m_status.bytesPerSecond = 0;
    m_status.secondsLeft = 0;
    setState(DownloadState::Done);
}

void Download::fail(const QString& message, bool keepPart)
{
    dropReply();
    m_part.close();
    if (!keepPart && m_status.bytes > 0) { // only a part that cannot be trusted or was cancelled is dropped
        removePart();
        m_status.bytes = 0;
    }
    m_status.partKept = keepPart && m_status.bytes > 0;
    if (!m_status.partKept) m_info.sha256.clear(); // a new try asks the Hub again
    m_status.error = message;
    m_status.bytesPerSecond = 0;
    m_status.secondsLeft = -1;
    setState(DownloadState::Failed);
}

void Download::setState(DownloadState state)
{
    m_status.state = state;
    emitChanged(true);
}

void Download::saveSidecar()
{
    if (m_info.sha256.isEmpty()) return;
    m_info.bytes = m_status.bytes;
    m_lastSidecarMs = m_clock.elapsed();
    (void)writeSidecar(sidecarPath(m_folder, m_info.file), m_info); // best effort: the part is the truth
}

// Forget the request in flight without hearing from it again.
void Download::dropReply()
{
    if (!m_reply) return;
    QNetworkReply* reply = m_reply;
    m_reply = nullptr;
    reply->disconnect(this);
    reply->abort();
    reply->deleteLater();
}

void Download::removePart()
{
    m_part.close();
    QFile::remove(partPath(m_folder, m_info.file));
    QFile::remove(sidecarPath(m_folder, m_info.file));
}

// Speed over the last few seconds, and the time left at that speed.
void Download::sampleSpeed()
{
    const qint64 now = m_clock.elapsed();
    m_samples.emplace_back(now, m_status.bytes);
    while (m_samples.size() > 2 && now - m_samples.front().first > kSpeedWindowMs)
        m_samples.pop_front();
    const qint64 dt = now - m_samples.front().first;
    if (dt < 200) return;
    m_status.bytesPerSecond = double(m_status.bytes - m_samples.front().second) * 1000.0 / double(dt);
    m_status.secondsLeft = m_status.bytesPerSecond > 0
        ? qint64(double(m_info.expectedSize - m_status.bytes) / m_status.bytesPerSecond)
        : -1;
}

void Download::emitChanged(bool force)
{
    const qint64 now = m_clock.elapsed();
    if (!force && m_lastEmitMs >= 0 && now - m_lastEmitMs < kEmitEveryMs) return;
    m_lastEmitMs = now;
    emit changed(m_status);
}

QString Download::networkErrorText(QNetworkReply* reply) const
{
    const QString host = reply->url().host();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QString kept = m_status.bytes > 0
        ? tr(" The %1 downloaded so far are kept: press Resume to continue.").arg(sizeText(m_status.bytes))
        : QString();
    const QString connection = connectionFailureText(reply);
    if (!connection.isEmpty()) return connection + kept;
    if (status == 404)
        return tr("%1 has no such file (HTTP 404): %2. The catalog may be out of date: refresh it.")
            .arg(host, reply->url().toString());
    if (status >= 400)
        return tr("%1 answered HTTP %2 for %3.%4").arg(host).arg(status).arg(reply->url().toString(), kept);
    return tr("The download from %1 stopped: %2.%3").arg(host, reply->errorString(), kept);
}

} // namespace hearth::download
