// KeyService rotation, rewrap and status (docs/formats/keys.md, "Operations").

#include <fmt/format.h>

#include <map>

#include "crypto/random.h"
#include "keys/internal/ids.h"
#include "keys/key_service.h"
#include "keys/wrapped_key.h"

namespace sr::keys {
namespace {

// kRewrapPage bounds how many stale domains one query returns.
constexpr int kRewrapPage = 256;

std::int64_t ToSeconds(Clock::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

Result<std::uint32_t> KeyService::Rotate(std::string_view workspace_id) {
  SR_TRY(internal::ValidateWorkspaceId(workspace_id));
  // Two rotations at once pick the same next version; the loser reads again.
  for (int attempt = 0; attempt < 3; ++attempt) {
    Result<KekRecord> current = repo_->CurrentKek(workspace_id);
    if (!current) {
      return std::unexpected(Explain(ShredKind::kWorkspace, workspace_id, current.error()));
    }
    const std::uint64_t generation = cache_.generation();
    const std::uint32_t next = current->version + 1;
    const SecretBytes kek = crypto::RandomKey(kKeySize);
    SR_ASSIGN_OR_RETURN(std::vector<std::uint8_t> wrapped,
                        root_->Wrap(KekContext(workspace_id, next).bytes(), kek));
    SR_ASSIGN_OR_RETURN(std::uint32_t root_version, root_->VersionOf(wrapped));
    Status inserted = repo_->InsertKek(
        KekRecord{std::string(workspace_id), next, std::move(wrapped), root_version, NowSeconds()});
    if (inserted) {
      cache_.PutKek(workspace_id, next, kek, generation);
      return next;
    }
    if (inserted.error().code() == ErrorCode::kFailedPrecondition) {  // shredded meanwhile
      return std::unexpected(Explain(ShredKind::kWorkspace, workspace_id,
                                     Error(ErrorCode::kNotFound, "workspace keys not found")));
    }
    if (inserted.error().code() != ErrorCode::kAlreadyExists) {
      return std::unexpected(inserted.error());
    }
  }
  return Fail(ErrorCode::kUnavailable, "workspace key rotation kept racing with another; retry");
}

Result<std::int64_t> KeyService::RotateAll() {
  SR_ASSIGN_OR_RETURN(std::vector<KekRecord> current, repo_->ListCurrentKeks());
  std::int64_t rotated = 0;
  std::optional<Error> first_error;
  for (const KekRecord& kek : current) {
    Result<std::uint32_t> r = Rotate(kek.workspace_id);
    if (r) {
      ++rotated;
    } else if (!first_error && !IsKeyDestroyed(r.error())) {
      first_error = r.error();  // a workspace shredded meanwhile is not a failure
    }
  }
  if (first_error) {
    return Fail(first_error->code(), fmt::format("rotated {} of {} workspaces; first failure: {}",
                                                 rotated, current.size(), first_error->message()));
  }
  return rotated;
}

Result<std::uint32_t> KeyService::RotateRoot() { return root_->AddVersion(); }

Result<bool> KeyService::RewrapDomain(const StaleDomain& stale) {
  const DomainRecord& d = stale.domain;
  SR_ASSIGN_OR_RETURN(SecretBytes old_kek, KekKey(d.workspace_id, d.kek_version));
  SR_ASSIGN_OR_RETURN(SecretBytes new_kek, KekKey(d.workspace_id, stale.current_kek_version));
  const KeyContext context = DomainKeyContext(d.workspace_id, d.id);
  Result<SecretBytes> key = UnwrapKey(old_kek, context.bytes(), d.wrapped);
  if (!key) {
    return Fail(ErrorCode::kDataLoss,
                fmt::format("erasure domain {} does not unwrap; rewrap stopped", d.id));
  }
  SR_ASSIGN_OR_RETURN(std::vector<std::uint8_t> wrapped,
                      WrapKey(new_kek, stale.current_kek_version, context.bytes(), *key));
  return repo_->ReplaceDomainWrap(d, wrapped, stale.current_kek_version);
}

Result<bool> KeyService::RewrapKek(const KekRecord& kek, std::uint32_t root_version) {
  const KeyContext context = KekContext(kek.workspace_id, kek.version);
  root_unwraps_.fetch_add(1);
  Result<SecretBytes> key = root_->Unwrap(context.bytes(), kek.wrapped);
  if (!key) {
    return Fail(key.error().code(),
                fmt::format("workspace {} key version {}: {}; rewrap stopped", kek.workspace_id,
                            kek.version, key.error().message()));
  }
  SR_ASSIGN_OR_RETURN(std::vector<std::uint8_t> wrapped, root_->Wrap(context.bytes(), *key));
  SR_ASSIGN_OR_RETURN(std::uint32_t wrapped_under, root_->VersionOf(wrapped));
  if (wrapped_under != root_version) return false;  // the root rotated meanwhile: next run
  return repo_->ReplaceKekWrap(kek, wrapped, wrapped_under);
}

sr::Status KeyService::RewrapDomains(RewrapProgress& progress, const RewrapCallback& callback) {
  std::string after;
  for (;;) {
    SR_ASSIGN_OR_RETURN(std::vector<StaleDomain> page, repo_->ListStaleDomains(after, kRewrapPage));
    if (page.empty()) return Ok();
    for (const StaleDomain& stale : page) {
      after = stale.domain.id;
      SR_ASSIGN_OR_RETURN(bool changed, RewrapDomain(stale));
      ++(changed ? progress.domains_rewrapped : progress.skipped);
      if (callback) SR_TRY(callback(progress));
    }
  }
}

Result<RewrapProgress> KeyService::Rewrap(const RewrapCallback& callback) {
  SR_TRY(root_->Refresh());
  RewrapProgress progress;
  SR_TRY(RewrapDomains(progress, callback));

  SR_ASSIGN_OR_RETURN(std::vector<KekRecord> retired, repo_->DeleteRetiredKeks());
  for (const KekRecord& kek : retired) cache_.EraseKek(kek.workspace_id, kek.version);
  progress.keks_destroyed = static_cast<std::int64_t>(retired.size());
  if (!retired.empty()) {
    // The deleted KEKs must not linger in the WAL either.
    SR_TRY(repo_->Checkpoint());
    if (callback) SR_TRY(callback(progress));
  }

  const std::uint32_t root_version = root_->current_version();
  SR_ASSIGN_OR_RETURN(std::vector<KekRecord> old, repo_->ListKeksNotUnderRoot(root_version));
  for (const KekRecord& kek : old) {
    SR_ASSIGN_OR_RETURN(bool changed, RewrapKek(kek, root_version));
    ++(changed ? progress.keks_rewrapped : progress.skipped);
    if (callback) SR_TRY(callback(progress));
  }
  return progress;
}

Result<RotateDueReport> KeyService::RotateDue(Clock::TimePoint now) {
  SR_TRY(root_->Refresh());
  RotateDueReport report;
  const std::vector<RootKeyVersion> versions = root_->Versions();
  if (versions.empty() || now - versions.back().created_at >= options_.root_rotate_after) {
    SR_ASSIGN_OR_RETURN(std::uint32_t version, RotateRoot());
    report.root_version = version;
  }
  SR_ASSIGN_OR_RETURN(std::vector<KekRecord> current, repo_->ListCurrentKeks());
  const std::int64_t now_seconds = ToSeconds(now);
  for (const KekRecord& kek : current) {
    if (now_seconds - kek.created_at < options_.rotate_after.count()) continue;
    Result<std::uint32_t> rotated = Rotate(kek.workspace_id);
    if (rotated) {
      report.workspaces.push_back(kek.workspace_id);
    } else if (!IsKeyDestroyed(rotated.error())) {
      return std::unexpected(rotated.error());
    }
  }
  return report;
}

Result<KeyStatus> KeyService::GetStatus() {
  SR_TRY(root_->Refresh());
  KeyStatus status;
  SR_ASSIGN_OR_RETURN(status.keks, repo_->ListKekSummaries());
  std::map<std::uint32_t, std::int64_t> keks_per_root;
  for (const KekSummary& kek : status.keks) ++keks_per_root[kek.root_version];
  const std::uint32_t current = root_->current_version();
  for (const RootKeyVersion& v : root_->Versions()) {
    status.roots.push_back(RootStatus{v.version, ToSeconds(v.created_at), v.version == current,
                                      keks_per_root[v.version]});
  }
  return status;
}

}  // namespace sr::keys
