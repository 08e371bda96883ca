//! The worker thread, and the state it shares with the pool.
//!
//! A worker builds (and so warms, on its own thread) its two rings, pins
//! itself if asked, reports ready, then serves rounds until it is told to
//! stop: wait for `go`, run the work function on its ring, hand the ring's
//! items off through its slot, report `done`. A panic in the work function
//! (or in a spout it reaches) is caught and reported; the thread lives on.

use std::io;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{mpsc, Arc};
use std::thread::{self, JoinHandle};

use spout::Spout;

use super::affinity::pin_current_thread;
use super::args::Args;
use super::cell::WorkerCell;
use crate::{CapacityError, HeapRing};

/// What the pool and its workers share.
pub(crate) struct Shared<T, A, S: Spout<T>> {
    pub(crate) cells: Box<[WorkerCell<T, S>]>,
    pub(crate) args: Args<A>,
}

/// What a starting worker reports: its id, and the CPU it was pinned to or
/// why its rings could not be built.
pub(crate) type Ready = (usize, Result<Option<usize>, CapacityError>);

/// How to start one worker.
pub(crate) struct Setup<S> {
    pub(crate) id: usize,
    pub(crate) capacity: usize,
    /// The spouts of its active ring and of its spare.
    pub(crate) spouts: (S, S),
    pub(crate) pin: bool,
}

/// Starts the thread of worker `setup.id`. The thread returns its active
/// ring when it stops (`None` if it could not start).
pub(crate) fn start<T, A, S, F>(
    shared: Arc<Shared<T, A, S>>,
    setup: Setup<S>,
    work: F,
    ready: mpsc::Sender<Ready>,
) -> io::Result<JoinHandle<Option<HeapRing<T, S>>>>
where
    T: Send + 'static,
    A: Send + Sync + 'static,
    S: Spout<T> + Send + 'static,
    F: Fn(&HeapRing<T, S>, usize, &A) + Send + 'static,
{
    let Setup {
        id,
        capacity,
        spouts,
        pin,
    } = setup;
    thread::Builder::new()
        .name(format!("spill-pool-{id}"))
        .spawn(move || {
            let core = if pin { pin_current_thread(id) } else { None };
            let rings = HeapRing::<T>::builder(capacity)
                .spout(spouts.0)
                .build()
                .and_then(|active| {
                    let spare = HeapRing::<T>::builder(capacity).spout(spouts.1).build()?;
                    Ok((active, spare))
                });
            match rings {
                Err(error) => {
                    let _ = ready.send((id, Err(error)));
                    None
                }
                Ok((active, spare)) => {
                    shared.cells[id].slot.put_spare(spare);
                    let _ = ready.send((id, Ok(core)));
                    drop(ready);
                    Some(serve(&shared, id, &work, active))
                }
            }
        })
}

/// Serves rounds until told to stop; returns the active ring.
fn serve<T, A, S, F>(
    shared: &Shared<T, A, S>,
    id: usize,
    work: &F,
    mut ring: HeapRing<T, S>,
) -> HeapRing<T, S>
where
    S: Spout<T>,
    F: Fn(&HeapRing<T, S>, usize, &A),
{
    let cell = &shared.cells[id];
    let mut seen = 0;
    while let Some(round) = cell.signal.wait_for_go(seen) {
        seen = round;
        // SAFETY: we saw `go` for `round` and report it done only below,
        // after the last use of `args`.
        let args = unsafe { shared.args.get() };
        // The ring is consistent after a panic (its operations are
        // panic-safe), and a panicked round is reported to the pool.
        let worked = panic::catch_unwind(AssertUnwindSafe(|| work(&ring, id, args)));
        if let Err(payload) = worked {
            cell.record_panic(round, payload);
        }
        let handed = panic::catch_unwind(AssertUnwindSafe(|| cell.slot.hand_off(&mut ring, round)));
        match handed {
            Ok(failures) => cell.add_spout_failures(failures),
            Err(payload) => cell.record_panic(round, payload),
        }
        cell.signal.finish(round);
    }
    ring
}
