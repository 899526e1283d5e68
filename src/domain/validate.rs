//! Validation of what users type: each function returns the cleaned value or an
//! [`AppError::Invalid`] that names the field and the reason.

use super::AppError;

/// Shortest password accepted at sign-up.
pub const PASSWORD_MIN_CHARS: usize = 10;
/// Longest password accepted; hashing unbounded input would be a denial-of-service lever.
pub const PASSWORD_MAX_BYTES: usize = 1024;
/// Longest display name.
pub const DISPLAY_NAME_MAX_CHARS: usize = 64;
/// Longest email address (RFC 5321 path limit).
pub const EMAIL_MAX_BYTES: usize = 254;

/// An email address, trimmed and lower-cased in its domain part.
///
/// Deliberately simple: one `@`, a non-empty local part without spaces, and a domain with a
/// dot and no empty labels. Deliverability is the mail server's business.
pub fn email(field: &str, raw: &str) -> Result<String, AppError> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(AppError::invalid(field, "is required"));
    }
    if value.len() > EMAIL_MAX_BYTES {
        return Err(AppError::invalid(
            field,
            format!("is longer than {EMAIL_MAX_BYTES} characters"),
        ));
    }
    let Some((local, domain)) = value.split_once('@') else {
        return Err(AppError::invalid(field, "must look like name@example.com"));
    };
    let bad_char = |c: char| c.is_whitespace() || c.is_control() || c == '@';
    let domain_ok = domain.contains('.')
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        });
    if local.is_empty() || local.chars().any(bad_char) || !domain_ok {
        return Err(AppError::invalid(field, "must look like name@example.com"));
    }
    Ok(format!("{local}@{}", domain.to_lowercase()))
}

/// A display name: trimmed, 1–64 characters, no control characters.
pub fn display_name(field: &str, raw: &str) -> Result<String, AppError> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(AppError::invalid(field, "is required"));
    }
    if value.chars().count() > DISPLAY_NAME_MAX_CHARS {
        return Err(AppError::invalid(
            field,
            format!("must be at most {DISPLAY_NAME_MAX_CHARS} characters"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(AppError::invalid(
            field,
            "must not contain control characters",
        ));
    }
    Ok(value.to_string())
}

/// A new password: at least 10 characters, at most 1024 bytes. Not trimmed: spaces count.
pub fn new_password(field: &str, raw: &str) -> Result<String, AppError> {
    if raw.chars().count() < PASSWORD_MIN_CHARS {
        return Err(AppError::invalid(
            field,
            format!("must be at least {PASSWORD_MIN_CHARS} characters"),
        ));
    }
    if raw.len() > PASSWORD_MAX_BYTES {
        return Err(AppError::invalid(
            field,
            format!("must be at most {PASSWORD_MAX_BYTES} bytes"),
        ));
    }
    Ok(raw.to_string())
}

/// A workspace name: 3–64 characters, each a letter, digit, `-` or `_`.
///
/// The name becomes part of the bus name `pai-system-{name}`, so it is kept to characters
/// that are safe in resource names and URLs.
pub fn workspace_name(field: &str, raw: &str) -> Result<String, AppError> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(AppError::invalid(field, "is required"));
    }
    let len = value.chars().count();
    if !(3..=64).contains(&len) {
        return Err(AppError::invalid(field, "must be 3 to 64 characters long"));
    }
    if let Some(c) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(AppError::invalid(
            field,
            format!("may contain only letters, digits, '-' and '_' (found {c:?})"),
        ));
    }
    Ok(value.to_string())
}

/// A phone number in E.164: `+`, a country code and number, 8 to 15 digits in all.
/// Spaces, dashes, dots and parentheses are allowed for readability and dropped.
pub fn e164_phone(field: &str, raw: &str) -> Result<String, AppError> {
    let cleaned: String = raw
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect();
    let Some(digits) = cleaned.strip_prefix('+') else {
        return Err(AppError::invalid(
            field,
            "must be in international format, starting with + and the country code (e.g. +8613800000000)",
        ));
    };
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(AppError::invalid(
            field,
            "may contain only digits after the +",
        ));
    }
    if !(8..=15).contains(&digits.len()) || digits.starts_with('0') {
        return Err(AppError::invalid(
            field,
            "must have 8 to 15 digits after the +, starting with the country code",
        ));
    }
    Ok(cleaned)
}

/// A RAM user's login name: 1 to 64 letters, digits, `.`, `_` or `-`, starting with a
/// letter or digit.
pub fn login_name(field: &str, raw: &str) -> Result<String, AppError> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(AppError::invalid(field, "is required"));
    }
    let ok_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    if value.len() > 64
        || !value.chars().all(ok_char)
        || !value.starts_with(|c: char| c.is_ascii_alphanumeric())
    {
        return Err(AppError::invalid(
            field,
            "must be 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit",
        ));
    }
    Ok(value.to_string())
}

/// A policy name: 1 to 128 letters, digits, `-` or `_` (case-sensitive).
pub fn policy_name(field: &str, raw: &str) -> Result<String, AppError> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(AppError::invalid(field, "is required"));
    }
    if value.len() > 128
        || !value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(AppError::invalid(
            field,
            "must be 1–128 letters, digits, '-' or '_'",
        ));
    }
    Ok(value.to_string())
}

/// A short free-text description: at most 1024 characters, no control characters but
/// newlines.
pub fn description(field: &str, raw: &str) -> Result<String, AppError> {
    let value = raw.trim();
    if value.chars().count() > 1024 || value.chars().any(|c| c.is_control() && c != '\n') {
        return Err(AppError::invalid(
            field,
            "must be at most 1024 characters, without control characters",
        ));
    }
    Ok(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(r: Result<String, AppError>) -> String {
        match r {
            Err(AppError::Invalid { message, .. }) => message,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn email_is_trimmed_and_domain_lower_cased() {
        assert_eq!(
            email("email", "  Ada@Example.COM ").unwrap(),
            "Ada@example.com"
        );
    }

    #[test]
    fn malformed_emails_are_refused_with_the_field_named() {
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a da@example.com",
            "ada@ex..com",
            "ada@-x.com",
        ] {
            let err = email("email", bad).unwrap_err();
            assert!(err.for_field("email").is_some(), "{bad:?} gave {err:?}");
        }
    }

    #[test]
    fn password_of_nine_characters_is_too_short_and_ten_is_enough() {
        assert!(reason(new_password("password", "123456789")).contains("at least 10"));
        assert!(new_password("password", "1234567890").is_ok());
        assert!(
            new_password("password", "éééééééééé").is_ok(),
            "counts characters, not bytes"
        );
    }

    #[test]
    fn absurdly_long_password_is_refused() {
        let long = "x".repeat(PASSWORD_MAX_BYTES + 1);
        assert!(reason(new_password("password", &long)).contains("at most"));
    }

    #[test]
    fn workspace_names_follow_the_console_rules() {
        assert_eq!(workspace_name("name", " ml-team_1 ").unwrap(), "ml-team_1");
        assert!(reason(workspace_name("name", "ab")).contains("3 to 64"));
        assert!(workspace_name("name", &"a".repeat(64)).is_ok());
        assert!(reason(workspace_name("name", &"a".repeat(65))).contains("3 to 64"));
        assert!(reason(workspace_name("name", "ml team")).contains("' '"));
        assert!(reason(workspace_name("name", "ml.team")).contains("'.'"));
        assert!(reason(workspace_name("name", "")).contains("required"));
    }

    #[test]
    fn phones_must_be_e164_and_formatting_is_dropped() {
        assert_eq!(
            e164_phone("phone", "+86 138-0000-0000").unwrap(),
            "+8613800000000"
        );
        assert_eq!(
            e164_phone("phone", "+1 (415) 555-0100").unwrap(),
            "+14155550100"
        );
        assert!(reason(e164_phone("phone", "13800000000")).contains("international format"));
        assert!(reason(e164_phone("phone", "+86abc")).contains("only digits"));
        assert!(reason(e164_phone("phone", "+1234")).contains("8 to 15"));
        assert!(reason(e164_phone("phone", "+0123456789")).contains("8 to 15"));
        assert!(reason(e164_phone("phone", "+1234567890123456")).contains("8 to 15"));
    }

    #[test]
    fn display_name_rejects_control_characters_and_overlong_names() {
        assert!(reason(display_name("display_name", "a\u{7}b")).contains("control"));
        assert!(reason(display_name("display_name", &"x".repeat(65))).contains("at most 64"));
        assert_eq!(
            display_name("display_name", " Ada Lovelace ").unwrap(),
            "Ada Lovelace"
        );
    }
}
