//! Mapping test cases: folders holding `config.json`, `request.json`, `expected.json` (the
//! expected entities) and optionally `blueprint.json` -- what `hookmap test` runs.

use mapper_core::diff::diff;
use mapper_core::{Blueprint, Mapper, MapperOptions, Request};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Find case folders: `dir` itself when it holds `config.json`, else its sub-folders that do.
pub fn cases(dir: &Path) -> Result<Vec<PathBuf>, String> {
    if dir.join("config.json").is_file() {
        return Ok(vec![dir.to_path_buf()]);
    }
    let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("config.json").is_file())
        .collect();
    found.sort();
    if found.is_empty() {
        return Err(format!(
            "{} holds no test case (a folder with config.json, request.json and expected.json)",
            dir.display()
        ));
    }
    Ok(found)
}

fn json_file(path: &Path) -> Result<Value, String> {
    let text = read_text(path)?;
    serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}: invalid JSON at line {}, column {}: {e}",
            path.display(),
            e.line(),
            e.column()
        )
    })
}

fn one_err<T>(r: Result<T, String>) -> Result<T, Vec<String>> {
    r.map_err(|e| vec![e])
}

/// Run one case; `Ok(())` when the entities equal `expected.json`, else the failure lines.
pub fn run_case(dir: &Path) -> Result<(), Vec<String>> {
    let mut options = MapperOptions::default();
    let bp = dir.join("blueprint.json");
    if bp.is_file() {
        let text = one_err(read_text(&bp))?;
        options.blueprints.push(
            Blueprint::from_json(&text)
                .map_err(|d| d.iter().map(|d| format!("blueprint.json: {d}")).collect::<Vec<_>>())?,
        );
    }
    let config = one_err(read_text(&dir.join("config.json")))?;
    let mapper = Mapper::from_json(&config, options).map_err(|e| {
        e.diagnostics()
            .iter()
            .map(|d| format!("config.json: {d}"))
            .collect::<Vec<_>>()
    })?;
    let request = one_err(read_text(&dir.join("request.json")))?;
    let request = Request::from_json(request.as_bytes()).map_err(|e| {
        e.diagnostics()
            .iter()
            .map(|d| format!("request.json: {d}"))
            .collect::<Vec<_>>()
    })?;
    let expected = one_err(json_file(&dir.join("expected.json")))?;
    let result = mapper.map(&request);
    let actual = serde_json::to_value(&result.entities).expect("entities serialise");
    let differences = diff(&expected, &actual);
    if differences.is_empty() {
        Ok(())
    } else {
        let mut lines = differences;
        lines.extend(
            result
                .diagnostics
                .iter()
                .filter(|d| d.is_error())
                .map(|d| format!("diagnostic: {d}")),
        );
        Err(lines)
    }
}

fn read_text(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}
