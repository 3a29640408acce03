//! Enums whose variants are a fixed list the pages walk in order (feelings,
//! trust constructs, signs): the variants are written once and `ALL` and
//! `COUNT` follow from them, so the list cannot drift from the enum.

/// Declares a fieldless enum with `COUNT` and `ALL`, its variants in the
/// order they are declared.
macro_rules! listed_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$variant_meta:meta])* $variant:ident),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis enum $name {
            $($(#[$variant_meta])* $variant),+
        }

        impl $name {
            pub const COUNT: usize = [$(stringify!($variant)),+].len();

            pub const ALL: [$name; Self::COUNT] = [$($name::$variant),+];
        }
    };
}
pub(crate) use listed_enum;

/// The one of `all` whose form code is `raw`, spaces around it ignored.
pub(crate) fn by_code<T: Copy>(all: &[T], raw: &str, code: fn(T) -> &'static str) -> Option<T> {
    all.iter().copied().find(|each| code(*each) == raw.trim())
}
