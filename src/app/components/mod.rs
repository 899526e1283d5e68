//! Reusable pieces of the UI: the page frame with its navigation, and form error display.

pub mod form;
pub mod frame;
pub mod target_test;
