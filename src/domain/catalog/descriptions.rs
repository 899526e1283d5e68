//! The catalog's descriptions in Japanese and Chinese, for the server only: the sentences of
//! `locales/catalog/{ja,zh}.json`, keyed by source id and by event type id, are embedded in
//! the server binary and never in the WebAssembly (the catalog page asks for its locale's
//! with `api::catalog::get_catalog_descriptions`). English is the catalog's own text.

use super::CatalogDescriptions;
use crate::domain::lang::Lang;
use std::sync::LazyLock;

static JA: LazyLock<CatalogDescriptions> =
    LazyLock::new(|| parse("ja", include_str!("../../../locales/catalog/ja.json")));
static ZH: LazyLock<CatalogDescriptions> =
    LazyLock::new(|| parse("zh", include_str!("../../../locales/catalog/zh.json")));

/// The files are part of the build and checked by the tests below, so a malformed one is a
/// programming error caught before release.
fn parse(locale: &str, text: &str) -> CatalogDescriptions {
    serde_json::from_str(text)
        .unwrap_or_else(|e| panic!("locales/catalog/{locale}.json is malformed: {e}"))
}

/// The descriptions in `lang`; empty for English, whose text the catalog itself holds.
pub fn in_language(lang: Lang) -> CatalogDescriptions {
    match lang {
        Lang::En => CatalogDescriptions::default(),
        Lang::Ja => JA.clone(),
        Lang::Zh => ZH.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalog::sources;
    use std::collections::BTreeSet;

    /// Every source and event type of the catalog has a Japanese and a Chinese description,
    /// and the files hold nothing else (no key one language has and the other lacks, no
    /// key of a type that left the catalog).
    #[test]
    fn every_source_and_type_is_described_in_japanese_and_chinese_and_nothing_else() {
        let source_ids: BTreeSet<&str> = sources().iter().map(|s| s.id).collect();
        let type_ids: Vec<&str> = sources()
            .iter()
            .flat_map(|s| s.types().map(|t| t.type_id))
            .collect();
        let unique: BTreeSet<&str> = type_ids.iter().copied().collect();
        assert_eq!(
            unique.len(),
            type_ids.len(),
            "a type id is in two sources: the description files key types by id alone"
        );
        for lang in [Lang::Ja, Lang::Zh] {
            let d = in_language(lang);
            let described: BTreeSet<&str> = d.sources.keys().map(String::as_str).collect();
            assert_eq!(described, source_ids, "sources described in {lang}");
            let described: BTreeSet<&str> = d.types.keys().map(String::as_str).collect();
            assert_eq!(described, unique, "event types described in {lang}");
            for (id, text) in d.sources.iter().chain(d.types.iter()) {
                assert!(
                    !text.trim().is_empty(),
                    "{id} has an empty {lang} description"
                );
            }
        }
    }

    #[test]
    fn english_comes_from_the_catalog_and_the_others_from_their_files() {
        let dlc = crate::domain::catalog::source("pai.dlc").unwrap();
        let failed = crate::domain::catalog::event_type("pai.dlc", "dlc:Job:Failed").unwrap();
        let en = in_language(Lang::En);
        assert!(en.sources.is_empty() && en.types.is_empty());
        assert_eq!(en.source(dlc), dlc.description);
        assert_eq!(en.event_type(failed), failed.description);
        let ja = in_language(Lang::Ja);
        assert_eq!(ja.event_type(failed), "ジョブが失敗で終了しました。");
        let zh = in_language(Lang::Zh);
        assert_eq!(zh.event_type(failed), "任务以失败结束。");
        assert_ne!(zh.source(dlc), dlc.description);
    }
}
