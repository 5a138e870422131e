#include "mail/internal/backoff.h"

#include <algorithm>

namespace sr::mail::internal {

std::chrono::milliseconds RetryDelay(int failures, std::chrono::milliseconds base,
                                     std::chrono::milliseconds cap, double jitter) {
  std::chrono::milliseconds delay = base;
  for (int i = 1; i < failures && delay < cap; ++i) delay *= 2;
  delay = std::min(delay, cap);
  jitter = std::clamp(jitter, 0.0, 1.0);
  const auto cut = static_cast<std::chrono::milliseconds::rep>(static_cast<double>(delay.count()) *
                                                               0.25 * jitter);
  return delay - std::chrono::milliseconds(cut);
}

}  // namespace sr::mail::internal
