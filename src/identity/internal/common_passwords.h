#pragma once
// The common-password list: John the Ripper's password.lst from Debian's
// john-data (3,400-odd words), lower-cased, de-duplicated and sorted at build
// time by gen_common_passwords.cmake and compiled into the binary.

#include <span>
#include <string_view>

namespace sr::identity::internal {

// CommonPasswords returns the whole list, sorted bytewise, without duplicates.
std::span<const std::string_view> CommonPasswords();

// IsCommonPassword returns whether `lowered` (a password already lower-cased
// in ASCII) is exactly one of CommonPasswords(), by binary search.
// Thread-safe.
bool IsCommonPassword(std::string_view lowered);

}  // namespace sr::identity::internal
