//! `mktime` and `strftime` as Port's engine runs them: jq 1.7's C builtins over C's `struct tm`
//! (jq's `jv2tm`), glibc's `timegm` and glibc's `strftime` in the C locale, in UTC.
//!
//! The broken-down time is used as given: `strftime` prints fields that are out of range as they
//! are (`[2020] | todate` is "2020-01-00T00:00:00Z", a week day of 9 prints `?`), and reads the
//! week and year days from the array rather than computing them; `mktime` normalises them as
//! `timegm` does (day 0 is the last day of the month before). jiff, which standard mode uses,
//! refuses such times. Pure Rust, so the wasm build answers as the native one.

use jaq_json::Val;
use jaq_std::ValT as _;

/// C's `struct tm` as jq fills it (`tm_isdst`, `tm_gmtoff` zero, no zone name).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tm {
    /// Years since 1900 (`tm_year`).
    pub year: i32,
    /// Month, 0 for January (`tm_mon`).
    pub mon: i32,
    /// Day of the month (`tm_mday`).
    pub mday: i32,
    /// Hours (`tm_hour`).
    pub hour: i32,
    /// Minutes (`tm_min`).
    pub min: i32,
    /// Seconds (`tm_sec`).
    pub sec: i32,
    /// Day of the week, 0 for Sunday (`tm_wday`).
    pub wday: i32,
    /// Day of the year, 0 for January 1 (`tm_yday`).
    pub yday: i32,
}

impl Tm {
    /// jq's `jv2tm`: the first eight elements (year, month, day, hours, minutes, seconds, week
    /// day, year day), each truncated to a C `int` and clamped; missing ones are 0. `None` when
    /// one of them is not a number, or NaN.
    pub fn from_fields(fields: &[Val]) -> Option<Tm> {
        let mut t = [0i32; 8];
        for (i, v) in fields.iter().take(8).enumerate() {
            let Val::Num(_) = v else { return None };
            let d = v.as_f64()?;
            if d.is_nan() {
                return None;
            }
            let d = if i == 0 { d - 1900.0 } else { d };
            // `as` truncates toward zero and saturates, as jq's clamp and `(int)` cast do.
            t[i] = d as i32;
        }
        Some(Tm::from(t))
    }
}

impl Tm {
    /// [`Tm::from_fields`] of an array (the prelude passes arrays only; anything else reads as
    /// no fields).
    pub fn from_val(v: &Val) -> Option<Tm> {
        match v {
            Val::Arr(a) => Tm::from_fields(a),
            _ => Tm::from_fields(&[]),
        }
    }
}

impl From<[i32; 8]> for Tm {
    /// The fields in jq's order: year (since 1900), month, day, hours, minutes, seconds, week
    /// day, year day.
    fn from([year, mon, mday, hour, min, sec, wday, yday]: [i32; 8]) -> Tm {
        Tm {
            year,
            mon,
            mday,
            hour,
            min,
            sec,
            wday,
            yday,
        }
    }
}

impl Tm {
    /// jq's `tm2jv`: year (from 1900 on), month, day, hours, minutes, seconds, week day, year day.
    pub fn fields(&self) -> [i64; 8] {
        [
            // `tm_year + 1900` in C `int`: it wraps past INT_MAX.
            self.year.wrapping_add(1900).into(),
            self.mon.into(),
            self.mday.into(),
            self.hour.into(),
            self.min.into(),
            self.sec.into(),
            self.wday.into(),
            self.yday.into(),
        ]
    }
}

/// glibc's `gmtime_r` of `secs` converted to `time_t` as C converts a double (toward zero);
/// `None` where that fails: NaN, or a year that does not fit `tm_year`.
pub fn gmtime(secs: f64) -> Option<Tm> {
    // Out of `time_t`'s range the conversion gives INT64_MIN on x86-64: a failure too.
    if secs.is_nan() || secs.abs() >= 9.223_372_036_854_776e18 {
        return None;
    }
    let t = secs.trunc() as i64;
    let days = t.div_euclid(86_400);
    let rem = t.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let year = i32::try_from(year - 1900).ok()?;
    let first_of_year = days_from_civil(i64::from(year) + 1900, 1);
    Some(Tm {
        year,
        mon: (month - 1) as i32,
        mday: day as i32,
        hour: (rem / 3600) as i32,
        min: (rem / 60 % 60) as i32,
        sec: (rem % 60) as i32,
        wday: (days + 4).rem_euclid(7) as i32,
        yday: (days - first_of_year) as i32,
    })
}

/// Days from 1970-01-01 to the first of `month` (1-12) of `year`, proleptic Gregorian.
fn days_from_civil(year: i64, month: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The year, month (1-12) and day of the day `days` after 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// glibc's `timegm`: the seconds since the epoch of `tm`, its fields normalised (the week and
/// year days ignored); `None` where glibc fails. glibc first finds the time with the seconds
/// clamped to 0-59 and then adds the rest, and each of the two must have a year that fits
/// `tm_year`.
pub fn timegm(tm: &Tm) -> Option<i64> {
    let representable = |t: i128| -> Option<i64> {
        let t = i64::try_from(t).ok()?;
        let tm_year = civil_from_days(t.div_euclid(86_400)).0 - 1900;
        i32::try_from(tm_year).ok().map(|_| t)
    };
    let mon = i64::from(tm.mon);
    let year = 1900 + i64::from(tm.year) + mon.div_euclid(12);
    let days = days_from_civil(year, mon.rem_euclid(12) + 1) + i64::from(tm.mday) - 1;
    let sec = tm.sec.clamp(0, 59);
    let t0 = i128::from(days) * 86_400 + i128::from(tm.hour) * 3600 + i128::from(tm.min) * 60 + i128::from(sec);
    let t0 = representable(t0)?;
    representable(i128::from(t0) + i128::from(tm.sec) - i128::from(sec))
}

/// jq 1.7's `mktime` of a broken-down time: `timegm`, whose -1 means failure there.
pub fn mktime(tm: &Tm) -> Result<i64, &'static str> {
    match timegm(tm) {
        Some(t) if t != -1 => Ok(t),
        _ => Err("invalid gmtime representation"),
    }
}

const WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The output did not fit the buffer jq gives `strftime` (C's `strftime` returns 0).
#[derive(Debug)]
struct Full;

/// One conversion's padding and case, as glibc reads them after `%`.
#[derive(Clone, Copy)]
struct Spec {
    /// `_`, `-`, `0` or none.
    pad: Option<u8>,
    /// The field width, or none (-1 in C).
    width: i64,
    upper: bool,
    lower: bool,
}

/// glibc's `__strftime_internal`, writing into `out` while it stays below `max` bytes.
struct Writer<'a> {
    out: &'a mut Vec<u8>,
    max: usize,
}

impl Writer<'_> {
    /// Whether `n` more bytes still leave the output below `max` (C's `_incr >= maxsize - i`).
    fn room(&self, n: i64) -> Result<(), Full> {
        let left = self.max.saturating_sub(self.out.len());
        if usize::try_from(n).is_ok_and(|n| n >= left) {
            Err(Full)
        } else {
            Ok(())
        }
    }

    /// C's `add`/`cpy`: `s` padded on the left to the width, with its case changed.
    fn add(&mut self, s: &[u8], spec: Spec) -> Result<(), Full> {
        let n = s.len() as i64;
        let delta = spec.width - n;
        self.room(n + delta.max(0))?;
        if delta > 0 {
            let fill = if spec.pad == Some(b'0') { b'0' } else { b' ' };
            self.out.extend(std::iter::repeat_n(fill, delta as usize));
        }
        if spec.lower {
            self.out.extend(s.iter().map(u8::to_ascii_lowercase));
        } else if spec.upper {
            self.out.extend(s.iter().map(u8::to_ascii_uppercase));
        } else {
            self.out.extend_from_slice(s);
        }
        Ok(())
    }

    /// C's `do_number`: `value` with at least `digits` characters, zero-padded (or as `pad`
    /// says), a minus sign before the padding zeros.
    fn number(&mut self, digits: i64, value: i64, spec: Spec) -> Result<(), Full> {
        self.number_digits(digits.max(spec.width), value, spec)
    }

    /// [`Self::number`] with exactly `digits` (the width not counted in).
    fn number_digits(&mut self, digits: i64, value: i64, mut spec: Spec) -> Result<(), Full> {
        let mut text = value.unsigned_abs().to_string().into_bytes();
        if value < 0 {
            text.insert(0, b'-');
        }
        let mut start = 0;
        if spec.pad != Some(b'-') {
            let padding = digits - text.len() as i64;
            if padding > 0 {
                if spec.pad == Some(b'_') {
                    self.room(padding)?;
                    self.out.extend(std::iter::repeat_n(b' ', padding as usize));
                    spec.width = if spec.width > padding { spec.width - padding } else { 0 };
                } else {
                    self.room(digits)?;
                    if value < 0 {
                        self.out.push(b'-');
                        start = 1;
                    }
                    self.out.extend(std::iter::repeat_n(b'0', padding as usize));
                    spec.width = 0;
                }
            }
        }
        self.add(&text[start..], spec)
    }

    /// C's `DO_NUMBER_SPACEPAD`: padded with spaces unless `0` or `-` was asked for.
    fn number_spaced(&mut self, digits: i64, value: i64, mut spec: Spec) -> Result<(), Full> {
        if !matches!(spec.pad, Some(b'0' | b'-')) {
            spec.pad = Some(b'_');
        }
        self.number(digits, value, spec)
    }

    /// A sub-format (`%c`, `%D`, ...): formatted whole, then added as one piece.
    fn sub(&mut self, tm: &Tm, fmt: &[u8], spec: Spec) -> Result<(), Full> {
        let mut text = Vec::new();
        Writer {
            out: &mut text,
            max: usize::MAX,
        }
        .format(tm, fmt)?;
        // C uppercases a sub-format's output for `^`, but does not lowercase it.
        let no_lower = Spec { lower: false, ..spec };
        self.add(&text, no_lower)
    }

    fn format(&mut self, tm: &Tm, fmt: &[u8]) -> Result<(), Full> {
        let plain = Spec {
            pad: None,
            width: -1,
            upper: false,
            lower: false,
        };
        let mut i = 0;
        while i < fmt.len() {
            if fmt[i] != b'%' {
                self.add(&fmt[i..=i], plain)?;
                i += 1;
                continue;
            }
            let start = i;
            let mut spec = plain;
            let mut change_case = false;
            i += 1;
            while let Some(&c) = fmt.get(i) {
                match c {
                    b'_' | b'-' | b'0' => spec.pad = Some(c),
                    b'^' => spec.upper = true,
                    b'#' => change_case = true,
                    _ => break,
                }
                i += 1;
            }
            if fmt.get(i).is_some_and(u8::is_ascii_digit) {
                spec.width = 0;
                while let Some(d) = fmt.get(i).filter(|d| d.is_ascii_digit()) {
                    spec.width = (spec.width * 10 + i64::from(d - b'0')).min(i64::from(i32::MAX));
                    i += 1;
                }
            }
            let modifier = match fmt.get(i) {
                Some(&m @ (b'E' | b'O')) => {
                    i += 1;
                    Some(m)
                }
                _ => None,
            };
            let Some(&c) = fmt.get(i) else {
                // `%` at the end: copied as written.
                self.add(&fmt[start..], spec)?;
                break;
            };
            if !self.conversion(tm, c, modifier, change_case, spec)? {
                // Unknown: C copies back to the nearest `%`.
                let from = fmt[..=i].iter().rposition(|&b| b == b'%').unwrap_or(start);
                self.add(&fmt[from..=i], spec)?;
            }
            i += 1;
        }
        Ok(())
    }

    /// One conversion; `false` when glibc does not know it (with that modifier).
    fn conversion(
        &mut self,
        tm: &Tm,
        c: u8,
        modifier: Option<u8>,
        change_case: bool,
        mut spec: Spec,
    ) -> Result<bool, Full> {
        let e = modifier == Some(b'E');
        let o = modifier == Some(b'O');
        let hour12 = match tm.hour {
            h if h > 12 => h - 12,
            0 => 12,
            h => h,
        };
        let name = |names: &'static [&'static str], i: i32, short: bool| -> &'static [u8] {
            match usize::try_from(i).ok().and_then(|i| names.get(i)) {
                Some(n) if short => &n.as_bytes()[..3],
                Some(n) => n.as_bytes(),
                None => b"?",
            }
        };
        let year = tm.year.wrapping_add(1900);
        match c {
            b'%' => self.add(b"%", spec)?,
            b'a' | b'A' | b'b' | b'h' | b'B' => {
                if (modifier.is_some() && matches!(c, b'a' | b'A')) || e {
                    return Ok(false);
                }
                if change_case {
                    spec.upper = true;
                    spec.lower = false;
                }
                let text = match c {
                    b'a' => name(&WEEKDAYS, tm.wday, true),
                    b'A' => name(&WEEKDAYS, tm.wday, false),
                    b'B' => name(&MONTHS, tm.mon, false),
                    _ => name(&MONTHS, tm.mon, true),
                };
                self.add(text, spec)?;
            }
            b'c' if !o => self.sub(tm, b"%a %b %e %H:%M:%S %Y", spec)?,
            b'C' => {
                let century = year / 100 - i32::from(year % 100 < 0);
                self.number(1, century.into(), spec)?;
            }
            b'x' if !o => self.sub(tm, b"%m/%d/%y", spec)?,
            b'D' if modifier.is_none() => self.sub(tm, b"%m/%d/%y", spec)?,
            b'd' if !e => self.number(2, tm.mday.into(), spec)?,
            b'e' if !e => self.number_spaced(2, tm.mday.into(), spec)?,
            b'F' if modifier.is_none() => self.sub(tm, b"%Y-%m-%d", spec)?,
            b'H' if !e => self.number(2, tm.hour.into(), spec)?,
            b'I' if !e => self.number(2, hour12.into(), spec)?,
            b'k' if !e => self.number_spaced(2, tm.hour.into(), spec)?,
            b'l' if !e => self.number_spaced(2, hour12.into(), spec)?,
            b'j' if !e => self.number(3, tm.yday.wrapping_add(1).into(), spec)?,
            b'M' if !e => self.number(2, tm.min.into(), spec)?,
            b'm' if !e => self.number(2, tm.mon.wrapping_add(1).into(), spec)?,
            b'n' => self.add(b"\n", spec)?,
            b't' => self.add(b"\t", spec)?,
            b'p' | b'P' => {
                if c == b'P' {
                    spec.lower = true;
                }
                if change_case {
                    spec.upper = false;
                    spec.lower = true;
                }
                self.add(if tm.hour > 11 { b"PM" } else { b"AM" }, spec)?;
            }
            b'R' => self.sub(tm, b"%H:%M", spec)?,
            b'r' => self.sub(tm, b"%I:%M:%S %p", spec)?,
            b'S' if !e => self.number(2, tm.sec.into(), spec)?,
            b's' => {
                // `mktime` of a copy, in local time: UTC here; -1 on failure.
                let t = timegm(tm).unwrap_or(-1);
                // C's `%s` keeps one digit whatever the width; the width pads it as text.
                self.number_digits(1, t, spec)?;
            }
            b'X' if !o => self.sub(tm, b"%H:%M:%S", spec)?,
            b'T' => self.sub(tm, b"%H:%M:%S", spec)?,
            b'u' => self.number(1, ((tm.wday.wrapping_sub(1).wrapping_add(7)) % 7 + 1).into(), spec)?,
            b'U' if !e => self.number(2, ((tm.yday.wrapping_sub(tm.wday).wrapping_add(7)) / 7).into(), spec)?,
            b'V' | b'g' | b'G' if !e => {
                let (iso_year, days) = iso_week(tm);
                match c {
                    b'g' => self.number(2, ((iso_year % 100 + 100) % 100).into(), spec)?,
                    b'G' => self.number(1, iso_year.into(), spec)?,
                    _ => self.number(2, (days / 7 + 1).into(), spec)?,
                }
            }
            b'W' if !e => {
                let monday_based = (tm.wday.wrapping_sub(1).wrapping_add(7)) % 7;
                self.number(
                    2,
                    ((tm.yday.wrapping_sub(monday_based).wrapping_add(7)) / 7).into(),
                    spec,
                )?;
            }
            b'w' if !e => self.number(1, tm.wday.into(), spec)?,
            b'Y' if !o => self.number(1, year.into(), spec)?,
            b'y' => self.number(2, ((tm.year % 100 + 100) % 100).into(), spec)?,
            b'Z' => {
                if change_case {
                    spec.upper = false;
                    spec.lower = true;
                }
                self.add(b"UTC", spec)?;
            }
            b'z' => {
                self.add(b"+", spec)?;
                self.number(4, 0, spec)?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// glibc's ISO 8601 week: the week-based year and the days since its first Monday, from the
/// year, year day and week day as given.
fn iso_week(tm: &Tm) -> (i32, i32) {
    // Days from the first day of the first ISO week of the year to `yday` (week day `wday`).
    fn days(yday: i32, wday: i32) -> i32 {
        let big_enough_multiple_of_7 = (366 / 7 + 2) * 7;
        yday.wrapping_sub((yday.wrapping_sub(wday).wrapping_add(4 + big_enough_multiple_of_7)) % 7)
            .wrapping_add(3)
    }
    let leap = |y: i32| y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let mut year = tm.year.wrapping_add(1900);
    let mut d = days(tm.yday, tm.wday);
    if d < 0 {
        year = year.wrapping_sub(1);
        d = days(tm.yday.wrapping_add(365 + i32::from(leap(year))), tm.wday);
    } else {
        let next = days(tm.yday.wrapping_sub(365 + i32::from(leap(year))), tm.wday);
        if next >= 0 {
            year = year.wrapping_add(1);
            d = next;
        }
    }
    (year, d)
}

/// jq 1.7's `strftime` of a broken-down time: glibc's in the C locale, into a buffer of the
/// format's length plus 100 bytes; `None` where C's fails (the output would not fit, or is
/// empty).
pub fn strftime(tm: &Tm, fmt: &str) -> Option<String> {
    let mut out = Vec::new();
    Writer {
        out: &mut out,
        max: fmt.len() + 100,
    }
    .format(tm, fmt.as_bytes())
    .ok()?;
    (!out.is_empty()).then(|| String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tm(fields: &[f64]) -> Tm {
        let vals: Vec<Val> = fields.iter().map(|&f| Val::from(f)).collect();
        Tm::from_fields(&vals).expect("numbers")
    }

    #[test]
    fn timegm_normalises() {
        // Values from Port's engine (tests/data/port-oracle and port-exec).
        assert_eq!(timegm(&tm(&[])), Some(-2_209_075_200));
        assert_eq!(timegm(&tm(&[2020.0])), Some(1_577_750_400));
        assert_eq!(timegm(&tm(&[2020.0, 1.0, 2.0, 3.0, 4.0, 5.5])), Some(1_580_612_645));
        assert_eq!(timegm(&tm(&[1e300])), Some(67_768_036_160_054_400));
        assert_eq!(
            mktime(&tm(&[1969.0, 11.0, 31.0, 23.0, 59.0, 59.0])),
            Err("invalid gmtime representation")
        );
    }

    /// Any format on any broken-down time: no panic, and the output stays within C's buffer.
    #[test]
    fn any_format_is_safe() {
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let pieces = [
            "%",
            "_",
            "-",
            "0",
            "^",
            "#",
            "E",
            "O",
            "9",
            "2147483648",
            "é",
            "c",
            "s",
            "z",
            "Y",
            "G",
            "x",
        ];
        let extremes = [i32::MIN, -1, 0, 1, 7, 12, 59, 366, i32::MAX];
        for _ in 0..20_000 {
            let fmt: String = (0..next() % 12)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            let mut f = [0i32; 8];
            for x in &mut f {
                *x = extremes[(next() % extremes.len() as u64) as usize];
            }
            let tm = Tm::from(f);
            if let Some(out) = strftime(&tm, &fmt) {
                assert!(!out.is_empty() && out.len() < fmt.len() + 100, "{fmt:?}: {out:?}");
            }
            let _ = mktime(&tm);
        }
    }

    #[test]
    fn gmtime_as_glibc() {
        // Values from Port's engine.
        assert_eq!(gmtime(8.9e12).unwrap().fields(), [283_999, 9, 10, 6, 13, 20, 0, 282]);
        assert_eq!(gmtime(-1.5).unwrap().fields(), [1969, 11, 31, 23, 59, 59, 3, 364]);
        assert_eq!(
            gmtime(-6e16).unwrap().fields(),
            [-1_901_322_341, 7, 4, 13, 20, 0, 1, 215]
        );
        assert!(gmtime(-6.8e16).is_none() && gmtime(1e17).is_none() && gmtime(f64::NAN).is_none());
    }

    #[test]
    fn strftime_prints_fields_as_given() {
        let all = "%Z|%z|%s|%F|%C|%G|%g|%V|%U|%W|%u|%w|%k|%l|%P|%r|%x|%X|%c|%D|%a|%b|%y|%Y";
        assert_eq!(
            strftime(&tm(&[]), all).unwrap(),
            "UTC|+0000|-2209075200|1900-01-00|19|1899|99|52|01|00|7|0| 0|12|am|12:00:00 AM|01/00/00|00:00:00|Sun Jan  0 00:00:00 1900|01/00/00|Sun|Jan|00|1900"
        );
        assert_eq!(
            strftime(
                &tm(&[-5.0, -3.0, -4.0, -1.0, -2.0, -3.0, -1.0, -2.0]),
                "%F|%a|%j|%e|%I|%c"
            )
            .unwrap(),
            "-5--2--4|?|-01|-4|-1|? ? -4 -1:-2:-3 -5"
        );
        assert_eq!(
            strftime(
                &tm(&[2020.0, 0.0, 1.0]),
                "%-10d|%_5H|%05e|%-j|%#Z|%^c|%#p|%^P|%3%|%E%|%Ey|%OY|%"
            )
            .unwrap(),
            "         1|    0|00001|1|utc|SUN JAN  1 00:00:00 2020|am|am|  %|%|20|%OY|%"
        );
        assert_eq!(
            strftime(&tm(&[1970.0, 0.0, 1.0]), "%12s|%012s").unwrap(),
            "           0|000000000000"
        );
        assert_eq!(strftime(&tm(&[2020.0]), "%1000Y"), None);
        assert_eq!(strftime(&tm(&[2020.0]), "%99Y").map(|s| s.len()), Some(99));
        assert_eq!(strftime(&tm(&[2020.0]), ""), None);
    }
}
