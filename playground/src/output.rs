//! The output column: entities, diagnostics, blueprint validation, the per-field view, the
//! signature panel and the exports.

use crate::model::{Diagnostic, FieldOutcome, FieldTrace, Output, Pane, Severity, Status};
use serde_json::Value;
use std::rc::Rc;
use yew::prelude::*;

/// Properties of [`Diagnostics`].
#[derive(Properties, PartialEq)]
pub struct DiagnosticsProps {
    /// Every diagnostic, with the pane it belongs to.
    pub items: Rc<Vec<(Pane, Diagnostic)>>,
    /// Reveal one in its editor.
    pub on_reveal: Callback<(Pane, Diagnostic)>,
}

/// The diagnostics list; each entry selects its place in the editor.
#[function_component(Diagnostics)]
pub fn diagnostics(props: &DiagnosticsProps) -> Html {
    if props.items.is_empty() {
        return html! { <p class="muted" data-testid="diagnostics">{ "No diagnostics: Port would store exactly this." }</p> };
    }
    html! {
        <ul class="diagnostics" data-testid="diagnostics">
            { for props.items.iter().cloned().map(|(pane, d)| {
                let on_reveal = props.on_reveal.clone();
                let item = d.item.map(|i| format!(" (item {i})")).unwrap_or_default();
                let sev = severity_class(d.severity);
                let (d_field, d_message, code) = (d.field.clone(), d.message.clone(), d.code);
                let onclick = Callback::from(move |_| on_reveal.emit((pane, d.clone())));
                html! {
                    <li class={classes!("diag", sev)}>
                        <button type="button" {onclick} title="Show in the editor">
                            <span class="sev">{ sev }</span>
                            <code class="code" title={code.meaning()}>{ code.as_str() }</code>
                            <code class="field">{ format!("{}{item}", d_field) }</code>
                            <span class="msg">{ d_message }</span>
                        </button>
                    </li>
                }
            }) }
        </ul>
    }
}

/// One row of the per-field view.
#[derive(Properties, PartialEq)]
pub struct FieldsProps {
    /// The evaluated fields.
    pub fields: Rc<Vec<FieldTrace>>,
    /// Diagnostics, matched to rows by field and item.
    pub diagnostics: Rc<Vec<(Pane, Diagnostic)>>,
}

/// The per-field view: field, expression, value, diagnostic.
#[function_component(Fields)]
pub fn fields(props: &FieldsProps) -> Html {
    if props.fields.is_empty() {
        return html! { <p class="muted">{ "No field was evaluated." }</p> };
    }
    html! {
        <div class="table-wrap">
        <table class="fields" data-testid="fields">
            <thead><tr><th>{ "field" }</th><th>{ "expression" }</th><th>{ "value" }</th><th>{ "diagnostic" }</th></tr></thead>
            <tbody>
            { for props.fields.iter().map(|f| {
                let notes: Vec<&Diagnostic> = props.diagnostics.iter().map(|(_, d)| d).filter(|d| d.field == f.field && d.item == f.item).collect();
                // A null value is stored as null; no output leaves the key out of the entity.
                let value = match &f.outcome {
                    FieldOutcome::Value { value } => html! { <code data-testid="field-value">{ compact(value) }</code> },
                    FieldOutcome::NoOutput => html! { <span class="muted" data-testid="field-value">{ "no output: the key is left out" }</span> },
                    FieldOutcome::Error { message } => html! { <span class="error" data-testid="field-value">{ format!("error: {message} (Port stores null)") }</span> },
                    FieldOutcome::NotCompiled { message } => html! { <span class="error" data-testid="field-value">{ format!("does not compile in Port's engine: {message} (Port stores null)") }</span> },
                    FieldOutcome::Limit { message } => html! { <span class="error" data-testid="field-value">{ message.clone() }</span> },
                };
                let short = f.field.splitn(2, '.').nth(1).unwrap_or(&f.field).to_owned();
                html! {
                    <tr>
                        <td><code>{ format!("{}{}", short, f.item.map(|i| format!(" [item {i}]")).unwrap_or_default()) }</code></td>
                        <td><code>{ f.expression.clone() }</code></td>
                        <td>{ value }</td>
                        <td>{ for notes.iter().map(|d| html! { <div class={severity_class(d.severity)}>{ d.message.clone() }</div> }) }</td>
                    </tr>
                }
            }) }
            </tbody>
        </table>
        </div>
    }
}

/// The CSS class (and label) of a severity.
fn severity_class(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Hint => "hint",
    }
}

/// A value as one line of JSON.
pub fn compact(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// The status line: running, how long the last evaluation took, or why it was stopped.
pub fn status_line(status: &Status, output: Option<&Output>) -> Html {
    let text = match (status, output) {
        (Status::Idle, _) => "Loading the engine…".to_owned(),
        (Status::Running, _) => "Evaluating…".to_owned(),
        (Status::Stopped(msg), _) => msg.clone(),
        (Status::Done, Some(o)) => match &o.fatal {
            Some(f) => format!("The engine failed: {f}"),
            None => format!("Evaluated in {:.1} ms", o.elapsed_ms),
        },
        (Status::Done, None) => String::new(),
    };
    let class = if matches!(status, Status::Stopped(_)) {
        "status stopped"
    } else {
        "status"
    };
    html! { <p class={class} data-testid="status" role="status" aria-live="polite">{ text }</p> }
}

/// The result text (the entities as pretty JSON, exactly as `serde_json` writes it) in pieces,
/// each flagged when it is an entity field whose value changed since `before` (the entity at
/// the same place of the previous result): `identifier`, `title`, each property and relation.
pub fn result_pieces(now: &[Value], before: Option<&[Value]>) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = Vec::new();
    let mut push = |s: &str, changed: bool| match out.last_mut() {
        Some(last) if last.1 == changed && !changed => last.0.push_str(s),
        _ => out.push((s.to_owned(), changed)),
    };
    if now.is_empty() {
        push("[]", false);
        return out;
    }
    push("[\n", false);
    for (i, e) in now.iter().enumerate() {
        push("  ", false);
        // Only an entity that was there before has changed fields.
        let prev = before.map(|b| b.get(i).unwrap_or(&Value::Null));
        object(e, prev, 1, true, &mut push);
        push(if i + 1 < now.len() { ",\n" } else { "\n" }, false);
    }
    push("]", false);
    out
}

fn indented(v: &Value, level: usize) -> String {
    serde_json::to_string_pretty(v)
        .unwrap_or_default()
        .replace('\n', &format!("\n{}", "  ".repeat(level)))
}

/// An object at indentation `level`; with `fields`, `properties` and `relations` are opened so
/// that each of their entries is compared on its own.
fn object(v: &Value, prev: Option<&Value>, level: usize, fields: bool, push: &mut impl FnMut(&str, bool)) {
    let Value::Object(m) = v else {
        push(&indented(v, level), false);
        return;
    };
    if m.is_empty() {
        push("{}", false);
        return;
    }
    push("{\n", false);
    let pad = "  ".repeat(level + 1);
    for (j, (k, val)) in m.iter().enumerate() {
        let before = prev.map(|p| p.get(k));
        let key = format!("{pad}{}: ", serde_json::to_string(k).unwrap_or_default());
        if fields && (k == "properties" || k == "relations") && val.is_object() {
            push(&key, false);
            object(val, before.map(|b| b.unwrap_or(&Value::Null)), level + 1, false, push);
        } else {
            let changed = before.is_some_and(|b| b != Some(val));
            push(&pad, false);
            push(&format!("{}{}", &key[pad.len()..], indented(val, level + 1)), changed);
        }
        push(if j + 1 < m.len() { ",\n" } else { "\n" }, false);
    }
    push(&format!("{}}}", "  ".repeat(level)), false);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text(pieces: &[(String, bool)]) -> String {
        pieces.iter().map(|(t, _)| t.as_str()).collect()
    }

    fn changed(pieces: &[(String, bool)]) -> Vec<&str> {
        pieces.iter().filter(|(_, c)| *c).map(|(t, _)| t.as_str()).collect()
    }

    #[test]
    fn the_pieces_are_the_pretty_json_and_only_changed_fields_are_flagged() {
        let before =
            vec![json!({"identifier": "a", "properties": {"x": 1, "labels": ["n"], "same": true}, "relations": {}})];
        let now = vec![
            json!({"identifier": "a", "properties": {"x": 2, "labels": ["n", "m"], "same": true, "new": null}, "relations": {}}),
            json!({"identifier": "b", "properties": {}}),
        ];
        let pieces = result_pieces(&now, Some(&before));
        assert_eq!(text(&pieces), serde_json::to_string_pretty(&now).unwrap());
        assert_eq!(
            changed(&pieces),
            [
                "\"x\": 2",
                "\"labels\": [\n        \"n\",\n        \"m\"\n      ]",
                "\"new\": null",
                "\"identifier\": \"b\"",
            ]
        );
        // The first result: nothing to compare with.
        let first = result_pieces(&now, None);
        assert_eq!(text(&first), serde_json::to_string_pretty(&now).unwrap());
        assert!(changed(&first).is_empty());
        assert_eq!(text(&result_pieces(&[], Some(&before))), "[]");
    }
}
