//! The indexer's HTTP API (JSON): what the web app's analytics page reads.
//!
//! | method and path | answer |
//! |---|---|
//! | `GET /api/status` | the last indexed block and the sizes of the index ([`Status`]) |
//! | `GET /api/definitions` | every definition with instances: `[{id, name, version, instances}]` |
//! | `GET /api/definitions/{id}/analytics` | [`Analytics`] of definition `id` |
//! | `GET /api/instances/{id}/events` | the instance's events in chain order ([`EventRow`]) |
//!
//! Errors are JSON `{"error": "..."}` saying what was wrong: 400 for an id that is not a
//! positive integer, 404 for a definition or instance the index does not hold or an unknown
//! path, 500 when the database fails.

use crate::analytics::{analyse, Analytics};
use crate::store::{EventRow, Status, Store};
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

/// An API error: a status and a message.
#[derive(Debug)]
pub struct ApiError(StatusCode, String);

impl IntoResponse for ApiError {
	fn into_response(self) -> Response {
		(self.0, Json(json!({ "error": self.1 }))).into_response()
	}
}

impl From<anyhow::Error> for ApiError {
	fn from(e: anyhow::Error) -> Self {
		tracing::error!("index database: {e:#}");
		ApiError(StatusCode::INTERNAL_SERVER_ERROR, format!("the index database failed: {e:#}"))
	}
}

fn id(what: &str, s: &str) -> Result<u64, ApiError> {
	match s.parse::<u64>() {
		Ok(v) if v > 0 => Ok(v),
		_ => Err(ApiError(StatusCode::BAD_REQUEST, format!("{what} id `{s}` is not a positive integer"))),
	}
}

async fn status(State(store): State<Store>) -> Result<Json<Status>, ApiError> {
	Ok(Json(store.status().await?))
}

async fn definitions(State(store): State<Store>) -> Result<Json<serde_json::Value>, ApiError> {
	let list = store.definitions().await?;
	Ok(Json(serde_json::Value::Array(
		list.into_iter()
			.map(|(d, n)| json!({ "id": d.id, "name": d.name, "version": d.version, "instances": n }))
			.collect(),
	)))
}

async fn analytics(State(store): State<Store>, Path(raw): Path<String>) -> Result<Json<Analytics>, ApiError> {
	let d = id("definition", &raw)?;
	let Some(def) = store.definition(d).await? else {
		return Err(ApiError(StatusCode::NOT_FOUND, format!("definition {d} has no instance in the index (yet)")));
	};
	let events = store.definition_events(d).await?;
	Ok(Json(analyse(&def, &events)))
}

async fn instance_events(State(store): State<Store>, Path(raw): Path<String>) -> Result<Json<Vec<EventRow>>, ApiError> {
	let i = id("instance", &raw)?;
	let events = store.instance_events(i).await?;
	if events.is_empty() {
		return Err(ApiError(StatusCode::NOT_FOUND, format!("instance {i} is not in the index (yet)")));
	}
	Ok(Json(events))
}

async fn fallback(uri: Uri) -> ApiError {
	ApiError(
		StatusCode::NOT_FOUND,
		format!("no such endpoint: {}; see /api/status, /api/definitions, /api/definitions/ID/analytics, /api/instances/ID/events", uri.path()),
	)
}

/// The API's routes over `store`.
pub fn router(store: Store) -> Router {
	Router::new()
		.route("/api/status", get(status))
		.route("/api/definitions", get(definitions))
		.route("/api/definitions/{id}/analytics", get(analytics))
		.route("/api/instances/{id}/events", get(instance_events))
		.fallback(fallback)
		.with_state(store)
}
