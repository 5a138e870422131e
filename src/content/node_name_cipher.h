#pragma once
// NodeNameCipher seals file and folder names, which are user content, and
// computes the keyed blind index that finds a name among its siblings
// without a plaintext index. Its keys are derived from the workspace's names
// key (a data key wrapped under the workspace's default erasure domain), so
// shredding the workspace's keys makes every stored name unreadable too.
// Format (docs/formats/codex.md, "node names"):
//   sealed = 0x01 | nonce (12) | AES-256-GCM(name) | tag (16),
//     AAD = "strongroom/node-name/v1" | len | workspace id | len | node id
//   index  = HMAC-SHA256(index key, len | parent id | len | name)

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "common/secret.h"
#include "content/codex_repository.h"
#include "crypto/aead.h"

namespace sr::content {

// NodeNameCipher is immutable after Create; all methods are thread-safe.
// Nonces are random, so one names key may seal at most 2^32 names (NIST SP
// 800-38D 8.3). Nothing counts seals yet; a workspace would need billions of
// creates, moves and renames to approach the limit.
class NodeNameCipher {
 public:
  // Create derives the sealing and index keys from the 32-byte `names_key`.
  static Result<NodeNameCipher> Create(const SecretBytes& names_key);

  // Seal returns the sealed form of `name` for node `node_id` of the workspace.
  Result<std::vector<std::uint8_t>> Seal(std::string_view workspace_id, std::string_view node_id,
                                         std::string_view name) const;
  // Open returns the name sealed for exactly (workspace_id, node_id); any
  // other binding or damage is kDataLoss.
  Result<std::string> Open(std::string_view workspace_id, std::string_view node_id,
                           std::span<const std::uint8_t> sealed) const;
  // Index returns the blind index of `name` under `parent_id`.
  NameIndex Index(std::string_view parent_id, std::string_view name) const;

 private:
  NodeNameCipher(crypto::Aes256Gcm aead, SecretBytes index_key)
      : aead_(std::move(aead)), index_key_(std::move(index_key)) {}
  crypto::Aes256Gcm aead_;
  SecretBytes index_key_;
};

}  // namespace sr::content
