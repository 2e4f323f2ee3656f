//! The pieces of the trusted-setup ceremony that need no snarkjs run (the whole ceremony, with
//! snarkjs, the CLI and the verifier on anvil, is `tests/e2e/test/ceremony.test.js`):
//! - snarkjs' QAP reduction, which every key now uses, changes neither the verifying key nor
//!   the proofs of seeded keys (only the proving key's `h_query`), and its proofs verify;
//! - the exported R1CS file reads back (iden3 format) as exactly the prover's matrices;
//! - `read_zkey` refuses what is not a Groth16 zkey over BN254, saying why.

use alstra_prover::ceremony;
use alstra_prover::groth::{self, CircomReduction, ProofRandomness, Snark};
use alstra_prover::scenario::Walk;
use alstra_prover::state::Params;
use ark_bn254::{Bn254, Fr};
use ark_ff::{BigInteger, PrimeField};
use ark_groth16::{r1cs_to_qap::LibsnarkReduction, Groth16};
use ark_snark::SNARK;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;

const SMALL: Params = Params { state_depth: 4, defs_depth: 6, batch_size: 1 };

#[test]
fn snarkjs_reduction_keeps_keys_and_proofs_of_libsnark() {
    let circuit = || alstra_prover::circuit::BatchCircuit::blank(SMALL);
    let (pk_c, vk_c) = Snark::circuit_specific_setup(circuit(), &mut ChaCha20Rng::seed_from_u64(9)).unwrap();
    let (pk_l, vk_l) = Groth16::<Bn254, LibsnarkReduction>::circuit_specific_setup(circuit(), &mut ChaCha20Rng::seed_from_u64(9)).unwrap();
    assert_eq!(vk_c, vk_l, "the reduction must not change the verifying key");
    assert_eq!(pk_c.a_query, pk_l.a_query);
    assert_eq!(pk_c.l_query, pk_l.l_query);
    assert_ne!(pk_c.h_query, pk_l.h_query, "the reductions differ in the h bases only");

    let batch = Walk::new(SMALL, 2).batch(SMALL, 1).unwrap();
    let ours = groth::prove(&pk_c, &batch, ProofRandomness::Seeded(4)).unwrap();
    let libsnark = Groth16::<Bn254, LibsnarkReduction>::prove(&pk_l, alstra_prover::circuit::BatchCircuit::new(batch.clone()), &mut ChaCha20Rng::seed_from_u64(4)).unwrap();
    assert_eq!(ours, libsnark, "same r, s: the same proof (h(τ)·Z(τ)/δ is the same point)");
    assert!(groth::verify(&vk_c, &batch.public_inputs(), &ours).unwrap());
    let mut wrong = batch.public_inputs();
    wrong[3] += Fr::from(1u64);
    assert!(!groth::verify(&vk_c, &wrong, &ours).unwrap(), "a wrong commitment must not verify");

    // a proof made with the libsnark bases and the circom witness map is wrong: the reduction is
    // not a no-op ...
    let mixed = Groth16::<Bn254, CircomReduction>::prove(&pk_l, alstra_prover::circuit::BatchCircuit::new(batch.clone()), &mut ChaCha20Rng::seed_from_u64(4)).unwrap();
    assert!(!groth::verify(&vk_c, &batch.public_inputs(), &mixed).unwrap());
    // ... so `prove` tells a key's reduction from its h query, and keys made for libsnark's
    // (by earlier versions of `setup`) still prove, the same proof
    assert_eq!(groth::KeyReduction::of(&pk_c).unwrap(), groth::KeyReduction::Circom);
    assert_eq!(groth::KeyReduction::of(&pk_l).unwrap(), groth::KeyReduction::Libsnark);
    assert_eq!(groth::prove(&pk_l, &batch, ProofRandomness::Seeded(4)).unwrap(), ours);
}

#[test]
fn r1cs_file_reads_back_as_the_provers_matrices() {
    let mut bytes = Vec::new();
    let sum = ceremony::write_r1cs(SMALL, &mut bytes).unwrap();
    let m = ceremony::matrices(SMALL).unwrap();
    assert_eq!(sum.constraints, m.num_constraints);
    assert_eq!(sum.wires, m.num_instance_variables + m.num_witness_variables);
    assert_eq!(sum.public_inputs, 5, "old root, new root, definitions root, commitment, batch number");
    assert_eq!(1usize << sum.power, (m.num_constraints + 6).next_power_of_two());
    assert_eq!(sum.constraints, groth::count_constraints(SMALL));

    let file = r1cs_file::R1csFile::<32>::read(bytes.as_slice()).unwrap();
    assert_eq!(file.header.prime.as_bytes(), Fr::MODULUS.to_bytes_le().as_slice());
    assert_eq!(file.header.n_wires as usize, sum.wires);
    assert_eq!((file.header.n_pub_out, file.header.n_pub_in, file.header.n_prvt_in), (0, 5, 0));
    assert_eq!(file.constraints.0.len(), m.num_constraints);
    let decode = |lc: &Vec<(r1cs_file::FieldElement<32>, u32)>| -> Vec<(Fr, usize)> {
        lc.iter().map(|(f, i)| (Fr::from_le_bytes_mod_order(f.as_bytes()), *i as usize)).collect()
    };
    for (r, c) in file.constraints.0.iter().enumerate() {
        assert_eq!(decode(&c.0), m.a[r], "A row {r}");
        assert_eq!(decode(&c.1), m.b[r], "B row {r}");
        assert_eq!(decode(&c.2), m.c[r], "C row {r}");
    }
    assert_eq!(file.map.0, (0..sum.wires as u64).collect::<Vec<_>>());
}

#[test]
fn read_zkey_refuses_other_files_with_a_reason() {
    let err = |bytes: Vec<u8>| ceremony::read_zkey(&mut std::io::Cursor::new(bytes), SMALL).err().expect("must be refused").to_string();
    assert!(err(vec![]).contains("not a zkey"), "{}", err(vec![]));
    let mut r1cs = Vec::new();
    ceremony::write_r1cs(SMALL, &mut r1cs).unwrap();
    assert!(err(r1cs).contains("not a snarkjs zkey"));
    // a zkey header for PLONK (protocol 2): magic, version, one section (1: header) of 4 bytes
    let mut plonk = b"zkey".to_vec();
    for x in [1u32, 1, 1] {
        plonk.extend(x.to_le_bytes());
    }
    plonk.extend(4u64.to_le_bytes());
    plonk.extend(2u32.to_le_bytes());
    assert!(err(plonk.clone()).contains("not Groth16"), "{}", err(plonk));
}
