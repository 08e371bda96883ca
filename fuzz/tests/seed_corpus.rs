//! Writes the seed corpus `corpus/abi_model/` (checked in): deterministic
//! pseudo-random inputs, kept when they decode to a run that creates rings
//! of both families and covers one theme each (caller memory, chaining,
//! refusing spouts, bulk calls, probes, bad handles...).
//!
//! `cargo test --manifest-path fuzz/Cargo.toml --test seed_corpus -- --ignored`

use std::path::Path;

use arbitrary::{Arbitrary, Unstructured};
use spill_ring_fuzz::input::{CreateSpec, MemSel, Op, SpoutSel};
use spill_ring_fuzz::Input;

/// xorshift64*, so that the corpus is the same on every machine.
fn bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
        })
        .collect()
}

fn creates(input: &Input, f: impl Fn(&CreateSpec) -> bool) -> usize {
    input
        .ops
        .iter()
        .filter(|op| matches!(op, Op::Create(c) if f(c)))
        .count()
}

type Theme = (&'static str, fn(&Input) -> bool);

const THEMES: &[Theme] = &[
    ("heap", |i| {
        creates(i, |c| matches!(c.mem, MemSel::New | MemSel::Create)) >= 2
    }),
    ("caller_memory", |i| {
        creates(i, |c| matches!(c.mem, MemSel::Caller | MemSel::Caller2)) >= 2
    }),
    ("bad_memory", |i| {
        creates(i, |c| {
            matches!(c.mem, MemSel::CallerTooSmall | MemSel::CallerMisaligned)
        }) >= 1
    }),
    ("chain", |i| {
        creates(i, |c| matches!(c.spout, SpoutSel::Chain(_))) >= 2
    }),
    ("recorder", |i| {
        creates(i, |c| {
            matches!(c.spout, SpoutSel::Record(_) | SpoutSel::Record2(_))
        }) >= 2
    }),
    ("push_bulk", |i| {
        i.ops
            .iter()
            .filter(|o| matches!(o, Op::PushBulk { .. }))
            .count()
            >= 3
    }),
    ("pop_bulk", |i| {
        i.ops
            .iter()
            .filter(|o| matches!(o, Op::PopBulk { .. }))
            .count()
            >= 3
    }),
    ("flush_drain", |i| {
        i.ops
            .iter()
            .filter(|o| matches!(o, Op::Flush { .. } | Op::Drain { .. }))
            .count()
            >= 3
    }),
    ("free", |i| {
        i.ops
            .iter()
            .filter(|o| matches!(o, Op::Free { .. }))
            .count()
            >= 2
    }),
    ("verdicts", |i| {
        i.ops
            .iter()
            .filter(|o| matches!(o, Op::Verdicts(_) | Op::Reconfigure { .. }))
            .count()
            >= 2
    }),
    ("bad_handles", |i| {
        i.ops
            .iter()
            .filter(|o| matches!(o, Op::OnNull(_) | Op::OnDead { .. }))
            .count()
            >= 2
    }),
    ("long", |i| i.ops.len() >= 150),
];

#[test]
#[ignore = "writes the checked-in seed corpus"]
fn write_seed_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/abi_model");
    std::fs::create_dir_all(&dir).unwrap();
    for old in std::fs::read_dir(&dir).unwrap().flatten() {
        std::fs::remove_file(old.path()).unwrap();
    }
    let mut seed = 1;
    for (name, fits) in THEMES {
        loop {
            seed += 1;
            let len = 100 + (seed as usize * 37) % 1500;
            let data = bytes(seed, len);
            let Ok(input) = Input::arbitrary_take_rest(Unstructured::new(&data)) else {
                continue;
            };
            let rings = creates(&input, |_| true);
            if rings >= 3 && fits(&input) {
                std::fs::write(dir.join(format!("seed_{name}")), &data).unwrap();
                break;
            }
        }
    }
}
