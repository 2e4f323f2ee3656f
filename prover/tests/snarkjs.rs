//! A proof made by alstra-prover verifies with snarkjs (an independent Groth16 verifier), through
//! the exported `verification_key.json`, `proof.json` and `public.json`; a tampered public
//! signal is rejected. Needs `npm ci` in `contracts/` (snarkjs is a devDependency there).

use alstra_prover::{export, groth, state::Params, scenario::Walk};
use std::path::PathBuf;
use std::process::Command;

fn snarkjs() -> PathBuf {
    // Read at run time, not with env!(): the shared target dir may hold this test binary from
    // another checkout, and cargo does not rebuild it for a new manifest path.
    let p = std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo test sets CARGO_MANIFEST_DIR")).join("../contracts/node_modules/snarkjs/build/cli.cjs");
    assert!(p.exists(), "snarkjs missing: run `npm ci` in contracts/ ({})", p.display());
    p
}

fn snarkjs_verify(dir: &std::path::Path) -> (bool, String) {
    let out = Command::new("node")
        .arg(snarkjs())
        .args(["groth16", "verify", "verification_key.json", "public.json", "proof.json"])
        .current_dir(dir)
        .output()
        .expect("node runs");
    let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success() && text.contains("OK!"), text)
}

#[test]
fn snarkjs_accepts_our_proof_and_rejects_tampered_signals() {
    let params = Params { state_depth: 4, defs_depth: 6, batch_size: 1 };
    let (pk, vk) = groth::setup_insecure(params, 1).unwrap();
    let batch = Walk::new(params, 2).batch(params, 1).unwrap();
    let proof = groth::prove(&pk, &batch, groth::ProofRandomness::Seeded(3)).unwrap();
    assert!(groth::verify(&vk, &batch.public_inputs(), &proof).unwrap());

    let dir = std::env::temp_dir().join(format!("alstra-snarkjs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let w = |name: &str, v: serde_json::Value| std::fs::write(dir.join(name), serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    w("verification_key.json", export::snarkjs_vk(&vk));
    w("proof.json", export::snarkjs_proof(&proof));
    w("public.json", export::snarkjs_public(&batch.public_inputs()));
    let (ok, text) = snarkjs_verify(&dir);
    assert!(ok, "snarkjs must accept the proof: {text}");

    let mut bad = batch.public_inputs();
    bad[1] += ark_bn254::Fr::from(1u64);
    w("public.json", export::snarkjs_public(&bad));
    let (ok, text) = snarkjs_verify(&dir);
    assert!(!ok, "snarkjs must reject a wrong new root: {text}");
    std::fs::remove_dir_all(&dir).ok();
}
