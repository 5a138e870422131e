#include "crypto/subkeys.h"

#include <cstdio>
#include <cstdlib>

#include "crypto/kdf.h"

namespace sr::crypto {
namespace {

std::span<const std::uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace

Result<KeyDeriver> KeyDeriver::Create(SecretBytes root) {
  if (root.size() != kRootKeySize)
    return Fail(ErrorCode::kInvalidArgument, "root key must be 32 bytes");
  return KeyDeriver(std::move(root));
}

SecretBytes KeyDeriver::Derive(std::string_view purpose_label, std::size_t length) const {
  auto subkey = purpose_label.empty()
                    ? Result<SecretBytes>(Fail(ErrorCode::kInvalidArgument, "empty purpose label"))
                    : HkdfSha256(root_.Reveal(), Bytes(kSubkeySalt), Bytes(purpose_label), length);
  if (!subkey) {
    std::fprintf(stderr, "strongroom: fatal: subkey derivation failed: %s\n",
                 subkey.error().ToString().c_str());
    std::abort();
  }
  return *std::move(subkey);
}

}  // namespace sr::crypto
