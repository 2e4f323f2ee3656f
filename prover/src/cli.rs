//! `alstra prover setup|ceremony|prove|verify|export|fixtures|bench` (also the `alstra-prover`
//! binary).
//!
//! Files in a keys directory: `params.json` (circuit shape), and either `proving_key.bin`,
//! `verifying_key.bin` (imported from a ceremony's zkey by `ceremony import`, which also writes
//! `ceremony.json`) or `proving_key.INSECURE.bin`, `verifying_key.INSECURE.bin` (seeded test
//! keys from `setup`); proving keys uncompressed, verifying keys compressed (arkworks). A proof directory: `proof.bin`,
//! `public.json` (snarkjs public signals), `batch.json` (the witness, when made by `--demo`).

use crate::export;
use crate::groth::{self, ProofRandomness, INSECURE};
use crate::state::{fr_from_bytes, fr_to_dec, Batch, Params};
use crate::scenario::Walk;
use ark_bn254::{Bn254, Fr};
use ark_groth16::{Proof, ProvingKey, VerifyingKey};
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The prover commands (mounted as `alstra prover <cmd>`).
#[derive(Subcommand, Debug, Clone)]
pub enum ProverCmd {
    /// Generate INSECURE test keys from a public seed (a real deployment uses a multi-party
    /// phase-2 ceremony, see docs/prover.md).
    Setup {
        /// Output directory.
        #[arg(long, default_value = "prover-keys")]
        out: PathBuf,
        /// Transition slots per batch.
        #[arg(long, default_value_t = 4)]
        batch_size: usize,
        /// Depth of the instance tree (2^depth instances).
        #[arg(long, default_value_t = 16)]
        state_depth: usize,
        /// Depth of the definitions tree (2^depth rules).
        #[arg(long, default_value_t = 16)]
        defs_depth: usize,
        /// RNG seed (public: keys from it are INSECURE).
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// The phase-2 trusted-setup ceremony with snarkjs: export the circuit, import the final
    /// zkey (`scripts/ceremony.sh` runs the whole ceremony; see docs/prover.md).
    Ceremony {
        /// The ceremony step.
        #[command(subcommand)]
        cmd: CeremonyCmd,
    },
    /// Prove a batch: a sealed batch of an AlstraNet node (`--node URL --batch N`), a witness
    /// file (`batch.json`), or a demo walk on real BPMN models.
    Prove {
        /// Keys directory (from `setup`).
        #[arg(long, default_value = "prover-keys")]
        keys: PathBuf,
        /// The node's Substrate JSON-RPC endpoint (HTTP; `ws://` is read as `http://`): prove
        /// batch `--batch` of its rollup pallet, rebuilt from chain data (see docs/prover.md).
        #[arg(long, requires = "batch", conflicts_with_all = ["witness", "demo"])]
        node: Option<String>,
        /// The sealed batch to prove (with `--node`).
        #[arg(long, requires = "node")]
        batch: Option<u64>,
        /// Batch witness JSON; without it a demo batch of `--demo` firings is walked.
        #[arg(long)]
        witness: Option<PathBuf>,
        /// Number of firings of the demo batch (default: the batch size).
        #[arg(long)]
        demo: Option<usize>,
        /// Output directory.
        #[arg(long, default_value = "prover-proof")]
        out: PathBuf,
        /// Seed of the demo walk.
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Deterministic proof randomness from this public seed, for fixtures and tests only
        /// (default: fresh randomness of the operating system, as zero-knowledge needs).
        #[arg(long)]
        proof_seed: Option<u64>,
    },
    /// Verify a proof directory against a keys directory.
    Verify {
        /// Keys directory.
        #[arg(long, default_value = "prover-keys")]
        keys: PathBuf,
        /// Proof directory (from `prove`).
        #[arg(long, default_value = "prover-proof")]
        proof: PathBuf,
    },
    /// Export the verifying key (snarkjs JSON), the Solidity verifier and, if given, a proof
    /// (snarkjs proof.json/public.json and Solidity calldata).
    Export {
        /// Keys directory.
        #[arg(long, default_value = "prover-keys")]
        keys: PathBuf,
        /// Proof directory to export too.
        #[arg(long)]
        proof: Option<PathBuf>,
        /// Output directory.
        #[arg(long, default_value = "prover-export")]
        out: PathBuf,
    },
    /// Prove `--batches` consecutive demo batches and write the L1 test fixtures
    /// (`Verifier.sol` and `BatchFixtures.sol`).
    Fixtures {
        /// Keys directory.
        #[arg(long, default_value = "prover-keys")]
        keys: PathBuf,
        /// Where `Verifier.sol` goes.
        #[arg(long, default_value = "contracts/l1/src")]
        verifier_out: PathBuf,
        /// Where `BatchFixtures.sol` goes.
        #[arg(long, default_value = "contracts/l1/test/fixtures")]
        fixtures_out: PathBuf,
        /// Number of consecutive batches. The last one has one transition fewer than the batch
        /// size (so that the fixtures cover padding slots); the others are full.
        #[arg(long, default_value_t = 3)]
        batches: usize,
        /// Seed of the walk and of the proofs.
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Also write the same batches as JSON to this file (for clients other than forge):
        /// `{genesisRoot, batchSize, batches: [{oldRoot, newRoot, defsRoot, commitment,
        /// pA, pB, pC, data, transitions}]}` — decimal strings, proof in Solidity calldata order,
        /// `data` the batch data as 0x-hex (12-byte big-endian records).
        #[arg(long)]
        json_out: Option<PathBuf>,
    },
    /// Measure one batch size: constraints, setup and prove time, peak memory (one JSON line).
    Bench {
        /// Transition slots.
        #[arg(long, default_value_t = 1)]
        batch_size: usize,
        /// Tree depths.
        #[arg(long, default_value_t = 16)]
        depth: usize,
    },
}

/// Circuit shape flags of the ceremony commands (defaults: the runtime's, 16 slots, depths 16).
#[derive(clap::Args, Debug, Clone, Copy)]
pub struct ShapeArgs {
    /// Transition slots per batch (the runtime's `RollupBatchSize`).
    #[arg(long, default_value_t = 16)]
    pub batch_size: usize,
    /// Depth of the instance tree (the runtime's `RollupTreeDepth`).
    #[arg(long, default_value_t = 16)]
    pub state_depth: usize,
    /// Depth of the definitions tree (the runtime's `RollupTreeDepth`).
    #[arg(long, default_value_t = 16)]
    pub defs_depth: usize,
}

impl ShapeArgs {
    fn params(self) -> anyhow::Result<Params> {
        anyhow::ensure!((1..=32).contains(&self.state_depth) && (1..=32).contains(&self.defs_depth), "depths must be 1..=32");
        anyhow::ensure!(self.batch_size >= 1, "batch size must be at least 1");
        Ok(Params { state_depth: self.state_depth, defs_depth: self.defs_depth, batch_size: self.batch_size })
    }
}

/// `alstra prover ceremony <cmd>`.
#[derive(Subcommand, Debug, Clone)]
pub enum CeremonyCmd {
    /// Write the circuit in circom's R1CS format (`circuit.r1cs`) and its shape (`params.json`)
    /// to `--out`, and print the powers of tau it needs.
    R1cs {
        /// Output directory.
        #[arg(long, default_value = "ceremony")]
        out: PathBuf,
        /// The circuit's shape.
        #[command(flatten)]
        shape: ShapeArgs,
    },
    /// Check a final snarkjs zkey against the circuit of `--params` and write a keys directory
    /// (`proving_key.bin`, `verifying_key.bin`, `params.json`, `ceremony.json`). Run
    /// `snarkjs zkey verify` on it first: this command checks the circuit, not the transcript.
    Import {
        /// The final zkey (after the beacon).
        #[arg(long)]
        zkey: PathBuf,
        /// The `params.json` written by `ceremony r1cs`.
        #[arg(long)]
        params: PathBuf,
        /// Keys directory to write.
        #[arg(long, default_value = "prover-keys")]
        out: PathBuf,
    },
}

fn spinner(msg: &str) -> ProgressBar {
    let pb = ProgressBar::new_spinner();
    pb.set_style(ProgressStyle::with_template("{spinner} {msg} [{elapsed}]").expect("template"));
    pb.set_message(msg.to_string());
    pb.enable_steady_tick(Duration::from_millis(200));
    pb
}

fn write(path: &Path, data: impl AsRef<[u8]>) -> anyhow::Result<()> {
    if let Some(d) = path.parent() {
        std::fs::create_dir_all(d)?;
    }
    std::fs::write(path, data).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

fn read(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

/// Where a keys directory's keys came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyOrigin {
    /// A phase-2 ceremony's zkey (`ceremony import`): `*_key.bin`.
    Ceremony,
    /// Seeded test keys (`setup`): `*_key.INSECURE.bin`.
    Insecure,
}

/// The origin of the keys in `dir` and the path of its `kind` key (`proving_key` or
/// `verifying_key`). Errors: neither file, or both (an ambiguous directory).
pub fn key_file(dir: &Path, kind: &str) -> anyhow::Result<(KeyOrigin, PathBuf)> {
    let real = dir.join(format!("{kind}.bin"));
    let test = dir.join(format!("{kind}.{INSECURE}.bin"));
    match (real.exists(), test.exists()) {
        (true, false) => Ok((KeyOrigin::Ceremony, real)),
        (false, true) => Ok((KeyOrigin::Insecure, test)),
        (true, true) => anyhow::bail!("{} holds both {} and {}: keep one kind of keys per directory", dir.display(), real.display(), test.display()),
        (false, false) => anyhow::bail!("{}: no {kind}.bin (ceremony import) nor {kind}.{INSECURE}.bin (setup)", dir.display()),
    }
}

/// Loads `params.json` and the keys of a keys directory.
pub fn load_keys(dir: &Path) -> anyhow::Result<(Params, ProvingKey<Bn254>, VerifyingKey<Bn254>)> {
    let params: Params = serde_json::from_slice(&read(&dir.join("params.json"))?)?;
    let pb = spinner("loading proving key");
    let pk = groth::pk_from_bytes(&read(&key_file(dir, "proving_key")?.1)?)?;
    pb.finish_and_clear();
    let (_, vk) = load_vk(dir)?;
    Ok((params, pk, vk))
}

/// The circuit parameters and verifying key of a keys directory (`setup` or `ceremony import`
/// output).
pub fn load_vk(dir: &Path) -> anyhow::Result<(Params, VerifyingKey<Bn254>)> {
    let params: Params = serde_json::from_slice(&read(&dir.join("params.json"))?)?;
    let vk = groth::from_bytes(&read(&key_file(dir, "verifying_key")?.1)?)?;
    Ok((params, vk))
}

/// A label of the keys in `dir` for generated files: their origin and circuit shape.
fn keys_label(dir: &Path, params: Params) -> anyhow::Result<String> {
    let origin = match key_file(dir, "verifying_key")?.0 {
        KeyOrigin::Ceremony => "keys of a phase-2 ceremony".to_string(),
        KeyOrigin::Insecure => format!("{INSECURE} test keys"),
    };
    Ok(format!("{origin}, {} slots, depths {}/{}", params.batch_size, params.state_depth, params.defs_depth))
}

fn load_proof(dir: &Path) -> anyhow::Result<(Proof<Bn254>, Vec<Fr>)> {
    let proof = groth::from_bytes(&read(&dir.join("proof.bin"))?)?;
    let public: Vec<String> = serde_json::from_slice(&read(&dir.join("public.json"))?)?;
    let public = public.iter().map(|s| crate::state::fr_from_dec(s)).collect::<Result<_, String>>().map_err(|e| anyhow::anyhow!("public.json: {e}"))?;
    Ok((proof, public))
}

fn prove_with_bar(pk: &ProvingKey<Bn254>, batch: &Batch, randomness: ProofRandomness) -> anyhow::Result<Proof<Bn254>> {
    let pb = spinner(&format!("proving batch of {} transitions ({} slots)", batch.steps.len(), batch.params.batch_size));
    let proof = groth::prove(pk, batch, randomness)?;
    pb.finish_with_message(format!("proved {} transitions", batch.steps.len()));
    Ok(proof)
}

/// Peak resident memory of this process in KiB (`VmHWM` of /proc/self/status; 0 if unknown).
pub fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Runs one prover command. Errors: unreadable/invalid files, a failed proof check (verify),
/// a walk that cannot fill the batch.
pub fn run(cmd: ProverCmd) -> anyhow::Result<()> {
    match cmd {
        ProverCmd::Setup { out, batch_size, state_depth, defs_depth, seed } => {
            anyhow::ensure!((1..=32).contains(&state_depth) && (1..=32).contains(&defs_depth), "depths must be 1..=32");
            anyhow::ensure!(batch_size >= 1, "batch size must be at least 1");
            let params = Params { state_depth, defs_depth, batch_size };
            let n = groth::count_constraints(params);
            eprintln!("circuit: {n} constraints ({batch_size} slots, depths {state_depth}/{defs_depth})");
            eprintln!("WARNING: {INSECURE} test keys from the public seed {seed}: anyone can forge proofs for them. Use a phase-2 ceremony for real keys (docs/prover.md).");
            let pb = spinner("generating Groth16 keys");
            let (pk, vk) = groth::setup_insecure(params, seed)?;
            pb.finish_with_message("keys generated");
            write(&out.join("params.json"), serde_json::to_vec_pretty(&params)?)?;
            write(&out.join(format!("proving_key.{INSECURE}.bin")), groth::pk_to_bytes(&pk))?;
            write(&out.join(format!("verifying_key.{INSECURE}.bin")), groth::to_bytes(&vk))?;
            println!("wrote {INSECURE} keys to {}", out.display());
        }
        ProverCmd::Ceremony { cmd: CeremonyCmd::R1cs { out, shape } } => {
            let params = shape.params()?;
            std::fs::create_dir_all(&out).map_err(|e| anyhow::anyhow!("{}: {e}", out.display()))?;
            let path = out.join("circuit.r1cs");
            let file = std::fs::File::create(&path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            let pb = spinner("synthesizing the circuit");
            let sum = crate::ceremony::write_r1cs(params, std::io::BufWriter::new(file))?;
            pb.finish_and_clear();
            write(&out.join("params.json"), serde_json::to_vec_pretty(&params)?)?;
            println!(
                "wrote {} ({} constraints, {} wires, {} public inputs) and params.json; the powers of tau must have power >= {}",
                path.display(), sum.constraints, sum.wires, sum.public_inputs, sum.power
            );
        }
        ProverCmd::Ceremony { cmd: CeremonyCmd::Import { zkey, params, out } } => {
            let params: Params = serde_json::from_slice(&read(&params)?).map_err(|e| anyhow::anyhow!("{}: {e}", params.display()))?;
            let file = std::fs::File::open(&zkey).map_err(|e| anyhow::anyhow!("{}: {e}", zkey.display()))?;
            let pb = spinner("reading and checking the zkey");
            let key = crate::ceremony::read_zkey(&mut std::io::BufReader::new(file), params).map_err(|e| anyhow::anyhow!("{}: {e}", zkey.display()))?;
            pb.finish_and_clear();
            for stale in ["proving_key", "verifying_key"].map(|k| out.join(format!("{k}.{INSECURE}.bin"))) {
                anyhow::ensure!(!stale.exists(), "{} holds {INSECURE} test keys ({}): import into another directory", out.display(), stale.display());
            }
            write(&out.join("params.json"), serde_json::to_vec_pretty(&params)?)?;
            write(&out.join("proving_key.bin"), groth::pk_to_bytes(&key.pk))?;
            write(&out.join("verifying_key.bin"), groth::to_bytes(&key.pk.vk))?;
            write(
                &out.join("ceremony.json"),
                serde_json::to_vec_pretty(&serde_json::json!({"zkey": zkey.display().to_string(), "contributions": key.contributions, "domainSize": key.domain_size}))?,
            )?;
            println!("imported {} ({} contributions, domain {}) into {}", zkey.display(), key.contributions, key.domain_size, out.display());
        }
        ProverCmd::Prove { keys, node, batch, witness, demo, out, seed, proof_seed } => {
            let (params, pk, vk) = load_keys(&keys)?;
            let mut chain_header = None;
            let batch: Batch = match (node, batch, witness) {
                (Some(url), Some(number), _) => {
                    let node = crate::chain::Node::new(&url);
                    let (batch, header) = crate::chain::batch_from_chain(&node, params, number)?;
                    eprintln!("batch {number} read from {url}: {} transitions, blocks {}..={}, {:?}", header.transitions, header.first_block, header.sealed_at, header.status);
                    chain_header = Some(header);
                    batch
                }
                (_, _, Some(w)) => serde_json::from_slice(&read(&w)?)?,
                _ => {
                    let mut walk = Walk::new(params, seed);
                    walk.batch(params, demo.unwrap_or(params.batch_size))?
                }
            };
            anyhow::ensure!(batch.params == params, "batch is for {:?}, keys for {:?}", batch.params, params);
            let randomness = proof_seed.map_or(ProofRandomness::Os, ProofRandomness::Seeded);
            let proof = prove_with_bar(&pk, &batch, randomness)?;
            anyhow::ensure!(groth::verify(&vk, &batch.public_inputs(), &proof)?, "the new proof does not verify (invalid witness?)");
            write(&out.join("proof.bin"), groth::to_bytes(&proof))?;
            write(&out.join("public.json"), serde_json::to_vec_pretty(&export::snarkjs_public(&batch.public_inputs()))?)?;
            write(&out.join("batch.json"), serde_json::to_vec_pretty(&batch)?)?;
            println!("proof of {} transitions written to {}", batch.steps.len(), out.display());
            if let Some(h) = chain_header {
                let pallet_root = fr_from_bytes(&h.new_root).map(|r| fr_to_dec(&r)).unwrap_or_default();
                println!("batch {}: the proof verifies; its new root    {}", h.number, fr_to_dec(&batch.new_root));
                println!("batch {}: the rollup pallet's sealed new root {pallet_root}", h.number);
            }
        }
        ProverCmd::Verify { keys, proof } => {
            let (_, vk) = load_vk(&keys)?;
            let (p, public) = load_proof(&proof)?;
            anyhow::ensure!(groth::verify(&vk, &public, &p)?, "proof INVALID");
            println!("proof valid");
        }
        ProverCmd::Export { keys, proof, out } => {
            let (params, vk) = load_vk(&keys)?;
            let label = keys_label(&keys, params)?;
            write(&out.join("verification_key.json"), serde_json::to_vec_pretty(&export::snarkjs_vk(&vk))?)?;
            write(&out.join("Verifier.sol"), export::solidity_verifier(&vk, &label)?)?;
            if let Some(pdir) = proof {
                let (p, public) = load_proof(&pdir)?;
                write(&out.join("proof.json"), serde_json::to_vec_pretty(&export::snarkjs_proof(&p))?)?;
                write(&out.join("public.json"), serde_json::to_vec_pretty(&export::snarkjs_public(&public))?)?;
                let (a, b, c) = export::solidity_calldata(&p);
                let pubs: Vec<String> = public.iter().map(fr_to_dec).collect();
                write(&out.join("calldata.json"), serde_json::to_vec_pretty(&serde_json::json!({"pA": a, "pB": b, "pC": c, "pubSignals": pubs}))?)?;
            }
            println!("exported to {}", out.display());
        }
        ProverCmd::Fixtures { keys, verifier_out, fixtures_out, batches, seed, json_out } => {
            let (params, pk, vk) = load_keys(&keys)?;
            let label = format!("{INSECURE} test keys (seeded), {} slots, depths {}/{}", params.batch_size, params.state_depth, params.defs_depth);
            write(&verifier_out.join("Verifier.sol"), export::solidity_verifier(&vk, &label)?)?;
            let mut walk = Walk::new(params, seed);
            let genesis = walk.state.root();
            let bar = ProgressBar::new(batches as u64);
            bar.set_style(ProgressStyle::with_template("{bar:30} {pos}/{len} batches proved [{elapsed}]")?);
            let mut cases = String::new();
            let mut json = Vec::new();
            for i in 0..batches {
                // the last batch is partly padding (fewer transitions than slots)
                let n = if i + 1 == batches && params.batch_size > 1 { params.batch_size - 1 } else { params.batch_size };
                let batch = walk.batch(params, n)?;
                let proof = groth::prove(&pk, &batch, ProofRandomness::Seeded(seed + i as u64))?;
                anyhow::ensure!(groth::verify(&vk, &batch.public_inputs(), &proof)?);
                let (a, b, c) = export::solidity_calldata(&proof);
                let data: String = batch.records().iter().map(|r| hex(&r.to_be_bytes()[4..])).collect();
                cases += &format!(
                    "        if (i == {i}) {{\n            f.oldRoot = {};\n            f.newRoot = {};\n            f.defsRoot = {};\n            f.commitment = {};\n            f.a = [uint256({}), {}];\n            f.b = [[uint256({}), {}], [uint256({}), {}]];\n            f.c = [uint256({}), {}];\n            f.data = hex\"{data}\";\n            f.transitions = {};\n            return f;\n        }}\n",
                    fr_to_dec(&batch.old_root), fr_to_dec(&batch.new_root), fr_to_dec(&batch.defs_root), fr_to_dec(&batch.commitment),
                    a[0], a[1], b[0][0], b[0][1], b[1][0], b[1][1], c[0], c[1], batch.steps.len()
                );
                json.push(serde_json::json!({
                    "oldRoot": fr_to_dec(&batch.old_root), "newRoot": fr_to_dec(&batch.new_root),
                    "defsRoot": fr_to_dec(&batch.defs_root), "commitment": fr_to_dec(&batch.commitment),
                    "pA": a, "pB": b, "pC": c, "data": format!("0x{data}"), "transitions": batch.steps.len(),
                }));
                bar.inc(1);
            }
            bar.finish();
            let sol = format!(
                "// SPDX-License-Identifier: Apache-2.0\n// GENERATED by `alstra-prover fixtures --batches {batches} --seed {seed}` with {INSECURE} seeded test keys\n// ({} slots, depths {}/{}): consecutive batches walked on real BPMN models. Do not edit.\npragma solidity ^0.8.24;\n\n/// @notice Real batches and Groth16 proofs exported by alstra-prover (test fixtures).\nlibrary BatchFixtures {{\n    struct Batch {{\n        uint256 oldRoot;\n        uint256 newRoot;\n        uint256 defsRoot;\n        uint256 commitment;\n        uint256[2] a;\n        uint256[2][2] b;\n        uint256[2] c;\n        bytes data;\n        uint256 transitions;\n    }}\n\n    uint256 internal constant COUNT = {batches};\n    uint256 internal constant BATCH_SIZE = {};\n    uint256 internal constant GENESIS_ROOT = {};\n\n    function get(uint256 i) internal pure returns (Batch memory f) {{\n{cases}        revert(\"no such fixture\");\n    }}\n}}\n",
                params.batch_size, params.state_depth, params.defs_depth, params.batch_size, fr_to_dec(&genesis)
            );
            write(&fixtures_out.join("BatchFixtures.sol"), sol)?;
            if let Some(file) = json_out {
                let doc = serde_json::json!({"genesisRoot": fr_to_dec(&genesis), "batchSize": params.batch_size, "batches": json});
                write(&file, serde_json::to_vec_pretty(&doc)?)?;
                println!("wrote {}", file.display());
            }
            println!("wrote {} and {}", verifier_out.join("Verifier.sol").display(), fixtures_out.join("BatchFixtures.sol").display());
        }
        ProverCmd::Bench { batch_size, depth } => {
            let params = Params { state_depth: depth, defs_depth: depth, batch_size };
            let constraints = groth::count_constraints(params);
            let t = Instant::now();
            let (pk, vk) = groth::setup_insecure(params, 1)?;
            let setup_s = t.elapsed().as_secs_f64();
            let mut walk = Walk::new(params, 3);
            let batch = walk.batch(params, batch_size)?;
            let t = Instant::now();
            let proof = groth::prove(&pk, &batch, ProofRandomness::Seeded(5))?;
            let prove_s = t.elapsed().as_secs_f64();
            let t = Instant::now();
            anyhow::ensure!(groth::verify(&vk, &batch.public_inputs(), &proof)?);
            let verify_ms = t.elapsed().as_secs_f64() * 1e3;
            println!(
                "{}",
                serde_json::json!({"batch_size": batch_size, "depth": depth, "constraints": constraints,
                    "constraints_per_transition": constraints / batch_size, "setup_s": setup_s,
                    "prove_s": prove_s, "verify_ms": verify_ms, "peak_rss_mib": peak_rss_kib() / 1024})
            );
        }
    }
    Ok(())
}
