# Copies the libraries cargo built into the staging directory under their
# installed names, with the usual SONAME symlinks:
#
#   libspill_ring.so.<version>                       the shared library
#   libspill_ring.so.<soversion> -> libspill_ring.so.<version>
#   libspill_ring.so             -> libspill_ring.so.<soversion>
#   libspill_ring.a
#
# Files are copied only when their content changed, so an up-to-date cargo
# build relinks nothing.
#
# cmake -DCARGO_OUT=<dir> -DSTAGE=<dir> -DVERSION=<x.y.z> -DSOVERSION=<major>
#       -P stage_libraries.cmake

cmake_minimum_required(VERSION 3.19)

foreach(required CARGO_OUT STAGE VERSION SOVERSION)
  if(NOT DEFINED ${required})
    message(FATAL_ERROR "stage_libraries.cmake: -D${required}=... is required")
  endif()
endforeach()

set(shared "${CARGO_OUT}/libspill_ring.so")
set(static "${CARGO_OUT}/libspill_ring.a")
foreach(lib "${shared}" "${static}")
  if(NOT EXISTS "${lib}")
    message(FATAL_ERROR "cargo did not produce ${lib}: is the crate type cdylib/staticlib?")
  endif()
endforeach()

file(MAKE_DIRECTORY "${STAGE}")
execute_process(
  COMMAND "${CMAKE_COMMAND}" -E copy_if_different "${shared}" "${STAGE}/libspill_ring.so.${VERSION}"
  COMMAND_ERROR_IS_FATAL ANY)
execute_process(
  COMMAND "${CMAKE_COMMAND}" -E copy_if_different "${static}" "${STAGE}/libspill_ring.a"
  COMMAND_ERROR_IS_FATAL ANY)

# (Re)creates a symlink only when it is missing or points elsewhere.
function(stage_symlink target link)
  if(IS_SYMLINK "${link}")
    file(READ_SYMLINK "${link}" current)
    if(current STREQUAL target)
      return()
    endif()
  endif()
  file(REMOVE "${link}")
  file(CREATE_LINK "${target}" "${link}" SYMBOLIC)
endfunction()

stage_symlink("libspill_ring.so.${VERSION}" "${STAGE}/libspill_ring.so.${SOVERSION}")
stage_symlink("libspill_ring.so.${SOVERSION}" "${STAGE}/libspill_ring.so")
