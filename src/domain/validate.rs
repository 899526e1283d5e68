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
    fn display_name_rejects_control_characters_and_overlong_names() {
        assert!(reason(display_name("display_name", "a\u{7}b")).contains("control"));
        assert!(reason(display_name("display_name", &"x".repeat(65))).contains("at most 64"));
        assert_eq!(
            display_name("display_name", " Ada Lovelace ").unwrap(),
            "Ada Lovelace"
        );
    }
}
