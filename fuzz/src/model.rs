//! The model: what CONTRACT.md (the header's documented contract) says each
//! call does, written as plainly as possible. Each ring is a `VecDeque` of
//! item serials plus the storage index of its oldest item (`head`, mod
//! capacity), which says where batches split. Spout calls are predicted as
//! [`Event`]s, in order, with what probes made from inside them must see.

use std::collections::VecDeque;
use std::ffi::c_int;

use crate::abi::status::*;
use crate::abi::Family;
use crate::events::{self, item, mask, Event, Probe, Stream, Target};
use crate::flags;
use crate::input::{FlushMode, VerdictMode};

/// Where a ring's (or a drain's) items go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MSpout {
    /// Dropped.
    Null,
    /// Recording spout `n`.
    Rec(usize),
    /// Ring `n`'s `_as_spout`.
    Ring(usize),
}

/// A ring.
#[derive(Debug)]
pub struct MRing {
    pub fam: Family,
    pub cap: usize,
    /// Storage index of the oldest item (taken mod `cap`).
    pub head: usize,
    pub items: VecDeque<u64>,
    pub spout: MSpout,
    pub alive: bool,
    /// Whether it lives in caller memory (dead-handle detection).
    pub caller_mem: bool,
    /// How many live rings chain into it (it may not be freed before them).
    pub users: usize,
}

/// A recording spout.
#[derive(Debug, Clone)]
pub struct MRec {
    pub fam: Family,
    pub owner: Option<usize>,
    pub verdict: VerdictMode,
    pub flush: FlushMode,
    pub probes: u16,
    pub has_flush: bool,
}

/// The whole modelled world of one run.
#[derive(Debug, Default)]
pub struct Model {
    pub rings: Vec<MRing>,
    pub recs: Vec<MRec>,
    pub stream: Stream,
    /// Predicted spout calls of the step being run.
    pub events: Vec<Event>,
    /// The ring the harness is calling (for `mask::OUTER` probes), unless
    /// the call is a drain.
    pub outer: Option<usize>,
    /// Items reported lost by failing frees, dropped by NULL spouts, and
    /// discarded by clear.
    pub lost: Vec<Vec<u8>>,
    pub dropped: Vec<Vec<u8>>,
    pub cleared: Vec<Vec<u8>>,
    /// Whether spouts make no probes during the call being run.
    pub quiet: bool,
}

impl Model {
    /// Adds a ring (creation succeeded) and returns its index.
    pub fn add_ring(&mut self, fam: Family, cap: usize, spout: MSpout, caller_mem: bool) -> usize {
        let idx = self.rings.len();
        match spout {
            MSpout::Rec(r) => self.recs[r].owner = Some(idx),
            MSpout::Ring(d) => self.rings[d].users += 1,
            MSpout::Null => {}
        }
        self.rings.push(MRing {
            fam,
            cap,
            head: 0,
            items: VecDeque::new(),
            spout,
            alive: true,
            caller_mem,
            users: 0,
        });
        idx
    }

    /// What `mask` probes on ring `r` return now.
    pub fn probes_of(&self, r: usize, t: Target, m: u16, out: &mut Vec<Probe>) {
        let ring = &self.rings[r];
        let len = ring.items.len();
        if m & mask::READS != 0 {
            out.push(Probe::Len(t, len));
            out.push(Probe::Capacity(t, ring.cap));
            if let Family::Bytes(e) = ring.fam {
                out.push(Probe::ElemSize(t, e));
            }
            out.push(Probe::IsEmpty(t, len == 0));
            out.push(Probe::IsFull(t, len == ring.cap));
        }
        if m & mask::PEEK != 0 {
            out.push(match ring.items.front() {
                Some(&s) => Probe::Peek(t, OK, item(s, ring.fam.elem())),
                None => Probe::Peek(t, EMPTY, Vec::new()),
            });
        }
        for (bit, name) in mask::MUTATING {
            if m & bit != 0 {
                out.push(Probe::Mutate(
                    t,
                    name,
                    BUSY,
                    mask::has_out_count(name).then_some(0),
                ));
            }
        }
    }

    fn rec_probes(&self, rec: usize, in_flush: bool) -> Vec<Probe> {
        let mut out = Vec::new();
        let m = mask::in_spout(self.recs[rec].probes);
        if m == 0 || self.quiet || (in_flush && !flags::PROBE_IN_FLUSH_CALLBACK) {
            return out;
        }
        let owner = self.recs[rec].owner;
        if let Some(o) = owner {
            self.probes_of(o, Target::Owner, m, &mut out);
        }
        if m & mask::OUTER != 0 {
            if let Some(x) = self.outer {
                if Some(x) != owner {
                    self.probes_of(x, Target::Outer, m, &mut out);
                }
            }
        }
        out
    }

    /// Offers `batch` (elements of `fam`) to `spout`; whether it was
    /// accepted. A NULL spout takes (drops) everything.
    fn send(&mut self, spout: MSpout, batch: &[u64], fam: Family) -> bool {
        match spout {
            MSpout::Null => {
                self.dropped
                    .extend(batch.iter().map(|&s| item(s, fam.elem())));
                true
            }
            MSpout::Rec(r) => {
                let probes = self.rec_probes(r, false);
                let accepted = events::accepts(self.recs[r].verdict, batch.len(), &mut self.stream);
                let data = batch.iter().flat_map(|&s| item(s, fam.elem())).collect();
                self.events.push(Event::Send {
                    rec: r,
                    count: batch.len(),
                    data,
                    aligned: true,
                    accepted,
                    probes,
                });
                accepted
            }
            MSpout::Ring(d) => self.push_bulk(d, batch).0 == OK,
        }
    }

    /// The spout's flush callback: whether it succeeded (no callback: yes).
    fn flush_callback(&mut self, spout: MSpout) -> bool {
        match spout {
            MSpout::Null => true,
            MSpout::Rec(r) => {
                if !self.recs[r].has_flush {
                    return true;
                }
                let probes = self.rec_probes(r, true);
                let ok = events::flush_succeeds(self.recs[r].flush, &mut self.stream);
                self.events.push(Event::Flush { rec: r, ok, probes });
                ok
            }
            // A ring's `_as_spout` flushes that ring's own spout.
            MSpout::Ring(d) => self.flush_callback(self.rings[d].spout),
        }
    }

    /// Offers ring `r`'s `n` oldest items to `dst` (the items stay in the
    /// ring during the call); removes them if accepted.
    fn evict_to(&mut self, r: usize, dst: MSpout, n: usize) -> bool {
        let batch: Vec<u64> = self.rings[r].items.iter().take(n).copied().collect();
        let fam = self.rings[r].fam;
        if !self.send(dst, &batch, fam) {
            return false;
        }
        let ring = &mut self.rings[r];
        ring.items.drain(..n);
        ring.head = ring.head.wrapping_add(n);
        true
    }

    /// Size of the next batch of `want` oldest items of ring `r`: batches
    /// split only at the storage's wrap point.
    fn chunk(&self, r: usize, want: usize) -> usize {
        let ring = &self.rings[r];
        want.min(ring.cap - ring.head % ring.cap)
    }

    /// Sends every item of ring `r` to `dst`, oldest first, in batches split
    /// at the wrap point, stopping at the first refusal. Returns whether all
    /// were accepted and how many left the ring.
    fn send_all(&mut self, r: usize, dst: MSpout) -> (bool, usize) {
        let mut sent = 0;
        while !self.rings[r].items.is_empty() {
            let n = self.chunk(r, self.rings[r].items.len());
            if !self.evict_to(r, dst, n) {
                return (false, sent);
            }
            sent += n;
        }
        (true, sent)
    }

    /// `_push` of item `s`.
    pub fn push(&mut self, r: usize, s: u64) -> c_int {
        let ring = &self.rings[r];
        if ring.items.len() == ring.cap && !self.evict_to(r, ring.spout, 1) {
            return SPOUT_FAILED;
        }
        self.rings[r].items.push_back(s);
        OK
    }

    /// `_try_push` of item `s`.
    pub fn try_push(&mut self, r: usize, s: u64) -> c_int {
        let ring = &mut self.rings[r];
        if ring.items.len() == ring.cap {
            return FULL;
        }
        ring.items.push_back(s);
        OK
    }

    /// `_push_bulk` of `batch` (valid arguments): status and out-count.
    pub fn push_bulk(&mut self, r: usize, batch: &[u64]) -> (c_int, usize) {
        let count = batch.len();
        if count == 0 {
            return (OK, 0);
        }
        let (cap, len, spout) = {
            let ring = &self.rings[r];
            (ring.cap, ring.items.len(), ring.spout)
        };
        let over = (len + count).saturating_sub(cap);
        let mut from_ring = over.min(len);
        while from_ring > 0 {
            let n = self.chunk(r, from_ring);
            if !self.evict_to(r, spout, n) {
                return (SPOUT_FAILED, 0);
            }
            from_ring -= n;
        }
        if count > cap && !self.send(spout, &batch[..count - cap], self.rings[r].fam) {
            return (SPOUT_FAILED, 0);
        }
        self.rings[r]
            .items
            .extend(&batch[count.saturating_sub(cap)..]);
        (OK, count)
    }

    /// `_pop` (or `_peek`): status and the item.
    pub fn pop(&mut self, r: usize, peek: bool) -> (c_int, Option<u64>) {
        let ring = &mut self.rings[r];
        match ring.items.front().copied() {
            None => (EMPTY, None),
            Some(s) => {
                if !peek {
                    ring.items.pop_front();
                    ring.head = ring.head.wrapping_add(1);
                }
                (OK, Some(s))
            }
        }
    }

    /// `_pop_bulk` with valid pointers and a count within the maximum.
    pub fn pop_bulk(&mut self, r: usize, max: usize) -> (c_int, Vec<u64>) {
        let ring = &mut self.rings[r];
        if max == 0 {
            return (OK, Vec::new());
        }
        if ring.items.is_empty() {
            return (EMPTY, Vec::new());
        }
        let n = max.min(ring.items.len());
        ring.head = ring.head.wrapping_add(n);
        (OK, ring.items.drain(..n).collect())
    }

    /// `_flush`: status and out-count.
    pub fn flush(&mut self, r: usize) -> (c_int, usize) {
        let spout = self.rings[r].spout;
        let (all, sent) = self.send_all(r, spout);
        let flushed = self.flush_callback(spout);
        (if all && flushed { OK } else { SPOUT_FAILED }, sent)
    }

    /// `_drain` to `dst` (valid): status and out-count.
    pub fn drain(&mut self, r: usize, dst: MSpout) -> (c_int, usize) {
        let (all, sent) = self.send_all(r, dst);
        (if all { OK } else { SPOUT_FAILED }, sent)
    }

    /// `_clear`.
    pub fn clear(&mut self, r: usize) -> c_int {
        let ring = &mut self.rings[r];
        let e = ring.fam.elem();
        self.cleared.extend(ring.items.iter().map(|&s| item(s, e)));
        let n = ring.items.len();
        ring.items.clear();
        ring.head = if flags::CLEAR_KEEPS_POSITION {
            ring.head.wrapping_add(n)
        } else {
            0
        };
        OK
    }

    /// `_free` of a live ring no other ring chains into: status, how many
    /// items were lost, and whether every send was accepted.
    pub fn free(&mut self, r: usize) -> (c_int, usize, bool) {
        let spout = self.rings[r].spout;
        let (all, _) = self.send_all(r, spout);
        let flushed = self.flush_callback(spout);
        let ring = &mut self.rings[r];
        let e = ring.fam.elem();
        let lost = ring.items.len();
        self.lost.extend(ring.items.drain(..).map(|s| item(s, e)));
        ring.alive = false;
        if let MSpout::Ring(d) = spout {
            self.rings[d].users -= 1;
        }
        (if all && flushed { OK } else { SPOUT_FAILED }, lost, all)
    }

    /// Whether ring `target` is reachable from ring `from` through chains
    /// (so that `from` pushing into its spout may reach `target`).
    pub fn chain_reaches(&self, from: usize, target: usize) -> bool {
        let mut at = from;
        loop {
            if at == target {
                return true;
            }
            match self.rings[at].spout {
                MSpout::Ring(d) => at = d,
                _ => return false,
            }
        }
    }
}
