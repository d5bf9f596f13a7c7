pub mod same_parse;
