# Packaging: install rules for what the packages ship beside the programs, and the CPack settings for
# the Debian package, the RPM and the portable .tar.gz (tested here), plus NSIS (Windows) and
# DragNDrop (macOS) settings, written but untested (see packaging/README.md).
# Included from the top-level CMakeLists.txt after every target is defined.

# --- what gets installed (the programs' own install rules live beside their targets) -------------
# Directories made on the way are 0755 whatever the umask (lintian checks).
set(CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
# The programs install themselves (app/cli, app/engine, app/gui); a target that does not is installed here.
foreach(program hearth hearth-engine hearth-cli)
  if(TARGET ${program})
    get_property(hearth_program_dir TARGET ${program} PROPERTY SOURCE_DIR)
    file(READ "${hearth_program_dir}/CMakeLists.txt" hearth_program_lists)
    string(FIND "${hearth_program_lists}" "install(TARGETS ${program}" hearth_program_rule)
    if(hearth_program_rule EQUAL -1)
      install(TARGETS ${program} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
    endif()
  endif()
endforeach()

set(HEARTH_APP_ID io.github.hearth.Hearth)
set(hearth_resources "${PROJECT_SOURCE_DIR}/resources")

# The bundled default model and its license: the app and hearth-cli look in
# <prefix>/share/hearth/models (applicationDirPath()/../share/hearth/models).
install(FILES "${hearth_resources}/models/stories260K.gguf" "${hearth_resources}/models/stories260K.LICENSE"
        DESTINATION ${CMAKE_INSTALL_DATADIR}/hearth/models)

# Desktop integration: menu entry, AppStream metainfo, icons (PNGs rendered from the SVG, committed).
install(FILES "${hearth_resources}/${HEARTH_APP_ID}.desktop" DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES "${hearth_resources}/${HEARTH_APP_ID}.metainfo.xml" DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
install(FILES "${hearth_resources}/icons/${HEARTH_APP_ID}.svg" DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
foreach(size 16 22 24 32 48 64 128 256 512)
  install(FILES "${hearth_resources}/icons/hicolor/${size}x${size}/apps/${HEARTH_APP_ID}.png"
          DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps)
endforeach()

# Manual pages and the documentation directory Debian policy asks for: copyright and a changelog
# (changelog.gz: this is a native package), all compressed with gzip -9n (reproducible, as lintian
# expects).
set(hearth_docdir ${CMAKE_INSTALL_DATADIR}/doc/hearth)  # the package's name, not the project's "Hearth"
install(FILES "${CMAKE_CURRENT_LIST_DIR}/copyright" DESTINATION ${hearth_docdir})
find_program(HEARTH_GZIP gzip REQUIRED)
set(hearth_packaging_out "${CMAKE_CURRENT_BINARY_DIR}/packaging")
file(MAKE_DIRECTORY "${hearth_packaging_out}")
foreach(source changelog man/hearth.1 man/hearth-cli.1 man/hearth-engine.1)
  get_filename_component(name "${source}" NAME)
  execute_process(COMMAND ${HEARTH_GZIP} -9nc "${CMAKE_CURRENT_LIST_DIR}/${source}"
                  OUTPUT_FILE "${hearth_packaging_out}/${name}.gz")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${CMAKE_CURRENT_LIST_DIR}/${source}")
endforeach()
install(FILES "${hearth_packaging_out}/changelog.gz" DESTINATION ${hearth_docdir})
install(FILES "${hearth_packaging_out}/hearth.1.gz" "${hearth_packaging_out}/hearth-cli.1.gz"
              "${hearth_packaging_out}/hearth-engine.1.gz"
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

# --- CPack -----------------------------------------------------------------------------------------
set(CPACK_PACKAGE_NAME hearth)
set(CPACK_PACKAGE_VENDOR "The Hearth developers")
set(CPACK_PACKAGE_CONTACT "The Hearth developers <hearth@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Offline Llama chat on your own GPU")
# Lines under 80 columns: the Debian control file shows them as written.
set(CPACK_PACKAGE_DESCRIPTION "Hearth is a desktop chat application that runs Llama 3.1 (3.2, 3.3)
GGUF models entirely on your own machine, on any GPU through its own Vulkan
engine or on the CPU. Conversations stay in a local SQLite database;
documents can be summarized offline. A tiny story model is bundled so the
app works at once; open any Llama Instruct GGUF file for real chat.")
set(CPACK_PACKAGE_HOMEPAGE_URL "${PROJECT_HOMEPAGE_URL}")
set(CPACK_PACKAGE_INSTALL_DIRECTORY "Hearth")
set(CPACK_PACKAGE_EXECUTABLES hearth "Hearth")
set(CPACK_PACKAGE_ICON "${hearth_resources}/icons/hicolor/128x128/apps/${HEARTH_APP_ID}.png")
set(CPACK_RESOURCE_FILE_LICENSE "${CMAKE_CURRENT_LIST_DIR}/copyright")
set(CPACK_RESOURCE_FILE_README "${CMAKE_CURRENT_LIST_DIR}/README.md")
set(CPACK_STRIP_FILES ON)  # debug info stays in the build tree; packages ship stripped programs
set(CPACK_SOURCE_IGNORE_FILES "/build[^/]*/" "/\\\\.git/" "/node_modules/")
# Per-generator choices (install prefix, file names) are made when CPack runs.
set(CPACK_PROJECT_CONFIG_FILE "${CMAKE_CURRENT_LIST_DIR}/CPackProjectConfig.cmake")
set(CPACK_HEARTH_ARCH "${CMAKE_SYSTEM_PROCESSOR}")

if(WIN32)
  set(CPACK_GENERATOR NSIS ZIP)
elseif(APPLE)
  set(CPACK_GENERATOR DragNDrop TGZ)
else()
  set(CPACK_GENERATOR DEB RPM TGZ)
endif()

# Debian: library dependencies from dpkg-shlibdeps, plus what is loaded rather than linked
# (packaging/runtime-packages.txt, the list scripts/install-deps.sh installs too) — and the Vulkan loader and a
# driver recommended: the engine opens the loader at run time and runs on the CPU without it.
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # hearth_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${PROJECT_HOMEPAGE_URL}")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
file(STRINGS "${CMAKE_CURRENT_LIST_DIR}/runtime-packages.txt" hearth_runtime_packages REGEX "^[a-z0-9]")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${CMAKE_CURRENT_LIST_DIR}/runtime-packages.txt")
list(JOIN hearth_runtime_packages ", " CPACK_DEBIAN_PACKAGE_DEPENDS)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libvulkan1, mesa-vulkan-drivers | vulkan-icd")

# RPM (Fedora names): automatic library requirements, plus the QML modules in one package there.
set(CPACK_RPM_FILE_NAME RPM-DEFAULT)
set(CPACK_RPM_PACKAGE_LICENSE "MIT")
set(CPACK_RPM_PACKAGE_GROUP "Applications/Productivity")
set(CPACK_RPM_PACKAGE_URL "${PROJECT_HOMEPAGE_URL}")
set(CPACK_RPM_PACKAGE_AUTOREQ ON)
set(CPACK_RPM_PACKAGE_REQUIRES "qt6-qtdeclarative")
set(CPACK_RPM_PACKAGE_SUGGESTS "vulkan-loader, mesa-vulkan-drivers")
set(CPACK_RPM_SPEC_MORE_DEFINE "%define _build_id_links none")  # no /usr/lib/.build-id links
# Directories that belong to the filesystem and icon-theme packages, not to us.
set(CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION
    /usr/share/applications /usr/share/metainfo /usr/share/icons /usr/share/icons/hicolor
    /usr/share/icons/hicolor/scalable /usr/share/icons/hicolor/scalable/apps
    /usr/share/man /usr/share/man/man1 /usr/share/doc)
foreach(size 16 22 24 32 48 64 128 256 512)
  list(APPEND CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION
       /usr/share/icons/hicolor/${size}x${size} /usr/share/icons/hicolor/${size}x${size}/apps)
endforeach()

# Windows (NSIS), untested: start-menu entry and the icon.
set(CPACK_NSIS_DISPLAY_NAME "Hearth")
set(CPACK_NSIS_PACKAGE_NAME "Hearth")
set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\\\hearth.exe")
set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
set(CPACK_NSIS_URL_INFO_ABOUT "${PROJECT_HOMEPAGE_URL}")

# macOS (DragNDrop), untested: a disk image with the app.
set(CPACK_DMG_VOLUME_NAME "Hearth")
set(CPACK_DMG_FORMAT UDBZ)

include(CPack)
