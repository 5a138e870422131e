#pragma once
// The e-mails the account flows send. Each has a plain-text and an HTML
// body; links carry the token as their `token` query parameter.

#include <string_view>

#include "mail/mailer.h"

namespace sr::accounts {

mail::MailMessage VerificationMail(std::string_view to, std::string_view link);
mail::MailMessage EmailChangeMail(std::string_view to, std::string_view link);
mail::MailMessage EmailChangeNoticeMail(std::string_view old_address, std::string_view new_address);
mail::MailMessage PasswordResetMail(std::string_view to, std::string_view link,
                                    int valid_minutes);
mail::MailMessage PasswordChangedMail(std::string_view to);
mail::MailMessage SignUpAttemptMail(std::string_view to, std::string_view sign_in_hint);
mail::MailMessage DeletionRequestedMail(std::string_view to);

}  // namespace sr::accounts
