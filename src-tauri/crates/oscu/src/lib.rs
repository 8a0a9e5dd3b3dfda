//! oscu
