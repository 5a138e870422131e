#include "mail/smtp_transport.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <nlohmann/json.hpp>

#include "common/testing/temp_dir.h"
#include "mail/internal/test_util.h"
#include "mail/queue.h"

namespace sr::mail {
namespace {

using namespace std::chrono_literals;
using sr::testing::TempDir;
using testing::ReadFile;
using testing::WriteFile;

constexpr std::string_view kPassword = "correct horse battery staple 42";

// SinkProcess runs tests/e2e/smtp_sink.py as a child process that writes
// every message it receives to <dir>/N.eml.
class SinkProcess {
 public:
  SinkProcess(const std::filesystem::path& dir, std::string_view tls, bool auth) : dir_(dir) {
    std::filesystem::create_directories(dir);
    std::vector<std::string> argv = {testing::kPython, testing::SmtpSinkScript().string(),
                                     "--port",         "0",
                                     "--out",          dir.string(),
                                     "--tls",          std::string(tls)};
    if (auth) {
      WriteFile(dir / "sink-password", kPassword, 0600);
      argv.insert(argv.end(), {"--auth-user", "mailer", "--auth-password-file",
                               (dir / "sink-password").string()});
    }
    pid_ = testing::Spawn(argv, dir / "sink.log");
    if (pid_ < 0) return;
    ready_ = testing::WaitFor([&] {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;  // exited early; see sink.log
        return true;
      }
      return std::filesystem::exists(dir / "ready");
    });
    ready_ = ready_ && pid_ > 0;
    if (ready_) port_ = static_cast<std::uint16_t>(std::stoi(ReadFile(dir / "ready")));
  }
  ~SinkProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  SinkProcess(const SinkProcess&) = delete;
  SinkProcess& operator=(const SinkProcess&) = delete;

  bool ready() const { return ready_; }
  std::uint16_t port() const { return port_; }
  std::filesystem::path cert() const { return dir_ / "cert.pem"; }
  std::string Log() const { return ReadFile(dir_ / "sink.log"); }

  // Message waits for the n-th received message (1-based) and returns its bytes.
  std::string Message(int n) const {
    const auto path = dir_ / (std::to_string(n) + ".eml");
    if (!testing::WaitFor([&] { return std::filesystem::exists(path); }, 15s)) return "";
    return ReadFile(path);
  }
  nlohmann::json Envelope(int n) const {
    return nlohmann::json::parse(ReadFile(dir_ / (std::to_string(n) + ".envelope.json")));
  }
  int Count() const {
    int n = 0;
    while (std::filesystem::exists(dir_ / (std::to_string(n + 1) + ".eml"))) ++n;
    return n;
  }

 private:
  std::filesystem::path dir_;
  pid_t pid_ = -1;
  bool ready_ = false;
  std::uint16_t port_ = 0;
};

RenderedMessage Rendered() {
  MailMessage message{.to = "Alice <alice@example.com>",
                      .subject = "Passwort zur\xC3\xBC\x63ksetzen",
                      .text_body = "Link: https://sr.example/reset?token=srr_TOKENVALUE123\n" +
                                   std::string(120, 'x') + "\n.\nlast line",
                      .html_body = "<p><a href=\"https://sr.example/\">Reset</a></p>"};
  auto rendered =
      RenderMessage(message, "strongroom <no-reply@example.org>", std::chrono::system_clock::now());
  EXPECT_TRUE(rendered);
  return *rendered;
}

// UnusedPort returns a loopback port that nothing listens on (just closed).
std::uint16_t UnusedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

void ExpectSafeError(const Error& error, const RenderedMessage& message) {
  EXPECT_EQ(error.code(), ErrorCode::kUnavailable);
  const std::string& text = error.message();
  for (std::string_view secret :
       {kPassword, std::string_view("correct horse"), std::string_view(message.envelope_to),
        std::string_view(message.envelope_from), std::string_view("srr_TOKENVALUE123")}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret << " in " << text;
  }
}

// --- configuration ---

class SmtpConfigTest : public ::testing::Test {
 protected:
  SmtpOptions Options() {
    SmtpOptions o;
    o.host = "smtp.example.org";
    o.user = "mailer";
    o.password_file = dir_.path() / "pw";
    return o;
  }
  void ExpectError(const SmtpOptions& options, ErrorCode code, std::string_view what) {
    auto r = SmtpTransport::Create(options);
    ASSERT_FALSE(r) << what;
    EXPECT_EQ(r.error().code(), code) << what << ": " << r.error().ToString();
    EXPECT_EQ(r.error().message().find(kPassword), std::string::npos);
  }
  void SetUp() override { WriteFile(dir_.path() / "pw", std::string(kPassword) + "\n", 0600); }
  TempDir dir_;
};

TEST_F(SmtpConfigTest, ParsesSecurityNames) {
  EXPECT_EQ(ParseSmtpSecurity("starttls"), SmtpSecurity::kStartTls);
  EXPECT_EQ(ParseSmtpSecurity("tls"), SmtpSecurity::kImplicitTls);
  EXPECT_EQ(ParseSmtpSecurity("none"), SmtpSecurity::kNone);
  for (std::string_view bad : {"", "ssl", "STARTTLS", "tls1.2", "plain"}) {
    EXPECT_FALSE(ParseSmtpSecurity(bad)) << bad;
  }
}

TEST_F(SmtpConfigTest, AcceptsGoodSettings) {
  EXPECT_TRUE(SmtpTransport::Create(Options()));
  SmtpOptions o = Options();
  o.host = "2001:db8::25";
  EXPECT_TRUE(SmtpTransport::Create(o));
  o.host = "[::1]";
  EXPECT_TRUE(SmtpTransport::Create(o));
  o.host = "192.0.2.7";
  o.user.clear();
  o.password_file.clear();
  o.security = SmtpSecurity::kNone;
  EXPECT_TRUE(SmtpTransport::Create(o));
}

TEST_F(SmtpConfigTest, RefusesBadSettings) {
  for (std::string_view host :
       {"", "smtp.example.org/x", "user@smtp.example.org", "smtp.example.org:25",
        "smtp example.org", "smtp.example.org?x", "-smtp.example.org", "smtp.example.org\r\n"}) {
    SmtpOptions o = Options();
    o.host = host;
    ExpectError(o, ErrorCode::kInvalidArgument, host);
  }
  SmtpOptions o = Options();
  o.port = 0;
  ExpectError(o, ErrorCode::kInvalidArgument, "port 0");
  o = Options();
  o.security = SmtpSecurity::kNone;
  ExpectError(o, ErrorCode::kInvalidArgument, "credentials without TLS");
  o = Options();
  o.password_file.clear();
  ExpectError(o, ErrorCode::kInvalidArgument, "user without password file");
  o = Options();
  o.user.clear();
  ExpectError(o, ErrorCode::kInvalidArgument, "password file without user");
  o = Options();
  o.user = "mailer\r\nRSET";
  ExpectError(o, ErrorCode::kInvalidArgument, "user with CRLF");
  o = Options();
  o.ca_file = dir_.path() / "missing-ca.pem";
  ExpectError(o, ErrorCode::kFailedPrecondition, "missing CA file");
  o = Options();
  o.password_file = dir_.path() / "missing";
  ExpectError(o, ErrorCode::kUnavailable, "missing password file");
}

TEST_F(SmtpConfigTest, RefusesAPasswordFileOthersCanRead) {
  ::chmod((dir_.path() / "pw").c_str(), 0640);
  ExpectError(Options(), ErrorCode::kFailedPrecondition, "group-readable password file");
  ::chmod((dir_.path() / "pw").c_str(), 0604);
  ExpectError(Options(), ErrorCode::kFailedPrecondition, "world-readable password file");
}

TEST_F(SmtpConfigTest, FailsFastWhenNothingListens) {
  SmtpOptions o;
  o.host = "127.0.0.1";
  o.port = UnusedPort();
  o.security = SmtpSecurity::kNone;
  auto transport = SmtpTransport::Create(o);
  ASSERT_TRUE(transport);
  const RenderedMessage message = Rendered();
  auto r = (*transport)->Deliver(message);
  ASSERT_FALSE(r);
  ExpectSafeError(r.error(), message);
  EXPECT_NE(r.error().message().find("127.0.0.1:"), std::string::npos) << r.error().message();

  (*transport)->Abort();
  auto aborted = (*transport)->Deliver(message);
  ASSERT_FALSE(aborted);
  EXPECT_NE(aborted.error().message().find("transport stopped"), std::string::npos);
}

// --- against a real SMTP server (aiosmtpd) ---

class SmtpSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::HaveAiosmtpd()) GTEST_SKIP() << "python3-aiosmtpd is not installed";
    WriteFile(dir_.path() / "client-password", std::string(kPassword) + "\n", 0600);
  }

  // Options for a sink on `port`: STARTTLS/TLS ones log in and trust its cert.
  SmtpOptions Options(const SinkProcess& sink, SmtpSecurity security) {
    SmtpOptions o;
    o.host = "localhost";
    o.port = sink.port();
    o.security = security;
    if (security != SmtpSecurity::kNone) {
      o.user = "mailer";
      o.password_file = dir_.path() / "client-password";
      o.ca_file = sink.cert();
    }
    return o;
  }

  // Deliver hands `message` to a new transport made from `options`; a
  // transport that cannot be made fails the test and the delivery.
  Status Deliver(const SmtpOptions& options, const RenderedMessage& message) {
    auto transport = SmtpTransport::Create(options);
    if (!transport) {
      ADD_FAILURE() << "SmtpTransport::Create: " << transport.error().ToString();
      return std::unexpected(transport.error());
    }
    return (*transport)->Deliver(message);
  }

  // ExpectDelivered sends a message with `options` and checks that `sink`
  // received exactly its bytes, from and to the envelope addresses.
  void ExpectDelivered(const SinkProcess& sink, const SmtpOptions& options) {
    const RenderedMessage message = Rendered();
    Status r = Deliver(options, message);
    ASSERT_TRUE(r) << r.error().ToString() << "\n" << sink.Log();
    const std::string received = sink.Message(1);
    ASSERT_FALSE(received.empty()) << sink.Log();
    EXPECT_EQ(received, message.data);
    const auto envelope = sink.Envelope(1);
    EXPECT_EQ(envelope["mail_from"], message.envelope_from);
    EXPECT_EQ(envelope["rcpt_tos"], nlohmann::json::array({message.envelope_to}));
  }

  // ExpectRefused sends a message with `options`, checks that delivery fails
  // with a safe error and that `sink` received nothing, and returns the
  // error's message.
  std::string ExpectRefused(const SinkProcess& sink, const SmtpOptions& options) {
    const RenderedMessage message = Rendered();
    Status r = Deliver(options, message);
    EXPECT_EQ(sink.Count(), 0);
    if (r) {
      ADD_FAILURE() << "delivered";
      return "";
    }
    ExpectSafeError(r.error(), message);
    return r.error().message();
  }

  TempDir dir_;
};

TEST_F(SmtpSinkTest, DeliversInCleartextWhenExplicitlyConfigured) {
  SinkProcess sink(dir_.path() / "sink", "none", /*auth=*/false);
  ASSERT_TRUE(sink.ready()) << sink.Log();
  ExpectDelivered(sink, Options(sink, SmtpSecurity::kNone));
}

TEST_F(SmtpSinkTest, DeliversOverStartTlsWithAuth) {
  SinkProcess sink(dir_.path() / "sink", "starttls", /*auth=*/true);
  ASSERT_TRUE(sink.ready()) << sink.Log();
  ExpectDelivered(sink, Options(sink, SmtpSecurity::kStartTls));
}

TEST_F(SmtpSinkTest, DeliversOverImplicitTlsWithAuth) {
  SinkProcess sink(dir_.path() / "sink", "tls", /*auth=*/true);
  ASSERT_TRUE(sink.ready()) << sink.Log();
  ExpectDelivered(sink, Options(sink, SmtpSecurity::kImplicitTls));
}

TEST_F(SmtpSinkTest, RefusesAnUntrustedCertificate) {
  SinkProcess sink(dir_.path() / "sink", "starttls", /*auth=*/true);
  ASSERT_TRUE(sink.ready()) << sink.Log();
  SmtpOptions o = Options(sink, SmtpSecurity::kStartTls);
  o.ca_file.clear();  // the system store does not know the sink's self-signed cert
  ExpectRefused(sink, o);
}

TEST_F(SmtpSinkTest, RefusesACertificateForAnotherHost) {
  SinkProcess sink(dir_.path() / "sink", "tls", /*auth=*/true);
  ASSERT_TRUE(sink.ready()) << sink.Log();
  SmtpOptions o = Options(sink, SmtpSecurity::kImplicitTls);
  o.host = "127.0.0.1";  // the certificate names only DNS:localhost
  ExpectRefused(sink, o);
}

TEST_F(SmtpSinkTest, StartTlsIsRequiredNotOpportunistic) {
  SinkProcess sink(dir_.path() / "sink", "none", /*auth=*/false);
  ASSERT_TRUE(sink.ready()) << sink.Log();
  SmtpOptions o = Options(sink, SmtpSecurity::kStartTls);
  o.ca_file.clear();
  o.user.clear();
  o.password_file.clear();
  ExpectRefused(sink, o);  // the server offers no STARTTLS
}

TEST_F(SmtpSinkTest, AWrongPasswordFailsWithoutLeakingIt) {
  SinkProcess sink(dir_.path() / "sink", "starttls", /*auth=*/true);
  ASSERT_TRUE(sink.ready()) << sink.Log();
  WriteFile(dir_.path() / "client-password", "wrong password value\n", 0600);
  const std::string error = ExpectRefused(sink, Options(sink, SmtpSecurity::kStartTls));
  EXPECT_EQ(error.find("wrong password"), std::string::npos) << error;
}

// The queue, the SMTP transport and Python's email parser end to end.
TEST_F(SmtpSinkTest, QueuedMailArrivesAndDecodes) {
  SinkProcess sink(dir_.path() / "sink", "starttls", /*auth=*/true);
  ASSERT_TRUE(sink.ready()) << sink.Log();
  auto transport = SmtpTransport::Create(Options(sink, SmtpSecurity::kStartTls));
  ASSERT_TRUE(transport);
  SystemClock clock;
  QueueOptions options{.path = dir_.path() / "mail-queue.db",
                       .from = "strongroom <no-reply@example.org>"};
  auto mailer = QueuedMailer::Create(options, std::move(*transport), testing::MakeCipher(), clock);
  ASSERT_TRUE(mailer) << mailer.error().ToString();
  (*mailer)->Start();
  MailMessage message{.to = "bob@example.com",
                      .subject = "V\xC3\xA9rifiez votre adresse",
                      .text_body = "Bonjour,\nhttps://sr.example/verify?token=srv_XYZ\n" +
                                   std::string(100, '=') + "\n",
                      .html_body = "<p>\xC3\xA9t\xC3\xA9</p>\n"};
  ASSERT_TRUE((*mailer)->Send(message));
  ASSERT_FALSE(sink.Message(1).empty()) << sink.Log();
  // The sink has the message a moment before the queue records the delivery,
  // and Stop aborts a delivery in flight (delivery is at least once): wait.
  EXPECT_TRUE(testing::WaitFor([&] { return (*mailer)->PendingCount() == 0; }));
  (*mailer)->Stop();
  EXPECT_EQ((*mailer)->PendingCount(), 0);

  const std::string out =
      testing::DecodeEml(dir_.path() / "sink" / "1.eml", dir_.path() / "d.json");
  ASSERT_FALSE(out.empty());
  const auto json = nlohmann::json::parse(out);
  EXPECT_EQ(json["subject"], message.subject);
  // Python keeps the canonical CRLF line breaks of the decoded text.
  EXPECT_EQ(json["text"], "Bonjour,\r\nhttps://sr.example/verify?token=srv_XYZ\r\n" +
                              std::string(100, '=') + "\r\n");
  EXPECT_EQ(json["html"], "<p>\xC3\xA9t\xC3\xA9</p>\r\n");
  EXPECT_EQ(json["defects"], nlohmann::json::array());
}

}  // namespace
}  // namespace sr::mail
