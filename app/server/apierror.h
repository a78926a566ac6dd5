// An error as the OpenAI API reports it: an HTTP status and
// {"error": {"message", "type", "param", "code"}}. The constructors below are the ones the server
// uses, so every route says the same thing for the same mistake.
#pragma once

#include <string>

namespace hearth::server {

struct ApiError {
    int status = 400;
    std::string type = "invalid_request_error";
    std::string message;
    std::string param; // the request field at fault; empty: null
    std::string code; // e.g. "context_length_exceeded"; empty: null

    static ApiError invalidRequest(std::string message, std::string param = {}, std::string code = {})
    {
        return { 400, "invalid_request_error", std::move(message), std::move(param), std::move(code) };
    }
    static ApiError invalidKey()
    {
        return { 401, "invalid_request_error",
            "Incorrect or missing API key. Send it as 'Authorization: Bearer KEY'; hearth-cli serve "
            "prints the key it uses when it starts, and Hearth shows its key in Settings, API server.",
            {}, "invalid_api_key" };
    }
    static ApiError modelNotFound(const std::string& model, const std::string& served)
    {
        return { 404, "invalid_request_error",
            "The model '" + model + "' does not exist; this server serves '" + served + "' (GET /v1/models).",
            "model", "model_not_found" };
    }
    // The app's server while the window has no model loaded (or is switching models).
    static ApiError noModel()
    {
        return { 503, "server_error",
            "No model is loaded in Hearth. Load one in the Hearth window, then retry (GET /v1/models lists "
            "the model being served).",
            {}, "model_not_loaded" };
    }
    static ApiError busy(size_t waiting)
    {
        return { 429, "rate_limit_exceeded",
            "The server is busy: " + std::to_string(waiting)
                + " requests are already waiting for the model. Retry later.",
            {}, "rate_limit_exceeded" };
    }
    static ApiError server(std::string message)
    {
        return { 500, "server_error", std::move(message), {}, {} };
    }
};

} // namespace hearth::server
