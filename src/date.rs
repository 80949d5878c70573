//! Today's date in the local time zone, read the cheap way.
//!
//! The date library's own way to find the local zone builds an index of the whole
//! time-zone database (a walk through `/usr/share/zoneinfo`) to learn the zone's name, and
//! that walk cost more than the rest of a `recommend` run. A date needs no name: the
//! zone's rules are read straight from the one file that holds them (`/etc/localtime`,
//! or the file `TZ` names), and anything unusual falls back to the library's full
//! lookup, so the date is the same either way.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use jiff::tz::TimeZone;

/// Today's date in the local time zone, `YYYY-MM-DD`.
pub fn today() -> String {
    now().date().strftime("%Y-%m-%d").to_string()
}

/// The time now in the local time zone.
pub fn now() -> jiff::ZonedDateTime {
    Timestamp::now().to_zoned_datetime(local_zone(std::env::var_os("TZ").as_deref()))
}

/// The local time zone for the value of `TZ` (`None` when it is not set).
///
/// `TZ` unset reads `/etc/localtime`; `TZ` empty is UTC (as in the C library); a zone
/// name (`Europe/Berlin`, `:Europe/Berlin`) is read from `$TZDIR` or
/// `/usr/share/zoneinfo`; an absolute path is read as it is; otherwise the value is read
/// as a POSIX rule (`EST5EDT,M3.2.0,M11.1.0`). What none of these reads goes to the
/// library's own lookup.
pub fn local_zone(tz: Option<&OsStr>) -> TimeZone {
    let read = |path: PathBuf| {
        let data = std::fs::read(path).ok()?;
        TimeZone::tzif("localtime", &data).ok()
    };
    let zone = match tz {
        None => read(PathBuf::from("/etc/localtime")),
        Some(v) if v.is_empty() => Some(TimeZone::UTC),
        Some(v) => zone_file(v).and_then(read).or_else(|| {
            let text = v.to_str()?;
            TimeZone::posix(text.strip_prefix(':').unwrap_or(text)).ok()
        }),
    };
    zone.unwrap_or_else(|| TimeZone::try_system().unwrap_or(TimeZone::UTC))
}

/// The TZif file a `TZ` value names, if it names one.
fn zone_file(value: &OsStr) -> Option<PathBuf> {
    let text = value.to_str()?;
    let text = text.strip_prefix(':').unwrap_or(text);
    let path = Path::new(text);
    if path.is_absolute() {
        return Some(path.to_path_buf());
    }
    // A name: letters, digits and `/_-+` only, never `..`, so it stays in the database.
    let is_name = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/_-+".contains(c))
        && !text.starts_with('/')
        && !text.split('/').any(str::is_empty);
    if !is_name {
        return None;
    }
    let dir = std::env::var_os("TZDIR")
        .filter(|d| !d.is_empty())
        .map_or_else(|| PathBuf::from("/usr/share/zoneinfo"), PathBuf::from);
    Some(dir.join(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Instants across two years, in both halves of each, so daylight saving shows.
    fn instants() -> Vec<Timestamp> {
        (0..24)
            .map(|month| Timestamp::from_second(1_767_225_600 + month * 2_629_746 + 3_600).unwrap())
            .collect()
    }

    fn same_offsets(ours: &TimeZone, theirs: &TimeZone, what: &str) {
        for t in instants() {
            assert_eq!(ours.to_offset(t), theirs.to_offset(t), "{what} at {t}");
        }
    }

    #[test]
    fn zone_names_paths_and_rules_give_the_library_s_offsets() {
        let zoneinfo = Path::new("/usr/share/zoneinfo");
        if !zoneinfo.join("Europe/Berlin").exists() {
            eprintln!("skipped: no time-zone database in /usr/share/zoneinfo on this machine");
            return;
        }
        for name in [
            "UTC",
            "Europe/Berlin",
            "America/New_York",
            "Asia/Kolkata",
            "Australia/Lord_Howe",
        ] {
            let theirs = TimeZone::get(name).unwrap();
            same_offsets(&local_zone(Some(OsStr::new(name))), &theirs, name);
            same_offsets(
                &local_zone(Some(OsStr::new(&format!(":{name}")))),
                &theirs,
                name,
            );
            let path = zoneinfo.join(name).display().to_string();
            same_offsets(&local_zone(Some(OsStr::new(&path))), &theirs, &path);
        }
        let rule = "EST5EDT,M3.2.0,M11.1.0";
        same_offsets(
            &local_zone(Some(OsStr::new(rule))),
            &TimeZone::posix(rule).unwrap(),
            rule,
        );
        same_offsets(
            &local_zone(Some(OsStr::new(""))),
            &TimeZone::UTC,
            "empty TZ",
        );
    }

    #[test]
    fn no_tz_reads_the_system_zone() {
        if !Path::new("/etc/localtime").exists() {
            eprintln!("skipped: this machine has no /etc/localtime");
            return;
        }
        // The library's answer when TZ is unset is /etc/localtime too; with TZ set in
        // the environment of the test run, compare against that file directly.
        let data = std::fs::read("/etc/localtime").unwrap();
        same_offsets(
            &local_zone(None),
            &TimeZone::tzif("localtime", &data).unwrap(),
            "/etc/localtime",
        );
        if std::env::var_os("TZ").is_none() {
            same_offsets(
                &local_zone(None),
                &TimeZone::try_system().unwrap(),
                "system",
            );
        }
    }

    #[test]
    fn names_that_could_leave_the_database_are_not_read_from_it() {
        for bad in ["../etc/passwd", "a//b", "", "Europe/../../x"] {
            assert_eq!(zone_file(OsStr::new(bad)), None, "{bad}");
        }
        assert_eq!(
            zone_file(OsStr::new(":/etc/zone")),
            Some(PathBuf::from("/etc/zone"))
        );
    }

    #[test]
    fn today_is_a_date() {
        let d = today();
        assert!(d.parse::<jiff::civil::Date>().is_ok(), "{d}");
    }
}
