# SPDX-License-Identifier: MIT
# Fails when a C file differs from what clang-format makes of it.
file(GLOB_RECURSE sources ${SRC}/include/*.h ${SRC}/lib/*.[ch] ${SRC}/cmd/*.[ch]
     ${SRC}/tests/unit/*.[ch] ${SRC}/tests/fuzz/*.[ch])
execute_process(COMMAND ${CLANG_FORMAT} --dry-run -Werror ${sources}
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "not clang-formatted:\n${err}")
endif()
