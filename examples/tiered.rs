//! Tiered storage: a small hot ring spills into a larger warm ring, which
//! spills into a file. Dropping the hot ring cascades: every tier flushes
//! into the next, so every item ends up in memory or on disk, in order.
//!
//! Run with: cargo run --example tiered

use std::fs::File;
use std::io::BufWriter;

use spill_ring::spout::{read_records, WriteSpout};
use spill_ring::SpillRing;

fn main() -> std::io::Result<()> {
    const ITEMS: u64 = 10_000;
    let path = std::env::temp_dir().join(format!("spill-ring-tiered-{}.rec", std::process::id()));

    // Disk tier: fixed-size records of 8 bytes, little-endian.
    let file = BufWriter::new(File::create(&path)?);
    let disk = WriteSpout::with_record_header(file, 8, |x: &u64, out: &mut Vec<u8>| {
        out.extend_from_slice(&x.to_le_bytes())
    })?;
    // Warm tier: 1024 slots, spilling to disk. Hot tier: 64 slots.
    let warm: SpillRing<u64, 1024, _> = SpillRing::with_spout(disk);
    let mut hot: SpillRing<u64, 64, _> = SpillRing::with_spout(warm);

    for i in 0..ITEMS {
        hot.push(i)?;
    }
    let in_hot = hot.len();
    let in_warm = hot.spout_mut().len();
    println!(
        "pushed {ITEMS}: {in_hot} in the hot ring, {in_warm} in the warm ring, the rest on disk"
    );
    let oldest = hot.peek().copied();
    let newest = hot.peek_newest().copied();
    println!("  the hot ring holds {oldest:?} ..= {newest:?}");

    // Dropping the hot ring flushes hot -> warm -> disk.
    drop(hot);

    let decode = |bytes: &[u8]| u64::from_le_bytes(bytes.try_into().expect("8-byte records"));
    let replayed =
        read_records(File::open(&path)?, 8, decode)?.collect::<std::io::Result<Vec<u64>>>()?;
    std::fs::remove_file(&path)?;
    let in_order = replayed.iter().copied().eq(0..ITEMS);
    println!(
        "after dropping the chain, the file holds {} records, 0..{ITEMS} in order: {in_order}",
        replayed.len()
    );
    Ok(())
}
