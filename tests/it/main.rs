//! Integration tests against the real app on 127.0.0.1:0, in one binary: one link instead of
//! one per file (each was over a gigabyte with debug info, and ten of them filled the disk).
//! Each module covers one area; `common` is the shared harness.

mod assets;
mod binary;
mod budget;
mod channels;
mod common;
mod connections;
mod contacts;
mod crash;
mod engine;
mod eventbridge;
mod events;
mod foundation;
mod lifecycle;
mod locale;
mod metrics;
mod nodes;
mod preview;
mod process;
mod queue;
mod ram;
mod rules;
mod schema;
mod targets;
mod writes;
