//! A serde `Deserializer` over the light document of [`super::document`]: it calls the
//! visitors as the `toml` crate's deserializer does and puts the same spans on errors, so
//! that serde derive produces the same messages ("missing field", "unknown field",
//! "invalid type") at the same places.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use serde::de::value::BorrowedStrDeserializer;
use serde::de::{self, IntoDeserializer, Visitor};

use super::document::{Item, Key, Spare, Table, Value};

/// A deserialization error: the message and, when known, where.
#[derive(Debug)]
pub(crate) struct Error {
    pub(crate) message: String,
    pub(crate) span: Option<Range<usize>>,
}

impl Error {
    fn new(message: impl fmt::Display, span: Option<Range<usize>>) -> Self {
        Error {
            message: message.to_string(),
            span,
        }
    }

    /// Gives the error `span` unless it already has one.
    fn at(mut self, span: &Range<usize>) -> Self {
        if self.span.is_none() {
            self.span = Some(span.clone());
        }
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error::new(msg, None)
    }
}

/// The names `serde_spanned` and `toml_datetime` use to ask for spans and datetimes.
const SPANNED: &str = "$__serde_spanned_private_Spanned";
const SPANNED_START: &str = "$__serde_spanned_private_start";
const SPANNED_END: &str = "$__serde_spanned_private_end";
const SPANNED_VALUE: &str = "$__serde_spanned_private_value";
const DATETIME: &str = "$__toml_private_datetime";
const DATETIME_STRUCT: &str = "$__toml_private_Datetime";

/// Deserializes `T` from a document (its span is empty, as `toml` gives the root).
pub(crate) fn from_document<'de, T: de::Deserialize<'de>>(root: Table<'de>) -> Result<T, Error> {
    T::deserialize(ValueDeserializer {
        value: Value::Table(root),
        span: 0..0,
        validate_struct_keys: false,
        spare: &mut Spare::default(),
    })
}

/// Deserializes `T` from one value of a document, as it would be deserialized in its place;
/// the vectors of the value's tables and arrays go to `spare` once they are read.
pub(crate) fn from_item<'de, T: de::Deserialize<'de>>(
    item: Item<'de>,
    spare: &mut Spare<'de>,
) -> Result<T, Error> {
    T::deserialize(ValueDeserializer::new(item, spare))
}

/// Deserializes one value.
pub(crate) struct ValueDeserializer<'s, 'de> {
    value: Value<'de>,
    span: Range<usize>,
    validate_struct_keys: bool,
    spare: &'s mut Spare<'de>,
}

impl<'s, 'de> ValueDeserializer<'s, 'de> {
    fn new(item: Item<'de>, spare: &'s mut Spare<'de>) -> Self {
        ValueDeserializer {
            value: item.value,
            span: item.span,
            validate_struct_keys: false,
            spare,
        }
    }
}

impl<'de> IntoDeserializer<'de, Error> for ValueDeserializer<'_, 'de> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

fn integer<'de, V: Visitor<'de>>(digits: &str, radix: u32, visitor: V) -> Result<V::Value, Error> {
    if let Ok(v) = i64::from_str_radix(digits, radix) {
        visitor.visit_i64(v)
    } else if let Ok(v) = u64::from_str_radix(digits, radix) {
        visitor.visit_u64(v)
    } else if let Ok(v) = i128::from_str_radix(digits, radix) {
        visitor.visit_i128(v)
    } else if let Ok(v) = u128::from_str_radix(digits, radix) {
        visitor.visit_u128(v)
    } else {
        Err(Error::new("integer number overflowed", None))
    }
}

fn float(text: &str) -> Option<f64> {
    let f: f64 = text.parse().ok()?;
    if f.is_infinite() && !text.contains("inf") {
        None
    } else {
        Some(f)
    }
}

impl<'de> de::Deserializer<'de> for ValueDeserializer<'_, 'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let span = self.span;
        match self.value {
            Value::String(Cow::Owned(v)) => visitor.visit_string(v),
            Value::String(Cow::Borrowed(v)) => visitor.visit_borrowed_str(v),
            Value::Integer(digits, radix) => integer(&digits, radix, visitor),
            Value::Float(text) => match float(&text) {
                Some(v) => visitor.visit_f64(v),
                None => Err(Error::new("floating-point number overflowed", None)),
            },
            Value::Boolean(v) => visitor.visit_bool(v),
            Value::Datetime(v) => visitor.visit_map(DatetimeAccess(Some(v))),
            Value::Array(v) => visitor.visit_seq(SeqAccess::new(v.items, self.spare)),
            Value::Table(v) => visitor.visit_map(MapAccess::new(v, self.spare)),
        }
        .map_err(|e| e.at(&span))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let span = self.span.clone();
        visitor.visit_some(self).map_err(|e| e.at(&span))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        let span = self.span.clone();
        visitor.visit_newtype_struct(self).map_err(|e| e.at(&span))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        if name == SPANNED {
            let span = self.span.clone();
            return visitor.visit_map(SpannedAccess::new(self, span));
        }
        if name == DATETIME_STRUCT {
            let span = self.span.clone();
            if let Value::Datetime(d) = self.value {
                return visitor
                    .visit_map(DatetimeAccess(Some(d)))
                    .map_err(|e| e.at(&span));
            }
        }
        if self.validate_struct_keys
            && let Value::Table(table) = &self.value
        {
            validate_struct_keys(table, fields).map_err(|e| e.at(&self.span))?;
        }
        self.deserialize_any(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let span = self.span;
        match self.value {
            Value::String(v) => visitor.visit_enum(v.into_deserializer()),
            Value::Table(v) => table_enum(v, span.clone(), self.spare, visitor),
            _ => Err(Error::new("wanted string or table", Some(span.clone()))),
        }
        .map_err(|e| e.at(&span))
    }

    fn deserialize_i128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_any(visitor)
    }

    fn deserialize_u128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_any(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool u8 u16 u32 u64 i8 i16 i32 i64 f32 f64 char str string seq
        bytes byte_buf map unit
        ignored_any unit_struct tuple_struct tuple identifier
    }
}

/// The check `toml` makes on a struct variant's table: no keys besides the fields.
fn validate_struct_keys(table: &Table<'_>, fields: &'static [&'static str]) -> Result<(), Error> {
    let extra: Vec<&Key<'_>> = table
        .entries
        .iter()
        .map(|(k, _)| k)
        .filter(|k| !fields.contains(&k.name.as_ref()))
        .collect();
    match extra.first() {
        None => Ok(()),
        Some(first) => Err(Error::new(
            format!(
                "unexpected keys in table: {}, available keys: {}",
                extra
                    .iter()
                    .map(|k| k.name.as_ref())
                    .collect::<Vec<_>>()
                    .join(", "),
                fields.join(", "),
            ),
            Some(first.span.clone()),
        )),
    }
}

/// An enum written as a table of one entry, as `toml` reads it.
fn table_enum<'de, V: Visitor<'de>>(
    table: Table<'de>,
    span: Range<usize>,
    spare: &mut Spare<'de>,
    visitor: V,
) -> Result<V::Value, Error> {
    let mut entries = table.entries;
    if entries.len() > 1 {
        return Err(Error::new(
            "wanted exactly 1 element, more than 1 element",
            Some(span),
        ));
    }
    match entries.pop() {
        None => Err(Error::new(
            "wanted exactly 1 element, found 0 elements",
            Some(span),
        )),
        Some(entry) => {
            spare.keep_entries(entries);
            visitor.visit_enum(TableEnum { entry, spare })
        }
    }
}

/// The entries of a table, in key order.
struct MapAccess<'s, 'de> {
    /// The entries not read yet, the next one last.
    entries: Vec<(Key<'de>, Item<'de>)>,
    value: Option<(Key<'de>, Item<'de>)>,
    spare: &'s mut Spare<'de>,
}

impl<'s, 'de> MapAccess<'s, 'de> {
    fn new(table: Table<'de>, spare: &'s mut Spare<'de>) -> Self {
        let mut entries = table.entries;
        entries.reverse();
        MapAccess {
            entries,
            value: None,
            spare,
        }
    }
}

impl Drop for MapAccess<'_, '_> {
    fn drop(&mut self) {
        self.spare.keep_entries(std::mem::take(&mut self.entries));
    }
}

impl<'de> de::MapAccess<'de> for MapAccess<'_, 'de> {
    type Error = Error;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((key, item)) = self.entries.pop() else {
            return Ok(None);
        };
        let span = key.span.clone();
        let result = seed
            .deserialize(KeyDeserializer {
                key: key.name.clone(),
                span: span.clone(),
            })
            .map(Some)
            .map_err(|e| e.at(&span));
        self.value = Some((key, item));
        result
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        match self.value.take() {
            Some((_, item)) => {
                let span = item.span.clone();
                seed.deserialize(ValueDeserializer::new(item, self.spare))
                    .map_err(|e| e.at(&span))
            }
            None => Err(Error::new("a value was asked for before its key", None)),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// An enum written as a table of one entry: the entry.
struct TableEnum<'s, 'de> {
    entry: (Key<'de>, Item<'de>),
    spare: &'s mut Spare<'de>,
}

impl<'s, 'de> de::EnumAccess<'de> for TableEnum<'s, 'de> {
    type Error = Error;
    type Variant = VariantDeserializer<'s, 'de>;

    fn variant_seed<V: de::DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self::Variant), Error> {
        let (key, item) = self.entry;
        let span = key.span.clone();
        let variant = seed
            .deserialize(KeyDeserializer {
                key: key.name,
                span: span.clone(),
            })
            .map_err(|e| e.at(&span))?;
        Ok((
            variant,
            VariantDeserializer {
                item,
                spare: self.spare,
            },
        ))
    }
}

/// The value of an enum written as a table of one entry.
struct VariantDeserializer<'s, 'de> {
    item: Item<'de>,
    spare: &'s mut Spare<'de>,
}

impl<'de> de::VariantAccess<'de> for VariantDeserializer<'_, 'de> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        let span = Some(self.item.span);
        match self.item.value {
            Value::Array(a) if a.items.is_empty() => Ok(()),
            Value::Array(_) => Err(Error::new("expected empty array", span)),
            Value::Table(t) if t.entries.is_empty() => Ok(()),
            Value::Table(_) => Err(Error::new("expected empty table", span)),
            other => Err(Error::new(
                format!("expected table, found {}", other.type_str()),
                span,
            )),
        }
    }

    fn newtype_variant_seed<T: de::DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(ValueDeserializer::new(self.item, self.spare))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Error> {
        let span = self.item.span;
        let items = match self.item.value {
            Value::Array(a) => a.items,
            Value::Table(t) => {
                let mut items = Vec::with_capacity(t.entries.len());
                for (index, (key, item)) in t.entries.into_iter().enumerate() {
                    match key.name.parse::<usize>() {
                        Ok(i) if i == index => items.push(item),
                        _ => {
                            return Err(Error::new(
                                format!("expected table key `{index}`, but was `{}`", key.name),
                                Some(key.span),
                            ));
                        }
                    }
                }
                items
            }
            other => {
                return Err(Error::new(
                    format!("expected table, found {}", other.type_str()),
                    Some(span),
                ));
            }
        };
        if items.len() == len {
            visitor.visit_seq(SeqAccess::new(items, self.spare))
        } else {
            Err(Error::new(
                format!("expected tuple with length {len}"),
                Some(span),
            ))
        }
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let mut value = ValueDeserializer::new(self.item, self.spare);
        value.validate_struct_keys = true;
        de::Deserializer::deserialize_struct(value, "", fields, visitor)
    }
}

/// The items of an array.
struct SeqAccess<'s, 'de> {
    /// The items not read yet, the next one last.
    items: Vec<Item<'de>>,
    spare: &'s mut Spare<'de>,
}

impl<'s, 'de> SeqAccess<'s, 'de> {
    fn new(mut items: Vec<Item<'de>>, spare: &'s mut Spare<'de>) -> Self {
        items.reverse();
        SeqAccess { items, spare }
    }
}

impl Drop for SeqAccess<'_, '_> {
    fn drop(&mut self) {
        self.spare.keep_items(std::mem::take(&mut self.items));
    }
}

impl<'de> de::SeqAccess<'de> for SeqAccess<'_, 'de> {
    type Error = Error;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        match self.items.pop() {
            Some(item) => seed
                .deserialize(ValueDeserializer::new(item, self.spare))
                .map(Some),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// A value seen by serde as a map of its start, end and value.
struct SpannedAccess<T> {
    start: Option<usize>,
    end: Option<usize>,
    value: Option<T>,
}

impl<T> SpannedAccess<T> {
    fn new(value: T, span: Range<usize>) -> Self {
        SpannedAccess {
            start: Some(span.start),
            end: Some(span.end),
            value: Some(value),
        }
    }
}

impl<'de, T: IntoDeserializer<'de, Error>> de::MapAccess<'de> for SpannedAccess<T> {
    type Error = Error;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let field = if self.start.is_some() {
            SPANNED_START
        } else if self.end.is_some() {
            SPANNED_END
        } else if self.value.is_some() {
            SPANNED_VALUE
        } else {
            return Ok(None);
        };
        seed.deserialize(BorrowedStrDeserializer::new(field))
            .map(Some)
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        if let Some(start) = self.start.take() {
            seed.deserialize(start.into_deserializer())
        } else if let Some(end) = self.end.take() {
            seed.deserialize(end.into_deserializer())
        } else if let Some(value) = self.value.take() {
            seed.deserialize(value.into_deserializer())
        } else {
            Err(Error::new("a value was asked for before its key", None))
        }
    }
}

/// A datetime seen by serde as a map of one private key, as `toml_datetime` shows it.
struct DatetimeAccess(Option<toml::value::Datetime>);

impl<'de> de::MapAccess<'de> for DatetimeAccess {
    type Error = Error;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        if self.0.is_some() {
            seed.deserialize(BorrowedStrDeserializer::new(DATETIME))
                .map(Some)
        } else {
            Ok(None)
        }
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        match self.0.take() {
            Some(date) => seed.deserialize(date.to_string().into_deserializer()),
            None => Err(Error::new("a value was asked for before its key", None)),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(usize::from(self.0.is_some()))
    }
}

/// Deserializes a key: as a string, or parsed into the type asked for.
struct KeyDeserializer<'de> {
    key: Cow<'de, str>,
    span: Range<usize>,
}

impl<'de> IntoDeserializer<'de, Error> for KeyDeserializer<'de> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

macro_rules! parse_key {
    ($($method:ident $ty:ty),*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            let key: $ty = self.key.parse().map_err(de::Error::custom)?;
            IntoDeserializer::<Error>::into_deserializer(key).$method(visitor)
        }
    )*};
}

impl<'de> de::Deserializer<'de> for KeyDeserializer<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        IntoDeserializer::<Error>::into_deserializer(self.key).deserialize_any(visitor)
    }

    parse_key! {
        deserialize_bool bool, deserialize_i8 i8, deserialize_i16 i16, deserialize_i32 i32,
        deserialize_i64 i64, deserialize_i128 i128, deserialize_u8 u8, deserialize_u16 u16,
        deserialize_u32 u32, deserialize_u64 u64, deserialize_u128 u128,
        deserialize_char char
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.key {
            Cow::Borrowed(s) => visitor.visit_borrowed_str(s),
            Cow::Owned(s) => visitor.visit_string(s),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_enum(self)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        if name == SPANNED {
            let span = self.span.clone();
            return visitor.visit_map(SpannedAccess::new(self.key, span));
        }
        self.deserialize_any(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        f32 f64 seq string
        bytes byte_buf map option unit
        ignored_any unit_struct tuple_struct tuple identifier
    }
}

impl<'de> de::EnumAccess<'de> for KeyDeserializer<'de> {
    type Error = Error;
    type Variant = UnitOnly;

    fn variant_seed<T: de::DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<(T::Value, UnitOnly), Error> {
        seed.deserialize(self).map(|v| (v, UnitOnly))
    }
}

/// The variant of an enum named by a key: a unit variant only.
struct UnitOnly;

impl<'de> de::VariantAccess<'de> for UnitOnly {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        Ok(())
    }

    fn newtype_variant_seed<T: de::DeserializeSeed<'de>>(
        self,
        _seed: T,
    ) -> Result<T::Value, Error> {
        Err(de::Error::invalid_type(
            de::Unexpected::UnitVariant,
            &"newtype variant",
        ))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, _visitor: V) -> Result<V::Value, Error> {
        Err(de::Error::invalid_type(
            de::Unexpected::UnitVariant,
            &"tuple variant",
        ))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Error> {
        Err(de::Error::invalid_type(
            de::Unexpected::UnitVariant,
            &"struct variant",
        ))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;
    use toml::Spanned;

    use crate::load::read;
    use crate::source::Source;

    /// Shapes the file formats do not use, to hold the deserializer to `toml`'s behaviour
    /// beyond them.
    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Shapes {
        date: Option<toml::value::Datetime>,
        small: Option<u8>,
        big: Option<i128>,
        ch: Option<char>,
        unit: Option<Unit>,
        either: Option<Either>,
        tuple: Option<(i64, String)>,
        keys: Option<BTreeMap<u16, bool>>,
        spanned_keys: Option<BTreeMap<Spanned<String>, Spanned<f64>>>,
        value: Option<toml::Value>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Unit;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "snake_case")]
    enum Either {
        Plain,
        Newtype(i64),
        Pair(i64, i64),
        Named { a: i64 },
    }

    #[test]
    fn serde_shapes_deserialize_as_toml_does() {
        let cases = [
            "date = 1979-05-27T07:32:00Z",
            "date = 12:30:00",
            "date = \"1979-05-27\"",
            "small = 255",
            "small = 256",
            "small = -1",
            "big = 170141183460469231731687303715884105727",
            "big = 0x7fff_ffff_ffff_ffff_ffff",
            "ch = \"x\"",
            "ch = \"xy\"",
            "unit = 1",
            "unit = {}",
            "either = \"plain\"",
            "either = \"other\"",
            "either = { newtype = 3 }",
            "either = { pair = [1, 2] }",
            "either = { pair = [1] }",
            "either = { pair = { 0 = 1, 1 = 2 } }",
            "either = { pair = { 1 = 1, 0 = 2 } }",
            "either = { named = { a = 1 } }",
            "either = { named = { a = 1, b = 2 } }",
            "either = { plain = [] }",
            "either = { plain = [1] }",
            "either = { plain = 1 }",
            "either = { newtype = 1, pair = [1, 2] }",
            "either = 1.5",
            "tuple = [1, \"a\"]",
            "tuple = [1]",
            "tuple = [1, \"a\", 3]",
            "keys = { 1 = true, 65535 = false }",
            "keys = { x = true }",
            "keys = { 70000 = true }",
            "spanned_keys = { \"a b\" = 1, c = inf, d = -0.0 }",
            "value = { a = [1, 2.5, \"x\", true, 1979-05-27], b = { c = {} } }",
            "value = 18446744073709551615",
            "unknown = 1",
        ];
        for text in cases {
            let source = Source::new("shapes.toml", text);
            let expected = toml::from_str::<Shapes>(text)
                .map_err(|e| crate::error::LoadError::from_toml(&source, &e).to_string());
            let got = read::<Shapes>(&source).map_err(|e| e.to_string());
            assert_eq!(format!("{got:?}"), format!("{expected:?}"), "{text}");
        }
    }
}
