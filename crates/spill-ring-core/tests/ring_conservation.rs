//! Conservation for a single ring: every pushed item is found exactly once
//! in {popped, still in the ring, with the spout}, whatever the operations
//! and whether or not the spout refuses.
#![cfg(feature = "std")]

mod ring_support;

use proptest::prelude::*;
use ring_support::conservation::{chain_ops, run_chain};
use ring_support::{proptest_config, ScriptedSpout};
use spill_ring_core::{HeapRing, SpillRing};

proptest! {
    #![proptest_config(proptest_config())]

    #[test]
    fn a_spill_ring_loses_and_duplicates_nothing(
        ops in chain_ops(true),
        start in prop_oneof![Just(0usize), usize::MAX - 50..=usize::MAX],
    ) {
        let mut ring: SpillRing<u64, 4, _> = SpillRing::with_spout(ScriptedSpout::new().0);
        ring.start_indices_at(start);
        run_chain(ring, &ops, false)?;
    }

    #[test]
    fn a_heap_ring_loses_and_duplicates_nothing(ops in chain_ops(true), shift in 0..5u32) {
        let ring = HeapRing::with_capacity_and_spout(1 << shift, ScriptedSpout::new().0).unwrap();
        run_chain(ring, &ops, false)?;
    }

    #[test]
    fn a_ring_keeps_items_in_push_order(ops in chain_ops(false), shift in 0..5u32) {
        let ring = HeapRing::with_capacity_and_spout(1 << shift, ScriptedSpout::new().0).unwrap();
        run_chain(ring, &ops, true)?;
    }
}
