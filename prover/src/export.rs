//! Export for Ethereum tooling: snarkjs JSON (`verification_key.json`, `proof.json`,
//! `public.json`) and a Solidity Groth16 verifier.
//!
//! **Coordinates.** snarkjs JSON writes G1 points as `[x, y, "1"]` and G2 points as
//! `[[x.c0, x.c1], [y.c0, y.c1], ["1", "0"]]` (real part first), all decimal strings. The EVM
//! pairing precompile (EIP-197, address `0x08`) and the Solidity calldata take Fq2 elements
//! **imaginary part first** (`x.c1, x.c0`): [`solidity_calldata`] and the verifier constants
//! use that order. Fq12 (`vk_alphabeta_12`) is `[[c0.c0, c0.c1, c0.c2], [c1.c0, c1.c1, c1.c2]]`
//! with each Fq2 as `[c0, c1]` (the arkworks and ffjavascript towers are the same).
//!
//! **Solidity verifier.** `contracts/l1/src/Groth16Verifier.sol` is our own verifier, written
//! once, following the structure of snarkjs's `verifier_groth16.sol` (same `verifyProof(uint[2],
//! uint[2][2], uint[2], uint[5])` ABI, EIP-196 `ecAdd` 0x06 / `ecMul` 0x07 for the public-input
//! accumulation, EIP-197 pairing 0x08 for `e(-A,B)·e(α,β)·e(vk_x,γ)·e(C,δ) = 1`), with the
//! verifying key a constructor argument ([`solidity_vk`]). [`solidity_verifier`] generates a
//! `Verifier.sol` that builds one key in. (The maintained generator crate `taceo-groth16-sol`
//! depends on arkworks 0.6, this crate on 0.5.)

use crate::state::fr_to_dec;
use ark_bn254::{Bn254, Fq, Fq2, G1Affine, G2Affine};
use ark_ec::pairing::Pairing;
use ark_ec::AffineRepr;
use ark_ff::PrimeField;
use ark_groth16::{Proof, VerifyingKey};
use serde_json::{json, Value};

fn fq(x: &Fq) -> String {
    x.into_bigint().to_string()
}
fn fq2(x: &Fq2) -> Value {
    json!([fq(&x.c0), fq(&x.c1)])
}
fn g1(p: &G1Affine) -> Value {
    let (x, y) = p.xy().expect("not infinity");
    json!([fq(&x), fq(&y), "1"])
}
fn g2(p: &G2Affine) -> Value {
    let (x, y) = p.xy().expect("not infinity");
    json!([fq2(&x), fq2(&y), ["1", "0"]])
}

/// snarkjs `verification_key.json` of `vk`.
pub fn snarkjs_vk(vk: &VerifyingKey<Bn254>) -> Value {
    let ab = Bn254::pairing(vk.alpha_g1, vk.beta_g2).0;
    let f6 = |x: &ark_bn254::Fq6| json!([fq2(&x.c0), fq2(&x.c1), fq2(&x.c2)]);
    json!({
        "protocol": "groth16",
        "curve": "bn128",
        "nPublic": vk.gamma_abc_g1.len() - 1,
        "vk_alpha_1": g1(&vk.alpha_g1),
        "vk_beta_2": g2(&vk.beta_g2),
        "vk_gamma_2": g2(&vk.gamma_g2),
        "vk_delta_2": g2(&vk.delta_g2),
        "vk_alphabeta_12": [f6(&ab.c0), f6(&ab.c1)],
        "IC": vk.gamma_abc_g1.iter().map(g1).collect::<Vec<_>>(),
    })
}

/// snarkjs `proof.json` of `proof`.
pub fn snarkjs_proof(proof: &Proof<Bn254>) -> Value {
    json!({
        "pi_a": g1(&proof.a),
        "pi_b": g2(&proof.b),
        "pi_c": g1(&proof.c),
        "protocol": "groth16",
        "curve": "bn128",
    })
}

/// snarkjs `public.json`: public signals as decimal strings.
pub fn snarkjs_public(public: &[ark_bn254::Fr]) -> Value {
    json!(public.iter().map(fr_to_dec).collect::<Vec<_>>())
}

/// `(pA, pB, pC)` as the Solidity verifier takes them (decimal strings; pB Fq2 imaginary first).
pub fn solidity_calldata(proof: &Proof<Bn254>) -> ([String; 2], [[String; 2]; 2], [String; 2]) {
    let (ax, ay) = proof.a.xy().expect("a");
    let (bx, by) = proof.b.xy().expect("b");
    let (cx, cy) = proof.c.xy().expect("c");
    (
        [fq(&ax), fq(&ay)],
        [[fq(&bx.c1), fq(&bx.c0)], [fq(&by.c1), fq(&by.c0)]],
        [fq(&cx), fq(&cy)],
    )
}

/// `vk` as the `Groth16Verifier.VerifyingKey` of `contracts/l1/src/Groth16Verifier.sol`
/// (Solidity calldata order): `(alpha, beta, gamma, delta, ic)`, each coordinate a decimal string,
/// G2 as `[[x.c1, x.c0], [y.c1, y.c0]]`. What `alstra l1 deploy` passes to its constructor.
pub fn solidity_vk(vk: &VerifyingKey<Bn254>) -> SolidityVk {
    let g1 = |p: &G1Affine| {
        let (x, y) = p.xy().expect("verifying key points are not at infinity");
        [fq(&x), fq(&y)]
    };
    let g2 = |p: &G2Affine| {
        let (x, y) = p.xy().expect("verifying key points are not at infinity");
        [[fq(&x.c1), fq(&x.c0)], [fq(&y.c1), fq(&y.c0)]]
    };
    SolidityVk {
        alpha: g1(&vk.alpha_g1),
        beta: g2(&vk.beta_g2),
        gamma: g2(&vk.gamma_g2),
        delta: g2(&vk.delta_g2),
        ic: vk.gamma_abc_g1.iter().map(g1).collect(),
    }
}

/// A verifying key in Solidity calldata order (see [`solidity_vk`]); decimal strings.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SolidityVk {
    /// α (G1: x, y).
    pub alpha: [String; 2],
    /// β (G2, imaginary part first).
    pub beta: [[String; 2]; 2],
    /// γ (G2).
    pub gamma: [[String; 2]; 2],
    /// δ (G2).
    pub delta: [[String; 2]; 2],
    /// IC_0 .. IC_n (G1), one more than the public signals.
    pub ic: Vec<[String; 2]>,
}

/// Public signals of the batch circuit, which `Groth16Verifier.sol` is written for.
pub const N_PUBLIC: usize = 5;

/// Solidity source of a contract named `Verifier`: `contracts/l1/src/Groth16Verifier.sol` with
/// `vk` built in (deployed without arguments), for a verifying key of [`N_PUBLIC`] signals.
/// The check itself lives once, in `Groth16Verifier.sol`, which this file imports from its own
/// directory (pragma `^0.8.24`).
pub fn solidity_verifier(vk: &VerifyingKey<Bn254>, label: &str) -> anyhow::Result<String> {
    anyhow::ensure!(
        vk.gamma_abc_g1.len() == N_PUBLIC + 1,
        "the verifying key has {} public signals; Groth16Verifier.sol takes {N_PUBLIC}",
        vk.gamma_abc_g1.len().saturating_sub(1)
    );
    let v = solidity_vk(vk);
    let pair = |p: &[String; 2]| format!("[uint256({}), {}]", p[0], p[1]);
    let quad = |p: &[[String; 2]; 2]| format!("[[uint256({}), {}], [uint256({}), {}]]", p[0][0], p[0][1], p[1][0], p[1][1]);
    let ic = v.ic.iter().map(|p| format!("                {}", pair(p))).collect::<Vec<_>>().join(",\n");
    Ok(format!(
        r#"// SPDX-License-Identifier: Apache-2.0
// GENERATED by `alstra-prover export` ({label}). Do not edit: regenerate from the verifying key.
pragma solidity ^0.8.24;

import {{Groth16Verifier}} from "./Groth16Verifier.sol";

/// @title Groth16 verifier of the AlstraNet BPM batch circuit (BN254) for one verifying key
/// @notice `Groth16Verifier` with the key built in ({label}): deploy it without arguments.
contract Verifier is Groth16Verifier {{
    constructor()
        Groth16Verifier(
            VerifyingKey({{
                alpha: {alpha},
                beta: {beta},
                gamma: {gamma},
                delta: {delta},
                ic: [
{ic}
                ]
            }})
        )
    {{}}
}}
"#,
        alpha = pair(&v.alpha),
        beta = quad(&v.beta),
        gamma = quad(&v.gamma),
        delta = quad(&v.delta),
    ))
}
