//! `alstra-prover`: the prover CLI on its own (the same commands as `alstra prover ...`).

use clap::Parser;

#[derive(Parser)]
#[command(name = "alstra-prover", version, about = "Groth16 validity proofs of AlstraNet BPM batches")]
struct Cli {
    #[command(subcommand)]
    cmd: alstra_prover::cli::ProverCmd,
}

fn main() -> anyhow::Result<()> {
    alstra_prover::cli::run(Cli::parse().cmd)
}
