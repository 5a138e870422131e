#pragma once
// PasswordHasher runs Argon2id on a bounded pool of threads sized to the
// cores, so a sign-in flood queues here instead of starving the io threads
// that serve every other request. When the queue is full, callers get
// kResourceExhausted at once. Thread-safe.
//
// Lifetime: a coroutine awaiting Hash/Verify resumes on its own executor
// (the caller's io_context or strand) once the pool has finished the job;
// after it resumes it no longer touches the hasher. Destroy the hasher after
// the io threads have stopped calling it but *before* the io_contexts its
// callers run on (e.g. declare it after them): the destructor waits for every
// job already queued, and each job posts its result to the caller's
// io_context, which must still exist (it may be stopped).

#include <utility>  // Boost 1.74's awaitable.hpp needs it first.

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include "common/error.h"
#include "crypto/password.h"

namespace sr::identity {

class PasswordHasher {
 public:
  // Create checks `params` against crypto::ValidateArgon2Params and makes the
  // dummy hash, returning an error (kInvalidArgument, kResourceExhausted)
  // instead of aborting like the constructor.
  static Result<std::unique_ptr<PasswordHasher>> Create(crypto::Argon2Params params,
                                                        unsigned threads, std::size_t max_queue);

  // threads == 0 means one per core (at least one); max_queue bounds the
  // jobs waiting for a thread, so at most threads + max_queue are on the
  // pool. `params` must pass crypto::ValidateArgon2Params (the config is
  // validated first): the constructor hashes the dummy password with them
  // and aborts the process if that fails. Use Create to get an error instead.
  PasswordHasher(crypto::Argon2Params params, unsigned threads, std::size_t max_queue);
  // ~PasswordHasher waits for all queued jobs (see Lifetime above).
  ~PasswordHasher();

  PasswordHasher(const PasswordHasher&) = delete;
  PasswordHasher& operator=(const PasswordHasher&) = delete;

  const crypto::Argon2Params& params() const { return params_; }
  // Jobs returns how many jobs are on the pool, running or waiting (for
  // metrics and tests); at most threads + max_queue.
  std::size_t Jobs() const { return queued_.load(); }

  // Hash hashes `password` on the pool and resumes on the caller's executor.
  // Errors: kResourceExhausted when max_queue jobs are already waiting, else
  // those of crypto::HashPassword.
  boost::asio::awaitable<Result<std::string>> Hash(std::string password);
  // Verify checks `password` against `phc` on the pool, resuming like Hash.
  // Errors: kResourceExhausted when the queue is full, else those of
  // crypto::VerifyPassword.
  boost::asio::awaitable<Result<bool>> Verify(std::string phc, std::string password);
  // VerifyDummy spends the time of a real verification against a fixed hash
  // with the current parameters, so an unknown e-mail costs what a wrong
  // password costs. When the queue is full it returns at once; see
  // VerifyAgainstDummy.
  boost::asio::awaitable<void> VerifyDummy(std::string password);
  // VerifyAgainstDummy is VerifyDummy with Verify's answer: false after the
  // same work, or kResourceExhausted when the queue is full — exactly what
  // Verify answers for a known account. Sign-in should prefer it, so that
  // an unknown e-mail is not the only one answered "wrong password" while
  // the pool is saturated.
  boost::asio::awaitable<Result<bool>> VerifyAgainstDummy(std::string password);
  // NeedsRehash reports whether `phc` uses other parameters than params().
  bool NeedsRehash(std::string_view phc) const;

 private:
  PasswordHasher(crypto::Argon2Params params, unsigned threads, std::size_t max_queue,
                 std::string dummy_hash);

  // TryAcquire takes a place on the pool, or returns false if it is full.
  bool TryAcquire();

  crypto::Argon2Params params_;
  std::size_t capacity_;  // threads + max_queue: jobs allowed on the pool
  std::atomic<std::size_t> queued_{0};
  std::string dummy_hash_;
  boost::asio::thread_pool pool_;
};

}  // namespace sr::identity
