//! Feeds arbitrary bytes to the public KRA answer parsers: every function's typed model on both
//! front doors, plus the date parsers. The first byte picks the function, door and HTTP status;
//! the rest is the answer body. Parsing must never panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use oscu::{
    Function,
    response::{Door, read_for_function},
    time::{parse_date, parse_date_time, parse_dcl_de},
};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else { return };
    let function = Function::ALL[usize::from(selector) % Function::ALL.len()];
    let door = if selector & 0x80 == 0 { Door::Direct } else { Door::Gateway };
    let status = [200, 400, 401, 500][usize::from(selector >> 5) & 3];
    let _ = read_for_function(function, door, status, body);
    let text = String::from_utf8_lossy(body);
    let _ = parse_date(&text);
    let _ = parse_date_time(&text);
    let _ = parse_dcl_de(&text);
});
