#include "guardedhttpserver.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace hearth::server {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

int pollFor(int fd, short events, milliseconds timeout, short& revents)
{
    pollfd entry { fd, events, 0 };
    int n;
    do {
        n = ::poll(&entry, 1, static_cast<int>(std::max<int64_t>(0, timeout.count())));
    } while (n < 0 && errno == EINTR);
    revents = n > 0 ? entry.revents : 0;
    return n;
}

void addressOf(int fd, bool peer, std::string& ip, int& port)
{
    sockaddr_storage address {};
    socklen_t length = sizeof address;
    const int result = peer ? ::getpeername(fd, reinterpret_cast<sockaddr*>(&address), &length)
                            : ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    if (result != 0) return;
    char text[INET6_ADDRSTRLEN] = {};
    if (address.ss_family == AF_INET) {
        const auto* v4 = reinterpret_cast<const sockaddr_in*>(&address);
        ::inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
        port = ntohs(v4->sin_port);
    } else if (address.ss_family == AF_INET6) {
        const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&address);
        ::inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
        port = ntohs(v6->sin6_port);
    }
    ip = text;
}

// A socket read through a buffer (the library reads headers a byte at a time), within a per-request
// byte budget and deadline.
class GuardedStream final : public httplib::Stream {
public:
    GuardedStream(int fd, const ConnectionLimits& limits)
        : m_fd(fd)
        , m_limits(limits)
    {
    }

    // A new request starts: its budget and deadline run from now.
    void startRequest()
    {
        m_inHeaders = true;
        m_headerBytes = 0;
        m_lineLength = 0;
        m_bodyBytes = 0;
        m_deadline = Clock::now() + m_limits.requestDeadline;
    }

    // Waits for the first byte of the next request on a kept-alive connection.
    bool waitForRequest(milliseconds timeout)
    {
        if (m_end > m_begin) return true;
        short revents = 0;
        return pollFor(m_fd, POLLIN, timeout, revents) > 0 && (revents & POLLIN);
    }

    // Whether a read failed (timeout, deadline, a limit, an error): the connection is not reused.
    bool failed() const { return m_failed; }

    bool peerGone() const
    {
        short revents = 0;
        return pollFor(m_fd, POLLRDHUP, milliseconds(0), revents) != 0
            && (revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL));
    }

    bool is_readable() const override
    {
        if (m_end > m_begin) return true;
        const auto left = std::chrono::duration_cast<milliseconds>(m_deadline - Clock::now());
        if (left.count() <= 0) return false;
        short revents = 0;
        return pollFor(m_fd, POLLIN, std::min(left, m_limits.readTimeout), revents) > 0;
    }

    bool is_writable() const override
    {
        short revents = 0;
        if (pollFor(m_fd, POLLOUT | POLLRDHUP, m_limits.writeTimeout, revents) <= 0) return false;
        return (revents & POLLOUT) && !(revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL));
    }

    ssize_t read(char* ptr, size_t size) override
    {
        if (size == 0) return 0;
        if (m_end == m_begin) {
            if (!is_readable()) return fail();
            const ssize_t n = ::recv(m_fd, m_buffer, sizeof m_buffer, 0);
            if (n <= 0) return n < 0 ? fail() : 0;
            if (!account(static_cast<size_t>(n))) return fail();
            m_begin = 0;
            m_end = static_cast<size_t>(n);
        }
        const size_t n = std::min(size, m_end - m_begin);
        std::copy_n(m_buffer + m_begin, n, ptr);
        m_begin += n;
        return static_cast<ssize_t>(n);
    }

    ssize_t write(const char* ptr, size_t size) override
    {
        size_t written = 0;
        while (written < size) {
            short revents = 0;
            if (pollFor(m_fd, POLLOUT, m_limits.writeTimeout, revents) <= 0 || !(revents & POLLOUT))
                return -1;
            const ssize_t n = ::send(m_fd, ptr + written, size - written, MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EINTR || errno == EAGAIN) continue;
                return -1;
            }
            written += static_cast<size_t>(n);
        }
        return static_cast<ssize_t>(written);
    }

    void get_remote_ip_and_port(std::string& ip, int& port) const override
    {
        addressOf(m_fd, true, ip, port);
    }
    void get_local_ip_and_port(std::string& ip, int& port) const override
    {
        addressOf(m_fd, false, ip, port);
    }
    socket_t socket() const override { return m_fd; }

private:
    ssize_t fail()
    {
        m_failed = true;
        return -1;
    }

    // Counts newly received bytes against the request's limits: the header part ends at the first
    // empty line; the body may take twice the payload maximum (chunk framing included), so that the
    // library, which counts the decoded body, is the one to refuse an oversized body with 413.
    bool account(size_t received)
    {
        for (size_t i = 0; i < received; ++i) {
            if (!m_inHeaders) {
                m_bodyBytes += received - i;
                break;
            }
            ++m_headerBytes;
            const char c = m_buffer[i];
            if (c == '\n') {
                if (m_lineLength == 0 && m_headerBytes > 2) m_inHeaders = false;
                m_lineLength = 0;
            } else if (c != '\r') {
                ++m_lineLength;
            }
        }
        if (m_inHeaders) return m_headerBytes <= m_limits.headerBytes;
        return m_bodyBytes <= 2 * m_limits.payloadMax + 64 * 1024;
    }

    int m_fd;
    const ConnectionLimits& m_limits;
    char m_buffer[4096];
    size_t m_begin = 0;
    size_t m_end = 0;
    bool m_inHeaders = true;
    size_t m_headerBytes = 0;
    size_t m_lineLength = 0; // characters since the last line feed, carriage returns not counted
    size_t m_bodyBytes = 0;
    bool m_failed = false;
    Clock::time_point m_deadline;
};

thread_local const GuardedStream* t_currentStream = nullptr;
thread_local bool t_closeAfterResponse = false;

} // namespace

GuardedHttpServer::GuardedHttpServer(const ConnectionLimits& limits)
    : m_limits(limits)
{
    set_payload_max_length(limits.payloadMax);
    set_read_timeout(std::chrono::duration_cast<std::chrono::seconds>(limits.readTimeout).count());
    set_write_timeout(std::chrono::duration_cast<std::chrono::seconds>(limits.writeTimeout).count());
    set_keep_alive_timeout(std::chrono::duration_cast<std::chrono::seconds>(limits.keepAliveTimeout).count());
    set_keep_alive_max_count(limits.keepAliveRequests);
}

bool GuardedHttpServer::clientGone()
{
    return t_currentStream && t_currentStream->peerGone();
}

void GuardedHttpServer::closeAfterResponse()
{
    t_closeAfterResponse = true;
}

bool GuardedHttpServer::process_and_close_socket(socket_t sock)
{
    GuardedStream stream(sock, m_limits);
    t_currentStream = &stream;
    bool ok = false;
    for (size_t left = m_limits.keepAliveRequests; left > 0 && svr_sock_ != INVALID_SOCKET; --left) {
        // Waits in short slices, so that stop() does not wait for idle kept-alive connections.
        bool ready = false;
        for (auto waited = milliseconds(0);
             !ready && waited < m_limits.keepAliveTimeout && svr_sock_ != INVALID_SOCKET;
             waited += milliseconds(100)) {
            ready = stream.waitForRequest(std::min(milliseconds(100), m_limits.keepAliveTimeout - waited));
        }
        if (!ready) break;
        stream.startRequest();
        t_closeAfterResponse = false;
        bool closed = false;
        ok = process_request(stream, left == 1, closed, nullptr);
        if (!ok || closed || t_closeAfterResponse || stream.failed()) break;
    }
    t_currentStream = nullptr;
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
    return ok;
}

} // namespace hearth::server
