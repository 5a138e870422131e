#include "accounts/mail_templates.h"

#include <string>

#include <fmt/format.h>

namespace sr::accounts {
namespace {

// EscapeHtml makes text safe inside HTML element content and attributes.
std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

mail::MailMessage Compose(std::string_view to, std::string_view subject,
                          std::string_view paragraph, std::string_view link = {},
                          std::string_view link_label = {}) {
  mail::MailMessage m;
  m.to = std::string(to);
  m.subject = std::string(subject);
  m.text_body = std::string(paragraph) + "\n";
  m.html_body = "<!doctype html><html><body><p>" + EscapeHtml(paragraph) + "</p>";
  if (!link.empty()) {
    m.text_body += fmt::format("\n{}:\n{}\n", link_label, link);
    m.html_body += fmt::format("<p><a href=\"{}\">{}</a></p>", EscapeHtml(link),
                               EscapeHtml(link_label));
  }
  m.text_body += "\nIf you did not ask for this, you can ignore this message.\n";
  m.html_body += "<p>If you did not ask for this, you can ignore this message.</p></body></html>";
  return m;
}

}  // namespace

mail::MailMessage VerificationMail(std::string_view to, std::string_view link) {
  return Compose(to, "Confirm your e-mail address",
                 "Please confirm that this is your e-mail address.", link, "Confirm address");
}

mail::MailMessage EmailChangeMail(std::string_view to, std::string_view link) {
  return Compose(to, "Confirm your new e-mail address",
                 "Your account's e-mail address is being changed to this one. Confirm it to "
                 "complete the change.",
                 link, "Confirm new address");
}

mail::MailMessage EmailChangeNoticeMail(std::string_view old_address,
                                        std::string_view new_address) {
  return Compose(old_address, "Your e-mail address is being changed",
                 fmt::format("Someone signed in to your account asked to change its e-mail "
                             "address to {}. If this was not you, reset your password now.",
                             new_address));
}

mail::MailMessage PasswordResetMail(std::string_view to, std::string_view link,
                                    int valid_minutes) {
  return Compose(to, "Reset your password",
                 fmt::format("Use this link within {} minutes to choose a new password. It "
                             "works once.",
                             valid_minutes),
                 link, "Reset password");
}

mail::MailMessage PasswordChangedMail(std::string_view to) {
  return Compose(to, "Your password was changed",
                 "The password of your account was changed and every other session was signed "
                 "out. If this was not you, reset your password now.");
}

mail::MailMessage SignUpAttemptMail(std::string_view to, std::string_view sign_in_hint) {
  return Compose(to, "Sign-up attempt with your address",
                 fmt::format("Someone tried to create an account with this e-mail address, which "
                             "already has one. {}",
                             sign_in_hint));
}

mail::MailMessage DeletionRequestedMail(std::string_view to) {
  return Compose(to, "Account deletion requested",
                 "Deletion of your account was requested and every session was signed out.");
}

}  // namespace sr::accounts
