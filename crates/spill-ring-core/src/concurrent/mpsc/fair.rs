//! What the typed and the raw concurrent MPSC share: building the lanes,
//! registration, and the consumer's fair passes over the lanes. The element
//! layers ([`MpscConsumer`](super::MpscConsumer),
//! [`RawMpscConsumer`](super::RawMpscConsumer)) only say how to take from
//! one lane.

use crate::concurrent::mpsc::{Lanes, RegisterError, MAX_PRODUCERS};
use crate::concurrent::primitive::Arc;
use crate::concurrent::spsc::{self, Consumer, ConsumerCore, Home, Owned, RawConsumer, SlotLayout};
use crate::concurrent::BuildError;

/// The consumer half of one lane, typed or raw.
pub(crate) trait LaneConsumer {
    /// What the lane's slots hold (`T`, or `u8` for raw bytes).
    type Elem;
    /// The half over a lane's consumer state.
    fn from_core(core: ConsumerCore<Self::Elem>) -> Self;
    /// How many elements the lane holds now.
    fn len(&self) -> usize;
    /// Closes the lane (wakes its waiting producer).
    fn close(&self);
}

impl<T> LaneConsumer for Consumer<T> {
    type Elem = T;

    fn from_core(core: ConsumerCore<T>) -> Self {
        Consumer::from_core(core)
    }

    fn len(&self) -> usize {
        Consumer::len(self)
    }

    fn close(&self) {
        Consumer::close(self)
    }
}

impl LaneConsumer for RawConsumer {
    type Elem = u8;

    fn from_core(core: ConsumerCore<u8>) -> Self {
        RawConsumer::from_core(core)
    }

    fn len(&self) -> usize {
        RawConsumer::len(self)
    }

    fn close(&self) {
        RawConsumer::close(self)
    }
}

/// The consumer's side of an MPSC: every lane's consumer half and where the
/// next pass starts. Dropping it closes the MPSC.
pub(crate) struct Fair<C: LaneConsumer> {
    lanes: Arc<Lanes<C::Elem>>,
    consumers: Box<[C]>,
    /// The lane the next call starts with.
    start: usize,
}

impl<C: LaneConsumer> Fair<C> {
    /// Allocates `producers` lanes of `lane` rings with slots shaped by
    /// `slot` (nothing is allocated later).
    pub(crate) fn build(
        producers: usize,
        lane: spsc::Builder,
        slot: SlotLayout,
    ) -> Result<Self, BuildError> {
        if producers == 0 || producers > MAX_PRODUCERS {
            return Err(BuildError::Producers(producers));
        }
        let mut cores = Vec::with_capacity(producers);
        let mut consumers = Vec::with_capacity(producers);
        for _ in 0..producers {
            let (producer, consumer) = lane.build_cores::<C::Elem>(slot)?;
            cores.push(producer);
            consumers.push(C::from_core(consumer));
        }
        Ok(Fair {
            lanes: Arc::new(Lanes::new(cores)),
            consumers: consumers.into_boxed_slice(),
            start: 0,
        })
    }

    /// The lanes, for the registry.
    pub(crate) fn lanes(&self) -> &Arc<Lanes<C::Elem>> {
        &self.lanes
    }

    /// Tries `pop` on each lane, starting after the lane the last element
    /// came from, until one gives something.
    #[inline]
    pub(crate) fn pop_with<R>(&mut self, mut pop: impl FnMut(&mut C) -> Option<R>) -> Option<R> {
        let lanes = self.consumers.len();
        for offset in 0..lanes {
            let lane = (self.start + offset) % lanes;
            if let Some(item) = pop(&mut self.consumers[lane]) {
                self.start = (lane + 1) % lanes;
                return Some(item);
            }
        }
        None
    }

    /// One pass over every lane, starting one lane further than the last
    /// pass: `drain` takes from each (a quota's worth) and says how many.
    /// Returns the total.
    pub(crate) fn drain_with(&mut self, mut drain: impl FnMut(&mut C) -> usize) -> usize {
        let lanes = self.consumers.len();
        let start = self.start;
        self.start = (start + 1) % lanes;
        (0..lanes)
            .map(|offset| drain(&mut self.consumers[(start + offset) % lanes]))
            .sum()
    }

    /// How many elements the lanes hold now.
    pub(crate) fn len(&self) -> usize {
        self.consumers.iter().map(C::len).sum()
    }

    /// Whether every lane is empty now.
    pub(crate) fn is_empty(&self) -> bool {
        self.consumers.iter().all(|lane| lane.len() == 0)
    }

    /// The number of lanes.
    pub(crate) fn lane_count(&self) -> usize {
        self.consumers.len()
    }

    /// How many producers are registered now.
    pub(crate) fn producers(&self) -> usize {
        self.lanes.taken()
    }

    /// Closes the MPSC: registrations and waiting pushes fail from now on.
    pub(crate) fn close(&self) {
        self.lanes.close();
        for consumer in self.consumers.iter() {
            consumer.close();
        }
    }
}

impl<C: LaneConsumer> Drop for Fair<C> {
    fn drop(&mut self) {
        self.close();
    }
}

/// Registers with `lanes`: the producer state of a free lane, going back to
/// that lane when dropped.
pub(crate) fn register<T>(lanes: &Arc<Lanes<T>>) -> Result<Owned<T>, RegisterError> {
    if lanes.is_closed() {
        return Err(RegisterError::Closed);
    }
    let (lane, core) = lanes.take().ok_or(RegisterError::Full)?;
    Ok(Owned::new(core, Home::Lane(lanes.clone(), lane)))
}
