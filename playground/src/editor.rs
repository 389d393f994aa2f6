//! A CodeMirror editor pane: created once, reloaded when the inputs are replaced, underlining
//! its diagnostics.

use crate::bridge;
use crate::model::{Diagnostic, Pane};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

/// Editor ids by pane, so diagnostics elsewhere on the page can reveal their place.
#[derive(Default)]
pub struct EditorIds {
    ids: RefCell<[Option<u32>; 3]>,
}

impl EditorIds {
    fn slot(pane: Pane) -> usize {
        match pane {
            Pane::Request => 0,
            Pane::Mapping => 1,
            Pane::Blueprint => 2,
        }
    }

    /// The editor of a pane, once created.
    pub fn get(&self, pane: Pane) -> Option<u32> {
        self.ids.borrow()[Self::slot(pane)]
    }

    fn set(&self, pane: Pane, id: u32) {
        self.ids.borrow_mut()[Self::slot(pane)] = Some(id);
    }
}

impl PartialEq for EditorIds {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

/// Properties of [`Editor`].
#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// Which pane.
    pub pane: Pane,
    /// `data-testid` of the editor element.
    pub testid: AttrValue,
    /// Accessible label.
    pub label: AttrValue,
    /// The text to show after a reload.
    pub text: AttrValue,
    /// Changes when the text must be reloaded.
    pub revision: u64,
    /// Called with the new text on every edit.
    pub on_change: Callback<String>,
    /// Diagnostics to underline.
    pub diagnostics: Rc<Vec<Diagnostic>>,
    /// Shared editor ids.
    pub ids: Rc<EditorIds>,
    /// Called with the path (keys and indexes) of each value clicked, when given.
    #[prop_or_default]
    pub on_path: Option<Callback<Vec<serde_json::Value>>>,
    /// Hovering a jq string shows its value in the latest evaluation (the mapping editor).
    #[prop_or_default]
    pub traced: bool,
}

/// A JSON editor with line numbers, highlighting and error underlines.
#[function_component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let node = use_node_ref();
    let id = use_mut_ref(|| None::<u32>);
    {
        let (node, id, ids, pane) = (node.clone(), id.clone(), props.ids.clone(), props.pane);
        let (text, label, on_change) = (props.text.clone(), props.label.clone(), props.on_change.clone());
        let (on_path, traced) = (props.on_path.clone(), props.traced);
        use_effect_with((), move |_| {
            if let Some(el) = node.cast::<web_sys::HtmlElement>() {
                let cb = Closure::<dyn Fn(String)>::new(move |t: String| on_change.emit(t));
                let path_cb = on_path.map(|on_path| {
                    Closure::<dyn Fn(String)>::new(move |steps: String| {
                        if let Ok(steps) = serde_json::from_str(&steps) {
                            on_path.emit(steps);
                        }
                    })
                });
                let path_js: JsValue = path_cb.as_ref().map_or(JsValue::NULL, |c| c.as_ref().clone());
                let created = bridge::create_editor(&el, &text, &label, cb.as_ref().unchecked_ref(), &path_js, traced);
                cb.forget(); // lives as long as the editor, i.e. the page
                if let Some(c) = path_cb {
                    c.forget();
                }
                *id.borrow_mut() = Some(created);
                ids.set(pane, created);
            }
        });
    }
    {
        let (id, text) = (id.clone(), props.text.clone());
        use_effect_with(props.revision, move |_| {
            if let Some(i) = *id.borrow() {
                bridge::set_text(i, &text);
            }
        });
    }
    {
        let id = id.clone();
        use_effect_with(props.diagnostics.clone(), move |d| {
            if let Some(i) = *id.borrow() {
                bridge::show_diagnostics(i, &bridge::to_js(&**d));
            }
        });
    }
    html! { <div class="editor" data-testid={props.testid.clone()} ref={node}></div> }
}
