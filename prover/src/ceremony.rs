//! The Groth16 phase-2 trusted-setup ceremony, run with snarkjs, for the batch circuit.
//!
//! Groth16 keys are as trustworthy as their toxic waste is destroyed. The ceremony (Bowe,
//! Gabizon, Miers, "Scalable multi-party computation for zk-SNARK parameters", ePrint 2017/1050)
//! makes keys that are sound if **one** participant of phase 2 (and one of phase 1, the
//! circuit-independent powers of tau) kept its contribution secret:
//!
//! 1. [`write_r1cs`]: the circuit's constraint system in circom's R1CS binary format
//!    (`alstra prover ceremony r1cs`);
//! 2. snarkjs: `groth16 setup` of that R1CS with a powers-of-tau file (a public phase 1 such as
//!    the Perpetual Powers of Tau; tests make a small one locally), then one `zkey contribute`
//!    per participant, a `zkey beacon` (a public random value chosen in advance), and
//!    `zkey verify` by anyone (`scripts/ceremony.sh` runs these steps);
//! 3. [`read_zkey`]: the final `.zkey` is checked against this circuit (every coefficient of
//!    its A and B matrices) and imported as an arkworks proving key (`alstra prover ceremony
//!    import`), used with snarkjs' QAP reduction ([`crate::groth::CircomReduction`]); its
//!    verifying key gives `Groth16Verifier` on L1 (`alstra prover export`, `alstra l1 deploy`).
//!
//! Variables are numbered alike on both sides: circom's wire `i` is arkworks' instance variable
//! `i` for `i < num_instance` (wire 0 is the constant one, then the public inputs
//! `[old_root, new_root, defs_root, commitment, number]`), then the witness variables in order.
//!
//! File formats: iden3 `r1csfile` (binfileutils sections: header, constraints, wire-to-label
//! map) and snarkjs `zkey` (sections 1 header, 2 Groth16 header, 3 IC, 4 coefficients, 5–9
//! points A, B1, B2, C, H, 10 contributions). Field elements of the R1CS are little-endian
//! canonical; points of the zkey are little-endian Montgomery coordinates, its coefficients
//! Montgomery times `R` (as read by ark-circom 0.5's `zkey.rs`, our reference for the format).

use crate::circuit::BatchCircuit;
use crate::state::Params;
use anyhow::{anyhow, bail, ensure, Context, Result};
use ark_bn254::{Bn254, Fq, Fq2, Fr, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_ff::{BigInteger, BigInteger256, PrimeField, Zero};
use ark_groth16::{ProvingKey, VerifyingKey};
use ark_relations::r1cs::{ConstraintMatrices, ConstraintSynthesizer, ConstraintSystem, OptimizationGoal};
use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom, Write};

/// The circuit of shape `params` as the prover synthesizes it: optimization goal "constraints",
/// linear combinations inlined (`finalize`), so that its matrices are the ones every proof uses.
pub fn matrices(params: Params) -> Result<ConstraintMatrices<Fr>> {
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_optimization_goal(OptimizationGoal::Constraints);
    BatchCircuit::blank(params).generate_constraints(cs.clone())?;
    cs.finalize();
    cs.to_matrices().ok_or_else(|| anyhow!("the constraint system has no matrices"))
}

/// Sizes of an R1CS: what a ceremony coordinator needs to pick the powers of tau.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct R1csSummary {
    /// Constraints of the circuit (without snarkjs' input constraints).
    pub constraints: usize,
    /// Wires: the constant one, the public inputs and the witness variables.
    pub wires: usize,
    /// Public inputs (5: old root, new root, definitions root, commitment, batch number).
    pub public_inputs: usize,
    /// `log2` of the QAP domain (`constraints + public_inputs + 1` rounded up to a power of two):
    /// the powers-of-tau file must have at least this power.
    pub power: u32,
}

fn le_bytes(x: &Fr) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(&x.into_bigint().to_bytes_le());
    out
}

/// Writes the circuit of shape `params` in circom's R1CS binary format (version 1; no public
/// outputs, 5 public inputs, wire `i` labelled `i`). Errors: synthesis or I/O.
pub fn write_r1cs<W: Write>(params: Params, out: W) -> Result<R1csSummary> {
    let m = matrices(params)?;
    let lc = |row: &Vec<(Fr, usize)>| row.iter().map(|(c, i)| (le_bytes(c).into(), *i as u32)).collect::<Vec<_>>();
    let constraints = (0..m.num_constraints)
        .map(|r| r1cs_file::Constraint(lc(&m.a[r]), lc(&m.b[r]), lc(&m.c[r])))
        .collect();
    let wires = m.num_instance_variables + m.num_witness_variables;
    let file = r1cs_file::R1csFile::<32> {
        header: r1cs_file::Header {
            prime: modulus_le().into(),
            n_wires: wires as u32,
            n_pub_out: 0,
            n_pub_in: (m.num_instance_variables - 1) as u32,
            n_prvt_in: 0,
            n_labels: wires as u64,
            n_constraints: m.num_constraints as u32,
        },
        constraints: r1cs_file::Constraints(constraints),
        map: r1cs_file::WireMap((0..wires as u64).collect()),
    };
    file.write(out)?;
    let domain = (m.num_constraints + m.num_instance_variables).next_power_of_two();
    Ok(R1csSummary {
        constraints: m.num_constraints,
        wires,
        public_inputs: m.num_instance_variables - 1,
        power: domain.trailing_zeros(),
    })
}

/// BN254's scalar field modulus `r`, 32 bytes little-endian.
fn modulus_le() -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(&Fr::MODULUS.to_bytes_le());
    out
}

/// A snarkjs zkey read and checked against the circuit: the arkworks proving key (its verifying
/// key inside) and what the zkey says about itself.
pub struct ImportedKey {
    /// The proving key, for [`crate::groth::Snark`] (snarkjs' QAP reduction).
    pub pk: ProvingKey<Bn254>,
    /// QAP domain size (a power of two).
    pub domain_size: usize,
    /// Phase-2 contributions recorded in the zkey (section 10), the beacon included; 0 if the
    /// section is absent.
    pub contributions: u32,
}

struct Sections(HashMap<u32, (u64, u64)>);

impl Sections {
    fn read<R: Read + Seek>(r: &mut R) -> Result<Self> {
        let mut magic = [0u8; 4];
        r.read_exact(&mut magic).context("not a zkey: too short")?;
        ensure!(&magic == b"zkey", "not a snarkjs zkey (magic {:?})", String::from_utf8_lossy(&magic));
        let _version = read_u32(r)?;
        let n = read_u32(r)?;
        let mut map = HashMap::new();
        for _ in 0..n {
            let id = read_u32(r)?;
            let len = read_u64(r)?;
            let pos = r.stream_position()?;
            map.entry(id).or_insert((pos, len));
            r.seek(SeekFrom::Current(len as i64))?;
        }
        Ok(Sections(map))
    }

    fn seek<R: Seek>(&self, r: &mut R, id: u32) -> Result<u64> {
        let (pos, len) = *self.0.get(&id).ok_or_else(|| anyhow!("zkey section {id} is missing"))?;
        r.seek(SeekFrom::Start(pos))?;
        Ok(len)
    }
}

fn read_u32<R: Read>(r: &mut R) -> Result<u32> {
    let mut b = [0u8; 4];
    r.read_exact(&mut b)?;
    Ok(u32::from_le_bytes(b))
}

fn read_u64<R: Read>(r: &mut R) -> Result<u64> {
    let mut b = [0u8; 8];
    r.read_exact(&mut b)?;
    Ok(u64::from_le_bytes(b))
}

fn read_limbs<R: Read>(r: &mut R) -> Result<BigInteger256> {
    let mut b = [0u8; 32];
    r.read_exact(&mut b)?;
    let mut limbs = [0u64; 4];
    for (i, l) in limbs.iter_mut().enumerate() {
        *l = u64::from_le_bytes(b[8 * i..8 * i + 8].try_into().expect("8 bytes"));
    }
    Ok(BigInteger256::new(limbs))
}

/// A base-field element stored in Montgomery form (its representation as is).
fn read_fq<R: Read>(r: &mut R) -> Result<Fq> {
    let x = read_limbs(r)?;
    ensure!(x < Fq::MODULUS, "a coordinate is not reduced modulo the base field");
    Ok(Fq::new_unchecked(x))
}

fn read_g1<R: Read>(r: &mut R, what: &str) -> Result<G1Affine> {
    let (x, y) = (read_fq(r)?, read_fq(r)?);
    if x.is_zero() && y.is_zero() {
        return Ok(G1Affine::zero());
    }
    let p = G1Affine::new_unchecked(x, y);
    ensure!(p.is_on_curve(), "{what}: a G1 point is not on BN254");
    Ok(p)
}

fn read_g2<R: Read>(r: &mut R, what: &str) -> Result<G2Affine> {
    let x = Fq2::new(read_fq(r)?, read_fq(r)?);
    let y = Fq2::new(read_fq(r)?, read_fq(r)?);
    if x.is_zero() && y.is_zero() {
        return Ok(G2Affine::zero());
    }
    let p = G2Affine::new_unchecked(x, y);
    ensure!(p.is_on_curve() && p.is_in_correct_subgroup_assuming_on_curve(), "{what}: a G2 point is not in BN254's G2");
    Ok(p)
}

fn read_g1s<R: Read>(r: &mut R, n: usize, what: &str) -> Result<Vec<G1Affine>> {
    (0..n).map(|_| read_g1(r, what)).collect()
}

/// Reads a snarkjs Groth16 `.zkey` for the circuit of shape `params` and imports it.
///
/// Checks, each with an error saying what differs: the file is a Groth16 zkey over BN254
/// (both moduli), its sizes (wires, public inputs, domain) are this circuit's, and its
/// coefficient section equals the circuit's A and B matrices plus snarkjs' input constraints,
/// entry by entry — a zkey of another circuit or shape cannot be imported. Every point is
/// checked to be on the curve (G2 points in the subgroup too). It does **not** check the
/// contributions' transcript: that is `snarkjs zkey verify`, which the ceremony runs first.
pub fn read_zkey<R: Read + Seek>(r: &mut R, params: Params) -> Result<ImportedKey> {
    let s = Sections::read(r)?;
    s.seek(r, 1)?;
    let protocol = read_u32(r)?;
    ensure!(protocol == 1, "the zkey is for proof system {protocol}, not Groth16 (1)");

    s.seek(r, 2)?;
    let n8q = read_u32(r)?;
    ensure!(n8q == 32, "the zkey's base field has {n8q}-byte elements, BN254's 32");
    let q = read_limbs(r)?;
    ensure!(q == Fq::MODULUS, "the zkey is not over BN254 (base field modulus differs)");
    let n8r = read_u32(r)?;
    ensure!(n8r == 32, "the zkey's scalar field has {n8r}-byte elements, BN254's 32");
    let rr = read_limbs(r)?;
    ensure!(rr == Fr::MODULUS, "the zkey is not over BN254 (scalar field modulus differs)");
    let n_vars = read_u32(r)? as usize;
    let n_public = read_u32(r)? as usize;
    let domain_size = read_u32(r)? as usize;
    let alpha_g1 = read_g1(r, "alpha")?;
    let beta_g1 = read_g1(r, "beta")?;
    let beta_g2 = read_g2(r, "beta")?;
    let gamma_g2 = read_g2(r, "gamma")?;
    let delta_g1 = read_g1(r, "delta")?;
    let delta_g2 = read_g2(r, "delta")?;

    let m = matrices(params)?;
    let wires = m.num_instance_variables + m.num_witness_variables;
    let want_domain = (m.num_constraints + m.num_instance_variables).next_power_of_two();
    ensure!(
        n_vars == wires && n_public + 1 == m.num_instance_variables && domain_size == want_domain,
        "the zkey is for another circuit: {n_vars} wires, {n_public} public inputs, domain {domain_size}; \
         the circuit {params:?} has {wires} wires, {} public inputs, domain {want_domain}",
        m.num_instance_variables - 1
    );
    check_coefficients(r, &s, &m)?;

    s.seek(r, 3)?;
    let gamma_abc_g1 = read_g1s(r, n_public + 1, "IC")?;
    s.seek(r, 5)?;
    let a_query = read_g1s(r, n_vars, "A")?;
    s.seek(r, 6)?;
    let b_g1_query = read_g1s(r, n_vars, "B1")?;
    s.seek(r, 7)?;
    let b_g2_query = (0..n_vars).map(|_| read_g2(r, "B2")).collect::<Result<Vec<_>>>()?;
    s.seek(r, 8)?;
    let l_query = read_g1s(r, n_vars - n_public - 1, "C")?;
    s.seek(r, 9)?;
    let h_query = read_g1s(r, domain_size, "H")?;
    let contributions = match s.seek(r, 10) {
        Ok(_) => {
            // section 10: the 64-byte hash of the accumulated parameters, then the count
            let mut hash = [0u8; 64];
            r.read_exact(&mut hash)?;
            read_u32(r)?
        }
        Err(_) => 0,
    };
    let vk = VerifyingKey { alpha_g1, beta_g2, gamma_g2, delta_g2, gamma_abc_g1 };
    let pk = ProvingKey { vk, beta_g1, delta_g1, a_query, b_g1_query, b_g2_query, h_query, l_query };
    Ok(ImportedKey { pk, domain_size, contributions })
}

/// Compares the zkey's coefficient section (A and B, with snarkjs' input constraints) with the
/// circuit's matrices.
fn check_coefficients<R: Read + Seek>(r: &mut R, s: &Sections, m: &ConstraintMatrices<Fr>) -> Result<()> {
    let mut want: Vec<(u32, u32, u32, Fr)> = Vec::with_capacity(m.a_num_non_zero + m.b_num_non_zero + m.num_instance_variables);
    for (k, rows) in [&m.a, &m.b].into_iter().enumerate() {
        for (c, row) in rows.iter().enumerate() {
            want.extend(row.iter().filter(|(v, _)| !v.is_zero()).map(|(v, i)| (k as u32, c as u32, *i as u32, *v)));
        }
    }
    for i in 0..m.num_instance_variables {
        want.push((0, (m.num_constraints + i) as u32, i as u32, Fr::from(1u64)));
    }
    s.seek(r, 4)?;
    let n = read_u32(r)? as usize;
    let mut got = Vec::with_capacity(n);
    for _ in 0..n {
        let (k, c, i) = (read_u32(r)?, read_u32(r)?, read_u32(r)?);
        // stored as v·R² in Montgomery form (snarkjs multiplies by R² mod r before writing)
        let v = Fr::new_unchecked(Fr::new_unchecked(read_limbs(r)?).into_bigint());
        got.push((k, c, i, v));
    }
    let key = |e: &(u32, u32, u32, Fr)| (e.0, e.1, e.2, e.3.into_bigint());
    want.sort_by_key(key);
    got.sort_by_key(key);
    if want != got {
        let first = want.iter().zip(&got).position(|(a, b)| a != b).unwrap_or(want.len().min(got.len()));
        let name = |k: u32| if k == 0 { "A" } else { "B" };
        let at = |v: &Vec<(u32, u32, u32, Fr)>| v.get(first).map(|e| format!("{}[{}][{}]", name(e.0), e.1, e.2)).unwrap_or_else(|| "nothing".into());
        bail!(
            "the zkey was made for another circuit: {} coefficients, the circuit has {}; first difference: zkey {}, circuit {}",
            got.len(),
            want.len(),
            at(&got),
            at(&want)
        );
    }
    Ok(())
}
