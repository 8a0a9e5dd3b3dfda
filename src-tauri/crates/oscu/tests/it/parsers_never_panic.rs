//! Random bytes, random JSON and mutated recorded KRA answers thrown at every public parser: they
//! return values or errors, never panic. (The cargo-fuzz target in `fuzz/` does the same with
//! coverage guidance; this runs on stable in every `cargo test`.)

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

use std::{fs, path::Path, sync::OnceLock};

use oscu::{
    Error, Function,
    response::{Door, read_for_function},
    time::{parse_date, parse_date_time, parse_dcl_de},
    wire::{Amount, Counter},
};
use proptest::prelude::*;
use serde_json::Value;

const RECORDED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/recorded");

fn recorded_answers() -> &'static [Value] {
    static ANSWERS: OnceLock<Vec<Value>> = OnceLock::new();
    ANSWERS.get_or_init(load_recorded_answers)
}

fn load_recorded_answers() -> Vec<Value> {
    let mut out = Vec::new();
    for entry in fs::read_dir(Path::new(RECORDED)).expect("the recorded KRA exchanges are missing") {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let file: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
            let response = &file["response"];
            let inner = if response.get("rawResponse").is_some() { &response["rawResponse"] } else { response };
            if !inner.is_null() {
                out.push(inner.clone());
            }
        }
    }
    assert!(out.len() > 20, "expected the recorded answers, found {}", out.len());
    out
}

fn read_everywhere(body: &[u8]) {
    read_with_statuses(body, &[200, 400, 401, 500]);
}

fn read_with_statuses(body: &[u8], statuses: &[u16]) {
    for function in Function::ALL {
        for door in [Door::Direct, Door::Gateway] {
            for &status in statuses {
                let _ = read_for_function(function, door, status, body);
            }
        }
    }
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "[0-9.\\- ]{0,24}".prop_map(Value::String),
        ".{0,12}".prop_map(Value::String),
        prop_oneof![Just("000"), Just("001"), Just("910"), Just("994"), Just("")].prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("resultCd".to_owned()),
                    Just("data".to_owned()),
                    Just("responseBody".to_owned()),
                    Just("responseHeader".to_owned()),
                    Just("cmcKey".to_owned()),
                    Just("info".to_owned()),
                    "[a-zA-Z]{1,10}",
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Replaces the `index`-th node (pre-order, modulo the node count) of `value` with `new`.
fn replace_node(value: &mut Value, index: usize, new: Value) {
    fn count(v: &Value) -> usize {
        1 + match v {
            Value::Array(a) => a.iter().map(count).sum(),
            Value::Object(o) => o.values().map(count).sum(),
            _ => 0,
        }
    }
    fn walk(v: &mut Value, target: &mut usize, new: &mut Option<Value>) {
        if *target == 0 {
            if let Some(n) = new.take() {
                *v = n;
            }
            return;
        }
        *target -= 1;
        match v {
            Value::Array(a) => a.iter_mut().for_each(|c| walk(c, target, new)),
            Value::Object(o) => o.values_mut().for_each(|c| walk(c, target, new)),
            _ => {}
        }
    }
    let mut target = index % count(value);
    walk(value, &mut target, &mut Some(new));
}

proptest! {
    #[test]
    fn random_bytes_never_panic(body in prop::collection::vec(any::<u8>(), 0..400)) {
        read_everywhere(&body);
    }

    #[test]
    fn random_json_never_panics(value in any_json()) {
        read_everywhere(value.to_string().as_bytes());
        let wrapped = serde_json::json!({"responseHeader": {"responseCode": 200}, "responseBody": value});
        read_everywhere(wrapped.to_string().as_bytes());
    }

    #[test]
    fn mutated_recorded_answers_never_panic(pick in any::<usize>(), node in any::<usize>(), new in any_json(), cut in any::<usize>()) {
        let answers = recorded_answers();
        let mut answer = answers[pick % answers.len()].clone();
        replace_node(&mut answer, node, new);
        let text = answer.to_string();
        read_with_statuses(text.as_bytes(), &[200]);
        // Truncated answers (a connection cut mid-body).
        read_with_statuses(&text.as_bytes()[..cut % (text.len() + 1)], &[200, 500]);
    }

    #[test]
    fn text_parsers_never_panic(s in ".{0,40}") {
        let _ = parse_date(&s);
        let _ = parse_date_time(&s);
        let _ = parse_dcl_de(&s);
        let _ = serde_json::from_str::<Amount>(&format!("\"{}\"", s.replace(['"', '\\'], "")));
        let _ = serde_json::from_str::<Counter>(&s);
        let e = Error::Kra { function: Function::SaveTrnsSalesOsdc, code: "910".into(), message: format!("invcNo expected {s}") };
        let _ = e.expected_number();
        let e = Error::Kra { function: Function::SaveStockMaster, code: "910".into(), message: format!("rsdQty mismatch. Expected{s}") };
        let _ = e.expected_quantity();
    }

    #[test]
    fn amounts_round_trip_exactly(cents in -999_999_999_999_999_999i64..=999_999_999_999_999_999) {
        let a = Amount::from_cents(cents);
        let text = serde_json::to_string(&a).unwrap();
        let quoted: Amount = serde_json::from_str(&format!("\"{text}\"")).unwrap();
        prop_assert_eq!(quoted, a);
        if cents.abs() < 1_000_000_000_000_000 {
            let back: Amount = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(back, a);
        }
    }

    #[test]
    fn counters_read_as_numbers_or_strings(n in any::<u64>()) {
        prop_assert_eq!(serde_json::from_str::<Counter>(&n.to_string()).unwrap().get(), n);
        prop_assert_eq!(serde_json::from_str::<Counter>(&format!("\"{n}\"")).unwrap().get(), n);
    }
}
