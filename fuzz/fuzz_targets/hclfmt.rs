//! Arbitrary text through the formatter: never a panic; on text hcl-rs parses, `format` and
//! `tidy` are idempotent and keep the parse, and formatting a block at a time equals `tidy`.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../crates/hclfmt/tests/support/same_parse.rs"]
mod same_parse;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let exact = hclfmt::format(src);
    let tidy = hclfmt::tidy(src);
    let by_block = hclfmt::format_by_block(src);
    if hcl::parse(src).is_err() {
        return;
    }
    assert_eq!(hclfmt::format(&exact), exact, "format is not idempotent on {src:?}");
    assert_eq!(hclfmt::tidy(&tidy), tidy, "tidy is not idempotent on {src:?}");
    assert_eq!(by_block, tidy, "format_by_block differs from tidy on {src:?}");
    if let Err(e) = same_parse::same_parse(src, &exact) {
        panic!("format of {src:?}: {e}\n{exact}");
    }
    if let Err(e) = same_parse::same_parse(src, &tidy) {
        panic!("tidy of {src:?}: {e}\n{tidy}");
    }
});
