//! Command-line interface of `alstranet-node`.

use polkadot_sdk::sc_cli;

/// `alstranet-node [SUBCOMMAND] [OPTIONS]`: without a subcommand the node runs.
#[derive(Debug, clap::Parser)]
pub struct Cli {
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	#[clap(flatten)]
	pub run: sc_cli::RunCmd,

	#[clap(flatten)]
	pub eth_rpc: EthRpcParams,

	#[clap(flatten)]
	pub auditor: crate::auditor::AuditorParams,
}

/// Options of the managed Ethereum JSON-RPC endpoint (MetaMask, Hardhat, ethers, Foundry).
#[derive(Debug, Clone, clap::Args)]
pub struct EthRpcParams {
	/// Serve an Ethereum JSON-RPC endpoint (`pallet-revive-eth-rpc`) next to the node.
	///
	/// The node starts `alstranet-node eth-rpc` as a child process connected to its own
	/// Substrate RPC, restarts it if it exits, and stops it when the node stops. Unless
	/// `--state-pruning` is given, this flag makes the node an archive node, because the
	/// endpoint serves receipts and `eth_call` at past blocks.
	#[arg(long)]
	pub eth_rpc: bool,

	/// TCP port of the Ethereum JSON-RPC endpoint (HTTP and WebSocket), on 127.0.0.1 unless
	/// `--rpc-external` is given.
	#[arg(long, value_name = "PORT", default_value_t = 8545)]
	pub eth_rpc_port: u16,

	/// TCP port of the Ethereum endpoint's own Prometheus metrics (`/metrics`), on the same
	/// interface as the node's Prometheus endpoint. Give each node on one machine its own port.
	/// Without Prometheus on the node (`--no-prometheus`), the endpoint has none either.
	#[arg(long, value_name = "PORT", default_value_t = 9616)]
	pub eth_rpc_prometheus_port: u16,
}

#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management cli utilities
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Build a chain specification (kept for existing tooling such as zombienet; prefer
	/// `export-chain-spec`).
	BuildSpec(sc_cli::BuildSpecCmd),

	/// Export the chain specification.
	ExportChainSpec(sc_cli::ExportChainSpecCmd),

	/// Build the chain spec of a consortium's chain from a description of its organisations
	/// (validators' session keys, council seats, nodes, EVM chain id); `--raw` for the form every
	/// node is started with. See README.md, "A consortium chain spec".
	ConsortiumSpec(crate::consortium::ConsortiumSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a given block into a chain spec.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Db meta columns information.
	ChainInfo(sc_cli::ChainInfoCmd),

	/// Run the Ethereum JSON-RPC server (`pallet-revive-eth-rpc`) against a running node.
	///
	/// `alstranet-node --eth-rpc` starts it for you; run it by hand to serve the endpoint from
	/// another machine or with other options.
	EthRpc(pallet_revive_eth_rpc::cli::CliCommand),

	/// Sub-commands concerned with benchmarking.
	#[cfg(feature = "runtime-benchmarks")]
	#[command(subcommand)]
	Benchmark(polkadot_sdk::frame_benchmarking_cli::BenchmarkCmd),
}
