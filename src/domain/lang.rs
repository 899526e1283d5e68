//! The languages Herald's messages speak: English, Japanese and Simplified Chinese. A tiny,
//! dependency-free vocabulary type shared by the UI (a rule's and the account's language)
//! and the server (which language a delivery is rendered in). The words of the messages
//! themselves live with their content (`domain::message`), not here.

use serde::{Deserialize, Serialize};

/// A language messages can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema, sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "text", rename_all = "lowercase"))]
pub enum Lang {
    #[default]
    En,
    Ja,
    Zh,
}

impl Lang {
    /// Every language, in the order the UI offers them.
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Ja, Lang::Zh];

    /// The wire name, identical to the serde name: `"en"`, `"ja"`, `"zh"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ja => "ja",
            Lang::Zh => "zh",
        }
    }

    /// The language with this wire name; the inverse of [`Lang::as_str`].
    pub fn parse(s: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.as_str() == s)
    }

    /// The language's name in itself, as a language picker shows it.
    pub fn label(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Ja => "日本語",
            Lang::Zh => "中文",
        }
    }

    /// One of three texts, by language: `lang.pick(["failed", "失敗", "失败"])`.
    pub fn pick<T: Copy>(self, texts: [T; 3]) -> T {
        texts[self as usize]
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip_through_parse_and_serde() {
        for lang in Lang::ALL {
            assert_eq!(Lang::parse(lang.as_str()), Some(lang));
            let json = serde_json::to_string(&lang).unwrap();
            assert_eq!(json, format!("\"{}\"", lang.as_str()));
            assert_eq!(serde_json::from_str::<Lang>(&json).unwrap(), lang);
        }
        assert_eq!(Lang::parse("fr"), None);
        assert_eq!(Lang::parse("EN"), None);
    }

    #[test]
    fn each_language_is_labelled_in_itself() {
        let labels: Vec<&str> = Lang::ALL.iter().map(|l| l.label()).collect();
        assert_eq!(labels, ["English", "日本語", "中文"]);
        assert_eq!(Lang::Ja.pick(["a", "b", "c"]), "b");
    }
}
