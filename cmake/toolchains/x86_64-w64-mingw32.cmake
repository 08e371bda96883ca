# Cross build for 64-bit Windows with Debian's MinGW-w64 GCC (posix thread
# model: winpthreads, std::thread) and Rust's x86_64-pc-windows-gnu target.
# Tests and examples run under Wine.
#
#   apt-get install gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 wine64
#   rustup target add x86_64-pc-windows-gnu
#   cmake -S . -B build-windows -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/x86_64-w64-mingw32.cmake
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(spill_mingw x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${spill_mingw}-gcc-posix)
set(CMAKE_CXX_COMPILER ${spill_mingw}-g++-posix)
set(CMAKE_RC_COMPILER ${spill_mingw}-windres)
# Appended to: -DCMAKE_FIND_ROOT_PATH=<prefix> adds a prefix of packages.
list(APPEND CMAKE_FIND_ROOT_PATH /usr/${spill_mingw})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
find_program(spill_wine NAMES wine64 wine)
if(spill_wine)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${spill_wine}")
endif()
set(SPILL_RUST_TARGET x86_64-pc-windows-gnu CACHE STRING "Rust target triple")
