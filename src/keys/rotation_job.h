#pragma once
// RotationJob enforces the rotation schedule in a running server: on its own
// thread it runs KeyService::RotateDue and then Rewrap at start and then
// every `interval`, and reports each run to a listener (the server logs it).

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "common/clock.h"
#include "common/error.h"
#include "keys/key_service.h"

namespace sr::keys {

// RotationRun is what one run of the job did.
struct RotationRun {
  RotateDueReport rotated;
  RewrapProgress rewrapped;
};

// kDefaultRotationInterval is how often the server should run the job: the
// schedule then holds to within an hour.
inline constexpr std::chrono::milliseconds kDefaultRotationInterval = std::chrono::hours(1);

class RotationJob {
 public:
  // Listener receives the result of every run, on the job's thread.
  using Listener = std::function<void(const Result<RotationRun>&)>;

  // `keys` and `clock` must outlive the job. `interval` is real time
  // between runs (the clock only says what "now" is for RotateDue).
  RotationJob(KeyService& keys, const Clock& clock, std::chrono::milliseconds interval,
              Listener listener)
      : keys_(keys), clock_(clock), interval_(interval), listener_(std::move(listener)) {}
  ~RotationJob() { Stop(); }
  RotationJob(const RotationJob&) = delete;
  RotationJob& operator=(const RotationJob&) = delete;

  // RunOnce runs RotateDue(now) then Rewrap on the calling thread.
  Result<RotationRun> RunOnce();

  // Start starts the thread (first run at once). Calling it twice is a no-op.
  void Start();
  // Stop wakes the thread, waits for a run in progress to end, and joins it.
  // Idempotent; the destructor calls it.
  void Stop();

 private:
  void Loop();

  KeyService& keys_;
  const Clock& clock_;
  const std::chrono::milliseconds interval_;
  const Listener listener_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace sr::keys
