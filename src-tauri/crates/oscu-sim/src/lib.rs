//! oscu-sim
