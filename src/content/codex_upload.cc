// Codex uploads: a new object version streams through ObjectWriter into a
// blob writer, in constant memory; only Commit makes it visible.

#include <algorithm>
#include <vector>

#include "common/log.h"
#include "content/codex.h"

namespace sr::content {
namespace {

std::string BlobName(std::string_view node_id, std::uint64_t version) {
  return std::string(node_id) + "-v" + std::to_string(version);
}

std::unexpected<Error> QuotaExceeded() {
  return std::unexpected(
      Error(ErrorCode::kResourceExhausted, "the workspace's storage quota is exhausted")
          .WithProblemType("quota-exceeded"));
}

std::unexpected<Error> TooLarge() {
  return std::unexpected(Error(ErrorCode::kResourceExhausted, "the object is too large")
                             .WithProblemType("payload-too-large"));
}

}  // namespace

// UploadImpl is the only Upload. It is its ObjectWriter's sink: sealed
// segments go straight to the blob writer.
class UploadImpl final : public Upload, private object_format::ByteSink {
 public:
  UploadImpl(Codex& codex, Workspace workspace, Node node, ObjectVersion row,
             CommitCondition condition, std::optional<std::uint64_t> declared_size,
             std::unique_ptr<blob::BlobWriter> blob, object_format::ObjectWriter writer,
             std::string path)
      : codex_(codex),
        workspace_(std::move(workspace)),
        node_(std::move(node)),
        row_(std::move(row)),
        condition_(condition),
        declared_size_(declared_size),
        blob_(std::move(blob)),
        writer_(std::move(writer)),
        path_(std::move(path)) {}

  ~UploadImpl() override {
    // A first upload that failed leaves no invisible file behind (the blob
    // writer discards its temporary by itself).
    if (!committed_ && !node_.current_version) {
      (void)codex_.repo_.DeleteUnusedFile(workspace_.id, node_.id, row_.version);
    }
  }

  Status Write(std::span<const std::uint8_t> plaintext) override {
    const std::uint64_t limit = declared_size_.value_or(codex_.options_.max_object_bytes);
    if (writer_.plaintext_size() + plaintext.size() > limit) {
      if (declared_size_) return Fail(ErrorCode::kInvalidArgument, "the body exceeds its declared length");
      return TooLarge();
    }
    // The authoritative quota check is in the commit transaction; this one
    // stops an oversized upload early instead of after it has been stored.
    if (workspace_.used_bytes + static_cast<std::int64_t>(writer_.blob_size() + plaintext.size()) >
        codex_.options_.workspace_quota_bytes) {
      return QuotaExceeded();
    }
    return writer_.Write(plaintext, *this);
  }

  Result<ObjectInfo> Commit(const std::optional<Sha256>& expected_sha256) override {
    SR_TRY(writer_.Finish(*this));
    if (declared_size_ && writer_.plaintext_size() != *declared_size_) {
      return Fail(ErrorCode::kInvalidArgument, "the body is shorter than its declared length");
    }
    if (expected_sha256 && *expected_sha256 != writer_.plaintext_sha256()) {
      return std::unexpected(
          Error(ErrorCode::kInvalidArgument, "the body does not match its Content-SHA256")
              .WithProblemType("digest-mismatch"));
    }
    SR_TRY(blob_->Commit());
    row_.size = writer_.plaintext_size();
    row_.stored_size = writer_.blob_size();
    row_.sha256 = writer_.plaintext_sha256();
    row_.created_at = codex_.NowSeconds();
    auto outcome = codex_.repo_.CommitVersion(row_, condition_, codex_.options_.workspace_quota_bytes,
                                              codex_.options_.keep_older_versions);
    if (!outcome) {
      // Not recorded, so not reachable: remove the blob (a crash here leaves
      // an orphan blob, never a dangling row).
      (void)codex_.blobs_.Remove(workspace_.id, row_.blob_name);
      return std::unexpected(outcome.error());
    }
    committed_ = true;
    for (const std::string& pruned : outcome->pruned_blobs) {
      Status removed = codex_.blobs_.Remove(workspace_.id, pruned);
      if (!removed) {
        log::Warn("pruned object version blob not removed",
                  {{"workspace_id", workspace_.id}, {"error", removed.error().ToString()}});
      }
    }
    const bool created = !node_.current_version;
    node_.current_version = outcome->became_current ? row_.version : node_.current_version;
    SR_ASSIGN_OR_RETURN(ObjectInfo info, codex_.Info(node_, row_, path_));
    info.created = created;
    return info;
  }

 private:
  Status Append(std::span<const std::uint8_t> bytes) override { return blob_->Append(bytes); }

  Codex& codex_;
  Workspace workspace_;
  Node node_;
  ObjectVersion row_;
  CommitCondition condition_;
  std::optional<std::uint64_t> declared_size_;
  std::unique_ptr<blob::BlobWriter> blob_;
  object_format::ObjectWriter writer_;
  std::string path_;
  bool committed_ = false;
};

Result<std::unique_ptr<Upload>> Codex::BeginUpload(const Workspace& workspace,
                                                   const ObjectPath& path,
                                                   std::string_view content_type,
                                                   const CommitCondition& condition,
                                                   std::optional<std::uint64_t> declared_size) {
  if (declared_size) {
    if (*declared_size > options_.max_object_bytes) return TooLarge();
    SR_ASSIGN_OR_RETURN(auto layout, object_format::SegmentLayout::ForPlaintext(
                                         object_format::kMaxHeaderSize, options_.segment_size,
                                         *declared_size));
    if (workspace.used_bytes + static_cast<std::int64_t>(layout.blob_size()) >
        options_.workspace_quota_bytes) {
      return QuotaExceeded();
    }
  }
  SR_ASSIGN_OR_RETURN(NodeNameCipher names, NamesFor(workspace));
  SR_ASSIGN_OR_RETURN(Node node, EnsureFile(workspace, names, path));
  // Checked here too so that a refused upload is refused before its body
  // is read; CommitVersion checks again atomically.
  if (condition.if_none_match_any && node.current_version) {
    return Fail(ErrorCode::kFailedPrecondition, "the object already exists");
  }
  if ((condition.if_match || condition.if_match_any) && !node.current_version) {
    return Fail(ErrorCode::kFailedPrecondition, "the object does not exist");
  }
  SR_ASSIGN_OR_RETURN(std::uint64_t version, repo_.ReserveVersion(workspace.id, node.id));

  ObjectVersion row;
  row.node_id = node.id;
  row.version = version;
  row.workspace_id = workspace.id;
  row.blob_name = BlobName(node.id, version);
  row.content_type = std::string(content_type);
  row.erasure_domain_id = workspace.default_domain_id;

  SR_ASSIGN_OR_RETURN(keys::DataKey key,
                      keys_.NewDataKey({workspace.id, node.id, version, row.erasure_domain_id}));
  const object_format::ObjectIdentity identity{workspace.id, node.id, version,
                                               row.erasure_domain_id};
  SR_ASSIGN_OR_RETURN(object_format::ObjectWriter writer,
                      object_format::ObjectWriter::Create(identity, key.key, key.wrapped,
                                                          options_.segment_size));
  SR_ASSIGN_OR_RETURN(std::unique_ptr<blob::BlobWriter> blob,
                      blobs_.Create(workspace.id, row.blob_name));
  return std::unique_ptr<Upload>(new UploadImpl(*this, workspace, std::move(node), std::move(row),
                                                condition, declared_size, std::move(blob),
                                                std::move(writer), path.text()));
}

Result<ObjectInfo> Codex::Copy(const Workspace& workspace, const ObjectPath& from,
                               const ObjectPath& to, const CommitCondition& condition) {
  SR_ASSIGN_OR_RETURN(OpenedObject source, Open(workspace, from));
  SR_ASSIGN_OR_RETURN(std::unique_ptr<Upload> upload,
                      BeginUpload(workspace, to, source.info.content_type, condition,
                                  source.info.size));
  if (source.info.size > 0) {
    SR_ASSIGN_OR_RETURN(std::unique_ptr<ObjectStream> stream,
                        source.source->Stream(0, source.info.size - 1));
    std::vector<std::uint8_t> buffer(256 * 1024);
    for (;;) {
      SR_ASSIGN_OR_RETURN(std::size_t n, stream->Next(buffer));
      if (n == 0) break;
      SR_TRY(upload->Write(std::span(buffer.data(), n)));
    }
  }
  // The copy must hash to what the source recorded: end-to-end integrity.
  return upload->Commit(source.info.sha256);
}

}  // namespace sr::content
