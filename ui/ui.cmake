# The QML module "Hearth" as a static library (hearth_ui + hearth_uiplugin) that the app and the
# tests both link. It holds the QML files of this folder and the C++ models and controllers of
# app/gui (everything there but main.cpp, including app/gui/documents/).
find_package(Qt6 6.4 REQUIRED COMPONENTS Gui Qml Quick QuickControls2 Network Concurrent)
# qtkeychain: the API keys of remote servers and of the API server go to the desktop's secret
# store (app/gui/servers/).
find_package(Qt6Keychain REQUIRED)
# md4c, the Markdown parser Qt itself reads TextEdit.MarkdownText with (app/gui/markdownprose.cpp).
# Through pkg-config: Debian's md4cConfig.cmake also demands libmd4c-html, which nothing here uses.
find_package(PkgConfig REQUIRED)
pkg_check_modules(HEARTH_MD4C REQUIRED IMPORTED_TARGET md4c)

set(gui_dir ${PROJECT_SOURCE_DIR}/app/gui)
file(GLOB_RECURSE gui_sources CONFIGURE_DEPENDS ${gui_dir}/*.cpp ${gui_dir}/*.h)
list(FILTER gui_sources EXCLUDE REGEX "/app/gui/main\\.cpp$")

set(qml_files
  Main.qml
  Shortcuts.qml
  Theme.qml
  components/AppMenu.qml
  components/CodeBlock.qml
  components/CommandMenuItem.qml
  components/Composer.qml
  components/ConversationDelegate.qml
  components/ConversationView.qml
  components/MessageActions.qml
  components/MessageDelegate.qml
  components/ModelBar.qml
  components/ModelInfoPopup.qml
  components/ModelNotices.qml
  components/NoticeBar.qml
  components/SettingsDialog.qml
  components/ModelMenu.qml
  components/settings/RemoteServersPage.qml
  components/settings/RemoteServerForm.qml
  components/ShortcutsSheet.qml
  components/SamplingFields.qml
  components/Sidebar.qml
  components/UndoBar.qml
  components/settings/ServerPage.qml
  documents/SummarizeDialog.qml
  getmodel/CatalogFileRow.qml
  getmodel/CatalogView.qml
  getmodel/DownloadRow.qml
  getmodel/FirstStartOffer.qml
  getmodel/FitMark.qml
  getmodel/GetModelDialog.qml
  getmodel/LocalModelRow.qml
  getmodel/LocalModelsView.qml
)
set_source_files_properties(Theme.qml Shortcuts.qml PROPERTIES QT_QML_SINGLETON_TYPE TRUE)
# The window's icons: line drawings made for Hearth (24 px grid, 2 px strokes), tinted by the controls.
file(GLOB icon_files RELATIVE ${CMAKE_CURRENT_LIST_DIR} CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/icons/*.svg)

qt_add_library(hearth_ui STATIC)
set_target_properties(hearth_ui PROPERTIES AUTOMOC ON)
qt_add_qml_module(hearth_ui
  URI Hearth
  VERSION 1.0
  QML_FILES ${qml_files}
  RESOURCES ${icon_files}
  SOURCES ${gui_sources}
)
target_include_directories(hearth_ui PUBLIC ${gui_dir} ${PROJECT_SOURCE_DIR})
# The document flow lives in app/gui/documents/; its headers are found by file name too.
target_include_directories(hearth_ui PUBLIC ${gui_dir}/documents)
# Remote servers (settings, keys, model listing) live in app/gui/servers/, with the secret store.
target_include_directories(hearth_ui PUBLIC ${gui_dir}/servers)
# Settings → API server (app/gui/apiserver/): its key is made by the server's own key code and kept
# in the same secret store.
target_include_directories(hearth_ui PUBLIC ${gui_dir}/apiserver)
target_link_libraries(hearth_ui PUBLIC hearth_apikey)
# The "Get a model" page (app/gui/getmodel/) over hearth_download, with the fit estimate of
# inference/vulkan/memory_estimate.h (arithmetic only: the window links no GPU code) and the GGUF
# reader for the models folder's files. The bundled catalog is a resource; "Check for a newer list"
# fetches the catalog URL setting, by default HEARTH_CATALOG_URL: the catalog on the project's main
# branch (io.github.hearth.Hearth is github.com/hearth/Hearth), so raising "version" in
# resources/catalog.json there offers the new list to every installed Hearth that asks. Packagers may
# point it elsewhere.
target_include_directories(hearth_ui PUBLIC ${gui_dir}/getmodel)
target_link_libraries(hearth_ui PUBLIC hearth_download hearth_vulkan_estimate hearth_gguf Qt6::Network Qt6::Concurrent)
qt_add_resources(hearth_ui hearth_catalog PREFIX /hearth BASE ${PROJECT_SOURCE_DIR}/resources
                 FILES ${PROJECT_SOURCE_DIR}/resources/catalog.json)
# Build folders configured before kept the old placeholder (HOMEPAGE_URL/catalog.json) in their cache.
if(HEARTH_CATALOG_URL STREQUAL "${PROJECT_HOMEPAGE_URL}/catalog.json")
  unset(HEARTH_CATALOG_URL CACHE)
endif()
set(HEARTH_CATALOG_URL "https://raw.githubusercontent.com/hearth/Hearth/main/resources/catalog.json"
    CACHE STRING "Where \"Check for a newer list\" fetches the model catalog by default")
target_compile_definitions(hearth_ui PRIVATE HEARTH_CATALOG_URL="${HEARTH_CATALOG_URL}")
target_compile_definitions(hearth_ui PRIVATE HEARTH_SOURCE_RESOURCES="${PROJECT_SOURCE_DIR}/resources")
target_link_libraries(hearth_ui PUBLIC hearth_storage hearth_protocol
                      Qt6::Gui Qt6::Qml Qt6::Quick Qt6::QuickControls2)
target_link_libraries(hearth_ui PRIVATE PkgConfig::HEARTH_MD4C)
target_link_libraries(hearth_ui PUBLIC hearth_documents)
# Listing a server's models (GET /v1/models) with hearth_remote's OpenAiClient on a worker thread.
target_link_libraries(hearth_ui PRIVATE hearth_remote Qt6::Concurrent Qt6Keychain::Qt6Keychain)
