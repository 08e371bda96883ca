# The install tests, one STEP per ctest test:
#
#   install       installs the build tree into PREFIX (a fresh directory) and
#                 checks the installed files, symlinks and SONAME
#   find_package  configures, builds and runs c_tests/install_consumer against
#                 PREFIX through find_package(spill_ring CONFIG REQUIRED)
#   pkg_config    compiles and runs the consumer with the flags pkg-config
#                 gives for spill_ring.pc, without CMake
#
# cmake -DSTEP=<step> -DBUILD_DIR=... -DWORK_DIR=... -DPREFIX=... -DLIBDIR=...
#       -DVERSION=<x.y.z> -DSOVERSION=<major> -DCONSUMER_SOURCE=... -DC_COMPILER=... -DGENERATOR=... -P install_test.cmake

cmake_minimum_required(VERSION 3.19)

foreach(required STEP BUILD_DIR WORK_DIR PREFIX LIBDIR VERSION SOVERSION CONSUMER_SOURCE
                 C_COMPILER GENERATOR)
  if(NOT DEFINED ${required})
    message(FATAL_ERROR "install_test.cmake: -D${required}=... is required")
  endif()
endforeach()

# run(<what> <command>...): runs a command, fails the test if it fails;
# leaves its standard output in `run_output`.
function(run what)
  execute_process(COMMAND ${ARGN}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${ARGN}\n${out}\n${err}")
  endif()
  message(STATUS "${what}: ok")
  set(run_output "${out}" PARENT_SCOPE)
endfunction()

# run_consumer(<exe>): runs a consumer program, which checks its own result.
function(run_consumer exe)
  run("running ${exe}" "${exe}")
  message(STATUS "  ${run_output}")
endfunction()

set(version "${VERSION}")
set(soversion "${SOVERSION}")
set(libdir "${PREFIX}/${LIBDIR}")

if(STEP STREQUAL "install")
  file(REMOVE_RECURSE "${PREFIX}")
  run("cmake --install" "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}")
  foreach(file
      "${libdir}/libspill_ring.so.${version}"
      "${libdir}/libspill_ring.a"
      "${PREFIX}/include/spill_ring.h"
      "${libdir}/cmake/spill_ring/spill_ringConfig.cmake"
      "${libdir}/cmake/spill_ring/spill_ringConfigVersion.cmake"
      "${libdir}/cmake/spill_ring/spill_ringImportedTargets.cmake"
      "${libdir}/pkgconfig/spill_ring.pc")
    if(NOT EXISTS "${file}" OR IS_SYMLINK "${file}")
      message(FATAL_ERROR "not installed as a regular file: ${file}")
    endif()
  endforeach()
  foreach(link_target
      "libspill_ring.so.${soversion}|libspill_ring.so.${version}"
      "libspill_ring.so|libspill_ring.so.${soversion}")
    string(REPLACE "|" ";" pair "${link_target}")
    list(GET pair 0 link)
    list(GET pair 1 target)
    if(NOT IS_SYMLINK "${libdir}/${link}")
      message(FATAL_ERROR "${libdir}/${link} is not a symlink")
    endif()
    file(READ_SYMLINK "${libdir}/${link}" points_to)
    if(NOT points_to STREQUAL target)
      message(FATAL_ERROR "${link} -> ${points_to}, expected -> ${target}")
    endif()
  endforeach()
  find_program(OBJDUMP objdump)
  if(OBJDUMP)
    run("objdump -p" "${OBJDUMP}" -p "${libdir}/libspill_ring.so.${version}")
    if(NOT run_output MATCHES "SONAME +libspill_ring\\.so\\.${soversion}\n")
      message(FATAL_ERROR "libspill_ring.so.${version} lacks SONAME libspill_ring.so.${soversion}")
    endif()
  endif()

elseif(STEP STREQUAL "find_package")
  set(build "${WORK_DIR}/find_package")
  file(REMOVE_RECURSE "${build}")
  run("configuring the consumer"
    "${CMAKE_COMMAND}" -S "${CONSUMER_SOURCE}" -B "${build}" -G "${GENERATOR}"
    "-DCMAKE_PREFIX_PATH=${PREFIX}"
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
    -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF
    "-DCMAKE_C_COMPILER=${C_COMPILER}")
  if(NOT run_output MATCHES "found spill_ring ${version} in ${libdir}/cmake/spill_ring")
    message(FATAL_ERROR "the consumer did not find the installed package:\n${run_output}")
  endif()
  run("building the consumer" "${CMAKE_COMMAND}" --build "${build}")
  foreach(exe consumer_default consumer_shared consumer_static consumer_cxx)
    run_consumer("${build}/${exe}")
  endforeach()

elseif(STEP STREQUAL "pkg_config")
  find_program(PKG_CONFIG NAMES pkg-config pkgconf)
  if(NOT PKG_CONFIG)
    message(FATAL_ERROR "pkg-config not found (apt-get install pkg-config)")
  endif()
  set(ENV{PKG_CONFIG_PATH} "${libdir}/pkgconfig")
  run("pkg-config --modversion" "${PKG_CONFIG}" --modversion spill_ring)
  string(STRIP "${run_output}" modversion)
  if(NOT modversion STREQUAL version)
    message(FATAL_ERROR "pkg-config says version ${modversion}, expected ${version}")
  endif()
  run("pkg-config --cflags" "${PKG_CONFIG}" --cflags spill_ring)
  separate_arguments(cflags UNIX_COMMAND "${run_output}")
  run("pkg-config --libs" "${PKG_CONFIG}" --libs spill_ring)
  separate_arguments(libs UNIX_COMMAND "${run_output}")
  run("pkg-config --variable=libdir" "${PKG_CONFIG}" --variable=libdir spill_ring)
  string(STRIP "${run_output}" pc_libdir)
  set(build "${WORK_DIR}/pkg_config")
  file(REMOVE_RECURSE "${build}")
  file(MAKE_DIRECTORY "${build}")
  run("compiling the consumer with pkg-config flags"
    "${C_COMPILER}" -std=c99 -Wall -Wextra -Werror -pedantic ${cflags}
    "${CONSUMER_SOURCE}/consumer.c" -o "${build}/consumer" ${libs} "-Wl,-rpath,${pc_libdir}")
  run_consumer("${build}/consumer")

else()
  message(FATAL_ERROR "unknown STEP '${STEP}'")
endif()
