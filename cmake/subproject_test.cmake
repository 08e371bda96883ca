# Builds c_tests/subproject_consumer (an outside project taking spill_ring in
# with add_subdirectory or FetchContent), runs its program, installs it, and
# checks that the install holds the project's own program and nothing of
# spill_ring.
#
# cmake -DMODE=<add_subdirectory|fetchcontent> -DSOURCE=<consumer dir> -DSPILL_RING_SOURCE=...
#       -DWORK_DIR=... -DCARGO_TARGET_DIR=... -DCARGO_EXECUTABLE=... -DC_COMPILER=...
#       -DCXX_COMPILER=... -DGENERATOR=... -P subproject_test.cmake

cmake_minimum_required(VERSION 3.19)

include("${CMAKE_CURRENT_LIST_DIR}/test_run.cmake") # run(), require_defined()
require_defined(MODE SOURCE SPILL_RING_SOURCE WORK_DIR CARGO_TARGET_DIR CARGO_EXECUTABLE
                C_COMPILER CXX_COMPILER GENERATOR)

set(build "${WORK_DIR}/build")
set(prefix "${WORK_DIR}/prefix")
file(REMOVE_RECURSE "${WORK_DIR}")
run("configuring the ${MODE} consumer"
  "${CMAKE_COMMAND}" -S "${SOURCE}" -B "${build}" -G "${GENERATOR}"
  "-DMODE=${MODE}" "-DSPILL_RING_SOURCE=${SPILL_RING_SOURCE}"
  "-DCMAKE_C_COMPILER=${C_COMPILER}" "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}"
  "-DSPILL_CARGO_TARGET_DIR=${CARGO_TARGET_DIR}" "-DCARGO_EXECUTABLE=${CARGO_EXECUTABLE}")
run("building the ${MODE} consumer" "${CMAKE_COMMAND}" --build "${build}")
run("running the ${MODE} consumer" "${build}/engine")
message(STATUS "  ${run_output}")

run("cmake --install of the ${MODE} consumer" "${CMAKE_COMMAND}" --install "${build}" --prefix "${prefix}")
file(GLOB_RECURSE installed LIST_DIRECTORIES false RELATIVE "${prefix}" "${prefix}/*")
if(NOT installed STREQUAL "bin/engine")
  string(REPLACE ";" "\n  " installed_lines "${installed}")
  message(FATAL_ERROR "the consumer's install holds more than its own bin/engine "
    "(spill_ring must install nothing as a subproject):\n  ${installed_lines}")
endif()
message(STATUS "the ${MODE} consumer installed bin/engine only")
