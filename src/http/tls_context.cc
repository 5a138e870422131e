#include "http/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <fmt/format.h>

namespace sr::http {
namespace {

namespace ssl = boost::asio::ssl;

// TLS 1.2 suites allowed when 1.2 is enabled: forward-secret AEAD only.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256";
// TLS 1.3 suites: all AEAD; CCM_8 (short tag) is left out.
constexpr const char* kTls13Suites =
    "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256";

std::string LastOpenSslError() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown error";
  char buf[256];
  ERR_error_string_n(code, buf, sizeof(buf));
  return buf;
}

// SelectHttp11 answers ALPN with http/1.1, the only protocol served.
int SelectHttp11(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                 unsigned int inlen, void*) {
  static const unsigned char kProto[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, outlen, kProto, sizeof(kProto), in, inlen) !=
      OPENSSL_NPN_NEGOTIATED) {
    return SSL_TLSEXT_ERR_NOACK;
  }
  *out = selected;
  return SSL_TLSEXT_ERR_OK;
}

}  // namespace

sr::Result<std::unique_ptr<TlsContextStore>> TlsContextStore::Create(TlsSettings settings) {
  if (settings.min_version != "1.3" && settings.min_version != "1.2") {
    return Fail(ErrorCode::kInvalidArgument,
                "tls.min_version must be \"1.2\" or \"1.3\", not \"" + settings.min_version + "\"");
  }
  std::unique_ptr<TlsContextStore> store(new TlsContextStore(std::move(settings)));
  SR_TRY(store->Reload());
  return store;
}

sr::Status TlsContextStore::Reload() {
  SR_ASSIGN_OR_RETURN(auto ctx, Build(settings_));
  current_.store(std::move(ctx));
  return Ok();
}

sr::Result<std::shared_ptr<ssl::context>> TlsContextStore::Build(const TlsSettings& s) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(s.certificate, ec)) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("TLS certificate file {} is missing", s.certificate.string()));
  }
  if (!std::filesystem::is_regular_file(s.private_key, ec)) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("TLS private key file {} is missing", s.private_key.string()));
  }
  if (auto perms = std::filesystem::status(s.private_key, ec).permissions();
      !ec && (perms & std::filesystem::perms::others_all) != std::filesystem::perms::none) {
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("TLS private key file {} is accessible by others; run chmod 600 {}",
                            s.private_key.string(), s.private_key.string()));
  }
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* h = ctx->native_handle();
  const int min = s.min_version == "1.2" ? TLS1_2_VERSION : TLS1_3_VERSION;
  SSL_CTX_set_min_proto_version(h, min);
  SSL_CTX_set_options(h, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                             SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_set_cipher_list(h, kTls12Ciphers) != 1 ||
      SSL_CTX_set_ciphersuites(h, kTls13Suites) != 1) {
    return Fail(ErrorCode::kInternal, "cannot set TLS cipher suites: " + LastOpenSslError());
  }
  if (SSL_CTX_use_certificate_chain_file(h, s.certificate.c_str()) != 1) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("cannot load TLS certificate {}: {}", s.certificate.string(),
                            LastOpenSslError()));
  }
  if (SSL_CTX_use_PrivateKey_file(h, s.private_key.c_str(), SSL_FILETYPE_PEM) != 1) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("cannot load TLS private key {}", s.private_key.string()));
  }
  if (SSL_CTX_check_private_key(h) != 1) {
    return Fail(ErrorCode::kInvalidArgument, "TLS private key does not match the certificate");
  }
  SSL_CTX_set_alpn_select_cb(h, SelectHttp11, nullptr);
  ERR_clear_error();
  return ctx;
}

}  // namespace sr::http
