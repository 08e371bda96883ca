# run() and require_defined(), shared by the `cmake -P` test scripts (install_test.cmake,
# subproject_test.cmake).

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

# require_defined(<variable>...): fails unless each was given with -D.
function(require_defined)
  get_filename_component(script "${CMAKE_SCRIPT_MODE_FILE}" NAME)
  foreach(required IN LISTS ARGN)
    if(NOT DEFINED ${required})
      message(FATAL_ERROR "${script}: -D${required}=... is required")
    endif()
  endforeach()
endfunction()
