# Defines the imported targets of spill_ring, the same way for the build tree
# (root CMakeLists.txt) and for an installed tree (spill_ringConfig.cmake):
#
#   spill_ring::shared      libspill_ring.so (SONAME libspill_ring.so.<major>)
#   spill_ring::static      libspill_ring.a, with the system libraries the Rust
#                           standard library needs (threads, dl, m)
#   spill_ring::spill_ring  the default: the shared library
#
# Call after find_package(Threads).
#
#   spill_ring_add_imported_targets(
#     LIBDIR <dir> INCLUDEDIR <dir> VERSION <x.y.z> SOVERSION <major> [GLOBAL])

function(spill_ring_add_imported_targets)
  cmake_parse_arguments(ARG "GLOBAL" "LIBDIR;INCLUDEDIR;VERSION;SOVERSION" "" ${ARGN})
  if(TARGET spill_ring::shared)
    return()
  endif()
  foreach(required LIBDIR INCLUDEDIR VERSION SOVERSION)
    if(NOT DEFINED ARG_${required} OR "${ARG_${required}}" STREQUAL "")
      message(FATAL_ERROR "spill_ring_add_imported_targets: ${required} is required")
    endif()
  endforeach()
  set(scope)
  if(ARG_GLOBAL)
    set(scope GLOBAL)
  endif()

  add_library(spill_ring::shared SHARED IMPORTED ${scope})
  set_target_properties(spill_ring::shared PROPERTIES
    IMPORTED_LOCATION "${ARG_LIBDIR}/libspill_ring.so.${ARG_VERSION}"
    IMPORTED_SONAME "libspill_ring.so.${ARG_SOVERSION}"
    INTERFACE_INCLUDE_DIRECTORIES "${ARG_INCLUDEDIR}")

  add_library(spill_ring::static STATIC IMPORTED ${scope})
  set_target_properties(spill_ring::static PROPERTIES
    IMPORTED_LOCATION "${ARG_LIBDIR}/libspill_ring.a"
    IMPORTED_LINK_INTERFACE_LANGUAGES "C"
    INTERFACE_INCLUDE_DIRECTORIES "${ARG_INCLUDEDIR}"
    INTERFACE_LINK_LIBRARIES "Threads::Threads;${CMAKE_DL_LIBS};m")

  add_library(spill_ring::spill_ring INTERFACE IMPORTED ${scope})
  set_target_properties(spill_ring::spill_ring PROPERTIES
    INTERFACE_LINK_LIBRARIES spill_ring::shared)
endfunction()
