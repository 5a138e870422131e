#pragma once
// Self-signed TLS certificates for a fresh data directory and for tests, made
// with OpenSSL 3 APIs in process (no `openssl` command line).

#include <filesystem>
#include <string>
#include <vector>

#include "common/error.h"

namespace sr::config {

// WriteSelfSignedCertificate mints a fresh EC P-256 key and a self-signed
// X.509 v3 server certificate for it, and atomically replaces `key` (PKCS#8
// PEM, mode 0600) then `cert` (PEM, mode 0644). The CN is the first DNS name,
// else the first IP; clients check the subjectAltName, which lists every DNS
// name and IP address. It has basicConstraints CA:FALSE, keyUsage
// digitalSignature, extendedKeyUsage serverAuth, a random 128-bit serial,
// validity from one hour ago for 397 days, and a SHA-256 signature.
// No names at all, or a malformed DNS name or IP address, is kInvalidArgument
// and nothing is written. Between the two renames a reader may see the new key
// with the old certificate.
Status WriteSelfSignedCertificate(const std::filesystem::path& cert,
                                  const std::filesystem::path& key,
                                  const std::vector<std::string>& dns_names,
                                  const std::vector<std::string>& ips);

}  // namespace sr::config
