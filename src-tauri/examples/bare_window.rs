//! A bare Tauri v2 window: Duka's window (same tauri.conf.json, WebKitGTK, link options and WebKit
//! environment from webkit_env) showing an empty page through Tauri's own protocol, with no app
//! behind it. The desktop bench measures it in the same run as Duka, so what the platform's own
//! libraries take is not counted as Duka's: `cargo xtask bench desktop` builds it
//! (`cargo build -p duka-desktop --example bare_window`).

#[cfg(target_os = "linux")]
#[path = "../src/webkit_env.rs"]
mod webkit_env;

use std::borrow::Cow;

use tauri::utils::assets::{AssetKey, AssetsIter, CspHash};

/// The page, an empty HTML document. (about:blank would not do: WebKit shows it without starting a
/// page process at all.)
const PAGE: &[u8] = b"<!doctype html><title>bare</title>";

/// The window's only asset, in place of Duka's ui/ folder: the empty page as index.html.
struct EmptyPage;

impl<R: tauri::Runtime> tauri::Assets<R> for EmptyPage {
    fn get(&self, key: &AssetKey) -> Option<Cow<'_, [u8]>> {
        (key.as_ref() == "/index.html").then_some(Cow::Borrowed(PAGE))
    }

    fn iter(&self) -> Box<AssetsIter<'_>> {
        Box::new(std::iter::once((Cow::Borrowed("/index.html"), Cow::Borrowed(PAGE))))
    }

    fn csp_hashes(&self, _html_path: &AssetKey) -> Box<dyn Iterator<Item = CspHash<'_>> + '_> {
        Box::new(std::iter::empty())
    }
}

fn main() -> anyhow::Result<()> {
    // The same environment as the app (this may start the binary again with it).
    #[cfg(target_os = "linux")]
    if let Err(reason) = webkit_env::ensure() {
        eprintln!("bare_window: {reason}; running without them");
    }
    let mut context = tauri::generate_context!("../tauri.conf.json");
    context.set_assets(Box::new(EmptyPage));
    tauri::Builder::default().run(context)?;
    Ok(())
}
