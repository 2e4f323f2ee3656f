//! Writes the files generated from the BPM core into the repository: the Solidity constants
//! (`contracts/bpm/src/generated/BpmCore.sol`) and the conformance vectors
//! (`contracts/bpm/test/vectors/*.json`). Run from anywhere:
//!
//! ```sh
//! cargo run -p alstra-bpm-core --bin alstra-bpm-core-gen
//! ```
//!
//! `cargo test -p alstra-bpm-core` fails while a committed file differs from what this writes.

use alstra_bpm_core::generated_files;
use std::path::Path;

fn main() -> std::io::Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for (path, text) in generated_files() {
        let file = root.join(path);
        std::fs::create_dir_all(file.parent().expect("a file path has a parent"))?;
        std::fs::write(&file, text)?;
        println!("wrote {path}");
    }
    Ok(())
}
