#pragma once
// Clock is the injected source of time, so tests move time instead of sleeping.

#include <atomic>
#include <chrono>

namespace sr {

class Clock {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  virtual ~Clock() = default;
  // Now returns the current wall-clock time. Thread-safe.
  virtual TimePoint Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
};

// FakeClock is a Clock for tests that moves only when told to. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint start = TimePoint{}) : now_(start.time_since_epoch().count()) {}
  TimePoint Now() const override { return TimePoint(TimePoint::duration(now_.load())); }
  void Advance(std::chrono::system_clock::duration by) { now_ += by.count(); }

 private:
  std::atomic<TimePoint::duration::rep> now_;
};

}  // namespace sr
