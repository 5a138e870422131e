// object_header_fuzz: an arbitrary byte string taken as a whole object blob.
// ParseHeader must accept only well-formed headers and fail with kDataLoss
// otherwise; for a header that parses, SegmentLayout::ForBlob, ObjectReader
// and RewrapHeader must agree with each other and fail cleanly.
//
// The keys tried are the data keys of the golden vectors
// (tests/vectors/object/README.md), whose blobs seed the corpus, so mutants
// of them reach the MAC, identity and segment checks. Every blob ever made
// under those keys holds the pattern plaintext (byte j is j mod 251), so
// anything else that decrypts would be a forgery.

#include <algorithm>
#include <array>
#include <vector>

#include "fuzz_util.h"
#include "object_format/io.h"
#include "object_format/layout.h"
#include "object_format/object_format.h"
#include "object_format/reader.h"

namespace sr::object_format {
namespace {

SecretBytes KeyOf(std::uint8_t first, std::uint8_t step) {
  std::array<std::uint8_t, kDataKeySize> key;
  for (std::size_t i = 0; i < key.size(); ++i) {
    key[i] = static_cast<std::uint8_t>(first + step * i);
  }
  return SecretBytes(std::span<const std::uint8_t>(key));
}

// The vectors' data keys: 00 01 .. 1f, and ff .. ff for s256-max-header.
const std::array<SecretBytes, 2>& VectorKeys() {
  static const std::array<SecretBytes, 2> keys = {KeyOf(0, 1), KeyOf(0xff, 0)};
  return keys;
}

bool IsPattern(const std::vector<std::uint8_t>& bytes, std::uint64_t first) {
  for (std::size_t j = 0; j < bytes.size(); ++j) {
    if (bytes[j] != (first + j) % 251) return false;
  }
  return true;
}

// Perturbed returns `id` changed in one field, chosen by `which`.
ObjectIdentity Perturbed(ObjectIdentity id, std::size_t which) {
  auto change = [](std::string& s) { s.back() = s.back() == 'x' ? 'y' : 'x'; };
  switch (which % 4) {
    case 0:
      change(id.workspace_id);
      break;
    case 1:
      change(id.object_id);
      break;
    case 2:
      id.version ^= 1;
      break;
    default:
      change(id.erasure_domain_id);
      break;
  }
  return id;
}

void CheckLayout(const ParsedHeader& header, std::uint64_t blob_size) {
  auto layout = SegmentLayout::ForBlob(header.size(), header.segment_size(), blob_size);
  if (!layout) {
    SR_FUZZ_CHECK(layout.error().code() == ErrorCode::kDataLoss);
    return;
  }
  SR_FUZZ_CHECK(layout->blob_size() == blob_size);
  SR_FUZZ_CHECK(layout->segment_count() >= 1);
  std::uint64_t total = header.size();
  for (std::uint64_t i = 0; i < layout->segment_count(); ++i) {
    SR_FUZZ_CHECK(layout->SegmentOffset(i) == total);
    SR_FUZZ_CHECK(layout->SegmentPlaintextSize(i) <= header.segment_size());
    SR_FUZZ_CHECK(i == 0 || layout->SegmentPlaintextSize(i) > 0);
    total += layout->SegmentCiphertextSize(i);
  }
  SR_FUZZ_CHECK(total == blob_size);
  const std::uint64_t size = layout->plaintext_size();
  if (size == 0) return;
  auto whole = layout->Plan(0, size - 1);
  SR_FUZZ_CHECK(whole && whole->blob_offset == header.size() &&
                whole->blob_length == blob_size - header.size() && whole->includes_final);
  SR_FUZZ_CHECK(!layout->Plan(size, size) && !layout->Plan(1, 0));
}

void CheckReader(const ParsedHeader& header, std::span<const std::uint8_t> blob) {
  std::size_t authenticated = 0;
  for (const SecretBytes& key : VectorKeys()) {
    auto mismatched =
        ObjectReader::Open(header, Perturbed(header.identity(), blob.size()), key, blob.size());
    SR_FUZZ_CHECK(!mismatched && mismatched.error().code() == ErrorCode::kDataLoss);

    const std::array<std::uint8_t, 3> new_wrapped = {1, 2, 3};
    auto rewrapped = RewrapHeader(header, key, new_wrapped);
    if (rewrapped) {
      ++authenticated;
      auto parsed = ParseHeader(*rewrapped);
      SR_FUZZ_CHECK(parsed && parsed->identity() == header.identity() &&
                    std::ranges::equal(parsed->core(), header.core()) &&
                    std::ranges::equal(parsed->wrapped_data_key(), new_wrapped));
    } else {
      SR_FUZZ_CHECK(rewrapped.error().code() == ErrorCode::kDataLoss);
    }

    auto reader = ObjectReader::Open(header, header.identity(), key, blob.size());
    if (!reader) {
      SR_FUZZ_CHECK(reader.error().code() == ErrorCode::kDataLoss);
      continue;
    }
    SR_FUZZ_CHECK(rewrapped);  // Open verified the same MAC
    SpanSource source(blob);
    VectorSink all;
    if (Status st = reader->ReadAll(source, all); !st) {
      SR_FUZZ_CHECK(st.error().code() == ErrorCode::kDataLoss);
      continue;
    }
    SR_FUZZ_CHECK(reader->length_verified());
    SR_FUZZ_CHECK(all.bytes.size() == reader->plaintext_size() && IsPattern(all.bytes, 0));
    const std::uint64_t size = reader->plaintext_size();
    if (size == 0) continue;
    const std::uint64_t first = blob.size() % size;
    const std::uint64_t last = first + (size - first) / 2;
    VectorSink part;
    SR_FUZZ_CHECK(reader->ReadRange(source, first, last, part));
    SR_FUZZ_CHECK(part.bytes.size() == last - first + 1 && IsPattern(part.bytes, first));
  }
  SR_FUZZ_CHECK(authenticated <= 1);  // no header verifies under two keys
}

void FuzzBlob(std::span<const std::uint8_t> blob) {
  auto header = ParseHeader(blob.first(std::min(blob.size(), kMaxHeaderSize)));
  if (!header) {
    SR_FUZZ_CHECK(header.error().code() == ErrorCode::kDataLoss);
    return;
  }
  SR_FUZZ_CHECK(header->size() <= std::min(blob.size(), kMaxHeaderSize));
  SR_FUZZ_CHECK(std::ranges::equal(header->bytes(), blob.first(header->size())));
  SR_FUZZ_CHECK(ValidateIdentity(header->identity()));
  SR_FUZZ_CHECK(IsValidSegmentSize(header->segment_size()));
  SR_FUZZ_CHECK(!header->wrapped_data_key().empty() &&
                header->wrapped_data_key().size() <= kMaxWrappedKeySize);
  SR_FUZZ_CHECK(header->core().size() + 2 + header->wrapped_data_key().size() + kHeaderMacSize ==
                header->size());
  auto again = ParseHeader(header->bytes());
  SR_FUZZ_CHECK(again && again->identity() == header->identity() &&
                again->size() == header->size());

  CheckLayout(*header, blob.size());
  CheckReader(*header, blob);
}

}  // namespace
}  // namespace sr::object_format

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sr::object_format::FuzzBlob(sr::fuzz::AsBytes(data, size));
  return 0;
}
