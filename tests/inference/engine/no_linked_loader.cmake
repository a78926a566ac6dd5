# Fails when a binary that runs models names the Vulkan loader as a needed library: such a binary
# would not start on a machine without one, instead of running on the CPU (vulkan/loader.h).
# cmake -DREADELF=... -DBINARIES="a|b" -P no_linked_loader.cmake
if(NOT READELF)
  message(FATAL_ERROR "readelf was not found (binutils): cannot check the binaries' needed libraries")
endif()
string(REPLACE "|" ";" binaries "${BINARIES}")
foreach(binary IN LISTS binaries)
  execute_process(COMMAND ${READELF} --dynamic ${binary} OUTPUT_VARIABLE dynamic RESULT_VARIABLE failed)
  if(failed OR NOT dynamic MATCHES "NEEDED")
    message(FATAL_ERROR "readelf could not read the dynamic section of ${binary}")
  endif()
  if(dynamic MATCHES "libvulkan")
    message(FATAL_ERROR "${binary} links the Vulkan loader; it must open it at run time (vulkan/loader.h)")
  endif()
  message(STATUS "${binary}: no libvulkan among its needed libraries")
endforeach()
