# SPDX-License-Identifier: MIT
# Turns a file into a C source holding its bytes, so data files (the default
# policy, translations, schemas) are compiled into the library without being
# copied into C string literals by hand.
# Usage: cmake -DINPUT=f -DOUTPUT=f.c -DSYMBOL=name -P embed.cmake
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hexlen)
math(EXPR size "${hexlen} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" bytes "${bytes}")
file(WRITE "${OUTPUT}"
"/* Generated from ${INPUT} by cmake/embed.cmake; do not edit. */\n#include <stddef.h>\n"
"const unsigned char ${SYMBOL}[] = {\n${bytes}0x00};\n"
"const size_t ${SYMBOL}_size = ${size};\n")
