#include "api/auth.h"

#include <gtest/gtest.h>

namespace sr::api {
namespace {

TEST(AuthTest, CookieValueFindsTheNamedCookie) {
  EXPECT_EQ(CookieValue("a=1; __Host-strongroom_session=srs_x; b=2", kSessionCookie), "srs_x");
  EXPECT_EQ(CookieValue("__Host-strongroom_session=v", kSessionCookie), "v");
  EXPECT_FALSE(CookieValue("x__Host-strongroom_session=v", kSessionCookie));
  EXPECT_FALSE(CookieValue("", kSessionCookie));
  EXPECT_FALSE(CookieValue("a=1;b", kSessionCookie));
}

TEST(AuthTest, SessionCookieHasTheHostPrefixAttributes) {
  const std::string c = SessionCookie("srs_abc", std::chrono::seconds(60));
  EXPECT_TRUE(c.starts_with("__Host-strongroom_session=srs_abc;"));
  for (const char* attr : {"Path=/", "Secure", "HttpOnly", "SameSite=Lax", "Max-Age=60"}) {
    EXPECT_NE(c.find(attr), std::string::npos) << attr;
  }
  EXPECT_EQ(c.find("Domain"), std::string::npos);  // __Host- forbids it
  EXPECT_NE(ClearSessionCookie().find("Max-Age=0"), std::string::npos);
}

TEST(AuthTest, OriginOfKeepsSchemeHostAndPort) {
  EXPECT_EQ(OriginOf("https://vault.example.com:8443/x/y"), "https://vault.example.com:8443");
  EXPECT_EQ(OriginOf("https://localhost:8443"), "https://localhost:8443");
}

}  // namespace
}  // namespace sr::api
