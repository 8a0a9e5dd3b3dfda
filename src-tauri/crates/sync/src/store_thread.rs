//! The engine's store work (claims, settles, parking: fsync'd transactions) runs on one thread of
//! the engine's own, at a lower CPU priority than the rest of the process.
//!
//! Why a thread of its own: a group commit of KRA's answers is a few milliseconds of CPU, and it
//! runs while the next request is on the wire. At the same priority the kernel lets it finish its
//! time slice before the thread that reads KRA's answer (or the till's window) gets the core back,
//! so the request in flight took 3–5 ms instead of 0.5 ms (the drain bench's slow calls, one at
//! nearly every group commit). At a lower priority it yields as soon as either wants to run, and
//! still gets the core when they wait, which on a till is nearly all the time. Every job of the
//! engine goes through the store's one writer connection anyway, so one thread running them in
//! the order they came costs no parallelism.
//!
//! A lower priority alone does not let a waking thread in at once: the kernel's scheduler (EEVDF,
//! Linux 6.6 on) protects the running thread until it has used its slice. So the jobs' long loops
//! (a group commit's rows, a claim's rows) also give the core up every [`YIELD_EVERY`] rows
//! ([`let_others_run`]): a `sched_yield`, which returns at once when nothing else is waiting.

use std::{
    future::Future,
    panic::AssertUnwindSafe,
    pin::Pin,
    sync::{Mutex, PoisonError, mpsc},
    task::{Context, Poll},
};

use tokio::sync::oneshot;

use crate::{Error, Result};

/// How much nicer than the thread that starts it the store thread is (`setpriority`, Linux; the
/// nice value is per thread there). 10 is CFS's weight 110 against 1024: it yields at once, and
/// under full load still gets about a tenth of a core, so a transaction holding the store's
/// writer cannot stall a sale's commit for long.
pub(crate) const NICER_BY: i32 = 10;

/// Rows a job's loop handles between two offers of the core to the threads waiting for it.
pub(crate) const YIELD_EVERY: usize = 8;

/// Called with the number of rows a job's loop has handled so far: every [`YIELD_EVERY`] rows the
/// thread offers the core to the threads waiting for it (see the module's comment).
pub(crate) fn let_others_run(rows_done: usize) {
    if offers_the_core_after(rows_done) {
        std::thread::yield_now();
    }
}

fn offers_the_core_after(rows_done: usize) -> bool {
    rows_done > 0 && rows_done.is_multiple_of(YIELD_EVERY)
}

type Job = Box<dyn FnOnce() + Send>;

/// The engine's store thread, started at its first job; it ends when the engine is dropped (its
/// queue closes) after the jobs already queued.
#[derive(Default)]
pub(crate) struct StoreThread {
    queue: Mutex<Option<(mpsc::Sender<Job>, std::thread::JoinHandle<()>)>>,
}

/// A job's result, awaited like a task's.
pub(crate) struct StoreJob<T> {
    answer: oneshot::Receiver<Result<T>>,
}

impl<T> StoreJob<T> {
    /// The job has finished (its result can be taken without waiting). False once taken.
    pub(crate) fn is_finished(&self) -> bool {
        !self.answer.is_empty()
    }
}

impl<T> Future for StoreJob<T> {
    type Output = Result<T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<T>> {
        Pin::new(&mut self.answer).poll(cx).map(|answer| answer.unwrap_or(Err(Error::StoreThread)))
    }
}

impl StoreThread {
    /// Queues `f`; its result (or [`Error::StoreThread`] if it panicked or no thread could be
    /// started) comes back through the [`StoreJob`].
    pub(crate) fn run<T: Send + 'static>(&self, f: impl FnOnce() -> Result<T> + Send + 'static) -> StoreJob<T> {
        let (tx, answer) = oneshot::channel();
        let job: Job = Box::new(move || {
            let result = std::panic::catch_unwind(AssertUnwindSafe(f)).unwrap_or(Err(Error::StoreThread));
            // The caller may have stopped waiting (a cancelled drain): the work is done either way.
            let _ = tx.send(result);
        });
        let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        // Not started yet, or gone (it only ends when its queue closes, so this is defensive).
        let job = match queue.as_ref() {
            Some((q, _)) => match q.send(job) {
                Ok(()) => return StoreJob { answer },
                Err(mpsc::SendError(job)) => job,
            },
            None => job,
        };
        match start() {
            Ok((q, thread)) => {
                // A fresh queue whose thread is running: the send cannot fail.
                let _ = q.send(job);
                *queue = Some((q, thread));
            }
            Err(e) => tracing::error!(error = %e, "could not start the sync engine's store thread"),
        }
        StoreJob { answer }
    }
}

fn start() -> std::io::Result<(mpsc::Sender<Job>, std::thread::JoinHandle<()>)> {
    let (queue, jobs) = mpsc::channel::<Job>();
    let thread = std::thread::Builder::new().name("duka-sync-store".into()).spawn(move || {
        lower_priority();
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
            tracing::debug!(error = %e, "the sync engine's store thread keeps the usual CPU priority");
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
        let thread = StoreThread::default();
        let jobs: Vec<_> =
            (0..20).map(|i| thread.run(move || Ok((i, std::thread::current().name().map(str::to_owned))))).collect();
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
        let thread = StoreThread::default();
        let nice = thread.run(|| Ok(nice_of_this_thread())).await.unwrap();
        assert_eq!(nice, (starter + NICER_BY).min(19));
        // The caller's own priority is untouched.
        assert_eq!(nice_of_this_thread(), starter);
    }

    #[tokio::test]
    async fn a_panicking_job_is_an_error_and_the_thread_goes_on() {
        let thread = StoreThread::default();
        let failed = thread.run::<()>(|| panic!("a job that panics")).await;
        assert!(matches!(failed, Err(Error::StoreThread)), "{failed:?}");
        assert_eq!(thread.run(|| Ok(7)).await.unwrap(), 7);
    }

    #[tokio::test]
    async fn is_finished_tells_without_waiting() {
        let thread = StoreThread::default();
        let (go, wait) = std::sync::mpsc::channel::<()>();
        let job = thread.run(move || {
            wait.recv().unwrap();
            Ok(1)
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
        let thread = StoreThread::default();
        thread.run(|| Ok(())).await.unwrap();
        let (queue, handle) = thread.queue.lock().unwrap().take().unwrap();
        drop(queue);
        handle.join().unwrap();
    }
}
