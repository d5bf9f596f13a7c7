//! verify: every generated `.tf` parses as HCL and every `.json` as JSON, before anything is
//! written. A failure here is a template bug (built-in or the user's override).

use crate::render::Tree;

/// A generated file that does not parse.
#[derive(Debug)]
pub struct VerifyError {
    pub file: String,
    pub message: String,
}

impl std::fmt::Display for VerifyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "generated file `{}` does not parse: {}",
            self.file, self.message
        )
    }
}

pub fn verify(tree: &Tree) -> Result<(), Vec<VerifyError>> {
    let mut errors = Vec::new();
    for (path, text) in tree {
        let result = if path.ends_with(".tf") {
            hcl::parse(text).map(drop).map_err(|e| e.to_string())
        } else if path.ends_with(".json") {
            serde_json::from_str::<serde_json::Value>(text)
                .map(drop)
                .map_err(|e| e.to_string())
        } else {
            Ok(())
        };
        if let Err(message) = result {
            errors.push(VerifyError {
                file: path.clone(),
                message,
            });
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}
