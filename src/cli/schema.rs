//! `landform schema`: the JSON Schema of the blueprint, derived from the same types the loader
//! reads (so it cannot drift from them). Editors use it through the
//! `# yaml-language-server: $schema=...` line `landform init` writes.

/// The file `init` writes beside the blueprint.
pub const FILE: &str = "landform.schema.json";

/// The blueprint's JSON Schema, pretty-printed with a final newline.
pub fn text() -> String {
    let generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let mut schema = generator.into_root_schema_for::<crate::blueprint::Blueprint>();
    schema.insert(
        "title".to_string(),
        serde_json::Value::String("landform blueprint (schema version 1)".to_string()),
    );
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// The modeline `init` puts first in the blueprint: the schema beside it, by relative path.
pub fn modeline() -> String {
    format!("# yaml-language-server: $schema=./{FILE}\n")
}
