# The platform the library is built for, and what the Rust side needs to
# build and link it there. Included by the root CMakeLists.txt.
#
# Sets:
#   SPILL_PLATFORM            ELF (Linux), MINGW (Windows, MinGW-w64) or MACHO (macOS)
#   SPILL_RUST_TARGET         the Rust target triple (cache; empty: the host's)
#   spill_cargo_target_args   --target <triple>, or nothing for the host
#   spill_cargo_env           environment for cargo (the linker when cross-compiling)
#   spill_cargo_out_subdir    where cargo puts the release build: release or <triple>/release
#   SPILL_NATIVE_STATIC_LIBS  what a static link needs besides libspill_ring.a,
#                             as rustc reports it (a list of linker flags)
#
# Supported: Linux (GNU toolchains), Windows with MinGW-w64 (GCC), macOS
# (on paper: not tested). Anything else stops here with the reason.

set(SPILL_RUST_TARGET "" CACHE STRING
  "Rust target triple (default: the host's, or the one the CMake toolchain implies)")

# spill_ring_fail(<text>...): stops the configuration, saying what to do.
macro(spill_ring_fail)
  message(FATAL_ERROR "spill_ring: " ${ARGN})
endmacro()

if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
  set(SPILL_PLATFORM ELF)
elseif(CMAKE_SYSTEM_NAME STREQUAL "Windows")
  if(MSVC)
    spill_ring_fail("the CMake build supports Windows through MinGW-w64 (GCC) only. "
      "With MSVC, build the library with cargo (cargo build --release --target "
      "x86_64-pc-windows-msvc) and link spill_ring.dll.lib or spill_ring.lib "
      "(define SPILL_RING_STATIC for the latter): see the README, section Windows.")
  elseif(NOT MINGW)
    spill_ring_fail("on Windows the CMake build needs a MinGW-w64 GCC toolchain "
      "(for example cmake/toolchains/x86_64-w64-mingw32.cmake); "
      "compiler '${CMAKE_C_COMPILER_ID}' is not supported.")
  endif()
  set(SPILL_PLATFORM MINGW)
elseif(CMAKE_SYSTEM_NAME STREQUAL "Darwin")
  set(SPILL_PLATFORM MACHO)
else()
  spill_ring_fail("system '${CMAKE_SYSTEM_NAME}' is not supported by the CMake build "
    "(Linux, Windows with MinGW-w64, macOS). Build the library with cargo instead.")
endif()

if(SPILL_SANITIZE AND NOT (SPILL_PLATFORM STREQUAL "ELF" AND CMAKE_C_COMPILER_ID MATCHES "GNU|Clang"))
  spill_ring_fail("SPILL_SANITIZE needs GCC or Clang on Linux (here: ${CMAKE_SYSTEM_NAME}, "
    "${CMAKE_C_COMPILER_ID}).")
endif()

# The Rust target: derived from the toolchain when cross-compiling (or when
# building for Windows, where the host's Rust may default to MSVC).
if(SPILL_RUST_TARGET STREQUAL "" AND (CMAKE_CROSSCOMPILING OR SPILL_PLATFORM STREQUAL "MINGW"))
  string(TOLOWER "${CMAKE_SYSTEM_PROCESSOR}" spill_cpu)
  if(spill_cpu MATCHES "^(x86_64|amd64|x64)$")
    set(spill_cpu x86_64)
  elseif(spill_cpu MATCHES "^(aarch64|arm64)$")
    set(spill_cpu aarch64)
  else()
    spill_ring_fail("no Rust target known for processor '${CMAKE_SYSTEM_PROCESSOR}' on "
      "${CMAKE_SYSTEM_NAME}: pass -DSPILL_RUST_TARGET=<triple> (rustc --print target-list).")
  endif()
  if(SPILL_PLATFORM STREQUAL "ELF")
    set(spill_derived "${spill_cpu}-unknown-linux-gnu")
  elseif(SPILL_PLATFORM STREQUAL "MINGW")
    if(NOT spill_cpu STREQUAL "x86_64")
      spill_ring_fail("Windows on ${spill_cpu} with MinGW-w64 GCC has no Rust target "
        "(x86_64-pc-windows-gnu is the supported one).")
    endif()
    set(spill_derived "x86_64-pc-windows-gnu")
  else()
    set(spill_derived "${spill_cpu}-apple-darwin")
  endif()
  set(SPILL_RUST_TARGET "${spill_derived}" CACHE STRING
    "Rust target triple (default: the host's, or the one the CMake toolchain implies)" FORCE)
endif()

# A target given by hand must match the system CMake builds for.
if(NOT SPILL_RUST_TARGET STREQUAL "")
  set(spill_expected_os_ELF "-linux-gnu")
  set(spill_expected_os_MINGW "-windows-gnu")
  set(spill_expected_os_MACHO "-apple-darwin")
  string(FIND "${SPILL_RUST_TARGET}" "${spill_expected_os_${SPILL_PLATFORM}}" spill_at)
  if(spill_at EQUAL -1)
    spill_ring_fail("SPILL_RUST_TARGET '${SPILL_RUST_TARGET}' does not build for "
      "${CMAKE_SYSTEM_NAME} with this toolchain (expected a *${spill_expected_os_${SPILL_PLATFORM}}* target).")
  endif()
  set(spill_cargo_target_args --target "${SPILL_RUST_TARGET}")
  set(spill_cargo_out_subdir "${SPILL_RUST_TARGET}/release")
  # cargo links the library with the toolchain's C compiler.
  string(TOUPPER "${SPILL_RUST_TARGET}" spill_target_var)
  string(REPLACE "-" "_" spill_target_var "${spill_target_var}")
  set(spill_cargo_env "CARGO_TARGET_${spill_target_var}_LINKER=${CMAKE_C_COMPILER}")
else()
  set(spill_cargo_target_args)
  set(spill_cargo_out_subdir "release")
  set(spill_cargo_env)
endif()

# What the Rust standard library needs in a static link, as rustc says:
# `--print native-static-libs` on a staticlib of the same target. The
# library's own crates declare no native dependency, so std's list is the
# library's (the ctest test static_link_pkg_config links with it alone).
get_filename_component(spill_cargo_bindir "${CARGO_EXECUTABLE}" DIRECTORY)
find_program(RUSTC_EXECUTABLE rustc HINTS "${spill_cargo_bindir}" DOC "rustc, next to cargo")
if(NOT RUSTC_EXECUTABLE)
  spill_ring_fail("rustc not found next to ${CARGO_EXECUTABLE}: set -DRUSTC_EXECUTABLE=...")
endif()
include("${CMAKE_CURRENT_LIST_DIR}/native_static_libs.cmake")
spill_ring_native_static_libs("${RUSTC_EXECUTABLE}" "${SPILL_RUST_TARGET}"
  "${PROJECT_BINARY_DIR}/native-static-libs" SPILL_NATIVE_STATIC_LIBS)
message(STATUS "spill_ring: ${SPILL_PLATFORM} build for Rust target "
  "'${SPILL_RUST_TARGET}' (empty: host); static link needs: ${SPILL_NATIVE_STATIC_LIBS}")
