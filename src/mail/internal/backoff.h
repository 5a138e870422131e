#pragma once
// Retry delays of the mail queue. Private to the mail module.

#include <chrono>

namespace sr::mail::internal {

// RetryDelay returns the wait after the `failures`-th failed attempt (>= 1):
// base · 2^(failures-1), capped at `cap`, then shortened by up to a quarter
// by `jitter` in [0, 1) so that messages that failed together spread out.
// The result is never above `cap` and never below three quarters of the
// unjittered delay.
std::chrono::milliseconds RetryDelay(int failures, std::chrono::milliseconds base,
                                     std::chrono::milliseconds cap, double jitter);

}  // namespace sr::mail::internal
