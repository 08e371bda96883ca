//! What the spouts see: the events the recording spouts log and the model
//! predicts, the probes they make from inside their callbacks, and the
//! decisions both take from the same rules.

use std::ffi::c_int;

use crate::input::{FlushMode, VerdictMode};

/// One spout callback, as observed (or predicted).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A `send` to recording spout `rec`.
    Send {
        rec: usize,
        count: usize,
        /// The `count * elem_size` bytes offered.
        data: Vec<u8>,
        /// Whether `items` had the alignment of the element type.
        aligned: bool,
        accepted: bool,
        probes: Vec<Probe>,
    },
    /// A `flush` of recording spout `rec`.
    Flush {
        rec: usize,
        ok: bool,
        probes: Vec<Probe>,
    },
    /// Something no contract allows (a NULL batch, a count of 0, a call to
    /// the spout that probes pass to a busy drain).
    Unexpected(String),
}

/// Which ring a probe looked at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The ring that owns the spout (the one evicting).
    Owner,
    /// The ring the harness called, further up a chain.
    Outer,
}

/// The result of one call made from inside a spout callback, or of a read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Probe {
    Len(Target, usize),
    Capacity(Target, usize),
    ElemSize(Target, usize),
    IsEmpty(Target, bool),
    IsFull(Target, bool),
    /// `_peek`: status and, on OK, the element.
    Peek(Target, c_int, Vec<u8>),
    /// A mutating call: status and out-count (when it has one).
    Mutate(Target, &'static str, c_int, Option<usize>),
}

/// Probe mask bits (the `probes` of a recording spout).
pub mod mask {
    pub const READS: u16 = 1 << 0;
    pub const PEEK: u16 = 1 << 1;
    pub const PUSH: u16 = 1 << 2;
    pub const TRY_PUSH: u16 = 1 << 3;
    pub const PUSH_BULK: u16 = 1 << 4;
    pub const POP: u16 = 1 << 5;
    pub const POP_BULK: u16 = 1 << 6;
    pub const FLUSH: u16 = 1 << 7;
    pub const DRAIN: u16 = 1 << 8;
    pub const CLEAR: u16 = 1 << 9;
    pub const FREE: u16 = 1 << 10;
    /// Also probe the ring the harness called, when it is not the owner.
    pub const OUTER: u16 = 1 << 11;
    /// Every read-only probe.
    pub const READ_ONLY: u16 = READS | PEEK;
    /// The mutating probes, in the order they are made, with their names.
    pub const MUTATING: [(u16, &str); 9] = [
        (PUSH, "push"),
        (TRY_PUSH, "try_push"),
        (PUSH_BULK, "push_bulk"),
        (POP, "pop"),
        (POP_BULK, "pop_bulk"),
        (FLUSH, "flush"),
        (DRAIN, "drain"),
        (CLEAR, "clear"),
        (FREE, "free"),
    ];
    /// The probes a spout configured with `m` makes (without the ones the
    /// flags switch off).
    pub fn in_spout(m: u16) -> u16 {
        if crate::flags::PEEK_INSIDE_SPOUT {
            m
        } else {
            m & !PEEK
        }
    }

    /// Whether the mutating call `name` has an out-count.
    pub fn has_out_count(name: &str) -> bool {
        matches!(name, "push_bulk" | "pop_bulk" | "flush" | "drain")
    }
}

/// The shared verdict stream (one copy in the model, one for the spouts).
#[derive(Clone, Copy, Debug, Default)]
pub struct Stream {
    pattern: u64,
    pos: u32,
}

impl Stream {
    /// Starts `pattern` from its first bit.
    pub fn set(&mut self, pattern: u64) {
        *self = Stream { pattern, pos: 0 };
    }

    /// The next decision: true means refuse.
    pub fn next_refuses(&mut self) -> bool {
        let bit = (self.pattern >> (self.pos % 64)) & 1 == 1;
        self.pos = self.pos.wrapping_add(1);
        bit
    }
}

/// Whether a spout in `mode` accepts a batch of `count` items.
pub fn accepts(mode: VerdictMode, count: usize, stream: &mut Stream) -> bool {
    match mode {
        VerdictMode::Accept | VerdictMode::Accept2 => true,
        VerdictMode::Refuse => false,
        VerdictMode::Stream => !stream.next_refuses(),
        VerdictMode::RefuseOver(n) => count <= n as usize,
    }
}

/// Whether a spout's flush in `mode` succeeds.
pub fn flush_succeeds(mode: FlushMode, stream: &mut Stream) -> bool {
    match mode {
        FlushMode::Ok => true,
        FlushMode::Fail => false,
        FlushMode::Stream => !stream.next_refuses(),
    }
}

/// The content of item `serial` for elements of `elem` bytes: its first
/// eight bytes are the serial (little-endian), so a u64 item and an 8-byte
/// bytes element of the same serial are equal.
pub fn fill_item(serial: u64, out: &mut [u8]) {
    let s = serial.to_le_bytes();
    for (j, b) in out.iter_mut().enumerate() {
        *b = if j < 8 {
            s[j]
        } else {
            s[j % 8] ^ (j as u8).wrapping_mul(151) ^ (j >> 8) as u8
        };
    }
}

/// Item `serial` as `elem` bytes.
pub fn item(serial: u64, elem: usize) -> Vec<u8> {
    let mut v = vec![0; elem];
    fill_item(serial, &mut v);
    v
}
