# spill_ring_native_static_libs(<rustc> <target or ""> <work dir> <out var>)
#
# Sets <out var> to the linker flags a static link of a Rust staticlib for
# <target> needs besides the archive itself, as rustc reports them
# (`rustc --print native-static-libs`, printed while building a staticlib):
# on x86_64 Linux for example -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc.
# The probe is an empty crate, so the answer is the standard library's. The
# result is cached per rustc version and target.
#
# Usable from CMakeLists.txt and from `cmake -P` scripts.

function(spill_ring_native_static_libs rustc target work out_var)
  execute_process(COMMAND "${rustc}" -V OUTPUT_VARIABLE version
    OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "spill_ring: '${rustc} -V' failed")
  endif()
  string(MAKE_C_IDENTIFIER "spill_native_libs_${version}_${target}" key)
  if(DEFINED CACHE{${key}})
    set(${out_var} "${${key}}" PARENT_SCOPE)
    return()
  endif()

  file(MAKE_DIRECTORY "${work}")
  file(WRITE "${work}/probe.rs" "// The standard library's native dependencies, reported by rustc.\n")
  set(target_args)
  if(NOT target STREQUAL "")
    set(target_args --target "${target}")
  endif()
  execute_process(
    COMMAND "${rustc}" --crate-type staticlib --crate-name spill_native_probe --edition 2021
            ${target_args} --print native-static-libs
            -o "${work}/libspill_native_probe.a" "${work}/probe.rs"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "spill_ring: rustc cannot build a staticlib for target "
      "'${target}' (rustup target add ${target}?):\n${err}")
  endif()
  if(NOT "${out}\n${err}" MATCHES "native-static-libs: ([^\r\n]*)")
    message(FATAL_ERROR "spill_ring: rustc did not report native-static-libs:\n${out}\n${err}")
  endif()
  string(STRIP "${CMAKE_MATCH_1}" flags)
  separate_arguments(flags NATIVE_COMMAND "${flags}")
  file(REMOVE "${work}/libspill_native_probe.a")
  if(CMAKE_SCRIPT_MODE_FILE)
    set(${out_var} "${flags}" PARENT_SCOPE)
  else()
    set(${key} "${flags}" CACHE INTERNAL "rustc's native-static-libs for ${target}")
    set(${out_var} "${flags}" PARENT_SCOPE)
  endif()
endfunction()
