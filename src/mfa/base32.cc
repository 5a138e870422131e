#include "mfa/base32.h"

namespace sr::mfa {
namespace {

// EncodeDigit maps 0..31 to 'A'..'Z', '2'..'7' without branching on the
// value: for v >= 26 the mask is all ones and adds the distance between
// the two ranges.
char EncodeDigit(unsigned v) {
  unsigned ge26 = 0u - ((25u - v) >> 31);  // all ones iff v > 25
  return static_cast<char>('A' + v + (ge26 & static_cast<unsigned>('2' - 'A' - 26)));
}

// DecodeDigit returns the value of a base32 character (either case), or -1.
// Decoding needs no such care: it parses what a user typed or stored.
int DecodeDigit(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= '2' && c <= '7') return c - '2' + 26;
  return -1;
}

// kPadForRemainder[r] is the '=' count after a last group of r characters;
// -1 marks lengths that no byte string encodes to.
constexpr int kPadForRemainder[8] = {0, -1, 6, -1, 4, 3, -1, 1};

}  // namespace

std::string Base32Encode(std::span<const std::uint8_t> bytes, bool pad) {
  std::string out;
  out.reserve((bytes.size() + 4) / 5 * 8);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::uint8_t b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push_back(EncodeDigit((buffer >> bits) & 31u));
    }
    buffer &= (1u << bits) - 1;  // keep only the bits not yet written
  }
  if (bits > 0) out.push_back(EncodeDigit((buffer << (5 - bits)) & 31u));
  if (pad) {
    while (out.size() % 8 != 0) out.push_back('=');
  }
  return out;
}

Result<std::vector<std::uint8_t>> Base32Decode(std::string_view text) {
  auto invalid = [] { return Fail(ErrorCode::kInvalidArgument, "invalid base32"); };
  std::size_t last_digit = text.find_last_not_of('=');
  std::string_view digits =
      last_digit == std::string_view::npos ? std::string_view() : text.substr(0, last_digit + 1);
  std::size_t padding = text.size() - digits.size();
  int expected_pad = kPadForRemainder[digits.size() % 8];
  if (expected_pad < 0) return invalid();
  if (padding != 0 && (static_cast<int>(padding) != expected_pad || text.size() % 8 != 0)) {
    return invalid();
  }
  std::vector<std::uint8_t> out;
  out.reserve(digits.size() * 5 / 8);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : digits) {
    int v = DecodeDigit(c);
    if (v < 0) return invalid();
    buffer = (buffer << 5) | static_cast<std::uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(buffer >> bits));
      buffer &= (1u << bits) - 1;
    }
  }
  if (buffer != 0) return invalid();  // non-zero unused bits: not canonical
  return out;
}

}  // namespace sr::mfa
