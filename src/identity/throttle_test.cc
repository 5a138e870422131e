#include "identity/throttle.h"

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace sr::identity {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

// Options with only the layer under test in reach of the test's traffic.
ThrottleOptions AccountOnly() {
  ThrottleOptions o;
  o.ip_max_failures = 1'000'000;
  o.global_min_attempts = 1'000'000;
  return o;
}

ThrottleOptions IpOnly() {
  ThrottleOptions o;
  o.account_free_failures = 1'000'000;
  o.account_lockout_failures = 1'000'000;
  o.global_min_attempts = 1'000'000;
  return o;
}

std::string Ip(int i) { return "10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256); }

class ThrottleTest : public ::testing::Test {
 protected:
  FakeClock clock_{FakeClock::TimePoint(hours(24 * 365 * 50))};
};

TEST_F(ThrottleTest, FirstFailuresAreFreeThenTheDelayDoublesUpToTheCap) {
  SignInThrottle t(AccountOnly(), clock_);
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(t.Check("alice", "ip").allowed) << i;
    EXPECT_FALSE(t.RecordFailure("alice", "ip"));
  }
  // After the 5th failure: 1 s, then 2, 4, ... 512, then the 900 s cap.
  seconds expected(1);
  for (int failure = 5; failure < 20; ++failure) {
    ThrottleDecision d = t.Check("alice", "ip");
    ASSERT_FALSE(d.allowed) << failure;
    EXPECT_EQ(d.reason, "account");
    EXPECT_EQ(d.retry_after, expected) << failure;
    clock_.Advance(d.retry_after - seconds(1));
    EXPECT_FALSE(t.Check("alice", "ip").allowed) << failure;
    clock_.Advance(seconds(1));
    EXPECT_TRUE(t.Check("alice", "ip").allowed) << failure;
    t.RecordFailure("alice", "ip");
    expected = std::min(expected * 2, seconds(900));
  }
  // Other accounts are unaffected.
  EXPECT_TRUE(t.Check("bob", "ip").allowed);
}

TEST_F(ThrottleTest, RetryAfterCountsFromTheLastFailure) {
  SignInThrottle t(AccountOnly(), clock_);
  for (int i = 0; i < 8; ++i) t.RecordFailure("alice", "ip");  // delay 8 s
  clock_.Advance(std::chrono::milliseconds(2500));
  EXPECT_EQ(t.Check("alice", "ip").retry_after, seconds(6));  // 5.5 s rounded up
}

TEST_F(ThrottleTest, AClockSteppingBackDoesNotStretchWaits) {
  ThrottleOptions o;
  o.ip_max_failures = 8;
  SignInThrottle t(o, clock_);
  for (int i = 0; i < 8; ++i) t.RecordFailure("alice", "ip");  // account 8 s, ip 300 s
  clock_.Advance(-hours(1));
  EXPECT_EQ(t.Check("bob", "ip").retry_after, seconds(300));
  EXPECT_EQ(t.Check("alice", "other-ip").retry_after, seconds(8));
}

TEST_F(ThrottleTest, AnAllowedCheckInTheDelayRegimeReservesTheAttempt) {
  SignInThrottle t(AccountOnly(), clock_);
  for (int i = 0; i < 5; ++i) t.RecordFailure("alice", "ip");
  clock_.Advance(seconds(1));
  EXPECT_TRUE(t.Check("alice", "ip").allowed);
  // A concurrent attempt, before the first one's outcome is recorded.
  ThrottleDecision d = t.Check("alice", "ip");
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after, seconds(1));
}

TEST_F(ThrottleTest, SuccessAndResetClearTheAccount) {
  SignInThrottle t(AccountOnly(), clock_);
  for (int i = 0; i < 10; ++i) t.RecordFailure("alice", "ip");
  EXPECT_FALSE(t.Check("alice", "ip").allowed);
  t.RecordSuccess("alice", "ip");
  EXPECT_TRUE(t.Check("alice", "ip").allowed);
  // Five free failures again.
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(t.Check("alice", "ip").allowed);
    t.RecordFailure("alice", "ip");
  }
  EXPECT_FALSE(t.Check("alice", "ip").allowed);
  t.ResetAccount("alice");
  EXPECT_TRUE(t.Check("alice", "ip").allowed);
  EXPECT_EQ(t.TrackedAccounts(), 0u);
}

TEST_F(ThrottleTest, LockoutIsReportedOnceAtTheThresholdWithinAnHour) {
  SignInThrottle t(AccountOnly(), clock_);
  int lockouts = 0;
  for (int i = 1; i <= 150; ++i) {
    clock_.Advance(seconds(10));  // 100 failures take 1000 s < 1 h
    bool locked = t.RecordFailure("alice", "ip");
    if (locked) {
      ++lockouts;
      EXPECT_EQ(i, 100);
    }
  }
  EXPECT_EQ(lockouts, 1);
}

TEST_F(ThrottleTest, FailuresSpreadOverMoreThanAnHourDoNotLock) {
  SignInThrottle t(AccountOnly(), clock_);
  for (int i = 0; i < 99; ++i) EXPECT_FALSE(t.RecordFailure("alice", "ip"));
  clock_.Advance(minutes(61));
  for (int i = 0; i < 99; ++i) EXPECT_FALSE(t.RecordFailure("alice", "ip"));
  // But 100 within the hour do.
  EXPECT_TRUE(t.RecordFailure("alice", "ip"));
}

TEST_F(ThrottleTest, LockoutCountsAfterASuccessStartAgain) {
  SignInThrottle t(AccountOnly(), clock_);
  for (int i = 0; i < 99; ++i) t.RecordFailure("alice", "ip");
  t.RecordSuccess("alice", "ip");
  for (int i = 0; i < 99; ++i) EXPECT_FALSE(t.RecordFailure("alice", "ip"));
}

TEST_F(ThrottleTest, IpIsLimitedWithinItsWindowAndReleasedAfterIt) {
  SignInThrottle t(IpOnly(), clock_);
  const std::string ip = "192.0.2.7";
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(t.Check("user" + std::to_string(i), ip).allowed) << i;
    t.RecordFailure("user" + std::to_string(i), ip);
    clock_.Advance(seconds(1));
  }
  // 30 failures in the last 30 s: the 31st attempt waits until the first
  // failure leaves the 5-minute window.
  ThrottleDecision d = t.Check("someone-else", ip);
  ASSERT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, "ip");
  EXPECT_EQ(d.retry_after, seconds(300 - 30));
  EXPECT_TRUE(t.Check("someone-else", "192.0.2.8").allowed);
  // A success on the IP does not clear its failures.
  t.RecordSuccess("own-account", ip);
  EXPECT_FALSE(t.Check("someone-else", ip).allowed);

  clock_.Advance(d.retry_after);
  EXPECT_TRUE(t.Check("someone-else", ip).allowed);
  // One slot freed; the next failure fills it again for one second.
  t.RecordFailure("someone-else", ip);
  d = t.Check("someone-else", ip);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after, seconds(1));
  clock_.Advance(seconds(300));
  EXPECT_TRUE(t.Check("someone-else", ip).allowed);
}

TEST_F(ThrottleTest, GlobalGuardTurnsAwayUnknownIpsDuringStuffing) {
  ThrottleOptions o;  // defaults: 100 attempts per minute, 80 % failures
  SignInThrottle t(o, clock_);
  // 200 sign-ins in a minute, 90 % failing, each from its own IP and
  // account so that no other layer speaks.
  for (int i = 0; i < 200; ++i) {
    if (i % 10 == 0) {
      t.RecordSuccess("good" + std::to_string(i), Ip(i));
    } else {
      t.RecordFailure("victim" + std::to_string(i), Ip(i));
    }
    if (i % 4 == 0) clock_.Advance(seconds(1));
  }
  ThrottleDecision d = t.Check("someone", "203.0.113.1");
  ASSERT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, "global");
  EXPECT_GE(d.retry_after, seconds(1));
  EXPECT_LE(d.retry_after, seconds(5));
  // An IP that signed in successfully within the window gets through; one
  // that only failed is not known-good and is turned away too.
  EXPECT_TRUE(t.Check("someone", Ip(190)).allowed);
  EXPECT_FALSE(t.Check("someone", Ip(191)).allowed);
  // Once the window has passed, the guard is quiet again.
  clock_.Advance(seconds(61));
  EXPECT_TRUE(t.Check("someone", "203.0.113.1").allowed);
}

TEST_F(ThrottleTest, GlobalGuardNeedsBothVolumeAndFailureRatio) {
  SignInThrottle t(ThrottleOptions{}, clock_);
  for (int i = 0; i < 99; ++i) t.RecordFailure("v" + std::to_string(i), Ip(i));
  EXPECT_TRUE(t.Check("someone", "203.0.113.1").allowed);  // 99 < 100 attempts
  for (int i = 0; i < 30; ++i) t.RecordSuccess("g" + std::to_string(i), Ip(1000 + i));
  // 129 attempts, 99 failures: 77 % <= 80 %.
  EXPECT_TRUE(t.Check("someone", "203.0.113.1").allowed);
}

TEST_F(ThrottleTest, DisabledAlwaysAllows) {
  ThrottleOptions o;
  o.enabled = false;
  SignInThrottle t(o, clock_);
  for (int i = 0; i < 200; ++i) EXPECT_FALSE(t.RecordFailure("alice", "ip"));
  ThrottleDecision d = t.Check("alice", "ip");
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.retry_after, seconds(0));
  EXPECT_EQ(t.TrackedAccounts(), 0u);
}

TEST_F(ThrottleTest, WhenSeveralLayersDenyTheLongestWaitWins) {
  ThrottleOptions o;
  o.ip_max_failures = 10;
  SignInThrottle t(o, clock_);
  for (int i = 0; i < 10; ++i) t.RecordFailure("alice", "ip");  // account: 32 s
  ThrottleDecision d = t.Check("alice", "ip");                  // ip: 300 s
  ASSERT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, "ip");
  EXPECT_EQ(d.retry_after, seconds(300));
}

TEST_F(ThrottleTest, MemoryStaysBounded) {
  ThrottleOptions o = AccountOnly();
  o.max_tracked_keys = 100;
  SignInThrottle t(o, clock_);
  for (int i = 0; i < 200; ++i) {
    t.RecordFailure("user" + std::to_string(i), Ip(i));
    EXPECT_LE(t.TrackedAccounts(), 100u);
    EXPECT_LE(t.TrackedIps(), 100u);
  }
  EXPECT_EQ(t.TrackedAccounts(), 100u);
  EXPECT_EQ(t.TrackedIps(), 100u);
}

TEST_F(ThrottleTest, IdleEntriesAreSweptAway) {
  SignInThrottle t(AccountOnly(), clock_);
  for (int i = 0; i < 10; ++i) t.RecordFailure("user" + std::to_string(i), Ip(i));
  clock_.Advance(hours(2));
  for (int i = 0; i < 10; ++i) t.Check("x", "y");
  EXPECT_EQ(t.TrackedAccounts(), 0u);
  EXPECT_EQ(t.TrackedIps(), 0u);
}

TEST_F(ThrottleTest, AFloodOfFreshKeysDoesNotResetAVictimInTheDelayRegime) {
  ThrottleOptions o = AccountOnly();
  o.max_tracked_keys = 100;
  SignInThrottle t(o, clock_);
  for (int i = 0; i < 8; ++i) t.RecordFailure("victim", "attacker");  // delay 8 s
  for (int i = 0; i < 200; ++i) t.RecordFailure("junk" + std::to_string(i), Ip(i));
  ThrottleDecision d = t.Check("victim", "attacker");
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, "account");
  EXPECT_EQ(d.retry_after, seconds(8));
  EXPECT_LE(t.TrackedAccounts(), 100u);
}

// Many threads at once (run under the sanitizers): the counts add up.
TEST_F(ThrottleTest, IsThreadSafe) {
  ThrottleOptions o = AccountOnly();
  o.account_lockout_failures = 4 * 500;
  o.max_tracked_keys = 64;
  SignInThrottle t(o, clock_);
  std::atomic<int> lockouts{0};
  {
    std::vector<std::jthread> threads;
    for (int n = 0; n < 4; ++n) {
      threads.emplace_back([&, n] {
        for (int i = 0; i < 500; ++i) {
          t.Check("shared", Ip(n));
          if (t.RecordFailure("shared", Ip(n))) ++lockouts;
          t.RecordFailure("own" + std::to_string(n * 1000 + i), Ip(n * 1000 + i));
          if (i % 50 == 0) t.RecordSuccess("other", Ip(n));
        }
      });
    }
  }
  EXPECT_EQ(lockouts.load(), 1);
  EXPECT_LE(t.TrackedAccounts(), 64u);
  EXPECT_LE(t.TrackedIps(), 64u);
}

}  // namespace
}  // namespace sr::identity
