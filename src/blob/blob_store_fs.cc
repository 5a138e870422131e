#include "blob/blob_store_fs.h"

#include <fcntl.h>
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <system_error>
#include <utility>

#include "blob/internal/fs_files.h"
#include "common/hex.h"
#include "crypto/hash.h"
#include "crypto/random.h"

namespace sr::blob {
namespace {

namespace fs = std::filesystem;
using internal::IoError;

constexpr std::string_view kTempDir = ".tmp";
constexpr mode_t kDirMode = 0700;
constexpr mode_t kFileMode = 0600;
constexpr std::size_t kTempNameBytes = 16;

Status ValidateNames(std::string_view workspace_id, std::string_view blob_name) {
  SR_TRY(ValidateName(workspace_id, "workspace id"));
  return ValidateName(blob_name, "blob name");
}

// FanOut returns the two lowercase hex digits of the first byte of
// SHA-256(blob_name): the blob's directory inside its workspace.
std::string FanOut(std::string_view blob_name) {
  const crypto::Digest digest = crypto::Sha256(blob_name);
  return HexEncode(std::span<const std::uint8_t>(digest).first(1));
}

bool IsFanOut(std::string_view name) {
  return name.size() == 2 && std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::string BlobRel(std::string_view workspace_id, std::string_view blob_name) {
  return fmt::format("{}/{}/{}", workspace_id, FanOut(blob_name), blob_name);
}

std::unexpected<Error> Unexpected(std::string_view rel) {
  return Fail(ErrorCode::kFailedPrecondition,
              fmt::format("blob store: unexpected entry {} (not part of the layout)", rel));
}

}  // namespace

Result<std::string> FsBlobRelativePath(std::string_view workspace_id, std::string_view blob_name) {
  SR_TRY(ValidateNames(workspace_id, blob_name));
  return BlobRel(workspace_id, blob_name);
}

Result<std::unique_ptr<FsBlobStore>> OpenFsBlobStore(const fs::path& root, FileSystem& fs) {
  if (root.empty()) return Fail(ErrorCode::kInvalidArgument, "blob store: no directory given");
  if (root.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(root.parent_path(), ec);
    if (ec) {
      return std::unexpected<Error>(IoError("create", root.parent_path().string(), ec.value()));
    }
  }
  if (SysResult<void> made = fs.MakeDirectory(root, kDirMode); !made && made.error() != EEXIST) {
    return std::unexpected<Error>(IoError("create", root.string(), made.error()));
  }
  // Opened, not lstat'ed: the root itself may be a symbolic link to a volume.
  // (Start-up errors name the root; it is configuration, not client data.)
  SysResult<int> fd = fs.Open(root, O_RDONLY | O_DIRECTORY, 0);
  if (!fd) {
    if (fd.error() == ENOTDIR) {
      return Fail(ErrorCode::kFailedPrecondition,
                  fmt::format("blob store: {} is not a directory", root.string()));
    }
    return std::unexpected<Error>(IoError("open", root.string(), fd.error()));
  }
  (void)fs.Close(*fd);
  return std::unique_ptr<FsBlobStore>(new FsBlobStore(root, fs));
}

FsBlobStore::FsBlobStore(fs::path root, FileSystem& fs)
    : root_(std::move(root)),
      fs_(fs),
      live_(std::make_unique<internal::LiveTemporaries>()),
      durable_(std::make_unique<internal::DurableDirectories>()) {}

FsBlobStore::~FsBlobStore() = default;

Status FsBlobStore::EnsureDirectory(const fs::path& rel) {
  const fs::path path = root_ / rel;
  SysResult<void> made = fs_.MakeDirectory(path, kDirMode);
  if (!made) {
    if (made.error() != EEXIST) {
      return std::unexpected<Error>(IoError("create directory", rel.string(), made.error()));
    }
    SysResult<FileInfo> info = fs_.LinkStat(path);
    if (!info) return std::unexpected<Error>(IoError("stat", rel.string(), info.error()));
    if (!info->directory) return Unexpected(rel.string());
    if (durable_->Contains(rel.string())) return Ok();
    // Made by another thread that may still be syncing, or before a crash.
  }
  if (SysResult<void> r = fs_.SyncDirectory(path.parent_path()); !r) {
    return std::unexpected<Error>(IoError("sync the parent of", rel.string(), r.error()));
  }
  durable_->Add(rel.string());
  return Ok();
}

Result<std::unique_ptr<BlobWriter>> FsBlobStore::Create(std::string_view workspace_id,
                                                        std::string_view blob_name) {
  SR_TRY(ValidateNames(workspace_id, blob_name));
  const fs::path ws(workspace_id);
  SR_TRY(EnsureDirectory(ws));
  SR_TRY(EnsureDirectory(ws / kTempDir));
  SR_TRY(EnsureDirectory(ws / FanOut(blob_name)));

  const std::string temp_rel = fmt::format("{}/{}/{}", workspace_id, kTempDir,
                                           HexEncode(crypto::RandomBytes(kTempNameBytes)));
  const std::string final_rel = BlobRel(workspace_id, blob_name);
  // Registered before the file exists, so a concurrent sweep never sees it unregistered.
  live_->Add(temp_rel);
  SysResult<int> fd =
      fs_.Open(root_ / temp_rel, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY, kFileMode);
  if (!fd) {
    live_->Erase(temp_rel);
    return std::unexpected<Error>(IoError("create a temporary file for", final_rel, fd.error()));
  }
  return std::make_unique<internal::FsBlobWriter>(fs_, *live_, root_, temp_rel, final_rel, *fd);
}

Result<std::unique_ptr<BlobReader>> FsBlobStore::Open(std::string_view workspace_id,
                                                      std::string_view blob_name) {
  SR_TRY(ValidateNames(workspace_id, blob_name));
  std::string rel = BlobRel(workspace_id, blob_name);
  SysResult<int> fd = fs_.Open(root_ / rel, O_RDONLY | O_NOFOLLOW | O_NOCTTY, 0);
  if (!fd) {
    if (fd.error() == ENOENT) {
      return Fail(ErrorCode::kNotFound, fmt::format("blob store: no blob {}", rel));
    }
    if (fd.error() == ELOOP) return Unexpected(rel);  // a symbolic link
    return std::unexpected<Error>(IoError("open", rel, fd.error()));
  }
  SysResult<FileInfo> info = fs_.Stat(*fd);
  if (!info || !info->regular) {
    (void)fs_.Close(*fd);
    if (!info) return std::unexpected<Error>(IoError("stat", rel, info.error()));
    return Unexpected(rel);
  }
  return std::make_unique<internal::FsBlobReader>(fs_, *fd, info->size, std::move(rel));
}

Status FsBlobStore::Remove(std::string_view workspace_id, std::string_view blob_name) {
  SR_TRY(ValidateNames(workspace_id, blob_name));
  const std::string rel = BlobRel(workspace_id, blob_name);
  if (SysResult<void> r = fs_.Unlink(root_ / rel); !r && r.error() != ENOENT) {
    return std::unexpected<Error>(IoError("remove", rel, r.error()));
  }
  // Synced even when the blob was already gone: a retry after a failed sync
  // must not report a removal that may not be durable.
  if (SysResult<void> r = fs_.SyncDirectory((root_ / rel).parent_path());
      !r && r.error() != ENOENT) {
    return std::unexpected<Error>(IoError("sync the directory of", rel, r.error()));
  }
  return Ok();
}

Status FsBlobStore::RemoveFilesIn(const fs::path& rel) {
  const fs::path dir = root_ / rel;
  SysResult<std::vector<std::string>> names = fs_.ListDirectory(dir);
  if (!names) return std::unexpected<Error>(IoError("list", rel.string(), names.error()));
  for (const std::string& name : *names) {
    SysResult<FileInfo> info = fs_.LinkStat(dir / name);
    if (!info) {
      if (info.error() == ENOENT) continue;  // a concurrent sweep or removal
      return std::unexpected<Error>(IoError("stat", (rel / name).string(), info.error()));
    }
    if (!info->regular) return Unexpected((rel / name).string());
    if (SysResult<void> r = fs_.Unlink(dir / name); !r && r.error() != ENOENT) {
      return std::unexpected<Error>(IoError("remove", (rel / name).string(), r.error()));
    }
  }
  if (SysResult<void> r = fs_.RemoveDirectory(dir); !r && r.error() != ENOENT) {
    return std::unexpected<Error>(IoError("remove directory", rel.string(), r.error()));
  }
  return Ok();
}

Status FsBlobStore::RemoveWorkspace(std::string_view workspace_id) {
  SR_TRY(ValidateName(workspace_id, "workspace id"));
  const fs::path ws(workspace_id);
  SysResult<FileInfo> top = fs_.LinkStat(root_ / ws);
  if (!top) {
    if (top.error() == ENOENT) return Ok();
    return std::unexpected<Error>(IoError("stat", ws.string(), top.error()));
  }
  if (!top->directory) return Unexpected(ws.string());
  durable_->ForgetWorkspace(workspace_id);
  SysResult<std::vector<std::string>> entries = fs_.ListDirectory(root_ / ws);
  if (!entries) return std::unexpected<Error>(IoError("list", ws.string(), entries.error()));
  for (const std::string& entry : *entries) {
    SysResult<FileInfo> info = fs_.LinkStat(root_ / ws / entry);
    if (!info) return std::unexpected<Error>(IoError("stat", (ws / entry).string(), info.error()));
    if (!info->directory || (entry != kTempDir && !IsFanOut(entry))) {
      return Unexpected((ws / entry).string());
    }
    SR_TRY(RemoveFilesIn(ws / entry));
  }
  if (SysResult<void> r = fs_.RemoveDirectory(root_ / ws); !r && r.error() != ENOENT) {
    return std::unexpected<Error>(IoError("remove directory", ws.string(), r.error()));
  }
  if (SysResult<void> r = fs_.SyncDirectory(root_); !r) {
    return std::unexpected<Error>(IoError("sync", "the root directory", r.error()));
  }
  return Ok();
}

Result<std::vector<std::string>> FsBlobStore::List(std::string_view workspace_id) {
  SR_TRY(ValidateName(workspace_id, "workspace id"));
  const fs::path ws(workspace_id);
  std::vector<std::string> blobs;
  SysResult<std::vector<std::string>> fan_outs = fs_.ListDirectory(root_ / ws);
  if (!fan_outs) {
    if (fan_outs.error() == ENOENT) return blobs;
    return std::unexpected<Error>(IoError("list", ws.string(), fan_outs.error()));
  }
  for (const std::string& fan_out : *fan_outs) {
    if (!IsFanOut(fan_out)) continue;
    SysResult<FileInfo> info = fs_.LinkStat(root_ / ws / fan_out);
    if (!info || !info->directory) continue;
    SysResult<std::vector<std::string>> names = fs_.ListDirectory(root_ / ws / fan_out);
    if (!names) {
      return std::unexpected<Error>(IoError("list", (ws / fan_out).string(), names.error()));
    }
    for (std::string& name : *names) {
      if (!ValidateName(name, "blob name") || FanOut(name) != fan_out) continue;
      SysResult<FileInfo> file = fs_.LinkStat(root_ / ws / fan_out / name);
      if (file && file->regular) blobs.push_back(std::move(name));
    }
  }
  std::sort(blobs.begin(), blobs.end());
  return blobs;
}

Result<std::size_t> FsBlobStore::SweepTemporaries() {
  SysResult<std::vector<std::string>> workspaces = fs_.ListDirectory(root_);
  if (!workspaces) {
    return std::unexpected<Error>(IoError("list", "the root directory", workspaces.error()));
  }
  std::size_t removed = 0;
  for (const std::string& ws : *workspaces) {
    if (!ValidateName(ws, "workspace id")) continue;
    const fs::path temp_dir = root_ / ws / kTempDir;
    SysResult<FileInfo> dir_info = fs_.LinkStat(temp_dir);
    if (!dir_info || !dir_info->directory) continue;  // none yet, or not ours
    SysResult<std::vector<std::string>> names = fs_.ListDirectory(temp_dir);
    if (!names) {
      return std::unexpected<Error>(
          IoError("list", fmt::format("{}/{}", ws, kTempDir), names.error()));
    }
    for (const std::string& name : *names) {
      const std::string rel = fmt::format("{}/{}/{}", ws, kTempDir, name);
      if (live_->Contains(rel)) continue;
      SysResult<FileInfo> info = fs_.LinkStat(root_ / rel);
      if (!info || !info->regular) continue;
      SysResult<void> r = fs_.Unlink(root_ / rel);
      if (r) {
        ++removed;
      } else if (r.error() != ENOENT) {
        return std::unexpected<Error>(IoError("remove", rel, r.error()));
      }
    }
  }
  return removed;
}

}  // namespace sr::blob
