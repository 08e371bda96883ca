//! The recording spout: C callbacks (`extern "C" fn`) that accept or refuse
//! as configured, log every batch and flush, and probe the evicting ring from
//! inside the call (reads, which must answer as mid-eviction, and mutating
//! calls, which must return SPILL_BUSY).

use std::cell::{Cell, RefCell};
use std::ffi::{c_int, c_void};

use crate::abi::{self, AlignedBuf, Family, RingPtr, Spout};
use crate::events::{self, mask, Event, Probe, Stream, Target};
use crate::input::{FlushMode, VerdictMode};

thread_local! {
    /// Events of the step being run.
    static LOG: RefCell<Vec<Event>> = const { RefCell::new(Vec::new()) };
    /// The spouts' copy of the verdict stream.
    static STREAM: Cell<Stream> = Cell::new(Stream::default());
    /// The ring the harness is calling, when its spout chain is running.
    static OUTER: Cell<Option<(RingPtr, Family)>> = const { Cell::new(None) };
    /// Whether probes are off for the call being run.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Switches the spouts' probes off (or back on) for the calls that follow.
pub fn set_quiet(quiet: bool) {
    QUIET.with(|q| q.set(quiet));
}

/// Takes the events logged since the last call.
pub fn take_log() -> Vec<Event> {
    LOG.with(|l| std::mem::take(&mut *l.borrow_mut()))
}

fn log(event: Event) {
    LOG.with(|l| l.borrow_mut().push(event));
}

/// Restarts the spouts' verdict stream with `pattern`.
pub fn set_stream(pattern: u64) {
    STREAM.with(|s| {
        let mut st = s.get();
        st.set(pattern);
        s.set(st);
    });
}

fn with_stream<R>(f: impl FnOnce(&mut Stream) -> R) -> R {
    STREAM.with(|s| {
        let mut st = s.get();
        let r = f(&mut st);
        s.set(st);
        r
    })
}

/// Sets (or clears) the ring whose call is running, for `mask::OUTER` probes.
pub fn set_outer(outer: Option<(RingPtr, Family)>) {
    OUTER.with(|o| o.set(outer));
}

/// A recording spout. Lives in a `Box` that outlives every ring using it.
pub struct Recorder {
    /// Its index among the run's recorders (in events).
    pub id: usize,
    /// The family of the ring it serves (element size of batches).
    pub family: Family,
    /// The ring that evicts into it (NULL until created; for the drain
    /// sink, the ring being drained).
    pub owner: Cell<RingPtr>,
    pub verdict: Cell<VerdictMode>,
    pub flush: Cell<FlushMode>,
    pub probes: Cell<u16>,
    /// Whether its spout has a flush function.
    pub has_flush: bool,
}

impl Recorder {
    /// A new recorder.
    pub fn new(id: usize, family: Family, has_flush: bool) -> Box<Recorder> {
        Box::new(Recorder {
            id,
            family,
            owner: Cell::new(std::ptr::null_mut()),
            verdict: Cell::new(VerdictMode::Accept),
            flush: Cell::new(FlushMode::Ok),
            probes: Cell::new(0),
            has_flush,
        })
    }

    /// The C spout that feeds this recorder.
    pub fn spout(&self) -> Spout {
        Spout {
            send: Some(record_send),
            flush: if self.has_flush {
                Some(record_flush)
            } else {
                None
            },
            ctx: (self as *const Recorder).cast_mut().cast(),
        }
    }
}

/// The spout that mutating probes pass to `_drain`: being BUSY, the drain
/// must never call it.
pub fn probe_drain_dst() -> Spout {
    Spout {
        send: Some(unexpected_send),
        flush: None,
        ctx: std::ptr::null_mut(),
    }
}

unsafe extern "C" fn unexpected_send(_: *mut c_void, _: *const c_void, count: usize) -> c_int {
    log(Event::Unexpected(format!(
        "a busy ring's drain sent {count} items"
    )));
    1
}

/// The largest batch a spout copies (a bigger count is a finding).
const MAX_BATCH: usize = 1 << 24;

unsafe extern "C" fn record_send(ctx: *mut c_void, items: *const c_void, count: usize) -> c_int {
    // SAFETY: `ctx` is the boxed recorder of `Recorder::spout`, alive for
    // as long as any ring that uses it.
    let rec = unsafe { &*ctx.cast::<Recorder>() };
    let elem = rec.family.elem();
    if items.is_null() || count == 0 || count > MAX_BATCH {
        log(Event::Unexpected(format!(
            "spout {} got items {items:?}, count {count}",
            rec.id
        )));
        return 1;
    }
    let aligned = (items as usize).is_multiple_of(rec.family.batch_align());
    // SAFETY: the ring passes `count` elements of `elem` bytes.
    let data = unsafe { std::slice::from_raw_parts(items.cast::<u8>(), count * elem) }.to_vec();
    let probes = run_probes(rec);
    let accepted = with_stream(|s| events::accepts(rec.verdict.get(), count, s));
    log(Event::Send {
        rec: rec.id,
        count,
        data,
        aligned,
        accepted,
        probes,
    });
    c_int::from(!accepted)
}

unsafe extern "C" fn record_flush(ctx: *mut c_void) -> c_int {
    // SAFETY: as in `record_send`.
    let rec = unsafe { &*ctx.cast::<Recorder>() };
    let probes = if crate::flags::PROBE_IN_FLUSH_CALLBACK {
        run_probes(rec)
    } else {
        Vec::new()
    };
    let ok = with_stream(|s| events::flush_succeeds(rec.flush.get(), s));
    log(Event::Flush {
        rec: rec.id,
        ok,
        probes,
    });
    c_int::from(!ok)
}

/// Runs the probes `rec` is configured for on its owner (and the outer
/// ring), then restores the primed last error so that the outer call's
/// effect on it can still be checked.
fn run_probes(rec: &Recorder) -> Vec<Probe> {
    let m = mask::in_spout(rec.probes.get());
    let mut out = Vec::new();
    if m == 0 || QUIET.with(|q| q.get()) {
        return out;
    }
    let owner = rec.owner.get();
    if !owner.is_null() {
        // SAFETY: the owner is evicting into this spout, so it is live.
        unsafe { probe_ring(owner, rec.family, Target::Owner, m, &mut out) };
    }
    if m & mask::OUTER != 0 {
        if let Some((outer, fam)) = OUTER.with(|o| o.get()) {
            if outer != owner {
                // SAFETY: the harness is calling `outer`, so it is live.
                unsafe { probe_ring(outer, fam, Target::Outer, m, &mut out) };
            }
        }
    }
    abi::prime_last_error();
    out
}

/// The probes of mask `m` on `ring`, in a fixed order the model follows.
///
/// # Safety
///
/// `ring` is a live ring of family `fam`.
pub unsafe fn probe_ring(ring: RingPtr, fam: Family, t: Target, m: u16, out: &mut Vec<Probe>) {
    let elem = fam.elem();
    // SAFETY: `ring` is live (our caller's promise); every buffer passed has
    // room for what the call may write.
    unsafe {
        if m & mask::READS != 0 {
            out.push(Probe::Len(t, fam.len(ring)));
            out.push(Probe::Capacity(t, fam.capacity(ring)));
            if let Some(e) = fam.elem_size(ring) {
                out.push(Probe::ElemSize(t, e));
            }
            out.push(Probe::IsEmpty(t, fam.is_empty(ring)));
            out.push(Probe::IsFull(t, fam.is_full(ring)));
        }
        if m & mask::PEEK != 0 {
            let mut buf = vec![0u8; elem];
            let st = fam.pop(ring, Some(&mut buf), true);
            if st != abi::status::OK {
                buf.clear();
            }
            out.push(Probe::Peek(t, st, buf));
        }
        for (bit, name) in mask::MUTATING {
            if m & bit == 0 {
                continue;
            }
            let one = AlignedBuf::from_bytes(&events::item(u64::MAX, elem));
            let buf = AlignedBuf::zeroed(elem);
            let mut n = 0xDEAD_usize;
            let st = match name {
                "push" => fam.push(ring, Some(one.bytes()), false),
                "try_push" => fam.push(ring, Some(one.bytes()), true),
                "push_bulk" => fam.push_bulk(ring, one.ptr(), 1, Some(&mut n)),
                "pop" => fam.pop(
                    ring,
                    Some(std::slice::from_raw_parts_mut(buf.ptr(), elem)),
                    false,
                ),
                "pop_bulk" => fam.pop_bulk(ring, buf.ptr(), 1, Some(&mut n)),
                "flush" => fam.flush(ring, Some(&mut n)),
                "drain" => fam.drain(ring, &probe_drain_dst(), Some(&mut n)),
                "clear" => fam.clear(ring),
                _ => fam.free(ring),
            };
            drop(buf);
            let n = mask::has_out_count(name).then_some(n);
            out.push(Probe::Mutate(t, name, st, n));
        }
    }
}
