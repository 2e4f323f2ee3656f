//! Builds `../runtime` for wasm with its `next-version` feature. The blob lands beside the
//! runtime's own, as `$CARGO_TARGET_DIR/release/wbuild/alstranet-runtime/
//! alstranet_runtime_next.compact.compressed.wasm` (the wasm project folder is shared: only the
//! runtime crate itself is compiled again, with the feature).
fn main() {
	// Lexically, not `../runtime`: wasm-builder looks the manifest path up verbatim in `cargo
	// metadata`, and canonicalizing would resolve the build root's symlink (see scripts/env.sh).
	let workspace = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("runtime-next/ is in the workspace");
	let runtime = workspace.join("runtime/Cargo.toml");
	polkadot_sdk::substrate_wasm_builder::WasmBuilder::new()
		.with_project(runtime)
		.expect("../runtime/Cargo.toml exists")
		.enable_feature("next-version")
		.set_file_name("alstranet_runtime_next")
		.build();
}
