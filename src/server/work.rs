//! Counting the work one task does: its turns at the write gate (by kind) and its password
//! verifications. Tests compare two code paths with it (a failed login on a known account
//! and on an unknown one must do the same work) without a clock; outside [`counted`]
//! nothing is counted and the notes cost a task-local lookup.

use std::future::Future;
use std::sync::{Arc, Mutex};

/// What a task did while counted.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Work {
    /// One entry per turn at the write gate: what the write was.
    pub writes: Vec<&'static str>,
    /// Password verifications (argon2) run.
    pub verifications: u64,
}

tokio::task_local! {
    static WORK: Arc<Mutex<Work>>;
}

/// Run `task`, counting the work it does on its own task (work it spawns is not counted).
pub async fn counted<F: Future>(task: F) -> (F::Output, Work) {
    let work = Arc::new(Mutex::new(Work::default()));
    let out = WORK.scope(work.clone(), task).await;
    let done = work.lock().expect("not poisoned").clone();
    (out, done)
}

fn note(f: impl FnOnce(&mut Work)) {
    let _ = WORK.try_with(|w| f(&mut w.lock().expect("not poisoned")));
}

/// A turn at the write gate was taken for a write of `kind`.
pub(crate) fn wrote(kind: &'static str) {
    note(|w| w.writes.push(kind));
}

/// A password was verified.
pub(crate) fn verified() {
    note(|w| w.verifications += 1);
}
