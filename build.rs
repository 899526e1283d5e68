//! Generates the `i18n` module of the UI from `locales/{en,ja,zh}.json` (leptos_i18n):
//! one typed accessor per key, so a key the code uses that English lacks does not compile.
//! A key that Japanese or Chinese lacks is a build warning here and a failing test
//! (`app::i18n::tests`).

use leptos_i18n_build::options::CodegenOptions;
use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use std::error::Error;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=locales");
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
    infos.generate_i18n_module_with_options(
        out,
        CodegenOptions::default()
            .top_level_attributes(Some(attributes))
            .gen_docs(false),
    )?;
    Ok(())
}
