//! The committed generated files match the core: a kind, opcode, limit or condition rule changed
//! in the core without regenerating fails here (and, once regenerated, in `forge`).

use std::path::Path;

#[test]
fn committed_generated_files_match_the_core() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut drifted = Vec::new();
    for (path, text) in alstra_bpm_core::generated_files() {
        match std::fs::read_to_string(root.join(path)) {
            Ok(committed) if committed == text => {}
            Ok(_) => drifted.push(format!("{path} differs")),
            Err(e) => drifted.push(format!("{path}: {e}")),
        }
    }
    assert!(
        drifted.is_empty(),
        "generated files drifted from the core: {drifted:?}; run `cargo run -p alstra-bpm-core --bin alstra-bpm-core-gen` and commit"
    );
}
