#include "identity/token.h"

#include <boost/crc.hpp>

#include "crypto/compare.h"
#include "crypto/hash.h"
#include "identity/internal/base62.h"

namespace sr::identity {
namespace {

constexpr std::size_t kPrefixChars = 4;  // "sr" + type letter + "_"
static_assert(kTokenLength == kPrefixChars + kTokenRandomChars + kTokenChecksumChars);

Status InvalidToken() { return Fail(ErrorCode::kUnauthenticated, "invalid token"); }

}  // namespace

std::string Base62Checksum(std::string_view text) {
  boost::crc_32_type crc;  // IEEE 802.3, reflected, as zlib's crc32()
  crc.process_bytes(text.data(), text.size());
  return internal::EncodeBase62(crc.checksum(), kTokenChecksumChars);
}

std::string NewToken(TokenType type) {
  std::string token = "sr";
  token.push_back(static_cast<char>(type));
  token.push_back('_');
  token += internal::RandomBase62(kTokenRandomChars);
  token += Base62Checksum(token);
  return token;
}

Status CheckToken(std::string_view token, TokenType type) {
  if (token.size() != kTokenLength) return InvalidToken();
  if (token[0] != 's' || token[1] != 'r' || token[2] != static_cast<char>(type) ||
      token[3] != '_') {
    return InvalidToken();
  }
  for (char c : token.substr(kPrefixChars)) {
    if (!internal::IsBase62(c)) return InvalidToken();
  }
  const std::size_t body = kPrefixChars + kTokenRandomChars;
  // Anyone can compute a CRC, so the checksum is no secret; comparing it in
  // constant time just keeps every comparison that touches a token uniform.
  if (!crypto::ConstantTimeEqual(Base62Checksum(token.substr(0, body)), token.substr(body))) {
    return InvalidToken();
  }
  return Ok();
}

std::array<std::uint8_t, 32> HashToken(std::string_view token) { return crypto::Sha256(token); }

std::string NewId(std::string_view prefix) {
  std::string id(prefix);
  id.push_back('_');
  id += internal::RandomBase62(kIdRandomChars);
  return id;
}

bool IsWellFormedId(std::string_view id, std::string_view prefix) {
  if (id.size() != prefix.size() + 1 + kIdRandomChars) return false;
  if (!id.starts_with(prefix) || id[prefix.size()] != '_') return false;
  for (char c : id.substr(prefix.size() + 1)) {
    if (!internal::IsBase62(c)) return false;
  }
  return true;
}

}  // namespace sr::identity
