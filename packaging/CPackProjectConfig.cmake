# Read by CPack for each generator: system packages install under /usr; archives are relocatable
# (bin/, share/hearth/models/ side by side, found from the program's own directory).
if(CPACK_GENERATOR MATCHES "^(DEB|RPM)$")
  set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
  set(CPACK_SET_DESTDIR OFF)
elseif(CPACK_GENERATOR MATCHES "^(TGZ|ZIP)$")
  set(CPACK_PACKAGING_INSTALL_PREFIX "")
  set(CPACK_PACKAGE_FILE_NAME "${CPACK_PACKAGE_NAME}-${CPACK_PACKAGE_VERSION}-linux-${CPACK_HEARTH_ARCH}")
endif()
