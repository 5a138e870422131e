// token_fuzz: arbitrary text checked as a bearer token of every type, and as
// a public id. A token passes for at most one type, only in the documented
// shape and only with a correct checksum; every refusal is the same
// kUnauthenticated "invalid token", so the answer reveals nothing about why.

#include <array>

#include "fuzz_util.h"
#include "identity/token.h"

namespace sr::identity {
namespace {

constexpr std::array<TokenType, 5> kTypes = {TokenType::kSession, TokenType::kPasswordReset,
                                             TokenType::kEmailVerification, TokenType::kInvite,
                                             TokenType::kApiKey};

bool IsBase62(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

void FuzzText(std::string_view text) {
  int accepted = 0;
  for (TokenType type : kTypes) {
    Status status = CheckToken(text, type);
    if (!status) {
      SR_FUZZ_CHECK(status.error().code() == ErrorCode::kUnauthenticated &&
                    status.error().message() == "invalid token");
      continue;
    }
    ++accepted;
    SR_FUZZ_CHECK(text.size() == kTokenLength);
    SR_FUZZ_CHECK(text.substr(0, 2) == "sr" && text[2] == static_cast<char>(type) &&
                  text[3] == '_');
    for (char c : text.substr(4)) SR_FUZZ_CHECK(IsBase62(c));
    const std::size_t body = kTokenLength - kTokenChecksumChars;
    SR_FUZZ_CHECK(Base62Checksum(text.substr(0, body)) == text.substr(body));
  }
  SR_FUZZ_CHECK(accepted <= 1);
  SR_FUZZ_CHECK(HashToken(text) == HashToken(text));

  for (std::string_view prefix : {"acc", "ses", "ws"}) {
    if (!IsWellFormedId(text, prefix)) continue;
    SR_FUZZ_CHECK(text.size() == prefix.size() + 1 + kIdRandomChars);
    SR_FUZZ_CHECK(text.starts_with(prefix) && text[prefix.size()] == '_');
  }
}

}  // namespace
}  // namespace sr::identity

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sr::identity::FuzzText(sr::fuzz::AsText(data, size));
  return 0;
}
