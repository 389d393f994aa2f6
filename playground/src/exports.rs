//! The signature panel and the exports: entity JSON, a curl that upserts into Port, a signed
//! curl for a local worker, and the case as a `hookmap test` folder.

use crate::bridge;
use crate::examples::EXAMPLES;
use crate::model::{Inputs, Output};
use serde_json::{json, Value};
use std::rc::Rc;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Quote a string for a POSIX shell.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

fn copy_then(text: String, ok: &'static str, notify: Callback<String>) {
    spawn_local(async move {
        let copied = JsFuture::from(bridge::copy(&text))
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        notify.emit(if copied {
            ok.to_owned()
        } else {
            "The clipboard is not available here.".to_owned()
        });
    });
}

/// Properties of [`SignaturePanel`].
#[derive(Properties, PartialEq)]
pub struct SignatureProps {
    /// The secret typed so far.
    pub secret: AttrValue,
    /// Typing in the secret field.
    pub on_secret: Callback<InputEvent>,
    /// The latest answer.
    pub output: Option<Rc<Output>>,
    /// Show a message.
    pub notify: Callback<String>,
}

/// Enter the webhook secret, see whether the request's signature verifies, copy a signed curl.
#[function_component(SignaturePanel)]
pub fn signature_panel(props: &SignatureProps) -> Html {
    let url = use_state(|| "http://127.0.0.1:8787/webhooks/spacelift".to_owned());
    let on_url = {
        let url = url.clone();
        Callback::from(move |e: InputEvent| url.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let o = props.output.as_deref();
    let check = match (props.secret.is_empty(), o.and_then(|o| o.signature.as_ref())) {
        (true, _) => html! { <p class="muted">{ "Enter the webhook's secret to check the request's signature." }</p> },
        (false, Some(s)) if s.valid => {
            html! { <p class="ok" data-testid="signature-status">{ format!("✔ {} verifies with this secret.", s.header) }</p> }
        }
        (false, Some(s)) => {
            html! { <p class="error" data-testid="signature-status">{ format!("✘ {}", s.reason.clone().unwrap_or_default()) }</p> }
        }
        (false, None) => html! { <p class="muted">{ "Fix the request to check its signature." }</p> },
    };
    let curl = o
        .and_then(|o| Some((o.signed.clone()?, o.raw_body.clone()?)))
        .map(|(signed, body)| {
            format!(
                "curl -X POST {} \\\n  -H 'content-type: application/json' \\\n  -H {} \\\n  --data-binary {}",
                shell_quote(&url),
                shell_quote(&format!("{}: {}", signed.header, signed.value)),
                shell_quote(&body)
            )
        });
    let on_copy = {
        let (curl, notify) = (curl.clone(), props.notify.clone());
        Callback::from(move |_| {
            if let Some(c) = &curl {
                copy_then(c.clone(), "Signed curl copied.", notify.clone());
            }
        })
    };
    html! {
        <section class="panel" aria-label="Signature">
            <h2>{ "Signature" }</h2>
            <label>{ "Webhook secret " }
                <input type="text" value={props.secret.clone()} oninput={props.on_secret.clone()} data-testid="secret" placeholder="dev-secret" autocomplete="off" spellcheck="false"/>
            </label>
            { check }
            <label>{ "Replay against " }<input type="url" value={(*url).clone()} oninput={on_url} aria-label="Worker URL"/></label>
            <button type="button" onclick={on_copy} disabled={curl.is_none()} data-testid="copy-signed-curl">{ "Copy signed curl" }</button>
        </section>
    }
}

/// Properties of [`Exports`].
#[derive(Properties, PartialEq)]
pub struct ExportsProps {
    /// The inputs (for the downloaded case).
    pub inputs: Inputs,
    /// The latest answer.
    pub output: Option<Rc<Output>>,
    /// Show a message.
    pub notify: Callback<String>,
}

/// The Port API call for one entity.
fn port_curl(e: &Value) -> String {
    let bp = e["blueprint"].as_str().unwrap_or_default();
    let api = "https://api.getport.io/v1/blueprints";
    if e["operation"] == "delete" {
        let id = e["identifier"].as_str().unwrap_or_default();
        let dd = e["deleteDependents"].as_bool().unwrap_or(false);
        return format!(
            "curl -X DELETE {} \\\n  -H \"Authorization: Bearer $PORT_ACCESS_TOKEN\"",
            shell_quote(&format!("{api}/{bp}/entities/{id}?delete_dependents={dd}"))
        );
    }
    let mut body = e.clone();
    if let Some(o) = body.as_object_mut() {
        o.remove("operation");
    }
    format!(
        "curl -X POST {} \\\n  -H \"Authorization: Bearer $PORT_ACCESS_TOKEN\" \\\n  -H 'content-type: application/json' \\\n  -d {}",
        shell_quote(&format!("{api}/{bp}/entities?upsert=true&merge=true")),
        shell_quote(&serde_json::to_string(&body).unwrap_or_default())
    )
}

/// Copy the entities, a Port upsert curl, or download the case as a `hookmap test` folder.
#[function_component(Exports)]
pub fn exports(props: &ExportsProps) -> Html {
    let entities = props.output.as_deref().map(Output::entities).unwrap_or_default();
    let none = entities.is_empty();
    let copy_json = {
        let (text, notify) = (
            serde_json::to_string_pretty(&entities).unwrap_or_default(),
            props.notify.clone(),
        );
        Callback::from(move |_| copy_then(text.clone(), "Entity JSON copied.", notify.clone()))
    };
    let copy_curl = {
        let (text, notify) = (
            entities.iter().map(port_curl).collect::<Vec<_>>().join("\n\n"),
            props.notify.clone(),
        );
        Callback::from(move |_| {
            copy_then(
                text.clone(),
                "Port API curl copied (set $PORT_ACCESS_TOKEN).",
                notify.clone(),
            )
        })
    };
    let download = {
        let (inputs, entities) = (props.inputs.clone(), entities.clone());
        Callback::from(move |_| {
            let slug = EXAMPLES.get(inputs.example).map_or("case", |e| e.slug);
            let request = if inputs.body_only {
                let body: Value = serde_json::from_str(&inputs.request).unwrap_or(Value::Null);
                serde_json::to_string_pretty(&json!({"body": body, "headers": {}, "queryParams": {}}))
                    .unwrap_or_default()
            } else {
                inputs.request.clone()
            };
            let mut files = vec![
                json!({"name": format!("{slug}/config.json"), "text": inputs.config}),
                json!({"name": format!("{slug}/request.json"), "text": request}),
                json!({"name": format!("{slug}/expected.json"), "text": serde_json::to_string_pretty(&entities).unwrap_or_default() + "\n"}),
            ];
            if !inputs.blueprint.trim().is_empty() {
                files.push(json!({"name": format!("{slug}/blueprint.json"), "text": inputs.blueprint}));
            }
            bridge::download(&format!("{slug}.zip"), &Value::Array(files).to_string());
        })
    };
    html! {
        <section class="panel" aria-label="Export">
            <h2>{ "Export" }</h2>
            <div class="buttons">
                <button type="button" onclick={copy_json} disabled={none} data-testid="copy-entity">{ "Copy entity JSON" }</button>
                <button type="button" onclick={copy_curl} disabled={none} data-testid="copy-port-curl">{ "Copy Port API curl" }</button>
                <button type="button" onclick={download} data-testid="download-case">{ "Download as hookmap test case" }</button>
            </div>
            <p class="muted">{ "The case folder runs with " }<code>{ "hookmap test" }</code>{ " in your CI, no Port account needed." }</p>
        </section>
    }
}
