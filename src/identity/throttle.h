#pragma once
// SignInThrottle is the layered brute-force defence of password sign-in,
// on by default. Three layers, each answering "wait this long":
//  - per account: after `account_free_failures` consecutive failures (since
//    the last success), the next attempt must wait, from the last failure,
//    1 s, then 2 s, 4 s, ... doubling with each further failure, capped at
//    `account_max_delay`. Independently, after `account_lockout_failures`
//    failures within an hour the account must be reset before it can sign in
//    again (ASVS 4.0.3 2.2.1) — reported by RecordFailure so the caller can
//    persist it; this class does not enforce the lockout itself;
//  - per client IP: at most `ip_max_failures` failures per `ip_window`
//    (sliding window);
//  - global: when, over the last `global_window`, at least
//    `global_min_attempts` sign-ins finished and the failure ratio exceeds
//    `global_max_failure_ratio`, sign-ins from IPs without a success within
//    that window are turned away for 1–5 s (credential stuffing).
// Password reset is never throttled by this class: a locked-out user can
// always reset. State is in memory with bounded size (see max_tracked_keys).
// Thread-safe; time comes from the injected Clock.
//
// Callers should pass the account key also for unknown e-mails (otherwise the
// throttle tells which accounts exist) and, for IPv6 clients, the /64 prefix
// as the IP (one host usually owns a whole /64).
//
// Check does not reserve the attempt it allows, except in the delay regime:
// there an allowed Check restarts the account's delay, so concurrent attempts
// cannot all slip through one expired delay. Below the free threshold, and for
// the IP layer, a burst of concurrent requests can pass Check before their
// failures are recorded; the hasher's queue bounds such bursts, and the
// lockout count still sees every failure.

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/clock.h"

namespace sr::identity {

struct ThrottleOptions {
  bool enabled = true;
  int account_free_failures = 5;
  std::chrono::seconds account_max_delay{900};
  int account_lockout_failures = 100;  // within one hour
  int ip_max_failures = 30;
  std::chrono::seconds ip_window{300};
  std::chrono::seconds global_window{60};
  int global_min_attempts = 100;
  double global_max_failure_ratio = 0.8;
  // max_tracked_keys bounds the accounts and, separately, the IPs held in
  // memory. Entries idle for longer than they matter are dropped first; when
  // the table is still full, the least recently active entry that is not in
  // the delay regime (accounts) or blocked/known-good (IPs) goes, and only
  // when there is none, the least recently active of those. A flood of fresh
  // keys therefore cannot cheaply reset a victim's delay: it would need
  // max_tracked_keys keys each pushed into the delay regime first.
  std::size_t max_tracked_keys = 100000;
};

struct ThrottleDecision {
  bool allowed = true;
  std::chrono::seconds retry_after{0};  // when !allowed: at least 1 s
  std::string_view reason;              // "account", "ip", "global"
};

class SignInThrottle {
 public:
  // Values out of range are brought into it (e.g. windows of at least 1 s,
  // global_window at most 1 h, at least one tracked key, a ratio in [0, 1]).
  SignInThrottle(ThrottleOptions options, const Clock& clock);

  // Check is called before verifying a password for (account key, ip);
  // the account key is e.g. the blind index or normalised e-mail. When
  // several layers deny, the decision is the one with the longest wait.
  // With enabled == false it always allows.
  ThrottleDecision Check(std::string_view account_key, std::string_view ip);
  // RecordFailure returns true when the account reached the lockout
  // threshold and must now be reset: exactly once per hour window, on the
  // failure that reaches account_lockout_failures. Always false when
  // disabled.
  bool RecordFailure(std::string_view account_key, std::string_view ip);
  // RecordSuccess forgets the account's failures (the password is proven)
  // and marks `ip` as known-good for the global guard. It does not forget
  // the IP's failures, or one valid account would let an attacker clear them.
  void RecordSuccess(std::string_view account_key, std::string_view ip);
  // ResetAccount forgets the account's failures (after a password reset).
  void ResetAccount(std::string_view account_key);

  // TrackedAccounts and TrackedIps return how many keys are held in memory.
  std::size_t TrackedAccounts() const;
  std::size_t TrackedIps() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace sr::identity
