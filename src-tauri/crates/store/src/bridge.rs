//! One async bridge to the store: blocking SQLite work (transactions, fsyncs) runs on a store
//! thread and comes back as a [`StoreJob`] future, so it never runs on an async runtime's workers.
//!
//! Two lanes, one thread each: [`StoreThread::foreground`] for the till's commands (the usual
//! priority) and [`StoreThread::background`] for the sync engine's drain (claims, group commits,
//! parking), [`NICER_BY`] nicer. Both go through the store's one writer connection; a thread of
//! their own keeps a till commit from queueing behind the drain's jobs, and the background lane's
//! lower priority keeps the drain's work from delaying the till or the reading of KRA's answers.
//!
//! Why the drain's thread is nicer: a group commit of KRA's answers is a few milliseconds of CPU,
//! and it runs while the next request is on the wire. At the same priority the kernel lets it
//! finish its time slice before the thread that reads KRA's answer (or the till's window) gets the
//! core back, so the request in flight took 3–5 ms instead of 0.5 ms. At a lower priority it
//! yields as soon as either wants to run, and still gets the core when they wait, which on a till
//! is nearly all the time. Jobs of one lane run in the order they came: one writer connection
//! anyway, so one thread per lane costs no parallelism.
//!
//! A lower priority alone does not let a waking thread in at once: the kernel's scheduler (EEVDF,
//! Linux 6.6 on) protects the running thread until it has used its slice. So long loops (a group
//! commit's rows, a claim's rows) also give the core up every [`YIELD_EVERY`] rows
//! ([`let_others_run`]): a `sched_yield`, which returns at once when nothing else is waiting.

use std::{
    future::Future,
    marker::PhantomData,
    panic::AssertUnwindSafe,
    pin::Pin,
    sync::{Mutex, PoisonError, mpsc},
    task::{Context, Poll},
};

use tokio::sync::oneshot;

/// How much nicer than the thread that starts it the background lane's thread is
/// (`setpriority`, Linux; the nice value is per thread there). 10 is CFS's weight 110 against
/// 1024: it yields at once, and under full load still gets about a tenth of a core, so a
/// transaction holding the store's writer cannot stall a sale's commit for long.
pub const NICER_BY: i32 = 10;

/// Rows a job's loop handles between two offers of the core to the threads waiting for it.
pub const YIELD_EVERY: usize = 8;

/// Called with the number of rows a job's loop has handled so far: every [`YIELD_EVERY`] rows the
/// thread offers the core to the threads waiting for it (see the module's comment). The store's
/// own long loops of the drain (claims, group settles) call it.
pub fn let_others_run(rows_done: usize) {
    if offers_the_core_after(rows_done) {
        std::thread::yield_now();
    }
}

fn offers_the_core_after(rows_done: usize) -> bool {
    rows_done > 0 && rows_done.is_multiple_of(YIELD_EVERY)
}

/// A store thread stopped before answering: its job panicked, or no thread could be started.
/// Callers turn it into their own error (`E: From<ThreadStopped>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the database thread stopped unexpectedly: restart Duka")]
pub struct ThreadStopped;

/// Which lane a [`StoreThread`] serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    /// The till's commands: the usual CPU priority.
    Foreground,
    /// The sync engine's drain: [`NICER_BY`] nicer than the thread that starts it.
    Background,
}

impl Lane {
    fn thread_name(self) -> &'static str {
        match self {
            Lane::Foreground => "duka-store",
            Lane::Background => "duka-sync-store",
        }
    }
}

type Job = Box<dyn FnOnce() + Send>;

/// One store thread, started at its first job; it ends when the `StoreThread` is dropped (its
/// queue closes) after the jobs already queued. Jobs run one at a time, in the order they came.
#[derive(Debug)]
pub struct StoreThread {
    lane: Lane,
    queue: Mutex<Option<(mpsc::Sender<Job>, std::thread::JoinHandle<()>)>>,
}

/// A job's result, awaited like a task's: the closure's own result, or `E::from(ThreadStopped)`.
#[derive(Debug)]
pub struct StoreJob<T, E = crate::Error> {
    answer: oneshot::Receiver<Result<T, E>>,
    error: PhantomData<fn() -> E>,
}

impl<T, E> StoreJob<T, E> {
    /// The job has finished (its result can be taken without waiting). False once taken.
    pub fn is_finished(&self) -> bool {
        !self.answer.is_empty()
    }
}

impl<T, E: From<ThreadStopped>> Future for StoreJob<T, E> {
    type Output = Result<T, E>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<T, E>> {
        Pin::new(&mut self.answer).poll(cx).map(|answer| answer.unwrap_or_else(|_| Err(E::from(ThreadStopped))))
    }
}

impl StoreThread {
    /// The till's lane: the usual priority.
    pub fn foreground() -> StoreThread {
        StoreThread::new(Lane::Foreground)
    }

    /// The drain's lane: [`NICER_BY`] nicer.
    pub fn background() -> StoreThread {
        StoreThread::new(Lane::Background)
    }

    pub fn new(lane: Lane) -> StoreThread {
        StoreThread { lane, queue: Mutex::new(None) }
    }

    pub fn lane(&self) -> Lane {
        self.lane
    }

    /// Queues `f`; its result (or [`ThreadStopped`] if it panicked or no thread could be started)
    /// comes back through the [`StoreJob`]. A caller that stops waiting does not stop the job.
    pub fn run<T, E>(&self, f: impl FnOnce() -> Result<T, E> + Send + 'static) -> StoreJob<T, E>
    where
        T: Send + 'static,
        E: From<ThreadStopped> + Send + 'static,
    {
        let (tx, answer) = oneshot::channel();
        let job: Job = Box::new(move || {
            let result = std::panic::catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| Err(E::from(ThreadStopped)));
            // The caller may have stopped waiting (a cancelled drain): the work is done either way.
            let _ = tx.send(result);
        });
        let job_answer = StoreJob { answer, error: PhantomData };
        let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        // Not started yet, or gone (it only ends when its queue closes, so this is defensive).
        let job = match queue.as_ref() {
            Some((q, _)) => match q.send(job) {
                Ok(()) => return job_answer,
                Err(mpsc::SendError(job)) => job,
            },
            None => job,
        };
        match start(self.lane) {
            Ok((q, thread)) => {
                // A fresh queue whose thread is running: the send cannot fail.
                let _ = q.send(job);
                *queue = Some((q, thread));
            }
            // The job is dropped unanswered: its StoreJob resolves to ThreadStopped.
            Err(e) => tracing::error!(error = %e, lane = ?self.lane, "could not start a store thread"),
        }
        job_answer
    }
}

fn start(lane: Lane) -> std::io::Result<(mpsc::Sender<Job>, std::thread::JoinHandle<()>)> {
    let (queue, jobs) = mpsc::channel::<Job>();
    let thread = std::thread::Builder::new().name(lane.thread_name().into()).spawn(move || {
        if lane == Lane::Background {
            lower_priority();
        }
        for job in jobs {
            job();
        }
    })?;
    Ok((queue, thread))
}

/// Makes the calling thread [`NICER_BY`] nicer (Linux only; elsewhere `setpriority` would apply
/// to the whole process). A refusal is logged and the work goes on at the usual priority.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        let me = Some(rustix::thread::gettid());
        let lowered = rustix::process::getpriority_process(me)
            .and_then(|now| rustix::process::setpriority_process(me, (now + NICER_BY).min(19)));
        if let Err(e) = lowered {
            tracing::debug!(error = %e, "the background store thread keeps the usual CPU priority");
        }
    }
}

/// This thread's nice value (tests).
#[cfg(all(test, target_os = "linux"))]
fn nice_of_this_thread() -> i32 {
    rustix::process::getpriority_process(Some(rustix::thread::gettid())).unwrap_or(i32::MIN)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_loop_offers_the_core_every_few_rows_but_not_before_the_first() {
        let offers: Vec<usize> = (0..=3 * YIELD_EVERY).filter(|&n| offers_the_core_after(n)).collect();
        assert_eq!(offers, vec![YIELD_EVERY, 2 * YIELD_EVERY, 3 * YIELD_EVERY]);
    }

    #[tokio::test]
    async fn runs_jobs_in_order_on_one_thread() {
        let thread = StoreThread::background();
        let jobs: Vec<_> = (0..20)
            .map(|i| thread.run(move || Ok::<_, ThreadStopped>((i, std::thread::current().name().map(str::to_owned)))))
            .collect();
        let mut seen = Vec::new();
        for job in jobs {
            seen.push(job.await.unwrap());
        }
        assert_eq!(seen.iter().map(|(i, _)| *i).collect::<Vec<_>>(), (0..20).collect::<Vec<_>>());
        assert!(seen.iter().all(|(_, name)| name.as_deref() == Some("duka-sync-store")), "{seen:?}");
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn the_thread_is_nicer_than_its_starter() {
        let starter = nice_of_this_thread();
        let thread = StoreThread::background();
        let nice = thread.run(|| Ok::<_, ThreadStopped>(nice_of_this_thread())).await.unwrap();
        assert_eq!(nice, (starter + NICER_BY).min(19));
        // The caller's own priority is untouched.
        assert_eq!(nice_of_this_thread(), starter);
    }

    #[tokio::test]
    async fn a_panicking_job_is_an_error_and_the_thread_goes_on() {
        let thread = StoreThread::background();
        let failed = thread.run::<(), ThreadStopped>(|| panic!("a job that panics")).await;
        assert!(failed == Err(ThreadStopped), "{failed:?}");
        assert_eq!(thread.run(|| Ok::<_, ThreadStopped>(7)).await.unwrap(), 7);
    }

    #[tokio::test]
    async fn is_finished_tells_without_waiting() {
        let thread = StoreThread::background();
        let (go, wait) = std::sync::mpsc::channel::<()>();
        let job = thread.run(move || {
            wait.recv().unwrap();
            Ok::<_, ThreadStopped>(1)
        });
        assert!(!job.is_finished());
        go.send(()).unwrap();
        while !job.is_finished() {
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        }
        assert_eq!(job.await.unwrap(), 1);
    }

    #[tokio::test]
    async fn the_thread_ends_when_its_queue_closes() {
        let thread = StoreThread::background();
        thread.run(|| Ok::<_, ThreadStopped>(())).await.unwrap();
        let (queue, handle) = thread.queue.lock().unwrap().take().unwrap();
        drop(queue);
        handle.join().unwrap();
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn the_foreground_lane_keeps_the_usual_priority() {
        let starter = nice_of_this_thread();
        let thread = StoreThread::foreground();
        let (nice, name) = thread
            .run(|| Ok::<_, ThreadStopped>((nice_of_this_thread(), std::thread::current().name().map(str::to_owned))))
            .await
            .unwrap();
        assert_eq!((nice, name.as_deref()), (starter, Some("duka-store")));
    }

    #[tokio::test]
    async fn a_till_job_does_not_wait_behind_the_drains_job() {
        let (background, foreground) = (StoreThread::background(), StoreThread::foreground());
        let (go, wait) = std::sync::mpsc::channel::<()>();
        let drain_job = background.run(move || {
            wait.recv().unwrap();
            Ok::<_, ThreadStopped>("group commit")
        });
        // The drain's job is still running: the till's job is answered anyway.
        assert_eq!(foreground.run(|| Ok::<_, ThreadStopped>("sale")).await.unwrap(), "sale");
        assert!(!drain_job.is_finished());
        go.send(()).unwrap();
        assert_eq!(drain_job.await.unwrap(), "group commit");
    }

    #[tokio::test]
    async fn a_jobs_own_error_comes_back_as_it_is() {
        let thread = StoreThread::foreground();
        let refused = thread.run(|| Err::<(), _>(crate::Error::TrialRolledBack)).await;
        assert!(matches!(refused, Err(crate::Error::TrialRolledBack)), "{refused:?}");
    }
}
