// serveStdio: protect the frame channel, ignore SIGPIPE, run the server.
#include "serve.h"

#include "engineserver.h"

#include <csignal>
#include <unistd.h>

namespace hearth::engineproc {

int serveStdio(InferenceApi& api)
{
    // A GUI that vanished must make write() fail with EPIPE, not kill us silently mid-cleanup.
    std::signal(SIGPIPE, SIG_IGN);
    const int frameFd = ::dup(STDOUT_FILENO);
    if (frameFd < 0) return 1;
    ::dup2(STDERR_FILENO, STDOUT_FILENO);
    EngineServer server(api, STDIN_FILENO, frameFd);
    const int code = server.run();
    ::close(frameFd);
    return code;
}

} // namespace hearth::engineproc
