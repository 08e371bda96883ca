//! Conservation for chains of two and three rings ending in a spout that
//! may refuse: every pushed item is found exactly once in {popped, still in
//! one of the rings, with the final spout}. Without refusals, the chain
//! read from the bottom up holds the items in push order.
#![cfg(feature = "std")]

mod ring_support;

use proptest::prelude::*;
use ring_support::conservation::{chain_ops, run_chain};
use ring_support::{proptest_config, ScriptedSpout};
use spill_ring_core::{HeapRing, SpillRing};

proptest! {
    #![proptest_config(proptest_config())]

    #[test]
    fn a_two_tier_chain_loses_and_duplicates_nothing(ops in chain_ops(true), shift in 0..4u32) {
        let l2 = HeapRing::with_capacity_and_spout(1 << shift, ScriptedSpout::new().0).unwrap();
        let l1: SpillRing<u64, 2, _> = SpillRing::with_spout(l2);
        run_chain(l1, &ops, false)?;
    }

    #[test]
    fn a_three_tier_chain_loses_and_duplicates_nothing(
        ops in chain_ops(true),
        start in prop_oneof![Just(0usize), usize::MAX - 50..=usize::MAX],
    ) {
        let mut l3: SpillRing<u64, 8, _> = SpillRing::with_spout(ScriptedSpout::new().0);
        l3.start_indices_at(start);
        let mut l2: SpillRing<u64, 4, _> = SpillRing::with_spout(l3);
        l2.start_indices_at(start);
        let l1: SpillRing<u64, 2, _> = SpillRing::with_spout(l2);
        run_chain(l1, &ops, false)?;
    }

    #[test]
    fn a_three_tier_chain_keeps_items_in_push_order(ops in chain_ops(false), shift in 0..4u32) {
        let l3 = HeapRing::with_capacity_and_spout(1 << shift, ScriptedSpout::new().0).unwrap();
        let l2: SpillRing<u64, 4, _> = SpillRing::with_spout(l3);
        let l1: SpillRing<u64, 2, _> = SpillRing::with_spout(l2);
        run_chain(l1, &ops, true)?;
    }
}
