//! `hookmap test`: mapping unit tests from case folders.

use hookmap_cli::testcase::{cases, run_case};
use std::path::PathBuf;

/// Run `hookmap test`: a line per case, a JSON diff per failure, and a closing count.
pub fn run(dirs: &[PathBuf]) -> u8 {
    let (mut passed, mut failed) = (0, 0);
    for dir in dirs {
        let found = match cases(dir) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("hookmap: {e}");
                failed += 1;
                continue;
            }
        };
        for case in found {
            match run_case(&case) {
                Ok(()) => {
                    passed += 1;
                    println!("PASS {}", case.display());
                }
                Err(lines) => {
                    failed += 1;
                    println!("FAIL {}", case.display());
                    for l in lines {
                        println!("    {l}");
                    }
                }
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    u8::from(failed > 0)
}
