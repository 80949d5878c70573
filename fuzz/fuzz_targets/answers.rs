//! Fuzz target `answers`: see `mlops_wizard_fuzz::answers` and docs/fuzzing.md.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| mlops_wizard_fuzz::answers(data));
