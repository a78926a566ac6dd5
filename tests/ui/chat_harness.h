// One window's worth of controllers below the QML, wired as Main.qml wires them: the store over a
// database file, an engine process (the real hearth-engine or the scripted fake), settings, the
// model, the library and the chat.
#pragma once

#include "chatcontroller.h"
#include "chatstore.h"
#include "engineclient.h"
#include "librarycontroller.h"
#include "modelcontroller.h"
#include "settingscontroller.h"

struct ChatHarness {
    ChatStore store;
    EngineClient engine;
    SettingsController settings;
    ModelController model;
    LibraryController library;
    ChatController chat;

    ChatHarness(const QString& dbPath, const QString& engineProgram)
    {
        store.setPath(dbPath);
        engine.setProgram(engineProgram);
        settings.setStore(&store);
        model.setEngine(&engine);
        model.setSettings(&settings);
        model.setStore(&store);
        library.setStore(&store);
        chat.setLibrary(&library);
        chat.setStore(&store);
        chat.setEngine(&engine);
        chat.setSettings(&settings);
        chat.setModel(&model);
        engine.start();
    }
    QString text(int row) { return chat.messages()->textAt(row); }
    QString role(int row, int r) { return chat.messages()->data(chat.messages()->index(row), r).toString(); }
    int count() { return chat.messages()->rowCount(); }
};
