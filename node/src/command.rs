//! Dispatch of the command line: run the node or one of the `sc-cli` subcommands.

use crate::{
	chain_spec,
	cli::{Cli, Subcommand},
	service,
};
use polkadot_sdk::{
	sc_cli::{self, Database, DatabaseParams, DatabasePruningMode, SubstrateCli},
	sc_service::PartialComponents,
	*,
};

impl SubstrateCli for Cli {
	fn impl_name() -> String {
		"AlstraNet Node".into()
	}

	fn impl_version() -> String {
		env!("SUBSTRATE_CLI_IMPL_VERSION").into()
	}

	fn description() -> String {
		env!("CARGO_PKG_DESCRIPTION").into()
	}

	fn author() -> String {
		env!("CARGO_PKG_AUTHORS").into()
	}

	fn support_url() -> String {
		"https://alstranet.example/alstranet/issues".into()
	}

	fn copyright_start_year() -> i32 {
		2026
	}

	/// `dev` and `local` are built in; anything else is the path of a chain-spec JSON file.
	fn load_spec(&self, id: &str) -> Result<Box<dyn sc_service::ChainSpec>, String> {
		Ok(match id {
			"dev" => Box::new(chain_spec::development_chain_spec()?),
			"" | "local" => Box::new(chain_spec::local_chain_spec()?),
			path => Box::new(
				chain_spec::ChainSpec::from_json_file(std::path::PathBuf::from(path)).map_err(
					|e| format!("cannot load the chain spec `{path}`: {e}"),
				)?,
			),
		})
	}
}

/// AlstraNet stores the chain in ParityDb unless `--database` says otherwise (RocksDB is only
/// compiled in because a dependency of the Ethereum endpoint enables it).
fn default_to_paritydb(params: &mut DatabaseParams) {
	params.database.get_or_insert(Database::ParityDb);
}

/// Parse and run command line arguments.
pub fn run() -> sc_cli::Result<()> {
	let mut cli = Cli::from_args();
	default_to_paritydb(&mut cli.run.import_params.database_params);
	// The Ethereum endpoint serves receipts and state at past blocks: keep them all unless the
	// operator chose a pruning mode.
	if cli.eth_rpc.eth_rpc && cli.run.import_params.pruning_params.state_pruning.is_none() {
		cli.run.import_params.pruning_params.state_pruning = Some(DatabasePruningMode::Archive);
	}

	match &mut cli.subcommand {
		Some(Subcommand::CheckBlock(cmd)) => default_to_paritydb(&mut cmd.import_params.database_params),
		Some(Subcommand::ImportBlocks(cmd)) =>
			default_to_paritydb(&mut cmd.import_params.database_params),
		Some(Subcommand::ExportBlocks(cmd)) => default_to_paritydb(&mut cmd.database_params),
		Some(Subcommand::ExportState(cmd)) => default_to_paritydb(&mut cmd.database_params),
		Some(Subcommand::PurgeChain(cmd)) => default_to_paritydb(&mut cmd.database_params),
		Some(Subcommand::Revert(cmd)) => default_to_paritydb(&mut cmd.database_params),
		Some(Subcommand::ChainInfo(cmd)) => default_to_paritydb(&mut cmd.database_params),
		_ => {},
	}
	if let Some(Subcommand::EthRpc(_)) = &cli.subcommand {
		let Some(Subcommand::EthRpc(cmd)) = cli.subcommand.take() else { unreachable!() };
		// the runtime's own transaction refusals, in words (plain transfers of the native unit)
		pallet_revive_eth_rpc::client::set_invalid_transaction_messages(|code| {
			(code == alstranet_runtime::VALUE_TRANSFER_REFUSED).then_some(alstranet_runtime::VALUE_TRANSFER_REFUSED_MESSAGE)
		});
		return pallet_revive_eth_rpc::cli::run(cmd)
			.map_err(|e| sc_cli::Error::Application(e.into()));
	}

	match &cli.subcommand {
		Some(Subcommand::Key(cmd)) => cmd.run(&cli),
		#[allow(deprecated)]
		Some(Subcommand::BuildSpec(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run(config.chain_spec, config.network))
		},
		Some(Subcommand::ExportChainSpec(cmd)) => {
			let chain_spec = cli.load_spec(&cmd.chain)?;
			cmd.run(chain_spec)
		},
		Some(Subcommand::ConsortiumSpec(cmd)) => {
			// a plain message (file, organisation, field), not sc-cli's `Error: Input("…")`
			if let Err(e) = cmd.run() {
				eprintln!("error: {e}");
				std::process::exit(1);
			}
			Ok(())
		},
		Some(Subcommand::CheckBlock(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, import_queue, .. } =
					service::new_partial(&config)?;
				Ok((cmd.run(client, import_queue), task_manager))
			})
		},
		Some(Subcommand::ExportBlocks(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, .. } = service::new_partial(&config)?;
				Ok((cmd.run(client, config.database), task_manager))
			})
		},
		Some(Subcommand::ExportState(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, .. } = service::new_partial(&config)?;
				Ok((cmd.run(client, config.chain_spec), task_manager))
			})
		},
		Some(Subcommand::ImportBlocks(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, import_queue, .. } =
					service::new_partial(&config)?;
				Ok((cmd.run(client, import_queue), task_manager))
			})
		},
		Some(Subcommand::PurgeChain(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run(config.database))
		},
		Some(Subcommand::Revert(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, backend, .. } =
					service::new_partial(&config)?;
				let aux_revert = Box::new(|client, _, blocks| {
					sc_consensus_grandpa::revert(client, blocks)?;
					Ok(())
				});
				Ok((cmd.run(client, backend, Some(aux_revert)), task_manager))
			})
		},
		Some(Subcommand::ChainInfo(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run::<alstranet_runtime::opaque::Block>(&config))
		},
		Some(Subcommand::EthRpc(_)) => unreachable!("handled above"),
		#[cfg(feature = "runtime-benchmarks")]
		Some(Subcommand::Benchmark(cmd)) => {
			use frame_benchmarking_cli::BenchmarkCmd;
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| match cmd {
				BenchmarkCmd::Pallet(cmd) => cmd
					.run_with_spec::<sp_runtime::traits::HashingFor<alstranet_runtime::opaque::Block>, ()>(
						Some(config.chain_spec),
					),
				BenchmarkCmd::Machine(cmd) =>
					cmd.run(&config, frame_benchmarking_cli::SUBSTRATE_REFERENCE_HARDWARE.clone()),
				_ => Err("only `benchmark pallet` and `benchmark machine` are supported; use \
				          frame-omni-bencher for the others"
					.into()),
			})
		},
		None => {
			// Every node runs its offchain worker, validator or not: pallet-node-authorization's
			// worker is what applies the on-chain node permissioning to this node's peer set
			// (MEMB_001/MEMB_002). sc-cli's default (`when-authority`) would leave regular nodes
			// open to any peer; `--offchain-worker never` still turns it off explicitly.
			if matches!(
				cli.run.offchain_worker_params.enabled,
				sc_cli::OffchainWorkerEnabled::WhenAuthority
			) {
				cli.run.offchain_worker_params.enabled = sc_cli::OffchainWorkerEnabled::Always;
			}
			// Node permissioning needs the libp2p network backend, which is the default here.
			// sc-network 0.60's litep2p backend keeps a peer connected after it leaves the
			// reserved set in reserved-only mode (measured: a node removed by the council kept
			// its peers for minutes; with libp2p it has none within a block), so a removed node
			// would stay in the network. `--network-backend litep2p` still selects litep2p.
			let backend_given = std::env::args_os()
				.any(|a| a.to_string_lossy().starts_with("--network-backend"));
			if !backend_given {
				cli.run.network_params.network_backend = sc_cli::NetworkBackendType::Libp2p;
			}
			// A read-only auditor node: no authoring, safe RPC methods, no submissions.
			crate::auditor::apply(&cli.auditor, &mut cli.run).map_err(sc_cli::Error::Input)?;
			let auditor = cli.auditor.auditor;
			let eth_rpc = cli.eth_rpc.clone();
			let runner = cli.create_runner(&cli.run)?;
			runner.run_node_until_exit(|config| async move {
				match config.network.network_backend {
					sc_network::config::NetworkBackendType::Libp2p => service::new_full::<
						sc_network::NetworkWorker<
							alstranet_runtime::opaque::Block,
							<alstranet_runtime::opaque::Block as sp_runtime::traits::Block>::Hash,
						>,
					>(config, eth_rpc, auditor)
					.map_err(sc_cli::Error::Service),
					sc_network::config::NetworkBackendType::Litep2p =>
						service::new_full::<sc_network::Litep2pNetworkBackend>(config, eth_rpc, auditor)
							.map_err(sc_cli::Error::Service),
				}
			})
		},
	}
}
