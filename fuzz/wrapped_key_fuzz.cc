// wrapped_key_fuzz: arbitrary bytes as a wrapped key, unwrapped with a fixed
// KWK and data-key context. The only wrap ever made under that KWK is the
// corpus seed real-wrap (kSeedWrap, written by fuzz/make_corpus.py from
// docs/formats/keys.md), so every other input must fail with kDataLoss and
// release nothing; the seed itself must unwrap, and only under its context.

#include <algorithm>
#include <array>

#include "fuzz_util.h"
#include "keys/wrapped_key.h"

namespace sr::keys {
namespace {

// kSeedWrap is fuzz/corpus/wrapped_key_fuzz/real-wrap: key 40 41 .. 5f
// wrapped under KWK 20 21 .. 3f, KWK version 3.
constexpr std::array<std::uint8_t, kWrappedKeySize> kSeedWrap = {
    0x01, 0x00, 0x00, 0x00, 0x03, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88,
    0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f, 0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96,
    0x97, 0x98, 0x99, 0x9a, 0x9b, 0xc3, 0xa7, 0xe4, 0x86, 0x11, 0xc2, 0xf7, 0xe3, 0x54,
    0x9b, 0x23, 0x53, 0xf8, 0x60, 0x4e, 0x00, 0x92, 0xf0, 0x63, 0xdb, 0xb3, 0xb9, 0xd7,
    0x97, 0x43, 0x8c, 0x31, 0x1e, 0x0a, 0x15, 0x58, 0x17, 0xa9, 0x99, 0x76, 0x03, 0xf2,
    0x8c, 0x27, 0xee, 0x18, 0x5c, 0xce, 0x1d, 0xeb, 0x8c, 0x0b, 0x79};

std::array<std::uint8_t, kKeySize> Sequence(std::uint8_t first) {
  std::array<std::uint8_t, kKeySize> out;
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>(first + i);
  return out;
}

const SecretBytes& Kwk() {
  static const SecretBytes kwk{std::span<const std::uint8_t>(Sequence(0x20))};
  return kwk;
}

void FuzzWrapped(std::span<const std::uint8_t> wrapped) {
  static const KeyContext context = DataKeyContext("wsp_fuzz", "obj_fuzz", 7, "edk_fuzz");
  static const KeyContext other_context = KekContext("wsp_fuzz", 3);

  Result<std::uint32_t> version = WrappedKeyVersion(wrapped);
  SR_FUZZ_CHECK(version.has_value() ==
                (wrapped.size() == kWrappedKeySize && wrapped[0] == kWrappedKeyFormat));
  if (version) {
    SR_FUZZ_CHECK(*version == (std::uint32_t{wrapped[1]} << 24 | std::uint32_t{wrapped[2]} << 16 |
                               std::uint32_t{wrapped[3]} << 8 | wrapped[4]));
  } else {
    SR_FUZZ_CHECK(version.error().code() == ErrorCode::kDataLoss);
  }

  const bool is_seed = std::ranges::equal(wrapped, kSeedWrap);
  Result<SecretBytes> key = UnwrapKey(Kwk(), context.bytes(), wrapped);
  SR_FUZZ_CHECK(key.has_value() == is_seed);
  if (key) {
    SR_FUZZ_CHECK(std::ranges::equal(key->Reveal(), Sequence(0x40)));
  } else {
    SR_FUZZ_CHECK(key.error().code() == ErrorCode::kDataLoss &&
                  key.error().message() == "key unwrap failed");
  }
  Result<SecretBytes> elsewhere = UnwrapKey(Kwk(), other_context.bytes(), wrapped);
  SR_FUZZ_CHECK(!elsewhere && elsewhere.error().code() == ErrorCode::kDataLoss);
}

}  // namespace
}  // namespace sr::keys

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sr::keys::FuzzWrapped(sr::fuzz::AsBytes(data, size));
  return 0;
}
