//! Arbitrary strings through the HCL escaper: the quoted output always parses with hcl-rs and
//! evaluates back to the input, byte for byte.
#![no_main]

use hcl::eval::{Context, Evaluate};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let src = format!("x = {}\n", hclfmt::escape::hcl_quote(s));
    let body = hcl::parse(&src).unwrap_or_else(|e| panic!("does not parse: {src:?}: {e}"));
    let attr = body.attributes().next().expect("one attribute");
    let value = attr.expr().evaluate(&Context::new()).expect("evaluates");
    assert_eq!(value, hcl::Value::from(s), "round trip of {s:?}");
    // As an object key too.
    let key = hclfmt::escape::hcl_key(s);
    let src = format!("x = {{ {key} = 1 }}\n");
    hcl::parse(&src).unwrap_or_else(|e| panic!("key does not parse: {src:?}: {e}"));
});
