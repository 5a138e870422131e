#pragma once
// The plaintext of a queued message's payload_ct cell, version 1: a JSON
// object {"v":1,"message_id":...,"from":...,"to":...,"data":...} holding a
// RenderedMessage (docs/formats/mail-queue.md). Private to the mail module.

#include <string>
#include <string_view>

#include "common/error.h"
#include "mail/mime.h"

namespace sr::mail::internal {

inline constexpr int kPayloadVersion = 1;

// EncodePayload serialises `message` as a version-1 payload.
std::string EncodePayload(const RenderedMessage& message);

// DecodePayload parses a payload; anything but a well-formed version-1
// object with four string members is kDataLoss.
Result<RenderedMessage> DecodePayload(std::string_view payload);

}  // namespace sr::mail::internal
