//! Fuzz target `pipeline`: see `mlops_wizard_fuzz::pipeline` and docs/fuzzing.md.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| mlops_wizard_fuzz::pipeline(data));
