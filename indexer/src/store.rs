//! The index: the engine's events with their blocks, the definitions they name, and the cursor
//! (the last indexed block), in SQLite (a file, the default) or PostgreSQL (by URL), through
//! sqlx's `Any` driver. One schema for both: integers are `BIGINT`, hashes, addresses and
//! bitmaps `0x…` hex `TEXT`; queries use `$n` placeholders, which both databases read.
//!
//! Every block range is written in one database transaction together with the cursor that ends
//! it ([`Store::commit`]), so an indexer stopped at any point resumes at the cursor without
//! missing or repeating an event; an event's key is its place in the chain (block number, log
//! index), and a write of a key already present changes nothing.

use crate::events::IndexedEvent;
use crate::source::{BlockRef, DefinitionMeta, ElementMeta};
use alloy::primitives::B256;
use anyhow::{Context, Result};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};

/// The schema (idempotent: run at every start).
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS indexer_cursor (id BIGINT PRIMARY KEY, number BIGINT NOT NULL, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS blocks (number BIGINT PRIMARY KEY, hash TEXT NOT NULL, ts BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
	block_number BIGINT NOT NULL,
	log_index BIGINT NOT NULL,
	block_hash TEXT NOT NULL,
	tx_hash TEXT NOT NULL,
	ts BIGINT NOT NULL,
	instance BIGINT NOT NULL,
	event TEXT NOT NULL,
	definition BIGINT,
	element BIGINT,
	kind BIGINT,
	actor TEXT,
	consumed TEXT,
	produced TEXT,
	data TEXT NOT NULL,
	PRIMARY KEY (block_number, log_index)
);
CREATE INDEX IF NOT EXISTS events_by_instance ON events (instance);
CREATE INDEX IF NOT EXISTS events_by_definition ON events (definition);
CREATE TABLE IF NOT EXISTS definitions (id BIGINT PRIMARY KEY, name TEXT NOT NULL, version BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS elements (
	definition BIGINT NOT NULL,
	element BIGINT NOT NULL,
	bpmn_id TEXT NOT NULL,
	name TEXT NOT NULL,
	kind BIGINT NOT NULL,
	scope BIGINT NOT NULL,
	role TEXT NOT NULL,
	preset TEXT NOT NULL,
	postset TEXT NOT NULL,
	PRIMARY KEY (definition, element)
);
";

/// One block range to write: the blocks that hold events, the events, the definitions seen for
/// the first time, and the range's last block (the new cursor).
#[derive(Debug, Default)]
pub struct Batch {
	/// Blocks holding at least one event.
	pub blocks: Vec<BlockRef>,
	/// The decoded events.
	pub events: Vec<IndexedEvent>,
	/// Definitions not in the index yet.
	pub definitions: Vec<DefinitionMeta>,
	/// The last block of the range.
	pub cursor: Option<BlockRef>,
}

/// What [`Store::status`] reports.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
	/// The last indexed block, if any.
	pub indexed_block: Option<u64>,
	/// Its hash.
	pub indexed_hash: Option<String>,
	/// Events in the index.
	pub events: i64,
	/// Instances started.
	pub instances: i64,
	/// Definitions with an instance.
	pub definitions: i64,
}

/// An event as read back from the index (the columns of `events`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventRow {
	/// Block number.
	pub block: u64,
	/// Log index in the block.
	pub log_index: u64,
	/// Transaction hash.
	pub tx: String,
	/// Block timestamp (seconds).
	pub timestamp: u64,
	/// Instance id.
	pub instance: u64,
	/// The Solidity event name (`ElementFired`, ...).
	pub event: String,
	/// `InstanceStarted`: the definition.
	pub definition: Option<u64>,
	/// `ElementFired` (and other element events): the element index.
	pub element: Option<u64>,
	/// `ElementFired`: the element kind.
	pub kind: Option<u64>,
	/// Who acted (starter, actor), if the event says.
	pub actor: Option<String>,
	/// `ElementFired`: consumed places (uint256 hex).
	pub consumed: Option<String>,
	/// `ElementFired`: produced places (uint256 hex).
	pub produced: Option<String>,
	/// Every field of the event (JSON).
	pub data: serde_json::Value,
}

/// The index database.
#[derive(Clone)]
pub struct Store {
	pool: AnyPool,
}

fn hex(b: &B256) -> String {
	format!("{b:#x}")
}

impl Store {
	/// Opens (and creates, for SQLite) the database at `url`: `sqlite://FILE` (created when
	/// missing), `sqlite::memory:`, or `postgres://user:pass@host/db`; creates the schema.
	///
	/// Errors: an unknown scheme, an unreachable server, a file that cannot be created.
	pub async fn open(url: &str) -> Result<Store> {
		sqlx::any::install_default_drivers();
		let memory = url.contains(":memory:");
		let url = if url.starts_with("sqlite:") && !memory && !url.contains("mode=") {
			format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
		} else {
			url.to_string()
		};
		// an in-memory SQLite database lives in its one connection
		let pool = AnyPoolOptions::new()
			.max_connections(if memory { 1 } else { 4 })
			.connect(&url)
			.await
			.with_context(|| format!("cannot open the index database `{url}` (sqlite://FILE or postgres://...)"))?;
		sqlx::raw_sql(SCHEMA).execute(&pool).await.context("creating the index schema")?;
		Ok(Store { pool })
	}

	/// The last indexed block (number, hash), if any.
	pub async fn cursor(&self) -> Result<Option<(u64, B256)>> {
		let row = sqlx::query("SELECT number, hash FROM indexer_cursor WHERE id = 1").fetch_optional(&self.pool).await?;
		row.map(|r| Ok((r.try_get::<i64, _>("number")? as u64, r.try_get::<String, _>("hash")?.parse()?))).transpose()
	}

	/// The indexed blocks that hold events, from the highest down.
	pub async fn blocks_desc(&self) -> Result<Vec<(u64, B256)>> {
		let rows = sqlx::query("SELECT number, hash FROM blocks ORDER BY number DESC").fetch_all(&self.pool).await?;
		rows.iter().map(|r| Ok((r.try_get::<i64, _>("number")? as u64, r.try_get::<String, _>("hash")?.parse()?))).collect()
	}

	/// Forgets everything above block `keep` (a reorganised chain): its events and blocks, and
	/// moves the cursor to `keep` (`None`: back to before the first block).
	pub async fn rollback(&self, keep: Option<(u64, B256)>) -> Result<()> {
		let mut tx = self.pool.begin().await?;
		let above = keep.map(|(n, _)| n as i64).unwrap_or(-1);
		sqlx::query("DELETE FROM events WHERE block_number > $1").bind(above).execute(&mut *tx).await?;
		sqlx::query("DELETE FROM blocks WHERE number > $1").bind(above).execute(&mut *tx).await?;
		match keep {
			Some((n, h)) => {
				sqlx::query("UPDATE indexer_cursor SET number = $1, hash = $2 WHERE id = 1")
					.bind(n as i64)
					.bind(hex(&h))
					.execute(&mut *tx)
					.await?;
			},
			None => {
				sqlx::query("DELETE FROM indexer_cursor").execute(&mut *tx).await?;
			},
		}
		tx.commit().await?;
		Ok(())
	}

	/// Writes `batch` and moves the cursor, in one database transaction.
	pub async fn commit(&self, batch: &Batch) -> Result<()> {
		let mut tx = self.pool.begin().await?;
		for b in &batch.blocks {
			sqlx::query("INSERT INTO blocks (number, hash, ts) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
				.bind(b.number as i64)
				.bind(hex(&b.hash))
				.bind(b.timestamp as i64)
				.execute(&mut *tx)
				.await?;
		}
		for e in &batch.events {
			sqlx::query(
				"INSERT INTO events (block_number, log_index, block_hash, tx_hash, ts, instance, event, definition, element, kind, actor, consumed, produced, data)
				 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT DO NOTHING",
			)
			.bind(e.block as i64)
			.bind(e.log_index as i64)
			.bind(hex(&e.block_hash))
			.bind(hex(&e.tx))
			.bind(e.timestamp as i64)
			.bind(e.instance as i64)
			.bind(e.event)
			.bind(e.definition.map(|d| d as i64))
			.bind(e.element.map(|d| d as i64))
			.bind(e.kind.map(|d| d as i64))
			.bind(e.actor.map(|a| format!("{a:#x}")))
			.bind(e.consumed.map(|v| format!("{v:#x}")))
			.bind(e.produced.map(|v| format!("{v:#x}")))
			.bind(e.data.to_string())
			.execute(&mut *tx)
			.await?;
		}
		for d in &batch.definitions {
			sqlx::query("INSERT INTO definitions (id, name, version) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
				.bind(d.id as i64)
				.bind(d.name.clone())
				.bind(d.version as i64)
				.execute(&mut *tx)
				.await?;
			for (i, el) in d.elements.iter().enumerate() {
				sqlx::query(
					"INSERT INTO elements (definition, element, bpmn_id, name, kind, scope, role, preset, postset) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING",
				)
				.bind(d.id as i64)
				.bind(i as i64)
				.bind(el.bpmn_id.clone())
				.bind(el.name.clone())
				.bind(el.kind as i64)
				.bind(el.scope as i64)
				.bind(el.role.clone())
				.bind(format!("{:#x}", el.preset))
				.bind(format!("{:#x}", el.postset))
				.execute(&mut *tx)
				.await?;
			}
		}
		if let Some(c) = &batch.cursor {
			sqlx::query(
				"INSERT INTO indexer_cursor (id, number, hash) VALUES (1, $1, $2) ON CONFLICT (id) DO UPDATE SET number = excluded.number, hash = excluded.hash",
			)
			.bind(c.number as i64)
			.bind(hex(&c.hash))
			.execute(&mut *tx)
			.await?;
		}
		tx.commit().await.context("committing a block range to the index")?;
		Ok(())
	}

	/// Whether definition `id` is in the index.
	pub async fn has_definition(&self, id: u64) -> Result<bool> {
		Ok(sqlx::query("SELECT id FROM definitions WHERE id = $1").bind(id as i64).fetch_optional(&self.pool).await?.is_some())
	}

	/// Definition `id` with its elements, if indexed.
	pub async fn definition(&self, id: u64) -> Result<Option<DefinitionMeta>> {
		let Some(d) = sqlx::query("SELECT id, name, version FROM definitions WHERE id = $1").bind(id as i64).fetch_optional(&self.pool).await?
		else {
			return Ok(None);
		};
		let rows = sqlx::query("SELECT bpmn_id, name, kind, scope, role, preset, postset FROM elements WHERE definition = $1 ORDER BY element")
			.bind(id as i64)
			.fetch_all(&self.pool)
			.await?;
		let elements = rows
			.iter()
			.map(|r| {
				Ok(ElementMeta {
					bpmn_id: r.try_get("bpmn_id")?,
					name: r.try_get("name")?,
					kind: r.try_get::<i64, _>("kind")? as u8,
					scope: r.try_get::<i64, _>("scope")? as u8,
					role: r.try_get("role")?,
					preset: r.try_get::<String, _>("preset")?.parse()?,
					postset: r.try_get::<String, _>("postset")?.parse()?,
				})
			})
			.collect::<Result<Vec<_>>>()?;
		Ok(Some(DefinitionMeta {
			id,
			name: d.try_get("name")?,
			version: d.try_get::<i64, _>("version")? as u32,
			elements,
		}))
	}

	/// Every indexed definition (without elements) and the number of instances started of it.
	pub async fn definitions(&self) -> Result<Vec<(DefinitionMeta, u64)>> {
		let rows = sqlx::query(
			"SELECT d.id AS id, d.name AS name, d.version AS version,
			 (SELECT COUNT(*) FROM events e WHERE e.event = 'InstanceStarted' AND e.definition = d.id) AS instances
			 FROM definitions d ORDER BY d.id",
		)
		.fetch_all(&self.pool)
		.await?;
		rows.iter()
			.map(|r| {
				Ok((
					DefinitionMeta {
						id: r.try_get::<i64, _>("id")? as u64,
						name: r.try_get("name")?,
						version: r.try_get::<i64, _>("version")? as u32,
						elements: Vec::new(),
					},
					r.try_get::<i64, _>("instances")? as u64,
				))
			})
			.collect()
	}

	/// The events of every instance of definition `id`, in chain order.
	pub async fn definition_events(&self, id: u64) -> Result<Vec<EventRow>> {
		let rows = sqlx::query(
			"SELECT * FROM events WHERE instance IN
			 (SELECT instance FROM events WHERE event = 'InstanceStarted' AND definition = $1)
			 ORDER BY block_number, log_index",
		)
		.bind(id as i64)
		.fetch_all(&self.pool)
		.await?;
		rows.iter().map(event_row).collect()
	}

	/// The events of instance `id`, in chain order.
	pub async fn instance_events(&self, id: u64) -> Result<Vec<EventRow>> {
		let rows = sqlx::query("SELECT * FROM events WHERE instance = $1 ORDER BY block_number, log_index")
			.bind(id as i64)
			.fetch_all(&self.pool)
			.await?;
		rows.iter().map(event_row).collect()
	}

	/// The cursor and the sizes of the index.
	pub async fn status(&self) -> Result<Status> {
		let cursor = self.cursor().await?;
		let count = |sql: &'static str| async move {
			let r = sqlx::query(sql).fetch_one(&self.pool).await?;
			Ok::<i64, anyhow::Error>(r.try_get::<i64, _>(0)?)
		};
		Ok(Status {
			indexed_block: cursor.map(|c| c.0),
			indexed_hash: cursor.map(|c| hex(&c.1)),
			events: count("SELECT COUNT(*) FROM events").await?,
			instances: count("SELECT COUNT(*) FROM events WHERE event = 'InstanceStarted'").await?,
			definitions: count("SELECT COUNT(*) FROM definitions").await?,
		})
	}
}

fn event_row(r: &AnyRow) -> Result<EventRow> {
	let opt = |c: &str| -> Result<Option<u64>> { Ok(r.try_get::<Option<i64>, _>(c)?.map(|v| v as u64)) };
	Ok(EventRow {
		block: r.try_get::<i64, _>("block_number")? as u64,
		log_index: r.try_get::<i64, _>("log_index")? as u64,
		tx: r.try_get("tx_hash")?,
		timestamp: r.try_get::<i64, _>("ts")? as u64,
		instance: r.try_get::<i64, _>("instance")? as u64,
		event: r.try_get("event")?,
		definition: opt("definition")?,
		element: opt("element")?,
		kind: opt("kind")?,
		actor: r.try_get("actor")?,
		consumed: r.try_get("consumed")?,
		produced: r.try_get("produced")?,
		data: serde_json::from_str(&r.try_get::<String, _>("data")?).unwrap_or(serde_json::Value::Null),
	})
}
