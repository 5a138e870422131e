#include "mail/internal/payload.h"

#include <gtest/gtest.h>

namespace sr::mail::internal {
namespace {

TEST(PayloadTest, RoundTrips) {
  const RenderedMessage message{.message_id = "<0123@example.org>",
                                .envelope_from = "no-reply@example.org",
                                .envelope_to = "alice@example.com",
                                .data = "Subject: x\r\n\r\nbody \"quoted\" \\ \x01\r\n"};
  const std::string payload = EncodePayload(message);
  EXPECT_TRUE(payload.starts_with(R"({"v":1,)")) << payload;
  auto decoded = DecodePayload(payload);
  ASSERT_TRUE(decoded) << decoded.error().ToString();
  EXPECT_EQ(decoded->message_id, message.message_id);
  EXPECT_EQ(decoded->envelope_from, message.envelope_from);
  EXPECT_EQ(decoded->envelope_to, message.envelope_to);
  EXPECT_EQ(decoded->data, message.data);
}

TEST(PayloadTest, AnythingElseIsDataLoss) {
  for (std::string_view bad : {
           "",
           "not json",
           "[]",
           "null",
           R"({"v":2,"message_id":"a","from":"b","to":"c","data":"d"})",
           R"({"v":"1","message_id":"a","from":"b","to":"c","data":"d"})",
           R"({"message_id":"a","from":"b","to":"c","data":"d"})",
           R"({"v":1,"message_id":"a","from":"b","to":"c"})",
           R"({"v":1,"message_id":"a","from":"b","to":["c"],"data":"d"})",
           R"({"v":1,"message_id":"a","from":"b","to":"c","data":"d")",
       }) {
    auto r = DecodePayload(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code(), ErrorCode::kDataLoss) << bad;
  }
}

}  // namespace
}  // namespace sr::mail::internal
