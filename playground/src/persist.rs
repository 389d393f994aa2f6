//! Keeping the state: the URL hash (compressed, updated with `replaceState`), localStorage, and
//! the theme.

use crate::bridge;
use crate::model::{Action, Inputs, State};
use std::cell::{Cell, RefCell};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use yew::{Callback, UseReducerDispatcher};

const STORAGE_KEY: &str = "hookmap-playground";
const THEME_KEY: &str = "hookmap-theme";
const HASH_PREFIX: &str = "#s=";

thread_local! {
    /// Saves are throttled: at most one URL update in flight.
    static SAVING: Cell<bool> = const { Cell::new(false) };
    /// The state saved while an update was in flight: encoded next, so the URL ends current.
    static LATEST: RefCell<Option<String>> = const { RefCell::new(None) };
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Restore the inputs from a share link, else from localStorage; keep the default otherwise.
pub fn restore(dispatch: UseReducerDispatcher<State>) {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    if let Some(encoded) = hash.strip_prefix(HASH_PREFIX) {
        let encoded = encoded.to_owned();
        spawn_local(async move {
            let text = JsFuture::from(bridge::decode_state(&encoded))
                .await
                .ok()
                .and_then(|v| v.as_string());
            match text.and_then(|t| serde_json::from_str::<Inputs>(&t).ok()) {
                Some(inputs) => dispatch.dispatch(Action::Load(inputs)),
                None => dispatch.dispatch(Action::Notice(Some(
                    "The share link could not be read; showing the default example.".into(),
                ))),
            }
        });
        return;
    }
    if let Some(inputs) = storage()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .and_then(|t| serde_json::from_str::<Inputs>(&t).ok())
    {
        dispatch.dispatch(Action::Load(inputs));
    }
}

/// Keep the inputs: localStorage now, the URL hash when the previous update is done.
pub fn save(inputs: &Inputs) {
    let Ok(json) = serde_json::to_string(inputs) else {
        return;
    };
    if let Some(s) = storage() {
        let _ = s.set_item(STORAGE_KEY, &json);
    }
    if SAVING.with(|c| c.replace(true)) {
        LATEST.with(|l| *l.borrow_mut() = Some(json));
        return;
    }
    spawn_local(async move {
        let mut json = json;
        loop {
            if let Some(encoded) = JsFuture::from(bridge::encode_state(&json))
                .await
                .ok()
                .and_then(|v| v.as_string())
            {
                if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
                    let _ =
                        history.replace_state_with_url(&JsValue::NULL, "", Some(&format!("{HASH_PREFIX}{encoded}")));
                }
            }
            match LATEST.with(|l| l.borrow_mut().take()) {
                Some(newer) => json = newer,
                None => break,
            }
        }
        SAVING.with(|c| c.set(false));
    });
}

/// Forget the saved state (Reset).
pub fn clear() {
    if let Some(s) = storage() {
        let _ = s.remove_item(STORAGE_KEY);
    }
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some("#"));
    }
}

/// Copy a link that restores these inputs.
pub fn copy_share_link(inputs: Inputs, notify: Callback<String>) {
    spawn_local(async move {
        let json = serde_json::to_string(&inputs).unwrap_or_default();
        let Some(encoded) = JsFuture::from(bridge::encode_state(&json))
            .await
            .ok()
            .and_then(|v| v.as_string())
        else {
            notify.emit("Could not make a share link.".into());
            return;
        };
        let location = web_sys::window().map(|w| w.location());
        let base = location
            .as_ref()
            .and_then(|l| Some(format!("{}{}", l.origin().ok()?, l.pathname().ok()?)))
            .unwrap_or_default();
        let link = format!("{base}{HASH_PREFIX}{encoded}");
        let copied = JsFuture::from(bridge::copy(&link))
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        notify.emit(if copied {
            format!("Share link copied ({} characters).", link.len())
        } else {
            format!("Copy this link: {link}")
        });
    });
}

/// The theme chosen with the toggle, if any (else the OS preference applies).
pub fn saved_theme() -> Option<String> {
    storage().and_then(|s| s.get_item(THEME_KEY).ok().flatten())
}

/// Whether the page is dark now.
pub fn is_dark() -> bool {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element());
    match root.and_then(|r| r.get_attribute("data-theme")).as_deref() {
        Some("dark") => true,
        Some("light") => false,
        _ => web_sys::window()
            .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
            .is_some_and(|m| m.matches()),
    }
}

/// Apply (and remember) a theme; `None` follows the OS.
pub fn apply_theme(theme: Option<String>) {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element());
    if let Some(root) = root {
        match &theme {
            Some(t) => {
                let _ = root.set_attribute("data-theme", t);
            }
            None => {
                let _ = root.remove_attribute("data-theme");
            }
        }
    }
    if let (Some(s), Some(t)) = (storage(), theme) {
        let _ = s.set_item(THEME_KEY, &t);
    }
}
