#pragma once
// Helpers shared by the object_format unit tests. Tests only.

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "crypto/random.h"
#include "object_format/reader.h"
#include "object_format/writer.h"

namespace sr::object_format::testutil {

inline constexpr std::uint32_t kTestSegment = 256;  // the smallest allowed

inline ObjectIdentity TestIdentity(std::uint64_t version = 3) {
  return {"wsp_4fJq8ZkT2mWcR9xLbN7vYd", "obj_8HkR2pLmQ7sXcV4tZ9nBwE", version,
          "edk_1aB2cD3eF4gH5iJ6kL7mN8"};
}

// Pattern returns the plaintext the tests and golden vectors use:
// byte j is j mod 251.
inline std::vector<std::uint8_t> Pattern(std::size_t size) {
  std::vector<std::uint8_t> out(size);
  for (std::size_t j = 0; j < size; ++j) out[j] = static_cast<std::uint8_t>(j % 251);
  return out;
}

inline std::vector<std::uint8_t> WrappedKey() { return std::vector<std::uint8_t>(60, 0xab); }

// WriteBlob encrypts `plaintext` into a blob, writing it in pieces of
// `chunk` bytes (all at once when 0).
inline std::vector<std::uint8_t> WriteBlob(const ObjectIdentity& identity, const SecretBytes& key,
                                           std::span<const std::uint8_t> plaintext,
                                           std::uint32_t segment_size = kTestSegment,
                                           std::size_t chunk = 0) {
  auto writer = ObjectWriter::Create(identity, key, WrappedKey(), segment_size);
  EXPECT_TRUE(writer) << writer.error().ToString();
  VectorSink sink;
  if (chunk == 0) chunk = plaintext.size() + 1;
  for (std::size_t pos = 0; pos < plaintext.size(); pos += chunk) {
    auto ok = writer->Write(plaintext.subspan(pos, std::min(chunk, plaintext.size() - pos)), sink);
    EXPECT_TRUE(ok) << ok.error().ToString();
  }
  auto ok = writer->Finish(sink);
  EXPECT_TRUE(ok) << ok.error().ToString();
  return std::move(sink.bytes);
}

// OpenReader parses `blob`'s header and opens it for `expected` under `key`.
inline Result<ObjectReader> OpenReader(std::span<const std::uint8_t> blob,
                                       const ObjectIdentity& expected, const SecretBytes& key) {
  SR_ASSIGN_OR_RETURN(ParsedHeader header,
                      ParseHeader(blob.first(std::min(blob.size(), kMaxHeaderSize))));
  return ObjectReader::Open(header, expected, key, blob.size());
}

// ReadBlob decrypts the whole of `blob`, or returns the first error.
inline Result<std::vector<std::uint8_t>> ReadBlob(std::span<const std::uint8_t> blob,
                                                  const ObjectIdentity& expected,
                                                  const SecretBytes& key) {
  SR_ASSIGN_OR_RETURN(ObjectReader reader, OpenReader(blob, expected, key));
  SpanSource source(blob);
  VectorSink sink;
  SR_TRY(reader.ReadAll(source, sink));
  return std::move(sink.bytes);
}

}  // namespace sr::object_format::testutil
