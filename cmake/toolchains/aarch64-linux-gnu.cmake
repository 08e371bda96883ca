# Cross build for 64-bit ARM Linux with Debian's aarch64-linux-gnu GCC and
# Rust's aarch64-unknown-linux-gnu target. Tests and examples run under
# qemu-user.
#
#   apt-get install gcc-aarch64-linux-gnu g++-aarch64-linux-gnu qemu-user
#   rustup target add aarch64-unknown-linux-gnu
#   cmake -S . -B build-aarch64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(spill_cross aarch64-linux-gnu)
set(CMAKE_C_COMPILER ${spill_cross}-gcc)
set(CMAKE_CXX_COMPILER ${spill_cross}-g++)
# Appended to: -DCMAKE_FIND_ROOT_PATH=<prefix> adds a prefix of packages.
list(APPEND CMAKE_FIND_ROOT_PATH /usr/${spill_cross})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
find_program(spill_qemu NAMES qemu-aarch64 qemu-aarch64-static)
if(spill_qemu)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${spill_qemu};-L;/usr/${spill_cross}")
endif()
set(SPILL_RUST_TARGET aarch64-unknown-linux-gnu CACHE STRING "Rust target triple")
