//! Reading files and standard input through the host, with errors that name the file.

use crate::host::Out;
use mapper_core::Diagnostic;
use std::path::Path;

/// A file's bytes (`-`: standard input).
pub fn read(out: &mut Out, path: &Path) -> Result<Vec<u8>, String> {
    out.host().read(path).map_err(|e| {
        if path.as_os_str() == "-" {
            format!("cannot read standard input: {e}")
        } else {
            format!("cannot read {}: {e}", path.display())
        }
    })
}

/// A UTF-8 text file.
pub fn read_text(out: &mut Out, path: &Path) -> Result<String, String> {
    String::from_utf8(read(out, path)?).map_err(|e| {
        format!(
            "{} is not UTF-8 text: invalid byte at offset {}",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

/// Print diagnostics on standard error, each prefixed with the file they concern and, when
/// known, the line and column (`main.tf:12:7: error[...]`, as compilers write it).
pub fn report(out: &mut Out, file: &str, diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        out.err(&format!("{}: {d}", place(file, d)));
    }
}

/// `file`, or `file:line:column` for a diagnostic with a location.
pub fn place(file: &str, d: &Diagnostic) -> String {
    match d.location {
        Some(l) => format!("{file}:{}:{}", l.line, l.column),
        None => file.to_owned(),
    }
}
