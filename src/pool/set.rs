//! Worker pools from C (`spill_pool_FAM`): the core's [`WorkerPool`], whose
//! workers run a C work function on their ring (lent to C as a ring
//! handle for the length of the call), and collection through C
//! collectors: one consumer over every worker (fan-in) or M merger threads.

use core::cell::RefCell;
use core::ffi::{c_int, c_void};
use std::panic::resume_unwind;
use std::thread;

use spill_ring_core::{CapacityError, PoolBuilder, PoolError, WorkerPanic, WorkerPool};

use super::collector::CollectorCell;
use super::work;
use crate::abi::entry;
use crate::abi::handle::{self, Handle, HandleArray, Opaque, Owner, Release};
use crate::abi::last_error::Error;
use crate::abi::lifecycle;
use crate::abi::limits::{check_count, SPILL_POOL_MAX_WORKERS};
use crate::abi::ptr_args::{self, write_opt, Out};
use crate::abi::status::spill_status;
use crate::c_spout::transfer;
use crate::c_spout::{spill_spout, CSpout, SharedSpout};
use crate::ring::payload::{LentRing, ValueFamily, ValueRing};

/// A C work function: `work(ring, worker_id, args, ctx)`; nonzero marks
/// the worker's round as failed.
pub(crate) type WorkFn<F> =
    unsafe extern "C" fn(*mut F, usize, *const c_void, *mut c_void) -> c_int;

/// A round's arguments: the C pointer the work functions receive.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ArgsPtr(*const c_void);

// SAFETY: the C caller promises (spill_pool_FAM_dispatch/run) that `args`
// stays valid and unchanged, readable from the worker threads, until the
// round is joined; the pointer itself is plain data.
unsafe impl Send for ArgsPtr {}
// SAFETY: as for `Send`.
unsafe impl Sync for ArgsPtr {}

/// What each worker thread runs: the C work function on its lent ring.
struct Work<F> {
    work: WorkFn<F>,
    ctx: *mut c_void,
    /// The worker ring handles, one per worker, kept by the pool handle.
    rings: *const F,
}

impl<F> Clone for Work<F> {
    fn clone(&self) -> Self {
        Work { ..*self }
    }
}

// SAFETY: the C caller promises (spill_pool_FAM_new) that `work` and `ctx`
// may be used from the worker threads; `rings` points to handles that
// outlive the pool's threads (the pool is dropped first), and worker `i`
// only touches handle `i`.
unsafe impl<F> Send for Work<F> {}

/// Points worker ring handle `handle` at `ring` (NULL: takes it back).
/// The payload is borrowed only for the moment of the change, so nothing
/// is borrowed while the work function runs.
///
/// # Safety
///
/// `handle` is a live worker ring handle of a pool, used only by the
/// calling worker thread during the round; `ring` is NULL or lent to this
/// thread until the handle is pointed elsewhere.
unsafe fn lend<F: ValueFamily>(handle: *const F, ring: *const LentRing<F::Elem>) {
    // SAFETY: the caller's contract.
    let lent = unsafe { handle::read(handle, |p| p.lend(ring)) };
    if lent.is_err() {
        resume_unwind(Box::new(String::from(
            "the worker's ring handle is not live",
        )));
    }
}

/// Takes a worker ring handle back, and clears the in-work mark, when the
/// work function's call ends.
struct Lending<F: ValueFamily>(*const F);

impl<F: ValueFamily> Drop for Lending<F> {
    fn drop(&mut self) {
        work::leave();
        // SAFETY: the handle that `Work::call` lent, live (its pool keeps it
        // until the threads are joined); NULL lends nothing. Nothing to
        // report if it were not live: no unwinding may start here, since
        // this may run while a failed work function unwinds.
        let _ = unsafe { handle::read(self.0, |p| p.lend(core::ptr::null())) };
    }
}

impl<F: ValueFamily> Work<F> {
    /// Runs the C work function of worker `id` on `ring`.
    fn call(&self, ring: &LentRing<F::Elem>, id: usize, args: &ArgsPtr) {
        // SAFETY: `id` is below the number of workers, and so of handles.
        let handle = unsafe { self.rings.add(id) };
        // SAFETY: a live handle of this pool, used only by this worker
        // during the round; the core lends `ring` to this thread for this
        // call, and the guard takes it back before the call returns.
        unsafe { lend::<F>(handle, ring) };
        let _lending = Lending(handle);
        work::enter();
        // SAFETY: the C caller's contract for the work function; the handle
        // is valid for the call.
        let code = unsafe { (self.work)(handle.cast_mut(), id, args.0, self.ctx) };
        if code != 0 {
            // Reported by join as this worker's failure; no panic message
            // is printed (resume_unwind skips the panic hook).
            resume_unwind(Box::new(format!("the work function returned {code}")));
        }
    }
}

/// What a pool handle holds. The pool comes first: dropping it joins the
/// threads before the ring handles they use go. It is `None` once the
/// handle was released (the pool was shut down by its free).
pub(crate) struct PoolSet<F: ValueFamily> {
    pool: RefCell<Option<WorkerPool<F::Elem, ArgsPtr, SharedSpout>>>,
    _rings: HandleArray<F>,
}

impl<F: ValueFamily> Release for PoolSet<F> {
    /// Waits for the round in flight (its failures are reported first),
    /// stops the threads, and hands every worker ring's items to the
    /// overflow spout by the rule of every free
    /// ([`transfer::release`]): a refusal or a failed flush is reported.
    fn release(&self) -> Result<(), Error> {
        let Some(mut pool) = self.pool.borrow_mut().take() else {
            return Ok(());
        };
        let joined = pool.join().map_err(worker_failed);
        let mut released = Ok(());
        for mut producer in pool.into_consumer().into_producers() {
            let ring = producer.ring_mut();
            let spout = ring.spout().0;
            let result = transfer::release(&*ring, spout);
            *ring.spout_mut() = SharedSpout(CSpout::DROP);
            if released.is_ok() {
                released = result;
            }
        }
        joined.and(released)
    }
}

fn worker_failed(panic: WorkerPanic) -> Error {
    let message = panic.to_string().replacen(" panicked ", " failed ", 1);
    Error::new(spill_status::SPILL_WORKER_PANICKED, message)
}

fn pool_error(error: PoolError) -> Error {
    let status = match &error {
        PoolError::NoWorkers => spill_status::SPILL_INVALID_ARGUMENT,
        PoolError::Capacity(CapacityError::OutOfMemory(_)) | PoolError::Spawn(_) => {
            spill_status::SPILL_OUT_OF_MEMORY
        }
        PoolError::Capacity(_) => spill_status::SPILL_INVALID_ARGUMENT,
        PoolError::WorkerDied(_) => spill_status::SPILL_WORKER_PANICKED,
    };
    Error::new(status, error.to_string())
}

/// `spill_pool_FAM_create`.
///
/// # Safety
///
/// `work` and `ctx` are usable from the worker threads; `overflow` is NULL
/// or a valid spout whose callbacks may run on several threads at once;
/// `out` is NULL or writable.
pub(crate) unsafe fn create<P, F>(
    workers: usize,
    capacity: usize,
    work: Option<WorkFn<F>>,
    ctx: *mut c_void,
    overflow: *const spill_spout,
    out: *mut *mut P,
) -> spill_status
where
    F: ValueFamily,
    P: Opaque<Payload = PoolSet<F>>,
{
    // SAFETY: the caller's contract on `out`.
    let out = unsafe { Out::required(out, "out_pool") };
    entry::create(out, || {
        work::not_in_work()?;
        let work = work.ok_or_else(|| Error::null("work"))?;
        check_count(
            "workers",
            workers,
            SPILL_POOL_MAX_WORKERS,
            "SPILL_POOL_MAX_WORKERS",
        )?;
        // SAFETY: the caller's contract.
        let overflow = unsafe { CSpout::optional(overflow)? };
        let rings = HandleArray::new(
            (0..workers)
                .map(|_| {
                    // SAFETY: NULL until a work function runs.
                    let payload = unsafe { ValueRing::lent(core::ptr::null(), false, overflow) };
                    F::wrap(Handle::new(payload, Owner::Parent("spill_pool")))
                })
                .collect(),
        );
        let run = Work {
            work,
            ctx,
            rings: rings.get(0).cast_const(),
        };
        let pool = PoolBuilder::new(workers, capacity)
            .spout(SharedSpout(overflow))
            .try_spawn(move |ring: &LentRing<F::Elem>, id: usize, args: &ArgsPtr| {
                run.call(ring, id, args)
            })
            .map_err(pool_error)?;
        lifecycle::allocate::<P>(PoolSet {
            pool: RefCell::new(Some(pool)),
            _rings: rings,
        })
    })
}

/// Runs `f` on the pool, refusing calls from work functions.
///
/// # Safety
///
/// `pool` is NULL or a live handle.
unsafe fn with_pool<P, F, R>(
    pool: *const P,
    f: impl FnOnce(&mut WorkerPool<F::Elem, ArgsPtr, SharedSpout>) -> Result<R, Error>,
) -> Result<R, Error>
where
    F: ValueFamily,
    P: Opaque<Payload = PoolSet<F>>,
{
    work::not_in_work()?;
    // SAFETY: the caller's contract.
    unsafe { enter_pool(pool, f) }
}

/// [`with_pool`] for callers that made the work-function check already
/// (before borrowing a collector).
///
/// # Safety
///
/// As for [`with_pool`].
unsafe fn enter_pool<P, F, R>(
    pool: *const P,
    f: impl FnOnce(&mut WorkerPool<F::Elem, ArgsPtr, SharedSpout>) -> Result<R, Error>,
) -> Result<R, Error>
where
    F: ValueFamily,
    P: Opaque<Payload = PoolSet<F>>,
{
    // SAFETY: the caller's contract.
    unsafe {
        handle::enter(pool, |set| match set.pool.borrow_mut().as_mut() {
            Some(pool) => f(pool),
            None => Err(Error::invalid("the pool was shut down".to_owned())),
        })
    }
}

/// `spill_pool_FAM_dispatch`.
///
/// # Safety
///
/// `pool` is NULL or a live handle; `args` stays valid until the round is
/// joined.
pub(crate) unsafe fn dispatch<P, F>(pool: *mut P, args: *const c_void) -> spill_status
where
    F: ValueFamily,
    P: Opaque<Payload = PoolSet<F>>,
{
    entry::status(|| {
        // SAFETY: the caller's contract.
        unsafe {
            with_pool(pool, |p| {
                p.dispatch(&ArgsPtr(args));
                Ok(())
            })
        }
    })
}

/// `spill_pool_FAM_join`.
///
/// # Safety
///
/// `pool` is NULL or a live handle.
pub(crate) unsafe fn join<P, F>(pool: *mut P) -> spill_status
where
    F: ValueFamily,
    P: Opaque<Payload = PoolSet<F>>,
{
    // SAFETY: the caller's contract.
    entry::status(|| unsafe { with_pool(pool, |p| p.join().map_err(worker_failed)) })
}

/// `spill_pool_FAM_run`.
///
/// # Safety
///
/// `pool` is NULL or a live handle; `args` is valid for the call.
pub(crate) unsafe fn run<P, F>(pool: *mut P, args: *const c_void) -> spill_status
where
    F: ValueFamily,
    P: Opaque<Payload = PoolSet<F>>,
{
    entry::status(|| {
        // SAFETY: the caller's contract.
        unsafe { with_pool(pool, |p| p.run(&ArgsPtr(args)).map_err(worker_failed)) }
    })
}

/// `spill_pool_FAM_workers`, `_capacity`, `_spout_failures`.
///
/// # Safety
///
/// `pool` is NULL or a live handle.
pub(crate) unsafe fn query<P, F, R>(
    pool: *const P,
    fallback: R,
    f: impl FnOnce(&WorkerPool<F::Elem, ArgsPtr, SharedSpout>) -> R,
) -> R
where
    F: ValueFamily,
    P: Opaque<Payload = PoolSet<F>>,
{
    // SAFETY: the caller's contract.
    entry::value(fallback, || unsafe { with_pool(pool, |p| Ok(f(p))) })
}

/// `spill_pool_FAM_collect`: one fan-in pass over every worker.
///
/// # Safety
///
/// `pool` and `collector` are NULL or live handles; `out_collected` is
/// NULL or writable.
pub(crate) unsafe fn collect<P, F, C>(
    pool: *mut P,
    collector: *mut C,
    out_collected: *mut usize,
) -> spill_status
where
    F: ValueFamily,
    P: Opaque<Payload = PoolSet<F>>,
    C: Opaque<Payload = CollectorCell<F::Elem>>,
{
    entry::status(|| {
        // Before touching any handle: a work function runs on a worker
        // thread, where the collector must not be borrowed at all.
        work::not_in_work()?;
        // SAFETY: the caller's contract.
        let out = unsafe { Out::count(out_collected, "out_collected")? };
        // SAFETY: the caller's contract.
        let collector = unsafe { handle::acquire(collector)? };
        let mut collector = collector.payload.0.borrow_mut();
        // SAFETY: the caller's contract.
        let collected = unsafe { enter_pool(pool, |p| Ok(p.fan_in(&mut *collector).collect()?))? };
        write_opt(&out, collected);
        Ok(())
    })
}

/// `spill_pool_FAM_merge`: M merger threads, each draining its workers
/// into its own collector.
///
/// # Safety
///
/// `pool` is NULL or a live handle; `collectors` is NULL or points to
/// `mergers` pointers, each NULL or a live collector; `out_collected` is
/// NULL or writable.
pub(crate) unsafe fn merge<P, F, C>(
    pool: *mut P,
    collectors: *const *mut C,
    mergers: usize,
    out_collected: *mut usize,
) -> spill_status
where
    F: ValueFamily,
    P: Opaque<Payload = PoolSet<F>>,
    C: Opaque<Payload = CollectorCell<F::Elem>>,
{
    entry::status(|| {
        // As in `collect`: refused before any collector is borrowed.
        work::not_in_work()?;
        // SAFETY: the caller's contract.
        let out = unsafe { Out::count(out_collected, "out_collected")? };
        check_count(
            "mergers",
            mergers,
            SPILL_POOL_MAX_WORKERS,
            "SPILL_POOL_MAX_WORKERS",
        )?;
        // SAFETY: the caller's contract.
        let list = unsafe { ptr_args::slice(collectors, mergers, "collectors")? };
        for (i, c) in list.iter().enumerate() {
            if list[..i].contains(c) {
                return Err(Error::invalid(format!(
                    "collectors[{i}] appears twice: each merger needs its own collector"
                )));
            }
        }
        let entered = list
            .iter()
            // SAFETY: the caller's contract (NULL is reported).
            .map(|&c| unsafe { handle::acquire(c) })
            .collect::<Result<Vec<_>, _>>()?;
        let mut borrowed: Vec<_> = entered.iter().map(|e| e.payload.0.borrow_mut()).collect();
        // SAFETY: the caller's contract.
        let collected = unsafe {
            enter_pool(pool, |p| {
                let mut handles = p.mergers(borrowed.iter_mut().map(|c| &mut **c));
                thread::scope(|scope| {
                    let running: Vec<_> = handles
                        .iter_mut()
                        .map(|m| {
                            thread::Builder::new()
                                .name(format!("spill-merger-{}", m.merger_id()))
                                .spawn_scoped(scope, move || m.collect())
                        })
                        .collect();
                    let mut total = 0;
                    let mut first_error = None;
                    for thread in running {
                        let result = match thread {
                            Ok(running) => running.join().unwrap_or_else(|p| resume_unwind(p)),
                            Err(e) => {
                                return Err(Error::new(
                                    spill_status::SPILL_OUT_OF_MEMORY,
                                    format!("could not start a merger thread: {e}"),
                                ))
                            }
                        };
                        match result {
                            Ok(n) => total += n,
                            Err(e) => first_error = first_error.or(Some(e)),
                        }
                    }
                    match first_error {
                        Some(refused) => Err(Error::from(refused)),
                        None => Ok(total),
                    }
                })
            })?
        };
        write_opt(&out, collected);
        Ok(())
    })
}

/// `spill_pool_FAM_free` and `spill_collector_FAM_free`: [`lifecycle::free`]
/// refused from inside a work function (a pool would wait for the round
/// running it; collectors belong to the thread that drives the pool).
///
/// # Safety
///
/// `this` is NULL or a live handle, not used again.
pub(crate) unsafe fn free_outside_work<H: Opaque>(this: *mut H) -> spill_status
where
    H::Payload: Release,
{
    if let Err(refused) = work::not_in_work() {
        return refused.record();
    }
    // SAFETY: the caller's contract.
    unsafe { lifecycle::free(this) }
}
