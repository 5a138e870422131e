#pragma once
// QR codes (ISO/IEC 18004) through libqrencode, rendered as a self-contained
// SVG, for showing an otpauth:// URI at TOTP enrolment.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace sr::mfa {

// kMaxQrTextBytes bounds the text EncodeQr accepts; a version 40 symbol at
// error-correction level M holds at most 2,331 bytes.
inline constexpr std::size_t kMaxQrTextBytes = 2331;
// kQrQuietZoneModules is the light margin around the symbol that ISO/IEC
// 18004 requires (4 modules) for readers to find it.
inline constexpr int kQrQuietZoneModules = 4;
// kQrSvgModulePixels is the size of one module in the SVG's width and height
// attributes; the viewBox is in modules, so the image scales cleanly.
inline constexpr int kQrSvgModulePixels = 4;

// QrCode is an encoded symbol: `width` x `width` modules, row-major, 1 for
// dark and 0 for light. It encodes its text, which may be a secret.
struct QrCode {
  int version = 0;  // 1..40
  int width = 0;    // 17 + 4 * version
  std::vector<std::uint8_t> modules;

  bool Dark(int x, int y) const {
    return modules[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) +
                   static_cast<std::size_t>(x)] != 0;
  }
};

// EncodeQr encodes `text` as 8-bit data at error-correction level M (15% of
// the symbol may be damaged) in the smallest version that holds it. Errors:
// kInvalidArgument for an empty text, one containing a NUL byte or one longer
// than kMaxQrTextBytes (or than the symbol holds); kResourceExhausted if
// libqrencode cannot allocate. Thread-safe (libqrencode locks its shared
// tables with a mutex).
Result<QrCode> EncodeQr(std::string_view text);

// QrSvg renders `code` as an SVG document: a white background and the dark
// modules as a single <path> of unit squares, with a quiet zone of
// kQrQuietZoneModules on every side, crisp edges and no external reference,
// script or style (safe to inline in HTML or serve as image/svg+xml).
std::string QrSvg(const QrCode& code);

// QrCodeSvg is EncodeQr followed by QrSvg.
Result<std::string> QrCodeSvg(std::string_view text);

}  // namespace sr::mfa
