//! The site's `/pkg/` files: the brotli or gzip copy the build made, as `Accept-Encoding`
//! asks; hashed names cached as immutable, the rest and the pages revalidated.

use crate::common::TestApp;
use reqwest::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, VARY};
use reqwest::StatusCode;

const HASHED: &str = "herald.Xb3kP0_q-9ZzYwVuTsRqPo.wasm";

/// A site root as `cargo leptos build --release --precompress` leaves it: a hashed
/// WebAssembly file with its `.br` and `.gz` copies, and a file without a hash.
fn built_site(root: &std::path::Path) {
    let pkg = root.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join(HASHED), b"plain wasm").unwrap();
    std::fs::write(pkg.join(format!("{HASHED}.br")), b"brotli wasm").unwrap();
    std::fs::write(pkg.join(format!("{HASHED}.gz")), b"gzip wasm").unwrap();
    std::fs::write(pkg.join("herald.d.ts"), b"types").unwrap();
}

async fn get(url: &str, accept: Option<&str>) -> reqwest::Response {
    // reqwest here has no decompression features: bodies arrive as sent.
    let mut request = reqwest::Client::new().get(url);
    if let Some(accept) = accept {
        request = request.header(ACCEPT_ENCODING, accept);
    }
    request.send().await.unwrap()
}

fn header(r: &reqwest::Response, name: reqwest::header::HeaderName) -> Option<String> {
    r.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_string())
}

#[tokio::test]
async fn hashed_wasm_comes_precompressed_as_asked_and_cached_as_immutable() {
    let site = tempfile::tempdir().unwrap();
    built_site(site.path());
    let root = site.path().display().to_string();
    let app = TestApp::spawn_with(|args| args.site_root = root).await;
    let url = format!("{}/pkg/{HASHED}", app.base());

    for (accept, encoding, body) in [
        (Some("gzip, deflate, br, zstd"), Some("br"), "brotli wasm"),
        (Some("gzip, deflate"), Some("gzip"), "gzip wasm"),
        (None, None, "plain wasm"),
    ] {
        let r = get(&url, accept).await;
        assert_eq!(r.status(), StatusCode::OK, "{accept:?}");
        assert_eq!(
            header(&r, CONTENT_ENCODING).as_deref(),
            encoding,
            "{accept:?}"
        );
        assert_eq!(
            header(&r, CACHE_CONTROL).as_deref(),
            Some("public, max-age=31536000, immutable"),
            "{accept:?}"
        );
        assert!(
            header(&r, VARY).is_some_and(|v| v.to_ascii_lowercase().contains("accept-encoding")),
            "{accept:?}: {:?}",
            r.headers()
        );
        assert_eq!(r.headers().get("content-type").unwrap(), "application/wasm");
        assert_eq!(r.text().await.unwrap(), body, "{accept:?}");
    }
}

#[tokio::test]
async fn unhashed_files_pages_and_missing_files_are_revalidated() {
    let site = tempfile::tempdir().unwrap();
    built_site(site.path());
    let root = site.path().display().to_string();
    let app = TestApp::spawn_with(|args| args.site_root = root).await;

    let plain = get(&format!("{}/pkg/herald.d.ts", app.base()), Some("br")).await;
    assert_eq!(plain.status(), StatusCode::OK);
    assert_eq!(header(&plain, CACHE_CONTROL).as_deref(), Some("no-cache"));

    // A hashed name the build did not make is not cached for a year.
    let missing = get(
        &format!("{}/pkg/herald.AAAAAAAAAAAAAAAAAAAAAA.wasm", app.base()),
        None,
    )
    .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(header(&missing, CACHE_CONTROL).as_deref(), Some("no-cache"));

    let page = get(&format!("{}/login", app.base()), None).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(
        header(&page, CACHE_CONTROL).as_deref(),
        Some("no-cache, private")
    );
}

/// The receivers' documentation is a page anyone can read without logging in, with README's
/// section as HTML: the payload table, the signature headers and the worked example.
#[tokio::test]
async fn the_receivers_documentation_is_a_public_page_made_from_the_readme() {
    let app = TestApp::spawn().await;
    let r = get(&format!("{}/docs/receivers", app.base()), None).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        header(&r, reqwest::header::CONTENT_TYPE).as_deref(),
        Some("text/html; charset=utf-8")
    );
    let html = r.text().await.unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(html.contains("<h1>Writing an HTTP receiver</h1>"), "{html}");
    // README's table of payload formats, as a table, and its headers and example.
    assert!(html.contains("<table>"), "{html}");
    assert!(html.contains("<code>cloudevents_binary</code>"), "{html}");
    assert!(html.contains("<code>webhook-signature</code>"), "{html}");
    assert!(html.contains("standard_webhooks_vector"), "{html}");
    // Only that section: not the next one of the README.
    let readme = std::fs::read_to_string("README.md").unwrap();
    let section = readme.find("### Writing an HTTP receiver").unwrap();
    let next = readme[section + 4..]
        .find("\n## ")
        .into_iter()
        .chain(readme[section + 4..].find("\n### "))
        .min()
        .unwrap();
    let next_heading: String = readme[section + 4 + next + 1..]
        .lines()
        .next()
        .unwrap()
        .trim_start_matches('#')
        .trim()
        .to_string();
    assert!(
        !html.contains(&next_heading),
        "{next_heading} is on the page"
    );
}
