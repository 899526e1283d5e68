//! Event patterns: the subset of EventBridge's pattern language that an event rule uses to
//! filter events by their `data`.
//!
//! A pattern is a JSON object laid over an event's `data`. Its keys are ANDed; an object value
//! descends into the object of the same name in `data`; an array value is a leaf, a non-empty
//! list of matchers of which at least one must hold (ORed). A matcher is one of:
//!
//! | matcher                                   | holds when the field …                         |
//! |-------------------------------------------|------------------------------------------------|
//! | `"a"`, `5`, `true`, `null`                | equals it (case-sensitive; `5` equals `5.0`)   |
//! | `{"prefix": "nightly-"}`                  | is a string that starts with it                |
//! | `{"suffix": ".csv"}`                      | is a string that ends with it                  |
//! | `{"anything-but": "a"}` or `["a", "b"]`   | is present and equals none of them             |
//! | `{"anything-but": {"prefix": "tmp-"}}`    | is present and not a string starting with it   |
//! | `{"numeric": [">", 0, "<=", 5]}`          | is a number satisfying every comparison        |
//! | `{"exists": true}` / `{"exists": false}`  | is present (even as `null`) / is missing       |
//!
//! A missing field matches nothing but `{"exists": false}`. When the field is an array, a leaf
//! holds if any element satisfies a matcher (`exists` looks at the field itself), and a nested
//! object holds if any element satisfies it. Example, "only jobs whose name starts with
//! `nightly-` and that did not succeed":
//!
//! ```json
//! {"job": {"name": [{"prefix": "nightly-"}]}, "status": [{"anything-but": "Succeeded"}]}
//! ```
//!
//! [`Pattern::parse`] rejects anything outside this subset with the path of the offending part
//! (paths start at `data`, the part of the event the pattern applies to) and the reason. The
//! EventBridge operators `cidr`, `contains`, `wildcard` and `equals-ignore-case` are named as
//! unsupported rather than unknown. Nothing here does I/O.

use std::cmp::Ordering;
use std::fmt;

use serde_json::{Map, Number, Value};

/// How many field names deep a pattern may go.
pub const MAX_DEPTH: usize = 10;
/// Largest pattern accepted, in bytes of compact JSON.
pub const MAX_BYTES: usize = 4096;

/// The root of every error path: a pattern applies to an event's `data`.
const ROOT: &str = "data";
const SUPPORTED: &str = "prefix, suffix, anything-but, numeric, exists";
/// EventBridge operators that a user may reasonably try but Herald does not implement.
const UNSUPPORTED: &[&str] = &["cidr", "contains", "wildcard", "equals-ignore-case"];

/// A validated event pattern. Build one with [`Pattern::parse`] or [`Pattern::parse_str`].
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    /// The top-level fields, sorted by name.
    fields: Vec<(String, Node)>,
}

/// Why a pattern was rejected: where (`data.job.name`, `data.status[1]`, …) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    pub path: String,
    pub message: String,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for PatternError {}

/// What a field name of the pattern maps to.
#[derive(Debug, Clone, PartialEq)]
enum Node {
    /// A nested pattern for an object-valued field; fields sorted by name.
    Object(Vec<(String, Node)>),
    /// A leaf: matchers, ORed. Never empty.
    Leaf(Vec<Matcher>),
}

#[derive(Debug, Clone, PartialEq)]
enum Matcher {
    /// A string, number, boolean or null.
    Exact(Value),
    Prefix(String),
    Suffix(String),
    /// Literals the field must differ from; never empty.
    AnythingBut(Vec<Value>),
    AnythingButPrefix(String),
    /// One comparison, or a lower and an upper bound.
    Numeric(Vec<(Cmp, Number)>),
    Exists(bool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    fn parse(text: &str) -> Option<Cmp> {
        Some(match text {
            "=" => Cmp::Eq,
            "<" => Cmp::Lt,
            "<=" => Cmp::Le,
            ">" => Cmp::Gt,
            ">=" => Cmp::Ge,
            _ => return None,
        })
    }

    fn as_str(self) -> &'static str {
        match self {
            Cmp::Eq => "=",
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
        }
    }

    /// Does `value <op> operand` hold?
    fn holds(self, value: &Number, operand: &Number) -> bool {
        let Some(ord) = compare_numbers(value, operand) else {
            return false;
        };
        match self {
            Cmp::Eq => ord == Ordering::Equal,
            Cmp::Lt => ord == Ordering::Less,
            Cmp::Le => ord != Ordering::Greater,
            Cmp::Gt => ord == Ordering::Greater,
            Cmp::Ge => ord != Ordering::Less,
        }
    }

    fn is_lower_bound(self) -> bool {
        matches!(self, Cmp::Gt | Cmp::Ge)
    }

    fn is_upper_bound(self) -> bool {
        matches!(self, Cmp::Lt | Cmp::Le)
    }
}

impl Pattern {
    /// Parse and validate. The empty object `{}` is a valid pattern that matches everything.
    pub fn parse(value: &Value) -> Result<Pattern, PatternError> {
        let Some(root) = value.as_object() else {
            return Err(error(
                ROOT,
                format!("a pattern must be a JSON object, got {}", kind(value)),
            ));
        };
        // Structure first: it bounds the nesting, so measuring the size afterwards cannot recurse
        // without limit.
        let fields = parse_fields(root, ROOT, 1)?;
        let size = serialised_len(value);
        if size > MAX_BYTES {
            return Err(error(
                ROOT,
                format!(
                    "the pattern is {size} bytes when serialised; the limit is {MAX_BYTES} bytes (4 KiB)"
                ),
            ));
        }
        Ok(Pattern { fields })
    }

    /// Parse from text; JSON syntax errors are reported with line and column in `message` and
    /// path "pattern".
    pub fn parse_str(text: &str) -> Result<Pattern, PatternError> {
        let value: Value = serde_json::from_str(text).map_err(|e| {
            let full = e.to_string();
            let position = format!(" at line {} column {}", e.line(), e.column());
            let reason = full.strip_suffix(&position).unwrap_or(&full);
            error(
                "pattern",
                format!(
                    "invalid JSON at line {}, column {}: {reason}",
                    e.line(),
                    e.column()
                ),
            )
        })?;
        Pattern::parse(&value)
    }

    /// Does `data` match?
    pub fn matches(&self, data: &Value) -> bool {
        fields_match(&self.fields, data.as_object())
    }

    /// Back to JSON: the input with keys sorted and single-value `anything-but` lists written
    /// as the bare value. Parsing it again gives an equal pattern.
    pub fn to_value(&self) -> Value {
        fields_to_value(&self.fields)
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing

fn error(path: impl Into<String>, message: impl Into<String>) -> PatternError {
    PatternError {
        path: path.into(),
        message: message.into(),
    }
}

/// `data.job` for plain names, `data["odd key"]` for anything else.
fn field_path(parent: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if plain {
        format!("{parent}.{key}")
    } else {
        format!("{parent}[{}]", quote(key))
    }
}

/// A string as a JSON literal: `"prefix"`.
fn quote(text: &str) -> String {
    Value::String(text.to_owned()).to_string()
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn is_literal(value: &Value) -> bool {
    !matches!(value, Value::Array(_) | Value::Object(_))
}

fn is_operator_name(name: &str) -> bool {
    matches!(
        name,
        "prefix" | "suffix" | "anything-but" | "numeric" | "exists"
    ) || UNSUPPORTED.contains(&name)
}

/// The fields of an object of the pattern whose names sit `depth` levels deep (the root's at 1).
fn parse_fields(
    object: &Map<String, Value>,
    path: &str,
    depth: usize,
) -> Result<Vec<(String, Node)>, PatternError> {
    let mut fields = Vec::with_capacity(object.len());
    for (key, value) in object {
        let here = field_path(path, key);
        if key == "$or" {
            return Err(error(here, "operator \"$or\" is not supported"));
        }
        let node = match value {
            Value::Array(items) => Node::Leaf(parse_leaf(items, &here)?),
            Value::Object(inner) => {
                if depth >= MAX_DEPTH {
                    return Err(error(
                        here,
                        format!("nesting deeper than {MAX_DEPTH} levels"),
                    ));
                }
                if inner.is_empty() {
                    return Err(error(
                        here,
                        "empty object: a nested pattern needs at least one field",
                    ));
                }
                Node::Object(parse_fields(inner, &here, depth + 1)?)
            }
            other => {
                let mut message = format!(
                    "expected a non-empty array of matchers or a nested object, got {}",
                    kind(other)
                );
                if is_operator_name(key) {
                    message.push_str(&format!(
                        "; to use the {} operator, put it in an array: [{{{}: ...}}]",
                        quote(key),
                        quote(key)
                    ));
                } else {
                    message.push_str(&format!("; write [{other}] to match it exactly"));
                }
                return Err(error(here, message));
            }
        };
        fields.push((key.clone(), node));
    }
    fields.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(fields)
}

fn parse_leaf(items: &[Value], path: &str) -> Result<Vec<Matcher>, PatternError> {
    if items.is_empty() {
        return Err(error(
            path,
            "empty array matches nothing; list at least one value or matcher",
        ));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let here = format!("{path}[{i}]");
            match item {
                Value::Object(operator) => parse_operator(operator, &here),
                Value::Array(_) => Err(error(
                    here,
                    "nested arrays are not allowed; list the values directly",
                )),
                literal => Ok(Matcher::Exact(literal.clone())),
            }
        })
        .collect()
}

fn parse_operator(operator: &Map<String, Value>, path: &str) -> Result<Matcher, PatternError> {
    let mut entries = operator.iter();
    let (name, argument) = match (entries.next(), operator.len()) {
        (Some(entry), 1) => entry,
        (None, _) => {
            return Err(error(
                path,
                format!("empty matcher object; expected one operator: {SUPPORTED}"),
            ))
        }
        (Some(_), n) => {
            let names: Vec<String> = operator.keys().map(|k| quote(k)).collect();
            return Err(error(
                path,
                format!(
                    "a matcher object takes exactly one operator, found {n}: {}",
                    names.join(", ")
                ),
            ));
        }
    };
    let here = field_path(path, name);
    match name.as_str() {
        "prefix" => Ok(Matcher::Prefix(expect_string(argument, &here, "prefix")?)),
        "suffix" => Ok(Matcher::Suffix(expect_string(argument, &here, "suffix")?)),
        "anything-but" => parse_anything_but(argument, &here),
        "numeric" => parse_numeric(argument, &here),
        "exists" => match argument {
            Value::Bool(want) => Ok(Matcher::Exists(*want)),
            other => Err(error(
                here,
                format!("exists must be true or false, got {}", kind(other)),
            )),
        },
        unsupported if UNSUPPORTED.contains(&unsupported) => Err(error(
            path,
            format!("operator {} is not supported", quote(unsupported)),
        )),
        unknown => Err(error(
            path,
            format!(
                "unknown operator {}; supported: {SUPPORTED}",
                quote(unknown)
            ),
        )),
    }
}

fn expect_string(value: &Value, path: &str, operator: &str) -> Result<String, PatternError> {
    match value {
        Value::String(text) => Ok(text.clone()),
        other => Err(error(
            path,
            format!("{operator} must be a string, got {}", kind(other)),
        )),
    }
}

fn parse_anything_but(argument: &Value, path: &str) -> Result<Matcher, PatternError> {
    const SHAPES: &str = "anything-but takes a value, a list of values, or {\"prefix\": \"...\"}";
    match argument {
        Value::Array(values) => {
            if values.is_empty() {
                return Err(error(path, "anything-but needs at least one value"));
            }
            for (i, value) in values.iter().enumerate() {
                if !is_literal(value) {
                    return Err(error(
                        format!("{path}[{i}]"),
                        format!(
                            "anything-but lists may only hold strings, numbers, booleans or null, got {}",
                            kind(value)
                        ),
                    ));
                }
            }
            Ok(Matcher::AnythingBut(values.clone()))
        }
        Value::Object(inner) => match inner.iter().next() {
            None => Err(error(path, format!("{SHAPES}; got an empty object"))),
            Some((name, prefix)) if inner.len() == 1 && name == "prefix" => {
                Ok(Matcher::AnythingButPrefix(expect_string(
                    prefix,
                    &field_path(path, name),
                    "prefix",
                )?))
            }
            Some((name, _)) if inner.len() == 1 => Err(error(
                path,
                format!(
                    "{SHAPES}; {} is not supported inside anything-but",
                    quote(name)
                ),
            )),
            Some(_) => {
                let names: Vec<String> = inner.keys().map(|k| quote(k)).collect();
                Err(error(
                    path,
                    format!(
                        "{SHAPES}; found {} operators: {}",
                        inner.len(),
                        names.join(", ")
                    ),
                ))
            }
        },
        literal => Ok(Matcher::AnythingBut(vec![literal.clone()])),
    }
}

fn parse_numeric(argument: &Value, path: &str) -> Result<Matcher, PatternError> {
    let Value::Array(items) = argument else {
        return Err(error(
            path,
            format!(
                "numeric must be an array such as [\">\", 0, \"<=\", 5], got {}",
                kind(argument)
            ),
        ));
    };
    let n = items.len();
    if n == 0 {
        return Err(error(
            path,
            "numeric needs at least one comparison, such as [\">\", 0]",
        ));
    }
    if n > 4 {
        return Err(error(
            path,
            format!("numeric takes at most two comparisons, such as [\">\", 0, \"<=\", 5]; got {n} elements"),
        ));
    }
    if n % 2 == 1 {
        return Err(error(
            path,
            format!("numeric must alternate comparators and numbers, such as [\">\", 0]; got {n} elements"),
        ));
    }
    let mut comparisons = Vec::with_capacity(n / 2);
    for (pair_index, pair) in items.chunks(2).enumerate() {
        let at = |offset: usize| format!("{path}[{}]", pair_index * 2 + offset);
        let cmp = match &pair[0] {
            Value::String(text) => Cmp::parse(text).ok_or_else(|| {
                error(
                    at(0),
                    format!(
                        "unknown comparator {}; supported: =, <, <=, >, >=",
                        quote(text)
                    ),
                )
            })?,
            other => {
                return Err(error(
                    at(0),
                    format!(
                        "expected a comparator (=, <, <=, >, >=), got {}",
                        kind(other)
                    ),
                ))
            }
        };
        let operand = match &pair[1] {
            Value::Number(number) => number.clone(),
            other => {
                return Err(error(
                    at(1),
                    format!(
                        "expected a number after \"{}\", got {}",
                        cmp.as_str(),
                        kind(other)
                    ),
                ))
            }
        };
        comparisons.push((cmp, operand));
    }
    if let [first, second] = comparisons.as_slice() {
        let (lower, upper) = if first.0.is_lower_bound() && second.0.is_upper_bound() {
            (first, second)
        } else if first.0.is_upper_bound() && second.0.is_lower_bound() {
            (second, first)
        } else {
            return Err(error(
                path,
                "two comparisons must be a lower bound (> or >=) and an upper bound (< or <=)",
            ));
        };
        let empty = match compare_numbers(&lower.1, &upper.1) {
            Some(Ordering::Greater) | None => true,
            Some(Ordering::Equal) => lower.0 == Cmp::Gt || upper.0 == Cmp::Lt,
            Some(Ordering::Less) => false,
        };
        if empty {
            return Err(error(
                path,
                format!(
                    "the range is empty: no number is {} {} and {} {}",
                    lower.0.as_str(),
                    lower.1,
                    upper.0.as_str(),
                    upper.1
                ),
            ));
        }
    }
    Ok(Matcher::Numeric(comparisons))
}

/// Length of `value` as compact JSON, without building the string.
fn serialised_len(value: &Value) -> usize {
    struct Counter(usize);
    impl std::io::Write for Counter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut counter = Counter(0);
    // Writing a `Value` to an infallible writer cannot fail.
    let _ = serde_json::to_writer(&mut counter, value);
    counter.0
}

// ---------------------------------------------------------------------------------------------
// Matching

/// Every field of the pattern holds against `object` (`None`: there is no object, so every
/// field is missing).
fn fields_match(fields: &[(String, Node)], object: Option<&Map<String, Value>>) -> bool {
    fields
        .iter()
        .all(|(key, node)| node_matches(node, object.and_then(|o| o.get(key))))
}

fn node_matches(node: &Node, field: Option<&Value>) -> bool {
    match node {
        Node::Leaf(matchers) => matchers.iter().any(|m| leaf_matches(m, field)),
        Node::Object(fields) => match field {
            Some(Value::Array(items)) if !items.is_empty() => items
                .iter()
                .any(|item| fields_match(fields, item.as_object())),
            Some(value) => fields_match(fields, value.as_object()),
            None => fields_match(fields, None),
        },
    }
}

fn leaf_matches(matcher: &Matcher, field: Option<&Value>) -> bool {
    match (matcher, field) {
        (Matcher::Exists(want), field) => field.is_some() == *want,
        (_, None) => false,
        (_, Some(Value::Array(items))) => items.iter().any(|item| value_matches(matcher, item)),
        (_, Some(value)) => value_matches(matcher, value),
    }
}

/// `matcher` against one present value (an array field's element, or the field itself).
fn value_matches(matcher: &Matcher, value: &Value) -> bool {
    match matcher {
        Matcher::Exact(literal) => literals_equal(literal, value),
        Matcher::Prefix(prefix) => value.as_str().is_some_and(|s| s.starts_with(prefix)),
        Matcher::Suffix(suffix) => value.as_str().is_some_and(|s| s.ends_with(suffix)),
        Matcher::AnythingBut(excluded) => !excluded.iter().any(|l| literals_equal(l, value)),
        Matcher::AnythingButPrefix(prefix) => {
            !value.as_str().is_some_and(|s| s.starts_with(prefix))
        }
        Matcher::Numeric(comparisons) => match value {
            Value::Number(number) => comparisons
                .iter()
                .all(|(cmp, operand)| cmp.holds(number, operand)),
            _ => false,
        },
        Matcher::Exists(_) => true,
    }
}

/// Equality of JSON values with numbers compared by value (`5 == 5.0`).
fn literals_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => compare_numbers(x, y) == Some(Ordering::Equal),
        _ => a == b,
    }
}

/// Integers compare exactly; anything involving a float compares as `f64`.
fn compare_numbers(a: &Number, b: &Number) -> Option<Ordering> {
    fn exact(n: &Number) -> Option<i128> {
        n.as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from))
    }
    match (exact(a), exact(b)) {
        (Some(x), Some(y)) => Some(x.cmp(&y)),
        _ => a.as_f64()?.partial_cmp(&b.as_f64()?),
    }
}

// ---------------------------------------------------------------------------------------------
// Back to JSON

fn fields_to_value(fields: &[(String, Node)]) -> Value {
    let mut object = Map::new();
    for (key, node) in fields {
        let value = match node {
            Node::Object(inner) => fields_to_value(inner),
            Node::Leaf(matchers) => Value::Array(matchers.iter().map(matcher_to_value).collect()),
        };
        object.insert(key.clone(), value);
    }
    Value::Object(object)
}

fn matcher_to_value(matcher: &Matcher) -> Value {
    let (name, argument) = match matcher {
        Matcher::Exact(literal) => return literal.clone(),
        Matcher::Prefix(prefix) => ("prefix", Value::String(prefix.clone())),
        Matcher::Suffix(suffix) => ("suffix", Value::String(suffix.clone())),
        Matcher::AnythingBut(excluded) => (
            "anything-but",
            match excluded.as_slice() {
                [single] => single.clone(),
                many => Value::Array(many.to_vec()),
            },
        ),
        Matcher::AnythingButPrefix(prefix) => {
            let mut inner = Map::new();
            inner.insert("prefix".to_owned(), Value::String(prefix.clone()));
            ("anything-but", Value::Object(inner))
        }
        Matcher::Numeric(comparisons) => (
            "numeric",
            Value::Array(
                comparisons
                    .iter()
                    .flat_map(|(cmp, operand)| {
                        [
                            Value::String(cmp.as_str().to_owned()),
                            Value::Number(operand.clone()),
                        ]
                    })
                    .collect(),
            ),
        ),
        Matcher::Exists(want) => ("exists", Value::Bool(*want)),
    };
    let mut object = Map::new();
    object.insert(name.to_owned(), argument);
    Value::Object(object)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pattern(value: Value) -> Pattern {
        Pattern::parse(&value).unwrap_or_else(|e| panic!("pattern should be valid: {e}"))
    }

    fn rejected(value: Value) -> PatternError {
        match Pattern::parse(&value) {
            Ok(p) => panic!("pattern should be rejected: {p:?}"),
            Err(e) => e,
        }
    }

    fn assert_rejected(value: Value, path: &str, message: &str) {
        let e = rejected(value);
        assert_eq!(e.path, path, "{e}");
        assert_eq!(e.message, message, "{e}");
    }

    // ----- matching ----------------------------------------------------------------------------

    #[test]
    fn a_prefix_on_a_nested_field_matches_only_names_with_that_prefix() {
        let p = pattern(json!({"job": {"name": [{"prefix": "nightly-"}]}}));
        assert!(p.matches(&json!({"job": {"name": "nightly-train"}})));
        assert!(!p.matches(&json!({"job": {"name": "adhoc"}})));
        assert!(!p.matches(&json!({"job": {"name": "Nightly-train"}})));
        assert!(!p.matches(&json!({"job": {}})));
        assert!(!p.matches(&json!({"job": "nightly-train"})));
        assert!(!p.matches(&json!({})));
    }

    #[test]
    fn a_suffix_matches_strings_ending_with_it_only() {
        let p = pattern(json!({"file": [{"suffix": ".csv"}]}));
        assert!(p.matches(&json!({"file": "a/b.csv"})));
        assert!(!p.matches(&json!({"file": "a/b.CSV"})));
        assert!(!p.matches(&json!({"file": 5})));
    }

    #[test]
    fn exact_strings_are_case_sensitive() {
        let p = pattern(json!({"status": ["Failed"]}));
        assert!(p.matches(&json!({"status": "Failed"})));
        assert!(!p.matches(&json!({"status": "failed"})));
        assert!(!p.matches(&json!({"status": "FAILED"})));
    }

    #[test]
    fn exact_literals_do_not_match_other_types() {
        let p = pattern(json!({"v": ["5"]}));
        assert!(!p.matches(&json!({"v": 5})));
        let p = pattern(json!({"v": [true]}));
        assert!(p.matches(&json!({"v": true})));
        assert!(!p.matches(&json!({"v": "true"})));
        let p = pattern(json!({"v": [null]}));
        assert!(p.matches(&json!({"v": null})));
        assert!(!p.matches(&json!({})));
        let p = pattern(json!({"v": [""]}));
        assert!(p.matches(&json!({"v": ""})));
        assert!(!p.matches(&json!({"v": null})));
    }

    #[test]
    fn numbers_compare_numerically() {
        let p = pattern(json!({"retries": [5]}));
        assert!(p.matches(&json!({"retries": 5})));
        assert!(p.matches(&json!({"retries": 5.0})));
        assert!(!p.matches(&json!({"retries": 5.5})));
        assert!(!p.matches(&json!({"retries": "5"})));
        let p = pattern(json!({"x": [-1.0]}));
        assert!(p.matches(&json!({"x": -1})));
        let p = pattern(json!({"x": [u64::MAX]}));
        assert!(p.matches(&json!({"x": u64::MAX})));
        assert!(!p.matches(&json!({"x": u64::MAX - 1})));
    }

    #[test]
    fn array_valued_data_matches_if_any_element_matches() {
        let p = pattern(json!({"tags": ["gpu"]}));
        assert!(p.matches(&json!({"tags": ["cpu", "gpu"]})));
        assert!(!p.matches(&json!({"tags": ["cpu", "tpu"]})));
        assert!(!p.matches(&json!({"tags": []})));
        let p = pattern(json!({"sizes": [{"numeric": [">", 100]}]}));
        assert!(p.matches(&json!({"sizes": [1, 200]})));
        assert!(!p.matches(&json!({"sizes": [1, 2]})));
    }

    #[test]
    fn a_nested_pattern_over_an_array_of_objects_matches_if_any_element_matches() {
        let p = pattern(json!({"jobs": {"name": [{"prefix": "nightly-"}], "ok": [false]}}));
        assert!(p.matches(&json!({"jobs": [
            {"name": "adhoc", "ok": false},
            {"name": "nightly-a", "ok": false}
        ]})));
        // The two conditions must hold for the same element.
        assert!(!p.matches(&json!({"jobs": [
            {"name": "adhoc", "ok": false},
            {"name": "nightly-a", "ok": true}
        ]})));
    }

    #[test]
    fn anything_but_a_single_value_matches_every_other_value() {
        let p = pattern(json!({"status": [{"anything-but": "Succeeded"}]}));
        assert!(p.matches(&json!({"status": "Failed"})));
        assert!(p.matches(&json!({"status": "succeeded"})));
        assert!(p.matches(&json!({"status": null})));
        assert!(!p.matches(&json!({"status": "Succeeded"})));
        let p = pattern(json!({"code": [{"anything-but": 0}]}));
        assert!(!p.matches(&json!({"code": 0.0})));
        assert!(p.matches(&json!({"code": 1})));
    }

    #[test]
    fn anything_but_a_list_matches_values_outside_the_list() {
        let p = pattern(json!({"status": [{"anything-but": ["Succeeded", "Stopped"]}]}));
        assert!(p.matches(&json!({"status": "Failed"})));
        assert!(!p.matches(&json!({"status": "Succeeded"})));
        assert!(!p.matches(&json!({"status": "Stopped"})));
    }

    #[test]
    fn anything_but_a_prefix_matches_values_not_starting_with_it() {
        let p = pattern(json!({"job": [{"anything-but": {"prefix": "tmp-"}}]}));
        assert!(p.matches(&json!({"job": "nightly-1"})));
        assert!(p.matches(&json!({"job": "TMP-1"})));
        assert!(p.matches(&json!({"job": 7})));
        assert!(!p.matches(&json!({"job": "tmp-1"})));
    }

    #[test]
    fn a_missing_field_never_matches_anything_but() {
        for matcher in [
            json!({"anything-but": "x"}),
            json!({"anything-but": ["x", "y"]}),
            json!({"anything-but": {"prefix": "x"}}),
        ] {
            let p = pattern(json!({"status": [matcher]}));
            assert!(!p.matches(&json!({})));
            assert!(!p.matches(&json!({"other": "z"})));
            assert!(!p.matches(&json!(null)));
        }
    }

    #[test]
    fn numeric_ranges_include_or_exclude_their_boundaries_as_written() {
        let p = pattern(json!({"n": [{"numeric": [">", 0, "<=", 5]}]}));
        assert!(!p.matches(&json!({"n": 0})));
        assert!(p.matches(&json!({"n": 0.001})));
        assert!(p.matches(&json!({"n": 5})));
        assert!(p.matches(&json!({"n": 5.0})));
        assert!(!p.matches(&json!({"n": 5.0001})));
        assert!(!p.matches(&json!({"n": -3})));

        let p = pattern(json!({"n": [{"numeric": ["<", 10, ">=", 1]}]}));
        assert!(p.matches(&json!({"n": 1})));
        assert!(!p.matches(&json!({"n": 10})));

        let p = pattern(json!({"n": [{"numeric": ["=", 3]}]}));
        assert!(p.matches(&json!({"n": 3.0})));
        assert!(!p.matches(&json!({"n": 4})));

        let p = pattern(json!({"n": [{"numeric": [">=", 2.5, "<", 2.75]}]}));
        assert!(p.matches(&json!({"n": 2.5})));
        assert!(!p.matches(&json!({"n": 2.75})));
    }

    #[test]
    fn a_non_number_field_does_not_match_numeric() {
        let p = pattern(json!({"n": [{"numeric": [">", 0]}]}));
        assert!(!p.matches(&json!({"n": "5"})));
        assert!(!p.matches(&json!({"n": true})));
        assert!(!p.matches(&json!({"n": null})));
        assert!(!p.matches(&json!({"n": {"v": 5}})));
        assert!(!p.matches(&json!({})));
    }

    #[test]
    fn exists_true_matches_any_present_field_including_null() {
        let p = pattern(json!({"error": [{"exists": true}]}));
        assert!(p.matches(&json!({"error": "boom"})));
        assert!(p.matches(&json!({"error": null})));
        assert!(p.matches(&json!({"error": {"code": 1}})));
        assert!(!p.matches(&json!({})));
        assert!(!p.matches(&json!("not an object")));
    }

    #[test]
    fn exists_false_matches_only_a_missing_field() {
        let p = pattern(json!({"error": [{"exists": false}]}));
        assert!(p.matches(&json!({})));
        assert!(p.matches(&json!({"other": 1})));
        assert!(!p.matches(&json!({"error": null})));
        assert!(!p.matches(&json!({"error": ""})));
    }

    #[test]
    fn exists_false_under_a_missing_parent_matches() {
        let p = pattern(json!({"job": {"error": [{"exists": false}]}}));
        assert!(p.matches(&json!({})));
        assert!(p.matches(&json!({"job": {"name": "a"}})));
        assert!(!p.matches(&json!({"job": {"error": "x"}})));
    }

    #[test]
    fn keys_are_anded() {
        let p = pattern(json!({"status": ["Failed"], "job": {"name": [{"prefix": "nightly-"}]}}));
        assert!(p.matches(&json!({"status": "Failed", "job": {"name": "nightly-1"}})));
        assert!(!p.matches(&json!({"status": "Succeeded", "job": {"name": "nightly-1"}})));
        assert!(!p.matches(&json!({"status": "Failed", "job": {"name": "adhoc"}})));
        assert!(!p.matches(&json!({"status": "Failed"})));
    }

    #[test]
    fn array_entries_are_ored() {
        let p =
            pattern(json!({"status": ["Failed", "Stopped", {"prefix": "Err"}, {"exists": false}]}));
        assert!(p.matches(&json!({"status": "Failed"})));
        assert!(p.matches(&json!({"status": "Stopped"})));
        assert!(p.matches(&json!({"status": "ErrTimeout"})));
        assert!(p.matches(&json!({})));
        assert!(!p.matches(&json!({"status": "Succeeded"})));
    }

    #[test]
    fn the_empty_pattern_matches_everything() {
        let p = pattern(json!({}));
        for data in [
            json!({}),
            json!({"a": 1}),
            json!(null),
            json!([1, 2]),
            json!("x"),
        ] {
            assert!(p.matches(&data), "{data}");
        }
        assert_eq!(p.to_value(), json!({}));
    }

    #[test]
    fn to_value_round_trips() {
        let input = json!({
            "status": ["Failed", 5, null, true],
            "job": {"name": [{"prefix": "nightly-"}, {"suffix": "-x"}]},
            "a": [{"anything-but": ["x", "y"]}, {"anything-but": {"prefix": "t"}}],
            "b": [{"anything-but": ["only"]}, {"numeric": [">", 0, "<=", 5]}, {"exists": false}]
        });
        let p = pattern(input);
        let value = p.to_value();
        assert_eq!(value["b"][0], json!({"anything-but": "only"}));
        assert_eq!(value["a"][0], json!({"anything-but": ["x", "y"]}));
        assert_eq!(value["b"][1], json!({"numeric": [">", 0, "<=", 5]}));
        assert_eq!(
            value["job"],
            json!({"name": [{"prefix": "nightly-"}, {"suffix": "-x"}]})
        );
        assert_eq!(Pattern::parse(&value).unwrap(), p);
    }

    #[test]
    fn parse_str_accepts_a_valid_pattern() {
        let p = Pattern::parse_str(r#"{"job": {"name": [{"prefix": "nightly-"}]}}"#).unwrap();
        assert!(p.matches(&json!({"job": {"name": "nightly-x"}})));
    }

    // ----- validation --------------------------------------------------------------------------

    #[test]
    fn a_non_object_root_is_rejected() {
        assert_rejected(
            json!([1]),
            "data",
            "a pattern must be a JSON object, got an array",
        );
        assert_rejected(
            json!("x"),
            "data",
            "a pattern must be a JSON object, got a string",
        );
        assert_rejected(
            json!(null),
            "data",
            "a pattern must be a JSON object, got null",
        );
    }

    #[test]
    fn a_leaf_that_is_not_an_array_is_rejected() {
        assert_rejected(
            json!({"job": {"name": "nightly"}}),
            "data.job.name",
            "expected a non-empty array of matchers or a nested object, got a string; \
             write [\"nightly\"] to match it exactly",
        );
        assert_rejected(
            json!({"n": 5}),
            "data.n",
            "expected a non-empty array of matchers or a nested object, got a number; \
             write [5] to match it exactly",
        );
    }

    #[test]
    fn an_operator_outside_an_array_is_rejected_with_a_hint() {
        assert_rejected(
            json!({"name": {"prefix": "nightly-"}}),
            "data.name.prefix",
            "expected a non-empty array of matchers or a nested object, got a string; \
             to use the \"prefix\" operator, put it in an array: [{\"prefix\": ...}]",
        );
    }

    #[test]
    fn an_empty_array_is_rejected() {
        assert_rejected(
            json!({"status": []}),
            "data.status",
            "empty array matches nothing; list at least one value or matcher",
        );
    }

    #[test]
    fn an_empty_nested_object_is_rejected() {
        assert_rejected(
            json!({"job": {}}),
            "data.job",
            "empty object: a nested pattern needs at least one field",
        );
    }

    #[test]
    fn a_nested_array_in_a_leaf_is_rejected() {
        assert_rejected(
            json!({"status": ["a", ["b"]]}),
            "data.status[1]",
            "nested arrays are not allowed; list the values directly",
        );
    }

    #[test]
    fn an_unknown_operator_is_rejected_with_the_supported_list() {
        assert_rejected(
            json!({"job": {"name": [{"prefixx": "nightly-"}]}}),
            "data.job.name[0]",
            "unknown operator \"prefixx\"; supported: prefix, suffix, anything-but, numeric, exists",
        );
    }

    #[test]
    fn eventbridge_operators_we_lack_are_named_unsupported() {
        for (name, argument) in [
            ("cidr", json!("10.0.0.0/24")),
            ("contains", json!("x")),
            ("wildcard", json!("*.csv")),
            ("equals-ignore-case", json!("failed")),
        ] {
            let mut matcher = Map::new();
            matcher.insert(name.to_owned(), argument);
            assert_rejected(
                json!({"status": ["ok", Value::Object(matcher)]}),
                "data.status[1]",
                &format!("operator \"{name}\" is not supported"),
            );
        }
        assert_rejected(
            json!({"$or": [{"a": ["x"]}, {"b": ["y"]}]}),
            "data[\"$or\"]",
            "operator \"$or\" is not supported",
        );
    }

    #[test]
    fn a_matcher_object_with_more_or_fewer_than_one_operator_is_rejected() {
        assert_rejected(
            json!({"f": [{"prefix": "a", "suffix": "b"}]}),
            "data.f[0]",
            "a matcher object takes exactly one operator, found 2: \"prefix\", \"suffix\"",
        );
        assert_rejected(
            json!({"f": [{}]}),
            "data.f[0]",
            "empty matcher object; expected one operator: prefix, suffix, anything-but, numeric, exists",
        );
    }

    #[test]
    fn prefix_and_suffix_must_be_strings() {
        assert_rejected(
            json!({"f": [{"prefix": 5}]}),
            "data.f[0].prefix",
            "prefix must be a string, got a number",
        );
        assert_rejected(
            json!({"f": ["x", {"suffix": ["a"]}]}),
            "data.f[1].suffix",
            "suffix must be a string, got an array",
        );
    }

    #[test]
    fn numeric_with_a_bad_shape_is_rejected() {
        assert_rejected(
            json!({"n": [{"numeric": 5}]}),
            "data.n[0].numeric",
            "numeric must be an array such as [\">\", 0, \"<=\", 5], got a number",
        );
        assert_rejected(
            json!({"n": [{"numeric": []}]}),
            "data.n[0].numeric",
            "numeric needs at least one comparison, such as [\">\", 0]",
        );
        assert_rejected(
            json!({"n": [{"numeric": [">", 0, "<"]}]}),
            "data.n[0].numeric",
            "numeric must alternate comparators and numbers, such as [\">\", 0]; got 3 elements",
        );
        assert_rejected(
            json!({"n": [{"numeric": [">", 0, "<", 5, "=", 3]}]}),
            "data.n[0].numeric",
            "numeric takes at most two comparisons, such as [\">\", 0, \"<=\", 5]; got 6 elements",
        );
        assert_rejected(
            json!({"n": [{"numeric": [">", 0, "!=", 5]}]}),
            "data.n[0].numeric[2]",
            "unknown comparator \"!=\"; supported: =, <, <=, >, >=",
        );
        assert_rejected(
            json!({"n": [{"numeric": [0, ">"]}]}),
            "data.n[0].numeric[0]",
            "expected a comparator (=, <, <=, >, >=), got a number",
        );
        assert_rejected(
            json!({"n": [{"numeric": [">", "0"]}]}),
            "data.n[0].numeric[1]",
            "expected a number after \">\", got a string",
        );
    }

    #[test]
    fn numeric_with_two_comparisons_must_be_a_non_empty_range() {
        assert_rejected(
            json!({"n": [{"numeric": [">", 0, ">", 5]}]}),
            "data.n[0].numeric",
            "two comparisons must be a lower bound (> or >=) and an upper bound (< or <=)",
        );
        assert_rejected(
            json!({"n": [{"numeric": ["=", 0, "<", 5]}]}),
            "data.n[0].numeric",
            "two comparisons must be a lower bound (> or >=) and an upper bound (< or <=)",
        );
        assert_rejected(
            json!({"n": [{"numeric": [">", 5, "<", 1]}]}),
            "data.n[0].numeric",
            "the range is empty: no number is > 5 and < 1",
        );
        assert_rejected(
            json!({"n": [{"numeric": [">", 5, "<=", 5]}]}),
            "data.n[0].numeric",
            "the range is empty: no number is > 5 and <= 5",
        );
        let p = pattern(json!({"n": [{"numeric": [">=", 5, "<=", 5]}]}));
        assert!(p.matches(&json!({"n": 5})));
    }

    #[test]
    fn exists_must_be_a_boolean() {
        assert_rejected(
            json!({"f": [{"exists": "yes"}]}),
            "data.f[0].exists",
            "exists must be true or false, got a string",
        );
    }

    #[test]
    fn anything_but_with_a_bad_argument_is_rejected() {
        assert_rejected(
            json!({"f": [{"anything-but": {"suffix": ".csv"}}]}),
            "data.f[0].anything-but",
            "anything-but takes a value, a list of values, or {\"prefix\": \"...\"}; \
             \"suffix\" is not supported inside anything-but",
        );
        assert_rejected(
            json!({"f": [{"anything-but": {"prefix": "a", "suffix": "b"}}]}),
            "data.f[0].anything-but",
            "anything-but takes a value, a list of values, or {\"prefix\": \"...\"}; \
             found 2 operators: \"prefix\", \"suffix\"",
        );
        assert_rejected(
            json!({"f": [{"anything-but": {}}]}),
            "data.f[0].anything-but",
            "anything-but takes a value, a list of values, or {\"prefix\": \"...\"}; got an empty object",
        );
        assert_rejected(
            json!({"f": [{"anything-but": {"prefix": 1}}]}),
            "data.f[0].anything-but.prefix",
            "prefix must be a string, got a number",
        );
        assert_rejected(
            json!({"f": [{"anything-but": []}]}),
            "data.f[0].anything-but",
            "anything-but needs at least one value",
        );
        assert_rejected(
            json!({"f": [{"anything-but": ["a", {"prefix": "b"}]}]}),
            "data.f[0].anything-but[1]",
            "anything-but lists may only hold strings, numbers, booleans or null, got an object",
        );
    }

    fn nested(levels: usize) -> Value {
        let mut value = json!(["x"]);
        for i in (1..=levels).rev() {
            let mut object = Map::new();
            object.insert(format!("k{i}"), value);
            value = Value::Object(object);
        }
        value
    }

    #[test]
    fn nesting_ten_levels_is_allowed_and_eleven_is_rejected() {
        let p = pattern(nested(MAX_DEPTH));
        let mut data = json!("x");
        for i in (1..=MAX_DEPTH).rev() {
            data = json!({ format!("k{i}"): data });
        }
        assert!(p.matches(&data));
        assert_rejected(
            nested(MAX_DEPTH + 1),
            "data.k1.k2.k3.k4.k5.k6.k7.k8.k9.k10",
            "nesting deeper than 10 levels",
        );
    }

    #[test]
    fn a_pattern_over_four_kib_is_rejected() {
        let values: Vec<Value> = (0..400).map(|i| json!(format!("value-{i:05}"))).collect();
        let big = json!({ "status": values });
        let size = serde_json::to_string(&big).unwrap().len();
        assert!(size > MAX_BYTES);
        assert_rejected(
            big,
            "data",
            &format!(
                "the pattern is {size} bytes when serialised; the limit is 4096 bytes (4 KiB)"
            ),
        );
        let values: Vec<Value> = (0..300).map(|i| json!(format!("v{i:05}"))).collect();
        let fits = json!({ "status": values });
        assert!(serde_json::to_string(&fits).unwrap().len() <= MAX_BYTES);
        pattern(fits);
    }

    #[test]
    fn odd_field_names_are_quoted_in_paths() {
        assert_rejected(
            json!({"job.meta": {"owner name": []}}),
            "data[\"job.meta\"][\"owner name\"]",
            "empty array matches nothing; list at least one value or matcher",
        );
    }

    #[test]
    fn errors_display_as_path_colon_message() {
        let e = rejected(json!({"status": []}));
        assert_eq!(
            e.to_string(),
            "data.status: empty array matches nothing; list at least one value or matcher"
        );
    }

    #[test]
    fn parse_str_reports_json_syntax_errors_with_line_and_column() {
        let e = Pattern::parse_str("{\n  \"job\": [\"a\",]\n}").unwrap_err();
        assert_eq!(e.path, "pattern");
        assert_eq!(
            e.message,
            "invalid JSON at line 2, column 15: trailing comma"
        );

        let e = Pattern::parse_str("{\"a\": [1]").unwrap_err();
        assert_eq!(e.path, "pattern");
        assert_eq!(
            e.message,
            "invalid JSON at line 1, column 9: EOF while parsing an object"
        );
    }

    #[test]
    fn parse_str_reports_pattern_errors_with_data_paths() {
        let e = Pattern::parse_str(r#"{"job": {"name": "nightly"}}"#).unwrap_err();
        assert_eq!(e.path, "data.job.name");
    }
}
