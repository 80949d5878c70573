//! Fuzz target `tree`: see `mlops_wizard_fuzz::tree` and docs/fuzzing.md.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| mlops_wizard_fuzz::tree(data));
