#include <algorithm>
#include <bit>

#include "object_format/internal/object_keys.h"
#include "object_format/object_format.h"

namespace sr::object_format {
namespace {

// Cursor reads big-endian fields from the front of a byte span. Every read
// fails (returns false) once the span is exhausted, and stays failed.
class Cursor {
 public:
  explicit Cursor(std::span<const std::uint8_t> in) : in_(in) {}

  bool Take(std::size_t n, std::span<const std::uint8_t>& out) {
    if (!ok_ || in_.size() - pos_ < n) return ok_ = false;
    out = in_.subspan(pos_, n);
    pos_ += n;
    return true;
  }
  template <typename T>
  bool Int(T& out) {
    std::span<const std::uint8_t> b;
    if (!Take(sizeof(T), b)) return false;
    T v = 0;
    for (std::uint8_t byte : b) v = static_cast<T>((v << 8) | byte);
    out = v;
    return true;
  }
  std::size_t pos() const { return pos_; }

 private:
  std::span<const std::uint8_t> in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

std::unexpected<Error> Corrupt(const char* what) { return Fail(ErrorCode::kDataLoss, what); }

// ReadId reads one length-prefixed id into `out`.
Status ReadId(Cursor& c, std::string& out) {
  std::uint8_t len = 0;
  std::span<const std::uint8_t> bytes;
  if (!c.Int(len) || !c.Take(len, bytes)) return Corrupt("object header truncated");
  out.assign(bytes.begin(), bytes.end());
  if (!IsValidObjectId(out)) return Corrupt("invalid id in object header");
  return Ok();
}

}  // namespace

bool IsValidObjectId(std::string_view id) {
  return !id.empty() && id.size() <= kMaxIdSize &&
         std::all_of(id.begin(), id.end(), [](char ch) { return ch >= 0x21 && ch <= 0x7e; });
}

Status ValidateIdentity(const ObjectIdentity& identity) {
  if (!IsValidObjectId(identity.workspace_id))
    return Fail(ErrorCode::kInvalidArgument, "workspace id must be 1-64 visible ASCII characters");
  if (!IsValidObjectId(identity.object_id))
    return Fail(ErrorCode::kInvalidArgument, "object id must be 1-64 visible ASCII characters");
  if (!IsValidObjectId(identity.erasure_domain_id))
    return Fail(ErrorCode::kInvalidArgument,
                "erasure-domain id must be 1-64 visible ASCII characters");
  return Ok();
}

bool IsValidSegmentSize(std::uint64_t size) {
  return std::has_single_bit(size) && size >= kMinSegmentSize && size <= kMaxSegmentSize;
}

std::span<const std::uint8_t> ParsedHeader::wrapped_data_key() const {
  return std::span(bytes_).subspan(core_size_ + 2, wrapped_size_);
}

Result<ParsedHeader> ParseHeader(std::span<const std::uint8_t> prefix) {
  constexpr char kTruncated[] = "object header truncated";
  Cursor c(prefix);
  std::span<const std::uint8_t> magic;
  if (!c.Take(kMagic.size(), magic)) return Corrupt(kTruncated);
  if (!std::equal(magic.begin(), magic.end(), kMagic.begin())) {
    return Corrupt("not a strongroom object");
  }
  std::uint16_t version = 0, suite = 0;
  std::uint32_t segment_size = 0;
  if (!c.Int(version) || !c.Int(suite) || !c.Int(segment_size)) return Corrupt(kTruncated);
  if (version != kFormatVersion) return Corrupt("unsupported object format version");
  if (suite != kSuiteAes256GcmHkdfSha256) return Corrupt("unsupported object suite");
  if (!IsValidSegmentSize(segment_size)) return Corrupt("invalid object segment size");

  ParsedHeader h;
  h.segment_size_ = segment_size;
  SR_TRY(ReadId(c, h.identity_.workspace_id));
  SR_TRY(ReadId(c, h.identity_.object_id));
  if (!c.Int(h.identity_.version)) return Corrupt(kTruncated);
  SR_TRY(ReadId(c, h.identity_.erasure_domain_id));
  std::span<const std::uint8_t> salt, wrapped, mac;
  if (!c.Take(kSaltSize, salt)) return Corrupt(kTruncated);
  h.core_size_ = c.pos();
  std::uint16_t wrapped_size = 0;
  if (!c.Int(wrapped_size)) return Corrupt(kTruncated);
  if (wrapped_size == 0 || wrapped_size > kMaxWrappedKeySize) {
    return Corrupt("invalid wrapped key length in object header");
  }
  if (!c.Take(wrapped_size, wrapped) || !c.Take(kHeaderMacSize, mac)) return Corrupt(kTruncated);
  h.wrapped_size_ = wrapped_size;
  h.bytes_.assign(prefix.begin(), prefix.begin() + static_cast<std::ptrdiff_t>(c.pos()));
  return h;
}

Result<std::vector<std::uint8_t>> RewrapHeader(const ParsedHeader& header,
                                               const SecretBytes& data_key,
                                               std::span<const std::uint8_t> new_wrapped_key) {
  if (new_wrapped_key.empty() || new_wrapped_key.size() > kMaxWrappedKeySize) {
    return Fail(ErrorCode::kInvalidArgument, "wrapped data key must be 1-1024 bytes");
  }
  SR_ASSIGN_OR_RETURN(internal::ObjectKeys keys,
                      internal::DeriveObjectKeys(data_key, header.core()));
  if (!internal::HeaderMacMatches(header.bytes(), keys.mac_key)) {
    return Fail(ErrorCode::kDataLoss, "object header authentication failed");
  }
  return internal::FinishHeader(header.core(), new_wrapped_key, keys.mac_key);
}

}  // namespace sr::object_format
