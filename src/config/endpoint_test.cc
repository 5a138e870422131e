#include "config/endpoint.h"

#include <gtest/gtest.h>

namespace sr::config {
namespace {

TEST(EndpointTest, ParsesHostAndPort) {
  EXPECT_EQ(*ParseEndpoint("0.0.0.0:8443"), (Endpoint{"0.0.0.0", 8443}));
  EXPECT_EQ(*ParseEndpoint("localhost:65535"), (Endpoint{"localhost", 65535}));
  EXPECT_EQ(*ParseEndpoint("vault-1.example.com:1"), (Endpoint{"vault-1.example.com", 1}));
}

TEST(EndpointTest, ParsesBracketedIpv6) {
  EXPECT_EQ(*ParseEndpoint("[::1]:8443"), (Endpoint{"::1", 8443}));
  EXPECT_EQ(*ParseEndpoint("[::]:443"), (Endpoint{"::", 443}));
  EXPECT_EQ(*ParseEndpoint("[fe80::1%eth0]:80"), (Endpoint{"fe80::1%eth0", 80}));
}

TEST(EndpointTest, AllowsEphemeralPort) {
  EXPECT_EQ(*ParseEndpoint("127.0.0.1:0"), (Endpoint{"127.0.0.1", 0}));
}

TEST(EndpointTest, RejectsMalformedInput) {
  for (std::string_view bad :
       {"", "localhost", "localhost:", ":8443", "host:65536", "host:99999999", "host:-1", "host:+1",
        "host:80x", "::1:80", "[::1]", "[::1]80", "[::1:80", "[]:80", "[localhost]:80", "ho st:80",
        "host/x:80", "host:8 0"}) {
    Result<Endpoint> e = ParseEndpoint(bad);
    EXPECT_FALSE(e) << "accepted '" << bad << "'";
    if (!e) {
      EXPECT_EQ(e.error().code(), ErrorCode::kInvalidArgument);
    }
  }
}

TEST(EndpointTest, FormatRoundTrips) {
  for (std::string_view text : {"0.0.0.0:8443", "[::1]:0", "localhost:80"}) {
    Result<Endpoint> e = ParseEndpoint(text);
    ASSERT_TRUE(e) << text;
    EXPECT_EQ(FormatEndpoint(*e), text);
  }
}

}  // namespace
}  // namespace sr::config
