//! Arbitrary text as a blueprint: loading, validating and (when valid) generating never panic,
//! and every diagnostic renders.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match landform::load_str(Path::new("landform.yaml"), text) {
        Err(diags) => {
            for d in diags {
                let _ = d.to_string();
            }
        }
        Ok(loaded) => match landform::generate(&loaded, None) {
            Ok(out) => assert!(!out.tree.is_empty()),
            Err(e) => {
                let _ = e.to_string();
            }
        },
    }
});
