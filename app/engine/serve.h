// Runs an engine server on this process's stdin/stdout. Shared by hearth-engine and test engines.
#pragma once

#include "inferenceapi.h"

namespace hearth::engineproc {

// Keeps the protocol channel clean: stdout is moved to a private descriptor for frames and fd 1 is
// pointed at stderr, so a stray printf anywhere in the process cannot corrupt a frame.
int serveStdio(InferenceApi& api);

} // namespace hearth::engineproc
