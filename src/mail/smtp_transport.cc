#include "mail/smtp_transport.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <mutex>

#include "mail/internal/file_util.h"

namespace sr::mail {
namespace {

constexpr std::size_t kMaxPasswordFileSize = 4096;

std::unexpected<Error> Invalid(std::string message) {
  return Fail(ErrorCode::kInvalidArgument, std::move(message));
}

// EnsureCurlInitialized runs curl_global_init once per process. Its result
// is remembered: a failure is reported to every caller.
CURLcode EnsureCurlInitialized() {
  static std::once_flag once;
  static CURLcode result = CURLE_OK;
  std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
  return result;
}

// NormalizeHost returns the host as it goes into the URL, or an error for
// anything that could smuggle URL syntax (userinfo, path, query, spaces).
Result<std::string> NormalizeHost(std::string_view host) {
  if (host.empty()) return Invalid("smtp_host is not set");
  if (host.size() > 253) return Invalid("smtp_host is too long");
  std::string_view bare = host;
  if (bare.front() == '[' && bare.back() == ']') bare = bare.substr(1, bare.size() - 2);
  const bool ipv6 = bare.find(':') != std::string_view::npos;
  for (char c : bare) {
    const auto u = static_cast<unsigned char>(c);
    const bool ok = ipv6 ? (std::isxdigit(u) != 0 || c == ':' || c == '.')
                         : (std::isalnum(u) != 0 || c == '.' || c == '-');
    if (!ok) return Invalid("smtp_host must be a host name or an IP address");
  }
  if (bare.empty() || bare.front() == '.' || bare.front() == '-') {
    return Invalid("smtp_host must be a host name or an IP address");
  }
  return ipv6 ? "[" + std::string(bare) + "]" : std::string(bare);
}

bool ContainsIgnoringCase(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return false;
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char a, char b) {
                          return std::tolower(static_cast<unsigned char>(a)) ==
                                 std::tolower(static_cast<unsigned char>(b));
                        });
  return it != haystack.end();
}

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

struct UploadState {
  std::string_view remaining;
};

size_t ReadCallback(char* buffer, size_t size, size_t nitems, void* userdata) {
  auto* state = static_cast<UploadState*>(userdata);
  const std::size_t n = std::min(size * nitems, state->remaining.size());
  std::memcpy(buffer, state->remaining.data(), n);
  state->remaining.remove_prefix(n);
  return n;
}

int ProgressCallback(void* userdata, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const std::atomic<bool>*>(userdata)->load() ? 1 : 0;
}

}  // namespace

Result<SmtpSecurity> ParseSmtpSecurity(std::string_view name) {
  if (name == "starttls") return SmtpSecurity::kStartTls;
  if (name == "tls") return SmtpSecurity::kImplicitTls;
  if (name == "none") return SmtpSecurity::kNone;
  return Invalid("smtp_security must be \"starttls\", \"tls\" or \"none\"");
}

Result<std::unique_ptr<SmtpTransport>> SmtpTransport::Create(const SmtpOptions& options) {
  SR_ASSIGN_OR_RETURN(std::string host, NormalizeHost(options.host));
  if (options.port == 0) return Invalid("smtp_port must be between 1 and 65535");
  for (unsigned char c : options.user) {
    if (c < 0x20 || c == 0x7f) return Invalid("smtp_user contains a control character");
  }
  SecretBytes password;
  if (!options.user.empty()) {
    if (options.security == SmtpSecurity::kNone) {
      return Invalid(
          "smtp_user is set but smtp_security is \"none\": credentials are only "
          "sent over TLS");
    }
    if (options.password_file.empty())
      return Invalid("smtp_user is set without smtp_password_file");
    SR_ASSIGN_OR_RETURN(password,
                        internal::ReadSecretFile(options.password_file, kMaxPasswordFileSize));
  } else if (!options.password_file.empty()) {
    return Invalid("smtp_password_file is set without smtp_user");
  }
  if (!options.ca_file.empty()) {
    const int fd = ::open(options.ca_file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      return Fail(ErrorCode::kFailedPrecondition,
                  fmt::format("cannot open smtp_ca_file {}", options.ca_file.string()));
    }
    ::close(fd);
  }
  if (const CURLcode rc = EnsureCurlInitialized(); rc != CURLE_OK) {
    return Fail(ErrorCode::kInternal,
                fmt::format("curl_global_init failed: {}", curl_easy_strerror(rc)));
  }
  auto transport = std::unique_ptr<SmtpTransport>(new SmtpTransport(options, std::move(password)));
  const char* scheme = options.security == SmtpSecurity::kImplicitTls ? "smtps" : "smtp";
  transport->url_ = fmt::format("{}://{}:{}", scheme, host, options.port);
  return transport;
}

Status SmtpTransport::Deliver(const RenderedMessage& message) {
  const std::string relay = fmt::format("{}:{}", options_.host, options_.port);
  auto failed = [&](std::string_view reason) {
    return Fail(ErrorCode::kUnavailable,
                fmt::format("SMTP delivery via {} failed: {}", relay, reason));
  };
  if (aborted_.load()) return failed("transport stopped");
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return failed("curl_easy_init failed");
  CURL* h = curl.get();

  const std::string from = "<" + message.envelope_from + ">";
  std::unique_ptr<curl_slist, SlistDeleter> rcpt(
      curl_slist_append(nullptr, ("<" + message.envelope_to + ">").c_str()));
  if (!rcpt) return failed("out of memory");
  UploadState upload{message.data};
  char error_buffer[CURL_ERROR_SIZE] = {};

  CURLcode rc = CURLE_OK;
  auto set = [&](CURLoption option, auto value) {
    if (rc == CURLE_OK) rc = curl_easy_setopt(h, option, value);
  };
  set(CURLOPT_URL, url_.c_str());
  set(CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  set(CURLOPT_NOSIGNAL, 1L);
  set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
  set(CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout.count()));
  set(CURLOPT_USE_SSL, options_.security == SmtpSecurity::kNone
                           ? static_cast<long>(CURLUSESSL_NONE)
                           : static_cast<long>(CURLUSESSL_ALL));
  set(CURLOPT_SSL_VERIFYPEER, 1L);
  set(CURLOPT_SSL_VERIFYHOST, 2L);
  set(CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  if (!options_.ca_file.empty()) set(CURLOPT_CAINFO, options_.ca_file.c_str());
  if (!options_.user.empty()) {
    set(CURLOPT_USERNAME, options_.user.c_str());
    set(CURLOPT_PASSWORD, reinterpret_cast<const char*>(password_.Reveal().data()));
  }
  set(CURLOPT_MAIL_FROM, from.c_str());
  set(CURLOPT_MAIL_RCPT, rcpt.get());
  set(CURLOPT_UPLOAD, 1L);
  set(CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.data.size()));
  set(CURLOPT_READFUNCTION, &ReadCallback);
  set(CURLOPT_READDATA, &upload);
  set(CURLOPT_NOPROGRESS, 0L);
  set(CURLOPT_XFERINFOFUNCTION, &ProgressCallback);
  set(CURLOPT_XFERINFODATA, &aborted_);
  set(CURLOPT_ERRORBUFFER, error_buffer);
  if (rc != CURLE_OK)
    return failed(fmt::format("cannot configure curl: {}", curl_easy_strerror(rc)));

  rc = curl_easy_perform(h);
  if (rc == CURLE_OK) return Ok();
  if (rc == CURLE_ABORTED_BY_CALLBACK) return failed("transport stopped");

  // curl's detail is useful (e.g. "SSL certificate problem: ..."), but it is
  // dropped if it might echo a credential or an address.
  std::string reason = curl_easy_strerror(rc);
  const std::string_view detail(error_buffer);
  const std::string_view password =
      password_.empty() ? std::string_view()
                        : std::string_view(reinterpret_cast<const char*>(password_.Reveal().data()),
                                           password_.size() - 1);
  const bool detail_safe = !ContainsIgnoringCase(detail, password) &&
                           !ContainsIgnoringCase(detail, options_.user) &&
                           !ContainsIgnoringCase(detail, message.envelope_from) &&
                           !ContainsIgnoringCase(detail, message.envelope_to) &&
                           detail.find('@') == std::string_view::npos;
  if (!detail.empty() && detail_safe && detail != reason) reason += fmt::format(" ({})", detail);
  long response = 0;
  if (curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response) == CURLE_OK && response != 0) {
    reason += fmt::format("; last reply code {}", response);
  }
  return failed(reason);
}

}  // namespace sr::mail
