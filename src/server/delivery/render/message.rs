//! What a delivery says to people, per kind: the chat markdown of DingTalk and WeCom, the
//! plain lines of Lark's post and the email's text, the email's HTML, the SMS text, the
//! sentence a voice call reads, and Alibaba's two template variables. All from one
//! [`Summary`] of the event (`domain::message`), in the rule's language, with the test mark
//! first for test events and "Test connection".
//!
//! Every value taken from the event is made inert for where it goes ([`inert_markdown`],
//! [`inert_text`], HTML escaping) and clipped ([`MAX_VALUE_CHARS`]). The HTTP payloads are
//! not here (`render`'s own file): they carry the event, not a message.
//!
//! A rule's templates (`template`) replace the headline (its title) and the facts (its
//! body) in every kind; what they render is made inert line by line like an event's values,
//! and the test mark and the link back stay Herald's. A template that fails for an event
//! (an undefined value, too much work or output) does not lose the delivery: the built-in
//! part goes out, with a last line saying that the template failed and why (chat, Lark,
//! email; SMS, voice and Alibaba's variables have no room for it), and the log says so.

use crate::domain::lang::Lang;
use crate::domain::message::{summarize, Fact, Label, Summary, Words};
use crate::server::delivery::channels::{Message, TemplateVars};
use crate::server::delivery::render::template::{self, Rendered, Templates};
use serde_json::Value;

/// Where an event happened and how to say it.
pub struct Context<'a> {
    pub workspace: &'a str,
    pub rule: &'a str,
    /// Herald's page for the event.
    pub link: String,
    pub lang: Lang,
    /// The rule's message templates (empty: the built-in message).
    pub templates: &'a Templates,
}

/// The rule's templates rendered for this event, and why not when one failed (then both
/// parts are the built-in ones).
fn templated(envelope: &Value, ctx: &Context, summary: &Summary) -> (Rendered, Option<String>) {
    let none = Rendered {
        title: None,
        body: None,
    };
    if ctx.templates.is_empty() {
        return (none, None);
    }
    let facts: Vec<(String, String)> = all_facts(summary, envelope, ctx)
        .iter()
        .map(|f| (f.label.text(ctx.lang).to_string(), f.value.clone()))
        .collect();
    let context = template::context(
        envelope,
        ctx.rule,
        ctx.workspace,
        &ctx.link,
        ctx.lang.as_str(),
        &summary.headline,
        &facts,
    );
    match template::render(ctx.templates, &context) {
        Ok(rendered) => (rendered, None),
        Err((field, why)) => {
            tracing::warn!(
                rule = ctx.rule,
                field,
                why,
                "a message template failed for an event: the built-in message was sent"
            );
            (none, Some(format!("{field}: {why}")))
        }
    }
}

/// Why the rule's templates fail for this event, if they do (the preview shows it).
pub fn template_failure(envelope: &Value, ctx: &Context) -> Option<String> {
    let summary = summarize(
        envelope["source"].as_str().unwrap_or_default(),
        envelope["type"].as_str().unwrap_or_default(),
        &envelope["data"],
        ctx.lang,
    );
    templated(envelope, ctx, &summary).1
}

/// The last line of a message whose template failed.
fn failure_line(why: &str, lang: Lang) -> String {
    format!(
        "({}{}{why})",
        Words::TemplateFailed.text(lang),
        lang.pick([": ", "：", "："])
    )
}

/// The CloudEvents extension attribute "Send test event" sets (`"heraldtest": true`): the
/// event's messages start with the test mark.
pub const TEST_ATTRIBUTE: &str = "heraldtest";

/// Whether an event was sent by "Send test event".
pub fn is_test_event(envelope: &Value) -> bool {
    matches!(&envelope[TEST_ATTRIBUTE], Value::Bool(true))
        || envelope[TEST_ATTRIBUTE].as_str() == Some("true")
}

/// Longest value a message quotes from an event (a status reason, say).
pub const MAX_VALUE_CHARS: usize = 300;
/// Alibaba's limit on one template variable, in characters.
pub const MAX_TEMPLATE_VARIABLE: usize = 35;
/// The longest SMS text: a few segments, for the rare message whose first fact is long.
pub const MAX_SMS_CHARS: usize = 600;

/// `s` cut to `max` characters, with `…` when cut.
pub fn clip_to(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

/// `s` cut to [`MAX_VALUE_CHARS`].
pub fn clip(s: &str) -> String {
    if s.chars().count() <= MAX_VALUE_CHARS {
        return s.to_string();
    }
    let mut out: String = s.chars().take(MAX_VALUE_CHARS).collect();
    out.push('…');
    out
}

/// The test mark and a space, or nothing.
fn mark(test: bool, lang: Lang) -> String {
    if test {
        format!("{} ", Words::TestMark.text(lang))
    } else {
        String::new()
    }
}

/// The facts a full message shows: the event's, then when, where, what type, which rule.
fn all_facts(summary: &Summary, envelope: &Value, ctx: &Context) -> Vec<Fact> {
    let own = |label, value: &str| Fact {
        label,
        value: value.to_string(),
        has_id: false,
    };
    let mut facts = summary.facts.clone();
    let time = envelope["time"].as_str().unwrap_or_default();
    if !time.is_empty() {
        facts.push(own(Label::Time, time));
    }
    facts.push(own(Label::Workspace, ctx.workspace));
    facts.push(own(
        Label::EventType,
        envelope["type"].as_str().unwrap_or_default(),
    ));
    facts.push(own(Label::Rule, ctx.rule));
    facts
}

/// The message for one event, in every kind's form: the built-in one, or the rule's
/// templates' title and body.
pub fn message(envelope: &Value, ctx: &Context) -> Message {
    let lang = ctx.lang;
    let mut summary = summarize(
        envelope["source"].as_str().unwrap_or_default(),
        envelope["type"].as_str().unwrap_or_default(),
        &envelope["data"],
        lang,
    );
    let (rendered, failed) = templated(envelope, ctx, &summary);
    if let Some(title) = rendered.title {
        // The templated title is the headline wherever the headline goes.
        summary.bare_headline = title.clone();
        summary.headline = title;
    }
    let mark = mark(is_test_event(envelope), lang);
    let headline = clip(&summary.headline);
    let facts = all_facts(&summary, envelope, ctx);
    let colon = lang.pick([": ", "：", "："]);
    let title = format!(
        "{mark}[Herald] {} · {}",
        inert_markdown(&headline),
        inert_markdown(ctx.workspace)
    );
    let mut markdown = format!("#### {mark}[Herald] {}\n\n", inert_markdown(&headline));
    let mut lines = vec![format!("{mark}{}", inert_text(&headline))];
    let mut html = format!("<h2>{}</h2>", escape_html(&title));
    let body: Option<Vec<&str>> = rendered
        .body
        .as_deref()
        .map(|b| b.lines().map(str::trim).filter(|l| !l.is_empty()).collect());
    match &body {
        Some(body) => {
            for line in body {
                markdown.push_str(&format!("{}\n\n", inert_markdown(line)));
                lines.push(inert_text(line));
                html.push_str(&format!("<p>{}</p>", escape_html(line)));
            }
            markdown.truncate(markdown.trim_end().len());
            markdown.push('\n');
        }
        None => {
            for f in &facts {
                markdown.push_str(&format!(
                    "- **{}{}** {}\n",
                    f.label.text(lang),
                    colon.trim_end(),
                    inert_markdown(&clip(&f.value))
                ));
                lines.push(format!(
                    "{}{colon}{}",
                    f.label.text(lang),
                    inert_text(&clip(&f.value))
                ));
            }
            html.push_str(&facts_html(&facts, lang));
        }
    }
    if let Some(why) = &failed {
        let line = failure_line(why, lang);
        markdown.push_str(&format!("\n{}\n", inert_markdown(&line)));
        lines.push(inert_text(&line));
        html.push_str(&format!("<p>{}</p>", escape_html(&line)));
    }
    markdown.push_str(&format!(
        "\n[{}]({})",
        Words::OpenInHerald.text(lang),
        ctx.link
    ));
    lines.push(ctx.link.clone());
    html.push_str(&format!(
        "<p><a href=\"{}\">{}</a></p>",
        escape_html(&ctx.link),
        escape_html(Words::OpenInHerald.text(lang))
    ));
    let (sms, voice) = match &body {
        Some(body) => {
            let text = inert_text(&body.join(" "));
            let spoken = [
                is_test_event(envelope).then(|| spoken_test_mark(lang).to_string()),
                Some(Words::VoiceOpening.text(lang).to_string()),
                Some(clip_to(&text, MAX_SMS_CHARS)),
            ];
            let stop = lang.pick([". ", "。", "。"]);
            let mut spoken = spoken.into_iter().flatten().collect::<Vec<_>>().join(stop);
            if !spoken.ends_with(['.', '。', '!', '?', '！', '？']) {
                spoken.push_str(stop.trim_end());
            }
            (clip_to(&format!("{mark}{text}"), MAX_SMS_CHARS), spoken)
        }
        None => (
            sms(&mark, &summary, ctx, lang),
            voice(envelope, &summary, ctx, lang),
        ),
    };
    Message {
        title,
        markdown,
        html,
        sms,
        voice,
        template: template_vars(&mark, &summary, ctx.workspace, lang),
        lines,
    }
}

/// The facts as the email's HTML list; everything escaped.
fn facts_html(facts: &[Fact], lang: Lang) -> String {
    let mut out = String::from("<ul>");
    for f in facts {
        out.push_str(&format!(
            "<li><b>{}</b>: {}</li>",
            escape_html(f.label.text(lang)),
            escape_html(&clip(&f.value))
        ));
    }
    out.push_str("</ul>");
    out
}

/// HTML text and attribute escaping.
pub fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An SMS text's size in its encoding's units, and one segment's size: GSM-7 (160, with
/// the extension characters counting two) when every character is plain ASCII, else UCS-2
/// (70, with characters beyond the BMP counting two).
pub fn sms_units(text: &str) -> (usize, usize) {
    if text
        .chars()
        .all(|c| c.is_ascii() && !c.is_ascii_control() || c == '\n')
    {
        let units = text
            .chars()
            .map(|c| if "[]{}\\~^|".contains(c) { 2 } else { 1 })
            .sum();
        (units, 160)
    } else {
        (text.chars().map(char::len_utf16).sum(), 70)
    }
}

/// The SMS: the headline, then the most important fact, then the workspace and the link
/// while they fit one segment. The first fact goes in even past one segment: why matters
/// more than a second segment. Separators are plain ASCII, so an English text stays in
/// GSM-7's 160 characters.
fn sms(mark: &str, summary: &Summary, ctx: &Context, lang: Lang) -> String {
    let colon = lang.pick([": ", "：", "："]);
    let mut text = format!("{mark}{}", inert_text(&clip(&summary.headline)));
    if let Some(f) = summary.key_fact() {
        text.push_str(&format!(
            " - {}{colon}{}",
            f.label.text(lang),
            inert_text(&clip(&f.value))
        ));
    }
    for extra in [
        format!(
            " - {}{colon}{}",
            Label::Workspace.text(lang),
            inert_text(ctx.workspace)
        ),
        format!(" {}", ctx.link),
    ] {
        let longer = format!("{text}{extra}");
        let (units, segment) = sms_units(&longer);
        if units <= segment {
            text = longer;
        }
    }
    clip_to(&text, MAX_SMS_CHARS)
}

/// What a call says: an opening, the headline and the most important fact as sentences,
/// and the workspace; no links, event types or ids beyond the headline's, which read
/// badly aloud.
fn voice(envelope: &Value, summary: &Summary, ctx: &Context, lang: Lang) -> String {
    let stop = lang.pick([". ", "。", "。"]);
    let colon = lang.pick([": ", "：", "："]);
    let mut parts: Vec<String> = Vec::new();
    if is_test_event(envelope) {
        parts.push(spoken_test_mark(lang).to_string());
    }
    parts.push(Words::VoiceOpening.text(lang).to_string());
    parts.push(inert_text(&clip(&summary.headline)));
    if let Some(f) = summary.key_fact() {
        parts.push(format!(
            "{}{colon}{}",
            f.label.text(lang),
            inert_text(&clip(&f.value))
        ));
    }
    parts.push(format!(
        "{}{colon}{}",
        Label::Workspace.text(lang),
        inert_text(ctx.workspace)
    ));
    let mut out = parts.join(stop);
    out.push_str(stop.trim_end());
    out
}

/// The test mark as a call says it.
fn spoken_test_mark(lang: Lang) -> &'static str {
    lang.pick(["This is a test", "これはテストです", "这是一条测试"])
}

/// Alibaba's `${title}` and `${detail}`, each at most [`MAX_TEMPLATE_VARIABLE`]
/// characters. The title is the headline when it fits, else the headline without the
/// resource's name; the detail is the facts in order of importance, the first one cut if it
/// must be, the others whole or not at all; a value with an id is never cut (a cut id
/// names nothing).
fn template_vars(mark: &str, summary: &Summary, workspace: &str, lang: Lang) -> TemplateVars {
    let fits = |s: &str| s.chars().count() <= MAX_TEMPLATE_VARIABLE;
    let full = format!("{mark}{}", inert_text(&summary.headline));
    let bare = format!("{mark}{}", inert_text(&summary.bare_headline));
    let title = if fits(&full) {
        full
    } else {
        clip_to(&bare, MAX_TEMPLATE_VARIABLE)
    };
    let colon = lang.pick([": ", "：", "："]);
    let sep = lang.pick(["; ", "；", "；"]);
    let mut detail = String::new();
    let workspace_fact = Fact {
        label: Label::Workspace,
        value: workspace.to_string(),
        has_id: false,
    };
    for (i, f) in summary.facts.iter().chain([&workspace_fact]).enumerate() {
        let piece = format!("{}{colon}{}", f.label.text(lang), inert_text(&f.value));
        let joined = if detail.is_empty() {
            piece.clone()
        } else {
            format!("{detail}{sep}{piece}")
        };
        if fits(&joined) {
            detail = joined;
        } else if i == 0 && !f.has_id {
            detail = clip_to(&piece, MAX_TEMPLATE_VARIABLE);
        }
    }
    TemplateVars { title, detail }
}

/// The clearly marked message "Test connection" sends, in `lang`.
pub fn test_message(workspace: &str, lang: Lang) -> Message {
    let mark = mark(true, lang);
    let line1 = Words::TestLine1
        .text(lang)
        .replace("{workspace}", &inert_text(workspace));
    let line2 = Words::TestLine2.text(lang).to_string();
    let heading = format!("{mark}[Herald] {}", Words::TestTitle.text(lang));
    let stop = lang.pick([". ", "。", "。"]);
    Message {
        title: heading.clone(),
        markdown: format!(
            "#### {heading}\n\n{}\n\n{}",
            inert_markdown(&line1),
            inert_markdown(&line2)
        ),
        html: format!(
            "<h2>{}</h2><p>{}</p><p>{}</p>",
            escape_html(&heading),
            escape_html(&line1),
            escape_html(&line2)
        ),
        sms: format!("{heading}: {line1}"),
        voice: format!("{}{stop}{line1} {line2}", spoken_test_mark(lang)),
        template: TemplateVars {
            title: clip_to(&heading, MAX_TEMPLATE_VARIABLE),
            detail: clip_to(
                &format!(
                    "{}{}{}",
                    Label::Workspace.text(lang),
                    lang.pick([": ", "：", "："]),
                    inert_text(workspace)
                ),
                MAX_TEMPLATE_VARIABLE,
            ),
        },
        lines: vec![format!("{mark}{line1}"), line2],
    }
}

/// A value from an event made inert for the chat markdown of DingTalk and WeCom: on one
/// line (no heading, list or quote can start), and with each character that either
/// dialect reads as markup replaced by its full-width or look-alike twin: `[ ]` (links,
/// images), `< >` (HTML such as `<font>`, WeCom's `<@userid>` mentions, Lark's `<at>`,
/// autolinks), `@` (mentions), `` ` `` (code), `*` (emphasis), `#`, `|` (tables), `\`
/// and `&` (escapes and entities). Look-alikes rather than backslashes: WeCom's markdown
/// has no escape character, and DingTalk's is not documented, so only characters that are
/// not markup at all are safe in both. The text stays readable.
pub fn inert_markdown(value: &str) -> String {
    value
        .chars()
        .map(|c| match c {
            '[' => '［',
            ']' => '］',
            '<' => '＜',
            '>' => '＞',
            '@' => '＠',
            '`' => 'ˋ',
            '*' => '∗',
            '#' => '＃',
            '|' => '│',
            '\\' => '＼',
            '&' => '＆',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}

/// A value from an event made inert for plain text (Lark's post `text` elements, SMS,
/// voice, the email's lines): on one line, and with `< >` (Lark's `<at user_id=…>`) and
/// `@` (mentions) replaced by their full-width twins.
pub fn inert_text(value: &str) -> String {
    value
        .chars()
        .map(|c| match c {
            '<' => '＜',
            '>' => '＞',
            '@' => '＠',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}

/// Largest digest text: below WeCom's 4,096-byte markdown limit and far below DingTalk's
/// and Lark's body limits.
pub const DIGEST_MAX_BYTES: usize = 3500;

/// Which of a message's forms a channel sends, so a digest is measured in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// The chat markdown.
    Markdown,
    /// The plain lines joined by newlines (WeCom's text message, when it mentions people).
    Lines,
}

/// How much one digest may say for a channel: the form it sends and that form's limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    pub form: Form,
    pub max_bytes: usize,
}

impl Budget {
    /// Markdown within [`DIGEST_MAX_BYTES`]: the chat robots' digest.
    pub const MARKDOWN: Budget = Budget {
        form: Form::Markdown,
        max_bytes: DIGEST_MAX_BYTES,
    };

    /// The size of `m` in this budget's form, in bytes.
    pub fn size(&self, m: &Message) -> usize {
        match self.form {
            Form::Markdown => m.markdown.len(),
            Form::Lines => m.lines.join("\n").len(),
        }
    }
}

/// How many of `events`, from the first, fit in one digest within `budget` (0 when not
/// even the first does): the channel would cut the rest, and they would be recorded as
/// delivered without having been said.
pub fn digest_fit(of: &DigestOf, events: &[(Value, String)], budget: Budget) -> usize {
    (1..=events.len())
        .take_while(|n| budget.size(&digest(of, &events[..*n])) <= budget.max_bytes)
        .last()
        .unwrap_or(0)
}

/// Whose events a digest lists: a robot's deliveries are one rule's, in its language, and
/// each event's line leads with its title (the rule's title template when it has one).
pub struct DigestOf<'a> {
    pub workspace: &'a str,
    pub rule: &'a str,
    pub lang: Lang,
    pub templates: &'a Templates,
}

/// Several events for one robot, as one message: a line per event (its headline, its
/// most important fact, its time) with its link. Test events' lines start with the test
/// mark, and so does the heading when every event is a test.
pub fn digest(of: &DigestOf, events: &[(Value, String)]) -> Message {
    let (workspace, lang) = (of.workspace, of.lang);
    // Only the title: a digest's line is the title, the key fact and the time.
    let titles = Templates {
        title: of.templates.title.clone(),
        body: None,
    };
    let all_tests = !events.is_empty() && events.iter().all(|(e, _)| is_test_event(e));
    let count = Words::Events
        .text(lang)
        .replace("{n}", &events.len().to_string());
    let heading = format!(
        "{}[Herald] {count} · {}",
        mark(all_tests, lang),
        inert_markdown(workspace)
    );
    let mut markdown = format!("#### {heading}\n\n");
    let mut lines = vec![format!(
        "{}{}{}",
        Label::Workspace.text(lang),
        lang.pick([": ", "：", "："]),
        inert_text(workspace)
    )];
    for (envelope, link) in events {
        let mut summary = summarize(
            envelope["source"].as_str().unwrap_or_default(),
            envelope["type"].as_str().unwrap_or_default(),
            &envelope["data"],
            lang,
        );
        let ctx = Context {
            workspace,
            rule: of.rule,
            link: link.clone(),
            lang,
            templates: &titles,
        };
        if let (Rendered { title: Some(t), .. }, _) = templated(envelope, &ctx, &summary) {
            summary.headline = t;
        }
        let mark = mark(is_test_event(envelope), lang);
        let headline = clip(&summary.headline);
        let key = summary
            .key_fact()
            .map(|f| clip(&f.value))
            .unwrap_or_default();
        let time = clip(envelope["time"].as_str().unwrap_or_default());
        markdown.push_str(&format!(
            "- {mark}**{}** · {} · {} · [{}]({link})\n",
            inert_markdown(&headline),
            inert_markdown(&key),
            inert_markdown(&time),
            Words::Open.text(lang)
        ));
        lines.push(format!(
            "{mark}{} · {} · {} {link}",
            inert_text(&headline),
            inert_text(&key),
            inert_text(&time)
        ));
    }
    Message {
        title: heading.clone(),
        html: format!(
            "<h2>{}</h2><ul>{}</ul>",
            escape_html(&heading),
            lines
                .iter()
                .skip(1)
                .map(|l| format!("<li>{}</li>", escape_html(l)))
                .collect::<String>()
        ),
        sms: clip_to(&heading, MAX_SMS_CHARS),
        voice: heading.clone(),
        template: TemplateVars {
            title: clip_to(&heading, MAX_TEMPLATE_VARIABLE),
            detail: String::new(),
        },
        markdown,
        lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalog;
    use serde_json::json;

    static NONE: Templates = Templates {
        title: None,
        body: None,
    };

    fn ctx(lang: Lang) -> Context<'static> {
        Context {
            workspace: "vision",
            rule: "failures",
            link: "http://herald.local/events/7".into(),
            lang,
            templates: &NONE,
        }
    }

    fn of(lang: Lang) -> DigestOf<'static> {
        DigestOf {
            workspace: "vision",
            rule: "failures",
            lang,
            templates: &NONE,
        }
    }

    fn envelope_of(source: &str, type_id: &str) -> Value {
        let data = catalog::event_type(source, type_id).unwrap().sample_data();
        json!({"specversion": "1.0", "id": "e-1", "source": source, "type": type_id,
               "time": "2025-11-07T03:19:30Z", "subject": "job one", "data": data})
    }

    fn envelope() -> Value {
        envelope_of("pai.dlc", "dlc:Job:Failed")
    }

    /// Every kind's text of a message, one per line group, for the golden files and for
    /// "every kind says X" assertions.
    fn kinds(m: &Message) -> Vec<(&'static str, String)> {
        vec![
            ("chat title and email subject", m.title.clone()),
            ("chat markdown (DingTalk, WeCom)", m.markdown.clone()),
            ("lines (Lark post, email text)", m.lines.join("\n")),
            ("email html", m.html.clone()),
            ("sms", m.sms.clone()),
            ("voice", m.voice.clone()),
            (
                "aliyun template",
                format!("title={}\ndetail={}", m.template.title, m.template.detail),
            ),
        ]
    }

    fn all_types() -> impl Iterator<Item = (&'static catalog::Source, &'static catalog::EventType)>
    {
        catalog::sources()
            .iter()
            .flat_map(|s| s.types().map(move |t| (s, t)))
    }

    /// The golden messages: every catalog type in every kind, in one file per language
    /// under `tests/golden/`. `UPDATE_GOLDEN=1 cargo test --features ssr --lib golden`
    /// writes them; review the diff before committing it.
    #[test]
    fn golden_messages_for_every_type_kind_and_language() {
        for lang in Lang::ALL {
            let mut out = String::new();
            for (source, t) in all_types() {
                let m = message(&envelope_of(source.id, t.type_id), &ctx(lang));
                out.push_str(&format!("==== {} {}\n", source.id, t.type_id));
                for (kind, text) in kinds(&m) {
                    out.push_str(&format!("--- {kind}\n{text}\n"));
                }
            }
            let path = format!(
                "{}/tests/golden/messages.{}.txt",
                env!("CARGO_MANIFEST_DIR"),
                lang.as_str()
            );
            if std::env::var_os("UPDATE_GOLDEN").is_some() {
                std::fs::create_dir_all(std::path::Path::new(&path).parent().unwrap()).unwrap();
                std::fs::write(&path, &out).unwrap();
                continue;
            }
            let golden = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{path}: {e} (UPDATE_GOLDEN=1 writes it)"));
            if golden != out {
                let first = golden
                    .lines()
                    .zip(out.lines())
                    .position(|(a, b)| a != b)
                    .unwrap_or(golden.lines().count().min(out.lines().count()));
                panic!(
                    "{path} differs from line {}: golden {:?}, now {:?} (UPDATE_GOLDEN=1 rewrites it)",
                    first + 1,
                    golden.lines().nth(first),
                    out.lines().nth(first)
                );
            }
        }
    }

    #[test]
    fn every_kind_leads_with_the_headline_in_every_language() {
        for lang in Lang::ALL {
            for (source, t) in all_types() {
                let e = envelope_of(source.id, t.type_id);
                let s = summarize(source.id, t.type_id, &e["data"], lang);
                let head = inert_text(&s.headline);
                let m = message(&e, &ctx(lang));
                let id = format!("{} in {lang}", t.type_id);
                assert!(
                    m.title
                        .starts_with(&format!("[Herald] {}", inert_markdown(&s.headline))),
                    "{id}: {}",
                    m.title
                );
                assert!(
                    m.markdown
                        .starts_with(&format!("#### [Herald] {}\n", inert_markdown(&s.headline))),
                    "{id}"
                );
                assert_eq!(m.lines[0], head, "{id}");
                assert!(m.sms.starts_with(&head), "{id}: {}", m.sms);
                let opening = format!(
                    "{}{}{head}",
                    Words::VoiceOpening.text(lang),
                    lang.pick([". ", "。", "。"])
                );
                assert!(m.voice.starts_with(&opening), "{id}: {}", m.voice);
                assert!(
                    m.html
                        .starts_with(&format!("<h2>{}", escape_html(&m.title))),
                    "{id}"
                );
                // The most important fact follows the headline in the short forms.
                if let Some(f) = s.key_fact() {
                    let value = inert_text(&clip(&f.value));
                    assert!(m.sms.contains(&value), "{id}: {}", m.sms);
                    assert!(m.voice.contains(&value), "{id}: {}", m.voice);
                }
            }
        }
    }

    #[test]
    fn template_variables_fit_35_characters_and_never_cut_an_id() {
        for lang in Lang::ALL {
            for (source, t) in all_types() {
                let e = envelope_of(source.id, t.type_id);
                let m = message(&e, &ctx(lang));
                let id = format!("{} in {lang}", t.type_id);
                for var in [&m.template.title, &m.template.detail] {
                    assert!(
                        var.chars().count() <= MAX_TEMPLATE_VARIABLE,
                        "{id}: {var:?}"
                    );
                    assert!(!var.is_empty(), "{id}");
                }
                let ids = [
                    e["data"]["event"]["entity_id"].as_str().unwrap(),
                    e["data"]["event"]["performer_uid"].as_str().unwrap_or("-"),
                    e["data"]["event"]["model_id"].as_str().unwrap_or("-"),
                ];
                for entity_id in ids.iter().filter(|i| i.len() > 6) {
                    for var in [&m.template.title, &m.template.detail] {
                        if var.contains(&entity_id[..6]) {
                            assert!(var.contains(entity_id), "{id}: a cut id in {var:?}");
                        }
                    }
                }
            }
        }
        // A long first fact is cut to fit; the id that follows is left out, not cut.
        let m = message(&envelope(), &ctx(Lang::En));
        assert_eq!(m.template.title, "DLC job failed");
        assert_eq!(m.template.detail, "Reason: worker-1 exited with code…");
    }

    #[test]
    fn an_sms_stays_in_one_segment_when_headline_and_first_fact_do() {
        for lang in Lang::ALL {
            for (source, t) in all_types() {
                let e = envelope_of(source.id, t.type_id);
                let m = message(&e, &ctx(lang));
                let s = summarize(source.id, t.type_id, &e["data"], lang);
                let mut core = inert_text(&clip(&s.headline));
                if let Some(f) = s.key_fact() {
                    core.push_str(&format!(" - {}", f.label.text(lang)));
                }
                let (units, segment) = sms_units(&m.sms);
                let (core_units, core_segment) = sms_units(&core);
                if core_units < core_segment / 2 {
                    // Plenty of room: the optional parts must not push it past one segment.
                    assert!(
                        units <= segment || m.sms.len() < core.len() + 300,
                        "{}: {}",
                        t.type_id,
                        m.sms
                    );
                }
                assert!(m.sms.chars().count() <= MAX_SMS_CHARS);
            }
        }
        let m = message(
            &envelope_of("pai.dsw", "dsw:Instance:Running"),
            &ctx(Lang::En),
        );
        assert_eq!(sms_units(&m.sms).1, 160);
        assert!(sms_units(&m.sms).0 <= 160, "{}", m.sms);
        assert!(m.sms.ends_with("http://herald.local/events/7"), "{}", m.sms);
    }

    #[test]
    fn a_failed_dlc_job_shows_its_reason_in_every_kind_and_language() {
        for lang in Lang::ALL {
            let m = message(&envelope(), &ctx(lang));
            for (kind, text) in kinds(&m) {
                if kind == "chat title and email subject" {
                    continue;
                }
                assert!(
                    text.contains("worker-1 exited with code"),
                    "{kind} in {lang}: {text}"
                );
            }
            assert!(
                m.markdown
                    .contains("nightly-train-resnet50 (dlc1f9kq3w7zx2m5)"),
                "{}",
                m.markdown
            );
        }
        let m = message(&envelope(), &ctx(Lang::En));
        assert!(m
            .title
            .starts_with("[Herald] DLC job nightly-train-resnet50 failed · vision"));
        assert!(
            m.markdown
                .contains("- **Reason:** worker-1 exited with code 137 (OOMKilled)\n"),
            "{}",
            m.markdown
        );
        let ja = message(&envelope(), &ctx(Lang::Ja));
        assert!(
            ja.markdown.contains("- **理由：** worker-1"),
            "{}",
            ja.markdown
        );
        assert!(ja.voice.starts_with("Herald からのお知らせです。DLC ジョブ nightly-train-resnet50 が失敗しました。理由：worker-1"), "{}", ja.voice);
    }

    #[test]
    fn a_model_status_change_shows_the_status_and_the_model_in_every_kind() {
        let e = envelope_of("pai.model", "model:ModelVersion:StatusChanged");
        for (lang, status) in [
            (Lang::En, "Rejected"),
            (Lang::Ja, "却下"),
            (Lang::Zh, "已拒绝"),
        ] {
            let m = message(&e, &ctx(lang));
            for (kind, text) in kinds(&m) {
                assert!(text.contains(status), "{kind} in {lang}: {text}");
                if kind != "aliyun template" {
                    assert!(
                        text.contains("resnet50-imagenet"),
                        "{kind} in {lang}: {text}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_datarobot_deployment_message_names_the_deployment() {
        let seed = envelope_of(
            "datarobot.deployment",
            "model_deployments.deployment_creation",
        );
        let m = message(&seed, &ctx(Lang::En));
        assert!(
            m.title
                .contains("Deployment 5e43c2b4c9e77c0017d4b3c5 created"),
            "{}",
            m.title
        );
        let labelled = envelope_of(
            "datarobot.deployment",
            "model_deployments.deployment_launch_failed",
        );
        let label = labelled["data"]["deployment"]["label"]
            .as_str()
            .unwrap()
            .to_string();
        for lang in Lang::ALL {
            let m = message(&labelled, &ctx(lang));
            for (kind, text) in kinds(&m) {
                if kind == "aliyun template" {
                    continue;
                }
                assert!(text.contains(&label), "{kind} in {lang}: {text}");
            }
        }
    }

    #[test]
    fn a_test_event_starts_with_the_test_mark_in_every_kind_and_language() {
        for (lang, mark) in [
            (Lang::En, "[TEST]"),
            (Lang::Ja, "【テスト】"),
            (Lang::Zh, "【测试】"),
        ] {
            let mut e = envelope();
            e[TEST_ATTRIBUTE] = json!(true);
            let m = message(&e, &ctx(lang));
            let t = test_message("vision", lang);
            for m in [m, t] {
                assert!(m.title.starts_with(mark), "{lang}: {}", m.title);
                assert!(
                    m.markdown.starts_with(&format!("#### {mark}")),
                    "{lang}: {}",
                    m.markdown
                );
                assert!(m.lines[0].starts_with(mark), "{lang}: {:?}", m.lines);
                assert!(
                    m.html.starts_with(&format!("<h2>{mark}")),
                    "{lang}: {}",
                    m.html
                );
                assert!(m.sms.starts_with(mark), "{lang}: {}", m.sms);
                assert!(
                    m.voice.starts_with(spoken_test_mark(lang)),
                    "{lang}: {}",
                    m.voice
                );
                assert!(
                    m.template.title.starts_with(mark),
                    "{lang}: {:?}",
                    m.template
                );
            }
            let d = digest(&of(lang), &[(e.clone(), "http://h/1".into())]);
            assert!(d.title.starts_with(mark), "{}", d.title);
            assert!(d.lines[1].starts_with(mark), "{:?}", d.lines);
        }
        // A real event carries no mark.
        let m = message(&envelope(), &ctx(Lang::En));
        assert!(!m.title.contains("[TEST]") && !m.sms.contains("[TEST]"));
        assert!(!is_test_event(&json!({"heraldtest": false})));
    }

    #[test]
    fn a_digest_lists_every_event_with_its_link() {
        let events = vec![
            (envelope(), "http://h/buses/b/events/1".to_string()),
            (envelope(), "http://h/buses/b/events/2".to_string()),
        ];
        let m = digest(&of(Lang::En), &events);
        assert_eq!(m.title, "[Herald] 2 events · vision");
        assert!(
            m.markdown.contains("(http://h/buses/b/events/1)"),
            "{}",
            m.markdown
        );
        assert!(
            m.markdown.contains("(http://h/buses/b/events/2)"),
            "{}",
            m.markdown
        );
        assert!(
            m.markdown.contains("**DLC job nightly-train-resnet50 failed** · worker-1 exited with code 137 (OOMKilled) ·"),
            "{}",
            m.markdown
        );
        assert_eq!(m.lines.len(), 3);
        assert_eq!(
            digest(&of(Lang::Zh), &events).title,
            "[Herald] 2 个事件 · vision"
        );
    }

    #[test]
    fn digests_stop_where_the_size_budget_ends_and_long_values_are_clipped() {
        let events: Vec<(Value, String)> = (0..64)
            .map(|i| (envelope(), format!("http://h/buses/b/events/{i}")))
            .collect();
        let n = digest_fit(&of(Lang::En), &events, Budget::MARKDOWN);
        assert!(n > 1 && n < 64, "{n}");
        assert!(digest(&of(Lang::En), &events[..n]).markdown.len() <= DIGEST_MAX_BYTES);
        assert!(digest(&of(Lang::En), &events[..n + 1]).markdown.len() > DIGEST_MAX_BYTES);
        // A 10,000-character reason is shown, and shown clipped: its first 300 characters
        // and an ellipsis, in the digest and in the message.
        let mut long = envelope();
        let reason: String = (0..10_000)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        long["data"]["job"]["reason_message"] = json!(reason);
        let clipped = format!("{}…", &reason[..MAX_VALUE_CHARS]);
        let unclipped = &reason[..MAX_VALUE_CHARS + 1];
        let d = digest(&of(Lang::En), &[(long.clone(), "http://h/1".into())]);
        assert!(d.markdown.contains(&clipped), "{}", d.markdown);
        assert!(!d.markdown.contains(unclipped));
        let m = message(&long, &ctx(Lang::En));
        for (kind, text) in kinds(&m) {
            assert!(!text.contains(unclipped), "{kind} is not clipped");
        }
        assert!(m.markdown.contains(&clipped), "{}", m.markdown);
        assert!(m.markdown.len() < 2000);
    }

    #[test]
    fn a_rule_s_templates_replace_title_and_body_in_every_kind_made_inert_and_test_marked() {
        let templates = Templates::new(
            Some("Job {{ event.data.job.name }} @ {{ workspace }}".into()),
            Some("[x](y) {{ event.data.job.reason_message }}\n\n  <b>second</b>".into()),
        );
        let mut e = envelope();
        e["data"]["job"]["name"] = json!("@all <at>");
        e[TEST_ATTRIBUTE] = json!(true);
        let m = message(
            &e,
            &Context {
                templates: &templates,
                ..ctx(Lang::En)
            },
        );
        let head = "Job ＠all ＜at＞ ＠ vision";
        assert_eq!(m.title, format!("[TEST] [Herald] {head} · vision"));
        assert_eq!(
            m.markdown,
            format!(
                "#### [TEST] [Herald] {head}\n\n［x］(y) worker-1 exited with code 137 (OOMKilled)\n\n\
                 ＜b＞second＜/b＞\n\n[Open in Herald](http://herald.local/events/7)"
            )
        );
        assert_eq!(
            m.lines,
            [
                format!("[TEST] {head}"),
                "[x](y) worker-1 exited with code 137 (OOMKilled)".to_string(),
                "＜b＞second＜/b＞".to_string(),
                "http://herald.local/events/7".to_string(),
            ]
        );
        assert!(
            m.html.contains("<p>&lt;b&gt;second&lt;/b&gt;</p>"),
            "{}",
            m.html
        );
        assert!(!m.html.contains("<b>second"), "{}", m.html);
        assert!(
            m.sms.starts_with("[TEST] [x](y) worker-1 exited"),
            "{}",
            m.sms
        );
        assert!(m.sms.ends_with("＜b＞second＜/b＞"), "{}", m.sms);
        assert!(
            m.voice
                .starts_with("This is a test. Herald alert. [x](y) worker-1 exited"),
            "{}",
            m.voice
        );
        assert!(
            m.template.title.starts_with("[TEST] Job"),
            "{:?}",
            m.template
        );
        assert!(m.template.title.chars().count() <= MAX_TEMPLATE_VARIABLE);
        // A digest leads each event's line with its templated title.
        let d = digest(
            &DigestOf {
                templates: &templates,
                ..of(Lang::En)
            },
            &[(e, "http://h/1".into())],
        );
        assert!(
            d.markdown.contains(&format!("**{head}**")),
            "{}",
            d.markdown
        );
        // Without templates nothing changes (the golden files hold the built-in message).
        let plain = message(&envelope(), &ctx(Lang::En));
        assert!(
            plain.markdown.contains("- **Reason:**"),
            "{}",
            plain.markdown
        );
    }

    #[test]
    fn a_template_that_fails_for_an_event_leaves_the_built_in_message_and_says_why() {
        let templates = Templates::new(None, Some("{{ event.data.job.nothing }}".into()));
        for lang in Lang::ALL {
            let c = Context {
                templates: &templates,
                ..ctx(lang)
            };
            let m = message(&envelope(), &c);
            let why = template_failure(&envelope(), &c).expect("it fails");
            assert!(
                why.starts_with("body_template: line 1: undefined value"),
                "{why}"
            );
            let plain = message(&envelope(), &ctx(lang));
            let note = failure_line(&why, lang);
            assert_eq!(m.title, plain.title);
            assert_eq!(m.sms, plain.sms);
            let before_link = plain.markdown.split("\n[").next().unwrap();
            assert!(m.markdown.starts_with(before_link), "{}", m.markdown);
            assert!(
                m.markdown.contains(&inert_markdown(&note)),
                "{}",
                m.markdown
            );
            assert_eq!(m.lines[m.lines.len() - 2], inert_text(&note));
            assert!(m.html.contains(&escape_html(&note)), "{}", m.html);
        }
    }

    /// Values a producer controls, each trying to add markup to a chat message.
    const HOSTILE: &[&str] = &[
        "[click me](http://evil.example)",
        "![img](http://evil.example/x.png)",
        "# Heading",
        "<font color=\"warning\">red</font>",
        "@all",
        "@13800000000",
        "<at user_id=\"all\">everyone</at>",
        "<@zhangsan>",
        "line one\n\n# injected heading\n- item",
        "`code` **bold** <script>x</script> <http://evil.example>",
    ];

    fn hostile_envelope(value: &str) -> Value {
        let mut e = envelope();
        e["type"] = json!(value);
        e["data"]["job"]["name"] = json!(value);
        e["data"]["job"]["id"] = json!(value);
        e["data"]["job"]["reason_message"] = json!(value);
        e["time"] = json!(value);
        e
    }

    /// What a chat renderer would take for markup in `text`: a link or image, raw HTML (a
    /// `<font>`, an `<at>`, an autolink), a mention, code. (Headings and lists need a new
    /// line: the callers count those.)
    fn markup_in(text: &str) -> Option<&'static str> {
        let checks: &[(&str, &str)] = &[
            ("](", "a link or image"),
            ("[", "a link or image"),
            ("<", "HTML, an <at> or <@…> mention, or an autolink"),
            ("@", "an @ mention"),
            ("`", "code"),
        ];
        checks
            .iter()
            .find(|(m, _)| text.contains(m))
            .map(|(_, what)| *what)
    }

    #[test]
    fn event_values_cannot_add_markup_to_chat_messages() {
        for lang in Lang::ALL {
            let ctx = ctx(lang);
            let own_link = format!(
                "\n\n[{}](http://herald.local/events/7)",
                Words::OpenInHerald.text(lang)
            );
            // The newlines of a plain message, less the two before the link back.
            let lines = message(&envelope(), &ctx).markdown.matches('\n').count() - 2;
            for value in HOSTILE {
                let e = hostile_envelope(value);
                let m = message(&e, &ctx);
                // Herald's own markup (the heading, the bold keys, the link back) is fixed;
                // what comes from the event is everything between.
                let body = m
                    .markdown
                    .strip_suffix(&own_link)
                    .expect("the link back stays");
                let body = body.strip_prefix("#### [Herald] ").unwrap();
                assert_eq!(
                    markup_in(body),
                    None,
                    "{value:?} in markdown:\n{}",
                    m.markdown
                );
                assert_eq!(
                    body.matches('\n').count(),
                    lines,
                    "{value:?}: {}",
                    m.markdown
                );
                let title = m.title.strip_prefix("[Herald] ").unwrap();
                assert_eq!(markup_in(title), None, "{value:?} in title: {}", m.title);
                for text in
                    m.lines
                        .iter()
                        .chain([&m.sms, &m.voice, &m.template.title, &m.template.detail])
                {
                    assert!(!text.contains('\n'), "{value:?}: {text:?}");
                    assert!(
                        !text.contains('<') && !text.contains('@'),
                        "{value:?}: {text:?}"
                    );
                }
                assert!(
                    !m.html.contains("<script") && !m.html.contains("<font"),
                    "{}",
                    m.html
                );
                let d = digest(&of(lang), &[(e, "http://h/buses/b/events/1".into())]);
                let suffix = format!(
                    " · [{}](http://h/buses/b/events/1)\n",
                    Words::Open.text(lang)
                );
                let body = d
                    .markdown
                    .strip_suffix(&suffix)
                    .expect("the digest's link stays");
                let body = body.strip_prefix("#### [Herald] ").unwrap();
                assert_eq!(
                    markup_in(body),
                    None,
                    "{value:?} in digest:\n{}",
                    d.markdown
                );
                assert_eq!(body.matches('\n').count(), 2, "{value:?}: {}", d.markdown);
            }
        }
        // The text is still readable.
        let m = message(
            &hostile_envelope("[click me](http://evil.example)"),
            &ctx(Lang::En),
        );
        assert!(m.markdown.contains("click me"), "{}", m.markdown);
    }
}
