//! Target quota arithmetic, as the PAI seed states it: a rule has 5 units by default (up to
//! 100 after an approved increase); a target takes 1 unit, except voice, SMS and email
//! targets, where each selected contact takes 1 unit, counted per target and never
//! deduplicated across targets.

use super::catalog::TargetKind;
use super::AppError;

/// Units a rule may use unless an increase was approved.
pub const DEFAULT_RULE_QUOTA: u32 = 5;
/// The largest quota an increase request may ask for.
pub const MAX_RULE_QUOTA: u32 = 100;

/// Units one target takes: 1, or its number of contacts for voice, SMS and email.
pub fn target_units(kind: TargetKind, contacts: usize) -> u32 {
    if kind.uses_contacts() {
        contacts as u32
    } else {
        1
    }
}

/// Units a rule's targets take together, each given as (kind, number of contacts).
pub fn rule_units(targets: impl IntoIterator<Item = (TargetKind, usize)>) -> u32 {
    targets
        .into_iter()
        .map(|(kind, contacts)| target_units(kind, contacts))
        .sum()
}

/// Refuse a rule whose targets need more than `quota` units, with the count in the message.
pub fn check(used: u32, quota: u32) -> Result<(), AppError> {
    if used > quota {
        return Err(AppError::invalid(
            "targets",
            format!(
                "these targets need {used} quota units but this rule has {quota}; \
                 remove targets or contacts, or request a quota increase"
            ),
        ));
    }
    Ok(())
}

/// Validate the value asked for in a quota increase request.
pub fn requested_quota(field: &str, value: u32, current: u32) -> Result<u32, AppError> {
    if value > MAX_RULE_QUOTA {
        return Err(AppError::invalid(
            field,
            format!("may be at most {MAX_RULE_QUOTA}"),
        ));
    }
    if value <= current {
        return Err(AppError::invalid(
            field,
            format!("must be more than the current quota of {current}"),
        ));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use TargetKind::*;

    #[test]
    fn seed_example_sms_to_alice_and_tony_plus_email_to_alice_and_alan_is_four_units() {
        assert_eq!(rule_units([(Sms, 2), (Email, 2)]), 4);
    }

    #[test]
    fn chat_and_http_targets_take_one_unit_whatever_else_they_carry() {
        assert_eq!(
            rule_units([(DingTalk, 0), (WeCom, 0), (Lark, 0), (Http, 0)]),
            4
        );
        assert_eq!(target_units(DingTalk, 3), 1, "@mobiles are not contacts");
    }

    #[test]
    fn contacts_are_counted_per_target_never_deduplicated() {
        assert_eq!(rule_units([(Voice, 1), (Sms, 1), (Email, 1)]), 3);
        assert_eq!(rule_units([(Sms, 2), (Sms, 2)]), 4);
    }

    #[test]
    fn five_units_fit_the_default_quota_and_a_sixth_is_refused_with_the_count() {
        assert!(check(5, DEFAULT_RULE_QUOTA).is_ok());
        let err = check(6, DEFAULT_RULE_QUOTA).unwrap_err();
        let msg = err.for_field("targets").unwrap();
        assert!(
            msg.contains("need 6 quota units but this rule has 5"),
            "{msg}"
        );
    }

    #[test]
    fn increase_requests_are_capped_at_one_hundred_and_must_increase() {
        assert_eq!(requested_quota("quota", 100, 5).unwrap(), 100);
        assert!(requested_quota("quota", 101, 5)
            .unwrap_err()
            .for_field("quota")
            .unwrap()
            .contains("at most 100"));
        assert!(requested_quota("quota", 5, 5).is_err());
    }
}
