#include "util/result.h"

#include <cstdio>
#include <cstdlib>

namespace hearth::detail {

void checkFailed(const char* expr, const char* file, int line)
{
    std::fprintf(stderr, "hearth: internal check failed: %s at %s:%d\n", expr, file, line);
    std::abort();
}

} // namespace hearth::detail
