#include "identity/password_hasher.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <new>
#include <thread>
#include <vector>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "crypto/random.h"

namespace sr::identity {
namespace {

namespace asio = boost::asio;

// Slot is a place on the pool; it gives the place back when released or
// destroyed, whichever comes first.
class Slot {
 public:
  explicit Slot(std::atomic<std::size_t>& count) : count_(&count) {}
  Slot(Slot&& other) noexcept : count_(std::exchange(other.count_, nullptr)) {}
  Slot& operator=(Slot&&) = delete;
  ~Slot() { Release(); }

  void Release() {
    if (count_ != nullptr) std::exchange(count_, nullptr)->fetch_sub(1);
  }

 private:
  std::atomic<std::size_t>* count_;
};

// RunOnPool runs `fn` (returning T, never throwing) on `pool` and completes
// on the awaiting coroutine's executor, holding outstanding work on it
// meanwhile so its io_context does not run out of work. The slot is given
// back before the result travels home.
//
// asio::post(pool, use_awaitable) would not do: post hands a handler with an
// associated executor back to that executor, so the coroutine would resume on
// its own io thread and run `fn` there.
//
// RunOnPool is deliberately not a coroutine, and its callers pass named
// objects: g++ 12 destroys a lambda's captures twice when the lambda is
// created in the same full-expression as a co_await.
template <typename T, typename Fn>
asio::awaitable<T> RunOnPool(asio::thread_pool::executor_type pool, Slot slot, Fn fn) {
  auto initiation = [pool, slot = std::move(slot), fn = std::move(fn)](auto handler) mutable {
    auto home = asio::prefer(asio::get_associated_executor(handler),
                             asio::execution::outstanding_work.tracked);
    asio::post(pool, [handler = std::move(handler), home = std::move(home), slot = std::move(slot),
                      fn = std::move(fn)]() mutable {
      T result = fn();
      slot.Release();
      asio::post(home, [handler = std::move(handler), result = std::move(result)]() mutable {
        handler(std::move(result));
      });
    });
  };
  return asio::async_initiate<const asio::use_awaitable_t<>&, void(T)>(std::move(initiation),
                                                                       asio::use_awaitable);
}

// Guarded turns an exception (only bad_alloc is expected) into an error, so
// that nothing throws out of a pool thread.
template <typename T, typename Fn>
T Guarded(Fn&& fn) noexcept {
  try {
    return fn();
  } catch (const std::bad_alloc&) {
    return Fail(ErrorCode::kResourceExhausted, "out of memory");
  } catch (const std::exception&) {
    return Fail(ErrorCode::kInternal, "password hashing failed");
  }
}

Result<std::string> MakeDummyHash(const crypto::Argon2Params& params) {
  // A random password nobody knows: VerifyAgainstDummy never matches.
  std::vector<std::uint8_t> bytes = crypto::RandomBytes(32);
  std::string password(bytes.begin(), bytes.end());
  return crypto::HashPassword(password, params);
}

unsigned ThreadCount(unsigned threads) {
  if (threads == 0) threads = std::thread::hardware_concurrency();
  return std::max(threads, 1u);
}

std::size_t Capacity(unsigned threads, std::size_t max_queue) {
  return max_queue > SIZE_MAX - threads ? SIZE_MAX : threads + max_queue;
}

std::unexpected<Error> Exhausted() {
  return std::unexpected(
      Error(ErrorCode::kResourceExhausted, "too many sign-ins in progress; retry shortly")
          .WithRetryAfter(std::chrono::seconds(1)));
}

}  // namespace

Result<std::unique_ptr<PasswordHasher>> PasswordHasher::Create(crypto::Argon2Params params,
                                                               unsigned threads,
                                                               std::size_t max_queue) {
  SR_TRY(crypto::ValidateArgon2Params(params));
  SR_ASSIGN_OR_RETURN(std::string dummy, MakeDummyHash(params));
  return std::unique_ptr<PasswordHasher>(
      new PasswordHasher(params, threads, max_queue, std::move(dummy)));
}

PasswordHasher::PasswordHasher(crypto::Argon2Params params, unsigned threads, std::size_t max_queue)
    : PasswordHasher(params, threads, max_queue, [&params] {
        auto dummy = MakeDummyHash(params);
        if (!dummy) {
          std::fprintf(stderr, "strongroom: fatal: PasswordHasher: %s\n",
                       dummy.error().ToString().c_str());
          std::abort();
        }
        return std::move(*dummy);
      }()) {}

PasswordHasher::PasswordHasher(crypto::Argon2Params params, unsigned threads, std::size_t max_queue,
                               std::string dummy_hash)
    : params_(params),
      capacity_(Capacity(ThreadCount(threads), max_queue)),
      dummy_hash_(std::move(dummy_hash)),
      pool_(ThreadCount(threads)) {}

// join() without stop() runs every queued job, so no caller is left waiting
// for a result that never comes; thread_pool's own destructor would stop first.
PasswordHasher::~PasswordHasher() { pool_.join(); }

bool PasswordHasher::TryAcquire() {
  if (queued_.fetch_add(1) < capacity_) return true;
  queued_.fetch_sub(1);
  return false;
}

boost::asio::awaitable<Result<std::string>> PasswordHasher::Hash(std::string password) {
  if (!TryAcquire()) co_return Exhausted();
  Slot slot(queued_);
  auto job = [params = params_, password = std::move(password)] {
    return Guarded<Result<std::string>>([&] { return crypto::HashPassword(password, params); });
  };
  auto hashed =
      RunOnPool<Result<std::string>>(pool_.get_executor(), std::move(slot), std::move(job));
  co_return co_await std::move(hashed);
}

boost::asio::awaitable<Result<bool>> PasswordHasher::Verify(std::string phc, std::string password) {
  if (!TryAcquire()) co_return Exhausted();
  Slot slot(queued_);
  auto job = [phc = std::move(phc), password = std::move(password)] {
    return Guarded<Result<bool>>([&] { return crypto::VerifyPassword(phc, password); });
  };
  auto verified = RunOnPool<Result<bool>>(pool_.get_executor(), std::move(slot), std::move(job));
  co_return co_await std::move(verified);
}

boost::asio::awaitable<Result<bool>> PasswordHasher::VerifyAgainstDummy(std::string password) {
  Result<bool> verified = co_await Verify(dummy_hash_, std::move(password));
  if (!verified) co_return verified;
  co_return false;
}

boost::asio::awaitable<void> PasswordHasher::VerifyDummy(std::string password) {
  (void)co_await VerifyAgainstDummy(std::move(password));
}

bool PasswordHasher::NeedsRehash(std::string_view phc) const {
  return crypto::NeedsRehash(phc, params_);
}

}  // namespace sr::identity
