//! Generates the `i18n` module of the UI from `locales/{en,ja,zh}.json` (leptos_i18n):
//! one typed accessor per key, so a key the code uses that English lacks does not compile.
//! A key that Japanese or Chinese lacks is a build warning here and a failing test
//! (`app::locale::tests`). It also writes `catalog_text.rs`: the catalog's English names and
//! titles mapped to their keys under `catalog` in `locales/en.json`. And it renders README's
//! "Writing an HTTP receiver" section to `receivers.html`, the body of `/docs/receivers`.

use leptos_i18n_build::options::CodegenOptions;
use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use std::error::Error;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=locales");
    println!("cargo::rerun-if-changed=README.md");
    // sqlx::migrate! embeds migrations/{sqlite,postgres}: a file added or removed there
    // must rebuild what embeds them (sqlx's advice for its macro).
    println!("cargo::rerun-if-changed=migrations");
    receivers_page()?;
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?).join("i18n");
    // English first: it is the default, and what a locale without a key falls back to.
    // `interpolate_display`: strings with values can also be had as text (titles, attributes).
    let cfg = Config::new("en")?
        .add_locale("ja")?
        .add_locale("zh")?
        .parse_options(ParseOptions::default().interpolate_display(true));
    let infos = TranslationsInfos::parse(cfg)?;
    infos.emit_diagnostics();
    infos.rerun_if_locales_changed();
    let attributes = "#![allow(missing_docs, clippy::all, clippy::pedantic)]".parse()?;
    catalog_lookup(&out)?;
    infos.generate_i18n_module_with_options(
        out,
        CodegenOptions::default()
            .top_level_attributes(Some(attributes))
            .gen_docs(false),
    )?;
    Ok(())
}

/// `catalog_text(i18n, english)`: the translation of a catalog name or title (the catalog in
/// `domain::catalog` is English data shared with the server), from the `catalog` object of
/// `locales/en.json`, whose values are that English text.
fn catalog_lookup(out: &std::path::Path) -> Result<(), Box<dyn Error>> {
    let en: serde_json::Value = serde_json::from_str(&std::fs::read_to_string("locales/en.json")?)?;
    let catalog = en
        .get("catalog")
        .and_then(|c| c.as_object())
        .ok_or("locales/en.json has no `catalog` object")?;
    let mut code = String::from(
        "/// The catalog's English `english` in the UI's language; `None` for text without a key.\n\
         pub fn catalog_text(i18n: I18nContext<Locale>, english: &str) -> Option<&'static str> {\n\
         \x20   Some(match english {\n",
    );
    for (key, value) in catalog {
        let english = value.as_str().ok_or("catalog values must be strings")?;
        code.push_str(&format!(
            "        {english:?} => t_string!(i18n, catalog.{key}),\n"
        ));
    }
    code.push_str("        _ => return None,\n    })\n}\n");
    std::fs::create_dir_all(out)?;
    std::fs::write(out.join("catalog_text.rs"), code)?;
    Ok(())
}

/// The README's "Writing an HTTP receiver" section (to the next `##`/`###` heading) as HTML,
/// in `$OUT_DIR/receivers.html`: the receivers' documentation page serves it.
fn receivers_page() -> Result<(), Box<dyn Error>> {
    const HEADING: &str = "### Writing an HTTP receiver";
    let readme = std::fs::read_to_string("README.md")?;
    let start = readme
        .find(HEADING)
        .ok_or("README.md has no \"### Writing an HTTP receiver\" section")?;
    let rest = &readme[start + HEADING.len()..];
    let end = rest
        .match_indices("\n#")
        .find(|(i, _)| rest[i + 1..].starts_with("## ") || rest[i + 1..].starts_with("### "))
        .map_or(rest.len(), |(i, _)| i);
    let markdown = &rest[..end];
    let mut options = pulldown_cmark::Options::empty();
    options.insert(pulldown_cmark::Options::ENABLE_TABLES);
    let mut html = String::new();
    pulldown_cmark::html::push_html(
        &mut html,
        pulldown_cmark::Parser::new_ext(markdown, options),
    );
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?);
    std::fs::write(out.join("receivers.html"), html)?;
    Ok(())
}
