//! Groth16 over BN254 (ark-groth16): setup with **INSECURE** seeded test keys, prove, verify,
//! and (de)serialization of keys and proofs (arkworks compressed encoding).
//!
//! The test setup derives all toxic waste from a ChaCha20 RNG seeded with a public number:
//! anyone can forge proofs for keys made this way. Production keys come from a multi-party
//! phase-2 ceremony (see `docs/prover.md`).

use crate::circuit::BatchCircuit;
use crate::state::{Batch, Params};
use ark_bn254::{Bn254, Fr};
use ark_groth16::{Groth16, Proof, ProvingKey, VerifyingKey};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
use ark_snark::SNARK;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;

/// Label put in every file name and message about seeded keys.
pub const INSECURE: &str = "INSECURE";

/// INSECURE key generation for `params` from `ChaCha20Rng::seed_from_u64(seed)`.
pub fn setup_insecure(params: Params, seed: u64) -> anyhow::Result<(ProvingKey<Bn254>, VerifyingKey<Bn254>)> {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let (pk, vk) = Groth16::<Bn254>::circuit_specific_setup(BatchCircuit::blank(params), &mut rng)?;
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

/// Proves `batch` with `pk`, with the proof randomness `randomness`.
pub fn prove(pk: &ProvingKey<Bn254>, batch: &Batch, randomness: ProofRandomness) -> anyhow::Result<Proof<Bn254>> {
    let circuit = BatchCircuit::new(batch.clone());
    Ok(match randomness {
        ProofRandomness::Os => Groth16::<Bn254>::prove(pk, circuit, &mut rand::rngs::OsRng)?,
        ProofRandomness::Seeded(seed) => Groth16::<Bn254>::prove(pk, circuit, &mut ChaCha20Rng::seed_from_u64(seed))?,
    })
}

/// Verifies `proof` for public inputs `[old_root, new_root, defs_root, commitment]`.
pub fn verify(vk: &VerifyingKey<Bn254>, public: &[Fr], proof: &Proof<Bn254>) -> anyhow::Result<bool> {
    Ok(Groth16::<Bn254>::verify(vk, public, proof)?)
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
