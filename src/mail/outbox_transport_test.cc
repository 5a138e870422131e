#include "mail/outbox_transport.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "common/testing/temp_dir.h"
#include "mail/internal/test_util.h"

namespace sr::mail {
namespace {

using testing::FileMode;
using testing::ReadFile;

std::vector<std::filesystem::path> Files(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

class OutboxTransportTest : public ::testing::Test {
 protected:
  sr::testing::TempDir dir_;
  std::filesystem::path outbox_ = dir_.path() / "data" / "outbox";
  // 2025-07-01T12:00:00.250Z
  FakeClock clock_{Clock::TimePoint{std::chrono::milliseconds(1751371200250)}};
};

TEST_F(OutboxTransportTest, CreatesAPrivateDirectory) {
  auto transport = OutboxTransport::Create(outbox_, clock_);
  ASSERT_TRUE(transport) << transport.error().ToString();
  EXPECT_EQ(FileMode(outbox_), 0700u);
  EXPECT_EQ(OutboxTransport::Create("", clock_).error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(OutboxTransportTest, WritesAParsableEmlWithMode0600) {
  auto transport = OutboxTransport::Create(outbox_, clock_);
  ASSERT_TRUE(transport);
  MailMessage message{.to = "alice@example.com",
                      .subject = "Caf\xC3\xA9 \xE2\x98\x95",
                      .text_body = "Your link: https://sr.example/verify?token=srv_abc\n",
                      .html_body = "<p>Your <a href=\"https://sr.example/\">link</a></p>"};
  auto rendered = RenderMessage(message, "strongroom <no-reply@example.org>", clock_.Now());
  ASSERT_TRUE(rendered);
  ASSERT_TRUE((*transport)->Deliver(*rendered));
  clock_.Advance(std::chrono::seconds(1));
  ASSERT_TRUE((*transport)->Deliver(*rendered));

  const auto files = Files(outbox_);
  ASSERT_EQ(files.size(), 2u);
  const std::string id = rendered->message_id.substr(1, rendered->message_id.size() - 2);
  EXPECT_EQ(files[0].filename(), "20250701T120000.250000Z-" + id + ".eml");
  EXPECT_EQ(files[1].filename(), "20250701T120001.250000Z-" + id + ".eml");
  EXPECT_TRUE(
      std::regex_match(files[0].filename().string(),
                       std::regex(R"(\d{8}T\d{6}\.\d{6}Z-[0-9a-f]{32}@example\.org\.eml)")));
  EXPECT_EQ(FileMode(files[0]), 0600u);
  EXPECT_EQ(ReadFile(files[0]), rendered->data);

  if (::access(testing::kPython, X_OK) != 0) GTEST_SKIP() << "no /usr/bin/python3";
  const std::string out = testing::DecodeEml(files[0], dir_.path() / "decoded.json");
  ASSERT_FALSE(out.empty()) << ReadFile(dir_.path() / "decoded.json");
  const auto json = nlohmann::json::parse(out);
  EXPECT_EQ(json["subject"], message.subject);
  // Decoded text has canonical CRLF line breaks; the CRLF before a boundary
  // belongs to the boundary, so the html part has no final line break.
  EXPECT_EQ(json["text"], "Your link: https://sr.example/verify?token=srv_abc\r\n");
  EXPECT_EQ(json["html"], message.html_body);
  EXPECT_EQ(json["headers"]["To"], "alice@example.com");
  EXPECT_EQ(json["defects"], nlohmann::json::array());
}

TEST_F(OutboxTransportTest, FileNamesCannotEscapeTheDirectory) {
  auto transport = OutboxTransport::Create(outbox_, clock_);
  ASSERT_TRUE(transport);
  RenderedMessage message;
  message.message_id = "<../../x/y@z>";
  message.data = "x";
  ASSERT_TRUE((*transport)->Deliver(message));
  const auto files = Files(outbox_);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].filename(), "20250701T120000.250000Z-....xy@z.eml");
}

TEST_F(OutboxTransportTest, FailureIsUnavailable) {
  auto transport = OutboxTransport::Create(outbox_, clock_);
  ASSERT_TRUE(transport);
  std::filesystem::remove_all(outbox_);
  RenderedMessage message;
  message.message_id = "<a@b>";
  message.data = "secret body";
  auto r = (*transport)->Deliver(message);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(r.error().message().find("secret body"), std::string::npos);
}

}  // namespace
}  // namespace sr::mail
