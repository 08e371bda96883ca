# Defines the imported targets of spill_ring, the same way for the build tree
# (root CMakeLists.txt) and for an installed tree (spill_ringConfig.cmake):
#
#   spill_ring::shared      the shared library: libspill_ring.so.<version>
#                           (SONAME libspill_ring.so.<major>), spill_ring.dll
#                           with its import library libspill_ring.dll.a
#                           (MinGW), or libspill_ring.<version>.dylib
#                           (install name @rpath/libspill_ring.<major>.dylib)
#   spill_ring::static      libspill_ring.a, with the system libraries the Rust
#                           standard library needs (as rustc reports them:
#                           `rustc --print native-static-libs`), and the
#                           definition SPILL_RING_STATIC (no dllimport)
#   spill_ring::spill_ring  the default: the shared library
#
#   spill_ring_add_imported_targets(
#     PLATFORM <ELF|MINGW|MACHO> LIBDIR <dir> BINDIR <dir> INCLUDEDIR <dir>
#     VERSION <x.y.z> SOVERSION <major> NATIVE_STATIC_LIBS <flags...> [GLOBAL])
#
#   spill_ring_library_files(<PLATFORM> <version> <soversion>)
#     sets, in the caller's scope, the file names of one platform:
#       spill_shared_file   the shared library as it is installed
#       spill_shared_links  "<link>|<target>" pairs (symlinks to create)
#       spill_shared_dir    LIB or BIN: where the shared library goes
#       spill_implib_file   the import library (MinGW), else empty
#       spill_static_file   the static library
#       spill_soname        what the dynamic linker records (ELF, Mach-O)

function(spill_ring_library_files platform version soversion)
  set(links)
  set(implib)
  set(soname)
  set(dir LIB)
  if(platform STREQUAL "ELF")
    set(shared "libspill_ring.so.${version}")
    set(soname "libspill_ring.so.${soversion}")
    set(links "libspill_ring.so.${soversion}|${shared}" "libspill_ring.so|libspill_ring.so.${soversion}")
  elseif(platform STREQUAL "MINGW")
    set(shared "spill_ring.dll")
    set(implib "libspill_ring.dll.a")
    set(dir BIN)
  elseif(platform STREQUAL "MACHO")
    set(shared "libspill_ring.${version}.dylib")
    set(soname "@rpath/libspill_ring.${soversion}.dylib")
    set(links "libspill_ring.${soversion}.dylib|${shared}" "libspill_ring.dylib|libspill_ring.${soversion}.dylib")
  else()
    message(FATAL_ERROR "spill_ring: unknown library platform '${platform}' (ELF, MINGW, MACHO)")
  endif()
  set(spill_shared_file "${shared}" PARENT_SCOPE)
  set(spill_shared_links "${links}" PARENT_SCOPE)
  set(spill_shared_dir "${dir}" PARENT_SCOPE)
  set(spill_implib_file "${implib}" PARENT_SCOPE)
  set(spill_static_file "libspill_ring.a" PARENT_SCOPE)
  set(spill_soname "${soname}" PARENT_SCOPE)
endfunction()

function(spill_ring_add_imported_targets)
  cmake_parse_arguments(ARG "GLOBAL"
    "PLATFORM;LIBDIR;BINDIR;INCLUDEDIR;VERSION;SOVERSION" "NATIVE_STATIC_LIBS" ${ARGN})
  if(TARGET spill_ring::shared)
    return()
  endif()
  foreach(required PLATFORM LIBDIR BINDIR INCLUDEDIR VERSION SOVERSION)
    if(NOT DEFINED ARG_${required} OR "${ARG_${required}}" STREQUAL "")
      message(FATAL_ERROR "spill_ring_add_imported_targets: ${required} is required")
    endif()
  endforeach()
  set(scope)
  if(ARG_GLOBAL)
    set(scope GLOBAL)
  endif()
  spill_ring_library_files("${ARG_PLATFORM}" "${ARG_VERSION}" "${ARG_SOVERSION}")

  add_library(spill_ring::shared SHARED IMPORTED ${scope})
  set_target_properties(spill_ring::shared PROPERTIES
    IMPORTED_LOCATION "${ARG_${spill_shared_dir}DIR}/${spill_shared_file}"
    INTERFACE_INCLUDE_DIRECTORIES "${ARG_INCLUDEDIR}")
  if(spill_soname)
    set_target_properties(spill_ring::shared PROPERTIES IMPORTED_SONAME "${spill_soname}")
  endif()
  if(spill_implib_file)
    set_target_properties(spill_ring::shared PROPERTIES
      IMPORTED_IMPLIB "${ARG_LIBDIR}/${spill_implib_file}")
  endif()

  add_library(spill_ring::static STATIC IMPORTED ${scope})
  set_target_properties(spill_ring::static PROPERTIES
    IMPORTED_LOCATION "${ARG_LIBDIR}/${spill_static_file}"
    IMPORTED_LINK_INTERFACE_LANGUAGES "C"
    INTERFACE_INCLUDE_DIRECTORIES "${ARG_INCLUDEDIR}"
    INTERFACE_COMPILE_DEFINITIONS "SPILL_RING_STATIC"
    INTERFACE_LINK_LIBRARIES "${ARG_NATIVE_STATIC_LIBS}")

  add_library(spill_ring::spill_ring INTERFACE IMPORTED ${scope})
  set_target_properties(spill_ring::spill_ring PROPERTIES
    INTERFACE_LINK_LIBRARIES spill_ring::shared)
endfunction()
