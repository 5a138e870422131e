#include "keys/key_service.h"

#include <fmt/format.h>

#include "crypto/random.h"
#include "keys/internal/ids.h"
#include "keys/wrapped_key.h"

namespace sr::keys {
namespace {

// kDomainKeyVersion is the only version of an erasure-domain key: domain keys
// do not rotate, so every wrapped data key names version 1.
constexpr std::uint32_t kDomainKeyVersion = 1;

Status ValidateBinding(const DataKeyBinding& b) {
  SR_TRY(internal::ValidateWorkspaceId(b.workspace_id));
  SR_TRY(internal::ValidateObjectId(b.object_id));
  SR_TRY(internal::ValidateDomainId(b.erasure_domain_id));
  return Ok();
}

}  // namespace

bool IsKeyDestroyed(const Error& error) {
  return error.code() == ErrorCode::kNotFound && error.problem_type() == kKeyDestroyedProblem;
}

Result<std::unique_ptr<KeyService>> KeyService::Create(std::unique_ptr<RootKeyring> root,
                                                       std::unique_ptr<KeyRepository> repository,
                                                       const Clock& clock,
                                                       KeyServiceOptions options) {
  if (root == nullptr || repository == nullptr) {
    return Fail(ErrorCode::kInvalidArgument, "key service needs a root keyring and a repository");
  }
  if (options.cache_ttl.count() < 0 || options.rotate_after.count() <= 0 ||
      options.root_rotate_after.count() <= 0) {
    return Fail(ErrorCode::kInvalidArgument,
                "key rotation periods must be positive and the cache TTL not negative");
  }
  return std::unique_ptr<KeyService>(
      new KeyService(std::move(root), std::move(repository), clock, options));
}

std::int64_t KeyService::NowSeconds() const {
  return std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
}

Error KeyService::Explain(ShredKind kind, std::string_view id, Error error) {
  if (error.code() != ErrorCode::kNotFound) return error;
  Result<bool> shredded = repo_->IsShredded(kind, id);
  if (!shredded) return shredded.error();
  if (!*shredded) return error;
  return Error(ErrorCode::kNotFound, kind == ShredKind::kWorkspace
                                         ? "the keys of this workspace were destroyed"
                                         : "the key of this erasure domain was destroyed")
      .WithProblemType(std::string(kKeyDestroyedProblem));
}

Result<std::string> KeyService::CreateWorkspace(std::string_view workspace_id) {
  SR_TRY(internal::ValidateWorkspaceId(workspace_id));
  const std::uint64_t generation = cache_.generation();
  const SecretBytes kek = crypto::RandomKey(kKeySize);
  SR_ASSIGN_OR_RETURN(std::vector<std::uint8_t> wrapped_kek,
                      root_->Wrap(KekContext(workspace_id, 1).bytes(), kek));
  SR_ASSIGN_OR_RETURN(std::uint32_t root_version, root_->VersionOf(wrapped_kek));
  const std::string domain_id = internal::NewDomainId();
  const SecretBytes domain_key = crypto::RandomKey(kKeySize);
  SR_ASSIGN_OR_RETURN(
      std::vector<std::uint8_t> wrapped_domain,
      WrapKey(kek, 1, DomainKeyContext(workspace_id, domain_id).bytes(), domain_key));
  const std::int64_t now = NowSeconds();
  SR_TRY(repo_->CreateWorkspace(
      KekRecord{std::string(workspace_id), 1, std::move(wrapped_kek), root_version, now},
      DomainRecord{domain_id, std::string(workspace_id), std::nullopt, 1, std::move(wrapped_domain),
                   now}));
  cache_.PutKek(workspace_id, 1, kek, generation);
  cache_.PutDomain(domain_id, workspace_id, domain_key, generation);
  return domain_id;
}

Result<std::string> KeyService::CreateErasureDomain(std::string_view workspace_id,
                                                    std::string_view subject) {
  SR_TRY(internal::ValidateWorkspaceId(workspace_id));
  SR_TRY(internal::ValidateSubject(subject));
  // A rewrap in another process may delete the KEK version we read as
  // current just before we insert; the foreign key then refuses the insert
  // (kFailedPrecondition) and a second attempt reads the new current version.
  for (int attempt = 0;; ++attempt) {
    Result<KekRecord> current = repo_->CurrentKek(workspace_id);
    if (!current) {
      return std::unexpected(Explain(ShredKind::kWorkspace, workspace_id, current.error()));
    }
    SR_ASSIGN_OR_RETURN(SecretBytes kek, KekKey(workspace_id, current->version));
    const std::string domain_id = internal::NewDomainId();
    const SecretBytes domain_key = crypto::RandomKey(kKeySize);
    SR_ASSIGN_OR_RETURN(std::vector<std::uint8_t> wrapped,
                        WrapKey(kek, current->version,
                                DomainKeyContext(workspace_id, domain_id).bytes(), domain_key));
    Status inserted =
        repo_->InsertDomain(DomainRecord{domain_id, std::string(workspace_id), std::string(subject),
                                         current->version, std::move(wrapped), NowSeconds()});
    if (inserted) return domain_id;
    if (inserted.error().code() == ErrorCode::kAlreadyExists) {
      return Fail(ErrorCode::kAlreadyExists, "this subject already has an erasure domain");
    }
    if (inserted.error().code() != ErrorCode::kFailedPrecondition || attempt > 0) {
      return std::unexpected(inserted.error());
    }
  }
}

Result<std::string> KeyService::FindErasureDomain(std::string_view workspace_id,
                                                  std::optional<std::string_view> subject) {
  SR_TRY(internal::ValidateWorkspaceId(workspace_id));
  if (subject) SR_TRY(internal::ValidateSubject(*subject));
  SR_ASSIGN_OR_RETURN(DomainRecord domain, repo_->FindDomainBySubject(workspace_id, subject));
  return domain.id;
}

Result<SecretBytes> KeyService::KekKey(std::string_view workspace_id, std::uint32_t version) {
  if (std::optional<SecretBytes> hit = cache_.FindKek(workspace_id, version)) {
    return std::move(*hit);
  }
  const std::uint64_t generation = cache_.generation();
  Result<KekRecord> kek = repo_->FindKek(workspace_id, version);
  if (!kek) return std::unexpected(Explain(ShredKind::kWorkspace, workspace_id, kek.error()));
  return UnwrapKek(*kek, generation);
}

Result<SecretBytes> KeyService::UnwrapKek(const KekRecord& kek, std::uint64_t generation) {
  SR_ASSIGN_OR_RETURN(std::uint32_t root_version, root_->VersionOf(kek.wrapped));
  if (root_version != kek.root_version) {
    return Fail(ErrorCode::kDataLoss, "workspace key row does not match its wrapped key");
  }
  root_unwraps_.fetch_add(1);
  SR_ASSIGN_OR_RETURN(
      SecretBytes key,
      root_->Unwrap(KekContext(kek.workspace_id, kek.version).bytes(), kek.wrapped));
  cache_.PutKek(kek.workspace_id, kek.version, key, generation);
  return key;
}

Result<internal::KeyCache::CachedDomain> KeyService::DomainKey(std::string_view domain_id) {
  if (std::optional<internal::KeyCache::CachedDomain> hit = cache_.FindDomain(domain_id)) {
    return std::move(*hit);
  }
  // A KEK version may vanish between reading the domain row and reading the
  // KEK (a concurrent rewrap moved the domain and retired the KEK): read the
  // domain row again once.
  Result<internal::KeyCache::CachedDomain> loaded = LoadDomainKey(domain_id);
  if (!loaded && loaded.error().code() == ErrorCode::kNotFound && !IsKeyDestroyed(loaded.error())) {
    loaded = LoadDomainKey(domain_id);
  }
  return loaded;
}

Result<internal::KeyCache::CachedDomain> KeyService::LoadDomainKey(std::string_view domain_id) {
  const std::uint64_t generation = cache_.generation();
  Result<DomainRecord> domain = repo_->FindDomain(domain_id);
  if (!domain) {
    return std::unexpected(Explain(ShredKind::kErasureDomain, domain_id, domain.error()));
  }
  SR_ASSIGN_OR_RETURN(std::uint32_t kek_version, WrappedKeyVersion(domain->wrapped));
  if (kek_version != domain->kek_version) {
    return Fail(ErrorCode::kDataLoss, "erasure domain row does not match its wrapped key");
  }
  SR_ASSIGN_OR_RETURN(SecretBytes kek, KekKey(domain->workspace_id, domain->kek_version));
  Result<SecretBytes> key =
      UnwrapKey(kek, DomainKeyContext(domain->workspace_id, domain->id).bytes(), domain->wrapped);
  if (!key) return Fail(ErrorCode::kDataLoss, "erasure domain key does not unwrap");
  cache_.PutDomain(domain_id, domain->workspace_id, *key, generation);
  return internal::KeyCache::CachedDomain{domain->workspace_id, *std::move(key)};
}

Result<DataKey> KeyService::NewDataKey(const DataKeyBinding& binding) {
  SR_TRY(ValidateBinding(binding));
  SR_ASSIGN_OR_RETURN(internal::KeyCache::CachedDomain domain,
                      DomainKey(binding.erasure_domain_id));
  if (domain.workspace_id != binding.workspace_id) {
    return Fail(ErrorCode::kInvalidArgument, "the erasure domain belongs to another workspace");
  }
  DataKey out{crypto::RandomKey(kKeySize), {}};
  SR_ASSIGN_OR_RETURN(
      out.wrapped, WrapKey(domain.key, kDomainKeyVersion,
                           DataKeyContext(binding.workspace_id, binding.object_id, binding.version,
                                          binding.erasure_domain_id)
                               .bytes(),
                           out.key));
  return out;
}

Result<SecretBytes> KeyService::UnwrapDataKey(const DataKeyBinding& binding,
                                              std::span<const std::uint8_t> wrapped) {
  SR_TRY(ValidateBinding(binding));
  SR_ASSIGN_OR_RETURN(std::uint32_t version, WrappedKeyVersion(wrapped));
  if (version != kDomainKeyVersion) {
    return Fail(ErrorCode::kDataLoss, "wrapped data key names an unknown domain-key version");
  }
  SR_ASSIGN_OR_RETURN(internal::KeyCache::CachedDomain domain,
                      DomainKey(binding.erasure_domain_id));
  if (domain.workspace_id != binding.workspace_id) {
    return Fail(ErrorCode::kDataLoss, "key unwrap failed");
  }
  return UnwrapKey(domain.key,
                   DataKeyContext(binding.workspace_id, binding.object_id, binding.version,
                                  binding.erasure_domain_id)
                       .bytes(),
                   wrapped);
}

Result<ShredReport> KeyService::ShredWorkspace(std::string_view workspace_id) {
  SR_TRY(internal::ValidateWorkspaceId(workspace_id));
  SR_ASSIGN_OR_RETURN(std::vector<std::string> domains,
                      repo_->ShredWorkspace(workspace_id, NowSeconds()));
  cache_.EraseWorkspace(workspace_id);
  for (const std::string& id : domains) cache_.EraseDomain(id);
  SR_ASSIGN_OR_RETURN(bool truncated, repo_->Checkpoint());
  return ShredReport{static_cast<std::int64_t>(domains.size()), truncated};
}

Result<ShredReport> KeyService::ShredErasureDomain(std::string_view domain_id) {
  SR_TRY(internal::ValidateDomainId(domain_id));
  SR_ASSIGN_OR_RETURN(std::string workspace_id, repo_->ShredDomain(domain_id, NowSeconds()));
  cache_.EraseDomain(domain_id);
  SR_ASSIGN_OR_RETURN(bool truncated, repo_->Checkpoint());
  return ShredReport{1, truncated};
}

}  // namespace sr::keys
