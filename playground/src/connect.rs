//! The playground connected to its worker (issue 16). When the page is served by hookmap's
//! worker, a Connect control (the admin token, kept in sessionStorage only) unlocks: a webhook
//! selector that loads the live version into the mapping editor, the latest real deliveries
//! (a click loads one into the request editor), a backtest of the editor's mapping against the
//! last N deliveries (the engine's `backtest`, in a Web Worker), publish (after a confirmation
//! showing the backtest's summary) and the versions (load one, roll back). Served without the
//! worker (`make playground`), it renders nothing.
//!
//! The HTTP calls and the backtest worker are in `playground/js/admin.mjs`
//! (`globalThis.HookmapAdmin`); this component holds the panel's state.

use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = HookmapAdmin)]
    fn probe() -> js_sys::Promise;
    #[wasm_bindgen(js_namespace = HookmapAdmin)]
    fn connect(token: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_namespace = HookmapAdmin)]
    fn disconnect();
    #[wasm_bindgen(js_namespace = HookmapAdmin)]
    fn webhooks() -> js_sys::Promise;
    #[wasm_bindgen(js_namespace = HookmapAdmin)]
    fn webhook(id: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_namespace = HookmapAdmin)]
    fn deliveries(id: &str, limit: u32) -> js_sys::Promise;
    #[wasm_bindgen(js_namespace = HookmapAdmin, js_name = deliveryRequest)]
    fn delivery_request(id: f64) -> js_sys::Promise;
    #[wasm_bindgen(js_namespace = HookmapAdmin, js_name = versionConfig)]
    fn version_config(id: &str, version: f64) -> js_sys::Promise;
    #[wasm_bindgen(js_namespace = HookmapAdmin)]
    fn backtest(id: &str, candidate: &str, limit: u32) -> js_sys::Promise;
    #[wasm_bindgen(js_namespace = HookmapAdmin)]
    fn publish(id: &str, config: &str, note: &str, force: bool) -> js_sys::Promise;
    #[wasm_bindgen(js_namespace = HookmapAdmin)]
    fn rollback(id: &str, version: f64) -> js_sys::Promise;
}

/// How many deliveries the list shows.
const LIST: u32 = 20;
/// The backtest's default and largest number of deliveries.
const BACKTEST_DEFAULT: u32 = 50;
const BACKTEST_MAX: u32 = 500;

/// Await a HookmapAdmin promise: its JSON text (or a plain text), or the error's message.
async fn call(p: js_sys::Promise) -> Result<String, String> {
    match JsFuture::from(p).await {
        Ok(v) => Ok(v.as_string().unwrap_or_default()),
        Err(e) => Err(js_sys::Reflect::get(&e, &"message".into())
            .ok()
            .and_then(|m| m.as_string())
            .unwrap_or_else(|| format!("{e:?}"))),
    }
}

async fn call_json(p: js_sys::Promise) -> Result<Value, String> {
    let text = call(p).await?;
    serde_json::from_str(&text).map_err(|e| format!("unreadable answer: {e}"))
}

/// The panel's state.
#[derive(Clone, PartialEq, Default)]
struct Panel {
    /// None: not probed yet; Some(false): not served by the worker (nothing shown).
    available: Option<bool>,
    /// The worker has no ADMIN_TOKEN: its message.
    not_configured: Option<String>,
    connected: bool,
    token: String,
    webhooks: Vec<Value>,
    selected: Option<String>,
    /// GET /api/webhooks/{id}: version, versions.
    detail: Option<Value>,
    deliveries: Vec<Value>,
    backtest_n: u32,
    backtest: Option<Value>,
    /// The mapping text the backtest ran with (its summary is shown at publish only for that text).
    backtest_config: String,
    confirming: bool,
    note: String,
    busy: Option<String>,
    error: Option<String>,
    /// The diagnostics of a refused publish.
    refused: Vec<Value>,
    /// The refusal can be overridden: expressions that do not compile in Port's engine (Port
    /// stores null there), published anyway on request.
    forceable: bool,
}

/// Properties: the mapping editor's text, and how to load texts into the editors.
#[derive(Properties, PartialEq)]
pub struct ConnectProps {
    /// The mapping editor's current text (the candidate of the backtest and of publish).
    pub config: String,
    /// Load `(request, config)` texts into the editors (None leaves an editor as it is).
    pub on_load: Callback<(Option<String>, Option<String>)>,
    /// Show a short message.
    pub notify: Callback<String>,
}

fn num(v: &Value, k: &str) -> f64 {
    v.get(k).and_then(Value::as_f64).unwrap_or(0.0)
}
fn text(v: &Value, k: &str) -> String {
    match v.get(k) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}
fn short(v: Option<&Value>) -> String {
    match v {
        None => "∅".to_owned(),
        Some(v) => {
            let s = v.to_string();
            if s.chars().count() > 80 {
                format!("{}…", s.chars().take(80).collect::<String>())
            } else {
                s
            }
        }
    }
}

/// Summary line of a backtest answer.
fn summary(b: &Value) -> String {
    format!(
        "{} deliveries against live version {}: {} unchanged, {} changed, {} newly failing, {} newly fixed",
        num(b, "total"),
        num(b, "live"),
        num(b, "unchanged"),
        num(b, "changed"),
        num(b, "newlyFailing"),
        num(b, "newlyFixed")
    )
}

/// The connected panel.
#[function_component(Connect)]
pub fn connect_panel(props: &ConnectProps) -> Html {
    let panel = use_state(|| Panel {
        backtest_n: BACKTEST_DEFAULT,
        ..Panel::default()
    });
    // A handle that always sees the latest state inside async blocks.
    let latest = use_mut_ref(Panel::default);
    *latest.borrow_mut() = (*panel).clone();
    let update = {
        let (panel, latest) = (panel.clone(), latest.clone());
        move |f: &dyn Fn(&mut Panel)| {
            let mut p = latest.borrow().clone();
            f(&mut p);
            *latest.borrow_mut() = p.clone();
            panel.set(p);
        }
    };
    let update = std::rc::Rc::new(update);

    // Select a webhook: its live version into the editor, its versions and deliveries.
    let select = {
        let (update, on_load) = (update.clone(), props.on_load.clone());
        std::rc::Rc::new(move |id: String, load_config: bool| {
            let (update, on_load) = (update.clone(), on_load.clone());
            spawn_local(async move {
                update(&|p| {
                    p.selected = Some(id.clone());
                    p.busy = Some(format!("Loading {id}…"));
                    p.backtest = None;
                    p.error = None;
                });
                let detail = call_json(webhook(&id)).await;
                let list = call_json(deliveries(&id, LIST)).await;
                match (detail, list) {
                    (Ok(d), Ok(l)) => {
                        if load_config {
                            let config = serde_json::to_string_pretty(d.get("config").unwrap_or(&Value::Null))
                                .unwrap_or_default();
                            on_load.emit((None, Some(config)));
                        }
                        update(&|p| {
                            p.detail = Some(d.clone());
                            p.deliveries = l
                                .get("deliveries")
                                .and_then(Value::as_array)
                                .cloned()
                                .unwrap_or_default();
                            p.busy = None;
                        });
                    }
                    (Err(e), _) | (_, Err(e)) => update(&|p| {
                        p.busy = None;
                        p.error = Some(e.clone());
                    }),
                }
            });
        })
    };

    let after_connect = {
        let (update, select) = (update.clone(), select.clone());
        std::rc::Rc::new(move |answer: Value| {
            let list = answer
                .get("webhooks")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let first = list.first().map(|w| text(w, "id"));
            update(&|p| {
                p.connected = true;
                p.webhooks = list.clone();
                p.busy = None;
                p.error = None;
            });
            if let Some(id) = first {
                select(id, true);
            }
        })
    };

    // Probe once: is this page served by the worker? Reconnect with a token of this session.
    {
        let (update, after_connect) = (update.clone(), after_connect.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                let p = call_json(probe()).await.unwrap_or(Value::Null);
                let available = p.get("available").and_then(Value::as_bool).unwrap_or(false);
                let connected = p.get("connected").and_then(Value::as_bool).unwrap_or(false);
                let message = p.get("message").and_then(Value::as_str).map(str::to_owned);
                update(&|s| {
                    s.available = Some(available);
                    s.not_configured = message.clone();
                });
                if connected {
                    if let Ok(w) = call_json(webhooks()).await {
                        after_connect(w);
                    }
                }
            });
        });
    }

    if panel.available != Some(true) {
        return html! {};
    }

    let on_token = {
        let update = update.clone();
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            update(&|p| p.token = v.clone())
        })
    };
    let do_connect = {
        let (update, after_connect, token) = (update.clone(), after_connect.clone(), panel.token.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (update, after_connect, token) = (update.clone(), after_connect.clone(), token.clone());
            spawn_local(async move {
                update(&|p| p.busy = Some("Connecting…".into()));
                match call_json(connect(token.trim())).await {
                    Ok(w) => after_connect(w),
                    Err(e) => update(&|p| {
                        p.busy = None;
                        p.error = Some(e.clone());
                    }),
                }
            });
        })
    };
    let do_disconnect = {
        let update = update.clone();
        Callback::from(move |_| {
            disconnect();
            update(&|p| {
                *p = Panel {
                    available: Some(true),
                    backtest_n: BACKTEST_DEFAULT,
                    ..Panel::default()
                }
            });
        })
    };

    if !panel.connected {
        return html! {
            <section class="connect" data-testid="connect" aria-label="Connect to the worker">
                <h2>{ "Worker" }</h2>
                if let Some(m) = &panel.not_configured { <p class="muted">{ m.clone() }</p> }
                <form onsubmit={do_connect}>
                    <label>{ "Admin token " }
                        <input type="password" autocomplete="off" data-testid="admin-token" value={panel.token.clone()} oninput={on_token}
                            placeholder="ADMIN_TOKEN (kept in this tab only)"/>
                    </label>
                    <button type="submit" data-testid="connect-button">{ "Connect" }</button>
                </form>
                if let Some(b) = &panel.busy { <p class="muted">{ b.clone() }</p> }
                if let Some(e) = &panel.error { <p class="error" data-testid="connect-error">{ e.clone() }</p> }
            </section>
        };
    }

    let id = panel.selected.clone().unwrap_or_default();
    let on_select = {
        let select = select.clone();
        Callback::from(move |e: Event| select(e.target_unchecked_into::<HtmlSelectElement>().value(), true))
    };
    let load_delivery = |delivery: f64| {
        let (update, on_load) = (update.clone(), props.on_load.clone());
        Callback::from(move |_| {
            let (update, on_load) = (update.clone(), on_load.clone());
            spawn_local(async move {
                match call(delivery_request(delivery)).await {
                    Ok(t) => on_load.emit((Some(t), None)),
                    Err(e) => update(&|p| p.error = Some(e.clone())),
                }
            });
        })
    };
    let on_n = {
        let update = update.clone();
        Callback::from(move |e: Event| {
            let n = e
                .target_unchecked_into::<HtmlInputElement>()
                .value()
                .parse::<u32>()
                .unwrap_or(BACKTEST_DEFAULT);
            update(&|p| p.backtest_n = n.clamp(1, BACKTEST_MAX))
        })
    };
    let run_backtest = {
        let (update, id, config, n) = (update.clone(), id.clone(), props.config.clone(), panel.backtest_n);
        Callback::from(move |_| {
            let (update, id, config) = (update.clone(), id.clone(), config.clone());
            spawn_local(async move {
                update(&|p| {
                    p.busy = Some(format!("Backtesting the last {n} deliveries…"));
                    p.error = None;
                });
                match call_json(backtest(&id, &config, n)).await {
                    Ok(b) => update(&|p| {
                        p.busy = None;
                        p.backtest = Some(b.clone());
                        p.backtest_config = config.clone();
                    }),
                    Err(e) => update(&|p| {
                        p.busy = None;
                        p.error = Some(e.clone());
                    }),
                }
            });
        })
    };
    let ask_publish = {
        let update = update.clone();
        Callback::from(move |_| update(&|p| p.confirming = true))
    };
    let cancel_publish = {
        let update = update.clone();
        Callback::from(move |_| update(&|p| p.confirming = false))
    };
    let on_note = {
        let update = update.clone();
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            update(&|p| p.note = v.clone())
        })
    };
    let publish_with = |force: bool| {
        let (update, select, notify) = (update.clone(), select.clone(), props.notify.clone());
        let (id, config, note) = (id.clone(), props.config.clone(), panel.note.clone());
        Callback::from(move |_| {
            let (update, select, notify) = (update.clone(), select.clone(), notify.clone());
            let (id, config, note) = (id.clone(), config.clone(), note.clone());
            spawn_local(async move {
                match call_json(publish(&id, &config, &note, force)).await {
                    Ok(answer) if answer.get("diagnostics").is_some() => update(&|p| {
                        p.confirming = false;
                        p.refused = answer["diagnostics"].as_array().cloned().unwrap_or_default();
                        p.forceable = answer["error"] == "does_not_compile";
                        p.error = Some(if p.forceable {
                            "Some expressions do not compile in Port's engine: Port stores null in those fields, and so would the worker. Nothing was published; fix them, or publish anyway.".into()
                        } else {
                            "The worker refused this configuration: nothing was published.".into()
                        });
                    }),
                    Ok(answer) => {
                        update(&|p| {
                            p.confirming = false;
                            p.note.clear();
                            p.refused.clear();
                            p.forceable = false;
                            p.error = None;
                        });
                        notify.emit(format!("Published version {} of {id}.", num(&answer, "version")));
                        select(id.clone(), false);
                    }
                    Err(e) => update(&|p| {
                        p.confirming = false;
                        p.error = Some(e.clone());
                    }),
                }
            });
        })
    };
    let confirm_publish = publish_with(false);
    let force_publish = publish_with(true);
    let load_version = |version: f64| {
        let (update, on_load, id) = (update.clone(), props.on_load.clone(), id.clone());
        Callback::from(move |_| {
            let (update, on_load, id) = (update.clone(), on_load.clone(), id.clone());
            spawn_local(async move {
                match call(version_config(&id, version)).await {
                    Ok(t) => on_load.emit((None, Some(t))),
                    Err(e) => update(&|p| p.error = Some(e.clone())),
                }
            });
        })
    };
    let roll_back = |version: f64| {
        let (update, select, notify, id) = (update.clone(), select.clone(), props.notify.clone(), id.clone());
        Callback::from(move |_| {
            let (update, select, notify, id) = (update.clone(), select.clone(), notify.clone(), id.clone());
            spawn_local(async move {
                match call_json(rollback(&id, version)).await {
                    Ok(answer) => {
                        notify.emit(format!(
                            "Rolled back {id} to version {version}: now version {}.",
                            num(&answer, "version")
                        ));
                        select(id.clone(), true);
                    }
                    Err(e) => update(&|p| p.error = Some(e.clone())),
                }
            });
        })
    };

    let refresh = {
        let (select, id) = (select.clone(), id.clone());
        Callback::from(move |_| select(id.clone(), false))
    };
    let live = panel.detail.as_ref().map(|d| num(d, "version")).unwrap_or(0.0);
    let versions = panel
        .detail
        .as_ref()
        .and_then(|d| d.get("versions"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let backtest_view = panel.backtest.as_ref().map(|b| {
        if let Some(errors) = b.get("candidateErrors").and_then(Value::as_array) {
            return html! {
                <div class="backtest-result" data-testid="backtest-result">
                    <p class="error">{ "The editor's mapping does not compile:" }</p>
                    <ul>{ for errors.iter().map(|d| html! { <li><code>{ text(d, "code") }</code>{ " " }{ text(d, "message") }</li> }) }</ul>
                </div>
            };
        }
        let ids = b.get("deliveryIds").and_then(Value::as_array).cloned().unwrap_or_default();
        let requests = b.get("requests").and_then(Value::as_array).cloned().unwrap_or_default();
        html! {
            <div class="backtest-result" data-testid="backtest-result">
                <p data-testid="backtest-summary">{ summary(b) }
                    <span class="muted">{ format!(" (mapped in {:.0} ms, fetched in {:.0} ms)", num(b, "backtestMs"), num(b, "fetchMs")) }</span></p>
                <ul class="backtest-changes">
                { for requests.iter().filter(|r| text(r, "verdict") != "unchanged").map(|r| {
                    let index = num(r, "index") as usize;
                    let delivery = ids.get(index).map(|v| v.to_string()).unwrap_or_default();
                    let entities = r.get("entities").and_then(Value::as_array).cloned().unwrap_or_default();
                    let errors = r.get("errors").and_then(Value::as_array).cloned().unwrap_or_default();
                    html! {
                        <li data-testid="backtest-change">
                            <strong>{ format!("Delivery {delivery}: {}", text(r, "verdict")) }</strong>
                            <ul>
                            { for entities.iter().map(|e| {
                                let fields = e.get("fields").and_then(Value::as_array).cloned().unwrap_or_default();
                                html! {
                                    <li>{ format!("{} {} {} ", text(e, "kind"), text(e, "blueprint"), text(e, "identifier")) }
                                        <ul>{ for fields.iter().map(|f| html! {
                                            <li data-testid="backtest-field"><code>{ text(f, "field") }</code>{ ": " }
                                                <span class="before">{ short(f.get("before")) }</span>{ " → " }
                                                <span class="after">{ short(f.get("after")) }</span></li>
                                        }) }</ul>
                                    </li>
                                }
                            }) }
                            { for errors.iter().map(|d| html! { <li class="error"><code>{ text(d, "code") }</code>{ " " }{ text(d, "message") }</li> }) }
                            </ul>
                        </li>
                    }
                }) }
                </ul>
            </div>
        }
    });

    let publish_summary = match &panel.backtest {
        Some(b) if panel.backtest_config == props.config && b.get("candidateErrors").is_none_or(Value::is_null) => {
            summary(b)
        }
        Some(_) if panel.backtest_config != props.config => {
            "The mapping changed since the last backtest: run it again to see what publishing changes.".to_owned()
        }
        _ => "No backtest was run on this mapping.".to_owned(),
    };

    html! {
        <section class="connect" data-testid="connect" aria-label="Connected worker">
            <h2>{ "Worker" }
                <select onchange={on_select} aria-label="Webhook" data-testid="webhook-select">
                    { for panel.webhooks.iter().map(|w| { let wid = text(w, "id"); html! {
                        <option value={wid.clone()} selected={wid == id}>{ format!("{} ({wid}) v{}", text(w, "title"), num(w, "version")) }</option>
                    }}) }
                </select>
                <span class="muted">{ format!(" live version {live}") }</span>
                <button type="button" onclick={do_disconnect} data-testid="disconnect">{ "Disconnect" }</button>
            </h2>
            if let Some(b) = &panel.busy { <p class="muted" data-testid="connect-busy">{ b.clone() }</p> }
            if let Some(e) = &panel.error { <p class="error" data-testid="connect-error">{ e.clone() }</p> }
            if !panel.refused.is_empty() {
                <ul class="violations" data-testid="publish-diagnostics">{ for panel.refused.iter().map(|d| html! {
                    <li><code>{ text(d, "code") }</code>{ " " }<code>{ text(d, "field") }</code>{ ": " }{ text(d, "message") }</li>
                }) }</ul>
                if panel.forceable {
                    <button type="button" onclick={force_publish} data-testid="publish-anyway">{ "Publish anyway" }</button>
                }
            }
            <h3>{ "Deliveries " }
                <button type="button" onclick={refresh} data-testid="deliveries-refresh" title="Fetch the latest deliveries and versions">{ "Refresh" }</button>
            </h3>
            <ol class="deliveries" data-testid="deliveries">
                { for panel.deliveries.iter().map(|d| html! {
                    <li data-testid="delivery-item" onclick={load_delivery(num(d, "id"))} title="Load this delivery's request into the request editor">
                        <code>{ format!("#{}", num(d, "id")) }</code>{ format!(" {} {} (v{})", text(d, "receivedAt"), text(d, "status"), text(d, "configVersion")) }
                    </li>
                }) }
                if panel.deliveries.is_empty() { <li class="muted">{ "No delivery yet." }</li> }
            </ol>
            <h3>{ "Backtest" }</h3>
            <p>
                <label>{ "Last " }<input type="number" min="1" max="500" value={panel.backtest_n.to_string()} onchange={on_n} data-testid="backtest-n" style="width: 5em"/>{ " deliveries " }</label>
                <button type="button" onclick={run_backtest} data-testid="backtest">{ "Backtest the editor's mapping" }</button>
                { " " }
                <button type="button" onclick={ask_publish} data-testid="publish">{ "Publish…" }</button>
            </p>
            { backtest_view.unwrap_or_default() }
            if panel.confirming {
                <div class="confirm" role="dialog" data-testid="publish-confirm">
                    <p>{ format!("Publish the editor's mapping as a new version of {id} (live: {live})?") }</p>
                    <p data-testid="publish-summary">{ publish_summary }</p>
                    <label>{ "Note " }<input type="text" value={panel.note.clone()} oninput={on_note} data-testid="publish-note"/></label>
                    <button type="button" onclick={confirm_publish} data-testid="publish-confirm-button">{ "Publish" }</button>
                    <button type="button" onclick={cancel_publish}>{ "Cancel" }</button>
                </div>
            }
            <h3>{ "Versions" }</h3>
            <ol class="versions" data-testid="versions">
                { for versions.iter().map(|v| { let n = num(v, "version"); html! {
                    <li data-testid="version-item">
                        <code>{ format!("v{n}") }</code>{ format!(" {} {}", text(v, "createdAt"), text(v, "note")) }
                        if n == live { <strong>{ " live" }</strong> }
                        { " " }<button type="button" onclick={load_version(n)} data-testid="version-load">{ "Load" }</button>
                        if n != live { <>{ " " }<button type="button" onclick={roll_back(n)} data-testid="version-rollback">{ "Roll back" }</button></> }
                    </li>
                }}) }
            </ol>
        </section>
    }
}
