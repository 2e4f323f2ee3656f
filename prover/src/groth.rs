//! Groth16 over BN254 (ark-groth16): setup with **INSECURE** seeded test keys, prove, verify,
//! and (de)serialization of keys and proofs (arkworks compressed encoding).
//!
//! The test setup derives all toxic waste from a ChaCha20 RNG seeded with a public number:
//! anyone can forge proofs for keys made this way. Production keys come from a multi-party
//! phase-2 ceremony run with snarkjs and imported by [`crate::ceremony`] (see `docs/prover.md`).
//!
//! Every key made now, seeded or from a ceremony, is for snarkjs' R1CS-to-QAP reduction
//! ([`CircomReduction`]): a proving key imported from a snarkjs `.zkey` only works with it, and
//! for seeded keys it changes nothing outside the proving key's `h_query` (same verifying key,
//! same proofs: `tests/ceremony.rs` checks it). Proving keys made before by `setup` are for
//! libsnark's reduction; [`prove`] tells them apart by their `h_query` length
//! ([`KeyReduction::of`]) and proves each with its own, so that they keep working.

use crate::circuit::BatchCircuit;
use crate::state::{Batch, Params};
use ark_bn254::{Bn254, Fr};
use ark_ff::PrimeField;
use ark_groth16::r1cs_to_qap::{evaluate_constraint, LibsnarkReduction, R1CSToQAP};
use ark_groth16::{Groth16, Proof, ProvingKey, VerifyingKey};
use ark_poly::EvaluationDomain;
use ark_relations::r1cs::{ConstraintMatrices, ConstraintSystemRef, SynthesisError};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
use ark_snark::SNARK;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;

/// Label put in every file name and message about seeded keys.
pub const INSECURE: &str = "INSECURE";

/// A Groth16 proof over BN254 of one batch (A, B, C; 128 bytes compressed by [`to_bytes`]).
pub type BatchProof = Proof<Bn254>;

/// Groth16 over BN254 with snarkjs' QAP reduction: the proof system of every AlstraNet key.
pub type Snark = Groth16<Bn254, CircomReduction>;

/// The R1CS-to-QAP reduction of snarkjs (and circom): the witness map evaluates `A·w` and
/// `B·w` on the domain (`C·w = A·w ∘ B·w` row by row for a satisfying witness), moves the three
/// polynomials to the coset of odd powers of a root of unity of twice the domain size and
/// returns `A·B − C` there; the proving key's `h_query` holds the matching Lagrange bases of
/// `τ^i·Z(τ)/δ` on that coset (snarkjs `zkey_new.js`, section 9). The instance map is
/// libsnark's, which adds the same input constraints (`A[n + i][i] = 1` for every public input
/// `i`, the constant one included) as snarkjs' `groth16 setup`.
///
/// Source: arkworks' `circom-compat` (`ark-circom` 0.5, `src/circom/qap.rs`, MIT/Apache-2.0),
/// whose crate we do not depend on: it links the wasmer runtime for circom witness generation,
/// which AlstraNet does not need (our witnesses come from the arkworks circuit).
pub struct CircomReduction;

impl R1CSToQAP for CircomReduction {
    #[allow(clippy::type_complexity)]
    fn instance_map_with_evaluation<F: PrimeField, D: EvaluationDomain<F>>(
        cs: ConstraintSystemRef<F>,
        t: &F,
    ) -> Result<(Vec<F>, Vec<F>, Vec<F>, F, usize, usize), SynthesisError> {
        LibsnarkReduction::instance_map_with_evaluation::<F, D>(cs, t)
    }

    fn witness_map_from_matrices<F: PrimeField, D: EvaluationDomain<F>>(
        matrices: &ConstraintMatrices<F>,
        num_inputs: usize,
        num_constraints: usize,
        full_assignment: &[F],
    ) -> Result<Vec<F>, SynthesisError> {
        let domain = D::new(num_constraints + num_inputs).ok_or(SynthesisError::PolynomialDegreeTooLarge)?;
        let size = domain.size();
        let mut a = vec![F::zero(); size];
        let mut b = vec![F::zero(); size];
        for (i, (at, bt)) in matrices.a.iter().zip(&matrices.b).enumerate() {
            a[i] = evaluate_constraint(at, full_assignment);
            b[i] = evaluate_constraint(bt, full_assignment);
        }
        // the input constraints: A[num_constraints + i] = input i (B and C are 0 there)
        a[num_constraints..num_constraints + num_inputs].clone_from_slice(&full_assignment[..num_inputs]);
        let mut c = vec![F::zero(); size];
        for i in 0..num_constraints {
            c[i] = a[i] * b[i];
        }
        let coset_shift = D::new(2 * size).ok_or(SynthesisError::PolynomialDegreeTooLarge)?.element(1);
        for v in [&mut a, &mut b, &mut c] {
            domain.ifft_in_place(v);
            D::distribute_powers_and_mul_by_const(v, coset_shift, F::one());
            domain.fft_in_place(v);
        }
        let mut ab = domain.mul_polynomials_in_evaluation_domain(&a, &b);
        for (x, y) in ab.iter_mut().zip(c) {
            *x -= y;
        }
        Ok(ab)
    }

    fn h_query_scalars<F: PrimeField, D: EvaluationDomain<F>>(
        max_power: usize,
        t: F,
        _zt: F,
        delta_inverse: F,
    ) -> Result<Vec<F>, SynthesisError> {
        // H·Z has 2·domain − 1 coefficients: its Lagrange bases on the double domain, odd ones
        let mut scalars: Vec<F> = (0..2 * max_power + 1).map(|i| delta_inverse * t.pow([i as u64])).collect();
        let domain = D::new(scalars.len()).ok_or(SynthesisError::PolynomialDegreeTooLarge)?;
        domain.ifft_in_place(&mut scalars);
        Ok(scalars.into_iter().skip(1).step_by(2).collect())
    }
}

/// INSECURE key generation for `params` from `ChaCha20Rng::seed_from_u64(seed)`.
pub fn setup_insecure(params: Params, seed: u64) -> anyhow::Result<(ProvingKey<Bn254>, VerifyingKey<Bn254>)> {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let (pk, vk) = Snark::circuit_specific_setup(BatchCircuit::blank(params), &mut rng)?;
    Ok((pk, vk))
}

/// Where a proof's randomness (Groth16's `r`, `s`) comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProofRandomness {
    /// Fresh randomness of the operating system (`getrandom`): what zero-knowledge needs, and
    /// the default of every command that proves chain data.
    Os,
    /// `ChaCha20Rng::seed_from_u64(seed)`: deterministic proofs, for fixtures and tests only
    /// (whoever knows the seed knows `r` and `s`).
    Seeded(u64),
}

/// The QAP reduction a proving key was made for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyReduction {
    /// snarkjs' ([`CircomReduction`]): every key `setup` and `ceremony import` make.
    Circom,
    /// libsnark's (arkworks' default): keys made by `setup` before the ceremony support.
    Libsnark,
}

impl KeyReduction {
    /// Tells the reduction from the key's `h_query`: snarkjs' has one base per point of the
    /// QAP domain (a power of two), libsnark's one fewer (`τ^i·Z(τ)/δ` for `i < n − 1`;
    /// ark-groth16 0.5 `generator.rs`). Errors: any other length (not a Groth16 key of ours).
    pub fn of(pk: &ProvingKey<Bn254>) -> anyhow::Result<Self> {
        let n = pk.h_query.len();
        if n.is_power_of_two() {
            Ok(KeyReduction::Circom)
        } else if (n + 1).is_power_of_two() {
            Ok(KeyReduction::Libsnark)
        } else {
            anyhow::bail!("the proving key's h query has {n} bases: neither a power of two (snarkjs' reduction) nor one fewer (libsnark's)")
        }
    }
}

/// Proves `batch` with `pk`, with the proof randomness `randomness`, with the reduction the key
/// was made for ([`KeyReduction::of`]).
pub fn prove(pk: &ProvingKey<Bn254>, batch: &Batch, randomness: ProofRandomness) -> anyhow::Result<Proof<Bn254>> {
    fn with<R: rand::RngCore + rand::CryptoRng>(pk: &ProvingKey<Bn254>, circuit: BatchCircuit, rng: &mut R) -> anyhow::Result<Proof<Bn254>> {
        Ok(match KeyReduction::of(pk)? {
            KeyReduction::Circom => Snark::prove(pk, circuit, rng)?,
            KeyReduction::Libsnark => Groth16::<Bn254, LibsnarkReduction>::prove(pk, circuit, rng)?,
        })
    }
    let circuit = BatchCircuit::new(batch.clone());
    match randomness {
        ProofRandomness::Os => with(pk, circuit, &mut rand::rngs::OsRng),
        ProofRandomness::Seeded(seed) => with(pk, circuit, &mut ChaCha20Rng::seed_from_u64(seed)),
    }
}

/// Verifies `proof` for public inputs `[old_root, new_root, defs_root, commitment, number]`.
pub fn verify(vk: &VerifyingKey<Bn254>, public: &[Fr], proof: &Proof<Bn254>) -> anyhow::Result<bool> {
    Ok(Snark::verify(vk, public, proof)?)
}

/// Compressed arkworks encoding of a verifying key or proof.
pub fn to_bytes<T: CanonicalSerialize>(x: &T) -> Vec<u8> {
    let mut v = Vec::new();
    x.serialize_compressed(&mut v).expect("serialize to Vec");
    v
}

/// Decodes (with curve and subgroup checks) what [`to_bytes`] wrote: for verifying keys and
/// proofs, which may come from elsewhere.
pub fn from_bytes<T: CanonicalDeserialize>(b: &[u8]) -> anyhow::Result<T> {
    Ok(T::deserialize_compressed(b)?)
}

/// Uncompressed encoding of a proving key (decompressing and checking every point of a large
/// key takes minutes; the proving key is a local file of the prover operator).
pub fn pk_to_bytes(pk: &ProvingKey<Bn254>) -> Vec<u8> {
    let mut v = Vec::new();
    pk.serialize_uncompressed(&mut v).expect("serialize to Vec");
    v
}

/// Decodes what [`pk_to_bytes`] wrote, without point checks (trusted local file; a corrupted
/// key only yields proofs that do not verify).
pub fn pk_from_bytes(b: &[u8]) -> anyhow::Result<ProvingKey<Bn254>> {
    Ok(ProvingKey::deserialize_uncompressed_unchecked(b)?)
}

/// Number of R1CS constraints of the circuit of shape `params`.
pub fn count_constraints(params: Params) -> usize {
    use ark_relations::r1cs::{ConstraintSynthesizer, ConstraintSystem, OptimizationGoal};
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_optimization_goal(OptimizationGoal::Constraints);
    BatchCircuit::blank(params).generate_constraints(cs.clone()).expect("synthesis");
    cs.finalize();
    cs.num_constraints()
}
