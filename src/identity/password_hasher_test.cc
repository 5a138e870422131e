#include "identity/password_hasher.h"

#include <utility>

#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

namespace sr::identity {
namespace {

namespace asio = boost::asio;

// The policy floor: the cheapest parameters the public API accepts (tens of
// milliseconds per hash).
constexpr crypto::Argon2Params kFloor{.memory_kib = crypto::kMinArgon2MemoryKib,
                                      .iterations = crypto::kMinArgon2Iterations};

// RunOne runs `body` as a coroutine on a fresh io_context in this thread
// until it and everything it started have finished.
template <typename Body>
void RunOne(Body body) {
  asio::io_context io;
  bool done = false;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        co_await body(io);
        done = true;
      },
      [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
      });
  io.run();
  EXPECT_TRUE(done);
}

TEST(PasswordHasherTest, HashThenVerify) {
  PasswordHasher hasher(kFloor, 2, 8);
  RunOne([&](asio::io_context&) -> asio::awaitable<void> {
    Result<std::string> phc = co_await hasher.Hash("correct horse battery staple");
    EXPECT_TRUE(phc) << phc.error().ToString();
    if (!phc) co_return;
    EXPECT_TRUE(phc->starts_with("$argon2id$v=19$m=19456,t=2,p=1$")) << *phc;
    EXPECT_EQ(co_await hasher.Verify(*phc, "correct horse battery staple"), true);
    EXPECT_EQ(co_await hasher.Verify(*phc, "correct horse battery stapler"), false);
    Result<bool> malformed = co_await hasher.Verify("$argon2id$nonsense", "x");
    EXPECT_FALSE(malformed);
    if (!malformed) {
      EXPECT_EQ(malformed.error().code(), ErrorCode::kInvalidArgument);
    }
  });
  EXPECT_EQ(hasher.Jobs(), 0u);
}

TEST(PasswordHasherTest, ResumesOnTheCallersThread) {
  PasswordHasher hasher(kFloor, 1, 4);
  std::thread::id before, after;
  std::optional<std::thread::id> io_thread;
  std::jthread runner([&] {
    io_thread = std::this_thread::get_id();
    RunOne([&](asio::io_context&) -> asio::awaitable<void> {
      before = std::this_thread::get_id();
      Result<std::string> phc = co_await hasher.Hash("pw");
      EXPECT_TRUE(phc);
      after = std::this_thread::get_id();
      EXPECT_EQ(co_await hasher.Verify(phc.value_or(""), "pw"), true);
      EXPECT_EQ(std::this_thread::get_id(), before);
    });
  });
  runner.join();
  ASSERT_TRUE(io_thread);
  EXPECT_EQ(before, *io_thread);
  EXPECT_EQ(after, *io_thread);
}

// While a hash runs, the io thread stays free: another coroutine on the same
// single-threaded io_context keeps getting turns. Were the hash computed on
// the io thread, it would get one or two.
TEST(PasswordHasherTest, DoesNotBlockTheIoThread) {
  PasswordHasher hasher(kFloor, 1, 4);
  asio::io_context io;
  bool hashed = false;
  int turns = 0;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        EXPECT_TRUE(co_await hasher.Hash("pw"));
        hashed = true;
      },
      asio::detached);
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        while (!hashed) {
          ++turns;
          co_await asio::post(io, asio::use_awaitable);
        }
      },
      asio::detached);
  io.run();
  EXPECT_TRUE(hashed);
  EXPECT_GT(turns, 10);
}

TEST(PasswordHasherTest, FullQueueAnswersResourceExhaustedAtOnce) {
  PasswordHasher hasher(kFloor, 1, 1);
  asio::io_context io;
  std::vector<Result<std::string>> results;
  for (int i = 0; i < 3; ++i) {
    asio::co_spawn(
        io, [&]() -> asio::awaitable<void> { results.push_back(co_await hasher.Hash("pw")); },
        asio::detached);
  }
  io.run();
  ASSERT_EQ(results.size(), 3u);
  int ok = 0, exhausted = 0;
  for (const auto& r : results) {
    if (r) {
      ++ok;
    } else {
      EXPECT_EQ(r.error().code(), ErrorCode::kResourceExhausted);
      EXPECT_EQ(r.error().message(), "too many sign-ins in progress; retry shortly");
      ++exhausted;
    }
  }
  // One job runs and one waits; the third is turned away.
  EXPECT_GE(ok, 1);
  EXPECT_LE(ok, 2);
  EXPECT_GE(exhausted, 1);
  // The places were given back.
  EXPECT_EQ(hasher.Jobs(), 0u);
  RunOne(
      [&](asio::io_context&) -> asio::awaitable<void> { EXPECT_TRUE(co_await hasher.Hash("pw")); });
}

TEST(PasswordHasherTest, VerifyIsBoundedToo) {
  PasswordHasher hasher(kFloor, 1, 0);  // one job at a time, none waiting
  std::string phc;
  RunOne([&](asio::io_context&) -> asio::awaitable<void> {
    phc = (co_await hasher.Hash("pw")).value_or("");
  });
  asio::io_context io;
  std::vector<std::optional<Result<bool>>> results(3);
  for (int i = 0; i < 2; ++i) {
    asio::co_spawn(
        io, [&, i]() -> asio::awaitable<void> { results[i] = co_await hasher.Verify(phc, "pw"); },
        asio::detached);
  }
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { results[2] = co_await hasher.VerifyAgainstDummy("pw"); },
      asio::detached);
  io.run();
  // The first Verify took the only place; the others were turned away.
  ASSERT_TRUE(results[0] && results[1] && results[2]);
  EXPECT_EQ(*results[0], true);
  for (int i : {1, 2}) {
    ASSERT_FALSE(*results[i]);
    EXPECT_EQ(results[i]->error().code(), ErrorCode::kResourceExhausted);
  }
}

TEST(PasswordHasherTest, NeedsRehashWhenParametersChange) {
  PasswordHasher old_hasher(kFloor, 1, 4);
  std::string phc;
  RunOne([&](asio::io_context&) -> asio::awaitable<void> {
    phc = (co_await old_hasher.Hash("pw")).value_or("");
  });
  ASSERT_FALSE(phc.empty());
  EXPECT_FALSE(old_hasher.NeedsRehash(phc));
  EXPECT_TRUE(old_hasher.NeedsRehash("not a hash"));

  crypto::Argon2Params stronger = kFloor;
  stronger.iterations = 3;
  PasswordHasher new_hasher(stronger, 1, 4);
  EXPECT_TRUE(new_hasher.NeedsRehash(phc));
  // The old hash still verifies, so sign-in can rehash it.
  RunOne([&](asio::io_context&) -> asio::awaitable<void> {
    EXPECT_EQ(co_await new_hasher.Verify(phc, "pw"), true);
    auto rehashed = co_await new_hasher.Hash("pw");
    EXPECT_TRUE(rehashed);
    EXPECT_FALSE(new_hasher.NeedsRehash(rehashed.value_or("")));
  });
}

TEST(PasswordHasherTest, VerifyDummyRunsAndNeverMatches) {
  PasswordHasher hasher(kFloor, 1, 4);
  RunOne([&](asio::io_context&) -> asio::awaitable<void> {
    co_await hasher.VerifyDummy("anything");
    co_await hasher.VerifyDummy("");
    EXPECT_EQ(co_await hasher.VerifyAgainstDummy("anything"), false);
    EXPECT_EQ(co_await hasher.VerifyAgainstDummy(""), false);
  });
  EXPECT_EQ(hasher.Jobs(), 0u);
}

TEST(PasswordHasherTest, CreateRefusesWeakParameters) {
  auto weak = PasswordHasher::Create({.memory_kib = 8, .iterations = 1}, 1, 4);
  ASSERT_FALSE(weak);
  EXPECT_EQ(weak.error().code(), ErrorCode::kInvalidArgument);
  auto good = PasswordHasher::Create(kFloor, 0, 4);
  ASSERT_TRUE(good) << good.error().ToString();
  EXPECT_EQ((*good)->params().memory_kib, kFloor.memory_kib);
}

TEST(PasswordHasherDeathTest, ConstructorAbortsOnWeakParameters) {
  EXPECT_DEATH(PasswordHasher({.memory_kib = 8, .iterations = 1}, 1, 4), "PasswordHasher");
}

// The destructor waits for queued jobs; their results still reach the
// (stopped, not yet destroyed) io_context.
TEST(PasswordHasherTest, DestructorFinishesQueuedJobs) {
  asio::io_context io;
  std::optional<Result<std::string>> result;
  {
    PasswordHasher hasher(kFloor, 1, 4);
    asio::co_spawn(
        io, [&]() -> asio::awaitable<void> { result = co_await hasher.Hash("pw"); },
        asio::detached);
    io.run_one();  // starts the coroutine, which queues the job and waits
    EXPECT_FALSE(result);
  }
  io.run();
  ASSERT_TRUE(result);
  EXPECT_TRUE(*result);
}

}  // namespace
}  // namespace sr::identity
