//! A rule's own message: its title and body templates (minijinja), compiled when the rule
//! is saved and rendered per event, in a sandbox.
//!
//! The sandbox: no I/O (minijinja is built without `multi_template`, so `include`,
//! `import`, `extends` and `macro` are syntax errors, and there is no loader); bounded
//! work ([`FUEL`] instructions per render) and output ([`MAX_TITLE_BYTES`],
//! [`MAX_BODY_BYTES`], written through a capped writer so a render stops at the cap);
//! no operator that multiplies a value's size (`~`, `+`, `*` are refused when the
//! template is saved: `{% set a = a ~ a %}` forty times is a terabyte), and only filters
//! whose output grows with their input alone (no `replace`, `indent`, `format`, `batch`,
//! `lipsum`, and a `join` with a capped result). Undefined values fail when printed
//! (`SemiStrict`): a typo shows in the preview, and `{% if x %}` or `x | default("-")` still
//! work on events without the field.
//!
//! A template renders plain text: every value printed is put on one line (control
//! characters become spaces), and the caller makes the whole text inert for where it goes
//! (`inert_markdown` for chat markdown, `inert_text` for plain text, HTML escaping for the
//! email's HTML), so neither an event nor the template can add links, mentions or HTML.
//!
//! What does not live here: how a rendered title and body become each kind's message, and
//! what happens when a render fails (`render::message`).

use crate::domain::rule::{BODY_TEMPLATE, TITLE_TEMPLATE};
use crate::domain::AppError;
use minijinja::value::Value as JinjaValue;
use minijinja::{Environment, Error, ErrorKind, UndefinedBehavior};
use serde_json::Value;
use std::sync::OnceLock;

/// Instructions one render may execute (a loop over a 1,000-item list with a few
/// statements inside is well within it).
pub const FUEL: u64 = 20_000;
/// Longest rendered title, in bytes: a chat title and an email subject.
pub const MAX_TITLE_BYTES: usize = 256;
/// Longest rendered body, in bytes: WeCom's markdown limit (channels cut further as
/// they do for every message).
pub const MAX_BODY_BYTES: usize = 4096;

/// A rule's templates; `None` for the built-in part.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Templates {
    pub title: Option<String>,
    pub body: Option<String>,
}

impl Templates {
    /// From the stored columns (an empty or blank template is none).
    pub fn new(title: Option<String>, body: Option<String>) -> Templates {
        let keep = |t: Option<String>| t.filter(|t| !t.trim().is_empty());
        Templates {
            title: keep(title),
            body: keep(body),
        }
    }

    /// Neither part is templated: the built-in message, as before templates existed.
    pub fn is_empty(&self) -> bool {
        self.title.is_none() && self.body.is_none()
    }
}

/// What a rule's templates said for one event: each part rendered, or `None` for the
/// built-in one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// One line, at most [`MAX_TITLE_BYTES`].
    pub title: Option<String>,
    /// Lines, at most [`MAX_BODY_BYTES`] in all, with no blank line at either end.
    pub body: Option<String>,
}

/// The one environment: built once, shared by every render (it holds no template).
fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
        env.set_fuel(Some(FUEL));
        env.set_recursion_limit(50);
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
        // Filters and globals whose output can be far larger than their input: a small
        // template over a small event could ask for gigabytes.
        for name in ["replace", "indent", "format", "batch", "pprint", "join"] {
            env.remove_filter(name);
        }
        for name in ["debug", "lipsum", "cycler", "joiner"] {
            env.remove_global(name);
        }
        env.add_filter("join", join);
        env.set_formatter(format_value);
        env
    })
}

/// `join`, refusing a result past the body's cap (a long separator between many items).
fn join(items: JinjaValue, sep: Option<String>) -> Result<String, Error> {
    let sep = sep.unwrap_or_default();
    let mut out = String::new();
    let iter = items.try_iter()?;
    for (i, item) in iter.enumerate() {
        if i > 0 {
            out.push_str(&sep);
        }
        match item.as_str() {
            Some(s) => out.push_str(s),
            None => out.push_str(&item.to_string()),
        }
        if out.len() > MAX_BODY_BYTES {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                format!("join makes more than {MAX_BODY_BYTES} bytes"),
            ));
        }
    }
    Ok(out)
}

/// How a printed value is written: as text on one line (control characters become
/// spaces), never escaped here (the caller makes the whole text inert for its target),
/// and an undefined value is an error (the typo shows).
fn format_value(
    out: &mut minijinja::Output,
    _state: &minijinja::State,
    value: &JinjaValue,
) -> Result<(), Error> {
    if value.is_undefined() {
        return Err(Error::new(
            ErrorKind::UndefinedError,
            "a value printed here is not in the event",
        ));
    }
    let text = match value.as_str() {
        Some(s) => s.to_string(),
        None if value.is_none() => String::new(),
        None => value.to_string(),
    };
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    out.write_str(&one_line).map_err(Error::from)
}

/// A writer that takes at most `max` bytes and fails past them, so a render stops there.
struct Capped {
    buf: Vec<u8>,
    max: usize,
    over: bool,
}

impl std::io::Write for Capped {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if self.buf.len() + bytes.len() > self.max {
            self.over = true;
            return Err(std::io::Error::other("over the cap"));
        }
        self.buf.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Why a template cannot be saved: too long, an operator that multiplies sizes, or it does
/// not compile (the message names the line). The error names `field`.
pub fn check(field: &str, source: &str) -> Result<(), AppError> {
    if let Some((line, op)) = refused_operator(source) {
        return Err(AppError::invalid(
            field,
            format!(
                "line {line}: the operator {op:?} is not available in message templates \
                 (write {{{{ a }}}}{{{{ b }}}} to put two values side by side)"
            ),
        ));
    }
    env()
        .template_from_named_str(name_of(field), source)
        .map(|_| ())
        .map_err(|e| AppError::invalid(field, describe(&e)))
}

fn name_of(field: &str) -> &'static str {
    if field == TITLE_TEMPLATE {
        TITLE_TEMPLATE
    } else {
        BODY_TEMPLATE
    }
}

/// A minijinja error as a user reads it: the line first, then what is wrong.
pub fn describe(e: &Error) -> String {
    let what = match e.detail() {
        Some(detail) => format!("{}: {detail}", e.kind()),
        None => e.kind().to_string(),
    };
    match e.line() {
        Some(line) => format!("line {line}: {what}"),
        None => what,
    }
}

/// Render `templates` over `context` (see [`context`]). A part that fails gives its
/// field's name and why: the caller falls back to the built-in message.
pub fn render(templates: &Templates, context: &Value) -> Result<Rendered, (String, String)> {
    let title = match &templates.title {
        None => None,
        Some(source) => Some(
            render_one(TITLE_TEMPLATE, source, context, MAX_TITLE_BYTES)
                .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
                .map_err(|why| (TITLE_TEMPLATE.to_string(), why))?,
        ),
    };
    let body = match &templates.body {
        None => None,
        Some(source) => Some(
            render_one(BODY_TEMPLATE, source, context, MAX_BODY_BYTES)
                .map(|b| b.trim_matches(['\n', '\r', ' ']).to_string())
                .map_err(|why| (BODY_TEMPLATE.to_string(), why))?,
        ),
    };
    Ok(Rendered { title, body })
}

fn render_one(field: &str, source: &str, context: &Value, max: usize) -> Result<String, String> {
    if let Some((line, op)) = refused_operator(source) {
        return Err(format!("line {line}: the operator {op:?} is not available"));
    }
    let template = env()
        .template_from_named_str(name_of(field), source)
        .map_err(|e| describe(&e))?;
    let mut out = Capped {
        buf: Vec::new(),
        max,
        over: false,
    };
    match template.render_captured_to(context, &mut out) {
        Ok(_) => Ok(String::from_utf8_lossy(&out.buf).into_owned()),
        Err(_) if out.over => Err(format!("the rendered text is longer than {max} bytes")),
        Err(e) if e.kind() == ErrorKind::OutOfFuel => Err(format!(
            "the template did more than {FUEL} steps of work (a loop too long?)"
        )),
        Err(e) => Err(describe(&e)),
    }
}

/// What a template sees: `event` (the CloudEvent as stored: `id`, `source`, `type`,
/// `time`, `subject`, `data`, extensions), `rule.name`, `workspace`, `link` (the event's
/// page in Herald), `lang`, and the built-in `headline` and `facts` (a list of `label`,
/// `value`).
pub fn context(
    envelope: &Value,
    rule: &str,
    workspace: &str,
    link: &str,
    lang: &str,
    headline: &str,
    facts: &[(String, String)],
) -> Value {
    serde_json::json!({
        "event": envelope,
        "rule": { "name": rule },
        "workspace": workspace,
        "link": link,
        "lang": lang,
        "headline": headline,
        "facts": facts
            .iter()
            .map(|(label, value)| serde_json::json!({"label": label, "value": value}))
            .collect::<Vec<_>>(),
    })
}

/// The first operator of `source` that could multiply a value's size (`~`, `+`, `*`),
/// with its line, outside text, comments, string literals and `raw` blocks. The `+` and
/// `-` of whitespace control (`{%+`, `+%}`) are not operators.
pub fn refused_operator(source: &str) -> Option<(usize, char)> {
    let b = source.as_bytes();
    let mut line = 1;
    let mut i = 0;
    let at = |i: usize, s: &str| b[i..].starts_with(s.as_bytes());
    while i < b.len() {
        if at(i, "{#") {
            while i < b.len() && !at(i, "#}") {
                line += usize::from(b[i] == b'\n');
                i += 1;
            }
            i += 2;
            continue;
        }
        if at(i, "{{") || at(i, "{%") {
            let block = b[i + 1] == b'%';
            let close = if block { "%}" } else { "}}" };
            i += 2;
            if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
                i += 1;
            }
            let start = i;
            let mut quote: Option<u8> = None;
            while i < b.len() {
                let c = b[i];
                line += usize::from(c == b'\n');
                match quote {
                    Some(q) => {
                        if c == b'\\' {
                            i += 1;
                        } else if c == q {
                            quote = None;
                        }
                    }
                    None if c == b'\'' || c == b'"' => quote = Some(c),
                    None if at(i, close) => break,
                    None if (c == b'+' || c == b'-') && at(i + 1, close) => {}
                    None if c == b'~' || c == b'*' || c == b'+' => return Some((line, c as char)),
                    None => {}
                }
                i += 1;
            }
            let tag = String::from_utf8_lossy(&b[start..i.min(b.len())]);
            i += 2;
            if block && tag.split_whitespace().next() == Some("raw") {
                // Everything up to the end of the raw block is text.
                while i < b.len() && !(at(i, "{%") && is_endraw(&b[i..])) {
                    line += usize::from(b[i] == b'\n');
                    i += 1;
                }
            }
            continue;
        }
        line += usize::from(b[i] == b'\n');
        i += 1;
    }
    None
}

/// `{% endraw %}` (or `{%- endraw -%}`) at the start of `rest`.
fn is_endraw(rest: &[u8]) -> bool {
    let inner = &rest[2..];
    let inner = inner
        .strip_prefix(b"-")
        .or_else(|| inner.strip_prefix(b"+"))
        .unwrap_or(inner);
    String::from_utf8_lossy(inner)
        .split_whitespace()
        .next()
        .is_some_and(|w| w.starts_with("endraw"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ctx() -> Value {
        let envelope = json!({"specversion": "1.0", "id": "e-1", "source": "pai.dlc",
            "type": "dlc:Job:Failed", "time": "2025-11-07T03:19:30Z",
            "data": {"job": {"name": "nightly", "reason": "OOM\nkilled", "tags": ["a", "b"]}}});
        context(
            &envelope,
            "failures",
            "vision",
            "http://h/buses/b/events/1",
            "en",
            "DLC job nightly failed",
            &[("Reason".into(), "OOM killed".into())],
        )
    }

    fn one(title: Option<&str>, body: Option<&str>) -> Result<Rendered, (String, String)> {
        render(
            &Templates::new(title.map(Into::into), body.map(Into::into)),
            &ctx(),
        )
    }

    fn refusal(field: &str, source: &str) -> String {
        match check(field, source) {
            Err(AppError::Invalid { field: f, message }) => {
                assert_eq!(f, field);
                message
            }
            other => panic!("{source:?} was not refused: {other:?}"),
        }
    }

    #[test]
    fn a_template_sees_the_event_the_rule_and_the_built_in_message() {
        let r = one(
            Some("{{ event.data.job.name }} in {{ workspace }} ({{ rule.name }})"),
            Some("{{ headline }}\n{% for f in facts %}{{ f.label }}={{ f.value }}{% endfor %}\n{{ event.type }} {{ link }}"),
        )
        .unwrap();
        assert_eq!(r.title.as_deref(), Some("nightly in vision (failures)"));
        assert_eq!(
            r.body.as_deref(),
            Some("DLC job nightly failed\nReason=OOM killed\ndlc:Job:Failed http://h/buses/b/events/1")
        );
        // A value with a line break stays on its line.
        let r = one(None, Some("why: {{ event.data.job.reason }}")).unwrap();
        assert_eq!(r.body.as_deref(), Some("why: OOM killed"));
        assert_eq!(r.title, None);
    }

    #[test]
    fn a_template_that_does_not_compile_is_refused_naming_the_field_and_the_line() {
        let m = refusal(BODY_TEMPLATE, "fine\nstill fine\n{{ event.data.job.name ");
        assert!(m.starts_with("line 3: syntax error"), "{m}");
        let m = refusal(TITLE_TEMPLATE, "{% if x %}never closed");
        assert!(m.contains("line 1") && m.contains("syntax error"), "{m}");
        assert!(check(BODY_TEMPLATE, "{{ event.data.job.name | upper }}").is_ok());
    }

    #[test]
    fn templates_cannot_read_other_templates_or_files() {
        for source in [
            "{% include \"/etc/passwd\" %}",
            "{% import \"x.j2\" as x %}",
            "{% from \"x.j2\" import y %}",
            "{% extends \"base.j2\" %}",
            "{% macro m() %}x{% endmacro %}",
        ] {
            let m = refusal(BODY_TEMPLATE, source);
            assert!(m.contains("line 1: syntax error"), "{source}: {m}");
        }
    }

    #[test]
    fn operators_that_multiply_sizes_are_refused_where_they_are() {
        let m = refusal(BODY_TEMPLATE, "ok\n{% set a = \"x\" ~ \"y\" %}");
        assert!(m.starts_with("line 2: the operator '~'"), "{m}");
        assert!(refusal(BODY_TEMPLATE, "{{ \"x\" * 100000000 }}").contains("'*'"));
        assert!(refusal(TITLE_TEMPLATE, "{{ [1] + [2] }}").contains("'+'"));
        assert!(refusal(BODY_TEMPLATE, "{{ 2 ** 8 }}").contains("'*'"));
        // In text, strings, comments, raw blocks and whitespace control they are fine.
        for fine in [
            "a + b ~ c * d",
            "{{ \"a+b*c~\" }}",
            "{# a ~ b #}",
            "{% raw %}{{ a ~ b }}{% endraw %}",
            "{%+ if true -%}x{%- endif +%}",
        ] {
            assert_eq!(refused_operator(fine), None, "{fine}");
            assert!(check(BODY_TEMPLATE, fine).is_ok(), "{fine}");
        }
        for gone in ["replace", "indent", "format"] {
            let r = one(
                None,
                Some(&format!("{{{{ \"x\" | {gone}(\"x\", \"yy\") }}}}")),
            );
            assert!(r.is_err(), "{gone}: {r:?}");
        }
        let r = one(None, Some("{{ lipsum(1000000) }}"));
        assert!(r.is_err(), "{r:?}");
    }

    #[test]
    fn renders_are_bounded_in_work_and_output() {
        let (field, why) = one(
            None,
            Some("{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}"),
        )
        .unwrap_err();
        assert_eq!(field, BODY_TEMPLATE);
        assert!(why.contains("steps of work"), "{why}");
        let (field, why) = one(Some("{% for i in range(300) %}x{% endfor %}"), None).unwrap_err();
        assert_eq!(field, TITLE_TEMPLATE);
        assert!(why.contains("longer than 256 bytes"), "{why}");
        let (_, why) = one(
            None,
            Some("{% for i in range(5000) %}{{ workspace }}{% endfor %}"),
        )
        .unwrap_err();
        assert!(why.contains("longer than 4096 bytes"), "{why}");
        let (_, why) = one(None, Some("{{ range(5000) | join(\"----------\") }}")).unwrap_err();
        assert!(why.contains("join makes more than"), "{why}");
        // Within the bounds it renders.
        let r = one(None, Some("{{ event.data.job.tags | join(\", \") }}")).unwrap();
        assert_eq!(r.body.as_deref(), Some("a, b"));
    }

    #[test]
    fn an_undefined_value_fails_when_printed_and_not_when_tested() {
        let (field, why) = one(None, Some("x\n{{ event.data.job.nme }}")).unwrap_err();
        assert_eq!(field, BODY_TEMPLATE);
        assert!(why.starts_with("line 2: undefined value"), "{why}");
        let r = one(
            None,
            Some("{% if event.data.job.nme %}yes{% else %}no{% endif %} {{ event.data.job.nme | default(\"-\") }}"),
        )
        .unwrap();
        assert_eq!(r.body.as_deref(), Some("no -"));
    }

    #[test]
    fn values_are_not_escaped_here_and_safe_changes_nothing() {
        // The caller makes the text inert for its target; here a value is text as it is.
        let r = one(Some("{{ \"<b>@all</b>\" | safe }} [x](y)"), None).unwrap();
        assert_eq!(r.title.as_deref(), Some("<b>@all</b> [x](y)"));
        assert!(Templates::new(Some("  ".into()), Some(String::new())).is_empty());
    }
}
