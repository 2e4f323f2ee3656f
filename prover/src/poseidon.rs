//! Poseidon over the BN254 scalar field with the **circomlib** parameters.
//!
//! Parameters: x^5 S-box, 8 full rounds, 56..=64 partial rounds depending on the width
//! `t = inputs + 1` (circomlib `poseidon_constants.js`, `N_ROUNDS_P = [56, 57, 56, 60, 60, 63,
//! 64, 63, 60, 66, 60, 65]` for `t = 2..=13`), round constants and MDS matrices taken from the
//! `light-poseidon` crate (`parameters::bn254_x5`, generated from circomlib's constants), state
//! `[0, in_1, .., in_n]`, output `state[0]` after the permutation. This is exactly
//! `poseidon(inputs)` of circomlib / circomlibjs / `poseidon-solidity`, so the hashes can be
//! recomputed by any of those (see `docs/prover.md`).
//!
//! The native hash ([`hash`]) is light-poseidon itself; the in-circuit gadget
//! ([`crate::gadgets::poseidon_var`]) re-implements the same permutation on top of
//! [`params`] and is tested against it.

use ark_bn254::Fr;
use light_poseidon::{parameters::bn254_x5, Poseidon, PoseidonHasher, PoseidonParameters};
use std::sync::OnceLock;

/// Largest number of inputs supported (`t = 13`, light-poseidon's limit).
pub const MAX_INPUTS: usize = 12;

static PARAMS: [OnceLock<PoseidonParameters<Fr>>; MAX_INPUTS + 1] =
    [const { OnceLock::new() }; MAX_INPUTS + 1];

/// The circomlib Poseidon parameters for `n_inputs` inputs (width `n_inputs + 1`), cached.
///
/// Panics if `n_inputs` is 0 or above [`MAX_INPUTS`] (a programming error: every hash of this
/// crate has a fixed arity).
pub fn params(n_inputs: usize) -> &'static PoseidonParameters<Fr> {
    assert!((1..=MAX_INPUTS).contains(&n_inputs), "poseidon arity {n_inputs}");
    PARAMS[n_inputs].get_or_init(|| {
        bn254_x5::get_poseidon_parameters::<Fr>((n_inputs + 1) as u8)
            .expect("circom parameters exist for t = 2..=13")
    })
}

/// circomlib `Poseidon(n)` of `inputs` (1..=12 field elements).
pub fn hash(inputs: &[Fr]) -> Fr {
    let p = params(inputs.len());
    let mut h = Poseidon::<Fr>::new(PoseidonParameters::new(
        p.ark.clone(),
        p.mds.clone(),
        p.full_rounds,
        p.partial_rounds,
        p.width,
        p.alpha,
    ));
    h.hash(inputs).expect("arity checked by params()")
}

/// `Poseidon(a, b)`: the 2-to-1 compression used for Merkle nodes and the batch commitment.
pub fn hash2(a: Fr, b: Fr) -> Fr {
    hash(&[a, b])
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ff::{BigInteger, PrimeField};

    #[test]
    fn matches_circomlib_reference_vector() {
        // circomlibjs: poseidon([1, 2]) =
        // 0x115cc0f5e7d690413df64c6b9662e9cf2a3617f2743245519e19607a4417189a
        let h = hash2(Fr::from(1u64), Fr::from(2u64));
        let hex: String = h
            .into_bigint()
            .to_bytes_be()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(hex, "115cc0f5e7d690413df64c6b9662e9cf2a3617f2743245519e19607a4417189a");
    }
}
