#include "mfa/qr_svg.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <qrencode.h>

#include <cerrno>
#include <memory>

namespace sr::mfa {
namespace {

struct QrcodeDeleter {
  void operator()(QRcode* qr) const {
    // The modules spell out the text, which is usually an otpauth:// URI
    // with its secret, so wipe them before libqrencode frees them.
    OPENSSL_cleanse(qr->data,
                    static_cast<std::size_t>(qr->width) * static_cast<std::size_t>(qr->width));
    QRcode_free(qr);
  }
};

}  // namespace

Result<QrCode> EncodeQr(std::string_view text) {
  if (text.empty() || text.size() > kMaxQrTextBytes) {
    return Fail(ErrorCode::kInvalidArgument, "QR code text must be 1 to 2331 bytes");
  }
  if (text.find('\0') != std::string_view::npos) {
    return Fail(ErrorCode::kInvalidArgument, "QR code text must not contain NUL");
  }
  const std::string terminated(text);  // libqrencode reads a C string
  errno = 0;
  std::unique_ptr<QRcode, QrcodeDeleter> qr(
      QRcode_encodeString(terminated.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
  if (qr == nullptr) {
    if (errno == ENOMEM) return Fail(ErrorCode::kResourceExhausted, "QR encoding out of memory");
    if (errno == ERANGE) return Fail(ErrorCode::kInvalidArgument, "text too long for a QR code");
    return Fail(ErrorCode::kInvalidArgument, "text cannot be encoded as a QR code");
  }
  QrCode code;
  code.version = qr->version;
  code.width = qr->width;
  const auto cells = static_cast<std::size_t>(qr->width) * static_cast<std::size_t>(qr->width);
  code.modules.resize(cells);
  // libqrencode's bit 0 is "dark"; the other bits describe module roles.
  for (std::size_t i = 0; i < cells; ++i) code.modules[i] = qr->data[i] & 1u;
  return code;
}

std::string QrSvg(const QrCode& code) {
  const int size = code.width + 2 * kQrQuietZoneModules;
  const int pixels = size * kQrSvgModulePixels;
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" viewBox=\"0 0 {0} {0}\" "
      "width=\"{1}\" height=\"{1}\" shape-rendering=\"crispEdges\">"
      "<rect width=\"{0}\" height=\"{0}\" fill=\"#ffffff\"/><path fill=\"#000000\" d=\"",
      size, pixels);
  // One sub-path per horizontal run of dark modules: a 1-module-high box.
  for (int y = 0; y < code.width; ++y) {
    for (int x = 0; x < code.width;) {
      if (!code.Dark(x, y)) {
        ++x;
        continue;
      }
      int run = 1;
      while (x + run < code.width && code.Dark(x + run, y)) ++run;
      fmt::format_to(std::back_inserter(svg), "M{} {}h{}v1h-{}z", x + kQrQuietZoneModules,
                     y + kQrQuietZoneModules, run, run);
      x += run;
    }
  }
  svg += "\"/></svg>\n";
  return svg;
}

Result<std::string> QrCodeSvg(std::string_view text) {
  SR_ASSIGN_OR_RETURN(QrCode code, EncodeQr(text));
  return QrSvg(code);
}

}  // namespace sr::mfa
