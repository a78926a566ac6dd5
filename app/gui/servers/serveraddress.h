// The address of an OpenAI-compatible server as the user types it, checked before it is saved:
// http or https, a host, no user name, query or fragment; the base URL OpenAiClient takes (up to and
// including "/v1": it appends "/models" and "/chat/completions"). Plain http to another computer is
// allowed (a server on the user's own network often has no certificate) but warned about.
#pragma once

#include <QString>

struct ServerAddress {
    QString baseUrl; // what is saved and used; empty when `error` is set
    QString host; // for labels: "gpu-box:8000"
    QString error; // why it cannot be used, and what to type instead
    QString warning; // plain http beyond this computer: the key and the chats travel unencrypted
    QString note; // what Hearth changed ("/v1" added)
};

ServerAddress checkServerAddress(const QString& typed);
