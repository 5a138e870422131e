# Generates the common-password table compiled into sr_identity.
#   cmake -DINPUT=/usr/share/john/password.lst -DOUTPUT=<file.inc> -P gen_common_passwords.cmake
# Reads John the Ripper's password.lst (Debian john-data), drops its
# "#!comment:" lines and empty lines, lower-cases (ASCII), removes duplicates
# and sorts by byte value, then writes one C++ string literal per line, for
# #include inside an array initialiser (see common_passwords.cc).
cmake_minimum_required(VERSION 3.25)

if(NOT INPUT OR NOT OUTPUT)
  message(FATAL_ERROR "usage: cmake -DINPUT=<password.lst> -DOUTPUT=<file> -P ${CMAKE_CURRENT_LIST_FILE}")
endif()

# file(STRINGS) escapes ';' in a line as "\;", which foreach(IN LISTS) undoes;
# list(FILTER/SORT) would not, so each word is kept under a variable named by
# its hex encoding and only the hex names are sorted. Lower-case hex digits
# sort in byte order and every byte is two digits, so sorting the hex sorts
# the words bytewise, as std::string_view's operator< compares.
file(STRINGS "${INPUT}" lines ENCODING UTF-8)
set(keys "")
foreach(line IN LISTS lines)
  if(line MATCHES "^#!comment:" OR line STREQUAL "")
    continue()
  endif()
  if(NOT line MATCHES "^[ -~]+$")
    message(FATAL_ERROR "${INPUT}: only printable ASCII is expected, found: ${line}")
  endif()
  string(TOLOWER "${line}" word)
  string(HEX "${word}" key)
  if(NOT DEFINED "word_${key}")
    set("word_${key}" "${word}")
    list(APPEND keys "${key}")
  endif()
endforeach()
list(SORT keys COMPARE STRING)
list(LENGTH keys count)
if(count LESS 1000)
  message(FATAL_ERROR "${INPUT}: expected thousands of passwords, found ${count}")
endif()

set(out "// Generated from ${INPUT} by gen_common_passwords.cmake. Do not edit.\n")
string(APPEND out "// ${count} words, lower-cased, de-duplicated, sorted bytewise.\n")
foreach(key IN LISTS keys)
  set(word "${word_${key}}")
  string(REPLACE "\\" "\\\\" word "${word}")
  string(REPLACE "\"" "\\\"" word "${word}")
  string(APPEND out "\"${word}\",\n")
endforeach()
file(WRITE "${OUTPUT}.tmp" "${out}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
