//! Shutdown signals.
//!
//! Guarantee: [`signal`] resolves on ctrl-c (SIGINT) or SIGTERM, whichever comes first, so the
//! server can stop reading, finish what it is doing and exit 0. A stdio server also stops when
//! the client closes stdin; that is handled where the server runs.

/// Resolves when the process is asked to stop.
pub async fn signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut stream) => {
                stream.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("ctrl-c received, shutting down"),
        () = terminate => tracing::info!("SIGTERM received, shutting down"),
    }
}

/// Requests being served, so shutdown can wait for them. Cloning shares the count.
#[derive(Debug, Clone, Default)]
pub struct InFlight {
    inner: std::sync::Arc<(std::sync::atomic::AtomicUsize, tokio::sync::Notify)>,
}

/// Counts one request while alive.
#[derive(Debug)]
pub struct InFlightGuard(InFlight);

impl InFlight {
    /// Counts a request until the guard is dropped.
    pub fn enter(&self) -> InFlightGuard {
        self.inner
            .0
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        InFlightGuard(self.clone())
    }

    /// Requests in flight now.
    pub fn count(&self) -> usize {
        self.inner.0.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Resolves when no request is in flight.
    pub async fn idle(&self) {
        loop {
            let notified = self.inner.1.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.count() == 0 {
                return;
            }
            notified.await;
        }
    }

    /// Waits up to `grace` for in-flight requests; says in the log how it went.
    pub async fn drain(&self, grace: std::time::Duration) -> bool {
        let waiting = self.count();
        if waiting > 0 {
            tracing::info!(in_flight = waiting, ?grace, "draining in-flight requests");
        }
        let drained = tokio::time::timeout(grace, self.idle()).await.is_ok();
        if !drained {
            tracing::warn!(
                in_flight = self.count(),
                "grace period over; stopping anyway"
            );
        }
        drained
    }
}

impl Drop for InFlightGuard {
    fn drop(&mut self) {
        let inner = &self.0.inner;
        if inner.0.fetch_sub(1, std::sync::atomic::Ordering::SeqCst) == 1 {
            inner.1.notify_waiters();
        }
    }
}
