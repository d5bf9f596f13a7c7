//! One integration-test binary: each module is a topic, sharing the fixture builder.

mod fixture;
mod tools;

mod baseline;
mod billing;
mod cli;
mod containment;
mod corpus;
mod crash;
mod explain;
mod foundation;
mod gate;
mod generate;
mod hardening;
mod identity;
mod lock;
mod network;
mod oracle;
mod policies;
mod props;
mod ready;
mod shards;
mod terraform;
mod transaction;
mod validation;
