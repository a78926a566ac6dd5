// hearth-engine: the crash boundary between the window and the model. Speaks the framed protocol
// (docs/protocol.md) on stdin/stdout; owns the model, KV cache and device.
#include "localorremote.h"
#include "protocol.h"
#include "realinference.h"
#include "serve.h"

#include <cstdio>
#include <cstring>

int main(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--version") == 0) {
            std::printf("hearth-engine %s (protocol %d)\n", HEARTH_VERSION, hearth::protocol::kVersion);
            return 0;
        }
        if (std::strcmp(argv[i], "--help") == 0) {
            std::printf(
                "hearth-engine: speaks Hearth's framed protocol on stdin/stdout; started by hearth.\n");
            return 0;
        }
    }
    hearth::engineproc::RealInference files;
    hearth::engineproc::LocalOrRemote inference(files);
    return hearth::engineproc::serveStdio(inference);
}
