//! Fuzz target `differential`: see `mlops_wizard_fuzz::differential` and docs/fuzzing.md.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| mlops_wizard_fuzz::differential(data));
