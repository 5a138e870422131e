#include "keys/rotation_job.h"

#include <exception>
#include <string>

namespace sr::keys {

Result<RotationRun> RotationJob::RunOnce() {
  RotationRun run;
  SR_ASSIGN_OR_RETURN(run.rotated, keys_.RotateDue(clock_.Now()));
  SR_ASSIGN_OR_RETURN(run.rewrapped, keys_.Rewrap());
  return run;
}

void RotationJob::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { Loop(); });
}

void RotationJob::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RotationJob::Loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    Result<RotationRun> run = Fail(ErrorCode::kInternal, "key rotation run failed");
    try {
      run = RunOnce();
    } catch (const std::exception& e) {  // nothing may escape a thread
      run = Fail(ErrorCode::kInternal, std::string("key rotation run failed: ") + e.what());
    }
    if (listener_) listener_(run);
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

}  // namespace sr::keys
