// cpp-httplib's Server with limits that the Debian build (0.11) cannot be configured with: every
// connection is read through a stream that bounds what one request may take before it is routed.
//   - bytes: the request line and headers may take `headerBytes`, the whole request
//     `headerBytes + payloadMax` (so a header flood of many short lines is cut off like a long one);
//   - time: each read waits at most `readTimeout` (a stalled client is dropped) and a whole request
//     must arrive within `requestDeadline` of its first byte (a slowloris client that trickles one
//     byte every few seconds is dropped too).
// A request over the limits loses its connection; the library's own limits still answer first where
// they can (413 for a Content-Length over the payload maximum). The handlers can ask whether their
// client is still connected (clientGone()), to stop work nobody will read.
#pragma once

#include <chrono>
#include <cstddef>
#include <httplib.h>

namespace hearth::server {

struct ConnectionLimits {
    size_t headerBytes = 64 * 1024;
    size_t payloadMax = 8 * 1024 * 1024;
    std::chrono::milliseconds readTimeout { 5000 };
    std::chrono::milliseconds requestDeadline { 15000 };
    std::chrono::milliseconds writeTimeout { 10000 };
    std::chrono::milliseconds keepAliveTimeout { 5000 };
    size_t keepAliveRequests = 100;
};

class GuardedHttpServer : public httplib::Server {
public:
    explicit GuardedHttpServer(const ConnectionLimits& limits);

    // On a handler's thread: whether the client of the request being handled has closed its side
    // or reset the connection.
    static bool clientGone();
    // On a handler's thread: close the connection after this response (its body may be unread).
    static void closeAfterResponse();

protected:
    bool process_and_close_socket(socket_t sock) override;

private:
    ConnectionLimits m_limits;
};

} // namespace hearth::server
