// hearth-engine-fake: the engine process with FakeInference inside, for protocol and GUI tests.
#include "fakeinference.h"
#include "serve.h"

int main()
{
    hearth::test::FakeInference inference;
    return hearth::engineproc::serveStdio(inference);
}
