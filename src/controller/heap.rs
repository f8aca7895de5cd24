//! Gives the memory a pass freed back to the system.
//!
//! A pass over thousands of namespaces reads pages of Secrets and
//! ServiceAccounts and builds a plan per namespace; all of it is freed when
//! the pass ends, but glibc's allocator keeps freed pages mapped, so without
//! this the idle controller's RSS stays at the largest pass's high-water mark
//! (measured: 47 MiB at 5000 namespaces, for under 20 MiB live). After passes
//! settle, `malloc_trim` returns the free pages, and again once the pass's
//! idle connections have been closed. Elsewhere (musl, other systems) there is
//! nothing to do.

use std::time::Duration;

use tokio::sync::Notify;

static PASS_ENDED: Notify = Notify::const_new();

/// How long after the last pass the heap is trimmed: a burst of passes is
/// trimmed once, after it.
const SETTLE: Duration = Duration::from_secs(1);
/// The longest a burst of passes delays the trim.
const LONGEST_BURST: Duration = Duration::from_secs(30);

/// Called when a pass ends.
pub fn pass_ended() {
    PASS_ENDED.notify_one();
}

/// How long kube-apiserver keeps an idle connection open (its HTTP server's
/// `IdleTimeout`). A pass opens one connection per write in flight (kube's
/// client speaks HTTP/1.1, and its pool runs no idle timer of its own); they
/// are closed by the API server this long after the pass, and only then is
/// their memory free to give back.
const SERVER_IDLE: Duration = Duration::from_secs(90);

/// Trims the heap once passes have settled, and again once the connections
/// they opened have been closed, for as long as it runs.
pub async fn trim_after_passes() {
    let mut woken = false;
    loop {
        if !woken {
            PASS_ENDED.notified().await;
        }
        // Wait out the burst: each new pass restarts the wait, up to a bound
        // (passes that never pause for a second still get trimmed).
        let burst = tokio::time::Instant::now();
        while burst.elapsed() < LONGEST_BURST
            && tokio::time::timeout(SETTLE, PASS_ENDED.notified())
                .await
                .is_ok()
        {}
        trim();
        // A pass ending meanwhile starts over; otherwise the API server has
        // closed the pass's connections by now.
        woken = tokio::time::timeout(SERVER_IDLE + 2 * SETTLE, PASS_ENDED.notified())
            .await
            .is_ok();
        if !woken {
            trim();
        }
    }
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn trim() {
    // SAFETY: malloc_trim only walks the allocator's own free lists under its
    // lock; it takes no pointers and is safe to call from any thread.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn trim() {}
