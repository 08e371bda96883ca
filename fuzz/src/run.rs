//! The driver: runs an [`Input`] against the library and the model in
//! lockstep, compares every status, out-count, popped element and spout
//! event, checks `spill_last_error()` around every call, frees everything at
//! the end and checks conservation.

use std::collections::HashMap;
use std::ffi::{c_int, c_void};
use std::fmt::Debug;

use crate::abi::status::*;
use crate::abi::{self, AlignedBuf, Family, RingPtr, Spout, MAX_CAPACITY, MAX_ELEM_SIZE};
use crate::events::{fill_item, item, mask, Event, Probe, Target};
use crate::flags;
use crate::input::*;
use crate::model::{MRec, MSpout, Model};
use crate::spout::{self, Recorder};

/// A ring of the library, parallel to the model's ring of the same index.
struct RealRing {
    handle: RingPtr,
    fam: Family,
    /// Its memory, for rings in caller memory (kept after free, so that the
    /// dead handle can be checked).
    _mem: Option<AlignedBuf>,
}

/// One run.
struct Harness {
    model: Model,
    rings: Vec<RealRing>,
    /// Boxed: the spouts point at them while the vector grows.
    #[allow(clippy::vec_box)]
    recs: Vec<Box<Recorder>>,
    /// Next item serial.
    serial: u64,
    /// Multiset of item contents: +1 when pushed, -1 when seen leaving
    /// (popped, accepted by a recording spout) or reported lost/dropped.
    balance: HashMap<(usize, u64), i64>,
    /// `_memsize - capacity * elem_size` of the first bytes ring.
    memsize_header: Option<usize>,
    step: usize,
    /// The step being run, for messages.
    op: Option<Op>,
}

/// Runs `input`; panics (a finding) at the first difference from the model.
pub fn run(input: &Input) {
    let mut h = Harness {
        model: Model::default(),
        rings: Vec::new(),
        recs: Vec::new(),
        serial: 1,
        balance: HashMap::new(),
        memsize_header: None,
        step: 0,
        op: None,
    };
    spout::set_stream(0);
    spout::set_outer(None);
    spout::take_log();
    for (i, op) in input.ops.iter().enumerate() {
        h.step = i;
        h.op = Some(op.clone());
        h.apply(op);
    }
    h.teardown();
}

fn key(content: &[u8]) -> (usize, u64) {
    // FNV-1a: a content fingerprint for the conservation multiset.
    let mut x: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in content {
        x = (x ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    (content.len(), x)
}

impl Harness {
    fn fail(&self, what: impl std::fmt::Display) -> ! {
        match &self.op {
            Some(op) => panic!("step {} ({op:?}): {what}", self.step),
            None => panic!("teardown: {what}"),
        }
    }

    fn check<T: PartialEq + Debug>(&self, what: &str, expected: T, actual: T) {
        if expected != actual {
            self.fail(format_args!(
                "{what}: the contract says {expected:?}, the library gives {actual:?}"
            ));
        }
    }

    /// Runs `f` (one library call) with the last error primed, and checks it
    /// afterwards: unchanged when `ok`, set (changed) otherwise.
    fn checked<R>(&self, what: &str, f: impl FnOnce() -> R, ok: impl FnOnce(&R) -> bool) -> R {
        abi::prime_last_error();
        let before = abi::last_error();
        let r = f();
        let after = abi::last_error();
        if ok(&r) {
            if after != before {
                self.fail(format_args!(
                    "{what} succeeded but changed spill_last_error() to {after:?}"
                ));
            }
        } else if after == before {
            self.fail(format_args!(
                "{what} failed but did not set spill_last_error()"
            ));
        }
        r
    }

    /// A status-returning call, checked as in [`checked`].
    fn status(&self, what: &str, f: impl FnOnce() -> c_int) -> c_int {
        self.checked(what, f, |&st| st == OK)
    }

    fn count(&mut self, content: &[u8], delta: i64) {
        *self.balance.entry(key(content)).or_default() += delta;
    }

    fn next_serials(&mut self, n: usize) -> Vec<u64> {
        let s = self.serial;
        self.serial += n as u64;
        (s..s + n as u64).collect()
    }

    fn live(&self) -> Vec<usize> {
        (0..self.rings.len())
            .filter(|&i| self.model.rings[i].alive)
            .collect()
    }

    fn pick(&self, sel: u8) -> Option<usize> {
        let live = self.live();
        (!live.is_empty()).then(|| live[sel as usize % live.len()])
    }

    /// Compares the spout events of the step with the model's, and books the
    /// accepted batches of recording spouts as items that left.
    fn compare_events(&mut self) {
        let actual = spout::take_log();
        let expected = std::mem::take(&mut self.model.events);
        if actual != expected {
            let i = actual
                .iter()
                .zip(&expected)
                .take_while(|(a, e)| a == e)
                .count();
            self.fail(format_args!(
                "spout calls differ from call {i} on: the contract says {:?}, the library made {:?} \
                 ({} calls predicted, {} made)",
                expected.get(i),
                actual.get(i),
                expected.len(),
                actual.len()
            ));
        }
        for ev in &actual {
            if let Event::Send {
                rec,
                data,
                accepted: true,
                ..
            } = ev
            {
                let e = self.recs[*rec].family.elem();
                for chunk in data.chunks(e) {
                    self.count(chunk, -1);
                }
            }
        }
    }

    /// Sets the ring whose spout chain a call runs (for `mask::OUTER`).
    fn set_outer(&mut self, r: Option<usize>) {
        self.model.outer = r;
        spout::set_outer(r.map(|r| (self.rings[r].handle, self.rings[r].fam)));
    }

    /// After a step on ring `r`: its length agrees with the model.
    fn check_len(&self, r: usize) {
        if self.model.rings[r].alive {
            let ring = &self.rings[r];
            // SAFETY: the ring is live.
            let len = unsafe { ring.fam.len(ring.handle) };
            self.check("len after the step", self.model.rings[r].items.len(), len);
        }
    }

    fn new_rec(&mut self, fam: Family, sel: &RecordSel) -> usize {
        let id = self.recs.len();
        let rec = Recorder::new(id, fam, sel.has_flush);
        rec.verdict.set(sel.verdict);
        rec.flush.set(sel.flush);
        rec.probes.set(sel.probes);
        self.recs.push(rec);
        self.model.recs.push(MRec {
            fam,
            owner: None,
            verdict: sel.verdict,
            flush: sel.flush,
            probes: sel.probes,
            has_flush: sel.has_flush,
        });
        id
    }

    fn apply(&mut self, op: &Op) {
        match *op {
            Op::Create(ref spec) => self.create(spec),
            Op::Push {
                ring,
                try_,
                null_item,
            } => self.on_ring(ring, |h, r| h.push(r, try_, null_item)),
            Op::PushBulk {
                ring,
                count,
                null_items,
                null_out,
            } => self.on_ring(ring, |h, r| h.push_bulk(r, count, null_items, null_out)),
            Op::Pop { ring, null_out } => self.on_ring(ring, |h, r| h.pop(r, null_out, false)),
            Op::Peek { ring, null_out } => self.on_ring(ring, |h, r| h.pop(r, null_out, true)),
            Op::PopBulk {
                ring,
                max,
                null_out,
                null_popped,
            } => self.on_ring(ring, |h, r| h.pop_bulk(r, max, null_out, null_popped)),
            Op::Reads { ring } => self.on_ring(ring, |h, r| h.reads(r)),
            Op::Flush { ring, null_out } => self.on_ring(ring, |h, r| h.flush(r, null_out)),
            Op::Drain {
                ring,
                dst,
                null_out,
            } => self.on_ring(ring, |h, r| h.drain(r, dst, null_out)),
            Op::Clear { ring } => self.on_ring(ring, |h, r| {
                let expected = h.model.clear(r);
                let ring = &h.rings[r];
                // SAFETY: the ring is live.
                let st = h.status("clear", || unsafe { ring.fam.clear(ring.handle) });
                h.check("clear status", expected, st);
            }),
            Op::Free { ring } => self.on_ring(ring, |h, r| h.free(r)),
            Op::Verdicts(sel) => {
                self.model.stream.set(sel.pattern());
                spout::set_stream(sel.pattern());
            }
            Op::Reconfigure {
                ring,
                verdict,
                flush,
                probes,
            } => {
                if let Some(r) = self.pick(ring) {
                    if let MSpout::Rec(id) = self.model.rings[r].spout {
                        self.reconfigure(id, verdict, flush, probes);
                    }
                }
            }
            Op::OnNull(call) => self.on_bad_handle(std::ptr::null_mut(), None, call),
            Op::OnDead { ring, call } => {
                let dead: Vec<usize> = (0..self.rings.len())
                    .filter(|&i| !self.model.rings[i].alive && self.model.rings[i].caller_mem)
                    .collect();
                if !dead.is_empty() {
                    let r = dead[ring as usize % dead.len()];
                    self.on_bad_handle(self.rings[r].handle, Some(self.rings[r].fam), call);
                }
            }
        }
    }

    fn reconfigure(&mut self, id: usize, verdict: VerdictMode, flush: FlushMode, probes: u16) {
        let rec = &self.recs[id];
        rec.verdict.set(verdict);
        rec.flush.set(flush);
        rec.probes.set(probes);
        let m = &mut self.model.recs[id];
        m.verdict = verdict;
        m.flush = flush;
        m.probes = probes;
    }

    /// Runs `f` on a live ring, with its spout chain marked as running, then
    /// compares the spout events and the ring's length.
    fn on_ring(&mut self, sel: u8, f: impl FnOnce(&mut Self, usize)) {
        let Some(r) = self.pick(sel) else { return };
        self.set_outer(Some(r));
        f(self, r);
        self.set_outer(None);
        self.compare_events();
        self.check_len(r);
    }

    fn create(&mut self, spec: &CreateSpec) {
        let fam = match spec.family {
            FamilySel::U64 => Family::U64,
            FamilySel::Bytes(s) => Family::Bytes(s.size()),
        };
        let elem = fam.elem();
        let elem_ok = (1..=MAX_ELEM_SIZE).contains(&elem);
        let cap = spec.cap.capacity(elem.clamp(1, MAX_ELEM_SIZE));
        let cap_ok = cap.is_power_of_two() && cap <= MAX_CAPACITY;

        // The spout, what the model calls it, and whether creation takes it.
        let (spout, mspout, spout_ok): (Option<Spout>, MSpout, bool) = match spec.spout {
            SpoutSel::Null => (None, MSpout::Null, true),
            SpoutSel::Record(sel) | SpoutSel::Record2(sel) => {
                if !elem_ok {
                    // A recorder needs a valid element size; creation is
                    // refused anyway, check that with a NULL spout.
                    (None, MSpout::Null, true)
                } else {
                    let id = self.new_rec(fam, &sel);
                    (Some(self.recs[id].spout()), MSpout::Rec(id), true)
                }
            }
            SpoutSel::Chain(d) => {
                let Some(d) = self.pick(d) else { return };
                let dfam = self.rings[d].fam;
                let same = dfam.elem() == elem;
                if !same && !flags::REFUSE_MISMATCHED_CHAIN {
                    return;
                }
                // SAFETY: ring `d` is live.
                let s = unsafe { dfam.as_spout(self.rings[d].handle) };
                (Some(s), MSpout::Ring(d), same)
            }
            SpoutSel::SendNull => (
                Some(Spout {
                    send: None,
                    flush: None,
                    ctx: std::ptr::null_mut(),
                }),
                MSpout::Null,
                false,
            ),
            SpoutSel::AsSpoutOfNull { bytes } => {
                let f = if bytes { Family::Bytes(8) } else { Family::U64 };
                // SAFETY: NULL is allowed.
                let s = unsafe { f.as_spout(std::ptr::null_mut()) };
                self.check("as_spout(NULL).send is NULL", true, s.send.is_none());
                (Some(s), MSpout::Null, false)
            }
        };
        let spout_ptr: *const Spout = match &spout {
            Some(s) => s,
            None => std::ptr::null(),
        };
        let args_ok = elem_ok && cap_ok && spout_ok;

        let created: Option<(RingPtr, Option<AlignedBuf>)> = match spec.mem {
            MemSel::Create | MemSel::CreateNullOut => {
                let null_out = matches!(spec.mem, MemSel::CreateNullOut);
                let dangling: RingPtr = std::ptr::NonNull::<c_void>::dangling().as_ptr();
                let mut out = dangling;
                let out_ptr: *mut RingPtr = if null_out {
                    std::ptr::null_mut()
                } else {
                    &mut out
                };
                // SAFETY: valid or NULL pointers, as the contract allows.
                let st = self.status("create", || unsafe { fam.create(cap, spout_ptr, out_ptr) });
                let expected = if null_out {
                    NULL_ARGUMENT
                } else if args_ok {
                    OK
                } else {
                    INVALID_ARGUMENT
                };
                self.check("create status", expected, st);
                if null_out {
                    None
                } else if st == OK {
                    if out.is_null() || out == dangling {
                        self.fail("create returned OK without a ring");
                    }
                    Some((out, None))
                } else {
                    self.check("create's *out_ring on failure", std::ptr::null_mut(), out);
                    None
                }
            }
            MemSel::New => self.create_new(fam, cap, spout_ptr, args_ok),
            MemSel::MemsizeNullOut => {
                // SAFETY: NULL out_size is allowed (refused).
                let st = self.status("memsize", || unsafe {
                    fam.memsize(cap, std::ptr::null_mut())
                });
                self.check("memsize(NULL out_size) status", NULL_ARGUMENT, st);
                None
            }
            MemSel::Caller
            | MemSel::Caller2
            | MemSel::CallerTooSmall
            | MemSel::CallerMisaligned
            | MemSel::CallerNullMem
            | MemSel::InitNullOut => self.create_in_caller_memory(
                fam,
                cap,
                spec.mem,
                spout_ptr,
                elem_ok && cap_ok,
                args_ok,
            ),
        };
        // A refused creation must not have called anything.
        self.compare_events();
        if let Some((handle, mem)) = created {
            let caller_mem = mem.is_some();
            let r = self.model.add_ring(fam, cap, mspout, caller_mem);
            if let MSpout::Rec(id) = mspout {
                self.recs[id].owner.set(handle);
            }
            self.rings.push(RealRing {
                handle,
                fam,
                _mem: mem,
            });
            assert_eq!(r + 1, self.rings.len());
            self.reads(r);
        }
    }

    fn create_new(
        &mut self,
        fam: Family,
        cap: usize,
        spout: *const Spout,
        args_ok: bool,
    ) -> Option<(RingPtr, Option<AlignedBuf>)> {
        // SAFETY: `spout` is NULL or valid.
        let ring = self.checked(
            "new",
            || unsafe { fam.new_ring(cap, spout) },
            |r| !r.is_null(),
        );
        self.check("new returns a ring", args_ok, !ring.is_null());
        (!ring.is_null()).then_some((ring, None))
    }

    fn create_in_caller_memory(
        &mut self,
        fam: Family,
        cap: usize,
        how: MemSel,
        spout: *const Spout,
        size_ok: bool,
        args_ok: bool,
    ) -> Option<(RingPtr, Option<AlignedBuf>)> {
        let mut size = 0xDEAD_usize;
        // SAFETY: `size` is writable.
        let st = self.status("memsize", || unsafe { fam.memsize(cap, &mut size) });
        self.check(
            "memsize status",
            if size_ok { OK } else { INVALID_ARGUMENT },
            st,
        );
        if st == OK {
            let elems = cap * fam.elem();
            if size < elems {
                self.fail(format_args!(
                    "memsize {size} < capacity * elem_size {elems}"
                ));
            }
            if let (Family::Bytes(_), true) = (fam, flags::EXACT_MEMSIZE) {
                let header = size - elems;
                match self.memsize_header {
                    None => self.memsize_header = Some(header),
                    Some(h) => self.check(
                        "memsize - capacity * elem_size (a fixed header, exact stride)",
                        h,
                        header,
                    ),
                }
            }
        } else {
            size = 256;
        }
        let buf = AlignedBuf::zeroed(size + abi::RING_ALIGN);
        let (mem, mem_size): (*mut c_void, usize) = match how {
            MemSel::CallerTooSmall => (buf.ptr().cast(), size - 1),
            // SAFETY: within the block (it has RING_ALIGN bytes to spare).
            MemSel::CallerMisaligned => (unsafe { buf.ptr().add(8) }.cast(), size),
            MemSel::CallerNullMem => (std::ptr::null_mut(), size),
            _ => (buf.ptr().cast(), size),
        };
        let null_out = matches!(how, MemSel::InitNullOut);
        let dangling: RingPtr = std::ptr::NonNull::<c_void>::dangling().as_ptr();
        let mut out = dangling;
        let out_ptr: *mut RingPtr = if null_out {
            std::ptr::null_mut()
        } else {
            &mut out
        };
        // SAFETY: `mem` is NULL or valid for `mem_size` bytes.
        let st = self.status("init", || unsafe {
            fam.init(mem, mem_size, cap, spout, out_ptr)
        });
        let expected = if null_out || mem.is_null() {
            NULL_ARGUMENT
        } else if !args_ok || matches!(how, MemSel::CallerTooSmall | MemSel::CallerMisaligned) {
            INVALID_ARGUMENT
        } else {
            OK
        };
        if !(flags::INIT_MEM_CHECKED_FIRST
            || args_ok
            || !mem.is_null()
            || null_out
            || st != INVALID_ARGUMENT)
        {
            // Known gap: both apply and the library reports the other one.
        } else {
            self.check("init status", expected, st);
        }
        if null_out {
            return None;
        }
        if st == OK {
            self.check("init's handle is mem", mem, out);
            Some((out, Some(buf)))
        } else {
            self.check("init's *out_ring on failure", std::ptr::null_mut(), out);
            None
        }
    }

    fn push(&mut self, r: usize, try_: bool, null_item: bool) {
        let fam = self.rings[r].fam;
        let handle = self.rings[r].handle;
        let s = self.next_serials(1)[0];
        let content = item(s, fam.elem());
        let null_item = null_item && matches!(fam, Family::Bytes(_));
        let expected = if null_item {
            NULL_ARGUMENT
        } else if try_ {
            self.model.try_push(r, s)
        } else {
            self.model.push(r, s)
        };
        let arg = (!null_item).then_some(&content[..]);
        // SAFETY: the ring is live; `arg` holds one element.
        let st = self.status("push", || unsafe { fam.push(handle, arg, try_) });
        self.check(
            if try_ {
                "try_push status"
            } else {
                "push status"
            },
            expected,
            st,
        );
        if st == OK {
            self.count(&content, 1);
        }
    }

    fn push_bulk(&mut self, r: usize, sel: CountSel, null_items: bool, null_out: bool) {
        let fam = self.rings[r].fam;
        let handle = self.rings[r].handle;
        let e = fam.elem();
        let count = sel.count(self.model.rings[r].cap, e);
        let serials = if sel.is_huge() {
            Vec::new()
        } else {
            self.next_serials(count)
        };
        let buf = AlignedBuf::zeroed(serials.len().max(1) * e);
        // SAFETY: `buf` holds `serials.len()` elements (at least one).
        let bytes = unsafe { std::slice::from_raw_parts_mut(buf.ptr(), serials.len().max(1) * e) };
        for (i, &s) in serials.iter().enumerate() {
            fill_item(s, &mut bytes[i * e..(i + 1) * e]);
        }
        let (expected, expected_n) = if null_items && count > 0 {
            (NULL_ARGUMENT, 0)
        } else if sel.is_huge() {
            (INVALID_ARGUMENT, 0)
        } else {
            self.model.push_bulk(r, &serials)
        };
        let items: *const u8 = if null_items {
            std::ptr::null()
        } else {
            buf.ptr()
        };
        let mut n = 0xDEAD_usize;
        let out = (!null_out).then_some(&mut n);
        // SAFETY: the ring is live; `items` is NULL or holds `count` elements
        // (a huge count is refused before any read).
        let st = self.status("push_bulk", || unsafe {
            fam.push_bulk(handle, items, count, out)
        });
        self.check("push_bulk status", expected, st);
        if !null_out {
            self.check("push_bulk *out_pushed", expected_n, n);
        }
        if st == OK {
            for chunk in bytes[..serials.len() * e].chunks(e) {
                self.count(chunk, 1);
            }
        }
    }

    fn pop(&mut self, r: usize, null_out: bool, peek: bool) {
        let fam = self.rings[r].fam;
        let handle = self.rings[r].handle;
        let (expected, s) = if null_out {
            (NULL_ARGUMENT, None)
        } else {
            self.model.pop(r, peek)
        };
        let mut buf = vec![0u8; fam.elem()];
        let out = (!null_out).then_some(&mut buf[..]);
        let what = if peek {
            ["peek", "peek status", "peek element"]
        } else {
            ["pop", "pop status", "pop element"]
        };
        // SAFETY: the ring is live; `out` has room for one element.
        let st = self.status(what[0], || unsafe { fam.pop(handle, out, peek) });
        self.check(what[1], expected, st);
        if let (OK, Some(s)) = (st, s) {
            let want = item(s, fam.elem());
            self.check(what[2], &want, &buf);
            if !peek {
                self.count(&want, -1);
            }
        }
    }

    fn pop_bulk(&mut self, r: usize, sel: CountSel, null_out: bool, null_popped: bool) {
        let fam = self.rings[r].fam;
        let handle = self.rings[r].handle;
        let e = fam.elem();
        let max = sel.count(self.model.rings[r].cap, e);
        let (expected, serials) = if null_popped || (null_out && max > 0) {
            (NULL_ARGUMENT, Vec::new())
        } else if sel.is_huge() {
            (INVALID_ARGUMENT, Vec::new())
        } else {
            self.model.pop_bulk(r, max)
        };
        let room = if sel.is_huge() { 1 } else { max.max(1) };
        let buf = AlignedBuf::zeroed(room * e);
        let out: *mut u8 = if null_out {
            std::ptr::null_mut()
        } else {
            buf.ptr()
        };
        let mut n = 0xDEAD_usize;
        let n_ptr = (!null_popped).then_some(&mut n);
        // SAFETY: the ring is live; `out` is NULL or has room for `max`
        // elements (a huge max is refused before any write).
        let st = self.status("pop_bulk", || unsafe {
            fam.pop_bulk(handle, out, max, n_ptr)
        });
        self.check("pop_bulk status", expected, st);
        if !null_popped {
            self.check("pop_bulk *out_popped", serials.len(), n);
        }
        if st == OK {
            let want: Vec<u8> = serials.iter().flat_map(|&s| item(s, e)).collect();
            self.check("pop_bulk elements", &want[..], &buf.bytes()[..want.len()]);
            for chunk in want.chunks(e) {
                self.count(chunk, -1);
            }
        }
    }

    fn reads(&mut self, r: usize) {
        let mut expected = Vec::new();
        self.model
            .probes_of(r, Target::Owner, mask::READS, &mut expected);
        let ring = &self.rings[r];
        let mut actual = Vec::new();
        // Reads of a live ring succeed: they leave the last error alone.
        self.checked(
            "reads",
            // SAFETY: the ring is live.
            || unsafe {
                spout::probe_ring(
                    ring.handle,
                    ring.fam,
                    Target::Owner,
                    mask::READS,
                    &mut actual,
                )
            },
            |_| true,
        );
        self.check(
            "len, capacity, elem_size, is_empty, is_full",
            expected,
            actual,
        );
        self.pop(r, false, true);
    }

    fn flush(&mut self, r: usize, null_out: bool) {
        let ring = &self.rings[r];
        let (fam, handle) = (ring.fam, ring.handle);
        let (expected, expected_n) = self.model.flush(r);
        let mut n = 0xDEAD_usize;
        let out = (!null_out).then_some(&mut n);
        // SAFETY: the ring is live.
        let st = self.status("flush", || unsafe { fam.flush(handle, out) });
        self.check("flush status", expected, st);
        if !null_out {
            self.check("flush *out_flushed", expected_n, n);
        }
    }

    fn drain(&mut self, r: usize, dst: DrainDst, null_out: bool) {
        let fam = self.rings[r].fam;
        let handle = self.rings[r].handle;
        // A drain does not run the ring's own spout chain.
        self.set_outer(None);
        let (spout, mdst): (Option<Spout>, Option<MSpout>) = match dst {
            DrainDst::Sink { verdict, probes } => {
                let probes = if flags::PROBE_IN_DRAIN {
                    probes & mask::READ_ONLY
                } else {
                    0
                };
                let sel = RecordSel {
                    verdict,
                    flush: FlushMode::Ok,
                    has_flush: true,
                    probes,
                };
                let id = self.new_rec(fam, &sel);
                self.recs[id].owner.set(handle);
                self.model.recs[id].owner = Some(r);
                (Some(self.recs[id].spout()), Some(MSpout::Rec(id)))
            }
            DrainDst::Chain(sel) => {
                let live = self.live();
                let ok: Vec<usize> = live
                    .into_iter()
                    .filter(|&d| {
                        d != r
                            && self.rings[d].fam.elem() == fam.elem()
                            && !self.model.chain_reaches(d, r)
                    })
                    .collect();
                if ok.is_empty() {
                    return;
                }
                let d = ok[sel as usize % ok.len()];
                // SAFETY: ring `d` is live.
                let s = unsafe { self.rings[d].fam.as_spout(self.rings[d].handle) };
                (Some(s), Some(MSpout::Ring(d)))
            }
            DrainDst::Null => (None, None),
            DrainDst::SendNull => (
                Some(Spout {
                    send: None,
                    flush: None,
                    ctx: std::ptr::null_mut(),
                }),
                None,
            ),
        };
        let (expected, expected_n) = match (dst, mdst) {
            (_, Some(m)) => self.model.drain(r, m),
            (DrainDst::Null, _) => (NULL_ARGUMENT, 0),
            _ => (INVALID_ARGUMENT, 0),
        };
        let dst_ptr: *const Spout = match &spout {
            Some(s) => s,
            None => std::ptr::null(),
        };
        let mut n = 0xDEAD_usize;
        let out = (!null_out).then_some(&mut n);
        // SAFETY: the ring is live; `dst_ptr` is NULL or a valid spout.
        let st = self.status("drain", || unsafe { fam.drain(handle, dst_ptr, out) });
        self.check("drain status", expected, st);
        if !null_out {
            self.check("drain *out_drained", expected_n, n);
        }
    }

    fn free(&mut self, r: usize) {
        if self.model.rings[r].users > 0 {
            // Another live ring chains into it: freeing it is not allowed.
            return;
        }
        if !flags::FREE_DOES_NOT_REOFFER
            && self.step != usize::MAX
            && !self.model.rings[r].items.is_empty()
        {
            return;
        }
        let fam = self.rings[r].fam;
        let handle = self.rings[r].handle;
        let quiet = !flags::PROBE_INSIDE_FREE;
        self.model.quiet = quiet;
        let (expected, lost, all_sent) = self.model.free(r);
        self.model.quiet = false;
        spout::set_quiet(quiet);
        // SAFETY: the ring is live and not used again (except as a dead
        // caller-memory handle, whose memory is kept).
        let st = self.status("free", || unsafe { fam.free(handle) });
        spout::set_quiet(false);
        if !flags::FREE_REPORTS_FLUSH_FAILURE && all_sent && st == OK {
            // Known gap: the flush failure is not reported.
        } else {
            self.check("free status", expected, st);
        }
        if st == SPOUT_FAILED && lost > 0 && flags::FREE_MESSAGE_COUNTS_LOST {
            let msg = abi::last_error();
            if !msg.contains(&lost.to_string()) {
                self.fail(format_args!(
                    "free lost {lost} items but its message says {msg:?}"
                ));
            }
        }
        if !self.model.rings[r].caller_mem {
            self.rings[r].handle = std::ptr::null_mut();
        }
    }

    /// A call on a NULL handle (`fam` None: the call's own family) or on a
    /// dead caller-memory ring: refused, with 0 or false from reads and the
    /// out-counts written 0.
    fn on_bad_handle(&mut self, handle: RingPtr, fam: Option<Family>, call: Call) {
        let dead = fam.is_some();
        let fam_of = |bytes: bool| {
            fam.unwrap_or(if bytes {
                Family::Bytes(24)
            } else {
                Family::U64
            })
        };
        let refused = if dead {
            INVALID_ARGUMENT
        } else {
            NULL_ARGUMENT
        };
        let e_buf = AlignedBuf::zeroed(fam_of(true).elem().max(fam_of(false).elem()) * 16);
        let one = item(u64::MAX - 1, fam_of(true).elem().max(8));
        let mut n = 0xDEAD_usize;
        let (what, st, out_count): (&str, c_int, bool) = match call {
            Call::Push { bytes, try_ } => {
                let f = fam_of(bytes);
                // SAFETY: a NULL or dead handle is refused before any use.
                let st = self.status("push on a bad handle", || unsafe {
                    f.push(handle, Some(&one[..f.elem()]), try_)
                });
                ("push", st, false)
            }
            Call::PushBulk { bytes, count } => {
                let f = fam_of(bytes);
                let count = (count as usize).min(16);
                // SAFETY: as above; the buffer holds `count` elements.
                let st = self.status("push_bulk on a bad handle", || unsafe {
                    f.push_bulk(handle, e_buf.ptr(), count, Some(&mut n))
                });
                ("push_bulk", st, true)
            }
            Call::Pop { bytes, peek } => {
                let f = fam_of(bytes);
                let mut b = vec![0u8; f.elem()];
                // SAFETY: as above.
                let st = self.status("pop on a bad handle", || unsafe {
                    f.pop(handle, Some(&mut b), peek)
                });
                ("pop", st, false)
            }
            Call::PopBulk {
                bytes,
                max,
                null_popped,
            } => {
                let null_popped = null_popped && (!dead || flags::HANDLE_CHECKED_BEFORE_POINTERS);
                let f = fam_of(bytes);
                let max = (max as usize).min(16);
                let p = (!null_popped).then_some(&mut n);
                // SAFETY: as above; the buffer has room for `max` elements.
                let st = self.status("pop_bulk on a bad handle", || unsafe {
                    f.pop_bulk(handle, e_buf.ptr(), max, p)
                });
                ("pop_bulk", st, !null_popped)
            }
            Call::Reads { bytes } => {
                let f = fam_of(bytes);
                let mut actual = Vec::new();
                // Each read fails on its own: 0 or false, and the last error set.
                // SAFETY (all five): a NULL or dead handle is refused before any use.
                let t = Target::Owner;
                let len = self.checked(
                    "len of a bad handle",
                    || unsafe { f.len(handle) },
                    |_| false,
                );
                actual.push(Probe::Len(t, len));
                let cap = self.checked(
                    "capacity of a bad handle",
                    || unsafe { f.capacity(handle) },
                    |_| false,
                );
                actual.push(Probe::Capacity(t, cap));
                if let Family::Bytes(_) = f {
                    let e = self.checked(
                        "elem_size of a bad handle",
                        || unsafe { f.elem_size(handle) },
                        |_| false,
                    );
                    actual.push(Probe::ElemSize(t, e.unwrap_or(0)));
                }
                let empty = self.checked(
                    "is_empty of a bad handle",
                    || unsafe { f.is_empty(handle) },
                    |_| false,
                );
                actual.push(Probe::IsEmpty(t, empty));
                let full = self.checked(
                    "is_full of a bad handle",
                    || unsafe { f.is_full(handle) },
                    |_| false,
                );
                actual.push(Probe::IsFull(t, full));
                let mut expected = vec![Probe::Len(t, 0), Probe::Capacity(t, 0)];
                if matches!(f, Family::Bytes(_)) {
                    expected.push(Probe::ElemSize(t, 0));
                }
                expected.push(Probe::IsEmpty(t, false));
                expected.push(Probe::IsFull(t, false));
                self.check("reads of a bad handle", expected, actual);
                return;
            }
            Call::Flush { bytes } => {
                let f = fam_of(bytes);
                // SAFETY: as above.
                let st = self.status("flush on a bad handle", || unsafe {
                    f.flush(handle, Some(&mut n))
                });
                ("flush", st, true)
            }
            Call::Drain { bytes, null_dst } => {
                let null_dst = null_dst && (!dead || flags::HANDLE_CHECKED_BEFORE_POINTERS);
                let f = fam_of(bytes);
                let dst = spout::probe_drain_dst();
                let dst_ptr: *const Spout = if null_dst { std::ptr::null() } else { &dst };
                // SAFETY: as above.
                let st = self.status("drain on a bad handle", || unsafe {
                    f.drain(handle, dst_ptr, Some(&mut n))
                });
                ("drain", st, true)
            }
            Call::Clear { bytes } => {
                let f = fam_of(bytes);
                // SAFETY: as above.
                let st = self.status("clear on a bad handle", || unsafe { f.clear(handle) });
                ("clear", st, false)
            }
            Call::Free { bytes } => {
                let f = fam_of(bytes);
                // SAFETY: free(NULL) does nothing; a dead handle is refused.
                let st = self.status("free on a bad handle", || unsafe { f.free(handle) });
                self.check(
                    "free on a bad handle status",
                    if dead { INVALID_ARGUMENT } else { OK },
                    st,
                );
                self.compare_events();
                return;
            }
        };
        self.check(&format!("{what} on a bad handle status"), refused, st);
        if out_count {
            self.check(&format!("{what} on a bad handle out-count"), 0, n);
        }
        self.compare_events();
    }

    /// Lets every spout accept, frees every ring (users after the rings they
    /// chain into... which were created first, so newest first), and checks
    /// conservation.
    fn teardown(&mut self) {
        self.step = usize::MAX;
        self.op = None;
        for id in 0..self.recs.len() {
            let probes = self.model.recs[id].probes;
            self.reconfigure(id, VerdictMode::Accept, FlushMode::Ok, probes);
        }
        for r in (0..self.rings.len()).rev() {
            if self.model.rings[r].alive {
                self.set_outer(Some(r));
                self.free(r);
                self.set_outer(None);
                self.compare_events();
            }
        }
        for ring in &self.model.rings {
            assert!(
                !ring.alive && ring.items.is_empty(),
                "model ring left after teardown"
            );
        }
        let model = std::mem::take(&mut self.model);
        for c in model
            .lost
            .iter()
            .chain(&model.dropped)
            .chain(&model.cleared)
        {
            self.count(c, -1);
        }
        let off: Vec<_> = self.balance.iter().filter(|(_, &v)| v != 0).collect();
        if !off.is_empty() {
            self.fail(format_args!(
                "conservation: {} item contents are not accounted for exactly once \
                 ((size, fingerprint) -> pushed minus seen): {:?}",
                off.len(),
                &off[..off.len().min(8)]
            ));
        }
    }
}
