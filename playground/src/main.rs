//! The hookmap playground: paste a webhook payload and a Port mapping, see the entity Port would
//! store as you type, with every problem pointed out at its place. Yew (CSR); the engine runs in
//! a Web Worker with the npm package's wasm module (see `playground/js/`).

mod bridge;
mod connect;
mod editor;
mod examples;
mod exports;
mod model;
mod output;
mod persist;
mod scaffold;
mod schedule;

use editor::{Editor, EditorIds};
use examples::EXAMPLES;
use model::{Action, Diagnostic, Output, Pane, State, Status};
use output::{status_line, Diagnostics, Fields};
use serde::Serialize;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// What the evaluation worker receives.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EvalInput<'a> {
    request: &'a str,
    config: &'a str,
    blueprint: &'a str,
    body_only: bool,
    strict: bool,
    secret: &'a str,
}

#[function_component(App)]
fn app() -> Html {
    let state = use_reducer(State::default);
    let ids = use_memo((), |_| EditorIds::default());
    let debounce = use_mut_ref(|| None::<gloo_timers::callback::Timeout>);

    // Start the worker and restore the last state (share link first, then localStorage).
    {
        let state = state.clone();
        use_effect_with((), move |_| {
            let (on_result, on_status) = (state.clone(), state.clone());
            let result =
                Closure::<dyn Fn(String)>::new(move |json: String| match serde_json::from_str::<Output>(&json) {
                    Ok(o) => on_result.dispatch(Action::Result(Rc::new(o))),
                    Err(e) => on_result.dispatch(Action::Status(Status::Stopped(format!(
                        "Unreadable answer from the engine: {e}"
                    )))),
                });
            let status = Closure::<dyn Fn(String, String)>::new(move |kind: String, message: String| {
                on_status.dispatch(Action::Status(match kind.as_str() {
                    "running" => Status::Running,
                    _ => Status::Stopped(message),
                }))
            });
            let schedule = schedule::schedule(schedule::watchdog_param().as_deref());
            bridge::start_evaluator(
                "assets/eval-worker.js",
                result.as_ref().unchecked_ref(),
                status.as_ref().unchecked_ref(),
                &bridge::to_js(&schedule),
            );
            result.forget();
            status.forget();
            persist::restore(state.dispatcher());
            persist::apply_theme(persist::saved_theme());
        });
    }

    // Evaluate and persist whenever the inputs change: at once while evaluations are fast,
    // debounced when the last one was slow (a big payload, a heavy program).
    {
        let debounce = debounce.clone();
        let last_ms = state.output.as_ref().map(|o| o.elapsed_ms);
        use_effect_with(state.inputs.clone(), move |inputs| {
            let input = serde_json::to_string(&EvalInput {
                request: &inputs.request,
                config: &inputs.config,
                blueprint: &inputs.blueprint,
                body_only: inputs.body_only,
                strict: inputs.strict,
                secret: &inputs.secret,
            })
            .unwrap_or_default();
            let saved = inputs.clone();
            if last_ms.is_some_and(|ms| ms <= schedule::FAST_MS) {
                *debounce.borrow_mut() = None;
                bridge::evaluate(&input);
                // The share link follows at once too (saves in flight are coalesced).
                persist::save(&saved);
            } else {
                *debounce.borrow_mut() = Some(gloo_timers::callback::Timeout::new(schedule::DEBOUNCE_MS, move || {
                    bridge::evaluate(&input);
                    persist::save(&saved);
                }));
            }
        });
    }

    let output = state.output.clone();
    let diags: Rc<Vec<(Pane, Diagnostic)>> = Rc::new(output.as_deref().map(Output::diagnostics).unwrap_or_default());
    let pane_diags = |pane: Pane| {
        Rc::new(
            diags
                .iter()
                .filter(|(p, _)| *p == pane)
                .map(|(_, d)| d.clone())
                .collect::<Vec<_>>(),
        )
    };
    let on_edit = |pane: Pane| {
        let state = state.clone();
        Callback::from(move |t: String| state.dispatch(Action::Edit(pane, t)))
    };
    let on_reveal = {
        let ids = ids.clone();
        Callback::from(move |(pane, d): (Pane, Diagnostic)| {
            if let Some(id) = ids.get(pane) {
                bridge::reveal(id, &bridge::to_js(&d));
            }
        })
    };
    let on_example = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let i: usize = e
                .target_unchecked_into::<HtmlSelectElement>()
                .value()
                .parse()
                .unwrap_or(0);
            state.dispatch(Action::Example(i));
        })
    };
    let toggle = |make: fn(bool) -> Action| {
        let state = state.clone();
        Callback::from(move |e: Event| state.dispatch(make(e.target_unchecked_into::<HtmlInputElement>().checked())))
    };
    let on_secret = {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            state.dispatch(Action::Secret(e.target_unchecked_into::<HtmlInputElement>().value()))
        })
    };
    let on_reset = {
        let state = state.clone();
        Callback::from(move |_| {
            persist::clear();
            state.dispatch(Action::Reset)
        })
    };
    let notify = {
        let state = state.clone();
        Callback::from(move |msg: String| state.dispatch(Action::Notice(Some(msg))))
    };
    let on_share = {
        let (inputs, notify) = (state.inputs.clone(), notify.clone());
        Callback::from(move |_| persist::copy_share_link(inputs.clone(), notify.clone()))
    };
    // The connected panel (connect.rs) loads a delivery's request or a version into the editors.
    let on_connected_load = {
        let state = state.clone();
        Callback::from(move |(request, config): (Option<String>, Option<String>)| {
            let mut inputs = state.inputs.clone();
            if let Some(r) = request {
                inputs.request = r;
                inputs.body_only = false;
            }
            if let Some(c) = config {
                inputs.config = c;
            }
            state.dispatch(Action::Load(inputs));
        })
    };
    let on_path = {
        let state = state.clone();
        Callback::from(move |steps: Vec<serde_json::Value>| state.dispatch(Action::Clicked(steps)))
    };
    let on_copy_path = {
        let (path, notify) = (state.path.clone(), notify.clone());
        Callback::from(move |_| {
            let (path, notify) = (path.clone().unwrap_or_default(), notify.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let copied = wasm_bindgen_futures::JsFuture::from(bridge::copy(&path))
                    .await
                    .ok()
                    .and_then(|v| v.as_bool())
                    .unwrap_or(false);
                notify.emit(if copied {
                    format!("Copied {path}")
                } else {
                    format!("Could not copy {path}")
                });
            });
        })
    };
    let on_insert_path = {
        let (path, ids) = (state.path.clone(), ids.clone());
        Callback::from(move |_| {
            if let (Some(p), Some(id)) = (&path, ids.get(Pane::Mapping)) {
                bridge::insert_at_cursor(id, &model::in_json_string(p));
            }
        })
    };
    let on_scaffold = {
        let (inputs, ids, notify) = (state.inputs.clone(), ids.clone(), notify.clone());
        Callback::from(move |_| {
            let Some(id) = ids.get(Pane::Mapping) else { return };
            let blueprint = match scaffold::precheck(&inputs.blueprint) {
                Ok(b) => b,
                Err(message) => return notify.emit(message),
            };
            let input = serde_json::json!({
                "blueprint": blueprint,
                "request": inputs.request,
                "bodyOnly": inputs.body_only,
            })
            .to_string();
            let (notify, config) = (notify.clone(), inputs.config.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let answer = wasm_bindgen_futures::JsFuture::from(bridge::ask("scaffold", &input))
                    .await
                    .ok()
                    .and_then(|v| v.as_string())
                    .and_then(|json| serde_json::from_str::<scaffold::Answer>(&json).ok());
                let Some(answer) = answer else {
                    return notify.emit("Could not propose a mapping.".into());
                };
                let (text, message) = scaffold::apply(&config, &answer);
                if let Some(text) = text {
                    // One undoable edit of the mapping editor; its change event updates the state.
                    bridge::replace_text(id, &text);
                }
                notify.emit(message);
            });
        })
    };
    let on_theme =
        Callback::from(|_| persist::apply_theme(Some(if persist::is_dark() { "light" } else { "dark" }.to_owned())));

    let entities = output.as_deref().map(Output::entities).unwrap_or_default();
    let before = state.previous.as_deref().map(Output::entities);
    let result = output::result_pieces(&entities, before.as_deref());
    let violations: Vec<Diagnostic> = diags
        .iter()
        .map(|(_, d)| d.clone())
        .filter(|d| d.code.is_blueprint_violation())
        .collect();
    let inputs = &state.inputs;

    html! {
        <>
        <header class="toolbar">
            <h1>{ "hookmap" }<span class="muted">{ " playground" }</span></h1>
            <label>{ "Example " }
                <select onchange={on_example} aria-label="Examples" data-testid="examples">
                    { for EXAMPLES.iter().enumerate().map(|(i, e)| html! {
                        <option value={i.to_string()} selected={i == inputs.example}>{ e.name }</option>
                    }) }
                </select>
            </label>
            <label><input type="checkbox" checked={inputs.body_only} onchange={toggle(Action::BodyOnly)} data-testid="body-only"/>{ " body only" }</label>
            <label title="Port mode stores null for errors and keeps going; strict makes every silent case an error">
                <input type="checkbox" checked={inputs.strict} onchange={toggle(Action::Strict)} data-testid="strict"/>{ " strict (Port mode when off)" }
            </label>
            <span class="spacer"></span>
            <button type="button" onclick={on_share} data-testid="share">{ "Copy share link" }</button>
            <button type="button" onclick={on_theme} data-testid="theme" aria-label="Toggle dark mode">{ "◐ Theme" }</button>
            <button type="button" onclick={on_reset} data-testid="reset">{ "Reset" }</button>
        </header>
        if let Some(n) = &state.notice { <p class="notice" role="status">{ n.clone() }</p> }
        <main class="layout">
            <section class="inputs" aria-label="Inputs">
                <h2>{ if inputs.body_only { "Request body" } else { "Request {body, headers, queryParams}" } }</h2>
                <Editor pane={Pane::Request} testid="request-editor" label="Request JSON" text={inputs.request.clone()} revision={state.revision}
                    on_change={on_edit(Pane::Request)} diagnostics={pane_diags(Pane::Request)} ids={ids.clone()} on_path={on_path} />
                <div class="path-bar" data-testid="path-bar">
                    { match &state.path {
                        Some(p) => html! { <>
                            <code data-testid="path">{ p.clone() }</code>
                            <button type="button" onclick={on_copy_path} data-testid="copy-path">{ "Copy" }</button>
                            <button type="button" onclick={on_insert_path} data-testid="insert-path"
                                title="Insert at the mapping editor's cursor (escaped for its JSON string)">{ "Insert into mapping" }</button>
                        </> },
                        None => html! { <span class="muted" data-testid="path">{ "Click a key or value of the request to see its jq path." }</span> },
                    } }
                </div>
                <div class="pane-title">
                    <h2>{ "Webhook configuration (mapping)" }</h2>
                    <button type="button" onclick={on_scaffold} data-testid="scaffold"
                        title="Propose a mapping for the blueprint from the request (undo with Ctrl+Z)">{ "Scaffold from blueprint" }</button>
                </div>
                <Editor pane={Pane::Mapping} testid="mapping-editor" label="Webhook configuration JSON" text={inputs.config.clone()} revision={state.revision}
                    on_change={on_edit(Pane::Mapping)} diagnostics={pane_diags(Pane::Mapping)} ids={ids.clone()} traced=true />
                <h2>{ "Blueprint (optional)" }</h2>
                <Editor pane={Pane::Blueprint} testid="blueprint-editor" label="Blueprint JSON" text={inputs.blueprint.clone()} revision={state.revision}
                    on_change={on_edit(Pane::Blueprint)} diagnostics={pane_diags(Pane::Blueprint)} ids={ids.clone()} />
            </section>
            <section class="outputs" aria-label="Results">
                <connect::Connect config={inputs.config.clone()} on_load={on_connected_load} notify={notify.clone()} />
                { status_line(&state.status, output.as_deref()) }
                <h2>{ format!("Entities ({})", entities.len()) }</h2>
                <pre class="result" data-testid="result">{ for result.into_iter().map(|(text, changed)| if changed {
                    html! { <mark class="changed" data-testid="changed" title="Changed since the previous result">{ text }</mark> }
                } else {
                    html! { { text } }
                }) }</pre>
                <h2>{ format!("Diagnostics ({})", diags.len()) }</h2>
                <Diagnostics items={diags.clone()} on_reveal={on_reveal} />
                <h2>{ "Blueprint validation" }</h2>
                <div data-testid="blueprint-validation">
                { if inputs.blueprint.trim().is_empty() {
                    html! { <p class="muted">{ "No blueprint: paste one to check entities as Port's API would." }</p> }
                } else if violations.is_empty() {
                    html! { <p class="ok">{ "Every entity satisfies the blueprint." }</p> }
                } else {
                    html! { <ul class="violations">{ for violations.iter().map(|d| html! {
                        <li><code>{ d.field.clone() }</code>{ ": " }{ d.message.clone() }</li>
                    }) }</ul> }
                } }
                </div>
                <h2>{ "Fields" }</h2>
                <Fields fields={Rc::new(output.as_deref().map(|o| o.fields.clone()).unwrap_or_default())} diagnostics={diags.clone()} />
                <exports::SignaturePanel secret={inputs.secret.clone()} on_secret={on_secret} output={output.clone()} notify={notify.clone()} />
                <exports::Exports inputs={inputs.clone()} output={output.clone()} notify={notify} />
            </section>
        </main>
        </>
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
