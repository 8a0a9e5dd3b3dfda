//! The background worker for the life of the app: drains when woken (a commit, "sync now", a
//! backoff timer), pulls periodically, and publishes [`Progress`] on a watch channel.

use tokio::sync::{mpsc, oneshot, watch};

use crate::{DrainReport, Engine, Error, Progress, Result};

enum Command {
    SyncNow(oneshot::Sender<Result<DrainReport>>),
}

/// The running worker.
#[derive(Debug)]
pub struct SyncHandle {
    engine: Engine,
    wake: watch::Sender<u64>,
    commands: mpsc::Sender<Command>,
    progress: watch::Receiver<Progress>,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SyncNow")
    }
}

impl SyncHandle {
    /// A document was committed: send it now.
    pub fn wake(&self) {
        self.engine.notify_new_work();
        self.wake.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// Manual "sync now": drain and pull, and wait for the result.
    pub async fn sync_now(&self) -> Result<DrainReport> {
        let (tx, rx) = oneshot::channel();
        self.commands.send(Command::SyncNow(tx)).await.map_err(|_| Error::WorkerStopped)?;
        rx.await.map_err(|_| Error::WorkerStopped)?
    }

    pub fn subscribe(&self) -> watch::Receiver<Progress> {
        self.progress.clone()
    }

    /// Stops the worker after the call in progress (a send is never cut off halfway).
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

pub(crate) fn spawn(engine: Engine) -> SyncHandle {
    // Requeue before the task exists: done inside the task, it raced a "sync now" that had
    // already claimed rows, and put them back to pending under the sender's feet.
    if let Err(e) = engine.recover_after_restart() {
        tracing::error!(error = %e, "could not requeue interrupted calls");
    }
    let (wake, wake_rx) = watch::channel(0u64);
    let (commands, command_rx) = mpsc::channel(8);
    let (progress_tx, progress) = watch::channel(engine.progress());
    let (stop, stop_rx) = watch::channel(false);
    let task = tokio::spawn(run(engine.clone(), wake_rx, command_rx, progress_tx, stop_rx));
    SyncHandle { engine, wake, commands, progress, stop, task }
}

async fn run(
    engine: Engine,
    mut wake: watch::Receiver<u64>,
    mut commands: mpsc::Receiver<Command>,
    progress: watch::Sender<Progress>,
    mut stop: watch::Receiver<bool>,
) {
    let mut next_pull = tokio::time::Instant::now();
    loop {
        if tokio::time::Instant::now() >= next_pull {
            let _ = engine.pull(&[crate::PullList::All]).await;
            next_pull = tokio::time::Instant::now() + engine.config().pull_every;
        }
        let _ = engine.drain().await;
        publish(&engine, &progress).await;
        let sleep = engine.next_wake_in().min(next_pull.saturating_duration_since(tokio::time::Instant::now()));
        tokio::select! {
            _ = stop.changed() => break,
            changed = wake.changed() => if changed.is_err() { break },
            command = commands.recv() => match command {
                Some(Command::SyncNow(reply)) => {
                    let report = engine.drain().await;
                    let _ = engine.pull(&[crate::PullList::All]).await;
                    publish(&engine, &progress).await;
                    let _ = reply.send(report);
                }
                None => break,
            },
            () = tokio::time::sleep(sleep) => {}
        }
        if *stop.borrow() {
            break;
        }
    }
    publish(&engine, &progress).await;
}

/// Publishes the engine's progress. Its counts are a store read, which waits for the store's lock
/// behind a claim or a settle (an fsync): it runs on a blocking thread, not on the runtime's.
async fn publish(engine: &Engine, progress: &watch::Sender<Progress>) {
    let engine = engine.clone();
    // An error means the runtime is shutting down: nobody is left to read the progress.
    if let Ok(now) = tokio::task::spawn_blocking(move || engine.progress()).await {
        progress.send_replace(now);
    }
}
