// What a remote server's failure means to the user: one sentence each for the transport errors
// (refused, unreachable, TLS, silence) and the HTTP statuses (401, 404, 429, 5xx), with the server's
// own message where it sent one in OpenAI's {"error": {"message": …}} shape.
#pragma once

#include "util/result.h"

#include <httplib.h>
#include <string>
#include <string_view>

namespace hearth::remote {

Error transportError(httplib::Error error, std::string_view host, int silenceSeconds);
Error statusError(int status, std::string_view body, std::string_view host, std::string_view model);
// The "message" of an OpenAI-shaped error body, or the body itself cut short; empty when none.
std::string serverMessage(std::string_view body);

} // namespace hearth::remote
