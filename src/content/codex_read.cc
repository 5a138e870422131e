// Codex reads: open an object version's blob, authenticate its header
// against the identity the database expects, and stream verified ranges.

#include <algorithm>
#include <cstring>
#include <vector>

#include "content/codex.h"

namespace sr::content {
namespace {

using object_format::ObjectReader;

// BlobSource adapts a blob reader to the object format's source interface.
class BlobSource final : public object_format::RandomAccessSource {
 public:
  explicit BlobSource(const blob::BlobReader& blob) : blob_(blob) {}
  Status ReadAt(std::uint64_t offset, std::span<std::uint8_t> out) override {
    return blob_.ReadAt(offset, out);
  }

 private:
  const blob::BlobReader& blob_;
};

class SourceImpl;

// RangeStream walks the segments of one range. A segment that falls whole
// into the caller's buffer is read and opened there, in place; partial
// segments (the range's ends) go through a scratch segment buffer.
class RangeStream final : public ObjectStream {
 public:
  RangeStream(ObjectReader& reader, BlobSource& source, object_format::SegmentRange plan)
      : reader_(reader), source_(source), plan_(plan), next_segment_(plan.first_segment),
        remaining_(plan.length) {}

  Result<std::size_t> Next(std::span<std::uint8_t> out) override {
    const auto& layout = reader_.layout();
    std::size_t filled = 0;
    while (filled < out.size() && remaining_ > 0) {
      if (!pending_.empty()) {
        const std::size_t n = std::min(pending_.size(), out.size() - filled);
        std::memcpy(out.data() + filled, pending_.data(), n);
        pending_ = pending_.subspan(n);
        filled += n;
        remaining_ -= n;
        continue;
      }
      const std::uint64_t index = next_segment_++;
      const std::size_t plain = layout.SegmentPlaintextSize(index);
      const std::size_t cipher = layout.SegmentCiphertextSize(index);
      const std::uint64_t skip = index == plan_.first_segment ? plan_.skip : 0;
      const std::size_t take =
          static_cast<std::size_t>(std::min<std::uint64_t>(plain - skip, remaining_));
      const std::span<std::uint8_t> room = out.subspan(filled);
      if (skip == 0 && take == plain && room.size() >= cipher) {
        SR_TRY(source_.ReadAt(layout.SegmentOffset(index), room.first(cipher)));
        SR_TRY(reader_.OpenSegment(index, room.first(cipher), room));
        filled += plain;
        remaining_ -= plain;
        continue;
      }
      if (scratch_.size() < layout.segment_size() + object_format::kSegmentTagSize) {
        scratch_.resize(layout.segment_size() + object_format::kSegmentTagSize);
      }
      const std::span<std::uint8_t> segment(scratch_.data(), cipher);
      SR_TRY(source_.ReadAt(layout.SegmentOffset(index), segment));
      SR_TRY(reader_.OpenSegment(index, segment, scratch_));
      pending_ = std::span<const std::uint8_t>(scratch_).subspan(skip, take);
    }
    return filled;
  }

 private:
  ObjectReader& reader_;
  BlobSource& source_;
  object_format::SegmentRange plan_;
  std::uint64_t next_segment_;
  std::uint64_t remaining_;
  std::vector<std::uint8_t> scratch_;
  std::span<const std::uint8_t> pending_;
};

// SourceImpl owns an open blob and its authenticated reader. Streams it
// hands out borrow both, one at a time.
class SourceImpl final : public ObjectSource {
 public:
  SourceImpl(std::unique_ptr<blob::BlobReader> blob, ObjectReader reader)
      : blob_(std::move(blob)), source_(*blob_), reader_(std::move(reader)) {}

  Result<std::unique_ptr<ObjectStream>> Stream(std::uint64_t first, std::uint64_t last) override {
    SR_TRY(reader_.VerifyLength(source_));
    SR_ASSIGN_OR_RETURN(object_format::SegmentRange plan, reader_.Plan(first, last));
    blob_->HintSequential();
    return std::unique_ptr<ObjectStream>(new RangeStream(reader_, source_, plan));
  }

  ObjectReader& reader() { return reader_; }
  BlobSource& source() { return source_; }

 private:
  std::unique_ptr<blob::BlobReader> blob_;
  BlobSource source_;
  ObjectReader reader_;
};

}  // namespace

Result<OpenedObject> Codex::Open(const Workspace& workspace, const ObjectPath& path,
                                 std::optional<std::uint64_t> version) {
  SR_ASSIGN_OR_RETURN(NodeNameCipher names, NamesFor(workspace));
  SR_ASSIGN_OR_RETURN(Node node, Resolve(workspace, names, path.segments));
  if (node.kind != NodeKind::kFile || !node.current_version) {
    return Fail(ErrorCode::kNotFound, "no object exists at this path");
  }
  SR_ASSIGN_OR_RETURN(ObjectVersion row, repo_.FindVersion(node.id, version.value_or(*node.current_version)));
  SR_ASSIGN_OR_RETURN(std::unique_ptr<blob::BlobReader> blob,
                      blobs_.Open(workspace.id, row.blob_name));
  std::vector<std::uint8_t> prefix(static_cast<std::size_t>(
      std::min<std::uint64_t>(blob->size(), object_format::kMaxHeaderSize)));
  SR_TRY(blob->ReadAt(0, prefix));
  SR_ASSIGN_OR_RETURN(object_format::ParsedHeader header, object_format::ParseHeader(prefix));
  // The identity comes from the database row, never from the blob: a blob
  // copied here from another object, version or workspace fails to unwrap
  // or to authenticate.
  const object_format::ObjectIdentity expected{workspace.id, node.id, row.version,
                                               row.erasure_domain_id};
  SR_ASSIGN_OR_RETURN(SecretBytes data_key,
                      keys_.UnwrapDataKey({workspace.id, node.id, row.version, row.erasure_domain_id},
                                          header.wrapped_data_key()));
  SR_ASSIGN_OR_RETURN(ObjectReader reader,
                      ObjectReader::Open(header, expected, data_key, blob->size()));
  if (reader.plaintext_size() != row.size) {
    return Fail(ErrorCode::kDataLoss, "object blob size does not match its record");
  }
  auto source = std::make_shared<SourceImpl>(std::move(blob), std::move(reader));
  SR_ASSIGN_OR_RETURN(ObjectInfo info, Info(node, row, path.text()));
  return OpenedObject{std::move(info), std::move(source)};
}

}  // namespace sr::content
