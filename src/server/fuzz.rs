//! Property tests over what a stranger can send: CloudEvents (structured and binary),
//! DataRobot's webhooks, event patterns, policy documents and target settings. Each input is
//! generated — arbitrary JSON, arbitrary text, and valid documents with one part replaced by
//! something arbitrary — and each property says the same two things: nothing panics, and a
//! refusal names the field it is about (the one that was replaced, where the input was valid
//! apart from it).
//!
//! The number of cases is bounded so that `make test` stays quick; set `PROPTEST_CASES` for a
//! longer run.

use crate::domain::catalog;
use crate::domain::pattern::Pattern;
use crate::domain::ram;
use crate::domain::rule::{RuleInput, TargetInput};
use crate::domain::AppError;
use crate::server::ingest;
use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::{json, Map, Value};

/// Cases per property unless `PROPTEST_CASES` says otherwise.
const CASES: u32 = 400;

fn config() -> Config {
    Config {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(CASES),
        // The module lives in src/: regressions would be written beside it. A failure prints
        // its minimal input, which becomes an example test.
        failure_persistence: None,
        ..Config::default()
    }
}

/// Strings a parser may trip over, and any string at all.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<String>(),
        2 => prop::sample::select(vec![
            "", " ", "1.0", "*", "**", "?", "a*b?c", "acs:eventbridge:*:*:eventbus/*",
            "eventbridge:*", "eventbridge:PutEvents", "Allow", "Deny", "2026-11-29T10:00:00Z",
            "2026-13-45T99:99:99Z", "pai.dlc", "dlc:Job:Failed", "datarobot.project",
            "project.deleted", "application/json", "text/plain", "https://example.com/hook",
            "http://127.0.0.1:1/", "http://[::1]/", "https://oapi.dingtalk.com/robot/send?access_token=x",
            "javascript:alert(1)", "\u{0}", "\n", "é", "日本語", "-1", "1e999", "NaN",
            "numeric", "prefix", "suffix", "anything-but", "exists", "cidr",
        ])
        .prop_map(str::to_string),
    ]
}

/// Arbitrary JSON, a few levels deep, with keys that the parsers know among random ones.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        any::<u64>().prop_map(Value::from),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..6)
                .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Object keys: the names Herald's documents use, and anything else.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => prop::sample::select(vec![
            "specversion", "id", "source", "type", "subject", "time", "data", "data_base64",
            "datacontenttype", "Version", "Statement", "Effect", "Action", "Resource",
            "Condition", "kind", "url", "secret", "headers", "contacts", "at_mobiles",
            "numeric", "prefix", "suffix", "anything-but", "exists", "status", "job",
        ])
        .prop_map(str::to_string),
        1 => any::<String>(),
    ]
}

/// A valid structured CloudEvent of the catalog, one per event type.
fn valid_events() -> Vec<Map<String, Value>> {
    catalog::sources()
        .iter()
        .flat_map(|source| {
            source.types().map(move |t| {
                let Value::Object(event) = json!({
                    "specversion": "1.0",
                    "id": "fuzz-1",
                    "source": source.id,
                    "type": t.type_id,
                    "subject": "fuzz",
                    "time": "2026-11-29T10:00:00Z",
                    "datacontenttype": "application/json",
                    "data": t.sample_data(),
                }) else {
                    unreachable!("a json! object literal")
                };
                event
            })
        })
        .collect()
}

/// The fields a refusal of `event` with `attribute` replaced may name: the attribute itself,
/// or (for `source`) the type, which then belongs to no source; for `data`, one of its
/// fields; for a `datacontenttype` that is a media type but not JSON, the data it then
/// contradicts (the catalog's data is an object).
fn names_the_replaced_field(attribute: &str, value: &Value, field: &str) -> bool {
    let not_json = || {
        value
            .as_str()
            .is_some_and(|ct| ct.contains('/') && !ingest::is_json_type(ct))
    };
    field == attribute
        || (attribute == "source" && field == "type")
        || (attribute == "data" && field.starts_with("data."))
        || (attribute == "datacontenttype" && field == "data" && not_json())
}

/// `*` (any run) and `?` (one character) by dynamic programming: `done[i][j]` says whether
/// the first `i` characters of the pattern match the first `j` of the value.
fn wildcard_by_table(pattern: &str, value: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let v: Vec<char> = value.chars().collect();
    let mut done = vec![vec![false; v.len() + 1]; p.len() + 1];
    done[0][0] = true;
    for i in 1..=p.len() {
        for j in 0..=v.len() {
            done[i][j] = match p[i - 1] {
                '*' => done[i - 1][j] || (j > 0 && done[i][j - 1]),
                '?' => j > 0 && done[i - 1][j - 1],
                c => j > 0 && v[j - 1] == c && done[i - 1][j - 1],
            };
        }
    }
    done[p.len()][v.len()]
}

const NOW: &str = "2026-11-29T10:00:00Z";

/// A bus's choice for unknown types, drawn.
fn unknown(accept: bool) -> crate::domain::models::UnknownTypes {
    if accept {
        crate::domain::models::UnknownTypes::Accept
    } else {
        crate::domain::models::UnknownTypes::Refuse
    }
}

/// The first valid event of the catalog, built once.
static FIRST_EVENT: std::sync::LazyLock<Map<String, Value>> =
    std::sync::LazyLock::new(|| valid_events().swap_remove(0));

proptest! {
    #![proptest_config(config())]

    /// Any JSON at all: an answer, never a panic; a refused object names a field.
    #[test]
    fn a_cloudevent_of_any_json_is_answered(value in json_value(), accept in any::<bool>()) {
        let is_object = value.is_object();
        if let Err(e) = ingest::check(value, NOW, unknown(accept)) {
            prop_assert!(!e.message.is_empty());
            if is_object && e.code != "EventTooLarge" {
                prop_assert!(!e.field.is_empty(), "no field named: {e:?}");
            }
        }
    }

    /// A valid event with one attribute replaced: accepted, or refused naming that attribute.
    #[test]
    fn a_cloudevent_with_one_bad_attribute_is_refused_by_name(
        event in prop::sample::select(valid_events()),
        attribute in prop::sample::select(vec![
            "specversion", "id", "source", "type", "subject", "time", "datacontenttype",
            "data", "data_base64", "extension1",
        ]),
        value in json_value(),
        accept in any::<bool>(),
    ) {
        let mut event = event;
        event.insert(attribute.to_string(), value.clone());
        match ingest::check(Value::Object(event), NOW, unknown(accept)) {
            Ok(incoming) => {
                // Whatever was accepted is what is stored: the attribute survives in the
                // envelope (data as an object, the rest as given).
                let envelope: Value = serde_json::from_str(&incoming.envelope).unwrap();
                if attribute != "data" && attribute != "time" && !value.is_null() {
                    prop_assert_eq!(&envelope[attribute], &value);
                }
            }
            Err(e) => prop_assert!(
                names_the_replaced_field(attribute, &value, &e.field),
                "replacing {attribute} with {value} was refused naming {:?}: {}",
                e.field,
                e.message
            ),
        }
    }

    /// Any attribute name: a bad one is refused naming it, whatever it is.
    #[test]
    fn a_cloudevent_attribute_name_is_checked(name in any::<String>(), accept in any::<bool>()) {
        let mut event = FIRST_EVENT.clone();
        if event.contains_key(&name) {
            return Ok(());
        }
        event.insert(name.clone(), json!("x"));
        if let Err(e) = ingest::check(Value::Object(event), NOW, unknown(accept)) {
            prop_assert!(e.field.contains(name.as_str()) && !e.field.is_empty(), "{e:?}");
        }
    }

    /// Binary mode: any headers and any body get an answer; a refusal names a field.
    #[test]
    fn a_binary_cloudevent_is_answered(
        headers in prop::collection::vec((
            prop::sample::select(vec![
                "ce-specversion", "ce-id", "ce-source", "ce-type", "ce-time", "ce-subject",
                "ce-datacontenttype", "ce-x", "ce-", "content-type", "x-other",
            ]),
            text(),
        ), 0..8),
        body in prop_oneof![
            json_value().prop_map(|v| v.to_string().into_bytes()),
            prop::collection::vec(any::<u8>(), 0..64),
        ],
        accept in any::<bool>(),
    ) {
        let content_type = headers
            .iter()
            .find(|(name, _)| *name == "content-type")
            .map_or("", |(_, value)| value.as_str());
        let pairs = headers.iter().map(|(name, value)| (*name, value.as_str()));
        let result = ingest::from_binary(pairs, content_type, &body)
            .and_then(|event| ingest::check(event, NOW, unknown(accept)));
        if let Err(e) = result {
            prop_assert!(!e.message.is_empty());
            prop_assert!(!e.field.is_empty() || e.code == "EventTooLarge", "{e:?}");
        }
    }

    /// DataRobot's webhooks: any payload in either mode gets an answer, and a refusal names
    /// a field.
    #[test]
    fn a_datarobot_webhook_of_any_json_is_answered(
        payload in prop_oneof![
            json_value(),
            (json_value(), prop::sample::select(vec![
                "project.deleted", "dataset.created", "misc.webhook_connection_test", "x",
            ]), json_value()).prop_map(|(mut data, event_type, timestamp)| {
                if let Value::Object(map) = &mut data {
                    map.insert("event_type".into(), json!(event_type));
                    map.insert("timestamp".into(), timestamp);
                }
                data
            }),
        ],
        form in any::<bool>(),
        accept in any::<bool>(),
    ) {
        let (content_type, body) = if form {
            let encoded: String =
                url::form_urlencoded::Serializer::new(String::new())
                    .append_pair("payload", &payload.to_string())
                    .finish();
            ("application/x-www-form-urlencoded", encoded.into_bytes())
        } else {
            ("application/json", payload.to_string().into_bytes())
        };
        let result = ingest::from_datarobot(content_type, &body)
            .and_then(|event| ingest::check(event, NOW, unknown(accept)));
        if let Err(e) = result {
            prop_assert!(!e.message.is_empty());
            prop_assert!(!e.field.is_empty() || e.code == "EventTooLarge", "{e:?}");
        }
    }

    /// Any JSON as a pattern: parsed or refused with a path; a parsed one survives its own
    /// round trip and matches any data without panicking.
    #[test]
    fn a_pattern_of_any_json_is_answered(value in json_value(), data in json_value()) {
        match Pattern::parse(&value) {
            Ok(pattern) => {
                let again = Pattern::parse(&pattern.to_value());
                prop_assert_eq!(again.as_ref(), Ok(&pattern));
                let _ = pattern.matches(&data);
            }
            Err(e) => {
                prop_assert!(e.path.starts_with("data"), "{e:?}");
                prop_assert!(!e.message.is_empty());
            }
        }
    }

    /// Any text in the rule form's pattern field: refused as `pattern`, never a panic.
    #[test]
    fn a_pattern_of_any_text_is_answered(text in prop_oneof![
        any::<String>(),
        json_value().prop_map(|v| v.to_string()),
    ]) {
        if let Err(e) = crate::domain::rule::parse_pattern(&text) {
            prop_assert_eq!(e.for_field("pattern").is_some(), true, "{:?}", e);
        }
    }

    /// Any text as a policy document: an answer; an error has a message, and a document that
    /// is valid JSON gets a path or a position.
    #[test]
    fn a_policy_of_any_text_is_answered(text in prop_oneof![
        any::<String>(),
        json_value().prop_map(|v| v.to_string()),
    ]) {
        if let Err(e) = ram::parse(&text, 7) {
            prop_assert!(!e.message.is_empty());
        }
    }

    /// A valid policy with one part replaced by arbitrary JSON: accepted, or refused with the
    /// path of that part.
    #[test]
    fn a_policy_with_one_bad_part_is_refused_by_path(
        part in prop::sample::select(vec![
            ("Version", ""), ("Statement", ""), ("Effect", "Statement[0]."),
            ("Action", "Statement[0]."), ("Resource", "Statement[0]."),
            ("Condition", "Statement[0]."),
        ]),
        value in json_value(),
    ) {
        let (name, parent) = part;
        let mut policy = json!({
            "Version": "1",
            "Statement": [{
                "Effect": "Allow",
                "Action": ["eventbridge:ListRules"],
                "Resource": ["acs:eventbridge:*:7:eventbus/default"],
            }],
        });
        if parent.is_empty() {
            policy[name] = value.clone();
        } else {
            policy["Statement"][0][name] = value.clone();
        }
        if let Err(e) = ram::parse(&policy.to_string(), 7) {
            let path = format!("{parent}{name}");
            prop_assert!(
                e.path.starts_with(&path),
                "replacing {path} with {value} was refused at {:?}: {}",
                e.path,
                e.message
            );
        }
    }

    /// Wildcards of any shape give the answer of a plain table-filling matcher (the policy
    /// matcher backtracks; this cannot), `*` matches anything and a value matches itself.
    #[test]
    fn a_wildcard_of_any_shape_is_matched(pattern in "[ab*?]{0,40}", value in "[ab]{0,60}") {
        prop_assert_eq!(
            ram::wildcard_match(&pattern, &value),
            wildcard_by_table(&pattern, &value),
            "{} against {}",
            pattern,
            value
        );
        prop_assert!(ram::wildcard_match("*", &value));
        prop_assert!(ram::wildcard_match(&value, &value));
    }

    /// Any JSON as a target's settings, through the same decoding the API uses: refused with
    /// the path of what is wrong, or valid and checked field by field with the field named.
    #[test]
    fn target_settings_of_any_json_are_answered(
        kind in prop::sample::select(vec![
            "dingtalk", "wecom", "lark", "http", "voice", "sms", "email", "other",
        ]),
        fields in prop::collection::vec((key(), json_value()), 0..6),
    ) {
        let mut config = Map::new();
        config.insert("kind".into(), json!(kind));
        for (k, v) in fields {
            config.insert(k, v);
        }
        let body = json!({
            "name": "fuzz-rule",
            "source": "pai.dlc",
            "types": ["dlc:Job:Failed"],
            "targets": [{"config": Value::Object(config)}],
        });
        match crate::server::http::decode_json::<RuleInput>(body.to_string().as_bytes()) {
            Ok(rule) => {
                let target: &TargetInput = &rule.targets[0];
                if let Err(e) = target.config.validate("targets[0]") {
                    match &e {
                        AppError::Invalid { field, .. } => {
                            prop_assert!(field.starts_with("targets[0]."), "{e:?}")
                        }
                        other => prop_assert!(false, "not a field error: {other:?}"),
                    }
                }
            }
            Err(AppError::Invalid { field, message }) => {
                prop_assert!(
                    field.starts_with("targets[0].config") || field == "body",
                    "{field}: {message}"
                );
                prop_assert!(!message.is_empty());
            }
            Err(other) => prop_assert!(false, "not a field error: {other:?}"),
        }
    }
}
