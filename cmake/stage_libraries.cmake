# Copies the libraries cargo built into the staging directory under their
# installed names (spill_ringImportedTargets.cmake, spill_ring_library_files):
#
#   ELF     libspill_ring.so.<version>, the SONAME symlinks, libspill_ring.a
#   MINGW   spill_ring.dll, its import library libspill_ring.dll.a, libspill_ring.a
#   MACHO   libspill_ring.<version>.dylib (install name set to
#           @rpath/libspill_ring.<soversion>.dylib), its symlinks, libspill_ring.a
#
# The static library is copied without the LLVM bitcode rustc embeds in the
# standard library's objects (sections .llvmbc and .llvmcmd): a C/C++ link
# with -flto would otherwise hand that bitcode, from rustc's LLVM, to the
# toolchain's LTO plugin, which fails on a newer LLVM's bitcode. The
# archive then holds machine code only. (macOS, which has no objcopy: the
# archive is copied as it is; untested.)
#
# Files are replaced only when their content changed (the static library:
# when cargo rebuilt it), so an up-to-date cargo build relinks nothing.
#
# cmake -DCARGO_OUT=<dir> -DSTAGE=<dir> -DPLATFORM=<ELF|MINGW|MACHO> -DVERSION=<x.y.z>
#       -DSOVERSION=<major> -DAR=<ar> [-DOBJCOPY=<objcopy>] [-DINSTALL_NAME_TOOL=<tool>]
#       -P stage_libraries.cmake

cmake_minimum_required(VERSION 3.19)

foreach(required CARGO_OUT STAGE PLATFORM VERSION SOVERSION AR)
  if(NOT DEFINED ${required} OR "${${required}}" STREQUAL "")
    message(FATAL_ERROR "stage_libraries.cmake: -D${required}=... is required")
  endif()
endforeach()
include("${CMAKE_CURRENT_LIST_DIR}/spill_ringImportedTargets.cmake")
spill_ring_library_files("${PLATFORM}" "${VERSION}" "${SOVERSION}")

# What cargo names each output on each platform.
if(PLATFORM STREQUAL "ELF")
  set(cargo_shared libspill_ring.so)
elseif(PLATFORM STREQUAL "MINGW")
  set(cargo_shared spill_ring.dll)
  set(cargo_implib libspill_ring.dll.a)
else()
  set(cargo_shared libspill_ring.dylib)
endif()
set(cargo_static libspill_ring.a)
foreach(lib ${cargo_shared} ${cargo_implib} ${cargo_static})
  if(NOT EXISTS "${CARGO_OUT}/${lib}")
    message(FATAL_ERROR "cargo did not produce ${CARGO_OUT}/${lib}: is the crate type cdylib/staticlib?")
  endif()
endforeach()

file(MAKE_DIRECTORY "${STAGE}")
# copy_changed(<from> <to>): copies unless <to> already has <from>'s content.
function(copy_changed from to)
  execute_process(COMMAND "${CMAKE_COMMAND}" -E copy_if_different "${from}" "${to}"
    COMMAND_ERROR_IS_FATAL ANY)
endfunction()

copy_changed("${CARGO_OUT}/${cargo_shared}" "${STAGE}/${spill_shared_file}")
if(cargo_implib)
  copy_changed("${CARGO_OUT}/${cargo_implib}" "${STAGE}/${spill_implib_file}")
endif()
if(PLATFORM STREQUAL "MACHO")
  # The staged copy records where loaders find it: @rpath/<name>.
  if(NOT INSTALL_NAME_TOOL)
    message(FATAL_ERROR "install_name_tool not found: it sets the dylib's install name")
  endif()
  execute_process(COMMAND "${INSTALL_NAME_TOOL}" -id "${spill_soname}" "${STAGE}/${spill_shared_file}"
    COMMAND_ERROR_IS_FATAL ANY)
endif()

# The static library without LLVM bitcode, member by member (objcopy cannot
# take the archive whole: some of the standard library's members for
# x86_64-pc-windows-gnu have no sections, which objcopy refuses). Redone only
# when cargo's archive is newer than the staged one.
set(from "${CARGO_OUT}/${cargo_static}")
set(to "${STAGE}/${spill_static_file}")
if(NOT OBJCOPY)
  # macOS (no objcopy; the root CMakeLists.txt allows that there only).
  copy_changed("${from}" "${to}")
elseif(NOT EXISTS "${to}" OR "${from}" IS_NEWER_THAN "${to}")
  execute_process(COMMAND "${AR}" t "${from}" OUTPUT_VARIABLE members COMMAND_ERROR_IS_FATAL ANY)
  string(REGEX REPLACE "\n$" "" members "${members}")
  string(REPLACE "\n" ";" members "${members}")
  set(unique ${members})
  list(REMOVE_DUPLICATES unique)
  if(NOT unique STREQUAL members)
    message(FATAL_ERROR "${from} has members of the same name: cannot extract them one by one")
  endif()
  set(work "${STAGE}/.static-members")
  file(REMOVE_RECURSE "${work}")
  file(MAKE_DIRECTORY "${work}")
  execute_process(COMMAND "${AR}" x "${from}" WORKING_DIRECTORY "${work}" COMMAND_ERROR_IS_FATAL ANY)
  foreach(member IN LISTS members)
    execute_process(
      COMMAND "${OBJCOPY}" --remove-section=.llvmbc --remove-section=.llvmcmd "${member}"
      WORKING_DIRECTORY "${work}" RESULT_VARIABLE rc ERROR_VARIABLE err)
    if(NOT rc EQUAL 0 AND NOT err MATCHES "has no sections")
      message(FATAL_ERROR "${OBJCOPY} could not remove the bitcode from ${member} of ${from}:\n${err}")
    endif()
  endforeach()
  file(REMOVE "${work}/.archive.a")
  execute_process(COMMAND "${AR}" qcsD .archive.a ${members}
    WORKING_DIRECTORY "${work}" COMMAND_ERROR_IS_FATAL ANY)
  file(RENAME "${work}/.archive.a" "${to}")
  file(REMOVE_RECURSE "${work}")
endif()

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
foreach(pair IN LISTS spill_shared_links)
  string(REPLACE "|" ";" pair "${pair}")
  list(GET pair 0 link)
  list(GET pair 1 target)
  stage_symlink("${target}" "${STAGE}/${link}")
endforeach()
