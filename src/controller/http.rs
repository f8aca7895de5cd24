//! `/metrics`, `/healthz` and `/readyz`, served by every replica, leader or
//! not, until shutdown.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Router;
use axum::extract::State as AxumState;
use axum::http::StatusCode;
use axum::routing::get;
use tokio::sync::watch;

use super::{State, shutdown};
use crate::error::{Error, Result};

/// Binds `addr` (failing in one sentence when it cannot) and serves in the
/// background.
pub(super) async fn serve(
    state: Arc<State>,
    addr: SocketAddr,
    stop: watch::Receiver<bool>,
) -> Result<tokio::task::JoinHandle<()>> {
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        Error::Config(format!(
            "cannot listen on {addr} for metrics: {e}; pick another --metrics-addr"
        ))
    })?;
    let bound = listener.local_addr().unwrap_or(addr);
    tracing::info!(%bound, "serving /metrics, /healthz and /readyz");
    let app = Router::new()
        .route("/metrics", get(metrics))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .with_state(state);
    Ok(tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown(stop))
            .await;
    }))
}

async fn metrics(AxumState(state): AxumState<Arc<State>>) -> impl axum::response::IntoResponse {
    let m = &state.runner.metrics;
    m.memory_entries("payloads", state.memory.len());
    m.memory_entries("backoff", state.failures.len());
    m.memory_entries("token_cache", state.runner.tokens.cached().await);
    m.memory_entries("expiry_series", m.labelled().len());
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.runner.metrics.render(),
    )
}

async fn readyz(AxumState(state): AxumState<Arc<State>>) -> (StatusCode, &'static str) {
    if state.ready.load(Ordering::Relaxed) {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "not ready")
    }
}
