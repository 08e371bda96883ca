# The install tests, one STEP per ctest test:
#
#   install       installs the build tree into PREFIX (a fresh directory) and
#                 checks the installed files, symlinks and SONAME
#   find_package  configures, builds and runs c_tests/install_consumer against
#                 PREFIX through find_package(spill_ring CONFIG REQUIRED)
#                 (cross builds: with the same toolchain file, run by its emulator)
#   pkg_config    compiles and runs the consumer with the flags pkg-config
#                 gives for spill_ring.pc, without CMake
#   pkg_config_static
#                 the same with spill_ring-static.pc: the program must not
#                 need the shared library, and both .pc files must list what
#                 rustc reports a static link needs (--print native-static-libs)
#   lto           the installed libspill_ring.a holds machine code only (no
#                 LLVM bitcode section in any member), and links into the
#                 consumer with gcc -flto and clang -flto
#
# cmake -DSTEP=<step> -DBUILD_DIR=... -DWORK_DIR=... -DPREFIX=... -DLIBDIR=... -DBINDIR=...
#       -DPLATFORM=<ELF|MINGW|MACHO> -DVERSION=<x.y.z> -DSOVERSION=<major>
#       -DCONSUMER_SOURCE=... -DC_COMPILER=... -DGENERATOR=...
#       [-DTOOLCHAIN_FILE=...] [-DRUSTC=... -DRUST_TARGET=...] [-DCLANG=...]
#       -P install_test.cmake

cmake_minimum_required(VERSION 3.19)

include("${CMAKE_CURRENT_LIST_DIR}/test_run.cmake") # run(), require_defined()
require_defined(STEP BUILD_DIR WORK_DIR PREFIX LIBDIR BINDIR PLATFORM VERSION SOVERSION
                CONSUMER_SOURCE C_COMPILER GENERATOR)

# run_consumer(<exe>): runs a consumer program, which checks its own result.
function(run_consumer exe)
  run("running ${exe}" "${exe}")
  message(STATUS "  ${run_output}")
endfunction()

set(version "${VERSION}")
set(soversion "${SOVERSION}")
set(libdir "${PREFIX}/${LIBDIR}")
include("${CMAKE_CURRENT_LIST_DIR}/spill_ringImportedTargets.cmake")
spill_ring_library_files("${PLATFORM}" "${version}" "${soversion}")
set(shared_dir "${PREFIX}/${${spill_shared_dir}DIR}")
if(PLATFORM STREQUAL "MINGW")
  # Windows finds DLLs through PATH: under Wine, WINEPATH.
  set(ENV{WINEPATH} "${shared_dir};$ENV{WINEPATH}")
endif()

# The consumer programs of the find_package step.
set(consumers consumer_default consumer_shared consumer_static consumer_cxx)
set(exe_suffix)
if(PLATFORM STREQUAL "MINGW")
  set(exe_suffix .exe)
endif()

# static_libs_of(<pc file> <field> <out var>): the flags after the archive
# (or -lspill_ring) in one field of an installed .pc file.
function(static_libs_of pc field out_var)
  file(STRINGS "${libdir}/pkgconfig/${pc}" line REGEX "^${field}:")
  string(REGEX REPLACE "^${field}: *" "" line "${line}")
  string(REGEX REPLACE "^(-L[^ ]* +)?[^ ]*(libspill_ring[.]a|-lspill_ring) *" "" line "${line}")
  separate_arguments(line UNIX_COMMAND "${line}")
  set(${out_var} "${line}" PARENT_SCOPE)
endfunction()

# needs_shared_library(<exe> <out var>): whether <exe> records a dependency
# on the shared library (ELF DT_NEEDED).
function(needs_shared_library exe out_var)
  find_program(OBJDUMP objdump REQUIRED)
  execute_process(COMMAND "${OBJDUMP}" -p "${exe}" OUTPUT_VARIABLE out COMMAND_ERROR_IS_FATAL ANY)
  if(out MATCHES "NEEDED +libspill_ring")
    set(${out_var} TRUE PARENT_SCOPE)
  else()
    set(${out_var} FALSE PARENT_SCOPE)
  endif()
endfunction()

if(STEP STREQUAL "install")
  file(REMOVE_RECURSE "${PREFIX}")
  run("cmake --install" "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}")
  set(expected_files
      "${shared_dir}/${spill_shared_file}"
      "${libdir}/${spill_static_file}"
      "${PREFIX}/include/spill_ring.h"
      "${PREFIX}/share/spill_ring/tsan.supp"
      "${PREFIX}/share/spill_ring/valgrind.supp"
      "${libdir}/cmake/spill_ring/spill_ringConfig.cmake"
      "${libdir}/cmake/spill_ring/spill_ringConfigVersion.cmake"
      "${libdir}/cmake/spill_ring/spill_ringImportedTargets.cmake"
      "${libdir}/pkgconfig/spill_ring.pc"
      "${libdir}/pkgconfig/spill_ring-static.pc")
  if(spill_implib_file)
    list(APPEND expected_files "${libdir}/${spill_implib_file}")
  endif()
  foreach(file IN LISTS expected_files)
    if(NOT EXISTS "${file}" OR IS_SYMLINK "${file}")
      message(FATAL_ERROR "not installed as a regular file: ${file}")
    endif()
  endforeach()
  foreach(link_target IN LISTS spill_shared_links)
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
  if(OBJDUMP AND PLATFORM STREQUAL "ELF")
    run("objdump -p" "${OBJDUMP}" -p "${libdir}/libspill_ring.so.${version}")
    if(NOT run_output MATCHES "SONAME +libspill_ring\\.so\\.${soversion}\n")
      message(FATAL_ERROR "libspill_ring.so.${version} lacks SONAME libspill_ring.so.${soversion}")
    endif()
  endif()

elseif(STEP STREQUAL "find_package")
  set(build "${WORK_DIR}/find_package")
  file(REMOVE_RECURSE "${build}")
  set(toolchain_args "-DCMAKE_C_COMPILER=${C_COMPILER}")
  if(TOOLCHAIN_FILE)
    # A cross build: the consumer uses the same toolchain; its programs run
    # under the toolchain's emulator (Wine, qemu-user).
    set(toolchain_args "-DCMAKE_TOOLCHAIN_FILE=${TOOLCHAIN_FILE}" "-DCMAKE_FIND_ROOT_PATH=${PREFIX}")
  endif()
  run("configuring the consumer"
    "${CMAKE_COMMAND}" -S "${CONSUMER_SOURCE}" -B "${build}" -G "${GENERATOR}"
    "-DCMAKE_PREFIX_PATH=${PREFIX}"
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
    -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF
    ${toolchain_args})
  if(NOT run_output MATCHES "found spill_ring ${version} in ${libdir}/cmake/spill_ring")
    message(FATAL_ERROR "the consumer did not find the installed package:\n${run_output}")
  endif()
  run("building the consumer" "${CMAKE_COMMAND}" --build "${build}")
  foreach(exe IN LISTS consumers)
    if(EMULATOR)
      separate_arguments(emulator UNIX_COMMAND "${EMULATOR}")
      run("running ${exe} under ${EMULATOR}" ${emulator} "${build}/${exe}${exe_suffix}")
      message(STATUS "  ${run_output}")
    else()
      run_consumer("${build}/${exe}")
    endif()
  endforeach()
  if(PLATFORM STREQUAL "ELF")
    needs_shared_library("${build}/consumer_static" static_needs)
    if(static_needs)
      message(FATAL_ERROR "consumer_static (spill_ring::static) needs the shared library")
    endif()
  endif()

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

elseif(STEP STREQUAL "pkg_config_static")
  find_program(PKG_CONFIG NAMES pkg-config pkgconf REQUIRED)
  set(ENV{PKG_CONFIG_PATH} "${libdir}/pkgconfig")
  # What rustc says now, against what the installed files carry.
  include("${CMAKE_CURRENT_LIST_DIR}/native_static_libs.cmake")
  spill_ring_native_static_libs("${RUSTC}" "${RUST_TARGET}" "${WORK_DIR}/native-probe" rustc_says)
  foreach(pc_field "spill_ring-static.pc|Libs" "spill_ring.pc|Libs.private")
    string(REPLACE "|" ";" pc_field "${pc_field}")
    list(GET pc_field 0 pc)
    list(GET pc_field 1 field)
    static_libs_of("${pc}" "${field}" listed)
    if(NOT listed STREQUAL rustc_says)
      message(FATAL_ERROR "${pc} ${field} lists '${listed}', rustc reports '${rustc_says}'")
    endif()
  endforeach()
  run("pkg-config --static --cflags --libs spill_ring-static"
    "${PKG_CONFIG}" --static --cflags --libs spill_ring-static)
  separate_arguments(flags UNIX_COMMAND "${run_output}")
  set(build "${WORK_DIR}/pkg_config_static")
  file(REMOVE_RECURSE "${build}")
  file(MAKE_DIRECTORY "${build}")
  run("compiling the consumer with pkg-config --static flags"
    "${C_COMPILER}" -std=c99 -Wall -Wextra -Werror -pedantic
    "${CONSUMER_SOURCE}/consumer.c" -o "${build}/consumer" ${flags})
  needs_shared_library("${build}/consumer" needs)
  if(needs)
    message(FATAL_ERROR "linked through spill_ring-static.pc, the consumer needs the shared library")
  endif()
  # Runs with the shared library out of reach.
  file(RENAME "${shared_dir}/${spill_shared_file}" "${shared_dir}/${spill_shared_file}.hidden")
  execute_process(COMMAND "${build}/consumer" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  file(RENAME "${shared_dir}/${spill_shared_file}.hidden" "${shared_dir}/${spill_shared_file}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "the statically linked consumer failed (${rc}):\n${out}\n${err}")
  endif()
  message(STATUS "statically linked consumer: ${out}")

elseif(STEP STREQUAL "lto")
  set(archive "${libdir}/${spill_static_file}")
  find_program(READELF readelf REQUIRED)
  execute_process(COMMAND "${READELF}" -S -W "${archive}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE sections ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 OR NOT err STREQUAL "")
    message(FATAL_ERROR "a member of ${archive} is not an ELF object (LLVM bitcode?):\n${err}")
  endif()
  if(sections MATCHES "[.]llvmbc|[.]llvmcmd")
    message(FATAL_ERROR "${archive} carries LLVM bitcode (.llvmbc/.llvmcmd sections)")
  endif()
  include("${CMAKE_CURRENT_LIST_DIR}/native_static_libs.cmake")
  static_libs_of(spill_ring-static.pc Libs native_libs)
  set(build "${WORK_DIR}/lto")
  file(REMOVE_RECURSE "${build}")
  file(MAKE_DIRECTORY "${build}")
  if(NOT CLANG)
    message(FATAL_ERROR "-DCLANG=<clang> is required (apt-get install clang)")
  endif()
  foreach(compiler "${C_COMPILER}" "${CLANG}")
    get_filename_component(name "${compiler}" NAME)
    run("${name} -flto with libspill_ring.a"
      "${compiler}" -flto -O2 -std=c99 -DSPILL_RING_STATIC "-I${PREFIX}/include"
      "${CONSUMER_SOURCE}/consumer.c" -o "${build}/consumer_${name}" "${archive}" ${native_libs})
    run_consumer("${build}/consumer_${name}")
  endforeach()

else()
  message(FATAL_ERROR "unknown STEP '${STEP}'")
endif()
