//! The RAM policy language: parsing a policy document, validating it with errors that point
//! at the problem (a JSON path, and a line and column in the text), and the case-sensitive
//! `*` / `?` wildcard match. Deciding what an actor may do with the parsed statements is
//! `server::auth::authorize`'s job, not this module's.
//!
//! Supported: `Effect` (`Allow` / `Deny`), `Action` or `NotAction`, `Resource` or
//! `NotResource`, and `Condition` with `StringEquals`, `StringNotEquals`, `StringLike` and
//! `StringNotLike` on the keys of [`CONDITION_KEYS`]. Anything else is refused at save.

use super::policy::{Action, REGION};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The condition keys Herald fills in for every request, with what they hold.
pub const CONDITION_KEYS: [(&str, &str); 2] = [
    (
        "herald:Via",
        "how the request came: \"console\" (the browser) or \"api\" (an AccessKey)",
    ),
    ("herald:UserName", "the RAM user's login name"),
];

/// Most statements one policy may hold.
pub const MAX_STATEMENTS: usize = 100;
/// Longest policy document, in bytes.
pub const MAX_DOCUMENT_BYTES: usize = 32 * 1024;

/// Allow or Deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Effect {
    Allow,
    Deny,
}

/// A list of patterns, either matched (`Action`, `Resource`) or excluded (`NotAction`,
/// `NotResource`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Patterns {
    Any(Vec<String>),
    NoneOf(Vec<String>),
}

impl Patterns {
    /// True when `value` is covered: one pattern matches (`Any`) or none does (`NoneOf`).
    pub fn covers(&self, value: &str) -> bool {
        match self {
            Patterns::Any(p) => p.iter().any(|p| wildcard_match(p, value)),
            Patterns::NoneOf(p) => !p.iter().any(|p| wildcard_match(p, value)),
        }
    }
}

/// A condition operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Operator {
    StringEquals,
    StringNotEquals,
    StringLike,
    StringNotLike,
}

impl Operator {
    fn parse(name: &str) -> Option<Operator> {
        Some(match name {
            "StringEquals" => Operator::StringEquals,
            "StringNotEquals" => Operator::StringNotEquals,
            "StringLike" => Operator::StringLike,
            "StringNotLike" => Operator::StringNotLike,
            _ => return None,
        })
    }
}

/// One condition: `operator` applied to the request's `key` against `values` (any of them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Condition {
    pub operator: Operator,
    pub key: String,
    pub values: Vec<String>,
}

impl Condition {
    /// Does the condition hold for the request's value of the key (`None`: not present)?
    pub fn holds(&self, value: Option<&str>) -> bool {
        let Some(value) = value else {
            // A missing key satisfies only the negated operators.
            return matches!(
                self.operator,
                Operator::StringNotEquals | Operator::StringNotLike
            );
        };
        let equals = || self.values.iter().any(|v| v == value);
        let like = || self.values.iter().any(|v| wildcard_match(v, value));
        match self.operator {
            Operator::StringEquals => equals(),
            Operator::StringNotEquals => !equals(),
            Operator::StringLike => like(),
            Operator::StringNotLike => !like(),
        }
    }
}

/// One statement of a policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub effect: Effect,
    pub actions: Patterns,
    pub resources: Patterns,
    pub conditions: Vec<Condition>,
}

/// A parsed, validated policy document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyDocument {
    pub statements: Vec<Statement>,
}

/// What is wrong with a policy text, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyError {
    /// Where in the document, e.g. `Statement[0].Action[2]`; empty for the whole text.
    pub path: String,
    pub message: String,
    /// 1-based line and column in the text, when known.
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl std::fmt::Display for PolicyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let (Some(line), Some(column)) = (self.line, self.column) {
            write!(f, "line {line}, column {column}: ")?;
        }
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)
    }
}

/// `*` matches any run of characters (also none), `?` exactly one; everything else matches
/// itself, case-sensitively.
pub fn wildcard_match(pattern: &str, value: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let v: Vec<char> = value.chars().collect();
    let (mut pi, mut vi) = (0usize, 0usize);
    // The last `*` seen and the value position it was tried at, to backtrack to.
    let mut star: Option<(usize, usize)> = None;
    while vi < v.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == v[vi]) {
            pi += 1;
            vi += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, vi));
            pi += 1;
        } else if let Some((sp, sv)) = star {
            pi = sp + 1;
            vi = sv + 1;
            star = Some((sp, sv + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// The actions a policy can grant: the fifteen of the seed's EventBridge policy.
pub fn policy_actions() -> impl Iterator<Item = &'static str> {
    Action::EVENTBRIDGE.iter().map(|a| a.as_str())
}

/// Parse and validate `text` for the account `account_id`.
pub fn parse(text: &str, account_id: i64) -> Result<PolicyDocument, PolicyError> {
    if text.len() > MAX_DOCUMENT_BYTES {
        return Err(PolicyError {
            path: String::new(),
            message: format!(
                "the policy is {} bytes; at most {MAX_DOCUMENT_BYTES} are allowed",
                text.len()
            ),
            line: None,
            column: None,
        });
    }
    let value: Value = serde_json::from_str(text).map_err(|e| PolicyError {
        path: String::new(),
        message: format!("not valid JSON: {}", json_reason(&e)),
        line: Some(e.line()),
        column: Some(e.column()),
    })?;
    Parser { text, account_id }.document(&value)
}

/// serde_json's message without its " at line L column C" tail (we report those apart).
fn json_reason(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

struct Parser<'a> {
    text: &'a str,
    account_id: i64,
}

impl Parser<'_> {
    /// An error at `path`, located in the text by the first occurrence of `needle` (a JSON
    /// string or key as written), when there is one.
    fn error(&self, path: &str, needle: Option<&str>, message: String) -> PolicyError {
        let (line, column) = needle
            .and_then(|n| {
                let quoted = serde_json::to_string(n).ok()?;
                let at = self.text.find(&quoted)?;
                let before = &self.text[..at];
                let line = before.matches('\n').count() + 1;
                let column = before.len() - before.rfind('\n').map(|i| i + 1).unwrap_or(0) + 1;
                Some((line, column))
            })
            .unzip();
        PolicyError {
            path: path.to_string(),
            message,
            line,
            column,
        }
    }

    fn document(&self, value: &Value) -> Result<PolicyDocument, PolicyError> {
        let Some(object) = value.as_object() else {
            return Err(self.error(
                "",
                None,
                "a policy is a JSON object with \"Version\" and \"Statement\"".into(),
            ));
        };
        for key in object.keys() {
            if key != "Version" && key != "Statement" {
                return Err(self.error(
                    key,
                    Some(key),
                    format!("unknown key {key:?}; a policy has \"Version\" and \"Statement\""),
                ));
            }
        }
        match object.get("Version") {
            Some(Value::String(v)) if v == "1" => {}
            Some(other) => {
                return Err(self.error(
                    "Version",
                    Some("Version"),
                    format!("must be \"1\", not {other}"),
                ))
            }
            None => return Err(self.error("Version", None, "is required: \"1\"".into())),
        }
        let statements: Vec<&Value> = match object.get("Statement") {
            Some(Value::Array(items)) => items.iter().collect(),
            Some(item @ Value::Object(_)) => vec![item],
            Some(_) => {
                return Err(self.error(
                    "Statement",
                    Some("Statement"),
                    "must be a list of statements".into(),
                ))
            }
            None => return Err(self.error("Statement", None, "is required".into())),
        };
        if statements.is_empty() {
            return Err(self.error(
                "Statement",
                Some("Statement"),
                "needs at least one statement".into(),
            ));
        }
        if statements.len() > MAX_STATEMENTS {
            return Err(self.error(
                "Statement",
                Some("Statement"),
                format!("at most {MAX_STATEMENTS} statements are allowed"),
            ));
        }
        let statements = statements
            .iter()
            .enumerate()
            .map(|(i, s)| self.statement(&format!("Statement[{i}]"), s))
            .collect::<Result<_, _>>()?;
        Ok(PolicyDocument { statements })
    }

    fn statement(&self, path: &str, value: &Value) -> Result<Statement, PolicyError> {
        let Some(object) = value.as_object() else {
            return Err(self.error(path, None, "a statement is a JSON object".into()));
        };
        for key in object.keys() {
            if ![
                "Effect",
                "Action",
                "NotAction",
                "Resource",
                "NotResource",
                "Condition",
            ]
            .contains(&key.as_str())
            {
                return Err(self.error(
                    &format!("{path}.{key}"),
                    Some(key),
                    format!("unknown key {key:?}; a statement has Effect, Action or NotAction, Resource or NotResource, and Condition"),
                ));
            }
        }
        let effect = match object.get("Effect") {
            Some(Value::String(e)) if e == "Allow" => Effect::Allow,
            Some(Value::String(e)) if e == "Deny" => Effect::Deny,
            Some(other) => {
                return Err(self.error(
                    &format!("{path}.Effect"),
                    other.as_str(),
                    format!("must be \"Allow\" or \"Deny\", not {other}"),
                ))
            }
            None => {
                return Err(self.error(
                    &format!("{path}.Effect"),
                    None,
                    "is required: \"Allow\" or \"Deny\"".into(),
                ))
            }
        };
        let actions = self.either(path, object, "Action", "NotAction", |p, s| {
            self.action(p, s)
        })?;
        let resources = self.either(path, object, "Resource", "NotResource", |p, s| {
            self.resource(p, s)
        })?;
        let conditions = match object.get("Condition") {
            None => Vec::new(),
            Some(c) => self.conditions(&format!("{path}.Condition"), c)?,
        };
        Ok(Statement {
            effect,
            actions,
            resources,
            conditions,
        })
    }

    /// `Action` or `NotAction` (exactly one), each a string or a list of strings, each
    /// string checked by `check`.
    fn either(
        &self,
        path: &str,
        object: &serde_json::Map<String, Value>,
        plain: &str,
        not: &str,
        check: impl Fn(&str, &str) -> Result<(), PolicyError>,
    ) -> Result<Patterns, PolicyError> {
        let (key, value, negated) = match (object.get(plain), object.get(not)) {
            (Some(_), Some(_)) => {
                return Err(self.error(
                    &format!("{path}.{not}"),
                    Some(not),
                    format!("a statement has {plain} or {not}, not both"),
                ))
            }
            (Some(v), None) => (plain, v, false),
            (None, Some(v)) => (not, v, true),
            (None, None) => {
                return Err(self.error(path, None, format!("a statement needs {plain} or {not}")))
            }
        };
        let at = format!("{path}.{key}");
        let items: Vec<(String, &Value)> = match value {
            Value::String(_) => vec![(at.clone(), value)],
            Value::Array(items) if !items.is_empty() => items
                .iter()
                .enumerate()
                .map(|(i, v)| (format!("{at}[{i}]"), v))
                .collect(),
            Value::Array(_) => return Err(self.error(&at, Some(key), "must not be empty".into())),
            _ => {
                return Err(self.error(
                    &at,
                    Some(key),
                    "must be a string or a list of strings".into(),
                ))
            }
        };
        let mut patterns = Vec::with_capacity(items.len());
        for (p, v) in items {
            let Some(s) = v.as_str() else {
                return Err(self.error(&p, Some(key), format!("must be a string, not {v}")));
            };
            check(&p, s)?;
            patterns.push(s.to_string());
        }
        Ok(if negated {
            Patterns::NoneOf(patterns)
        } else {
            Patterns::Any(patterns)
        })
    }

    fn action(&self, path: &str, pattern: &str) -> Result<(), PolicyError> {
        if policy_actions().any(|a| wildcard_match(pattern, a)) {
            return Ok(());
        }
        let hint = policy_actions()
            .find(|a| a.eq_ignore_ascii_case(pattern))
            .map(|a| format!(" (names are case-sensitive: did you mean {a:?}?)"))
            .unwrap_or_else(|| {
                " (Herald's policies grant the fifteen eventbridge: actions, e.g. \"eventbridge:CreateRule\" or \"eventbridge:Get*\")".into()
            });
        Err(self.error(
            path,
            Some(pattern),
            format!("unknown action {pattern:?}{hint}"),
        ))
    }

    fn resource(&self, path: &str, pattern: &str) -> Result<(), PolicyError> {
        if pattern == "*" {
            return Ok(());
        }
        let bad = |why: String| {
            self.error(
                path,
                Some(pattern),
                format!("bad resource ARN {pattern:?}: {why}"),
            )
        };
        let parts: Vec<&str> = pattern.splitn(5, ':').collect();
        if parts.len() != 5 || parts[0] != "acs" {
            return Err(bad(
                "an ARN reads acs:eventbridge:{region}:{account}:eventbus/{bus}, or \"*\"".into(),
            ));
        }
        let (service, region, account, relative) = (parts[1], parts[2], parts[3], parts[4]);
        if !wildcard_match(service, "eventbridge") {
            return Err(bad(format!(
                "service {service:?} is not eventbridge, the only service policies cover"
            )));
        }
        if region.is_empty() || account.is_empty() {
            return Err(bad(
                "the region and the account may not be empty; write * for any".into(),
            ));
        }
        if !wildcard_match(region, REGION) {
            return Err(bad(format!(
                "region {region:?} never matches; this Herald's region is {REGION:?} (or write *)"
            )));
        }
        if !wildcard_match(account, &self.account_id.to_string()) {
            return Err(bad(format!(
                "account {account:?} is not this account ({}); write * or {}",
                self.account_id, self.account_id
            )));
        }
        if !(wildcard_match(relative, "eventbus/x")
            || wildcard_match(relative, "eventbus/x/rule/y")
            || relative.starts_with("eventbus/"))
        {
            return Err(bad(format!(
                "{relative:?} names no event bus; write eventbus/{{bus}} or eventbus/{{bus}}/rule/{{rule}}"
            )));
        }
        Ok(())
    }

    fn conditions(&self, path: &str, value: &Value) -> Result<Vec<Condition>, PolicyError> {
        let Some(operators) = value.as_object() else {
            return Err(self.error(
                path,
                Some("Condition"),
                "must be an object: {\"StringEquals\": {\"herald:Via\": \"api\"}}".into(),
            ));
        };
        let mut out = Vec::new();
        for (op, keys) in operators {
            let at = format!("{path}.{op}");
            let Some(operator) = Operator::parse(op) else {
                return Err(self.error(
                    &at,
                    Some(op),
                    format!("unsupported condition operator {op:?}; use StringEquals, StringNotEquals, StringLike or StringNotLike"),
                ));
            };
            let Some(keys) = keys.as_object().filter(|k| !k.is_empty()) else {
                return Err(self.error(
                    &at,
                    Some(op),
                    "must be an object of condition keys to values".into(),
                ));
            };
            for (key, values) in keys {
                let at = format!("{at}.{key}");
                if !CONDITION_KEYS.iter().any(|(k, _)| k == key) {
                    let known: Vec<&str> = CONDITION_KEYS.iter().map(|(k, _)| *k).collect();
                    return Err(self.error(
                        &at,
                        Some(key),
                        format!(
                            "unsupported condition key {key:?}; Herald knows {}",
                            known.join(", ")
                        ),
                    ));
                }
                let values: Vec<String> = match values {
                    Value::String(s) => vec![s.clone()],
                    Value::Array(items) if !items.is_empty() => items
                        .iter()
                        .map(|v| v.as_str().map(str::to_string))
                        .collect::<Option<_>>()
                        .ok_or_else(|| {
                            self.error(&at, Some(key), "values must be strings".into())
                        })?,
                    _ => {
                        return Err(self.error(
                            &at,
                            Some(key),
                            "must be a string or a non-empty list of strings".into(),
                        ))
                    }
                };
                out.push(Condition {
                    operator,
                    key: key.clone(),
                    values,
                });
            }
        }
        Ok(out)
    }
}

/// A built-in policy template: its name, description and document text.
pub struct Template {
    pub name: &'static str,
    pub description: &'static str,
    pub document: fn() -> String,
}

/// The templates offered when creating a policy.
pub const TEMPLATES: [Template; 2] = [
    Template {
        name: "AliyunEventBridgeFullAccess",
        description:
            "The PAI guide's policy: the fifteen EventBridge actions on every event bus (step 1.3).",
        document: seed_policy,
    },
    Template {
        name: "EventBridgeReadOnly",
        description: "Read only: Get* and List* on every event bus.",
        document: read_only_policy,
    },
];

/// The seed's EventBridge policy, the fifteen actions on `acs:eventbridge:*:*:eventbus/*`.
pub fn seed_policy() -> String {
    let actions: Vec<&str> = policy_actions().collect();
    let doc = serde_json::json!({
        "Version": "1",
        "Statement": [{
            "Effect": "Allow",
            "Action": actions,
            "Resource": "acs:eventbridge:*:*:eventbus/*"
        }]
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

/// Read-only access: `Get*` and `List*` on every bus.
pub fn read_only_policy() -> String {
    let doc = serde_json::json!({
        "Version": "1",
        "Statement": [{
            "Effect": "Allow",
            "Action": ["eventbridge:Get*", "eventbridge:List*"],
            "Resource": "acs:eventbridge:*:*:eventbus/*"
        }]
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_are_case_sensitive_and_question_mark_is_one_char() {
        let cases = [
            ("*", "", true),
            ("*", "anything", true),
            ("eventbridge:Get*", "eventbridge:GetRule", true),
            ("eventbridge:get*", "eventbridge:GetRule", false),
            ("eventbridge:???Rule", "eventbridge:GetRule", true),
            ("eventbridge:???Rule", "eventbridge:ListRules", false),
            ("a?c", "abc", true),
            ("a?c", "ac", false),
            ("a*b*c", "a-x-b-y-c", true),
            ("a*b*c", "a-x-c-y-b", false),
            ("eventbus/pai-*", "eventbus/pai-system-x/rule/r", true),
            ("eventbus/x", "eventbus/x/rule/r", false),
            ("**", "x", true),
        ];
        for (pattern, value, expected) in cases {
            assert_eq!(
                wildcard_match(pattern, value),
                expected,
                "{pattern:?} vs {value:?}"
            );
        }
    }

    #[test]
    fn templates_parse_and_the_seed_lists_fifteen_actions() {
        let seed = parse(&seed_policy(), 7).unwrap();
        match &seed.statements[0].actions {
            Patterns::Any(a) => assert_eq!(a.len(), 15),
            other => panic!("{other:?}"),
        }
        parse(&read_only_policy(), 7).unwrap();
    }

    #[test]
    fn json_errors_carry_line_and_column() {
        let err = parse("{\n  \"Version\": \"1\",\n  \"Statement\": [,]\n}", 1).unwrap_err();
        assert_eq!(err.line, Some(3));
        assert_eq!(err.column, Some(17));
        assert!(err.message.starts_with("not valid JSON"), "{err}");
    }

    fn error_of(text: &str) -> PolicyError {
        parse(text, 7).unwrap_err()
    }

    #[test]
    fn unknown_action_is_named_with_its_path_and_position() {
        let err = error_of(
            r#"{"Version":"1","Statement":[{"Effect":"Allow",
"Action":["eventbridge:GetRule","eventbridge:createrule"],"Resource":"*"}]}"#,
        );
        assert_eq!(err.path, "Statement[0].Action[1]");
        assert!(err.message.contains("\"eventbridge:createrule\""), "{err}");
        assert!(err.message.contains("eventbridge:CreateRule"), "{err}");
        assert_eq!(err.line, Some(2));
        assert_eq!(err.column, Some(33));
    }

    #[test]
    fn bad_resources_are_refused_with_the_reason() {
        let doc = |r: &str| {
            format!(
                r#"{{"Version":"1","Statement":[{{"Effect":"Allow","Action":"eventbridge:*","Resource":"{r}"}}]}}"#
            )
        };
        for (resource, reason) in [
            ("eventbus/*", "an ARN reads"),
            ("acs:oss:*:*:bucket/x", "service"),
            ("acs:eventbridge:cn-hangzhou:*:eventbus/*", "region"),
            ("acs:eventbridge:*:8:eventbus/*", "account \"8\""),
            ("acs:eventbridge:*:*:role/x", "names no event bus"),
            ("acs:eventbridge::7:eventbus/x", "may not be empty"),
        ] {
            let err = error_of(&doc(resource));
            assert_eq!(err.path, "Statement[0].Resource", "{resource}");
            assert!(err.message.contains(reason), "{resource}: {err}");
        }
        for ok in [
            "*",
            "acs:eventbridge:*:*:eventbus/*",
            "acs:eventbridge:local:7:eventbus/pai-system-a",
            "acs:eventbridge:*:7:eventbus/pai-*/rule/nightly-?",
        ] {
            parse(&doc(ok), 7).unwrap();
        }
    }

    #[test]
    fn conditions_accept_documented_keys_and_refuse_the_rest() {
        let doc = |c: &str| {
            format!(
                r#"{{"Version":"1","Statement":[{{"Effect":"Allow","Action":"eventbridge:*","Resource":"*","Condition":{c}}}]}}"#
            )
        };
        let parsed = parse(&doc(r#"{"StringEquals":{"herald:Via":"api"}}"#), 7).unwrap();
        assert_eq!(parsed.statements[0].conditions.len(), 1);
        let err = error_of(&doc(r#"{"StringEquals":{"acs:SourceIp":"1.2.3.4"}}"#));
        assert_eq!(err.path, "Statement[0].Condition.StringEquals.acs:SourceIp");
        assert!(err.message.contains("unsupported condition key"), "{err}");
        let err = error_of(&doc(r#"{"IpAddress":{"herald:Via":"api"}}"#));
        assert!(err
            .message
            .contains("unsupported condition operator \"IpAddress\""));
    }

    #[test]
    fn structure_errors_name_the_key() {
        let err = error_of(r#"{"Version":"2","Statement":[]}"#);
        assert_eq!(err.path, "Version");
        let err = error_of(
            r#"{"Version":"1","Statement":[{"Effect":"allow","Action":"*","Resource":"*"}]}"#,
        );
        assert_eq!(err.path, "Statement[0].Effect");
        let err = error_of(
            r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","NotAction":"*","Resource":"*"}]}"#,
        );
        assert!(err.message.contains("not both"));
        let err = error_of(r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":"*"}]}"#);
        assert!(err.message.contains("Resource or NotResource"));
        let err = error_of(
            r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Sid":"x"}]}"#,
        );
        assert_eq!(err.path, "Statement[0].Sid");
    }

    #[test]
    fn conditions_hold_as_documented() {
        let c = |operator, values: &[&str]| Condition {
            operator,
            key: "herald:Via".into(),
            values: values.iter().map(|s| s.to_string()).collect(),
        };
        assert!(c(Operator::StringEquals, &["api"]).holds(Some("api")));
        assert!(!c(Operator::StringEquals, &["api"]).holds(Some("API")));
        assert!(c(Operator::StringLike, &["con*"]).holds(Some("console")));
        assert!(c(Operator::StringNotLike, &["con*"]).holds(Some("api")));
        assert!(!c(Operator::StringEquals, &["api"]).holds(None));
        assert!(c(Operator::StringNotEquals, &["api"]).holds(None));
    }
}
