//! The indexer against an in-memory chain that can be reorganised: analytics of a known history,
//! restarts, reorganisations before finality, a chain that changes while a range is read, and
//! the API's answers to bad input.

use alloy::primitives::{keccak256, Address, Log as PrimLog, LogData, B256, U256};
use alloy::rpc::types::Log;
use alloy::sol_types::SolEvent;
use alstra_indexer::api::router;
use alstra_indexer::follow::{Indexer, Step};
use alstra_indexer::source::contracts::execution::ProcessExecution as PE;
use alstra_indexer::source::{BlockRef, DefinitionMeta, ElementMeta, Source};
use alstra_indexer::store::Store;
use anyhow::Result;
use http_body_util::BodyExt;
use std::sync::Mutex;
use tower::ServiceExt;

/// A block: its timestamp and its engine events.
#[derive(Clone)]
struct Blk {
	hash: B256,
	timestamp: u64,
	events: Vec<LogData>,
}

/// An in-memory chain; `fork_on_logs` replaces blocks from its number on while `logs` is read.
struct Mem {
	blocks: Mutex<Vec<Blk>>,
	finalized: Mutex<u64>,
	fork_on_logs: Mutex<Option<(u64, Vec<Blk>)>>,
	/// Logs of retracted blocks (number, hash) that `logs` still returns, as eth-rpc does until
	/// finality prunes them.
	stale: Mutex<Vec<(u64, B256, LogData)>>,
}

fn blk(salt: &str, timestamp: u64, events: Vec<LogData>) -> Blk {
	Blk { hash: keccak256(format!("{salt}/{timestamp}")), timestamp, events }
}

impl Mem {
	fn new(blocks: Vec<Blk>) -> Mem {
		Mem { blocks: Mutex::new(blocks), finalized: Mutex::new(0), fork_on_logs: Mutex::new(None), stale: Mutex::new(Vec::new()) }
	}
	/// Replaces every block from `at` on with `new`.
	fn fork(&self, at: u64, new: Vec<Blk>) {
		let mut b = self.blocks.lock().unwrap();
		b.truncate(at as usize);
		b.extend(new);
	}
}

impl Source for &Mem {
	async fn head(&self) -> Result<u64> {
		Ok(self.blocks.lock().unwrap().len() as u64 - 1)
	}
	async fn finalized(&self) -> Result<u64> {
		Ok(*self.finalized.lock().unwrap())
	}
	async fn block(&self, n: u64) -> Result<Option<BlockRef>> {
		Ok(self.blocks.lock().unwrap().get(n as usize).map(|b| BlockRef { number: n, hash: b.hash, timestamp: b.timestamp }))
	}
	async fn logs(&self, from: u64, to: u64) -> Result<Vec<Log>> {
		let mut out = Vec::new();
		for (n, b) in self.blocks.lock().unwrap().iter().enumerate().skip(from as usize).take((to - from + 1) as usize) {
			for (i, data) in b.events.iter().enumerate() {
				out.push(Log {
					inner: PrimLog { address: Address::repeat_byte(0xee), data: data.clone() },
					block_hash: Some(b.hash),
					block_number: Some(n as u64),
					block_timestamp: None,
					transaction_hash: Some(keccak256([b.hash.as_slice(), &[i as u8]].concat())),
					transaction_index: Some(i as u64),
					log_index: Some(i as u64),
					removed: false,
				});
			}
		}
		for (n, hash, data) in self.stale.lock().unwrap().iter().filter(|(n, ..)| (from..=to).contains(n)) {
			out.push(Log {
				inner: PrimLog { address: Address::repeat_byte(0xee), data: data.clone() },
				block_hash: Some(*hash),
				block_number: Some(*n),
				block_timestamp: None,
				transaction_hash: Some(keccak256(hash)),
				transaction_index: Some(0),
				log_index: Some(0),
				removed: false,
			});
		}
		if let Some((at, new)) = self.fork_on_logs.lock().unwrap().take() {
			self.fork(at, new);
		}
		out.reverse(); // eth_getLogs promises no order
		Ok(out)
	}
	async fn definition(&self, id: u64) -> Result<DefinitionMeta> {
		assert_eq!(id, 1, "only definition 1 exists");
		let el = |id: &str, name: &str, kind: u8, role: &str, pre: u8, post: Option<u8>| ElementMeta {
			bpmn_id: id.into(),
			name: name.into(),
			kind,
			scope: 0,
			role: role.into(),
			preset: if pre == 255 { U256::ZERO } else { U256::from(1) << pre },
			postset: post.map(|p| U256::from(1) << p).unwrap_or_default(),
		};
		Ok(DefinitionMeta {
			id: 1,
			name: "Invoice".into(),
			version: 1,
			elements: vec![
				el("approve", "Approve invoice", 0, "Approver", 0, Some(1)),
				el("pay", "Pay invoice", 0, "Accountant", 1, Some(2)),
				el("start", "", 10, "", 255, Some(0)),
				el("end", "", 12, "", 2, None),
			],
		})
	}
}

const ALICE: Address = Address::repeat_byte(0xa1);
const BOB: Address = Address::repeat_byte(0xb0);
const CAROL: Address = Address::repeat_byte(0xca);
const DAVE: Address = Address::repeat_byte(0xda);

fn started(i: u64) -> LogData {
	PE::InstanceStarted { instanceId: U256::from(i), definitionId: U256::from(1), starter: ALICE, parentInstance: U256::ZERO }
		.encode_log_data()
}
fn fired(i: u64, element: u16, kind: u8, actor: Address, consumed: u8, produced: Option<u8>) -> LogData {
	PE::ElementFired {
		instanceId: U256::from(i),
		element,
		kind,
		actor,
		consumed: if consumed == 255 { U256::ZERO } else { U256::from(1) << consumed },
		produced: produced.map(|p| U256::from(1) << p).unwrap_or_default(),
	}
	.encode_log_data()
}
fn completed(i: u64) -> LogData {
	PE::InstanceCompleted { instanceId: U256::from(i) }.encode_log_data()
}

/// Instance 1 starts at t=100 (block 1), Approve by bob at 160 (block 3), Pay by carol and the end
/// at 400 (block 6); instance 2 starts at 200 (block 4) and waits at Approve.
fn history() -> Vec<Blk> {
	vec![
		blk("a", 0, vec![]),
		blk("a", 100, vec![started(1), fired(1, 2, 10, ALICE, 255, Some(0))]),
		blk("a", 130, vec![]),
		blk("a", 160, vec![fired(1, 0, 0, BOB, 0, Some(1))]),
		blk("a", 200, vec![started(2), fired(2, 2, 10, ALICE, 255, Some(0))]),
		blk("a", 300, vec![]),
		blk("a", 400, vec![fired(1, 1, 0, CAROL, 1, Some(2)), fired(1, 3, 12, CAROL, 2, None), completed(1)]),
		blk("a", 460, vec![]),
	]
}

async fn store(dir: &tempfile::TempDir, name: &str) -> Store {
	Store::open(&format!("sqlite://{}", dir.path().join(name).display())).await.unwrap()
}

async fn analytics(store: &Store) -> serde_json::Value {
	let def = store.definition(1).await.unwrap().expect("definition 1 indexed");
	let events = store.definition_events(1).await.unwrap();
	serde_json::to_value(alstra_indexer::analytics::analyse(&def, &events)).unwrap()
}

#[tokio::test]
async fn indexes_a_history_and_analyses_it() {
	let dir = tempfile::tempdir().unwrap();
	let chain = Mem::new(history());
	let ix = Indexer::new(&chain, store(&dir, "a.db").await);
	ix.sync().await.unwrap();
	assert_eq!(ix.store.cursor().await.unwrap().map(|c| c.0), Some(7));
	let a = analytics(&ix.store).await;
	assert_eq!(a["instances"], serde_json::json!({ "running": 1, "completed": 1, "terminated": 0 }));
	assert_eq!(a["cycleTime"]["count"], 1);
	assert_eq!(a["cycleTime"]["total"], 300, "instance 1 ran from t=100 to t=400");
	let tasks = a["tasks"].as_array().unwrap();
	assert_eq!(tasks.len(), 2);
	assert_eq!((tasks[0]["bpmnId"].as_str(), tasks[0]["duration"]["total"].as_u64()), (Some("approve"), Some(60)));
	assert_eq!((tasks[1]["bpmnId"].as_str(), tasks[1]["duration"]["total"].as_u64()), (Some("pay"), Some(240)));
	assert_eq!(tasks[0]["waitingNow"], 1, "instance 2 waits at Approve");
	assert_eq!(tasks[0]["oldestWaitingSince"], 200);
	assert_eq!(tasks[1]["waitingNow"], 0);
	assert_eq!(a["bottlenecks"], serde_json::json!([1, 0]), "Pay took 240 of 300 task seconds");
	let roles = a["roles"].as_array().unwrap();
	assert_eq!((roles[0]["role"].as_str(), roles[0]["waiting"]["mean"].as_f64()), (Some("Accountant"), Some(240.0)));
	assert_eq!((roles[1]["role"].as_str(), roles[1]["waitingNow"].as_u64()), (Some("Approver"), Some(1)));
	// chain order within a block, whatever order eth_getLogs answered in
	let trail = ix.store.instance_events(1).await.unwrap();
	let names: Vec<_> = trail.iter().map(|e| e.event.as_str()).collect();
	assert_eq!(names, ["InstanceStarted", "ElementFired", "ElementFired", "ElementFired", "ElementFired", "InstanceCompleted"]);
	assert_eq!(trail[3].actor.as_deref(), Some(format!("{CAROL:#x}").as_str()));
}

#[tokio::test]
async fn a_restart_resumes_at_the_cursor_without_gaps_or_repeats() {
	let dir = tempfile::tempdir().unwrap();
	let chain = Mem::new(history());
	{
		let ix = Indexer { max_range: 2, ..Indexer::new(&chain, store(&dir, "r.db").await) };
		assert_eq!(ix.step().await.unwrap(), Step::Indexed { from: 0, to: 1, events: 2 });
		assert_eq!(ix.step().await.unwrap(), Step::Indexed { from: 2, to: 3, events: 1 });
	} // stopped here
	let ix = Indexer { max_range: 2, ..Indexer::new(&chain, store(&dir, "r.db").await) };
	assert_eq!(ix.step().await.unwrap(), Step::Indexed { from: 4, to: 5, events: 2 }, "resumes after block 3");
	ix.sync().await.unwrap();
	let resumed = ix.store.definition_events(1).await.unwrap();
	let once = Indexer::new(&chain, store(&dir, "once.db").await);
	once.sync().await.unwrap();
	assert_eq!(resumed, once.store.definition_events(1).await.unwrap(), "the same events as one uninterrupted run");
	assert_eq!(resumed.len(), 8);
	// writing a range again (a step repeated after a crash before its commit returned) adds nothing
	let batch = alstra_indexer::store::Batch {
		events: vec![alstra_indexer::events::decode(&(&chain).logs(6, 6).await.unwrap()[0], 400).unwrap().unwrap()],
		..Default::default()
	};
	ix.store.commit(&batch).await.unwrap();
	assert_eq!(ix.store.status().await.unwrap().events, 8);
}

#[tokio::test]
async fn a_reorganisation_before_finality_is_rolled_back_and_indexed_again() {
	let dir = tempfile::tempdir().unwrap();
	let chain = Mem::new(history());
	*chain.finalized.lock().unwrap() = 4;
	let ix = Indexer::new(&chain, store(&dir, "f.db").await);
	ix.sync().await.unwrap();
	// blocks 5.. are replaced: on the new chain dave pays at t=500 (block 7), not carol at 400
	chain.fork(
		5,
		vec![
			blk("b", 300, vec![]),
			blk("b", 400, vec![]),
			blk("b", 500, vec![fired(1, 1, 0, DAVE, 1, Some(2)), fired(1, 3, 12, DAVE, 2, None), completed(1)]),
			blk("b", 560, vec![]),
		],
	);
	assert_eq!(ix.step().await.unwrap(), Step::RolledBack { fork: Some(4) }, "block 4 (with events) is still on the chain");
	ix.sync().await.unwrap();
	let trail = ix.store.instance_events(1).await.unwrap();
	assert_eq!(trail.len(), 6, "carol's firing is gone, dave's is there: {trail:?}");
	assert!(trail.iter().all(|e| e.actor.as_deref() != Some(format!("{CAROL:#x}").as_str())));
	assert_eq!(trail[3].block, 7);
	let a = analytics(&ix.store).await;
	assert_eq!(a["cycleTime"]["total"], 400);
	assert_eq!(a["tasks"][1]["duration"]["total"], 340);
	// a reorganisation below every indexed block: back to the start, then the new chain whole
	chain.fork(1, vec![blk("c", 100, vec![]), blk("c", 120, vec![started(1), fired(1, 2, 10, ALICE, 255, Some(0))])]);
	*chain.finalized.lock().unwrap() = 0;
	assert_eq!(ix.step().await.unwrap(), Step::RolledBack { fork: None });
	ix.sync().await.unwrap();
	assert_eq!(ix.store.status().await.unwrap().events, 2);
	assert_eq!(analytics(&ix.store).await["instances"]["running"], 1);
}

#[tokio::test]
async fn a_chain_that_changes_while_a_range_is_read_is_read_again_and_retracted_logs_are_left_out() {
	let dir = tempfile::tempdir().unwrap();
	let chain = Mem::new(history());
	let mut other = history();
	other[6] = blk("x", 400, vec![fired(1, 1, 0, DAVE, 1, Some(2)), fired(1, 3, 12, DAVE, 2, None), completed(1)]);
	other[7] = blk("x", 460, vec![]);
	*chain.fork_on_logs.lock().unwrap() = Some((6, other[6..].to_vec()));
	// eth-rpc still answers the logs of a block it imported and that was then retracted
	chain.stale.lock().unwrap().push((3, keccak256("retracted 3"), fired(1, 0, 0, DAVE, 0, Some(1))));
	let ix = Indexer::new(&chain, store(&dir, "race.db").await);
	assert_eq!(ix.step().await.unwrap(), Step::Raced, "block 7 changed while the logs were read: nothing written");
	assert_eq!(ix.store.status().await.unwrap().events, 0);
	ix.sync().await.unwrap();
	let trail = ix.store.instance_events(1).await.unwrap();
	assert_eq!(trail.len(), 6, "the retracted block's log is left out: {trail:?}");
	assert_eq!(trail[2].actor.as_deref(), Some(format!("{BOB:#x}").as_str()), "block 3's approval is bob's, on the chain");
	assert_eq!(trail[3].actor.as_deref(), Some(format!("{DAVE:#x}").as_str()));
}

async fn get(store: &Store, path: &str) -> (u16, serde_json::Value) {
	let res = router(store.clone())
		.oneshot(axum::http::Request::get(path).body(axum::body::Body::empty()).unwrap())
		.await
		.unwrap();
	let status = res.status().as_u16();
	let body = res.into_body().collect().await.unwrap().to_bytes();
	(status, serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null))
}

#[tokio::test]
async fn the_api_answers_bad_input_with_a_4xx_and_a_message() {
	let dir = tempfile::tempdir().unwrap();
	let chain = Mem::new(history());
	let ix = Indexer::new(&chain, store(&dir, "api.db").await);
	ix.sync().await.unwrap();
	let s = &ix.store;
	let (code, body) = get(s, "/api/definitions/abc/analytics").await;
	assert_eq!(code, 400);
	assert_eq!(body["error"], "definition id `abc` is not a positive integer");
	assert_eq!(get(s, "/api/definitions/0/analytics").await.0, 400);
	let (code, body) = get(s, "/api/definitions/9/analytics").await;
	assert_eq!((code, body["error"].as_str()), (404, Some("definition 9 has no instance in the index (yet)")));
	let (code, body) = get(s, "/api/instances/-3/events").await;
	assert_eq!((code, body["error"].as_str()), (400, Some("instance id `-3` is not a positive integer")));
	assert_eq!(get(s, "/api/instances/7/events").await.0, 404);
	let (code, body) = get(s, "/api/nothing").await;
	assert_eq!(code, 404);
	assert!(body["error"].as_str().unwrap().starts_with("no such endpoint: /api/nothing"));
	let (code, body) = get(s, "/api/definitions/1/analytics").await;
	assert_eq!((code, body["cycleTime"]["total"].as_u64()), (200, Some(300)));
	let (code, body) = get(s, "/api/definitions").await;
	assert_eq!((code, body), (200, serde_json::json!([{ "id": 1, "name": "Invoice", "version": 1, "instances": 2 }])));
	let (code, body) = get(s, "/api/status").await;
	assert_eq!((code, body["indexedBlock"].as_u64(), body["events"].as_u64()), (200, Some(7), Some(8)));
	assert_eq!(get(s, "/api/instances/2/events").await.1.as_array().map(|a| a.len()), Some(2));
}

/// A throwaway PostgreSQL server (Debian's `postgresql` package, installed by scripts/env.sh):
/// `initdb` in a temp dir, started on a free loopback port, stopped on drop. As root, the server
/// runs as the `postgres` user (PostgreSQL refuses to run as root).
struct Postgres {
	dir: tempfile::TempDir,
	bin: std::path::PathBuf,
	url: String,
}

impl Postgres {
	fn run(&self, program: &str, args: &[&str]) {
		let root = unsafe { libc_geteuid() } == 0;
		let exe = self.bin.join(program);
		let mut cmd = if root {
			let mut c = std::process::Command::new("runuser");
			c.args(["-u", "postgres", "--"]).arg(&exe);
			c
		} else {
			std::process::Command::new(&exe)
		};
		let out = cmd.args(args).output().unwrap_or_else(|e| panic!("cannot run {}: {e}", exe.display()));
		assert!(out.status.success(), "{program} {args:?} failed: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
	}

	fn start() -> Postgres {
		let bin = std::fs::read_dir("/usr/lib/postgresql")
			.expect("PostgreSQL's server is not installed (Debian package postgresql; scripts/env.sh installs it)")
			.filter_map(|e| e.ok().map(|e| e.path().join("bin")))
			.find(|b| b.join("initdb").exists())
			.expect("no /usr/lib/postgresql/*/bin/initdb");
		let dir = tempfile::tempdir().unwrap();
		if unsafe { libc_geteuid() } == 0 {
			let ok = std::process::Command::new("chown").args(["-R", "postgres:postgres"]).arg(dir.path()).status().unwrap();
			assert!(ok.success(), "chown of the temp dir to postgres");
		}
		let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
		let pg = Postgres { url: format!("postgres://postgres@127.0.0.1:{port}/postgres"), bin, dir };
		let data = pg.dir.path().join("data");
		let data = data.to_str().unwrap();
		pg.run("initdb", &["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]);
		let opts = format!("-p {port} -c listen_addresses=127.0.0.1 -k {} -c fsync=off", pg.dir.path().display());
		pg.run("pg_ctl", &["-D", data, "-o", &opts, "-w", "-l", &format!("{}/log", pg.dir.path().display()), "start"]);
		pg
	}
}

impl Drop for Postgres {
	fn drop(&mut self) {
		let data = self.dir.path().join("data");
		self.run("pg_ctl", &["-D", data.to_str().unwrap(), "-m", "immediate", "stop"]);
	}
}

extern "C" {
	#[link_name = "geteuid"]
	fn libc_geteuid() -> u32;
}

#[tokio::test]
async fn postgresql_holds_the_same_index_as_sqlite() {
	let pg = Postgres::start();
	let dir = tempfile::tempdir().unwrap();
	let chain = Mem::new(history());
	*chain.finalized.lock().unwrap() = 4;
	let on_pg = Indexer { max_range: 3, ..Indexer::new(&chain, Store::open(&pg.url).await.unwrap()) };
	let on_sqlite = Indexer { max_range: 3, ..Indexer::new(&chain, store(&dir, "twin.db").await) };
	on_pg.sync().await.unwrap();
	on_sqlite.sync().await.unwrap();
	assert_eq!(on_pg.store.definition_events(1).await.unwrap(), on_sqlite.store.definition_events(1).await.unwrap());
	assert_eq!(analytics(&on_pg.store).await, analytics(&on_sqlite.store).await);
	assert_eq!(analytics(&on_pg.store).await["cycleTime"]["total"], 300);
	// the reorganisation of the SQLite test, on PostgreSQL
	chain.fork(5, vec![blk("b", 300, vec![]), blk("b", 400, vec![]), blk("b", 500, vec![fired(1, 1, 0, DAVE, 1, Some(2)), completed(1)])]);
	assert_eq!(on_pg.step().await.unwrap(), Step::RolledBack { fork: Some(4) });
	on_pg.sync().await.unwrap();
	assert_eq!(analytics(&on_pg.store).await["cycleTime"]["total"], 400);
	// reopened: the schema is kept, the cursor too
	let again = Indexer::new(&chain, Store::open(&pg.url).await.unwrap());
	assert_eq!(again.step().await.unwrap(), Step::Idle);
	assert_eq!(again.store.status().await.unwrap().events, 7);
}
