#include "mail/outbox_transport.h"

#include <fmt/format.h>
#include <time.h>

#include <chrono>
#include <string>

#include "mail/internal/file_util.h"

namespace sr::mail {
namespace {

// FileName returns "20250701T120000.123456Z-<id>.eml": UTC time to the
// microsecond, so names sort by delivery time, and the Message-ID without
// its angle brackets, keeping only characters safe in a file name.
std::string FileName(Clock::TimePoint now, std::string_view message_id) {
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(micros / 1000000);
  std::tm tm{};
  ::gmtime_r(&seconds, &tm);
  std::string name =
      fmt::format("{:04d}{:02d}{:02d}T{:02d}{:02d}{:02d}.{:06d}Z-", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, micros % 1000000);
  for (char c : message_id) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '-' || c == '_' || c == '@';
    if (safe) name += c;
  }
  return name + ".eml";
}

}  // namespace

Result<std::unique_ptr<OutboxTransport>> OutboxTransport::Create(const std::filesystem::path& dir,
                                                                 const Clock& clock) {
  if (dir.empty()) return Fail(ErrorCode::kInvalidArgument, "mail outbox directory is not set");
  SR_TRY(internal::MakePrivateDirectory(dir));
  return std::unique_ptr<OutboxTransport>(new OutboxTransport(dir, clock));
}

Status OutboxTransport::Deliver(const RenderedMessage& message) {
  Status written =
      internal::WriteFileAtomically(dir_, FileName(clock_.Now(), message.message_id), message.data);
  if (!written) {
    return Fail(ErrorCode::kUnavailable,
                fmt::format("outbox delivery failed: {}", written.error().message()));
  }
  return Ok();
}

}  // namespace sr::mail
