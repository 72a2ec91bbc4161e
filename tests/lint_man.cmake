# SPDX-License-Identifier: MIT
# Fails when mandoc reports any warning on any man page.
file(GLOB pages ${MAN_DIR}/*.[1-9])
if(NOT pages)
  message(FATAL_ERROR "no man pages in ${MAN_DIR}")
endif()
execute_process(COMMAND ${MANDOC} -T lint -W warning ${pages}
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR out OR err)
  message(FATAL_ERROR "mandoc lint:\n${out}${err}")
endif()
list(LENGTH pages n)
message(STATUS "${n} man pages lint clean")
