#pragma once
// TlsContextStore owns the server's TLS configuration: TLS 1.3 only unless
// 1.2 is allowed, AEAD suites only, no compression, no renegotiation. Reload()
// builds a fresh context from the certificate files and swaps it in atomically:
// new connections get the new certificate while open ones keep theirs.

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "common/error.h"

namespace sr::http {

struct TlsSettings {
  std::filesystem::path certificate;
  std::filesystem::path private_key;
  std::string min_version = "1.3";  // "1.3" or "1.2"
};

class TlsContextStore {
 public:
  // Create loads the certificate and key, failing with a one-line error.
  static sr::Result<std::unique_ptr<TlsContextStore>> Create(TlsSettings settings);

  // Current returns the context for a new connection. Thread-safe.
  std::shared_ptr<boost::asio::ssl::context> Current() const { return current_.load(); }

  // Reload re-reads the files; on failure the old context stays. Thread-safe.
  sr::Status Reload();

 private:
  explicit TlsContextStore(TlsSettings settings) : settings_(std::move(settings)) {}
  static sr::Result<std::shared_ptr<boost::asio::ssl::context>> Build(const TlsSettings& s);

  TlsSettings settings_;
  std::atomic<std::shared_ptr<boost::asio::ssl::context>> current_;
};

}  // namespace sr::http
