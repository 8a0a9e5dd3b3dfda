//! KRA eTIMS OSCU for Duka: the wire types of every OSCU function ([`wire`]), the functions and
//! their paths on both front doors ([`Function`]), KRA date formats in East Africa Time
//! ([`time`]), and builders from domain documents to requests ([`build`]).

mod error;
mod function;
mod secret;
pub mod time;
pub mod wire;

pub use error::{Error, Result, Retry};
pub use function::Function;
pub use secret::{CmcKey, SecretText};
