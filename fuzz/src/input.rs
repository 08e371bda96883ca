//! The operation stream the fuzzer generates (with `arbitrary`), and how its
//! small selectors map to concrete sizes and counts.

use arbitrary::Arbitrary;

/// One fuzz input: operations run in order, then a teardown frees every ring.
#[derive(Debug, Clone)]
pub struct Input {
    /// The operations.
    pub ops: Vec<Op>,
}

/// At most this many operations per input.
pub const MAX_OPS: usize = 512;

impl<'a> Arbitrary<'a> for Input {
    /// Operations one after another until the data runs out (every byte
    /// feeds an operation; no length prefix or continuation bytes).
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        let mut ops = Vec::new();
        while !u.is_empty() && ops.len() < MAX_OPS {
            ops.push(Op::arbitrary(u)?);
        }
        Ok(Input { ops })
    }

    fn arbitrary_take_rest(mut u: arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        Self::arbitrary(&mut u)
    }
}

/// One step. `ring` selects a live ring (modulo how many there are); a step
/// that has no ring to work on is skipped.
#[derive(Arbitrary, Debug, Clone)]
pub enum Op {
    /// Creates a ring (or tries to, with bad arguments).
    Create(CreateSpec),
    /// `_push` or `_try_push` of a fresh item.
    Push {
        ring: u8,
        try_: bool,
        null_item: bool,
    },
    /// `_push_bulk` of fresh items.
    PushBulk {
        ring: u8,
        count: CountSel,
        null_items: bool,
        null_out: bool,
    },
    /// `_pop`.
    Pop { ring: u8, null_out: bool },
    /// `_pop_bulk`.
    PopBulk {
        ring: u8,
        max: CountSel,
        null_out: bool,
        null_popped: bool,
    },
    /// `_peek`.
    Peek { ring: u8, null_out: bool },
    /// `_len`, `_capacity`, `_is_empty`, `_is_full`, `_elem_size`.
    Reads { ring: u8 },
    /// `_flush`.
    Flush { ring: u8, null_out: bool },
    /// `_drain` to another spout.
    Drain {
        ring: u8,
        dst: DrainDst,
        null_out: bool,
    },
    /// `_clear`.
    Clear { ring: u8 },
    /// `_free`.
    Free { ring: u8 },
    /// Sets the shared verdict stream that `Stream` spouts follow.
    Verdicts(StreamSel),
    /// Changes how a ring's recording spout answers (if it has one).
    Reconfigure {
        ring: u8,
        verdict: VerdictMode,
        flush: FlushMode,
        probes: u16,
    },
    /// A call with a NULL ring handle.
    OnNull(Call),
    /// A call on a freed ring that lived in caller memory.
    OnDead { ring: u8, call: Call },
}

/// A call, with default arguments, for the NULL and dead handle checks.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Call {
    Push {
        bytes: bool,
        try_: bool,
    },
    PushBulk {
        bytes: bool,
        count: u8,
    },
    Pop {
        bytes: bool,
        peek: bool,
    },
    PopBulk {
        bytes: bool,
        max: u8,
        null_popped: bool,
    },
    Reads {
        bytes: bool,
    },
    Flush {
        bytes: bool,
    },
    Drain {
        bytes: bool,
        null_dst: bool,
    },
    Clear {
        bytes: bool,
    },
    Free {
        bytes: bool,
    },
}

/// How a ring is created.
#[derive(Arbitrary, Debug, Clone)]
pub struct CreateSpec {
    pub family: FamilySel,
    pub cap: CapSel,
    pub spout: SpoutSel,
    pub mem: MemSel,
}

/// The family and element size.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum FamilySel {
    U64,
    Bytes(SizeSel),
}

/// An element size: mostly from a table of small, odd and in-between sizes.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum SizeSel {
    Table(u8),
    Table2(u8),
    Any(u16),
    /// Out of range: 0, 4097 or SIZE_MAX.
    Bad(u8),
}

/// Sizes the fuzzer favours; 3, 24, 100 and 2100 appear twice.
const SIZES: [usize; 36] = [
    1, 2, 3, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 24, 24, 31, 32, 33, 40, 48, 63, 64, 65, 100, 100,
    127, 128, 255, 256, 257, 1000, 1024, 2100, 2100, 4095, 4096,
];

impl SizeSel {
    /// The element size this selects.
    pub fn size(self) -> usize {
        match self {
            SizeSel::Table(i) | SizeSel::Table2(i) => SIZES[i as usize % SIZES.len()],
            SizeSel::Any(v) => 1 + v as usize % 4096,
            SizeSel::Bad(v) => [0, 4097, usize::MAX, 1 << 20][v as usize % 4],
        }
    }
}

/// A capacity: a power of two (most often small), or a bad one.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum CapSel {
    Small(u8),
    Small2(u8),
    Larger(u8),
    /// Not a power of two in 1..=SPILL_RING_MAX_CAPACITY.
    Bad(u8),
}

/// Rings with a valid capacity hold at most this many bytes of elements,
/// so that a run stays fast and far from libFuzzer's memory limit.
pub const MAX_RING_BYTES: usize = 16 << 10;

impl CapSel {
    /// The capacity for elements of `elem` bytes: valid ones are clamped so
    /// that the ring holds at most [`MAX_RING_BYTES`].
    pub fn capacity(self, elem: usize) -> usize {
        let exp = match self {
            CapSel::Small(v) | CapSel::Small2(v) => v as u32 % 5,
            CapSel::Larger(v) => v as u32 % 13,
            CapSel::Bad(v) => {
                return [
                    0,
                    3,
                    6,
                    100,
                    (1 << 20) + 1,
                    1 << 21,
                    1 << 40,
                    usize::MAX,
                    usize::MAX / 2 + 1,
                ][v as usize % 9]
            }
        };
        let mut cap = 1usize << exp;
        while cap > 1 && cap.saturating_mul(elem.max(1)) > MAX_RING_BYTES {
            cap /= 2;
        }
        cap
    }
}

/// The ring's spout.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum SpoutSel {
    /// NULL: evicted items are dropped.
    Null,
    /// A recording spout written in the harness.
    Record(RecordSel),
    Record2(RecordSel),
    /// Another live ring's `_as_spout` (chaining).
    Chain(u8),
    /// A spout whose send is NULL (refused at creation).
    SendNull,
    /// `_as_spout(NULL)` (its send is NULL: refused at creation).
    AsSpoutOfNull {
        bytes: bool,
    },
}

/// How a recording spout behaves.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct RecordSel {
    pub verdict: VerdictMode,
    pub flush: FlushMode,
    /// Whether the spout has a flush function at all.
    pub has_flush: bool,
    /// Which calls the spout makes on the ring from inside its callbacks.
    pub probes: u16,
}

/// Whether a recording spout accepts a batch.
#[derive(Arbitrary, Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerdictMode {
    Accept,
    Accept2,
    Refuse,
    /// Follows the shared verdict stream.
    Stream,
    /// Refuses batches of more than this many items.
    RefuseOver(u8),
}

/// What a recording spout's flush returns.
#[derive(Arbitrary, Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlushMode {
    Ok,
    Fail,
    /// Follows the shared verdict stream.
    Stream,
}

/// Where the ring's memory comes from.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum MemSel {
    /// `_create`.
    Create,
    /// `_new`.
    New,
    /// `_memsize` + `_init` into memory of the harness.
    Caller,
    Caller2,
    /// `_init` with one byte less than `_memsize` says.
    CallerTooSmall,
    /// `_init` with memory that is not aligned to SPILL_RING_ALIGN.
    CallerMisaligned,
    /// `_init` with `mem` NULL.
    CallerNullMem,
    /// `_create` with `out_ring` NULL.
    CreateNullOut,
    /// `_init` with `out_ring` NULL.
    InitNullOut,
    /// `_memsize` with `out_size` NULL.
    MemsizeNullOut,
}

/// A count for the bulk calls, relative to the ring's capacity.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum CountSel {
    Zero,
    One,
    Small(u8),
    Cap,
    CapPlus(u8),
    TimesCap(u8),
    /// So large that `count * elem_size` exceeds PTRDIFF_MAX.
    Huge(u8),
}

impl CountSel {
    /// The count for a ring of capacity `cap` with `elem`-byte elements.
    pub fn count(self, cap: usize, elem: usize) -> usize {
        match self {
            CountSel::Zero => 0,
            CountSel::One => 1,
            CountSel::Small(v) => v as usize % 9,
            CountSel::Cap => cap,
            CountSel::CapPlus(v) => cap + 1 + v as usize % 4,
            CountSel::TimesCap(v) => {
                let n = cap * (2 + v as usize % 3) + v as usize % 3;
                // Keep the buffers of a step small.
                n.min((64 << 10) / elem.max(1)).max(cap + 1)
            }
            CountSel::Huge(v) => (isize::MAX as usize) / elem + 1 + v as usize % 3,
        }
    }

    /// Whether the count is over the documented maximum.
    pub fn is_huge(self) -> bool {
        matches!(self, CountSel::Huge(_))
    }
}

/// Where `_drain` sends.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum DrainDst {
    /// A recording sink with this verdict.
    Sink { verdict: VerdictMode, probes: u16 },
    /// Another live ring's `_as_spout`.
    Chain(u8),
    /// NULL.
    Null,
    /// A spout whose send is NULL.
    SendNull,
}

/// The shared verdict stream: bit `i` (mod 64) says whether the `i`th
/// decision taken from it refuses.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum StreamSel {
    AcceptAll,
    RefuseAll,
    Pattern(u64),
    /// Refuses every `n`th decision.
    EveryNth(u8),
}

impl StreamSel {
    /// The bit pattern.
    pub fn pattern(self) -> u64 {
        match self {
            StreamSel::AcceptAll => 0,
            StreamSel::RefuseAll => u64::MAX,
            StreamSel::Pattern(p) => p,
            StreamSel::EveryNth(n) => {
                let n = 1 + n as u32 % 8;
                (0..64)
                    .filter(|i| i % n == n - 1)
                    .fold(0, |acc, i| acc | 1 << i)
            }
        }
    }
}
