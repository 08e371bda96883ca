# Fails unless every function declared in spill_ring.h is referenced by at
# least one object file of the C test suite, i.e. the C suite exercises the
# whole C interface.
#
# cmake -DHEADER=<spill_ring.h> -DNM=<nm> -DOBJECTS=<file.o>|<file.o>|...
#       -P check_exports_used.cmake

cmake_minimum_required(VERSION 3.19)

foreach(required HEADER NM OBJECTS)
  if(NOT DEFINED ${required} OR "${${required}}" STREQUAL "")
    message(FATAL_ERROR "check_exports_used.cmake: -D${required}=... is required")
  endif()
endforeach()

# Functions declared in the header: an identifier spill_* followed by "(" at
# the start of a declaration (after its return type), outside comments.
file(READ "${HEADER}" header)
string(REGEX REPLACE "/\\*([^*]|\\*+[^*/])*\\*+/" "" header "${header}")
string(REGEX REPLACE "//[^\n]*" "" header "${header}")
string(REGEX MATCHALL "[A-Za-z_0-9*] *\\*? *spill_[a-z0-9_]+ *\\(" decls "${header}")
set(declared)
foreach(decl IN LISTS decls)
  string(REGEX MATCH "spill_[a-z0-9_]+" name "${decl}")
  list(APPEND declared "${name}")
endforeach()
list(REMOVE_DUPLICATES declared)
list(LENGTH declared declared_count)
if(declared_count EQUAL 0)
  message(FATAL_ERROR "no functions found in ${HEADER}")
endif()

# Symbols the objects reference: undefined (U) entries, since the library
# defines them all.
string(REPLACE "|" ";" objects "${OBJECTS}")
set(referenced)
foreach(object IN LISTS objects)
  execute_process(COMMAND "${NM}" "${object}"
    OUTPUT_VARIABLE symbols RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${NM} ${object} failed: ${err}")
  endif()
  string(REGEX MATCHALL "[ \t]U[ \t]+(__imp_)?spill_[a-z0-9_]+" found "${symbols}")
  foreach(entry IN LISTS found)
    string(REGEX MATCH "spill_[a-z0-9_]+" name "${entry}")
    list(APPEND referenced "${name}")
  endforeach()
endforeach()
list(REMOVE_DUPLICATES referenced)

set(unused)
foreach(name IN LISTS declared)
  if(NOT name IN_LIST referenced)
    list(APPEND unused "${name}")
  endif()
endforeach()
if(unused)
  list(LENGTH unused unused_count)
  string(REPLACE ";" "\n  " unused_lines "${unused}")
  message(FATAL_ERROR
    "${unused_count} of ${declared_count} functions declared in spill_ring.h are not "
    "exercised by any C test:\n  ${unused_lines}")
endif()
message(STATUS "all ${declared_count} functions declared in spill_ring.h are exercised by the C tests")
