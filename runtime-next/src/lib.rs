//! The AlstraNet runtime built with `spec_version + 1` (its `next-version` feature): the wasm
//! blob that the runtime-upgrade tests apply to a running chain by a council motion
//! (`tests/e2e/test/upgrade.test.js`), as a consortium would apply its next release.
//!
//! [`WASM_BINARY`] is the compressed blob that `system.applyAuthorizedUpgrade` takes; the
//! file is `$CARGO_TARGET_DIR/release/wbuild/alstranet-runtime/alstranet_runtime_next.compact.compressed.wasm`.
#![no_std]

include!(concat!(env!("OUT_DIR"), "/alstranet_runtime_next"));
